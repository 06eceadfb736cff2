//! Searching and exporting the whole organisation, against the demo API.
//!
//! - Cold search: `search --refresh` as the real binary over 20,000 contacts with
//!   100 ms of latency per request at concurrency 8. Page 1 comes alone (it says how
//!   many there are), then 199 pages 8 at a time: 26 round trips, 2.6 s at the least.
//!   Budget: 3 s.
//! - Export: `export -o FILE` of the same 20,000 at concurrency 8, the same 26 round
//!   trips. Budget: at least 80 % of that limit's rate.
//! - Warm filter: keystroke-like queries over an index of 100,000 contacts, in process.
//!   Budget: under 16 ms per query.
//!
//! Printed before criterion's own measurements: one timed run of each command, and the
//! peak memory of a cold search and of an export of 100,000 contacts (no latency;
//! budget 60 MB).
//!
//! `cargo bench --bench index` (a few minutes on two cores).

#[path = "common/measure.rs"]
mod measure;

use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use linq_contact::api::LinqClient;
use linq_contact::demo::DemoServer;
use linq_contact::index::{self, Index};
use linq_contact::secret::Token;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

const LATENCY: Duration = Duration::from_millis(100);
const CONCURRENCY: u32 = 8;
const CONTACTS: usize = 20_000;
const MANY: usize = 100_000;
/// The demo's own contacts, before the generated ones.
const SEED: usize = 32;

/// Round trips of a full read: page 1 alone, then the rest `CONCURRENCY` at a time.
fn round_trips(contacts: usize) -> u32 {
    let pages = contacts.div_ceil(100) as u32;
    1 + (pages - 1).div_ceil(CONCURRENCY)
}

struct Bench {
    rt: tokio::runtime::Runtime,
    dir: PathBuf,
}

impl Bench {
    fn new() -> Bench {
        let dir = std::env::temp_dir().join(format!("lc-bench-index-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        Bench {
            rt: tokio::runtime::Runtime::new().expect("runtime"),
            dir,
        }
    }

    /// A demo API with `contacts` contacts in all.
    fn demo(&self, contacts: usize) -> DemoServer {
        self.rt
            .block_on(DemoServer::start_with_generated(0, contacts - SEED))
            .expect("demo API")
    }

    /// Runs the binary to the end; the wall time and the peak resident memory (KiB).
    fn run(&self, demo: &DemoServer, args: &[&str]) -> (Duration, u64) {
        measure::run(measure::binary(demo, &self.dir, args), &format!("{args:?}"))
    }

    /// The index of `demo`, read in process as `search` reads it.
    fn index(&self, demo: &DemoServer) -> Index {
        let client = LinqClient::new(
            &demo.url(),
            Token::new(demo.token()),
            Duration::from_secs(30),
        )
        .expect("client");
        self.rt
            .block_on(index::build(
                "bench",
                |n| {
                    let client = client.clone();
                    async move { client.list_contacts(n, index::PER_PAGE).await }
                },
                8,
                |_, _| {},
            ))
            .map_err(|(page, e)| format!("page {page}: {}", e.headline()))
            .expect("index")
    }
}

impl Drop for Bench {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn file(dir: &Path, name: &str) -> String {
    dir.join(name).display().to_string()
}

/// What a person types while looking someone up, one keystroke at a time.
const KEYSTROKES: [&str; 12] = [
    "a",
    "al",
    "ale",
    "alex",
    "alex ",
    "alex a",
    "alex ab",
    "alex abb",
    "alex abbo",
    "contoso",
    "portland engineer",
    "555 0142",
];

fn index_benches(c: &mut Criterion) {
    let bench = Bench::new();
    let concurrency = CONCURRENCY.to_string();

    // Memory first, without latency.
    let many = bench.demo(MANY);
    let (cold_many, cold_peak) = bench.run(&many, &["search", "alex abbott", "--refresh"]);
    let (_, warm_peak) = bench.run(&many, &["search", "alex abbott"]);
    let out = file(&bench.dir, "many.csv");
    let (export_many, export_peak) = bench.run(&many, &["export", "-o", &out]);
    println!(
        "{MANY} contacts, no latency: cold search {:.1} s, peak {:.1} MiB; warm search peak \
         {:.1} MiB; export {:.1} s, peak {:.1} MiB",
        cold_many.as_secs_f64(),
        cold_peak as f64 / 1024.0,
        warm_peak as f64 / 1024.0,
        export_many.as_secs_f64(),
        export_peak as f64 / 1024.0,
    );
    let index = bench.index(&many);
    println!(
        "index of {} contacts: {:.1} MiB of entries",
        index.len(),
        index.footprint() as f64 / (1024.0 * 1024.0)
    );
    drop(many);

    let demo = bench.demo(CONTACTS);
    demo.set_latency(LATENCY);
    let limit = LATENCY * round_trips(CONTACTS);
    let cold_search: [&str; 5] = [
        "search",
        "alex abbott",
        "--refresh",
        "--concurrency",
        &concurrency,
    ];
    let (cold, _) = bench.run(&demo, &cold_search);
    println!(
        "cold search, {CONTACTS} contacts, {} ms latency, concurrency {CONCURRENCY}: {:.2} s \
         (limit {:.1} s, budget 3 s)",
        LATENCY.as_millis(),
        cold.as_secs_f64(),
        limit.as_secs_f64()
    );
    let out = file(&bench.dir, "all.csv");
    let export_all: [&str; 5] = ["export", "-o", &out, "--concurrency", &concurrency];
    let (export, _) = bench.run(&demo, &export_all);
    println!(
        "export, {CONTACTS} contacts, {} ms latency, concurrency {CONCURRENCY}: {:.2} s, \
         {:.0} contacts/s = {:.0} % of the limit ({:.1} s; budget 80 %)",
        LATENCY.as_millis(),
        export.as_secs_f64(),
        CONTACTS as f64 / export.as_secs_f64(),
        100.0 * limit.as_secs_f64() / export.as_secs_f64(),
        limit.as_secs_f64()
    );

    let mut group = c.benchmark_group("commands");
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(30));
    for (name, args) in [
        (
            "cold search, 20,000 contacts, 100 ms latency",
            &cold_search[..],
        ),
        ("export, 20,000 contacts, 100 ms latency", &export_all[..]),
    ] {
        group.bench_function(name, |b| {
            b.iter_custom(|iters| (0..iters).map(|_| bench.run(&demo, args).0).sum())
        });
    }
    group.finish();
    drop(demo);

    let mut group = c.benchmark_group("warm filter, 100,000 contacts");
    group
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    for query in KEYSTROKES {
        group.bench_function(format!("{query:?}"), |b| {
            b.iter(|| black_box(index.search(black_box(query), 50).matched))
        });
    }
    group.finish();
}

criterion_group!(benches, index_benches);
criterion_main!(benches);
