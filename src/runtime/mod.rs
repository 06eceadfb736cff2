//! The event loop: terminal input (converted at the edge, `input.rs`), request results
//! and signals become messages; the app's effects become requests. The loop sleeps until something arrives: no redraw
//! while idle, and the spinner tick runs only while a request is in flight.

mod effects;
mod input;

pub use effects::EffectRunner;

use crate::api::retry::Backoff;
use crate::api::{ApiError, LinqClient};
use crate::app::{App, AppOptions, Effect, Msg};
use crate::drafts::{Draft, DraftStore};
use crate::target::Target;
use crate::terminal::TerminalGuard;
use crate::ui;
use crossterm::event::{Event, EventStream};
use futures::{Stream, StreamExt};
use ratatui::Terminal;
use ratatui::backend::Backend;
use std::io;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, Once};
use std::time::Duration;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc;

const SPINNER_STEP: Duration = Duration::from_millis(100);

/// How the editor ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exit {
    /// The user quit.
    Quit,
    /// A signal (hang-up, terminate, interrupt) ended the session; unsent edits, if any,
    /// were written to the returned draft file.
    Signal {
        name: &'static str,
        draft: Option<Result<PathBuf, String>>,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("terminal error: {0}")]
    Terminal(#[from] io::Error),
    #[error("{0}")]
    Api(#[from] ApiError),
}

/// Everything the loop needs besides the app.
#[derive(Debug)]
pub struct Session {
    pub client: LinqClient,
    pub options: AppOptions,
    pub target: Target,
    /// Which server drafts and recents belong to: the base URL, or a fixed name for the
    /// demo, whose port changes on every run.
    pub server_key: String,
    /// Where drafts go; `None` when there is no state directory.
    pub drafts: Option<DraftStore>,
    /// Where the recently opened list lives; `None` keeps it in memory only.
    pub recent_path: Option<PathBuf>,
    /// Where each save's changes are recorded; `None`: nowhere.
    pub journal: Option<crate::journal::Journal>,
    /// Where the organisation's index is kept; `None` keeps it in memory only.
    pub index_file: Option<PathBuf>,
    pub backoff: Backoff,
    /// Capture the mouse (off by default, so text stays selectable).
    pub mouse: bool,
}

/// The latest unsent edits, for the panic hook: a panic cannot reach the loop's state.
static EMERGENCY_DRAFT: Mutex<Option<(DraftStore, Draft)>> = Mutex::new(None);

fn install_panic_draft_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            // try_lock: the panic may have happened while the slot was being updated.
            if let Ok(mut slot) = EMERGENCY_DRAFT.try_lock()
                && let Some((store, mut draft)) = slot.take()
            {
                draft.saved_at = now();
                let _ = store.save(&draft);
            }
            previous(info);
        }));
    });
}

fn now() -> String {
    chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

/// Runs the editor in the real terminal until the user quits or a signal arrives. The
/// contact's request goes out before the terminal is set up, so the two overlap.
pub async fn run(session: Session) -> Result<Exit, RunError> {
    let mut hangup = signal(SignalKind::hangup())?;
    let mut terminate = signal(SignalKind::terminate())?;
    let mut interrupt = signal(SignalKind::interrupt())?;
    let signals = Box::pin(async_stream_of_signals(
        &mut hangup,
        &mut terminate,
        &mut interrupt,
    ));
    let mut opened = Opened::new(Arc::new(session));
    let mut guard = match TerminalGuard::enter(opened.session.mouse) {
        Ok(guard) => guard,
        Err(e) => {
            opened.runner.abort_all();
            return Err(e.into());
        }
    };
    install_panic_draft_hook();
    drive(
        &mut guard.terminal,
        EventStream::new(),
        signals,
        opened,
        |_| {},
    )
    .await
}

/// The three signals that end a session, as one stream of their names.
fn async_stream_of_signals<'a>(
    hangup: &'a mut tokio::signal::unix::Signal,
    terminate: &'a mut tokio::signal::unix::Signal,
    interrupt: &'a mut tokio::signal::unix::Signal,
) -> impl Stream<Item = &'static str> + 'a {
    futures::stream::unfold((hangup, terminate, interrupt), |(h, t, i)| async move {
        let name = tokio::select! {
            _ = h.recv() => "hang-up",
            _ = t.recv() => "terminate",
            _ = i.recv() => "interrupt",
        };
        Some((name, (h, t, i)))
    })
}

/// The app opened, its first requests already sent, and nothing drawn yet: what needs
/// no terminal.
pub struct Opened {
    app: App,
    runner: EffectRunner,
    rx: mpsc::UnboundedReceiver<Msg>,
    session: Arc<Session>,
}

impl From<Arc<Session>> for Opened {
    fn from(session: Arc<Session>) -> Self {
        Self::new(session)
    }
}

impl Opened {
    fn new(session: Arc<Session>) -> Self {
        let (tx, rx) = mpsc::unbounded_channel();
        let (app, effects) = App::open(session.options.clone(), session.target.clone());
        let mut runner = EffectRunner::new(session.clone(), tx);
        for e in effects {
            runner.perform(e);
        }
        // Read while the request is on its way.
        let recent = session
            .recent_path
            .as_deref()
            .map(crate::recent::load)
            .unwrap_or_default();
        Self {
            app: app.with_recent(recent),
            runner,
            rx,
            session,
        }
    }
}

