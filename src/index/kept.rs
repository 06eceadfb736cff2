//! What the last export of each server wrote, kept for `apply`'s round trip: the
//! export's file comes back with some cells edited, and only those edits may be sent.
//! Which cells the user changed is told by comparing the row with the record as it was
//! exported, found here by id and `updated_at` (a contact's `updated_at` names one
//! version of it, so a record kept by any export is the base of every row carrying
//! that `updated_at`).
//!
//! One file per server beside the index (`exported-<server>.jsonl`, 0600 in the private
//! cache directory, never the token), replaced by each complete export: a header
//! (`format`, `server`, `exported_at`, the fields in order), then one
//! `[id, updated_at, [value, …]]` line per contact, every editable field whatever
//! columns the export wrote. `apply` keeps only each line's offset in memory and reads
//! the lines it needs, so memory stays small however large the organisation.

use super::store::{KEPT_PREFIX as PREFIX, LoadError, Reading};
use crate::api::{Contact, ContactOwner};
use crate::form::{Field, Values};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fs;
use std::io::{self, BufRead, BufWriter, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use tempfile::NamedTempFile;

const FORMAT: u32 = 1;
const WHAT: &str = "what an export kept";

#[derive(Debug, Serialize, Deserialize)]
struct Header {
    format: u32,
    server: String,
    exported_at: u64,
    fields: Vec<String>,
}

fn field_names() -> Vec<String> {
    Field::ALL.map(|f| f.api_name().to_string()).to_vec()
}

/// The file of `server` (a server key: the base URL, or `demo`) in `dir`.
pub fn path_in(dir: &Path, server: &str) -> PathBuf {
    dir.join(format!(
        "{PREFIX}{}.jsonl",
        crate::drafts::file_safe(server)
    ))
}

/// An export being kept: written to a private temporary file beside its place,
/// renamed into place by [`Writer::commit`] once the export is whole; dropped before,
/// it leaves nothing.
pub struct Writer {
    path: PathBuf,
    out: BufWriter<NamedTempFile>,
}

impl Writer {
    pub fn create(path: &Path, server: &str) -> io::Result<Writer> {
        super::store::private_dir(path)?;
        let dir = path.parent().unwrap_or(Path::new("."));
        // 0600, as tempfile creates them.
        let tmp = tempfile::Builder::new()
            .prefix(&format!(".{PREFIX}"))
            .suffix(".tmp")
            .tempfile_in(dir)?;
        let mut writer = Writer {
            path: path.to_path_buf(),
            out: BufWriter::new(tmp),
        };
        let header = Header {
            format: FORMAT,
            server: server.to_string(),
            exported_at: super::seconds(std::time::SystemTime::now()),
            fields: field_names(),
        };
        serde_json::to_writer(&mut writer.out, &header)?;
        writer.out.write_all(b"\n")?;
        Ok(writer)
    }

    /// One contact as exported (already cleaned of control characters).
    pub fn write(&mut self, c: &Contact) -> io::Result<()> {
        let values = Field::ALL.map(|f| f.of(c));
        serde_json::to_writer(&mut self.out, &(c.id, &c.updated_at, values))?;
        self.out.write_all(b"\n")
    }

    /// On disk, then under its name, replacing what an earlier export kept.
    pub fn commit(self) -> io::Result<()> {
        let tmp = self
            .out
            .into_inner()
            .map_err(io::IntoInnerError::into_error)?;
        tmp.as_file().sync_all()?;
        tmp.persist(&self.path).map_err(|e| e.error)?;
        Ok(())
    }
}

/// A contact as an export wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Base {
    pub updated_at: String,
    pub values: Values,
}

impl Base {
    /// The record it stands for, to compare a row with as the form compares.
    pub fn contact(&self, id: u64) -> Contact {
        let mut c = Contact {
            id,
            updated_at: self.updated_at.clone(),
            ..Contact::default()
        };
        for f in Field::ALL {
            let value = self.values[f.index()].clone();
            match (f.spec().text)(&mut c) {
                Some(text) => *text = value,
                None => {
                    c.contact_owner = Some(ContactOwner {
                        email: value,
                        ..ContactOwner::default()
                    })
                }
            }
        }
        c
    }
}

/// What an export kept: where each contact's line is in the file.
#[derive(Debug)]
pub struct Kept {
    file: fs::File,
    path: String,
    server: String,
    /// By id: the line's offset and length.
    lines: HashMap<u64, (u64, usize)>,
}

