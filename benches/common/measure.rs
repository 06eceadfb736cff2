//! The binary run as a user would, and timing a whole run of it together with its peak
//! resident memory, for the benchmarks that run it so.

use linq_contact::demo::DemoServer;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The binary with `args` against `demo`, its config, state and cache under `dir` (no
/// config file of the machine's), in `dir`, with nothing on its standard streams.
pub fn binary(demo: &DemoServer, dir: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_linq-contact"));
    c.args(args)
        .current_dir(dir)
        .env("LINQ_API_URL", demo.url())
        .env("LINQ_INTEGRATION_TOKEN", demo.token())
        .env("XDG_STATE_HOME", dir.join("state"))
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .env("XDG_CACHE_HOME", dir.join("cache"))
        .env("HOME", dir)
        .env_remove("LINQ_CONTACT_CONFIG")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    c
}

/// Runs `command` to the end; the wall time and the peak resident memory (KiB). `what`
/// names the run in the panic when it fails.
pub fn run(mut command: Command, what: &str) -> (Duration, u64) {
    let started = Instant::now();
    let mut child = command.spawn().expect("spawn");
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak = 0;
    // VmHWM is the peak so far: the last reading before exit is the run's peak.
    while child.try_wait().expect("wait").is_none() {
        if let Some(kib) = std::fs::read_to_string(&status_file)
            .ok()
            .and_then(|s| vm_hwm(&s))
        {
            peak = peak.max(kib);
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let elapsed = started.elapsed();
    let status = child.wait().expect("wait");
    assert!(status.success(), "{what} failed: {status}");
    (elapsed, peak)
}

fn vm_hwm(status: &str) -> Option<u64> {
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}
