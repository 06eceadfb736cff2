//! The real binary in a pseudo-terminal: start it, read what it draws (through a
//! terminal emulator), type into it, wait for what it shows.
#![allow(dead_code)]

use linq_contact::demo::DemoServer;
use linq_contact::drafts::Draft;
use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

pub const DOWN: &str = "\x1b[B";
pub const CTRL_U: &str = "\x15";
pub const CTRL_S: &str = "\x13";
pub const CTRL_Q: &str = "\x11";
pub const CTRL_L: &str = "\x0c";
pub const ENTER: &str = "\r";
pub const ESC: &str = "\x1b";
pub const F12: &str = "\x1b[24~";

/// A running editor and what it has drawn so far.
pub struct Session {
    /// What the terminal shows; the condition is signalled after every chunk of output
    /// (for [`Session::wait_drawn`]).
    screen: Arc<(Mutex<vt100::Parser>, Condvar)>,
    /// Every byte the program wrote to the terminal.
    raw: Arc<Mutex<Vec<u8>>>,
    /// Ends once the program's side of the terminal is closed and everything it wrote
    /// has been read.
    reader: Option<std::thread::JoinHandle<()>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
    /// Kept for the terminal's line settings, which outlive the program.
    master: Box<dyn portable_pty::MasterPty + Send>,
}

impl Session {
    /// The editor with `args`, on a 24×80 terminal, with no token, API or config of the
    /// machine's own; `env` sets what the test needs.
    pub fn start(args: &[&str], env: &[(&str, &str)]) -> Session {
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_linq-contact"));
        cmd.args(args);
        cmd.env_remove("LINQ_INTEGRATION_TOKEN");
        cmd.env_remove("LINQ_API_URL");
        // No profile from the shell, and no desktop keyring to find a token in.
        cmd.env_remove("LINQ_PROFILE");
        cmd.env_remove("DBUS_SESSION_BUS_ADDRESS");
        // The machine's own config file must not change what the tests see.
        cmd.env("LINQ_CONTACT_CONFIG", "/dev/null");
        cmd.env(
            "XDG_STATE_HOME",
            std::env::temp_dir().join(format!("lc-pty-{}-default", std::process::id())),
        );
        for (k, v) in env {
            cmd.env(k, v);
        }
        Session::launch(cmd, 24, 80)
    }

