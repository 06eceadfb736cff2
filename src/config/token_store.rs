//! Where a profile's token is kept between runs: the system keyring, or, only when the
//! user asks for it, a private file.
//!
//! The keyring is the platform's: the Keychain on macOS; on Linux the Secret Service
//! when a session bus exists (a desktop's keyring), else the kernel's keyring (keyutils:
//! the user's persistent keyring, which outlives an SSH session but not a reboot). Each
//! store is pure Rust, so the binary needs no system library. Whatever store is set as
//! keyring-core's default before the first use is used instead: tests set its mock.

use crate::secret::Token;
use keyring_core::{Entry, Error};
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The keyring entries' service; the profile's name is the user.
const SERVICE: &str = "linq-contact";

/// Where a token is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kept {
    /// The system keyring, by the name of its store.
    Keyring(&'static str),
    /// A file asked for with `--insecure-storage`.
    File(PathBuf),
}

impl fmt::Display for Kept {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Kept::Keyring(store) => write!(f, "the system keyring ({store})"),
            Kept::File(path) => write!(
                f,
                "an unencrypted file, {} (--insecure-storage)",
                crate::text::sanitize(&path.display().to_string())
            ),
        }
    }
}

/// A stored token and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub token: Token,
    pub kept: Kept,
}

/// The tokens of this machine: the keyring's, and the files of `--insecure-storage` in
/// `dir` (`<state dir>/linq-contact/tokens`).
#[derive(Debug, Clone)]
pub struct Tokens {
    dir: Option<PathBuf>,
}

impl Tokens {
    pub fn from_env() -> Self {
        Self {
            dir: crate::config::paths::state_dir().map(|d| d.join("tokens")),
        }
    }

    pub fn in_dir(dir: impl Into<PathBuf>) -> Self {
        Self {
            dir: Some(dir.into()),
        }
    }

    fn file(&self, profile: &str) -> Option<PathBuf> {
        self.dir.as_ref().map(|d| d.join(profile))
    }

    /// The profile's token: its file first (which exists only when the user asked for
    /// one), then the keyring. `Err`: the keyring could not be read.
    pub fn find(&self, profile: &str) -> Result<Option<Found>, String> {
        if let Some(path) = self.file(profile) {
            match std::fs::read_to_string(&path) {
                Ok(text) if !text.trim().is_empty() => {
                    return Ok(Some(Found {
                        token: Token::new(text.trim()),
                        kept: Kept::File(path),
                    }));
                }
                Ok(_) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
            }
        }
        let store = keyring()?;
        match entry(profile)?.get_password() {
            Ok(token) if !token.trim().is_empty() => Ok(Some(Found {
                token: Token::new(token.trim()),
                kept: Kept::Keyring(store),
            })),
            Ok(_) | Err(Error::NoEntry) => Ok(None),
            Err(e) => Err(described(store, &e)),
        }
    }

    /// Keeps `token` as the profile's, in the keyring, or in a private file with
    /// `insecure`; the other place is cleared, so that one token is never hidden behind
    /// an older one.
    pub fn store(&self, profile: &str, token: &Token, insecure: bool) -> Result<Kept, String> {
        if insecure {
            let path = self
                .file(profile)
                .ok_or("no state directory is known (set HOME or XDG_STATE_HOME)")?;
            write_private(&path, token.expose())
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            // Nothing older may be left in the keyring. A keyring that cannot be reached
            // (no store, or one this session may not open) holds nothing this program
            // could have put there, so there is nothing to clear.
            if keyring().is_ok() {
                let _ = entry(profile)?.delete_credential();
            }
            return Ok(Kept::File(path));
        }
        let store = keyring()?;
        let entry = entry(profile)?;
        if let Err(e) = entry.set_password(token.expose()) {
            // A store can fail halfway (keyutils: added to the session keyring, refused by
            // the persistent one): what it did keep is taken back, as nothing was stored.
            let _ = entry.delete_credential();
            return Err(described(store, &e));
        }
        self.remove_file(profile)?;
        Ok(Kept::Keyring(store))
    }

