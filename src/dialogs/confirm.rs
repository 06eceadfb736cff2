//! The yes/no question before unsaved edits are thrown away: by quitting, reloading,
//! opening another contact or starting a new one.

use super::contract::{Dialog, Handling, KeyContext, Outcome};
use crate::keymap::{Action, KeyEvent, Scope};
use crate::target::Target;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Confirm {
    Quit,
    Reload,
    /// Open this contact instead.
    Leave(Target),
    /// Start a new contact (Ctrl-N) instead.
    New,
}

impl Dialog for Confirm {
    fn handling(&self) -> Handling {
        Handling::closes(Scope::Question, "stay")
    }

    fn on_key(&mut self, action: Option<Action>, _key: &KeyEvent, _cx: &KeyContext) -> Outcome {
        if action != Some(Action::Confirm) {
            return Outcome::Stay;
        }
        match self {
            Confirm::Quit => Outcome::DiscardAndQuit,
            Confirm::Reload => Outcome::DiscardAndReload,
            Confirm::Leave(target) => Outcome::DiscardAndLeave(target.clone()),
            Confirm::New => Outcome::DiscardAndNew,
        }
    }

    /// Pressing quit twice quits.
    fn on_quit(&self) -> Outcome {
        match self {
            Confirm::Quit => Outcome::Quit,
            _ => Outcome::AskToQuit,
        }
    }
}
