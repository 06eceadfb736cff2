//! The event loop: terminal input, request results and signals become messages; the
//! app's effects become requests. The loop sleeps until something arrives: no redraw
//! while idle, and the spinner tick runs only while a request is in flight.

use crate::api::{ApiError, LinqClient};
use crate::app::{App, AppOptions, Effect, Msg};
use crate::terminal::TerminalGuard;
use crate::ui;
use crossterm::event::{Event, EventStream, KeyEventKind};
use futures::StreamExt;
use std::io;
use std::time::Duration;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc;

const SPINNER_STEP: Duration = Duration::from_millis(100);

/// How the editor ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// The user quit.
    Quit,
    /// A signal (hang-up, terminate, interrupt) ended the session.
    Signal(&'static str),
}

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("terminal error: {0}")]
    Terminal(#[from] io::Error),
    #[error("{0}")]
    Api(#[from] ApiError),
}

/// Terminal events the app cares about; everything else does not wake a redraw.
fn to_msg(event: Event) -> Option<Msg> {
    match event {
        Event::Key(k) if k.kind != KeyEventKind::Release => Some(Msg::Key(k)),
        Event::Paste(text) => Some(Msg::Paste(text)),
        Event::Resize(w, h) => Some(Msg::Resize(w, h)),
        _ => None,
    }
}

fn perform(client: &LinqClient, tx: &mpsc::UnboundedSender<Msg>, effect: Effect) {
    let client = client.clone();
    let tx = tx.clone();
    match effect {
        Effect::Load { generation, id } => {
            tokio::spawn(async move {
                let result = client.get_contact(id).await;
                let _ = tx.send(Msg::Loaded { generation, result });
            });
        }
        Effect::Save {
            generation,
            id,
            patch,
        } => {
            tokio::spawn(async move {
                let result = client.update_contact(id, &patch).await;
                let _ = tx.send(Msg::Saved { generation, result });
            });
        }
        // Handled by the loop, which owns the terminal.
        Effect::ClearScreen | Effect::Quit => {}
    }
}

/// Runs the editor on contact `id` until the user quits or a signal arrives.
pub async fn run(client: LinqClient, options: AppOptions, id: u64) -> Result<Exit, RunError> {
    let mut hangup = signal(SignalKind::hangup())?;
    let mut terminate = signal(SignalKind::terminate())?;
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut guard = TerminalGuard::enter()?;
    let terminal = &mut guard.terminal;
    let (tx, mut rx) = mpsc::unbounded_channel();
    let (mut app, effects) = App::new(options, id);
    for e in effects {
        perform(&client, &tx, e);
    }
    let mut events = EventStream::new();
    let mut spinner = tokio::time::interval(SPINNER_STEP);
    spinner.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    terminal.draw(|f| ui::draw(&app, f))?;
    loop {
        let msg = tokio::select! {
            event = events.next() => match event {
                Some(Ok(event)) => to_msg(event),
                Some(Err(e)) => return Err(e.into()),
                None => return Ok(Exit::Quit),
            },
            Some(msg) = rx.recv() => Some(msg),
            _ = spinner.tick(), if app.is_busy() => Some(Msg::Tick),
            _ = hangup.recv() => return Ok(Exit::Signal("hang-up")),
            _ = terminate.recv() => return Ok(Exit::Signal("terminate")),
            _ = interrupt.recv() => return Ok(Exit::Signal("interrupt")),
        };
        let Some(msg) = msg else { continue };
        for effect in app.update(msg) {
            match effect {
                Effect::Quit => return Ok(Exit::Quit),
                Effect::ClearScreen => terminal.clear()?,
                other => perform(&client, &tx, other),
            }
        }
        terminal.draw(|f| ui::draw(&app, f))?;
    }
}