    /// Runs `cmd` on a `rows`×`cols` pseudo-terminal.
    pub fn launch(mut cmd: CommandBuilder, rows: u16, cols: u16) -> Session {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        cmd.env("TERM", "xterm-256color");
        let child = pty.slave.spawn_command(cmd).unwrap();
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().unwrap();
        let writer = pty.master.take_writer().unwrap();
        let screen = Arc::new((
            Mutex::new(vt100::Parser::new(rows, cols, 0)),
            Condvar::new(),
        ));
        let sink = Arc::clone(&screen);
        let raw = Arc::new(Mutex::new(Vec::new()));
        let raw_sink = Arc::clone(&raw);
        let reader = std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                raw_sink.lock().unwrap().extend_from_slice(&buf[..n]);
                let (parser, drawn) = &*sink;
                parser.lock().unwrap().process(&buf[..n]);
                drawn.notify_all();
            }
        });
        Session {
            screen,
            raw,
            reader: Some(reader),
            writer,
            child,
            master: pty.master,
        }
    }

    /// Everything the program wrote, escape sequences included.
    pub fn raw(&self) -> String {
        String::from_utf8_lossy(&self.raw.lock().unwrap()).into_owned()
    }

    /// Every byte the program wrote, as written.
    pub fn raw_bytes(&self) -> Vec<u8> {
        self.raw.lock().unwrap().clone()
    }

    /// Waits until the screen no longer shows `text`; the deadline bounds a failing run.
    pub fn wait_gone(&self, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if !self.contents().contains(text) {
                return;
            }
            std::thread::sleep(Duration::from_millis(30));
        }
        panic!("screen still shows {text:?}:\n{}", self.contents());
    }

    pub fn contents(&self) -> String {
        self.screen.0.lock().unwrap().screen().contents()
    }

    /// Waits until the screen shows `text`; the deadline only bounds a failing run.
    pub fn wait_for(&self, text: &str) {
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

    /// [`Session::wait_for`], but woken by each chunk of output rather than looking every
    /// 30 ms, so it returns as soon as `text` is drawn: for the benchmarks that time it.
    pub fn wait_drawn(&self, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        let (parser, drawn) = &*self.screen;
        let mut parser = parser.lock().unwrap();
        while !parser.screen().contents().contains(text) {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                drop(parser);
                panic!(
                    "screen never showed {text:?}; it shows:\n{}",
                    self.contents()
                );
            }
            parser = drawn.wait_timeout(parser, left).unwrap().0;
        }
    }

    /// Writes `bytes` into the emulator as if another program had printed them on the
    /// terminal behind the editor's back (a `write` or `wall` message): only a full
    /// repaint removes them.
    pub fn scribble(&self, bytes: &str) {
        self.screen.0.lock().unwrap().process(bytes.as_bytes());
    }

    /// Whether the alternate screen is showing: the editor's while it runs, the
    /// shell's once the terminal is restored.
    pub fn on_alternate_screen(&self) -> bool {
        self.screen.0.lock().unwrap().screen().alternate_screen()
    }

    /// Whether the terminal still hides the cursor or expects bracketed paste, the
    /// other modes the editor turns on.
    pub fn cursor_hidden_or_paste_on(&self) -> bool {
        let parser = self.screen.0.lock().unwrap();
        parser.screen().hide_cursor() || parser.screen().bracketed_paste()
    }

    /// Whether the terminal's line discipline is cooked: lines are edited by the
    /// terminal (ICANON) and typing is echoed (ECHO), as a shell expects. Raw mode turns
    /// both off; the flags stay as the program left them after it exits.
    pub fn line_mode_cooked(&self) -> bool {
        let termios = self
            .master
            .get_termios()
            .expect("a pseudo-terminal has line settings");
        // The flags' names, as their Debug output lists them ("A | B | C").
        let flags = format!("{:?}", termios.local_flags);
        let inner = flags
            .split_once('(')
            .and_then(|(_, rest)| rest.strip_suffix(')'))
            .unwrap_or(&flags);
        let set: Vec<&str> = inner.split(" | ").map(str::trim).collect();
        set.contains(&"ICANON") && set.contains(&"ECHO")
    }

    pub fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    pub fn pid(&self) -> u32 {
        self.child.process_id().unwrap()
    }

    pub fn wait_exit(&mut self) -> u32 {
        self.wait_exit_within(Duration::from_secs(20))
    }

    /// Waits for the program to end, then checks its exit code and that the screen
    /// shows `text`.
    #[track_caller]
    pub fn exits_showing(&mut self, code: u32, text: &str) {
        let status = self.wait_exit();
        let screen = self.contents();
        assert_eq!(status, code, "{screen}");
        assert!(screen.contains(text), "{text:?} not on:\n{screen}");
    }

    /// Waits for the program to end; `within` only bounds a failing run.
    pub fn wait_exit_within(&mut self, within: Duration) -> u32 {
        let deadline = Instant::now() + within;
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().unwrap() {
                // What the program printed last (e.g. on stderr) must be on screen too.
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

/// Waits until `check` holds, e.g. until the demo's request log shows a request; the
/// deadline only bounds a failing run, and `what` names the wait in its failure.
pub fn wait_until(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if check() {
            return;
        }
        std::thread::sleep(Duration::from_millis(30));
    }
    panic!("never happened: {what}");
}

/// A fresh state directory, so drafts and logs of one test never meet another's.
pub fn state_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("lc-pty-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub fn editor(server: &DemoServer, state: &Path, id: u64) -> Session {
    editor_at(
        &server.url(),
        server.token(),
        state,
        &[&id.to_string()],
        &[],
    )
}

/// The editor with `args` against the API at `url`, sending `token`, its state under
/// `state`; `extra` adds to its environment.
pub fn editor_at(
    url: &str,
    token: &str,
    state: &Path,
    args: &[&str],
    extra: &[(&str, &str)],
) -> Session {
    let state = state.to_str().unwrap();
    let mut env = vec![
        ("LINQ_API_URL", url),
        ("LINQ_INTEGRATION_TOKEN", token),
        ("XDG_STATE_HOME", state),
    ];
    env.extend_from_slice(extra);
    Session::start(args, &env)
}

/// A fresh demo API and the editor on its first contact, loaded; `name` names the
/// state directory.
pub async fn on_first_contact(name: &str) -> (DemoServer, PathBuf, Session) {
    let server = DemoServer::start(0).await.unwrap();
    let id = server.first_id();
    let state = state_dir(name);
    let s = editor(&server, &state, id);
    s.wait_for(&format!("Loaded contact {id}"));
    (server, state, s)
}

/// Ctrl-S, the review, Enter, and the save's answer.
pub fn review_and_save(s: &mut Session) {
    s.send(CTRL_S);
    s.wait_for("Review: what will be sent");
    s.send(ENTER);
    s.wait_for("Saved at");
}

/// Quits with nothing unsaved: no question, exit code 0.
#[track_caller]
pub fn quit(s: &mut Session) {
    s.send(CTRL_Q);
    assert_eq!(s.wait_exit(), 0, "screen:\n{}", s.contents());
}

/// Quits with unsaved edits: the question, then yes.
#[track_caller]
pub fn discard_and_quit(s: &mut Session) {
    s.send(CTRL_Q);
    s.wait_for("Discard them and quit?");
    s.send("y");
    assert_eq!(s.wait_exit(), 0, "screen:\n{}", s.contents());
}

/// Sends the editor `signal` (`"-HUP"`, `"-TERM"`) as another process would.
pub fn signal(s: &Session, signal: &str) {
    let sent = std::process::Command::new("kill")
        .args([signal, &s.pid().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
}

/// The one draft file under `state`, after checking it is private.
pub fn the_draft(state: &Path) -> (PathBuf, Draft) {
    let dir = state.join("linq-contact/drafts");
    let files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("no drafts directory {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let mode = std::fs::metadata(&files[0]).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "a draft holds contact data: owner only");
    let draft = serde_json::from_slice(&std::fs::read(&files[0]).unwrap()).unwrap();
    (files[0].clone(), draft)
}

/// The editor's log under `state`.
pub fn log_of(state: &Path) -> String {
    std::fs::read_to_string(state.join("linq-contact/linq-contact.log")).unwrap()
}

/// Focus the Title field (6th) and replace its text.
pub fn set_title(s: &mut Session, title: &str) {
    set_field(s, 5, title);
}

/// Moves focus `down` fields and replaces that field's text with `text`.
pub fn set_field(s: &mut Session, down: usize, text: &str) {
    for _ in 0..down {
        s.send(DOWN);
    }
    s.send(CTRL_U);
    s.send(text);
    s.wait_for(text);
}
