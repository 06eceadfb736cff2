//! The yes/no question before unsaved edits are thrown away: by quitting, reloading,
//! opening another contact or starting a new one.

use super::{Dialog, KeyContext, Outcome, Shape, View};
use crate::keymap::{Action, Hint, KeyEvent, Keys, Scope};
use crate::target::Target;
use ratatui::text::Line;

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
    fn scope(&self) -> Scope {
        Scope::Question
    }

    fn title(&self, _view: &View) -> String {
        match self {
            Confirm::Quit => "Quit?",
            Confirm::Reload => "Reload?",
            Confirm::Leave(_) | Confirm::New => "Leave this contact?",
        }
        .into()
    }

    fn shape(&self, view: &View) -> Shape {
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
        Shape::Text(vec![Line::from(text)])
    }

    fn hints(&self, _view: &View) -> Vec<Hint> {
        vec![match self {
            // The quit key says yes here too (see `on_quit`).
            Confirm::Quit => Hint::keys(
                [Keys::All(Action::Confirm), Keys::First(Action::Quit)],
                "quit",
            ),
            Confirm::Reload => Hint::of(Action::Confirm, "discard and reload"),
            Confirm::Leave(_) | Confirm::New => Hint::of(Action::Confirm, "discard and leave"),
        }]
    }

    fn way_out(&self) -> Option<&'static str> {
        Some("stay")
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
