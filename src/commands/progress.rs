//! What `apply` says on stderr while it runs: a progress bar (rows done / total, rate,
//! ETA, failures so far) when stderr is a terminal, a plain line per row otherwise; and
//! the summary at the end.

use super::report::Status;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};
use std::io::IsTerminal;
use std::time::{Duration, Instant};

/// Where messages go: above the bar, or plain lines on stderr. Cloning shares the bar.
#[derive(Clone)]
pub struct Notes {
    bar: Option<ProgressBar>,
}

impl Notes {
    pub fn say(&self, line: &str) {
        match &self.bar {
            Some(bar) => bar.println(line),
            None => eprintln!("{line}"),
        }
    }
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub updated: u64,
    pub unchanged: u64,
    pub failed: u64,
    pub skipped: u64,
    pub planned: u64,
}

impl Counts {
    pub fn total(&self) -> u64 {
        self.updated + self.unchanged + self.failed + self.skipped + self.planned
    }
}

pub struct Progress {
    notes: Notes,
    started: Instant,
    pub counts: Counts,
}

impl Progress {
    /// A bar when stderr is a terminal; `total` is unknown for stdin.
    pub fn new(total: Option<u64>) -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let (bar, template) = match total {
                Some(n) => (
                    ProgressBar::new(n),
                    "{bar:30} {pos}/{len} rows · {rate} · ETA {eta} · {msg}",
                ),
                None => (
                    ProgressBar::no_length(),
                    "{spinner} {pos} rows · {rate} · {msg}",
                ),
            };
            bar.set_draw_target(ProgressDrawTarget::stderr());
            if let Ok(style) = ProgressStyle::with_template(template) {
                bar.set_style(style.progress_chars("█▌ ").with_key(
                    "rate",
                    |state: &ProgressState, w: &mut dyn std::fmt::Write| {
                        let _ = write!(w, "{:.1} rows/s", state.per_sec());
                    },
                ));
            }
            bar.set_message("0 failed");
            bar.enable_steady_tick(Duration::from_millis(250));
            bar
        });
        Self {
            notes: Notes { bar },
            started: Instant::now(),
            counts: Counts::default(),
        }
    }

    pub fn notes(&self) -> Notes {
        self.notes.clone()
    }

    /// A row finished. `line` describes it; `warnings` follow it. With a bar, only
    /// failures and warnings are printed (above it); without, every row is.
    pub fn row(&mut self, status: Status, line: &str, warnings: &[String]) {
        let c = &mut self.counts;
        match status {
            Status::Updated => c.updated += 1,
            Status::Unchanged => c.unchanged += 1,
            Status::Failed | Status::Partial => c.failed += 1,
            Status::Skipped => c.skipped += 1,
            Status::Planned => c.planned += 1,
        }
        match &self.notes.bar {
            Some(bar) => {
                bar.inc(1);
                bar.set_message(format!("{} failed", self.counts.failed));
                if matches!(status, Status::Failed | Status::Partial) {
                    bar.println(line);
                }
                for w in warnings {
                    bar.println(w);
                }
            }
            None => {
                eprintln!("{line}");
                for w in warnings {
                    eprintln!("{w}");
                }
            }
        }
    }

    /// Removes the bar and returns the summary line.
    pub fn finish(&self, dry_run: bool) -> String {
        if let Some(bar) = &self.notes.bar {
            bar.finish_and_clear();
        }
        let c = self.counts;
        let elapsed = self.started.elapsed().as_secs_f64();
        let rate = if elapsed > 0.0 {
            c.total() as f64 / elapsed
        } else {
            0.0
        };
        if dry_run {
            format!(
                "Dry run: {} rows: {} would be updated, {} unchanged, {} failed; nothing was sent.",
                c.total(),
                c.planned,
                c.unchanged,
                c.failed
            )
        } else {
            format!(
                "{} rows in {elapsed:.1} s ({rate:.1} rows/s): {} updated, {} unchanged, {} failed, \
                 {} skipped.",
                c.total(),
                c.updated,
                c.unchanged,
                c.failed,
                c.skipped
            )
        }
    }
}
