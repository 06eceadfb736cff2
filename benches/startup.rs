//! Start-up: from the command to the contact's name on the screen, against `curl`
//! fetching the same contact from the same server and printing it (the least any client
//! can take: start, one GET, print). Budget: the editor no later than 0.95 × curl.
//!
//! The demo API runs in the bench's process on loopback. Both commands run the same way:
//! in a fresh 24×80 pseudo-terminal, timed from just before it is opened until its screen
//! shows the contact's name (the harness wakes on every chunk of output). The editor is
//! the release binary; it then quits, untimed. curl is `curl -s -f` with the token
//! header. The two run in turn, pair by pair, so that a machine whose speed drifts moves
//! both alike; printed first: the medians and the ratio of the medians. Criterion's own
//! measurements of each follow.
//!
//! `cargo bench --bench startup` (about a minute; needs `curl` on the PATH).

use criterion::{Criterion, criterion_group, criterion_main};
use linq_contact::demo::DemoServer;
use portable_pty::CommandBuilder;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[path = "../tests/common/mod.rs"]
mod common;
use common::pty;

/// Pairs of runs for the printed ratio.
const PAIRS: usize = 41;
const WARM_UP: usize = 3;

struct Bench {
    _rt: tokio::runtime::Runtime,
    demo: DemoServer,
    id: u64,
    name: String,
    state: PathBuf,
}

impl Bench {
    fn new() -> Bench {
        let rt = tokio::runtime::Runtime::new().expect("runtime");
        let demo = rt.block_on(DemoServer::start(0)).expect("demo API");
        let id = demo.first_id();
        let name = demo.contact(id).expect("the first contact").full_name;
        Bench {
            _rt: rt,
            demo,
            id,
            name,
            state: pty::state_dir("bench-startup"),
        }
    }

    /// `curl` fetching the contact in the same kind of terminal: from the command to
    /// the name in the JSON it prints.
    fn curl(&self) -> Duration {
        let url = format!("{}/api/partner/v2/contacts/{}", self.demo.url(), self.id);
        let header = format!("X-LINQ-INTEGRATION-TOKEN: {}", self.demo.token());
        let mut command = CommandBuilder::new("curl");
        command.args(["-s", "-f", "-H", &header, &url]);
        let started = Instant::now();
        let mut session = pty::Session::launch(command, 24, 80);
        session.wait_drawn(&self.name);
        let took = started.elapsed();
        assert_eq!(session.wait_exit(), 0, "curl failed");
        took
    }

    /// The editor on the contact: from the command to its name on the screen.
    fn editor(&self) -> Duration {
        let started = Instant::now();
        let mut session = pty::editor(&self.demo, &self.state, self.id);
        session.wait_drawn(&self.name);
        let took = started.elapsed();
        pty::quit(&mut session);
        took
    }
}

impl Drop for Bench {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.state);
    }
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn paired(bench: &Bench) {
    for _ in 0..WARM_UP {
        bench.curl();
        bench.editor();
    }
    let (mut curl, mut editor, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..PAIRS {
        let c = ms(bench.curl());
        let e = ms(bench.editor());
        curl.push(c);
        editor.push(e);
        ratios.push(e / c);
    }
    let (c, e) = (median(curl), median(editor));
    println!(
        "start-up, {PAIRS} pairs: curl GET {c:.2} ms, editor to the name on screen {e:.2} ms \
         (medians): {:.2} × curl (median of the pairs' ratios {:.2}; budget 0.95)",
        e / c,
        median(ratios)
    );
}

fn startup_benches(c: &mut Criterion) {
    if !curl_present() {
        println!("startup: no curl on the PATH, nothing to compare with");
        return;
    }
    let bench = Bench::new();
    paired(&bench);
    let mut group = c.benchmark_group("startup");
    group
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(10));
    group.bench_function("curl, command to the name on screen", |b| {
        b.iter_custom(|iters| (0..iters).map(|_| bench.curl()).sum())
    });
    group.bench_function("editor, command to the name on screen", |b| {
        b.iter_custom(|iters| (0..iters).map(|_| bench.editor()).sum())
    });
    group.finish();
}

fn curl_present() -> bool {
    Command::new("curl")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

criterion_group!(benches, startup_benches);
criterion_main!(benches);
