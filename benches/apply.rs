//! `apply` against the demo API with 50 ms of latency per request, run as the real
//! binary. Each row is one read and one write, so at concurrency 8 the physical limit
//! is 8 / (2 × 50 ms) = 80 rows/s. Budget: at least 80 % of that, and at least 10× a
//! sequential shell loop of curl GET + PUT over the same rows.
//!
//! Prints, before criterion's own measurement:
//! - the 1,000-row run: rows/s and its share of the limit;
//! - the curl loop (when curl is installed) over the first 100 of those rows;
//! - peak memory of `apply` for 1,000 and 100,000 rows (no latency, values already
//!   stored), which must stay flat.
//!
//! `cargo bench --bench apply` (about three minutes on two cores).

#[path = "common/measure.rs"]
mod measure;

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use linq_contact::demo::DemoServer;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const LATENCY: Duration = Duration::from_millis(50);
const CONCURRENCY: usize = 8;
const ROWS: usize = 1000;
const CURL_ROWS: usize = 100;
const LIMIT: f64 = CONCURRENCY as f64 / (2.0 * 0.050);

struct Bench {
    /// The demo API serves on this runtime's threads for as long as the bench runs.
    _rt: tokio::runtime::Runtime,
    demo: DemoServer,
    ids: Vec<u64>,
    dir: PathBuf,
}

impl Bench {
    fn new() -> Bench {
        let rt = tokio::runtime::Runtime::new().expect("runtime");
        let demo = rt
            .block_on(DemoServer::start_with_generated(0, ROWS))
            .expect("demo API");
        // Plain contacts only: the seed's odd ones (no name, control characters) would
        // measure something else.
        let first = demo.first_id();
        let ids: Vec<u64> = (first..first + 2 * ROWS as u64)
            .filter(|id| {
                demo.contact(*id).is_some_and(|c| {
                    !c.first_name.is_empty()
                        && c.first_name.chars().all(|ch| ch.is_ascii_alphabetic())
                })
            })
            .take(ROWS)
            .collect();
        assert_eq!(ids.len(), ROWS, "not enough plain contacts");
        let dir = std::env::temp_dir().join(format!("lc-bench-apply-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        Bench {
            _rt: rt,
            demo,
            ids,
            dir,
        }
    }

    /// A JSON Lines file setting every row's title to `title {id}`, repeated to `rows`.
    fn input(&self, name: &str, title: &str, rows: usize) -> PathBuf {
        let path = self.dir.join(name);
        let mut out = std::io::BufWriter::new(std::fs::File::create(&path).expect("input"));
        for id in self.ids.iter().cycle().take(rows) {
            writeln!(out, "{{\"id\": {id}, \"title\": \"{title} {id}\"}}").expect("write");
        }
        out.flush().expect("flush");
        path
    }

    fn apply(&self, input: &Path, concurrency: usize) -> Command {
        let concurrency = concurrency.to_string();
        let args = [
            "apply",
            input.to_str().expect("path"),
            "--concurrency",
            &concurrency,
        ];
        measure::binary(&self.demo, &self.dir, &args)
    }

    /// Runs `apply` to the end; the wall time and the peak resident memory (KiB).
    fn run(&self, input: &Path, concurrency: usize) -> (Duration, u64) {
        measure::run(self.apply(input, concurrency), "apply")
    }

    /// The same rows by hand: `curl` GET then PUT, one row after another.
    fn curl_loop(&self, title: &str) -> Option<Duration> {
        Command::new("curl").arg("--version").output().ok()?;
        let mut script = String::from("set -e\n");
        for id in self.ids.iter().take(CURL_ROWS) {
            let url = format!("{}/api/partner/v2/contacts/{id}", self.demo.url());
            let auth = format!("X-LINQ-INTEGRATION-TOKEN: {}", self.demo.token());
            // The API wants an identity field in every update, as apply sends it.
            let first_name = self.demo.contact(*id)?.first_name;
            let body = serde_json::json!({"contact": {"first_name": first_name, "title": format!("{title} {id}")}});
            script.push_str(&format!(
                "curl -sf -o /dev/null -H '{auth}' '{url}'\n\
                 curl -sf -o /dev/null -X PUT -H '{auth}' -H 'Content-Type: application/json' \
                 -d '{body}' '{url}'\n"
            ));
        }
        let started = Instant::now();
        let status = Command::new("bash").args(["-c", &script]).status().ok()?;
        status.success().then(|| started.elapsed())
    }
}

impl Drop for Bench {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn apply(c: &mut Criterion) {
    let bench = Bench::new();

    // Memory first, without latency: the values are stored by the first pass, so the
    // big run reads every row and sends nothing, which keeps it short.
    let small = bench.input("small.jsonl", "Memory", ROWS);
    let big = bench.input("big.jsonl", "Memory", 100 * ROWS);
    bench.run(&small, CONCURRENCY);
    let (_, small_peak) = bench.run(&small, CONCURRENCY);
    let (big_time, big_peak) = bench.run(&big, CONCURRENCY);
    println!(
        "apply memory: peak {small_peak} KiB for {ROWS} rows, {big_peak} KiB for {} rows \
         ({:.1} s)",
        100 * ROWS,
        big_time.as_secs_f64()
    );

    bench.demo.set_latency(LATENCY);
    let headline = bench.input("headline.jsonl", "Headline", ROWS);
    let (elapsed, _) = bench.run(&headline, CONCURRENCY);
    let rate = ROWS as f64 / elapsed.as_secs_f64();
    println!(
        "apply {ROWS} rows, {} ms latency, concurrency {CONCURRENCY}: {:.1} s, {rate:.1} rows/s \
         = {:.0} % of the {LIMIT:.0} rows/s limit",
        LATENCY.as_millis(),
        elapsed.as_secs_f64(),
        100.0 * rate / LIMIT
    );
    match bench.curl_loop("Curl") {
        Some(curl) => {
            let curl_rate = CURL_ROWS as f64 / curl.as_secs_f64();
            println!(
                "curl GET + PUT loop, {CURL_ROWS} rows: {:.1} s, {curl_rate:.1} rows/s; apply is \
                 {:.1}× faster",
                curl.as_secs_f64(),
                rate / curl_rate
            );
        }
        None => println!("curl loop: curl is not installed, not compared"),
    }

    let batch = 200;
    let mut group = c.benchmark_group("apply");
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(30))
        .throughput(Throughput::Elements(batch as u64));
    let mut round = 0;
    group.bench_function("200 rows, 50 ms latency, concurrency 8", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                // New values each time, so every row is really sent.
                round += 1;
                let input = bench.input("round.jsonl", &format!("Round {round}"), batch);
                total += bench.run(&input, CONCURRENCY).0;
            }
            total
        })
    });
    group.finish();
}

criterion_group!(benches, apply);
criterion_main!(benches);
