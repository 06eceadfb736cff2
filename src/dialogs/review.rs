//! The review of what will be sent: every change as old → new and the exact request.
//! With a conflict (a field changed here and on the server) it shows loaded / theirs /
//! yours instead, and nothing is sent until the user overwrites or takes theirs.

use super::contract::{Dialog, Handling, KeyContext, Outcome};
use crate::form::{Conflict, Plan};
use crate::keymap::{Action, KeyEvent, Scope};

#[derive(Debug, Clone)]
pub struct Review {
    pub plan: Box<Plan>,
    /// Fields changed on both sides since the contact was loaded.
    pub conflicts: Vec<Conflict>,
}

impl Review {
    pub fn new(plan: Plan, conflicts: Vec<Conflict>) -> Review {
        Review {
            plan: Box::new(plan),
            conflicts,
        }
    }
}

impl Dialog for Review {
    fn handling(&self) -> Handling {
        Handling::closes(Scope::Review, "back to the form").scrolling()
    }

    fn on_key(&mut self, action: Option<Action>, _key: &KeyEvent, _cx: &KeyContext) -> Outcome {
        let conflict = !self.conflicts.is_empty();
        match action {
            Some(Action::CopyCurl) => Outcome::CopyCurl,
            Some(Action::Send) if !conflict => Outcome::Send { overwrite: false },
            Some(Action::Overwrite) if conflict => Outcome::Send { overwrite: true },
            Some(Action::TakeTheirs) if conflict => Outcome::TakeTheirs,
            _ => Outcome::Stay,
        }
    }
}
