//! The index on disk: one file per server in `<cache dir>/linq-contact/`
//! (`$XDG_CACHE_HOME`, else `~/.cache`), the directory 0700 and the file 0600, as it
//! holds the organisation's contact data. It holds the contacts' columns and when they
//! were read, never the token. It is written to a temporary file and renamed, so a
//! crash or a second writer never leaves half an index under the name.
//!
//! The format is JSON Lines: a header (`format`, `server`, `built_at` in seconds since
//! the epoch, `count`), then one `[id, name, email, phone_number, company, title,
//! location]` array per contact. A file that does not read back whole (another format,
//! another server, a count that does not match) is no index: it is built again.

use super::{Entry, Index};
use crate::config::file::IndexStore;
use serde::{Deserialize, Serialize};
use std::fs;
use std::io::{self, BufRead, BufWriter, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

const FORMAT: u32 = 1;
const PREFIX: &str = "index-";
/// The files of kept exports ([`super::kept`]) start so; they share the directory.
pub(super) const KEPT_PREFIX: &str = "exported-";
const EXTENSION: &str = "jsonl";

#[derive(Debug, Serialize, Deserialize)]
struct Header {
    format: u32,
    server: String,
    built_at: u64,
    count: usize,
}

type Row<'a> = (u64, [&'a str; 6]);
type OwnedRow = (u64, [String; 6]);

/// `<cache dir>/linq-contact`, or `None` without a home directory.
pub fn dir() -> Option<PathBuf> {
    crate::config::paths::cache_dir()
}

/// The file of `server` (a server key: the base URL, or `demo`) in `dir`.
pub fn path_in(dir: &Path, server: &str) -> PathBuf {
    dir.join(format!(
        "{PREFIX}{}.{EXTENSION}",
        crate::drafts::file_safe(server)
    ))
}

/// Where `server`'s index is kept under the config's `index` setting: its file in the
/// cache directory, or `None` for memory only (or no cache directory).
pub fn place(kept: IndexStore, server: &str) -> Option<PathBuf> {
    match kept {
        IndexStore::Disk => dir().map(|dir| path_in(&dir, server)),
        IndexStore::Memory => None,
    }
}

/// What a look at the file found, without reading its contacts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub server: String,
    pub built_at: u64,
    pub count: usize,
    /// The file's size in bytes.
    pub bytes: u64,
}

/// Writes `index` to `path`, creating its directory (0700) and the file (0600). The
/// directory, the program's own, is tightened to 0700 if someone loosened it.
pub fn save(index: &Index, path: &Path) -> io::Result<()> {
    private_dir(path)?;
    let tmp = path.with_extension(format!("{EXTENSION}.{}.tmp", std::process::id()));
    let written = write_to(index, &tmp).and_then(|()| fs::rename(&tmp, path));
    if written.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    written
}

/// Creates the directory of `path` (0700), or tightens it to 0700 if someone loosened
/// it: it is the program's own, and holds contact data.
pub(super) fn private_dir(path: &Path) -> io::Result<()> {
    if let Some(dir) = path.parent() {
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)?;
        if fs::metadata(dir)?.permissions().mode() & 0o077 != 0 {
            fs::set_permissions(dir, fs::Permissions::from_mode(0o700))?;
        }
    }
    Ok(())
}

fn write_to(index: &Index, tmp: &Path) -> io::Result<()> {
    let file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(tmp)?;
    let mut out = BufWriter::new(file);
    let header = Header {
        format: FORMAT,
        server: index.server().to_string(),
        built_at: index.built_at(),
        count: index.len(),
    };
    serde_json::to_writer(&mut out, &header)?;
    out.write_all(b"\n")?;
    for entry in index.entries() {
        let row: Row<'_> = (entry.id(), entry.columns());
        serde_json::to_writer(&mut out, &row)?;
        out.write_all(b"\n")?;
    }
    let file = out.into_inner().map_err(io::IntoInnerError::into_error)?;
    file.sync_all()
}

/// Why a file of the cache is not one to use.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read {path}: {source}")]
    Io { path: String, source: io::Error },
    #[error("{path} is not {what} of {server} ({reason})")]
    Invalid {
        path: String,
        /// What it should have been: "an index", "what an export kept".
        what: &'static str,
        server: String,
        reason: String,
    },
}

/// A file of the cache being read, for its errors.
pub(super) struct Reading<'a> {
    pub shown: String,
    pub what: &'static str,
    pub server: &'a str,
}

