//! What `apply` says on stderr while it runs: a progress bar (rows done / total, rate,
//! ETA, failures so far) when stderr is a terminal, a plain line per row otherwise; and
//! the summary at the end. The first Ctrl-C takes the bar away, so that what is said
//! while the rows in flight finish is not drawn under a bar that no longer moves.

use super::exit::Code;
use super::report::Status;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};
use std::io::{IsTerminal, Write};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// Where messages go: above the bar while there is one, else plain lines on stderr.
/// Cloning shares the bar.
#[derive(Clone)]
pub struct Notes {
    bar: Arc<Mutex<Option<ProgressBar>>>,
}

impl Notes {
    /// No bar yet; [`Notes::bar`] holds one once it is drawn.
    pub fn without_bar() -> Self {
        Self {
            bar: Arc::default(),
        }
    }

    /// The bar's slot.
    pub fn bar(&self) -> MutexGuard<'_, Option<ProgressBar>> {
        self.bar.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn say(&self, line: &str) {
        match &*self.bar() {
            Some(bar) => bar.println(line),
            None => eprintln!("{line}"),
        }
    }

    /// Each wait before a retry, said above the bar (or as a plain line), as every
    /// command says it.
    pub fn retry_note(&self) -> super::read::RetryNote {
        let notes = self.clone();
        Arc::new(move |e, delay| {
            notes.say(&format!(
                "linq-contact: {}; trying again in {:.1} s",
                e.headline(),
                delay.as_secs_f64()
            ));
        })
    }

    /// Clears the bar from the terminal for good; from now on every row gets a plain
    /// line.
    pub fn drop_bar(&self) {
        if let Some(bar) = self.bar().take() {
            bar.finish_and_clear();
        }
    }

    /// Clears the bar at Ctrl-C. The bar fills its line to the right edge, so the `^C`
    /// the terminal echoes lands on the line below it, where the bar's own clearing
    /// would begin, leaving the bar frozen above. When the terminal echoes control
    /// characters, that line is cleared first and the bar's clearing starts on the bar.
    pub fn drop_bar_at_ctrl_c(&self) {
        let mut bar = self.bar();
        if bar.is_some() && echoes_ctrl_c() {
            let mut err = std::io::stderr().lock();
            let _ = err.write_all(b"\r\x1b[2K\x1b[1A");
            let _ = err.flush();
        }
        if let Some(bar) = bar.take() {
            bar.finish_and_clear();
        }
    }
}

/// Whether the terminal on stderr writes `^C` when Ctrl-C is typed.
fn echoes_ctrl_c() -> bool {
    use rustix::termios::LocalModes;
    rustix::termios::tcgetattr(std::io::stderr()).is_ok_and(|t| {
        t.local_modes
            .contains(LocalModes::ECHO | LocalModes::ECHOCTL)
    })
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub updated: u64,
    pub partial: u64,
    pub unchanged: u64,
    pub failed: u64,
    pub skipped: u64,
    pub planned: u64,
    pub conflict: u64,
}

impl Counts {
    pub fn total(&self) -> u64 {
        self.updated
            + self.partial
            + self.unchanged
            + self.failed
            + self.skipped
            + self.planned
            + self.conflict
    }

    /// Rows that did not do all they asked.
    pub fn failures(&self) -> u64 {
        self.failed + self.partial
    }

