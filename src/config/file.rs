//! The optional config file (`config.toml`) and the `token_command` it may name.
//!
//! Every setting is optional: a missing file means defaults, and a broken one is reported
//! and then ignored, so a typo never locks the user out of the editor.

use crate::secret::Token;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Overrides the config file's location, for a second profile or for tests.
pub use super::paths::CONFIG_ENV;

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
    /// Where the index of the organisation's contacts is kept: `disk` (the cache
    /// directory) or `memory` (nothing on disk).
    pub index: Option<IndexStore>,
    /// How old the index on disk may be before a search builds it again: `"10m"`,
    /// `"90s"`, `"1h"`, or a number of seconds.
    pub index_max_age: Option<Age>,
    /// Action name → chords, applied with [`crate::keymap::Keymap::with_overrides`].
    pub keys: BTreeMap<String, Vec<String>>,
    /// The profile used when neither `--profile` nor `LINQ_PROFILE` names one.
    pub default_profile: Option<String>,
    /// `[profiles.NAME]`: a server and its token, with settings of its own.
    pub profiles: BTreeMap<String, ProfileFile>,
}

/// One `[profiles.NAME]` table. A setting left out is the file's top-level one, except
/// `token_command`: another profile's token must never be sent to this one's server.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct ProfileFile {
    pub api_url: Option<String>,
    pub token_command: Option<String>,
    pub phone_region: Option<String>,
    /// The colour the editor's header names the profile in (`cyan`, `#ff8800`, …).
    pub color: Option<String>,
    pub confirm_before_save: Option<bool>,
    /// A red header, the review before every save, and the profile's name typed before
    /// a batch.
    pub production: Option<bool>,
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

/// Where the index of the organisation's contacts lives.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum IndexStore {
    /// In the cache directory, one private file per server.
    #[default]
    Disk,
    /// In memory only: each command that needs it builds it again.
    Memory,
}

impl IndexStore {
    pub fn name(self) -> &'static str {
        match self {
            IndexStore::Disk => "disk",
            IndexStore::Memory => "memory",
        }
    }
}

/// A length of time as the file writes it: `"10m"` or `600`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(untagged)]
pub enum Age {
    Seconds(u64),
    Text(String),
}

impl Age {
    /// `"90s"`, `"10m"`, `"1h"`, `"1d"` or a bare number of seconds.
    pub fn duration(&self) -> Result<Duration, String> {
        let text = match self {
            Age::Seconds(s) => return Ok(Duration::from_secs(*s)),
            Age::Text(text) => text.trim(),
        };
        let (number, unit) = text
            .find(|c: char| !c.is_ascii_digit())
            .map_or((text, ""), |at| text.split_at(at));
        let scale = match unit.trim() {
            "" | "s" => 1,
            "m" => 60,
            "h" => 3600,
            "d" => 86_400,
            _ => 0,
        };
        match number.parse::<u64>() {
            Ok(n) if scale > 0 => Ok(Duration::from_secs(n.saturating_mul(scale))),
            _ => Err(format!(
                "\"{}\" is not a length of time: write it as \"90s\", \"10m\", \"1h\" or a \
                 number of seconds",
                crate::text::sanitize_snippet(text, 20)
            )),
        }
    }

    /// The shortest way to write `d` in the file.
    pub fn text(d: Duration) -> String {
        match d.as_secs() {
            s if s > 0 && s % 3600 == 0 => format!("{}h", s / 3600),
            s if s > 0 && s % 60 == 0 => format!("{}m", s / 60),
            s => format!("{s}s"),
        }
    }
}