    /// Forgets the profile's token wherever it is; returns where it was.
    pub fn forget(&self, profile: &str) -> Result<Vec<Kept>, String> {
        let mut forgotten = Vec::new();
        if let Some(path) = self.remove_file(profile)? {
            forgotten.push(Kept::File(path));
        }
        // Without a keyring there is nothing in it to forget, and a keyring this session
        // may not open holds nothing it could have put there.
        if let Ok(store) = keyring() {
            match entry(profile)?.delete_credential() {
                Ok(()) => forgotten.push(Kept::Keyring(store)),
                Err(Error::NoEntry | Error::NoStorageAccess(_)) => {}
                Err(e) => return Err(described(store, &e)),
            }
        }
        Ok(forgotten)
    }

    fn remove_file(&self, profile: &str) -> Result<Option<PathBuf>, String> {
        let Some(path) = self.file(profile) else {
            return Ok(None);
        };
        match std::fs::remove_file(&path) {
            Ok(()) => Ok(Some(path)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(format!("cannot remove {}: {e}", path.display())),
        }
    }
}

/// [`Tokens::find`] of this machine, as the configuration asks for it: the token and
/// where it is kept, in words.
pub fn find_described(profile: &str) -> Result<Option<(Token, String)>, String> {
    Tokens::from_env()
        .find(profile)
        .map(|found| found.map(|f| (f.token, f.kept.to_string())))
}

fn entry(profile: &str) -> Result<Entry, String> {
    Entry::new(SERVICE, profile).map_err(|e| format!("the keyring refused the entry: {e}"))
}

fn described(store: &str, e: &Error) -> String {
    format!("{store}: {e}")
}

/// The keyring's store, chosen once per run: its name, or why none works.
pub fn keyring() -> Result<&'static str, String> {
    static STORE: OnceLock<Result<&'static str, String>> = OnceLock::new();
    STORE
        .get_or_init(|| match keyring_core::get_default_store() {
            Some(store) => Ok(name_of(&store.vendor())),
            None => platform::default_store(),
        })
        .clone()
}

/// A store's name for people, from its vendor string.
fn name_of(vendor: &str) -> &'static str {
    if vendor.starts_with("Secret Service") {
        "Secret Service"
    } else if vendor.starts_with("Linux keyutils") {
        "the kernel keyring, keyutils"
    } else if vendor.starts_with("Mock") {
        "mock store"
    } else if vendor.contains("Keychain") || vendor.contains("Apple") {
        "macOS Keychain"
    } else {
        "keyring"
    }
}

#[cfg(target_os = "linux")]
mod platform {
    /// The Secret Service where a session bus exists, else the kernel's keyring.
    pub fn default_store() -> Result<&'static str, String> {
        if session_bus() {
            match zbus_secret_service_keyring_store::Store::new() {
                Ok(store) => {
                    keyring_core::set_default_store(store);
                    return Ok("Secret Service");
                }
                Err(e) => {
                    tracing::info!(error = %e, "no Secret Service; using the kernel keyring");
                }
            }
        }
        let store = linux_keyutils_keyring_store::Store::new()
            .map_err(|e| format!("the kernel keyring (keyutils): {e}"))?;
        keyring_core::set_default_store(store);
        Ok("the kernel keyring, keyutils")
    }

    fn session_bus() -> bool {
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some_and(|v| !v.is_empty())
    }
}

#[cfg(target_os = "macos")]
mod platform {
    pub fn default_store() -> Result<&'static str, String> {
        let store = apple_native_keyring_store::keychain::Store::new()
            .map_err(|e| format!("the macOS Keychain: {e}"))?;
        keyring_core::set_default_store(store);
        Ok("macOS Keychain")
    }
}

