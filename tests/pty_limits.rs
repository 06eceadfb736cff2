//! End to end under hostile surroundings: the real binary in a pseudo-terminal, with a
//! log that cannot be written and token commands that leave processes behind.

use linq_contact::demo::DemoServer;
use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const CTRL_Q: &str = "\x11";
const F1: &str = "\x1bOP";
const ESC: &str = "\x1b";
/// Only the help overlay says this.
const IN_HELP: &str = "readline editing";

/// A running editor and what it has drawn so far.
struct Session {
    screen: Arc<Mutex<vt100::Parser>>,
    /// Every byte the program wrote to the terminal.
    raw: Arc<Mutex<Vec<u8>>>,
    /// Ends once the program's side of the terminal is closed and everything it wrote
    /// has been read.
    reader: Option<std::thread::JoinHandle<()>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
}

impl Session {
    fn start(args: &[&str], env: &[(&str, &str)]) -> Session {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows: 24,
                cols: 80,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_linq-contact"));
        cmd.args(args);
        cmd.env("TERM", "xterm-256color");
        cmd.env_remove("LINQ_INTEGRATION_TOKEN");
        cmd.env_remove("LINQ_API_URL");
        cmd.env("LINQ_CONTACT_CONFIG", "/dev/null");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = pty.slave.spawn_command(cmd).unwrap();
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().unwrap();
        let writer = pty.master.take_writer().unwrap();
        let screen = Arc::new(Mutex::new(vt100::Parser::new(24, 80, 0)));
        let sink = Arc::clone(&screen);
        let raw = Arc::new(Mutex::new(Vec::new()));
        let raw_sink = Arc::clone(&raw);
        let reader = std::thread::spawn(move || {
            let _master = pty.master;
            let mut buf = [0u8; 4096];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().process(&buf[..n]);
                raw_sink.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        Session {
            screen,
            raw,
            reader: Some(reader),
            writer,
            child,
        }
    }

    fn raw(&self) -> String {
        String::from_utf8_lossy(&self.raw.lock().unwrap()).into_owned()
    }

    fn contents(&self) -> String {
        self.screen.lock().unwrap().screen().contents()
    }

    /// Waits until the screen shows `text`; the deadline only bounds a failing run.
    fn wait_for(&self, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if self.contents().contains(text) {
                return;
            }
            std::thread::sleep(Duration::from_millis(30));
        }
        panic!(
            "screen never showed {text:?}; it shows:\n{}",
            self.contents()
        );
    }

    /// Waits until the screen no longer shows `text`; the deadline bounds a failing run.
    fn wait_gone(&self, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if !self.contents().contains(text) {
                return;
            }
            std::thread::sleep(Duration::from_millis(30));
        }
        panic!("screen still shows {text:?}:\n{}", self.contents());
    }

    fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    /// Waits for the program to end; `within` only bounds a failing run.
    fn wait_exit(&mut self, within: Duration) -> u32 {
        let deadline = Instant::now() + within;
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().unwrap() {
                if let Some(reader) = self.reader.take() {
                    reader.join().unwrap();
                }
                return status.exit_code();
            }
            std::thread::sleep(Duration::from_millis(30));
        }
        let _ = self.child.kill();
        panic!("the editor did not exit; screen:\n{}", self.contents());
    }
}

/// A fresh directory for one test.
fn fresh_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("lc-pty-limits-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_log_on_a_full_disk_never_reaches_the_screen() {
    let server = DemoServer::start(0).await.unwrap();
    let id = server.first_id();
    let state = fresh_dir("full-disk");
    std::fs::create_dir_all(state.join("linq-contact")).unwrap();
    // Every write to the log fails with "No space left on device".
    std::os::unix::fs::symlink("/dev/full", state.join("linq-contact/linq-contact.log")).unwrap();
    let url = server.url();
    let mut session = Session::start(
        &[&id.to_string()],
        &[
            ("LINQ_API_URL", &url),
            ("LINQ_INTEGRATION_TOKEN", server.token()),
            ("XDG_STATE_HOME", s(&state)),
        ],
    );
    session.wait_for(&format!("Loaded contact {id}"));
    session.wait_for("The log cannot be written");
    let text = session.contents();
    assert!(text.contains("No space left on device"), "{text}");
    // Open and close help: the editor has handled events since the log failed.
    session.send(F1);
    session.wait_for(IN_HELP);
    session.send(ESC);
    session.wait_gone(IN_HELP);
    // A complaint written behind the editor's back would be partly painted over on the
    // screen, so look for it in everything the program wrote.
    let raw = session.raw();
    assert!(!raw.contains("tracing"), "{raw}");
    assert!(!raw.contains("Unable to write"), "{raw}");
    session.send(CTRL_Q);
    assert_eq!(session.wait_exit(Duration::from_secs(20)), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_state_directory_that_cannot_be_made_is_said_in_the_status_pane() {
    let server = DemoServer::start(0).await.unwrap();
    let id = server.first_id();
    let dir = fresh_dir("no-state-dir");
    // A file where the state directory should be: no log, even for root.
    let not_a_dir = dir.join("state");
    std::fs::write(&not_a_dir, "").unwrap();
    let url = server.url();
    let mut session = Session::start(
        &[&id.to_string()],
        &[
            ("LINQ_API_URL", &url),
            ("LINQ_INTEGRATION_TOKEN", server.token()),
            ("XDG_STATE_HOME", s(&not_a_dir)),
        ],
    );
    session.wait_for(&format!("Loaded contact {id}"));
    session.wait_for("The log cannot be written");
    session.send(CTRL_Q);
    assert_eq!(session.wait_exit(Duration::from_secs(20)), 0);
}

/// A config file (mode 0600) naming `token_command`.
fn config_with(name: &str, token_command: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let dir = fresh_dir(name);
    let path = dir.join("config.toml");
    std::fs::write(
        &path,
        format!("token_command = {}\n", toml_string(token_command)),
    )
    .unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    path
}

fn toml_string(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_command_that_leaves_a_process_behind_does_not_hold_the_editor() {
    let server = DemoServer::start(0).await.unwrap();
    let id = server.first_id();
    let config = config_with(
        "token-bg",
        &format!("sleep 1000 & printf {}", server.token()),
    );
    let state = fresh_dir("token-bg-state");
    let url = server.url();
    let mut session = Session::start(
        &[&id.to_string()],
        &[
            ("LINQ_API_URL", &url),
            ("LINQ_CONTACT_CONFIG", s(&config)),
            ("XDG_STATE_HOME", s(&state)),
        ],
    );
    session.wait_for(&format!("Loaded contact {id}"));
    session.send(CTRL_Q);
    assert_eq!(session.wait_exit(Duration::from_secs(20)), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_command_whose_output_never_ends_stops_at_the_limit() {
    let config = config_with("token-limit", "sleep 1000 & exit 0");
    let state = fresh_dir("token-limit-state");
    let mut session = Session::start(
        &["42"],
        &[
            ("LINQ_API_URL", "http://127.0.0.1:9"),
            ("LINQ_CONTACT_CONFIG", s(&config)),
            ("XDG_STATE_HOME", s(&state)),
        ],
    );
    // The limit is 10 s; the deadline only bounds a run that never ends.
    assert_eq!(session.wait_exit(Duration::from_secs(40)), 2);
    let text = session.contents();
    assert!(
        text.contains("token_command printed nothing within 10 s"),
        "{text}"
    );
}
