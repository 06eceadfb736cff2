//! F1: every binding as configured, and where the config, log and drafts are. It only
//! scrolls and closes.

use super::contract::{Dialog, Handling};
use crate::keymap::Scope;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Help;

impl Dialog for Help {
    fn handling(&self) -> Handling {
        Handling::closes(Scope::Help, "close").scrolling()
    }
}
