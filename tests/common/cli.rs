//! The real binary run as a script runs it, against an API on loopback: a scratch
//! directory for its state and config, the exact requests the demo received, and the
//! checks of what a run printed and how it ended.

use super::pty::Session;
use linq_contact::demo::{DemoServer, RecordedRequest};
use serde_json::Value;
use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockBuilder, MockServer, ResponseTemplate};

pub const BIN: &str = env!("CARGO_BIN_EXE_linq-contact");
pub const CONTACTS: &str = "/api/partner/v2/contacts";
/// What `set` and `create` say when told to ask with no terminal to ask on.
pub const NO_ONE_TO_ASK: &str = "linq-contact: nothing sent: stdin is not a terminal, so \
                                 there is no one to ask; add --yes to send without asking\n";
/// An address where no API answers, for runs that must not need one.
pub const NOWHERE: &str = "http://127.0.0.1:9";

/// A runtime for the server under test, a scratch directory for state, config and files.
pub struct World {
    pub rt: tokio::runtime::Runtime,
    pub dir: PathBuf,
}

impl World {
    pub fn new() -> World {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "lc-cli-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        World {
            rt: tokio::runtime::Runtime::new().unwrap(),
            dir,
        }
    }

    pub fn demo(&self) -> DemoServer {
        self.rt.block_on(DemoServer::start(0)).unwrap()
    }

    /// A wiremock server answering with `mocks`.
    pub fn mock(&self, mocks: Vec<Mock>) -> MockServer {
        self.rt.block_on(async {
            let server = MockServer::start().await;
            for mock in mocks {
                mock.mount(&server).await;
            }
            server
        })
    }

    /// `(method, body)` of the requests `server` received, in arrival order.
    pub fn received(&self, server: &MockServer) -> Vec<(String, String)> {
        let requests = self.rt.block_on(server.received_requests()).unwrap();
        requests
            .iter()
            .map(|r| {
                let body = String::from_utf8_lossy(&r.body).into_owned();
                (r.method.to_string(), body)
            })
            .collect()
    }

    /// Where the binary keeps its journal, given the `XDG_STATE_HOME` it runs with.
    pub fn journal_path(&self) -> PathBuf {
        self.dir.join("state/linq-contact/journal.jsonl")
    }

    /// Where the binary keeps the index of `server` (a base URL, or `demo`), given the
    /// `XDG_CACHE_HOME` it runs with.
    pub fn index_path(&self, server: &str) -> PathBuf {
        let host = server.split_once("://").map_or(server, |(_, rest)| rest);
        let safe: String = host
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '.' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        self.dir
            .join(format!("cache/linq-contact/index-{safe}.jsonl"))
    }

    /// The journal's lines, parsed, oldest first; none when there is no journal.
    pub fn journal(&self) -> Vec<Value> {
        match std::fs::read_to_string(self.journal_path()) {
            Ok(text) => json_lines(&text),
            Err(_) => Vec::new(),
        }
    }

    /// The journal file's permission bits.
    pub fn journal_mode(&self) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        let meta = std::fs::metadata(self.journal_path()).unwrap();
        meta.permissions().mode() & 0o777
    }

    /// The lines of the report `name` (in the scratch directory), parsed, in input order.
    pub fn report(&self, name: &str) -> Vec<Value> {
        let text = std::fs::read_to_string(self.dir.join(name)).unwrap();
        let mut lines = json_lines(&text);
        lines.sort_by_key(|v| v["line"].as_u64());
        lines
    }

    pub fn file(&self, name: &str, content: &[u8]) -> PathBuf {
        let path = self.dir.join(name);
        std::fs::write(&path, content).unwrap();
        path
    }

    /// The environment a run gets: the API at `url`, the demo's token, everything else
    /// in the scratch directory (`None`: removed).
    fn env(&self, url: &str) -> Vec<(&'static str, Option<OsString>)> {
        vec![
            ("LINQ_API_URL", Some(url.into())),
            ("LINQ_INTEGRATION_TOKEN", Some("demo-token-0000".into())),
            ("HOME", Some(self.dir.clone().into())),
            ("XDG_STATE_HOME", Some(self.dir.join("state").into())),
            ("XDG_CONFIG_HOME", Some(self.dir.join("config").into())),
            ("XDG_CACHE_HOME", Some(self.dir.join("cache").into())),
            ("LINQ_CONTACT_CONFIG", None),
            ("NO_COLOR", None),
            // No profile from the shell, and no desktop keyring: a test never reaches
            // the tester's own tokens.
            ("LINQ_PROFILE", None),
            ("DBUS_SESSION_BUS_ADDRESS", None),
        ]
    }

    pub fn command(&self, url: &str, args: &[&str]) -> Command {
        let mut c = Command::new(BIN);
        c.args(args).current_dir(&self.dir);
        for (key, value) in self.env(url) {
            match value {
                Some(v) => c.env(key, v),
                None => c.env_remove(key),
            };
        }
        c
    }

    /// The binary on a pseudo-terminal (24×120), for the questions it asks a person.
    pub fn pty(&self, url: &str, args: &[&str]) -> Session {
        let mut cmd = portable_pty::CommandBuilder::new(BIN);
        cmd.args(args);
        cmd.cwd(&self.dir);
        for (key, value) in self.env(url) {
            match value {
                Some(v) => cmd.env(key, v),
                None => cmd.env_remove(key),
            }
        }
        Session::launch(cmd, 24, 120)
    }

    /// Runs the binary to the end with no input (not a terminal).
    pub fn run(&self, url: &str, args: &[&str]) -> Run {
        self.run_input(url, args, "")
    }

    /// Runs the binary to the end with `stdin` (not a terminal).
    pub fn run_input(&self, url: &str, args: &[&str], stdin: &str) -> Run {
        run_command(self.command(url, args), stdin)
    }
}

