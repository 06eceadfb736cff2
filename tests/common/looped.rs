//! The real event loop (`runtime::drive`) in a test: a `TestBackend` the test can read
//! while the loop draws into it, and a channel of terminal events standing in for the
//! keyboard. Effects are performed by the runtime's own effect runner against a real
//! server on loopback; nothing here re-implements them.
#![allow(dead_code)]

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use linq_contact::api::LinqClient;
use linq_contact::api::retry::Backoff;
use linq_contact::app::{App, AppOptions};
use linq_contact::demo::DemoServer;
use linq_contact::runtime::{Exit, RunError, Session, drive};
use linq_contact::secret::Token;
use linq_contact::target::Target;
use ratatui::Terminal;
use ratatui::backend::{Backend, ClearType, TestBackend, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};
use std::io;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// A `TestBackend` behind a lock, so the test reads what the loop draws.
#[derive(Clone)]
pub struct SharedBackend(pub Arc<Mutex<TestBackend>>);

impl SharedBackend {
    fn with<T>(&self, f: impl FnOnce(&mut TestBackend) -> T) -> T {
        f(&mut self.0.lock().unwrap())
    }
}

fn ok<T>(r: Result<T, std::convert::Infallible>) -> io::Result<T> {
    r.map_err(|e| match e {})
}

impl Backend for SharedBackend {
    type Error = io::Error;
    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        self.with(|b| ok(b.draw(content)))
    }
    fn hide_cursor(&mut self) -> io::Result<()> {
        self.with(|b| ok(b.hide_cursor()))
    }
    fn show_cursor(&mut self) -> io::Result<()> {
        self.with(|b| ok(b.show_cursor()))
    }
    fn get_cursor_position(&mut self) -> io::Result<Position> {
        self.with(|b| ok(b.get_cursor_position()))
    }
    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        let p = position.into();
        self.with(|b| ok(b.set_cursor_position(p)))
    }
    fn clear(&mut self) -> io::Result<()> {
        self.with(|b| ok(b.clear()))
    }
    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        self.with(|b| ok(b.clear_region(clear_type)))
    }
    fn size(&self) -> io::Result<Size> {
        self.with(|b| ok(b.size()))
    }
    fn window_size(&mut self) -> io::Result<WindowSize> {
        self.with(|b| ok(b.window_size()))
    }
    fn flush(&mut self) -> io::Result<()> {
        self.with(|b| ok(b.flush()))
    }
}

/// A session against `url` with nothing on disk (no drafts, recents or journal) and
/// quick retries; tests change what they need.
pub fn session(url: &str, token: &str, target: Target) -> Session {
    let client = LinqClient::new(url, Token::new(token), Duration::from_secs(10)).unwrap();
    Session {
        client,
        options: AppOptions {
            api_label: "demo".into(),
            api_url: url.into(),
            ..AppOptions::default()
        },
        target,
        server_key: url.into(),
        drafts: None,
        recent_path: None,
        journal: None,
        index_file: None,
        backoff: Backoff {
            max_attempts: 2,
            base: Duration::from_millis(50),
            cap: Duration::from_millis(100),
        },
        mouse: false,
    }
}

/// The editor's loop running against `url`, with keys fed through a channel.
pub struct Looped {
    screen: SharedBackend,
    /// The app as of the last message the loop handled.
    app: Arc<Mutex<Option<App>>>,
    keys: mpsc::UnboundedSender<io::Result<Event>>,
    task: tokio::task::JoinHandle<Result<Exit, RunError>>,
}

impl Looped {
    pub fn start(url: &str, token: &str, target: Target) -> Looped {
        Self::run(session(url, token, target))
    }

    /// The loop on contact `id` of the demo API.
    pub fn demo(server: &DemoServer, id: u64) -> Looped {
        Self::start(&server.url(), server.token(), Target::Id(id))
    }

    /// [`Looped::demo`] on a `width`×`height` screen.
    pub fn demo_sized(server: &DemoServer, id: u64, width: u16, height: u16) -> Looped {
        let session = session(&server.url(), server.token(), Target::Id(id));
        Self::run_sized(session, width, height)
    }

    /// [`Looped::demo`], once contact `id` has loaded.
    pub async fn demo_loaded(server: &DemoServer, id: u64) -> Looped {
        let ui = Self::demo(server, id);
        ui.wait_for(&format!("Loaded contact {id}")).await;
        ui
    }

