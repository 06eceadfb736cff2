//! The optional config file (`config.toml`) and the `token_command` it may name.
//!
//! Every setting is optional: a missing file means defaults, and a broken one is reported
//! and then ignored, so a typo never locks the user out of the editor.

use crate::secret::Token;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Overrides the config file's location, for a second profile or for tests.
pub const CONFIG_ENV: &str = "LINQ_CONTACT_CONFIG";

/// How long `token_command` may take: long enough for a password manager, short enough
/// that a hung command does not look like a hung editor.
pub const TOKEN_COMMAND_TIMEOUT: Duration = Duration::from_secs(10);

/// The file's contents. Unknown keys are refused, so a misspelt setting is reported
/// instead of silently doing nothing.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct FileConfig {
    pub api_url: Option<String>,
    /// A shell command whose standard output is the token. The command, not the token,
    /// lives in the file.
    pub token_command: Option<String>,
    pub phone_region: Option<String>,
    pub confirm_before_save: Option<bool>,
    pub theme: Option<ThemeName>,
    pub mouse: Option<bool>,
    /// Action name → chords, applied with [`crate::keymap::Keymap::with_overrides`].
    pub keys: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ThemeName {
    Default,
    Monochrome,
}

impl ThemeName {
    pub fn name(self) -> &'static str {
        match self {
            ThemeName::Default => "default",
            ThemeName::Monochrome => "monochrome",
        }
    }
}

/// `$LINQ_CONTACT_CONFIG`, else `$XDG_CONFIG_HOME/linq-contact/config.toml`, else
/// `~/.config/linq-contact/config.toml`. `None` when none of those variables is usable.
pub fn config_path() -> Option<PathBuf> {
    path_from(
        std::env::var_os(CONFIG_ENV),
        std::env::var_os("XDG_CONFIG_HOME"),
        std::env::var_os("HOME"),
    )
}

/// [`config_path`] with the environment passed in, so tests need not change it.
fn path_from(
    explicit: Option<std::ffi::OsString>,
    xdg_config_home: Option<std::ffi::OsString>,
    home: Option<std::ffi::OsString>,
) -> Option<PathBuf> {
    if let Some(path) = explicit.filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(path));
    }
    // The XDG spec says a relative value is invalid and must be ignored.
    let base = xdg_config_home
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| {
            home.filter(|h| !h.is_empty())
                .map(|h| PathBuf::from(h).join(".config"))
        })?;
    Some(base.join("linq-contact").join("config.toml"))
}

/// Reads and parses the file. A missing file is `Ok(default)`. Anything else that goes
/// wrong is a message naming the file (and the line and column for a syntax error);
/// callers report it and carry on with defaults.
pub fn load(path: &Path) -> Result<FileConfig, String> {
    let shown = path.display();
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(FileConfig::default()),
        Err(e) => return Err(format!("cannot read {shown}: {e}")),
    };
    // The file can name a command that is run to get the token: if anyone may write to
    // it, anyone may run code as this user and read the token.
    {
        use std::os::unix::fs::PermissionsExt;
        if meta.is_file() && meta.permissions().mode() & 0o022 != 0 {
            return Err(format!(
                "{shown} is writable by other users, so it is ignored; run `chmod go-w {shown}`"
            ));
        }
    }
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {shown}: {e}"))?;
    toml::from_str(&text).map_err(|e| {
        let message = crate::text::sanitize(e.message().trim());
        match e.span() {
            Some(span) => {
                let (line, column) = line_column(&text, span.start);
                format!("{shown}:{line}:{column}: {message}")
            }
            None => format!("{shown}: {message}"),
        }
    })
}

/// 1-based line and column (in characters) of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (line, column)
}

/// Runs `token_command` with `sh -c` (no standard input, so it cannot wait for typing on
/// it) and returns its standard output, trimmed, as the token. When the output has several
/// lines, the first is the token: `pass show` and similar tools put the secret there and
/// notes below. Error messages carry the exit status and standard error, never standard
/// output, and never the command itself (someone may have written the token into it).
pub fn run_token_command(cmd: &str) -> Result<Token, String> {
    run_token_command_within(cmd, TOKEN_COMMAND_TIMEOUT)
}

fn run_token_command_within(cmd: &str, limit: Duration) -> Result<Token, String> {
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(cmd)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("token_command could not be started with sh: {e}"))?;
    // Read both pipes on their own threads: a command that fills one pipe while the other
    // is not read would otherwise block forever.
    let stdout = reader(child.stdout.take());
    let stderr = reader(child.stderr.take());
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() >= limit => {
                // Only `sh` is ours to stop; the readers are left behind rather than
                // joined, since a grandchild may keep the pipes open.
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "token_command did not finish within {} s",
                    limit.as_secs_f32()
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(e) => return Err(format!("token_command could not be waited for: {e}")),
        }
    };
    let out = stdout.join().unwrap_or_default();
    let err = stderr.join().unwrap_or_default();
    let out_text = String::from_utf8_lossy(&out);
    if !status.success() {
        let what = match status.code() {
            Some(code) => format!("exit status {code}"),
            None => "killed by a signal".to_string(),
        };
        let mut err_text = String::from_utf8_lossy(&err).into_owned();
        // A failing command may still have printed (part of) the token, and a shell
        // trace on stderr could repeat it.
        let printed = out_text.trim();
        if !printed.is_empty() {
            err_text = err_text.replace(printed, "<redacted>");
        }
        let err_text = crate::text::sanitize_snippet(err_text.trim(), 300);
        return Err(if err_text.is_empty() {
            format!("token_command failed ({what}) and printed no error")
        } else {
            format!("token_command failed ({what}): {err_text}")
        });
    }
    let Ok(text) = String::from_utf8(out) else {
        return Err("token_command printed something that is not UTF-8 text".to_string());
    };
    let token = text.trim().lines().next().unwrap_or("").trim();
    if token.is_empty() {
        return Err("token_command succeeded but printed nothing".to_string());
    }
    Ok(Token::new(token))
}

