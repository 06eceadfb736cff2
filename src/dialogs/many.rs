//! The review of a change to several contacts: for each, what will be sent (old → new),
//! what it already holds, and what a colleague changed since the contacts were read (a
//! conflict: that field is not sent to that contact).

use super::contract::{Dialog, Handling, KeyContext, Outcome};
use crate::api::Contact;
use crate::form::Field;
use crate::form::many::OneOfMany;
use crate::keymap::{Action, KeyEvent, Scope};

/// One contact of the change.
#[derive(Debug, Clone)]
pub struct Item {
    /// As read when the contacts were opened together.
    pub then: Contact,
    pub one: OneOfMany,
}

#[derive(Debug, Clone)]
pub struct ManyReview {
    /// What is being done to them.
    pub what: Change,
    pub items: Vec<Item>,
}

/// What a review of several contacts is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// These fields typed, with their values, for all of them.
    Typed(Vec<(Field, String)>),
    /// A batch of saves made here, taken back.
    TakeBack { batch: String },
}

impl ManyReview {
    pub fn new(what: Change, items: Vec<Item>) -> Self {
        Self { what, items }
    }

    /// How many contacts get a PUT.
    pub fn sends(&self) -> usize {
        self.items.iter().filter(|i| i.one.plan.is_some()).count()
    }
}

impl Dialog for ManyReview {
    fn handling(&self) -> Handling {
        Handling::closes(Scope::Review, "back to the form").scrolling()
    }

    fn on_key(&mut self, action: Option<Action>, _key: &KeyEvent, _cx: &KeyContext) -> Outcome {
        match action {
            Some(Action::Send) if self.sends() > 0 => Outcome::SendMany,
            _ => Outcome::Stay,
        }
    }
}