/// Runs `command` to the end with `stdin` (not a terminal).
pub fn run_command(mut command: Command, stdin: &str) -> Run {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.as_bytes()).unwrap();
    drop(input);
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code(),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

impl Drop for World {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[derive(Debug)]
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

/// What one of a run's streams must hold.
#[derive(Debug, Clone, Copy)]
pub enum Out<'a> {
    /// Exactly this text.
    Is(&'a str),
    StartsWith(&'a str),
    EndsWith(&'a str),
    Has(&'a str),
    /// Not checked.
    Any,
}

impl<'a, T: AsRef<str> + ?Sized> From<&'a T> for Out<'a> {
    fn from(text: &'a T) -> Out<'a> {
        Out::Is(text.as_ref())
    }
}

impl Out<'_> {
    fn holds(self, text: &str) -> bool {
        match self {
            Out::Is(t) => text == t,
            Out::StartsWith(t) => text.starts_with(t),
            Out::EndsWith(t) => text.ends_with(t),
            Out::Has(t) => text.contains(t),
            Out::Any => true,
        }
    }
}

impl Run {
    /// The run ended with `code`, its stdout and stderr as told; the whole run is shown
    /// when not.
    #[track_caller]
    pub fn expect<'a>(
        &self,
        code: i32,
        stdout: impl Into<Out<'a>>,
        stderr: impl Into<Out<'a>>,
    ) -> &Run {
        let (stdout, stderr) = (stdout.into(), stderr.into());
        if let (Out::Is(out), Out::Is(err)) = (stdout, stderr) {
            // The three at once, so a failure shows the difference.
            assert_eq!(
                (self.code, self.stdout.as_str(), self.stderr.as_str()),
                (Some(code), out, err)
            );
        }
        self.code(code);
        assert!(
            stdout.holds(&self.stdout),
            "stdout is not {stdout:?}: {self:?}"
        );
        assert!(
            stderr.holds(&self.stderr),
            "stderr is not {stderr:?}: {self:?}"
        );
        self
    }

    /// The run ended with `code`.
    #[track_caller]
    pub fn code(&self, code: i32) -> &Run {
        assert_eq!(self.code, Some(code), "{self:?}");
        self
    }

    /// Stderr holds `part`.
    #[track_caller]
    pub fn err_has(&self, part: &str) -> &Run {
        holds("stderr", &self.stderr, part);
        self
    }

    /// Stdout holds `part`.
    #[track_caller]
    pub fn out_has(&self, part: &str) -> &Run {
        holds("stdout", &self.stdout, part);
        self
    }
}

#[track_caller]
fn holds(name: &str, text: &str, part: &str) {
    assert!(text.contains(part), "{part:?} not in {name}:\n{text}");
}

/// JSON lines, parsed.
pub fn json_lines(text: &str) -> Vec<Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l:?}")))
        .collect()
}

/// A report's `line status` pairs, e.g. `1 updated, 2 failed`.
pub fn statuses(lines: &[Value]) -> String {
    let pairs: Vec<String> = lines
        .iter()
        .map(|v| format!("{} {}", v["line"], v["status"].as_str().unwrap()))
        .collect();
    pairs.join(", ")
}

/// A wiremock answer to `verb` on `at`: `status`, with `body` as JSON when given.
pub fn answer(verb: &str, at: &str, status: u16, body: Option<Value>) -> Mock {
    reply(given(verb, at), status, body)
}

/// The requests with `verb` on `at`, to narrow further.
pub fn given(verb: &str, at: &str) -> MockBuilder {
    Mock::given(method(verb)).and(path(at))
}

/// What `requests` are answered with: `status`, with `body` as JSON when given.
pub fn reply(requests: MockBuilder, status: u16, body: Option<Value>) -> Mock {
    let mut template = ResponseTemplate::new(status);
    if let Some(body) = body {
        template = template.set_body_json(body);
    }
    requests.respond_with(template)
}

/// `(method, path, body)` of the API requests, in arrival order.
pub fn log(demo: &DemoServer) -> Vec<(String, String, String)> {
    demo.requests()
        .into_iter()
        .map(|RecordedRequest { method, path, body }| (method, path, body))
        .collect()
}

/// `(path, body)` of the PUTs, in arrival order.
pub fn puts(demo: &DemoServer) -> Vec<(String, String)> {
    puts_since(demo, 0)
}

/// `(path, body)` of the PUTs after the first `before` requests, in arrival order.
pub fn puts_since(demo: &DemoServer, before: usize) -> Vec<(String, String)> {
    demo.requests()[before..]
        .iter()
        .filter(|q| q.method == "PUT")
        .map(|q| (q.path.clone(), q.body.clone()))
        .collect()
}

pub fn at(id: u64) -> String {
    format!("{CONTACTS}/{id}")
}

/// `sent` (path and body of each request) is `expected`: contact ids and bodies.
#[track_caller]
pub fn assert_sent(sent: Vec<(String, String)>, expected: &[(u64, &str)]) {
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(id, body)| (at(*id), body.to_string()))
        .collect();
    assert_eq!(sent, expected);
}

/// `items`, sorted.
pub fn sorted<T: Ord>(mut items: Vec<T>) -> Vec<T> {
    items.sort();
    items
}
