//! Unsent edits from an earlier session were found for this contact: put them back over
//! the current record, or delete them. The question needs an answer: a draft left
//! pending would be overwritten by the next one or deleted by the next save, unseen.

use super::contract::{Dialog, Handling, KeyContext, Outcome};
use crate::drafts::Draft;
use crate::keymap::{Action, KeyEvent, Scope};

/// The dialog's state is the draft itself.
impl Dialog for Draft {
    fn handling(&self) -> Handling {
        Handling::needs_an_answer(Scope::Draft)
    }

    fn on_key(&mut self, action: Option<Action>, _key: &KeyEvent, _cx: &KeyContext) -> Outcome {
        match action {
            Some(Action::Restore) => Outcome::RestoreDraft,
            Some(Action::DiscardDraft) => Outcome::DiscardDraft,
            _ => Outcome::Stay,
        }
    }
}
