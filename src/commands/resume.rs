//! `--resume`: what the report of an earlier run proves done. A row is skipped only when
//! that report holds a done entry for it: the same line, the same cells (its
//! fingerprint) and, when the row names an id, the same id. A report of another file, or
//! of this file before a row was inserted above, proves nothing about the rows that
//! differ, and they run.

use super::exit::Failure;
use super::report::{self, Status};
use serde::Deserialize;
use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

/// The done entries of an earlier report.
#[derive(Debug, Default)]
pub struct Resume {
    /// By (line, fingerprint): the id the entry names.
    done: HashMap<(u64, String), Option<u64>>,
    /// Done entries without a fingerprint (written by an older version): they prove
    /// nothing, since nothing says they are about the same rows.
    unproven: u64,
}

/// What is read of a report line; the other fields are the reader's business.
#[derive(Deserialize)]
struct Seen {
    line: u64,
    #[serde(default)]
    id: Option<u64>,
    status: Status,
    #[serde(default)]
    fingerprint: Option<String>,
}

impl Resume {
    /// Reads the report at `path`. A file that cannot be read, or that is not a report
    /// (a line that is not a report entry, other than a last line cut short by a crash),
    /// is a usage error: better to stop than to guess which rows were done.
    pub fn load(path: &Path) -> Result<Self, Failure> {
        let file = File::open(path).map_err(|e| report::cannot("read", path, &e))?;
        Self::read(BufReader::new(file)).map_err(|why| {
            Failure::usage(format!(
                "--resume {}: {why}; nothing was sent",
                path.display()
            ))
        })
    }

    fn read(mut reader: impl BufRead) -> Result<Self, String> {
        let mut resume = Self::default();
        let mut bytes = Vec::new();
        for number in 1u64.. {
            bytes.clear();
            if reader
                .read_until(b'\n', &mut bytes)
                .map_err(|e| format!("cannot read the report: {e}"))?
                == 0
            {
                break;
            }
            let torn = bytes.last() != Some(&b'\n');
            let text = bytes.trim_ascii();
            if text.is_empty() {
                continue;
            }
            match serde_json::from_slice::<Seen>(text) {
                Ok(seen) => resume.note(seen),
                // The last line, cut short by a crash while it was written: its row is
                // not proven done, and runs again.
                Err(_) if torn => break,
                Err(_) => {
                    return Err(format!(
                        "not a report of apply: its line {number} is not a report entry \
                         ({{\"line\":…,\"status\":…}})"
                    ));
                }
            }
        }
        Ok(resume)
    }

    fn note(&mut self, seen: Seen) {
        if !seen.status.is_done() {
            return;
        }
        match seen.fingerprint {
            Some(fingerprint) => {
                self.done.insert((seen.line, fingerprint), seen.id);
            }
            None => self.unproven += 1,
        }
    }

    /// When the earlier report proves this row done: the id its entry names.
    pub fn done(
        &self,
        line: u64,
        id: Option<u64>,
        fingerprint: Option<&str>,
    ) -> Option<Option<u64>> {
        let earlier = *self.done.get(&(line, fingerprint?.to_string()))?;
        // A row found by e-mail or phone has no id of its own: its cells, e-mail or
        // phone included, are in the fingerprint.
        (id.is_none() || id == earlier).then_some(earlier)
    }

    /// How many entries could prove a row done.
    pub fn proven(&self) -> usize {
        self.done.len()
    }

    /// Said once, when the report is of an older version.
    pub fn warning(&self, path: &Path) -> Option<String> {
        (self.unproven > 0).then(|| {
            format!(
                "warning: {} has no row fingerprints (written by an older version): its {} \
                 done rows cannot be matched to this input's, so none is skipped",
                path.display(),
                self.unproven
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Resume, String> {
        Resume::read(text.as_bytes())
    }

    #[test]
    fn only_done_entries_with_the_same_line_cells_and_id_are_done() {
        let resume = read(
            "{\"line\":2,\"id\":1002,\"status\":\"updated\",\"fingerprint\":\"aa\"}\n\
             \n\
             {\"line\":3,\"id\":1003,\"status\":\"failed\",\"fingerprint\":\"bb\"}\n\
             {\"line\":4,\"id\":1004,\"status\":\"partial\",\"fingerprint\":\"cc\",\"not_stored\":[\"title\"]}\n\
             {\"line\":5,\"id\":1001,\"status\":\"unchanged\",\"fingerprint\":\"dd\"}\n\
             {\"line\":6,\"id\":1006,\"status\":\"skipped\",\"fingerprint\":\"ee\"}\n",
        )
        .unwrap();
        assert_eq!(resume.done(2, Some(1002), Some("aa")), Some(Some(1002)));
        assert_eq!(resume.done(2, Some(1002), Some("ab")), None, "other cells");
        assert_eq!(resume.done(2, Some(1003), Some("aa")), None, "another id");
        assert_eq!(resume.done(7, Some(1002), Some("aa")), None, "another line");
        assert_eq!(
            resume.done(2, Some(1002), None),
            None,
            "no cells to compare"
        );
        assert_eq!(resume.done(3, Some(1003), Some("bb")), None, "failed");
        assert_eq!(resume.done(4, Some(1004), Some("cc")), None, "partial");
        // Found by e-mail: the row has no id, the entry the one it found.
        assert_eq!(resume.done(5, None, Some("dd")), Some(Some(1001)));
        assert_eq!(resume.done(6, Some(1006), Some("ee")), Some(Some(1006)));
        assert_eq!(resume.proven(), 3);
        assert_eq!(resume.warning(Path::new("r")), None);
    }

    #[test]
    fn a_torn_last_line_is_dropped_but_anything_else_that_is_no_entry_is_refused() {
        let torn = read(
            "{\"line\":1,\"id\":1,\"status\":\"updated\",\"fingerprint\":\"a\"}\n{\"line\":2,\"id\":2,\"sta",
        );
        assert_eq!(torn.unwrap().proven(), 1);
        for text in [
            "{\"line\":1,\"id\":1,\"status\":\"updated\"}\n{\"line\":2,\"id\":2,\"sta\n",
            "{\"id\": 1002, \"title\": \"CTO\"}\n",
            "id,title\n1002,CTO\n",
            "{\"line\":1,\"status\":\"finished\"}\n",
            "\u{fffd}\n",
        ] {
            let refused = read(text).unwrap_err();
            assert!(
                refused.starts_with("not a report of apply: its line "),
                "{text:?}: {refused}"
            );
        }
        assert_eq!(
            read("{\"id\": 1}\n{\"id\": 2}\n").unwrap_err(),
            "not a report of apply: its line 1 is not a report entry ({\"line\":…,\"status\":…})"
        );
        assert_eq!(read("").unwrap().proven(), 0);
        assert_eq!(read("\n  \n").unwrap().proven(), 0);
    }

    #[test]
    fn a_report_without_fingerprints_proves_nothing_and_says_so() {
        let old = read(
            "{\"line\":1,\"id\":1,\"status\":\"updated\"}\n{\"line\":2,\"id\":2,\"status\":\"failed\"}\n",
        )
        .unwrap();
        assert_eq!(old.done(1, Some(1), Some("x")), None);
        assert_eq!(
            old.warning(Path::new("run1.jsonl")).unwrap(),
            "warning: run1.jsonl has no row fingerprints (written by an older version): its 1 \
             done rows cannot be matched to this input's, so none is skipped"
        );
    }
}
