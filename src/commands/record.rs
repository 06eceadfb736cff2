//! The journal entries of the commands: each save of `set` and `apply` and each `create`
//! is appended as the editor appends its own, stamped with the local time and the server,
//! so `history` (and anything reading the journal) sees one record of every change made
//! from this machine.

use crate::api::{Contact, ContactPatch};
use crate::journal::{Entry, Journal};

/// The journal as the commands write it.
#[derive(Debug, Clone)]
pub struct Recorder {
    /// `None` without a state directory: nothing is recorded, as in the editor.
    journal: Option<Journal>,
    server: String,
}

impl Recorder {
    pub fn new(journal: Option<Journal>, server: String) -> Self {
        Self { journal, server }
    }

    pub fn server(&self) -> &str {
        &self.server
    }

    /// A contact created from `patch`, as the server stored it.
    pub async fn create(&self, patch: &ContactPatch, created: &Contact) -> Option<String> {
        let entry = Entry::of_create(&self.server, &now(), patch, created);
        self.write(entry).await
    }

    /// An entry the protocol made (a save as far as it was stored), stamped here.
    pub async fn append(&self, mut entry: Entry) -> Option<String> {
        entry.server = self.server.clone();
        entry.at = now();
        self.write(entry).await
    }

    /// Off the async workers: the append ends in an fsync, and `apply` has requests of
    /// other rows to serve meanwhile.
    async fn write(&self, entry: Entry) -> Option<String> {
        let journal = self.journal.clone()?;
        let path = journal.path().display().to_string();
        let written = tokio::task::spawn_blocking(move || journal.append(&entry)).await;
        let problem = match written {
            Ok(Ok(())) => return None,
            Ok(Err(e)) => e.to_string(),
            Err(e) => format!("cannot write {path}: {e}"),
        };
        tracing::warn!(error = %problem, path = %path, "could not write the journal");
        Some(crate::journal::not_recorded(&problem))
    }
}

/// A journal warning on stderr, as the commands say their other warnings.
pub fn say(warning: Option<String>) {
    if let Some(w) = warning {
        eprintln!("linq-contact: {w}");
    }
}

/// When the answer arrived, in local time (RFC 3339, whole seconds), as the editor
/// stamps its entries.
fn now() -> String {
    chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}