/// The config file's path (see [`super::paths::config_file`]).
pub fn config_path() -> Option<PathBuf> {
    super::paths::config_file()
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

/// After the command has exited, how long a background process it left behind may keep
/// its output open before the output so far is taken as all there is.
const LINGER: Duration = Duration::from_millis(300);

/// More than any token tool prints; a runaway command cannot fill memory.
const MAX_OUTPUT: usize = 64 * 1024;

/// [`run_token_command`] with the time limit as a parameter. The command runs in a
/// process group of its own, so everything it started can be stopped together: at the
/// limit the whole group is killed and its pipes are abandoned, and no background
/// process it left holding them can make the editor wait past the limit.
fn run_token_command_within(cmd: &str, limit: Duration) -> Result<Token, String> {
    use std::os::unix::process::CommandExt;
    let started = Instant::now();
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(cmd)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .map_err(|e| format!("token_command could not be started with sh: {e}"))?;
    let group = child.id();
    // Both pipes are read on their own threads (a command that fills one pipe while the
    // other is not read would block forever), in chunks, so that what has arrived can be
    // used without waiting for an end that a background process may never give.
    let (tx, rx) = mpsc::channel();
    reader(child.stdout.take(), Pipe::Out, tx.clone());
    reader(child.stderr.take(), Pipe::Err, tx);
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let mut open_pipes = 2;
    let mut exited: Option<(std::process::ExitStatus, Instant)> = None;
    loop {
        if exited.is_none() {
            match child.try_wait() {
                Ok(Some(status)) => exited = Some((status, Instant::now())),
                Ok(None) => {}
                Err(e) => {
                    kill_group(group);
                    let _ = child.wait();
                    return Err(format!("token_command could not be waited for: {e}"));
                }
            }
        }
        let now = Instant::now();
        let status = match exited {
            Some((status, _)) if open_pipes == 0 => status,
            // Exited, but something it started still holds the output: what was printed
            // before the exit is all that counts.
            Some((status, at)) if now >= at + LINGER && (!out.is_empty() || !status.success()) => {
                kill_group(group);
                status
            }
            Some((status, _)) if now >= started + limit => {
                kill_group(group);
                if out.is_empty() && status.success() {
                    return Err(format!(
                        "token_command printed nothing within {} s (a background process \
                         it started kept its output open)",
                        limit.as_secs_f32()
                    ));
                }
                status
            }
            None if now >= started + limit => {
                kill_group(group);
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "token_command did not finish within {} s",
                    limit.as_secs_f32()
                ));
            }
            _ => {
                match rx.recv_timeout(Duration::from_millis(10)) {
                    Ok((Pipe::Out, Some(chunk))) => append(&mut out, &chunk),
                    Ok((Pipe::Err, Some(chunk))) => append(&mut err, &chunk),
                    Ok((_, None)) => open_pipes -= 1,
                    Err(mpsc::RecvTimeoutError::Timeout) => {}
                    // Both pipes closed while the command runs on: only its exit is left.
                    Err(mpsc::RecvTimeoutError::Disconnected) => {
                        std::thread::sleep(Duration::from_millis(10));
                    }
                }
                continue;
            }
        };
        // Whatever had already been read when the wait ended.
        while let Ok((pipe, Some(chunk))) = rx.try_recv() {
            append(
                if pipe == Pipe::Out {
                    &mut out
                } else {
                    &mut err
                },
                &chunk,
            );
        }
        return token_from(status, out, err);
    }
}

/// The token from a finished command's status and output.
fn token_from(
    status: std::process::ExitStatus,
    out: Vec<u8>,
    err: Vec<u8>,
) -> Result<Token, String> {
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pipe {
    Out,
    Err,
}

/// Sends what `pipe` gives, chunk by chunk, then `None` at its end. The thread is never
/// joined: a pipe held open by a stray process would hold the caller too.
fn reader<R: Read + Send + 'static>(
    pipe: Option<R>,
    which: Pipe,
    tx: mpsc::Sender<(Pipe, Option<Vec<u8>>)>,
) {
    std::thread::spawn(move || {
        if let Some(mut pipe) = pipe {
            let mut buf = [0u8; 8192];
            while let Ok(n) = pipe.read(&mut buf) {
                if n == 0 || tx.send((which, Some(buf[..n].to_vec()))).is_err() {
                    break;
                }
            }
        }
        let _ = tx.send((which, None));
    });
}

