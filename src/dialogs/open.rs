//! Open another contact by id, e-mail or phone (any common format), typed on one line.

use super::contract::{Dialog, Handling, KeyContext, Outcome};
use crate::form::line;
use crate::keymap::{Action, KeyEvent, Scope};
use crate::target::parse_target;
use tui_input::Input;

#[derive(Debug, Clone, Default)]
pub struct OpenPrompt {
    pub input: Input,
    /// Why what was typed is not something to open; cleared by the next key.
    pub error: Option<String>,
}

impl Dialog for OpenPrompt {
    fn handling(&self) -> Handling {
        Handling::closes(Scope::Text, "cancel")
    }

    fn on_key(&mut self, action: Option<Action>, key: &KeyEvent, cx: &KeyContext) -> Outcome {
        if action == Some(Action::Choose) {
            return match parse_target(self.input.value(), cx.region) {
                Ok(target) => Outcome::Open(target),
                Err(error) => {
                    self.error = Some(error);
                    Outcome::Stay
                }
            };
        }
        line::edit(&mut self.input, key);
        self.error = None;
        Outcome::Stay
    }

    fn text_input(&mut self) -> Option<&mut Input> {
        Some(&mut self.input)
    }

    fn text_changed(&mut self) {
        self.error = None;
    }
}
