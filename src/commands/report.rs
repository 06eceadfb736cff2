//! The report of `apply`: one JSON object per input row, written and flushed as the row
//! finishes, so that whatever stops the batch leaves complete lines. `resume.rs` reads
//! one back.

use super::exit::Failure;
use crate::api::{Contact, ContactPatch, UpdateRequest};
use crate::form::Field;
use serde::{Deserialize, Serialize};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Updated,
    /// Saved, but the server did not store every value sent (`not_stored` names them):
    /// not done, so `--resume` runs the row again.
    Partial,
    Unchanged,
    Failed,
    /// Done in the run `--resume` names.
    Skipped,
    /// `--dry-run` only, which writes no report: the row would be sent.
    Planned,
    /// A row of an export with a cell changed both in the file and on the server since
    /// the export (`conflicts` names them): those cells were not sent, the others were.
    /// Not done: after the file is settled, `--resume` runs it again.
    Conflict,
}

impl Status {
    /// Rows a later `--resume` must not touch again.
    pub fn is_done(self) -> bool {
        matches!(self, Status::Updated | Status::Unchanged | Status::Skipped)
    }
}

/// One line of the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Where the row starts in the input (1-based, a CSV header included).
    pub line: u64,
    pub id: Option<u64>,
    pub status: Status,
    /// The row's cells hashed (`input::Fingerprint`): `--resume` skips a row only when
    /// its line, id and fingerprint match a done entry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
    /// The exact body sent, when one was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sent: Option<UpdateRequest>,
    /// The contact's values on the server as last seen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stored: Option<Stored>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Values the server did not store as sent, and other things worth a look.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// For `partial`: the fields (API names) the server did not store as sent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_stored: Vec<String>,
    /// For `conflict`: each cell changed on both sides, not sent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conflicts: Vec<Conflict>,
}

/// A cell changed in the file and on the server since the export, to different values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conflict {
    /// The API name.
    pub field: String,
    /// The value exported; `None` when what was exported is not kept here, so that only
    /// the contact's `updated_at` tells that the server changed it.
    pub exported: Option<String>,
    pub server: String,
    pub yours: String,
}

impl Entry {
    pub fn new(line: u64, id: Option<u64>, status: Status) -> Self {
        Self {
            line,
            id,
            status,
            fingerprint: None,
            sent: None,
            stored: None,
            error: None,
            warnings: Vec::new(),
            not_stored: Vec::new(),
            conflicts: Vec::new(),
        }
    }
}

/// The editable fields under their API names, and when the record last changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stored {
    #[serde(flatten)]
    pub values: ContactPatch,
    pub updated_at: String,
}

impl Stored {
    pub fn of(c: &Contact) -> Self {
        let mut values = ContactPatch::default();
        for f in Field::ALL {
            f.set_in(&mut values, f.of(c).to_string());
        }
        Self {
            values,
            updated_at: c.updated_at.clone(),
        }
    }
}

/// The report file, written a whole line at a time.
pub struct Report {
    out: BufWriter<File>,
}

impl Report {
    pub fn create(path: &Path) -> Result<Self, Failure> {
        let file = File::create(path).map_err(|e| {
            Failure::usage(format!("cannot write the report {}: {e}", path.display()))
        })?;
        Ok(Self {
            out: BufWriter::new(file),
        })
    }

    /// Writes the line and flushes it, so a crash right after loses nothing.
    pub fn write(&mut self, entry: &Entry) -> std::io::Result<()> {
        let mut line = serde_json::to_string(entry)?;
        line.push('\n');
        self.out.write_all(line.as_bytes())?;
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_is_written_lowercase_with_its_fields_and_is_not_done() {
        let mut entry = Entry::new(3, Some(1002), Status::Partial);
        entry.fingerprint = Some("0123456789abcdef".into());
        entry.not_stored = vec!["title".into()];
        let line = serde_json::to_string(&entry).unwrap();
        assert_eq!(
            line,
            r#"{"line":3,"id":1002,"status":"partial","fingerprint":"0123456789abcdef","not_stored":["title"]}"#
        );
        assert_eq!(serde_json::from_str::<Entry>(&line).unwrap(), entry);
        assert!(!Status::Partial.is_done());
        let done: Vec<Status> = [
            Status::Updated,
            Status::Partial,
            Status::Unchanged,
            Status::Failed,
            Status::Skipped,
            Status::Planned,
            Status::Conflict,
        ]
        .into_iter()
        .filter(|s| s.is_done())
        .collect();
        assert_eq!(done, [Status::Updated, Status::Unchanged, Status::Skipped]);
        let plain = serde_json::to_string(&Entry::new(4, None, Status::Failed)).unwrap();
        assert_eq!(plain, r#"{"line":4,"id":null,"status":"failed"}"#);
    }
}
