//! The log file: requests (method, path, status, duration) and lifecycle events, never
//! the token and no bodies unless `--log-bodies` is given. Nothing is logged to the
//! terminal while the editor is up.

use std::fs::OpenOptions;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// `<state dir>/linq-contact.log`.
pub fn log_path() -> Option<PathBuf> {
    crate::drafts::state_dir().map(|d| d.join("linq-contact.log"))
}

/// Starts logging to `path` (appending, mode 0600). Failure is not fatal: the editor
/// works without a log, and the reason is returned for the caller to mention.
pub fn init(path: &Path) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let file = OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    tracing_subscriber::fmt()
        .with_writer(Mutex::new(file))
        .with_ansi(false)
        .with_target(false)
        .with_max_level(tracing::Level::INFO)
        .try_init()
        .map_err(|e| e.to_string())
}
