//! The event loop: terminal input, request results and signals become messages; the
//! app's effects become requests. The loop sleeps until something arrives: no redraw
//! while idle, and the spinner tick runs only while a request is in flight.

use crate::api::retry::Backoff;
use crate::api::{ApiError, LinqClient};
use crate::app::picker::PAGE_SIZE;
use crate::app::{App, AppOptions, Effect, Msg};
use crate::drafts::{Draft, DraftStore};
use crate::target::Target;
use crate::terminal::TerminalGuard;
use crate::ui;
use crossterm::event::{Event, EventStream, KeyEventKind};
use futures::StreamExt;
use std::collections::HashMap;
use std::io;
use std::path::PathBuf;
use std::sync::{Mutex, Once};
use std::time::Duration;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc;
use tokio::task::AbortHandle;

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

/// Terminal events the app cares about; everything else does not wake a redraw.
fn to_msg(event: Event, app: &App, size: ratatui::layout::Rect) -> Option<Msg> {
    use crossterm::event::{MouseButton, MouseEventKind};
    match event {
        Event::Key(k) if k.kind != KeyEventKind::Release => Some(Msg::Key(k)),
        Event::Paste(text) => Some(Msg::Paste(text)),
        Event::Resize(w, h) => Some(Msg::Resize(w, h)),
        Event::Mouse(m) => match m.kind {
            MouseEventKind::Down(MouseButton::Left) => {
                ui::hit(app, size, m.column, m.row).map(Msg::Click)
            }
            MouseEventKind::ScrollDown => Some(Msg::Scroll(3)),
            MouseEventKind::ScrollUp => Some(Msg::Scroll(-3)),
            _ => None,
        },
        _ => None,
    }
}

/// A read, tried again on transient failures with the status pane told about each wait.
async fn read_with_retry<T, F, Fut>(
    backoff: Backoff,
    generation: u64,
    tx: &mpsc::UnboundedSender<Msg>,
    read: F,
) -> Result<T, ApiError>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<T, ApiError>>,
{
    let mut failed = 0;
    loop {
        match read().await {
            Ok(c) => return Ok(c),
            Err(e) => {
                failed += 1;
                let Some(delay) = backoff.delay(failed, &e) else {
                    return Err(e);
                };
                // Counted down a second at a time so the status pane stays truthful.
                let reason = e.headline();
                let mut left = delay;
                while !left.is_zero() {
                    let _ = tx.send(Msg::Retrying {
                        generation,
                        attempt: failed + 1,
                        delay: left,
                        reason: reason.clone(),
                    });
                    let step = left.min(Duration::from_secs(1));
                    tokio::time::sleep(step).await;
                    left -= step;
                }
                let _ = tx.send(Msg::Retrying {
                    generation,
                    attempt: failed + 1,
                    delay: Duration::ZERO,
                    reason,
                });
            }
        }
    }
}

struct Effects<'a> {
    session: &'a Session,
    tx: mpsc::UnboundedSender<Msg>,
    tasks: HashMap<u64, AbortHandle>,
}