    /// The exit code of a run that went through its input: 1 when a row failed or was
    /// partial, else 3 when a cell changed on both sides since the export.
    pub fn exit_code(&self) -> Code {
        if self.failures() > 0 {
            Code::Api
        } else if self.conflict > 0 {
            Code::Conflict
        } else {
            Code::Ok
        }
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
            notes: Notes {
                bar: Arc::new(Mutex::new(bar)),
            },
            started: Instant::now(),
            counts: Counts::default(),
        }
    }

    pub fn notes(&self) -> Notes {
        self.notes.clone()
    }

    /// A row finished. `line` describes it; `warnings` follow it. With a bar, only
    /// failures, partial saves and warnings are printed (above it); without, every row
    /// is.
    pub fn row(&mut self, status: Status, line: &str, warnings: &[String]) {
        let c = &mut self.counts;
        match status {
            Status::Updated => c.updated += 1,
            Status::Partial => c.partial += 1,
            Status::Unchanged => c.unchanged += 1,
            Status::Failed => c.failed += 1,
            Status::Skipped => c.skipped += 1,
            Status::Planned => c.planned += 1,
            Status::Conflict => c.conflict += 1,
        }
        match &*self.notes.bar() {
            Some(bar) => {
                bar.inc(1);
                let mut message = format!("{} failed", self.counts.failed);
                for (n, what) in [
                    (self.counts.partial, "partial"),
                    (self.counts.conflict, "conflicts"),
                ] {
                    if n > 0 {
                        message.push_str(&format!(", {n} {what}"));
                    }
                }
                bar.set_message(message);
                if matches!(status, Status::Failed | Status::Partial | Status::Conflict) {
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
        self.notes.drop_bar();
        summary(self.counts, self.started.elapsed().as_secs_f64(), dry_run)
    }
}

/// The line that ends the run.
fn summary(c: Counts, elapsed: f64, dry_run: bool) -> String {
    let rate = if elapsed > 0.0 {
        c.total() as f64 / elapsed
    } else {
        0.0
    };
    // Said only when there are some: most files are not exports with conflicts.
    let conflicts = match c.conflict {
        0 => String::new(),
        1 => ", 1 conflict".to_string(),
        n => format!(", {n} conflicts"),
    };
    if dry_run {
        format!(
            "Dry run: {} rows: {} would be updated, {} unchanged, {} failed{conflicts}; nothing \
             was sent.",
            c.total(),
            c.planned,
            c.unchanged,
            c.failed
        )
    } else {
        format!(
            "{} rows in {elapsed:.1} s ({rate:.1} rows/s): {} updated, {} partial, {} \
             unchanged, {} failed, {} skipped{conflicts}.",
            c.total(),
            c.updated,
            c.partial,
            c.unchanged,
            c.failed,
            c.skipped
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_rows_are_counted_shown_and_count_as_failures() {
        let mut progress = Progress::new(Some(3));
        progress.row(Status::Updated, "line 2: updated", &[]);
        progress.row(Status::Partial, "line 3: partial", &[]);
        progress.row(Status::Skipped, "line 4: skipped", &[]);
        let c = progress.counts;
        assert_eq!((c.updated, c.partial, c.skipped, c.total()), (1, 1, 1, 3));
        assert_eq!(c.failures(), 1);
        assert_eq!(c.exit_code(), Code::Api);
        assert_eq!(
            summary(c, 2.0, false),
            "3 rows in 2.0 s (1.5 rows/s): 1 updated, 1 partial, 0 unchanged, 0 failed, 1 \
             skipped."
        );
        let only_partial = Counts {
            partial: 1,
            ..Counts::default()
        };
        assert_eq!(only_partial.exit_code(), Code::Api);
        assert_eq!(Counts::default().exit_code(), Code::Ok);
    }

    #[test]
    fn conflicts_are_counted_said_only_when_there_are_some_and_exit_3() {
        let mut progress = Progress::new(Some(2));
        progress.row(Status::Unchanged, "line 2: unchanged", &[]);
        progress.row(Status::Conflict, "line 3: conflict", &[]);
        let c = progress.counts;
        assert_eq!((c.conflict, c.total(), c.failures()), (1, 2, 0));
        assert_eq!(c.exit_code(), Code::Conflict);
        assert_eq!(
            summary(c, 1.0, false),
            "2 rows in 1.0 s (2.0 rows/s): 0 updated, 0 partial, 1 unchanged, 0 failed, 0 \
             skipped, 1 conflict."
        );
        let failed_too = Counts { failed: 1, ..c };
        assert_eq!(failed_too.exit_code(), Code::Api, "a failure says more");
        let dry = Counts {
            planned: 1,
            conflict: 2,
            ..Counts::default()
        };
        assert_eq!(
            summary(dry, 1.0, true),
            "Dry run: 3 rows: 1 would be updated, 0 unchanged, 0 failed, 2 conflicts; \
             nothing was sent."
        );
    }
}
