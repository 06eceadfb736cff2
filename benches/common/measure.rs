//! Timing a whole run of the binary together with its peak resident memory, for the
//! benchmarks that run it as a user would.

use std::process::Command;
use std::time::{Duration, Instant};

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
