//! The question before unsaved edits are thrown away.

use super::{Body, Draw, Look, View};
use crate::dialogs::confirm::Confirm;
use crate::keymap::{Action, Hint, Keys};

impl Draw for Confirm {
    fn look(&self, view: &View) -> Look {
        let title = match self {
            Confirm::Quit => "Quit?",
            Confirm::Reload => "Reload?",
            Confirm::Leave(_) | Confirm::New => "Leave this contact?",
        };
        let text = match self {
            Confirm::Quit if view.saving => view.keymap.fill(
                "A save is on its way: quitting now leaves its outcome unknown ({reload} \
                 after restarting shows what the server has). Quit anyway?",
            ),
            Confirm::Quit => "You have unsaved changes. Discard them and quit?".into(),
            Confirm::Reload => {
                "You have unsaved changes. Discard them and reload from the server?".into()
            }
            Confirm::Leave(target) => format!(
                "You have unsaved changes. Discard them and open {}?",
                target.describe()
            ),
            Confirm::New => {
                "You have unsaved changes. Discard them and start a new contact?".into()
            }
        };
        let hint = match self {
            // The quit key says yes here too (see `on_quit`).
            Confirm::Quit => Hint::keys(
                [Keys::All(Action::Confirm), Keys::First(Action::Quit)],
                "quit",
            ),
            Confirm::Reload => Hint::of(Action::Confirm, "discard and reload"),
            Confirm::Leave(_) | Confirm::New => Hint::of(Action::Confirm, "discard and leave"),
        };
        Look::new(title, Body::question(text), vec![hint])
    }
}
