//! The log file: requests (method, path, status, duration), what a failed request's
//! answer said (its error lines, in full), and lifecycle events; never the token, and no
//! other bodies unless `--log-bodies` is given. Nothing is logged to the
//! terminal while the editor is up: not even the log's own failures (a full disk, a
//! read-only state directory). Those are recorded once, for the status pane to say.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

/// `<state dir>/linq-contact.log`.
pub fn log_path() -> Option<PathBuf> {
    crate::drafts::state_dir().map(|d| d.join("linq-contact.log"))
}

/// The first reason the log could not be written, until someone takes it.
#[derive(Debug, Clone, Default)]
pub struct Failure(Arc<Mutex<FailureState>>);

#[derive(Debug, Default)]
enum FailureState {
    #[default]
    Fine,
    Unreported(String),
    /// Said once; later failures are not news.
    Reported,
}

impl Failure {
    /// Notes `reason` unless a failure was noted before.
    pub fn record(&self, reason: String) {
        if let Ok(mut state) = self.0.lock()
            && matches!(*state, FailureState::Fine)
        {
            *state = FailureState::Unreported(reason);
        }
    }

    /// The first failure, once: later calls return `None`.
    pub fn take(&self) -> Option<String> {
        let mut state = self.0.lock().ok()?;
        match std::mem::replace(&mut *state, FailureState::Reported) {
            FailureState::Unreported(reason) => Some(reason),
            FailureState::Fine => {
                *state = FailureState::Fine;
                None
            }
            FailureState::Reported => None,
        }
    }
}

/// A writer that never fails: an error is recorded in `failure` and the bytes are
/// dropped, so the tracing machinery has nothing to complain about on stderr.
#[derive(Debug)]
pub struct QuietWriter<W> {
    inner: W,
    failure: Failure,
}

impl<W: Write> QuietWriter<W> {
    pub fn new(inner: W, failure: Failure) -> Self {
        Self { inner, failure }
    }
}

impl<W: Write> Write for QuietWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        // write_all, so a short write is finished or fails here, never half-reported.
        if let Err(e) = self.inner.write_all(buf) {
            self.failure.record(e.to_string());
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if let Err(e) = self.inner.flush() {
            self.failure.record(e.to_string());
        }
        Ok(())
    }
}

/// The failure slot of the log in use (set by [`init`]).
fn installed() -> &'static Failure {
    static FAILURE: OnceLock<Failure> = OnceLock::new();
    FAILURE.get_or_init(Failure::default)
}

/// Why the log could not be written, the first time this is asked after it happened;
/// `None` otherwise. Cheap enough to ask after every event of the loop.
pub fn take_failure() -> Option<String> {
    installed().take()
}

/// Starts logging to `path` (appending, mode 0600). Failure is not fatal: the editor
/// works without a log. The reason is returned, and also kept for [`take_failure`].
pub fn init(path: &Path) -> Result<(), String> {
    let result = open(path).and_then(|file| {
        tracing_subscriber::fmt()
            .with_writer(Mutex::new(QuietWriter::new(file, installed().clone())))
            .with_ansi(false)
            .with_target(false)
            .with_max_level(tracing::Level::INFO)
            .log_internal_errors(false)
            .try_init()
            .map_err(|e| e.to_string())
    });
    if let Err(reason) = &result {
        installed().record(reason.clone());
    }
    result
}

fn open(path: &Path) -> Result<File, String> {
    if let Some(dir) = path.parent() {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| format!("cannot open {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fails every write, like a full disk.
    struct Full;

    impl Write for Full {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::Error::from_raw_os_error(28))
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_failing_write_is_swallowed_and_reported_once() {
        let failure = Failure::default();
        let mut w = QuietWriter::new(Full, failure.clone());
        assert_eq!(failure.take(), None, "nothing failed yet");
        assert_eq!(w.write(b"one line\n").unwrap(), 9);
        w.write_all(b"another\n").unwrap();
        w.flush().unwrap();
        let reason = failure.take().unwrap();
        assert!(reason.contains("No space left on device"), "{reason}");
        assert_eq!(failure.take(), None, "said once");
        w.write_all(b"more\n").unwrap();
        assert_eq!(failure.take(), None, "later failures are not news");
    }

    #[test]
    fn writes_that_succeed_reach_the_file() {
        let failure = Failure::default();
        let mut w = QuietWriter::new(Vec::new(), failure.clone());
        w.write_all(b"hello\n").unwrap();
        assert_eq!(w.inner, b"hello\n");
        assert_eq!(failure.take(), None);
    }
}