impl<'a> Reading<'a> {
    pub fn new(path: &Path, what: &'static str, server: &'a str) -> Self {
        Self {
            shown: path.display().to_string(),
            what,
            server,
        }
    }

    pub fn io(&self, source: io::Error) -> LoadError {
        LoadError::Io {
            path: self.shown.clone(),
            source,
        }
    }

    pub fn invalid(&self, reason: String) -> LoadError {
        LoadError::Invalid {
            path: self.shown.clone(),
            what: self.what,
            server: self.server.to_string(),
            reason,
        }
    }

    /// The file at `path`; `Ok(None)` when there is none.
    pub fn open(&self, path: &Path) -> Result<Option<fs::File>, LoadError> {
        match fs::File::open(path) {
            Ok(file) => Ok(Some(file)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(self.io(e)),
        }
    }
}

const AN_INDEX: &str = "an index";

/// The index of `server` in `path`; `Ok(None)` when there is no file.
pub fn load(path: &Path, server: &str) -> Result<Option<Index>, LoadError> {
    let reading = Reading::new(path, AN_INDEX, server);
    let io_error = |e| reading.io(e);
    let invalid = |reason| reading.invalid(reason);
    let Some(file) = reading.open(path)? else {
        return Ok(None);
    };
    let mut lines = io::BufReader::new(file).lines();
    let header = read_header(lines.next(), server).map_err(invalid)?;
    let mut entries = Vec::with_capacity(header.count.min(10_000_000));
    for line in lines {
        let line = line.map_err(io_error)?;
        let (id, columns): OwnedRow = serde_json::from_str(&line)
            .map_err(|e| invalid(format!("entry {}: {e}", entries.len() + 1)))?;
        entries.push(Entry::new(id, columns.each_ref().map(String::as_str)));
    }
    if entries.len() != header.count {
        return Err(invalid(format!(
            "{} entries where the header says {}",
            entries.len(),
            header.count
        )));
    }
    Ok(Some(Index::new(
        server.to_string(),
        header.built_at,
        entries,
    )))
}

fn read_header(line: Option<io::Result<String>>, server: &str) -> Result<Header, String> {
    let line = match line {
        Some(Ok(line)) => line,
        Some(Err(e)) => return Err(e.to_string()),
        None => return Err("empty file".into()),
    };
    let header: Header =
        serde_json::from_str(&line).map_err(|e| format!("unreadable header: {e}"))?;
    if header.format != FORMAT {
        return Err(format!("format {}, not {FORMAT}", header.format));
    }
    if header.server != server {
        return Err(format!(
            "it was built from {}",
            crate::text::sanitize_snippet(&header.server, 80)
        ));
    }
    Ok(header)
}

/// Changes the index of `server` in `path`, if there is one: `change` gets its entries
/// and returns the new ones (a later entry of an id wins over an earlier one), or
/// `None` to leave the file as it is. It keeps the time it was read: the other entries
/// are as old as they were. `Ok(false)` when there is no file, or nothing changed.
pub fn change(
    path: &Path,
    server: &str,
    change: impl FnOnce(Vec<Entry>) -> Option<Vec<Entry>>,
) -> Result<bool, ChangeError> {
    let Some(index) = load(path, server)? else {
        return Ok(false);
    };
    let built_at = index.built_at();
    let Some(entries) = change(index.into_entries()) else {
        return Ok(false);
    };
    save(&Index::new(server.to_string(), built_at, entries), path).map_err(|source| {
        ChangeError::Write {
            path: path.display().to_string(),
            source,
        }
    })?;
    Ok(true)
}

/// Why the index on disk could not be changed.
#[derive(Debug, thiserror::Error)]
pub enum ChangeError {
    #[error(transparent)]
    Load(#[from] LoadError),
    #[error("cannot write {path}: {source}")]
    Write { path: String, source: io::Error },
}

/// The header and size of the file at `path`; `Ok(None)` when there is none.
pub fn status(path: &Path, server: &str) -> Result<Option<Status>, LoadError> {
    let reading = Reading::new(path, AN_INDEX, server);
    let Some(file) = reading.open(path)? else {
        return Ok(None);
    };
    let bytes = file.metadata().map(|m| m.len()).unwrap_or(0);
    let mut lines = io::BufReader::new(file).lines();
    let header = read_header(lines.next(), server).map_err(|reason| reading.invalid(reason))?;
    Ok(Some(Status {
        server: header.server,
        built_at: header.built_at,
        count: header.count,
        bytes,
    }))
}

/// Removes the file at `path`; `Ok(false)` when there was none.
pub fn remove(path: &Path) -> io::Result<bool> {
    match fs::remove_file(path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e),
    }
}

/// Removes every server's index in `dir` (with the temporary files a crash left and
/// what exports kept); the count of index files removed.
pub fn remove_all(dir: &Path) -> io::Result<usize> {
    let listing = match fs::read_dir(dir) {
        Ok(listing) => listing,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(e),
    };
    let mut removed = 0;
    for item in listing {
        let path = item?.path();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        // What exports kept holds contact data too (`kept.rs`), and goes with them,
        // with what an export that never finished left (`.exported-….tmp`).
        if name.trim_start_matches('.').starts_with(KEPT_PREFIX) {
            fs::remove_file(&path)?;
            continue;
        }
        if !name.starts_with(PREFIX) {
            continue;
        }
        if name.ends_with(&format!(".{EXTENSION}")) {
            fs::remove_file(&path)?;
            removed += 1;
        } else if name.ends_with(".tmp") {
            fs::remove_file(&path)?;
        }
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::scratch;
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &Path) -> u32 {
        fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    fn sample(server: &str) -> Index {
        Index::new(
            server.into(),
            1_735_689_600,
            vec![
                Entry::new(2, ["Bo", "bo@example.com", "+15550100", "", "", "Zoë"]),
                Entry::new(1, ["Ana \"A\" Lima", "", "", "Contoso, Ltd.", "", ""]),
            ],
        )
    }

    #[test]
    fn an_index_reads_back_as_it_was_written_private_and_atomically() {
        let root = scratch("index", "roundtrip");
        let dir = root.join("linq-contact");
        let path = path_in(&dir, "https://api.example.com");
        assert_eq!(path.file_name().unwrap(), "index-api.example.com.jsonl");
        let index = sample("https://api.example.com");
        save(&index, &path).unwrap();
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&path), 0o600);
        let back = load(&path, "https://api.example.com").unwrap().unwrap();
        assert_eq!(back.entries(), index.entries());
        assert_eq!(back.built_at(), 1_735_689_600);
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 1, "no temporary file");
        let st = status(&path, "https://api.example.com").unwrap().unwrap();
        assert_eq!((st.count, st.built_at), (2, 1_735_689_600));

