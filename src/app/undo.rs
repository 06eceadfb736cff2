//! Multi-level undo across fields. A run of typing in one field is one step; a paste, a
//! revert, a clear (Ctrl-U/W/K) and a draft restore are one step each.

use crate::form::Field;
use tui_input::Input;

/// Enough for a long session on one contact; the oldest steps go first.
const MAX_STEPS: usize = 200;

#[derive(Debug, Clone)]
pub struct Step {
    pub field: Field,
    /// The field as it was before the step, cursor included.
    pub before: Input,
}

#[derive(Debug, Clone, Default)]
pub struct History {
    steps: Vec<Step>,
    /// The field of the typing run in progress: further typing there joins its step.
    typing: Option<Field>,
}

impl History {
    pub fn record(&mut self, field: Field, before: Input, typing: bool) {
        if typing && self.typing == Some(field) {
            return;
        }
        if self.steps.len() == MAX_STEPS {
            self.steps.remove(0);
        }
        self.steps.push(Step { field, before });
        self.typing = typing.then_some(field);
    }

    /// Moving to another field, or any other action, ends the typing run.
    pub fn break_run(&mut self) {
        self.typing = None;
    }

    pub fn pop(&mut self) -> Option<Step> {
        self.typing = None;
        self.steps.pop()
    }

    pub fn clear(&mut self) {
        *self = Self::default();
    }
}