/// The event loop, over any backend and any stream of terminal events: the real
/// terminal in [`run`], a `TestBackend` and a channel in tests. `opened`: the session
/// (its app is opened here), or an app already opened with its first requests on their
/// way (as [`run`] does before it sets the terminal up). `signals` yields the name of a
/// signal that ends the session (hang-up, terminate, interrupt). `observe` sees the app
/// after every message (tests keep a copy; the editor passes nothing).
pub async fn drive<B, E, S>(
    terminal: &mut Terminal<B>,
    mut events: E,
    mut signals: S,
    opened: impl Into<Opened>,
    mut observe: impl FnMut(&App),
) -> Result<Exit, RunError>
where
    B: Backend,
    B::Error: Into<io::Error>,
    E: Stream<Item = io::Result<Event>> + Unpin,
    S: Stream<Item = &'static str> + Unpin,
{
    let Opened {
        mut app,
        mut runner,
        mut rx,
        session,
    } = opened.into();
    let size = terminal.size().map_err(Into::into)?;
    app.update(Msg::Resize(size.width, size.height));
    note_log_failure(&mut app);
    let mut spinner = tokio::time::interval(SPINNER_STEP);
    spinner.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut drawn = ui::render(&mut app, terminal).map_err(Into::into)?;
    loop {
        let msg = tokio::select! {
            event = events.next() => match event {
                Some(Ok(event)) => {
                    input::crash_drill(&event);
                    input::to_msg(event, &app, &drawn)
                }
                Some(Err(e)) => {
                    runner.settle_journal().await;
                    return Err(e.into());
                }
                None => {
                    runner.settle_journal().await;
                    return Ok(Exit::Quit);
                }
            },
            Some(msg) = rx.recv() => {
                // Results carry the time they arrived, for "as of" in the status pane.
                app.observe_time(chrono::Local::now().format("%H:%M:%S").to_string());
                Some(msg)
            }
            _ = spinner.tick(), if app.is_busy() => Some(Msg::Tick),
            Some(name) = signals.next() => {
                runner.abort_all();
                runner.settle_journal().await;
                return Ok(signalled(name, &app, &session));
            }
        };
        let Some(msg) = msg else { continue };
        app.observe_now(crate::index::seconds(std::time::SystemTime::now()));
        let is_edit = !matches!(msg, Msg::Tick);
        for effect in app.update(msg) {
            match effect {
                Effect::Quit => {
                    runner.abort_all();
                    clear_emergency();
                    runner.settle_journal().await;
                    return Ok(Exit::Quit);
                }
                Effect::ClearScreen => repaint_all(terminal).map_err(Into::into)?,
                Effect::Copy(text) => copy_to_clipboard(&text),
                other => runner.perform(other),
            }
        }
        if is_edit {
            keep_emergency_draft(&app, &session);
        }
        observe(&app);
        note_log_failure(&mut app);
        drawn = ui::render(&mut app, terminal).map_err(Into::into)?;
    }
}

/// The log's writes fail silently; the status pane says so, once.
fn note_log_failure(app: &mut App) {
    if let Some(reason) = crate::logging::take_failure() {
        app.update(Msg::Notice(format!(
            "The log cannot be written ({reason}); the editor carries on without it."
        )));
    }
}

/// Ctrl-L: clear the screen and draw every cell again. `Terminal::clear` asks the
/// terminal where the cursor is and fails when no answer comes (a terminal or multiplexer
/// that ignores the query), which would end the session; this never asks anything. An
/// empty frame first makes the next draw's diff cover every cell that has content.
fn repaint_all<B: ratatui::backend::Backend>(
    terminal: &mut ratatui::Terminal<B>,
) -> Result<(), B::Error> {
    terminal
        .backend_mut()
        .clear_region(ratatui::backend::ClearType::All)?;
    terminal.draw(|_| {})?;
    Ok(())
}

/// OSC 52: the terminal puts the text on the user's clipboard, even over SSH. Terminals
/// that do not support it ignore the sequence.
fn copy_to_clipboard(text: &str) {
    use base64::Engine;
    use std::io::Write;
    let encoded = base64::engine::general_purpose::STANDARD.encode(text);
    let mut out = io::stdout();
    let _ = write!(out, "\x1b]52;c;{encoded}\x07");
    let _ = out.flush();
}

fn keep_emergency_draft(app: &App, session: &Session) {
    let Some(store) = &session.drafts else { return };
    // Stamped when written: no clock read on every keystroke.
    let draft = app.draft(&session.server_key, "");
    if let Ok(mut slot) = EMERGENCY_DRAFT.lock() {
        *slot = draft.map(|d| (store.clone(), d));
    }
}

fn clear_emergency() {
    if let Ok(mut slot) = EMERGENCY_DRAFT.lock() {
        *slot = None;
    }
}

/// The session ends without asking: keep the unsent edits for next time.
fn signalled(name: &'static str, app: &App, session: &Session) -> Exit {
    clear_emergency();
    let draft = app
        .draft(&session.server_key, &now())
        .map(|d| match &session.drafts {
            Some(store) => store.save(&d).map_err(|e| e.to_string()),
            None => Err("no state directory (set XDG_STATE_HOME or HOME)".into()),
        });
    Exit::Signal { name, draft }
}
