//! Unsent edits kept on disk when the session ends without a save (hang-up, kill,
//! crash), and offered back the next time that contact is opened.
//!
//! Files live in `$XDG_STATE_HOME/linq-contact/drafts/` (default
//! `~/.local/state/linq-contact/drafts/`), mode 0600, written to a temporary name and
//! renamed so a crash mid-write never leaves half a draft.

use crate::api::Contact;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

/// One contact's unsent edits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    /// Which server the contact belongs to: the same id elsewhere is another contact.
    pub api_url: String,
    pub contact_id: u64,
    /// When the draft was written (RFC 3339, local time).
    pub saved_at: String,
    /// The record the edits were made against.
    pub loaded: Contact,
    /// Edited text by API field name (`email`, `user_email`, …), dirty fields only.
    pub values: BTreeMap<String, String>,
}

/// The drafts directory of this user.
#[derive(Debug, Clone)]
pub struct DraftStore {
    dir: PathBuf,
}

/// The program's state directory (see [`crate::config::paths::state_dir`]).
pub fn state_dir() -> Option<PathBuf> {
    crate::config::paths::state_dir()
}

/// A server's URL (or name) reduced to characters safe in a file name.
pub fn file_safe(server: &str) -> String {
    server
        .split_once("://")
        .map_or(server, |(_, rest)| rest)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

impl DraftStore {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    pub fn from_env() -> Option<Self> {
        state_dir().map(|d| Self::new(d.join("drafts")))
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// One file per server and contact; the server part is reduced to safe characters.
    pub fn path(&self, api_url: &str, contact_id: u64) -> PathBuf {
        self.dir
            .join(format!("{}-{contact_id}.json", file_safe(api_url)))
    }

    pub fn save(&self, draft: &Draft) -> io::Result<PathBuf> {
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&self.dir)?;
        let path = self.path(&draft.api_url, draft.contact_id);
        let tmp = path.with_extension("json.tmp");
        let json = serde_json::to_vec_pretty(draft).map_err(io::Error::other)?;
        let written = write_private(&tmp, &json).and_then(|()| fs::rename(&tmp, &path));
        if written.is_err() {
            // Half a draft (a full disk) must not linger; the error says what happened.
            let _ = fs::remove_file(&tmp);
        }
        written.map(|()| path)
    }

    /// The draft for this contact, if there is a readable one.
    pub fn load(&self, api_url: &str, contact_id: u64) -> Option<Draft> {
        let bytes = fs::read(self.path(api_url, contact_id)).ok()?;
        serde_json::from_slice::<Draft>(&bytes)
            .ok()
            .filter(|d| d.contact_id == contact_id && d.api_url == api_url)
    }

    pub fn delete(&self, api_url: &str, contact_id: u64) -> io::Result<()> {
        match fs::remove_file(self.path(api_url, contact_id)) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }
}

/// `bytes` into a new file at `path` (mode 0600), on disk before this returns.
fn write_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn draft() -> Draft {
        Draft {
            api_url: "https://api.linqapp.com".into(),
            contact_id: 42,
            saved_at: "2026-01-01T10:00:00+00:00".into(),
            loaded: Contact {
                id: 42,
                email: "a@b.co".into(),
                ..Default::default()
            },
            values: BTreeMap::from([("email".into(), "new@b.co".into())]),
        }
    }

    #[test]
    fn round_trip_with_private_permissions() {
        let dir = std::env::temp_dir().join(format!("lc-drafts-{}", std::process::id()));
        let store = DraftStore::new(&dir);
        let path = store.save(&draft()).unwrap();
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert_eq!(store.load("https://api.linqapp.com", 42), Some(draft()));
        assert_eq!(store.load("http://127.0.0.1:9", 42), None);
        store.delete("https://api.linqapp.com", 42).unwrap();
        assert_eq!(store.load("https://api.linqapp.com", 42), None);
        let _ = fs::remove_dir_all(dir);
    }

    #[test]
    fn a_failed_write_leaves_no_temporary_file() {
        let dir = std::env::temp_dir().join(format!("lc-drafts-full-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        let store = DraftStore::new(&dir);
        let path = store.path("https://api.linqapp.com", 42);
        let tmp = path.with_extension("json.tmp");

        // The disk fills up while the draft is written.
        std::os::unix::fs::symlink("/dev/full", &tmp).unwrap();
        let err = store.save(&draft()).unwrap_err();
        assert_eq!(err.raw_os_error(), Some(28), "{err}");
        assert!(tmp.symlink_metadata().is_err(), "the temporary file stayed");

        // The rename fails: a directory has the draft's name.
        fs::create_dir_all(path.join("in-the-way")).unwrap();
        store.save(&draft()).unwrap_err();
        assert!(tmp.symlink_metadata().is_err(), "the temporary file stayed");
        let _ = fs::remove_dir_all(dir);
    }
}