impl Effects<'_> {
    /// Runs `request` as a task that can be cancelled by its generation; its message
    /// goes back to the loop.
    fn spawn(&mut self, generation: u64, request: impl Future<Output = Msg> + Send + 'static) {
        let tx = self.tx.clone();
        let task = tokio::spawn(async move {
            let _ = tx.send(request.await);
        });
        self.tasks.insert(generation, task.abort_handle());
    }

    fn perform(&mut self, effect: Effect) {
        let client = self.session.client.clone();
        let tx = self.tx.clone();
        let backoff = self.session.backoff;
        self.tasks.retain(|_, t| !t.is_finished());
        match effect {
            Effect::Load { generation, id } => self.spawn(generation, async move {
                let result =
                    read_with_retry(backoff, generation, &tx, || client.get_contact(id)).await;
                Msg::Loaded { generation, result }
            }),
            Effect::Find {
                generation,
                email,
                phone,
            } => self.spawn(generation, async move {
                let result = read_with_retry(backoff, generation, &tx, || {
                    client.find_contact(email.as_deref(), phone.as_deref())
                })
                .await;
                Msg::Found { generation, result }
            }),
            Effect::ListPage { generation, page } => self.spawn(generation, async move {
                let result = read_with_retry(backoff, generation, &tx, || {
                    client.list_contacts(page, PAGE_SIZE)
                })
                .await;
                Msg::Page {
                    generation,
                    page,
                    result,
                }
            }),
            Effect::CheckDraft { id } => {
                let draft = self
                    .session
                    .drafts
                    .as_ref()
                    .and_then(|s| s.load(&self.session.server_key, id))
                    .map(Box::new);
                let _ = tx.send(Msg::DraftFound { id, draft });
            }
            Effect::SaveRecent(list) => {
                if let Some(path) = &self.session.recent_path {
                    let _ = crate::recent::save(path, &list);
                }
            }
            Effect::Save {
                generation,
                id,
                patch,
            } => self.spawn(generation, async move {
                let result = client.update_contact(id, &patch).await;
                Msg::Saved { generation, result }
            }),
            Effect::Cancel { generation } => {
                if let Some(task) = self.tasks.remove(&generation) {
                    task.abort();
                }
            }
            Effect::DeleteDraft { id } => {
                if let Some(store) = &self.session.drafts {
                    let _ = store.delete(&self.session.server_key, id);
                }
            }
            // Handled by the loop, which owns the terminal.
            Effect::ClearScreen | Effect::Quit | Effect::Copy(_) => {}
        }
    }
}

/// Runs the editor until the user quits or a signal arrives.
pub async fn run(session: Session) -> Result<Exit, RunError> {
    let mut hangup = signal(SignalKind::hangup())?;
    let mut terminate = signal(SignalKind::terminate())?;
    let mut interrupt = signal(SignalKind::interrupt())?;
    let recent = session
        .recent_path
        .as_deref()
        .map(crate::recent::load)
        .unwrap_or_default();
    let mut guard = TerminalGuard::enter(session.mouse)?;
    install_panic_draft_hook();
    let terminal = &mut guard.terminal;
    let (tx, mut rx) = mpsc::unbounded_channel();
    let (app, effects) = App::open(session.options.clone(), session.target.clone());
    let mut app = app.with_recent(recent);
    let size = terminal.size()?;
    app.update(Msg::Resize(size.width, size.height));
    let mut runner = Effects {
        session: &session,
        tx,
        tasks: HashMap::new(),
    };
    for e in effects {
        runner.perform(e);
    }
    note_log_failure(&mut app);
    let mut events = EventStream::new();
    let mut spinner = tokio::time::interval(SPINNER_STEP);
    spinner.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    terminal.draw(|f| ui::draw(&app, f))?;
    loop {
        let msg = tokio::select! {
            event = events.next() => match event {
                Some(Ok(event)) => {
                    let size = terminal.size()?;
                    to_msg(event, &app, ratatui::layout::Rect::new(0, 0, size.width, size.height))
                }
                Some(Err(e)) => return Err(e.into()),
                None => return Ok(Exit::Quit),
            },
            Some(msg) = rx.recv() => Some(msg),
            _ = spinner.tick(), if app.is_busy() => Some(Msg::Tick),
            _ = hangup.recv() => return Ok(signalled("hang-up", &app, &session)),
            _ = terminate.recv() => return Ok(signalled("terminate", &app, &session)),
            _ = interrupt.recv() => return Ok(signalled("interrupt", &app, &session)),
        };
        let Some(msg) = msg else { continue };
        let is_edit = !matches!(msg, Msg::Tick);
        for effect in app.update(msg) {
            match effect {
                Effect::Quit => {
                    clear_emergency();
                    return Ok(Exit::Quit);
                }
                Effect::ClearScreen => terminal.clear()?,
                Effect::Copy(text) => copy_to_clipboard(&text),
                other => runner.perform(other),
            }
        }
        if is_edit {
            keep_emergency_draft(&app, &session);
        }
        note_log_failure(&mut app);
        terminal.draw(|f| ui::draw(&app, f))?;
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