    /// [`Looped::demo_sized`], once contact `id` has loaded.
    pub async fn demo_sized_loaded(
        server: &DemoServer,
        id: u64,
        width: u16,
        height: u16,
    ) -> Looped {
        let ui = Self::demo_sized(server, id, width, height);
        ui.wait_for(&format!("Loaded contact {id}")).await;
        ui
    }

    pub fn run(session: Session) -> Looped {
        Self::run_sized(session, 100, 30)
    }

    /// [`Looped::run`] on a `width`×`height` screen.
    pub fn run_sized(session: Session, width: u16, height: u16) -> Looped {
        let screen = SharedBackend(Arc::new(Mutex::new(TestBackend::new(width, height))));
        let (keys, rx) = mpsc::unbounded_channel();
        let backend = screen.clone();
        let app: Arc<Mutex<Option<App>>> = Arc::default();
        let seen = Arc::clone(&app);
        let task = tokio::spawn(async move {
            let mut terminal = Terminal::new(backend)?;
            let events = tokio_stream_of(rx);
            drive(
                &mut terminal,
                events,
                futures::stream::pending(),
                Arc::new(session),
                move |app: &App| *seen.lock().unwrap() = Some(app.clone()),
            )
            .await
        });
        Looped {
            screen,
            app,
            keys,
            task,
        }
    }

    /// The app as the loop last left it.
    pub fn app(&self) -> App {
        self.app
            .lock()
            .unwrap()
            .clone()
            .expect("the loop has handled a message")
    }

    /// The app's screen drawn afresh at `width`×`height`, as a snapshot shows it
    /// (the live buffer is the sum of many incremental draws).
    pub fn screen(&self, width: u16, height: u16) -> String {
        let app = self.app();
        let mut t = Terminal::new(TestBackend::new(width, height)).unwrap();
        t.draw(|f| {
            linq_contact::ui::draw(&app, f);
        })
        .unwrap();
        t.backend().to_string()
    }

    pub fn contents(&self) -> String {
        self.screen.with(|b| b.to_string())
    }

    /// Waits until the screen shows `text`; the deadline only bounds a failing run.
    pub async fn wait_for(&self, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if self.contents().contains(text) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!(
            "screen never showed {text:?}; it shows:\n{}",
            self.contents()
        );
    }

    pub fn send(&self, code: KeyCode, modifiers: KeyModifiers) {
        let _ = self
            .keys
            .send(Ok(Event::Key(KeyEvent::new(code, modifiers))));
    }

    pub fn key(&self, code: KeyCode) {
        self.send(code, KeyModifiers::NONE);
    }

    pub fn ctrl(&self, c: char) {
        self.send(KeyCode::Char(c), KeyModifiers::CONTROL);
    }

    pub fn type_text(&self, text: &str) {
        for c in text.chars() {
            self.key(KeyCode::Char(c));
        }
    }

    pub fn paste(&self, text: &str) {
        let _ = self.keys.send(Ok(Event::Paste(text.into())));
    }

    /// Waits until `check` holds for the demo's request log (or anything else the test
    /// can observe); the deadline only bounds a failing run.
    pub async fn wait_until(&self, what: &str, check: impl Fn() -> bool) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if check() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!(
            "never happened: {what}; the screen shows:\n{}",
            self.contents()
        );
    }

    /// Ctrl-S, and once the review shows what will be sent, Enter.
    pub async fn send_reviewed(&self) {
        self.ctrl('s');
        self.wait_for("Review: what will be sent").await;
        self.key(KeyCode::Enter);
    }

    /// Ctrl-O, `what` typed into the open prompt, Enter.
    pub fn open(&self, what: &str) {
        self.ctrl('o');
        self.type_text(what);
        self.key(KeyCode::Enter);
    }

    /// Moves the focus down `n` fields, clears the field and types `text`.
    pub fn replace_field(&self, n: usize, text: &str) {
        for _ in 0..n {
            self.key(KeyCode::Down);
        }
        self.ctrl('u');
        self.type_text(text);
    }

    /// Ends the loop by closing the keyboard; returns how it ended.
    pub async fn finish(self) -> Exit {
        drop(self.keys);
        self.task.await.unwrap().unwrap()
    }
}

fn tokio_stream_of(
    mut rx: mpsc::UnboundedReceiver<io::Result<Event>>,
) -> impl futures::Stream<Item = io::Result<Event>> + Unpin {
    Box::pin(futures::stream::poll_fn(move |cx| rx.poll_recv(cx)))
}