impl Kept {
    /// The kept export of `server` at `path`; `Ok(None)` when there is none.
    pub fn load(path: &Path, server: &str) -> Result<Option<Kept>, LoadError> {
        let reading = Reading::new(path, WHAT, server);
        let Some(file) = reading.open(path)? else {
            return Ok(None);
        };
        let io_error = |e| reading.io(e);
        let invalid = |reason| reading.invalid(reason);
        let mut reader = io::BufReader::new(file.try_clone().map_err(io_error)?);
        let mut line = Vec::new();
        let mut offset = reader.read_until(b'\n', &mut line).map_err(io_error)? as u64;
        let header: Header =
            serde_json::from_slice(&line).map_err(|e| invalid(format!("its header: {e}")))?;
        if header.format != FORMAT {
            return Err(invalid(format!("format {}, not {FORMAT}", header.format)));
        }
        if header.server != server {
            return Err(invalid(format!(
                "it was kept from {}",
                crate::text::sanitize_snippet(&header.server, 80)
            )));
        }
        if header.fields != field_names() {
            return Err(invalid("another version's fields".into()));
        }
        let mut lines = HashMap::new();
        loop {
            line.clear();
            let len = reader.read_until(b'\n', &mut line).map_err(io_error)?;
            if len == 0 {
                break;
            }
            // Only the id is read now; the rest when a row asks for it.
            let id = leading_id(&line).ok_or_else(|| invalid(format!("no id at byte {offset}")))?;
            lines.insert(id, (offset, len));
            offset += len as u64;
        }
        Ok(Some(Kept {
            file,
            path: reading.shown.clone(),
            server: server.to_string(),
            lines,
        }))
    }

    /// Contacts kept.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// The contact `id` as exported, when that export saw it at `updated_at`.
    pub fn base(&self, id: u64, updated_at: &str) -> Result<Option<Base>, LoadError> {
        let Some(&(offset, len)) = self.lines.get(&id) else {
            return Ok(None);
        };
        let reading = Reading {
            shown: self.path.clone(),
            what: WHAT,
            server: &self.server,
        };
        let mut bytes = vec![0; len];
        self.file
            .read_exact_at(&mut bytes, offset)
            .map_err(|e| reading.io(e))?;
        let (_, at, values): (u64, String, Values) = serde_json::from_slice(&bytes)
            .map_err(|e| reading.invalid(format!("contact {id}: {e}")))?;
        Ok((at == updated_at).then_some(Base {
            updated_at: at,
            values,
        }))
    }
}

/// The id that starts a line `[1002,…`.
fn leading_id(line: &[u8]) -> Option<u64> {
    let rest = line.strip_prefix(b"[")?;
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    std::str::from_utf8(&rest[..digits]).ok()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::scratch;
    use std::os::unix::fs::PermissionsExt;

    fn contact(id: u64, title: &str, owner: &str) -> Contact {
        Contact {
            id,
            first_name: "Ana \"A\"".into(),
            title: title.into(),
            updated_at: format!("2025-07-30T10:00:0{id}.000-05:00"),
            contact_owner: Some(ContactOwner {
                email: owner.into(),
                ..ContactOwner::default()
            }),
            ..Contact::default()
        }
    }

    #[test]
    fn a_kept_export_reads_back_by_id_and_updated_at_and_is_private() {
        let root = scratch("kept", "back");
        let path = path_in(&root.join("linq-contact"), "https://api.example.com");
        assert_eq!(path.file_name().unwrap(), "exported-api.example.com.jsonl");
        let mut writer = Writer::create(&path, "https://api.example.com").unwrap();
        let (one, two) = (contact(1, "CTO", "o@x.io"), contact(2, "a,\nb", ""));
        writer.write(&one).unwrap();
        writer.write(&two).unwrap();
        assert!(
            Kept::load(&path, "https://api.example.com")
                .unwrap()
                .is_none()
        );
        writer.commit().unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!((mode(path.parent().unwrap()), mode(&path)), (0o700, 0o600));

        let kept = Kept::load(&path, "https://api.example.com")
            .unwrap()
            .unwrap();
        assert_eq!(kept.len(), 2);
        for c in [&one, &two] {
            let base = kept.base(c.id, &c.updated_at).unwrap().unwrap();
            let back = base.contact(c.id);
            for f in Field::ALL {
                assert_eq!(f.of(&back), f.of(c), "{f:?}");
            }
        }
        assert_eq!(kept.base(1, "another version").unwrap(), None);
        assert_eq!(kept.base(3, &one.updated_at).unwrap(), None);
        assert!(Kept::load(&path, "demo").is_err(), "another server's");
        let _ = fs::remove_dir_all(&root);
    }

    #[test]
    fn an_export_that_never_finished_keeps_nothing_and_leaves_the_older_one() {
        let root = scratch("kept", "unfinished");
        let path = path_in(&root, "demo");
        let mut first = Writer::create(&path, "demo").unwrap();
        first.write(&contact(1, "CTO", "")).unwrap();
        first.commit().unwrap();
        let mut second = Writer::create(&path, "demo").unwrap();
        second.write(&contact(2, "CEO", "")).unwrap();
        drop(second);
        let kept = Kept::load(&path, "demo").unwrap().unwrap();
        assert_eq!(kept.len(), 1);
        let names: Vec<_> = fs::read_dir(&root).unwrap().collect();
        assert_eq!(names.len(), 1, "no temporary file left");
        let _ = fs::remove_dir_all(&root);
    }
}