fn append(to: &mut Vec<u8>, chunk: &[u8]) {
    let room = MAX_OUTPUT.saturating_sub(to.len());
    to.extend_from_slice(&chunk[..chunk.len().min(room)]);
}

/// Kills the process group `leader` started (the command and all it spawned).
fn kill_group(leader: u32) {
    if let Some(pid) = i32::try_from(leader)
        .ok()
        .and_then(rustix::process::Pid::from_raw)
    {
        let _ = rustix::process::kill_process_group(pid, rustix::process::Signal::KILL);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_file(name: &str, contents: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("lc-config-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("config.toml");
        std::fs::write(&path, contents).unwrap();
        path
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

    /// Runs the command on a thread. The wait bounds a failing run: one that hangs, or
    /// one that sits out a long limit it should not need.
    fn run_bounded(cmd: &str, limit: Duration) -> Result<Token, String> {
        let (tx, rx) = std::sync::mpsc::channel();
        let cmd = cmd.to_string();
        std::thread::spawn(move || {
            let _ = tx.send(run_token_command_within(&cmd, limit));
        });
        rx.recv_timeout(Duration::from_secs(30))
            .unwrap_or_else(|_| panic!("token_command still running (limit {limit:?})"))
    }

    /// A temporary file the command writes the pid of its background process to.
    fn pid_file(name: &str) -> PathBuf {
        let path = std::env::temp_dir().join(format!("lc-token-{}-{name}", std::process::id()));
        let _ = std::fs::remove_file(&path);
        path
    }

    /// Waits until the process in `pid_file` is gone (or a zombie: killed, not yet reaped).
    fn wait_dead(pid_file: &Path) {
        let pid = std::fs::read_to_string(pid_file).unwrap();
        let stat = format!("/proc/{}/stat", pid.trim());
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            match std::fs::read_to_string(&stat) {
                Err(_) => return,
                Ok(s)
                    if s.rsplit(')')
                        .next()
                        .unwrap_or("")
                        .trim_start()
                        .starts_with('Z') =>
                {
                    return;
                }
                Ok(_) => std::thread::sleep(Duration::from_millis(20)),
            }
        }
        panic!("the background process {} is still alive", pid.trim());
    }

    #[test]
    fn a_background_process_holding_the_output_does_not_hold_the_token() {
        let pids = pid_file("linger");
        let cmd = format!("sleep 1000 & echo $! > {}; printf tok-bg", pids.display());
        // Far longer than the test waits: the token comes once the command has exited.
        let token = run_bounded(&cmd, Duration::from_secs(600)).unwrap();
        assert_eq!(token.expose(), "tok-bg");
        wait_dead(&pids);
    }

    #[test]
    fn at_the_limit_the_whole_group_is_killed() {
        let pids = pid_file("limit");
        let cmd = format!("sleep 1000 & echo $! > {}; exec sleep 1000", pids.display());
        let err = run_bounded(&cmd, Duration::from_millis(300)).unwrap_err();
        assert!(err.contains("did not finish within 0.3 s"), "{err}");
        wait_dead(&pids);

        // Exited at once, printing nothing, while a background process keeps the pipe.
        let pids = pid_file("silent");
        let cmd = format!("sleep 1000 & echo $! > {}", pids.display());
        let err = run_bounded(&cmd, Duration::from_millis(300)).unwrap_err();
        assert!(err.contains("printed nothing within 0.3 s"), "{err}");
        wait_dead(&pids);
    }

    #[test]
    fn endless_output_is_bounded() {
        let mut out = Vec::new();
        for _ in 0..100 {
            append(&mut out, &[b'y'; 8192]);
        }
        assert_eq!(out.len(), MAX_OUTPUT);
        let token = run_bounded("yes tok-y | head -c 1000000", Duration::from_secs(600)).unwrap();
        assert_eq!(token.expose(), "tok-y");
    }
}
