//! The edge where the terminal's events come in: crossterm's events become messages, and
//! crossterm's keys the crate's own (`keymap::KeyEvent`), here and nowhere else. Alt and
//! Meta become one modifier here, once, for every binding and every line of text.

use crate::app::{App, Msg};
use crate::keymap::{KeyCode, KeyEvent, KeyModifiers};
use crate::ui;
use crossterm::event::{Event, KeyEventKind, MouseButton, MouseEventKind};

/// Terminal events the app cares about; everything else does not wake a redraw.
pub(super) fn to_msg(event: Event, app: &App, drawn: &ui::Drawn) -> Option<Msg> {
    match event {
        Event::Key(k) => key(&k).map(Msg::Key),
        Event::Paste(text) => Some(Msg::Paste(text)),
        Event::Resize(w, h) => Some(Msg::Resize(w, h)),
        Event::Mouse(m) => match m.kind {
            MouseEventKind::Down(MouseButton::Left) => {
                drawn.hit(app, m.column, m.row).map(Msg::Click)
            }
            MouseEventKind::ScrollDown => Some(Msg::Scroll(3)),
            MouseEventKind::ScrollUp => Some(Msg::Scroll(-3)),
            _ => None,
        },
        _ => None,
    }
}

/// The crate's key for a terminal's key event: `None` for a release, and for a key the
/// editor gives no meaning to (Caps Lock, media keys).
pub fn key(event: &crossterm::event::KeyEvent) -> Option<KeyEvent> {
    use crossterm::event::KeyModifiers as Term;
    if event.kind == KeyEventKind::Release {
        return None;
    }
    let code = KeyCode::try_from(event.code).ok()?;
    let modifiers = [
        (Term::SHIFT, KeyModifiers::SHIFT),
        (Term::CONTROL, KeyModifiers::CONTROL),
        (Term::ALT | Term::META, KeyModifiers::ALT),
        (Term::SUPER | Term::HYPER, KeyModifiers::SUPER),
    ]
    .into_iter()
    .filter(|(theirs, _)| event.modifiers.intersects(*theirs))
    .fold(KeyModifiers::NONE, |all, (_, ours)| all | ours);
    Some(KeyEvent::new(code, modifiers))
}

/// With `LINQ_CONTACT_CRASH_DRILL=1`, F12 panics on purpose: the end-to-end tests use it
/// to prove that a crash restores the terminal and keeps the unsent edits as a draft.
pub(super) fn crash_drill(event: &Event) {
    if let Event::Key(k) = event
        && k.code == crossterm::event::KeyCode::F(12)
        && std::env::var_os("LINQ_CONTACT_CRASH_DRILL").is_some_and(|v| v == "1")
    {
        panic!("crash drill (F12 with LINQ_CONTACT_CRASH_DRILL=1)");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyCode as TermCode, KeyEvent as TermEvent, KeyModifiers as Term};

    #[test]
    fn alt_and_meta_are_one_modifier_and_releases_stay_out() {
        let x = |m| key(&TermEvent::new(TermCode::Char('x'), m));
        let alt = Some(KeyEvent::new(KeyCode::Char('x'), KeyModifiers::ALT));
        assert_eq!(x(Term::ALT), alt);
        assert_eq!(x(Term::META), alt);
        assert_eq!(x(Term::ALT | Term::META), alt);
        assert_eq!(
            x(Term::CONTROL | Term::SHIFT),
            Some(KeyEvent::new(
                KeyCode::Char('x'),
                KeyModifiers::CONTROL | KeyModifiers::SHIFT
            ))
        );
        assert_eq!(
            x(Term::HYPER).map(|k| k.modifiers),
            Some(KeyModifiers::SUPER)
        );
        let mut release = TermEvent::new(TermCode::F(2), Term::NONE);
        release.kind = KeyEventKind::Release;
        assert_eq!(key(&release), None);
        release.kind = KeyEventKind::Repeat;
        assert_eq!(
            key(&release),
            Some(KeyEvent::new(KeyCode::F(2), KeyModifiers::NONE))
        );
        assert_eq!(key(&TermEvent::new(TermCode::CapsLock, Term::NONE)), None);
    }
}
