//! The review of a new contact: every field that will be sent and the exact request. A
//! contact that already has the e-mail or phone is named first; then sending needs its
//! own key ("create anyway"), and another key opens the existing one instead.

use super::contract::{Dialog, Handling, KeyContext, Outcome};
use crate::api::Contact;
use crate::form::Plan;
use crate::keymap::{Action, KeyEvent, Scope};
use crate::target::Target;

#[derive(Debug, Clone)]
pub struct CreateReview {
    pub plan: Box<Plan>,
    /// A contact the lookup found for the e-mail or phone (the first of `found`).
    pub existing: Option<Box<Contact>>,
    /// Every contact the lookup found: a later lookup tells the new contact from these.
    pub found: Vec<Contact>,
}

impl CreateReview {
    pub fn new(plan: Plan, found: Vec<Contact>) -> Self {
        Self {
            plan: Box::new(plan),
            existing: found.first().cloned().map(Box::new),
            found,
        }
    }
}

impl Dialog for CreateReview {
    fn handling(&self) -> Handling {
        Handling::closes(Scope::Create, "back to the form").scrolling()
    }

    fn on_key(&mut self, action: Option<Action>, _key: &KeyEvent, _cx: &KeyContext) -> Outcome {
        match (action, &self.existing) {
            (Some(Action::Send), None) | (Some(Action::CreateAnyway), Some(_)) => Outcome::Create,
            (Some(Action::OpenExisting), Some(c)) => Outcome::Open(Target::Id(c.id)),
            _ => Outcome::Stay,
        }
    }
}
