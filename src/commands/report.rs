//! The report of `apply`: one JSON object per input row, written and flushed as the row
//! finishes, so that whatever stops the batch leaves complete lines; and the reading of an
//! earlier report for `--resume`.

use super::exit::Failure;
use crate::api::{Contact, ContactPatch, UpdateRequest};
use crate::form::Field;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Updated,
    /// Some sent fields were stored and some not (`not_stored`): not done.
    Partial,
    Unchanged,
    Failed,
    /// Done in the run `--resume` names.
    Skipped,
    /// `--dry-run` only, which writes no report: the row would be sent.
    Planned,
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
    /// The exact body sent, when one was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sent: Option<UpdateRequest>,
    /// The contact's values on the server as last seen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stored: Option<Stored>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// For `partial`: the API names of the sent fields the server does not hold.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_stored: Vec<String>,
    /// Values the server did not store as sent, and other things worth a look.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

impl Entry {
    pub fn new(line: u64, id: Option<u64>, status: Status) -> Self {
        Self {
            line,
            id,
            status,
            sent: None,
            stored: None,
            error: None,
            not_stored: Vec::new(),
            warnings: Vec::new(),
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

/// The input lines an earlier report marks done. A line that does not parse (the tail
/// of a report cut short by a crash) marks nothing.
pub fn done_lines(path: &Path) -> Result<HashSet<u64>, Failure> {
    #[derive(Deserialize)]
    struct Seen {
        line: u64,
        status: Status,
    }
    let file = File::open(path)
        .map_err(|e| Failure::usage(format!("cannot read the report {}: {e}", path.display())))?;
    let mut done = HashSet::new();
    for line in BufReader::new(file).lines() {
        let line = line.map_err(|e| {
            Failure::usage(format!("cannot read the report {}: {e}", path.display()))
        })?;
        if let Ok(seen) = serde_json::from_str::<Seen>(&line)
            && seen.status.is_done()
        {
            done.insert(seen.line);
        }
    }
    Ok(done)
}