#[cfg(not(any(target_os = "linux", target_os = "macos")))]
mod platform {
    pub fn default_store() -> Result<&'static str, String> {
        Err("no system keyring is supported on this platform".to_string())
    }
}

/// Writes `text` to `path`, readable and writable by this user alone, in a directory
/// only this user may enter.
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
    if let Some(dir) = path.parent() {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    // A file that was there already keeps its mode through `open`.
    file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    file.write_all(text.as_bytes())?;
    file.sync_all()
}

/// Sets keyring-core's mock store as the default, once per test process, before any
/// other store is chosen.
#[cfg(test)]
pub(crate) fn use_mock_keyring() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        if let Ok(store) = keyring_core::mock::Store::new() {
            keyring_core::set_default_store(store);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("lc-tokens-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn a_stored_token_is_found_again_and_forgotten() {
        use_mock_keyring();
        let tokens = Tokens::in_dir(temp_dir("keyring"));
        assert_eq!(tokens.find("ts-kept"), Ok(None));
        let kept = tokens
            .store("ts-kept", &Token::new("tok-1"), false)
            .unwrap();
        assert_eq!(kept, Kept::Keyring("mock store"));
        let found = tokens.find("ts-kept").unwrap().unwrap();
        assert_eq!(found.token.expose(), "tok-1");
        assert_eq!(found.kept, kept);
        // Another profile's entry is another entry.
        assert_eq!(tokens.find("ts-other"), Ok(None));
        // A second login replaces the token.
        tokens
            .store("ts-kept", &Token::new("tok-2"), false)
            .unwrap();
        assert_eq!(
            tokens.find("ts-kept").unwrap().unwrap().token.expose(),
            "tok-2"
        );
        assert_eq!(tokens.forget("ts-kept"), Ok(vec![kept]));
        assert_eq!(tokens.find("ts-kept"), Ok(None));
        assert_eq!(tokens.forget("ts-kept"), Ok(vec![]));
    }

    #[test]
    fn insecure_storage_is_a_private_file_and_replaces_the_keyring_entry() {
        use_mock_keyring();
        let dir = temp_dir("insecure");
        let tokens = Tokens::in_dir(&dir);
        tokens
            .store("ts-file", &Token::new("in-keyring"), false)
            .unwrap();
        let kept = tokens
            .store("ts-file", &Token::new("in-file"), true)
            .unwrap();
        let path = dir.join("ts-file");
        assert_eq!(kept, Kept::File(path.clone()));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "in-file");
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(&dir), 0o700);
        assert!(kept.to_string().contains("--insecure-storage"), "{kept}");
        // The keyring's older token is gone: logging out of the file leaves nothing.
        assert_eq!(tokens.forget("ts-file"), Ok(vec![Kept::File(path.clone())]));
        assert_eq!(tokens.find("ts-file"), Ok(None));

        // Back to the keyring: the file goes.
        tokens.store("ts-file", &Token::new("f"), true).unwrap();
        tokens.store("ts-file", &Token::new("k"), false).unwrap();
        assert!(!path.exists());
        assert_eq!(
            tokens.find("ts-file").unwrap().unwrap().kept,
            Kept::Keyring("mock store")
        );
        tokens.forget("ts-file").unwrap();
    }

    #[test]
    fn a_keyring_that_refuses_keeps_nothing_and_says_why() {
        use_mock_keyring();
        let tokens = Tokens::in_dir(temp_dir("refused"));
        let entry = entry("ts-refused").unwrap();
        let mock: &keyring_core::mock::Cred = entry.as_any().downcast_ref().unwrap();
        mock.set_error(Error::NoStorageAccess("locked".into()));
        let err = tokens
            .store("ts-refused", &Token::new("t"), false)
            .unwrap_err();
        assert!(err.starts_with("mock store: "), "{err}");
        assert!(err.contains("locked"), "{err}");
        assert_eq!(tokens.find("ts-refused"), Ok(None));
    }
}
