//! Leaving, reloading or quitting while a save is in flight: wait for its answer (the
//! default: any key but "leave now" waits), or go now and leave its outcome unknown.

use super::contract::{Dialog, Handling, KeyContext, Outcome};
use crate::keymap::{Action, KeyEvent, Scope};
use crate::target::Target;

/// Where the user asked to go while a save was in flight: the dialog's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Departure {
    Open(Target),
    Reload,
    Quit,
}

impl Dialog for Departure {
    fn handling(&self) -> Handling {
        Handling::needs_an_answer(Scope::SaveInFlight)
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
