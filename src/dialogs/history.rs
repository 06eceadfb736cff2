//! The saves made from this machine to the open contact, newest first (from the
//! journal). On an entry, one key puts the values from before that save back into the
//! form as ordinary edits, to be reviewed and sent like any other. A create is listed but
//! cannot be taken back this way: before it there was no contact, and putting its "before"
//! values back would only blank the form.

use super::contract::{Dialog, Handling, KeyContext, Outcome};
use crate::journal::Entry;
use crate::keymap::{Action, KeyEvent, Nav, Scope};

#[derive(Debug, Clone)]
pub struct History {
    pub entries: Vec<Entry>,
    pub selected: usize,
    /// Lines of the journal that could not be read.
    pub skipped: usize,
}

impl Dialog for History {
    fn handling(&self) -> Handling {
        Handling::closes(Scope::History, "close")
    }

    fn on_key(&mut self, action: Option<Action>, key: &KeyEvent, _cx: &KeyContext) -> Outcome {
        match Nav::of(key) {
            Some(Nav::Up) => self.selected = self.selected.saturating_sub(1),
            Some(Nav::Down) => {
                self.selected = (self.selected + 1).min(self.entries.len().saturating_sub(1))
            }
            _ => {}
        }
        match (action, self.entries.get(self.selected)) {
            (Some(Action::UndoBatch), Some(entry)) if entry.batch.is_some() => {
                Outcome::UndoBatch(entry.batch.clone().unwrap_or_default())
            }
            // A create's "before" is no contact at all: nothing to put back.
            (Some(Action::UndoSave), Some(entry)) if !entry.is_create() => {
                Outcome::UndoSave(Box::new(entry.clone()))
            }
            _ => Outcome::Stay,
        }
    }
}
