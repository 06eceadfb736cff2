//! The journal entries of the commands: each save of `set` and `apply` and each `create`
//! is appended as the editor appends its own, stamped with the local time and the server,
//! so `history` (and anything reading the journal) sees one record of every change made
//! from this machine. Each contact saved or created also goes into the organisation's
//! index on disk, so `search` and Ctrl-P find it as it now is.

use crate::api::{Contact, ContactPatch};
use crate::journal::{Entry, Journal};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// The journal as the commands write it.
#[derive(Debug, Clone)]
pub struct Recorder {
    /// `None` without a state directory: nothing is recorded, as in the editor.
    journal: Option<Journal>,
    server: String,
    index: Arc<IndexChanges>,
}

/// The contacts a command saved or created, for the index on disk. The file is
/// rewritten once, when the command is done (the last handle dropped), so a batch of
/// thousands of rows rewrites it once, not once a row.
#[derive(Debug)]
struct IndexChanges {
    /// `None`: the index is kept in memory only, or there is no cache directory.
    file: Option<PathBuf>,
    server: String,
    entries: Mutex<Vec<crate::index::Entry>>,
}

impl Drop for IndexChanges {
    fn drop(&mut self) {
        let entries = std::mem::take(self.entries.get_mut().unwrap_or_else(|e| e.into_inner()));
        let Some(file) = self.file.as_deref().filter(|_| !entries.is_empty()) else {
            return;
        };
        let changed = crate::index::store::change(file, &self.server, |mut all| {
            all.extend(entries);
            Some(all)
        });
        if let Err(e) = changed {
            eprintln!("linq-contact: warning: the index was not updated: {e}");
        }
    }
}

impl Recorder {
    /// `index_file`: where the organisation's index is kept, to be updated with every
    /// contact saved or created (`None`: nowhere).
    pub fn new(journal: Option<Journal>, server: String, index_file: Option<PathBuf>) -> Self {
        Self {
            journal,
            index: Arc::new(IndexChanges {
                file: index_file,
                server: server.clone(),
                entries: Mutex::default(),
            }),
            server,
        }
    }

    pub fn server(&self) -> &str {
        &self.server
    }

    /// A contact created from `patch`, as the server stored it.
    pub async fn create(&self, patch: &ContactPatch, created: &Contact) -> Option<String> {
        self.index(created);
        let entry = Entry::of_create(&self.server, &now(), patch, created);
        self.write(entry).await
    }

    /// An entry the protocol made (a save as far as it was stored), stamped here;
    /// `stored`: the contact as the server now holds it.
    pub async fn append(&self, mut entry: Entry, stored: &Contact) -> Option<String> {
        self.index(stored);
        entry.server = self.server.clone();
        entry.at = now();
        self.write(entry).await
    }

    fn index(&self, contact: &Contact) {
        if self.index.file.is_some() {
            let mut entries = self.index.entries.lock().unwrap_or_else(|e| e.into_inner());
            entries.push(crate::index::Entry::of(contact));
        }
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