fn reader<R: Read + Send + 'static>(pipe: Option<R>) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut buf);
        }
        buf
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsString;

    fn temp_file(name: &str, contents: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("lc-config-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("config.toml");
        std::fs::write(&path, contents).unwrap();
        path
    }

    #[test]
    fn the_path_follows_the_environment() {
        let os = |s: &str| Some(OsString::from(s));
        assert_eq!(
            path_from(os("/x/c.toml"), os("/xdg"), os("/home/u")),
            Some(PathBuf::from("/x/c.toml"))
        );
        assert_eq!(
            path_from(os(""), os("/xdg"), os("/home/u")),
            Some(PathBuf::from("/xdg/linq-contact/config.toml"))
        );
        assert_eq!(
            path_from(None, os("relative"), os("/home/u")),
            Some(PathBuf::from("/home/u/.config/linq-contact/config.toml"))
        );
        assert_eq!(path_from(None, None, None), None);
    }

    #[test]
    fn a_full_file_parses() {
        let path = temp_file(
            "full",
            r#"
api_url = "https://api.example.test"
token_command = "pass show linq/token"
phone_region = "GB"
confirm_before_save = false
theme = "monochrome"
mouse = true
[keys]
review = ["ctrl-s", "f2"]
quit = ["ctrl-q"]
"#,
        );
        let file = load(&path).unwrap();
        assert_eq!(file.api_url.as_deref(), Some("https://api.example.test"));
        assert_eq!(file.token_command.as_deref(), Some("pass show linq/token"));
        assert_eq!(file.phone_region.as_deref(), Some("GB"));
        assert_eq!(file.confirm_before_save, Some(false));
        assert_eq!(file.theme, Some(ThemeName::Monochrome));
        assert_eq!(file.mouse, Some(true));
        assert_eq!(file.keys["quit"], vec!["ctrl-q".to_string()]);
        assert_eq!(file.keys.len(), 2);
    }

    #[test]
    fn a_missing_file_is_the_defaults() {
        let path = std::env::temp_dir().join("lc-config-does-not-exist/config.toml");
        assert_eq!(load(&path), Ok(FileConfig::default()));
        assert_eq!(load(Path::new("/dev/null")), Ok(FileConfig::default()));
    }

    #[test]
    fn mistakes_name_the_file_line_and_column() {
        let path = temp_file("typo", "api_url = \"https://x\"\nmouse = maybe\n");
        let err = load(&path).unwrap_err();
        assert!(
            err.starts_with(&format!("{}:2:9: ", path.display())),
            "{err}"
        );

        let path = temp_file("unknown", "\n\ntheme = \"default\"\ncolour = \"red\"\n");
        let err = load(&path).unwrap_err();
        assert!(err.contains(":4:1: "), "{err}");
        assert!(err.contains("colour"), "{err}");

        let path = temp_file("theme", "theme = \"neon\"\n");
        assert!(load(&path).unwrap_err().contains("neon"));
    }

    #[test]
    fn a_world_writable_file_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let path = temp_file("writable", "token_command = \"printf evil\"\n");
        for mode in [0o666, 0o664] {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
            let err = load(&path).unwrap_err();
            assert!(err.contains("writable by other users"), "{mode:o}: {err}");
        }
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert!(load(&path).is_ok());
    }

    #[test]
    fn token_command_output_is_the_token() {
        let token = run_token_command("printf tok-123").unwrap();
        assert_eq!(token.expose(), "tok-123");
        let token = run_token_command("printf '  tok-456\\nnotes: x\\n'").unwrap();
        assert_eq!(token.expose(), "tok-456");
    }

    #[test]
    fn token_command_failures_say_why_without_the_output() {
        let err = run_token_command("exit 3").unwrap_err();
        assert!(err.contains("exit status 3"), "{err}");

        let err = run_token_command("printf tok-secret; echo 'no entry tok-secret' >&2; exit 1")
            .unwrap_err();
        assert!(err.contains("no entry <redacted>"), "{err}");
        assert!(!err.contains("tok-secret"), "{err}");

        let err = run_token_command("true").unwrap_err();
        assert!(err.contains("printed nothing"), "{err}");

        let err = run_token_command_within("sleep 5", Duration::from_millis(200)).unwrap_err();
        assert!(err.contains("did not finish"), "{err}");
    }
}
