//! What each save and create changed, one JSON line per entry, in
//! `$XDG_STATE_HOME/linq-contact/journal.jsonl`: the API keeps no history, so this is the
//! only record of what this machine changed, and the source for taking a save back.
//!
//! The file is private (0600), written with append + fsync so an entry is either whole
//! or absent, and rotated at 10 MiB to `journal.jsonl.1` (one old file kept). The token
//! never appears: entries hold the server's address and contact values only.

use crate::api::{Contact, ContactPatch};
use crate::form::Field;
use serde::{Deserialize, Serialize};
use std::fs::{self, OpenOptions};
use std::io::{self, BufRead, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

/// The size at which the journal starts a new file.
pub const ROTATE_AT: u64 = 10 * 1024 * 1024;

/// One save (or create) of one contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// When the answer arrived (RFC 3339).
    pub at: String,
    /// Which server: the same id elsewhere is another contact.
    pub server: String,
    pub contact_id: u64,
    /// `save` or `create`.
    pub kind: String,
    /// For each field sent: what the server held before and what it stored.
    pub fields: Vec<FieldChange>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    /// The API's name of the field (`email`, `user_email`, …).
    pub field: String,
    pub before: String,
    pub after: String,
}

impl Entry {
    /// The entry for a save that sent `patch` to a contact that was `before` and is now
    /// `after` (as the server stored it).
    pub fn of_save(
        server: &str,
        at: &str,
        patch: &ContactPatch,
        before: &Contact,
        after: &Contact,
    ) -> Entry {
        Entry {
            at: at.to_string(),
            server: server.to_string(),
            contact_id: after.id,
            kind: "save".into(),
            fields: Field::ALL
                .into_iter()
                .filter(|f| f.in_patch(patch).is_some())
                .map(|f| FieldChange {
                    field: f.api_name().into(),
                    before: f.of(before).to_string(),
                    after: f.of(after).to_string(),
                })
                .collect(),
        }
    }

    /// The entry for a created contact: every field sent, from nothing.
    pub fn of_create(server: &str, at: &str, patch: &ContactPatch, created: &Contact) -> Entry {
        let mut entry = Self::of_save(server, at, patch, &Contact::default(), created);
        entry.kind = "create".into();
        entry
    }

    /// The field of the form a change is about, when it is one the form knows.
    pub fn field_of(change: &FieldChange) -> Option<Field> {
        Field::ALL
            .into_iter()
            .find(|f| f.api_name() == change.field)
    }
}

/// The journal file of this user.
#[derive(Debug, Clone)]
pub struct Journal {
    path: PathBuf,
    rotate_at: u64,
}

impl Journal {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            rotate_at: ROTATE_AT,
        }
    }

    /// `<state dir>/journal.jsonl`.
    pub fn from_env() -> Option<Self> {
        crate::drafts::state_dir().map(|d| Self::new(d.join("journal.jsonl")))
    }

    /// Rotation at another size (tests).
    pub fn with_rotation_at(mut self, bytes: u64) -> Self {
        self.rotate_at = bytes;
        self
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn old_path(&self) -> PathBuf {
        let mut name = self.path.as_os_str().to_owned();
        name.push(".1");
        PathBuf::from(name)
    }

    /// Appends one entry as one line, synced to disk before returning.
    pub fn append(&self, entry: &Entry) -> io::Result<()> {
        if let Some(dir) = self.path.parent() {
            fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(dir)?;
        }
        if fs::metadata(&self.path).is_ok_and(|m| m.len() >= self.rotate_at) {
            fs::rename(&self.path, self.old_path())?;
        }
        let mut line = serde_json::to_vec(entry).map_err(io::Error::other)?;
        line.push(b'\n');
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .mode(0o600)
            .open(&self.path)?;
        // One write of the whole line: appends of concurrent writers never interleave
        // within it.
        file.write_all(&line)?;
        file.sync_all()
    }

    /// Entries for `server` (and `contact`, when given), newest first. Lines that do not
    /// read as entries (a torn write from a crash) are skipped.
    pub fn entries(&self, server: &str, contact: Option<u64>) -> Vec<Entry> {
        let mut out: Vec<Entry> = [self.old_path(), self.path.clone()]
            .iter()
            .filter_map(|p| fs::File::open(p).ok())
            .flat_map(|f| io::BufReader::new(f).lines().map_while(Result::ok))
            .filter_map(|line| serde_json::from_str::<Entry>(&line).ok())
            .filter(|e| e.server == server && contact.is_none_or(|id| e.contact_id == id))
            .collect();
        out.reverse();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn temp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("lc-journal-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        dir.join("journal.jsonl")
    }

    fn entry(id: u64, title: &str) -> Entry {
        Entry {
            at: "2026-01-01T10:00:00+00:00".into(),
            server: "https://api.linqapp.com".into(),
            contact_id: id,
            kind: "save".into(),
            fields: vec![FieldChange {
                field: "title".into(),
                before: "Old".into(),
                after: title.into(),
            }],
        }
    }

    #[test]
    fn entries_are_private_lines_read_back_newest_first() {
        let journal = Journal::new(temp("order"));
        journal.append(&entry(1, "A")).unwrap();
        journal.append(&entry(2, "B")).unwrap();
        journal.append(&entry(1, "C")).unwrap();
        let mode = fs::metadata(journal.path()).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let all = journal.entries("https://api.linqapp.com", None);
        let titles: Vec<&str> = all.iter().map(|e| e.fields[0].after.as_str()).collect();
        assert_eq!(titles, ["C", "B", "A"]);
        let one = journal.entries("https://api.linqapp.com", Some(1));
        assert_eq!(one.len(), 2);
        assert!(journal.entries("http://127.0.0.1:1", None).is_empty());
        assert_eq!(
            fs::read_to_string(journal.path()).unwrap().lines().count(),
            3
        );
    }

    #[test]
    fn rotation_keeps_one_old_file() {
        let journal = Journal::new(temp("rotate")).with_rotation_at(200);
        for i in 0..10 {
            journal.append(&entry(i, "x")).unwrap();
        }
        let old = journal.old_path();
        assert!(old.exists());
        assert!(fs::metadata(journal.path()).unwrap().len() < 400);
        // Only the newest two files' entries remain, still newest first.
        let ids: Vec<u64> = journal
            .entries("https://api.linqapp.com", None)
            .iter()
            .map(|e| e.contact_id)
            .collect();
        assert_eq!(ids.first(), Some(&9));
        assert!(
            ids.len() < 10 && ids.windows(2).all(|w| w[0] > w[1]),
            "{ids:?}"
        );
    }
}