        // Loosened by hand: tightened again by the next save.
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).unwrap();
        save(&index, &path).unwrap();
        assert_eq!(mode(&dir), 0o700);
        let _ = fs::remove_dir_all(&root);
    }

    #[test]
    fn a_missing_file_is_none_and_a_wrong_one_is_an_error() {
        let root = scratch("index", "wrong");
        let path = path_in(&root, "demo");
        assert!(load(&path, "demo").unwrap().is_none());
        assert!(status(&path, "demo").unwrap().is_none());
        save(&sample("demo"), &path).unwrap();
        let other = load(&path, "https://api.example.com").unwrap_err();
        assert!(
            other.to_string().contains("it was built from demo"),
            "{other}"
        );

        let text = fs::read_to_string(&path).unwrap();
        let cut: Vec<&str> = text.lines().take(2).collect();
        fs::write(&path, cut.join("\n")).unwrap();
        let short = load(&path, "demo").unwrap_err();
        assert!(
            short
                .to_string()
                .contains("1 entries where the header says 2"),
            "{short}"
        );

        fs::write(&path, "not json\n").unwrap();
        assert!(load(&path, "demo").is_err());
        fs::write(&path, "").unwrap();
        assert!(
            load(&path, "demo")
                .unwrap_err()
                .to_string()
                .contains("empty file")
        );
        let _ = fs::remove_dir_all(&root);
    }

    #[test]
    fn removing_one_server_or_every_server() {
        let root = scratch("index", "remove");
        let demo = path_in(&root, "demo");
        let other = path_in(&root, "https://api.example.com");
        save(&sample("demo"), &demo).unwrap();
        save(&sample("https://api.example.com"), &other).unwrap();
        fs::write(root.join("index-demo.jsonl.99.tmp"), "x").unwrap();
        fs::write(root.join("other.jsonl"), "not ours").unwrap();
        assert!(remove(&demo).unwrap());
        assert!(!remove(&demo).unwrap());
        assert_eq!(remove_all(&root).unwrap(), 1);
        let left: Vec<_> = fs::read_dir(&root)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left, vec!["other.jsonl"]);
        assert_eq!(remove_all(&root.join("none")).unwrap(), 0);
        let _ = fs::remove_dir_all(&root);
    }
}
