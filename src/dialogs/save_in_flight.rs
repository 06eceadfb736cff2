//! Leaving, reloading or quitting while a save is in flight: wait for its answer (the
//! default: any key but "leave now" waits), or go now and leave its outcome unknown.

use super::{Dialog, KeyContext, Outcome, Shape, View};
use crate::keymap::{Action, Hint, KeyEvent, Scope};
use crate::target::Target;
use ratatui::text::Line;

/// Where the user asked to go while a save was in flight: the dialog's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Departure {
    Open(Target),
    Reload,
    Quit,
}

impl Dialog for Departure {
    fn scope(&self) -> Scope {
        Scope::SaveInFlight
    }

    fn title(&self, _view: &View) -> String {
        "A save is in flight".into()
    }

    fn shape(&self, view: &View) -> Shape {
        let go = match self {
            Departure::Open(target) => format!("open {}", target.describe()),
            Departure::Reload => "reload".to_string(),
            Departure::Quit => "quit".to_string(),
        };
        Shape::Text(vec![Line::from(format!(
            "Contact {id}'s save has not been answered yet. Wait for it, or {go} now and \
             check contact {id} later (its outcome will be unknown)?",
            id = view.contact_id
        ))])
    }

    fn hints(&self, _view: &View) -> Vec<Hint> {
        vec![
            Hint::of(Action::Wait, "wait (default)"),
            Hint::of(Action::LeaveNow, "leave now"),
        ]
    }

    fn way_out(&self) -> Option<&'static str> {
        None
    }

    fn on_key(&mut self, action: Option<Action>, _key: &KeyEvent, _cx: &KeyContext) -> Outcome {
        match action {
            Some(Action::LeaveNow) => Outcome::LeaveNow,
            // Leaving needs its own key; anything else keeps waiting.
            _ => Outcome::Close,
        }
    }

    /// Quitting is one of the ways of leaving: it waits for "leave now" too.
    fn on_quit(&self) -> Outcome {
        Outcome::Stay
    }
}
