//! A save is in flight: wait for it, or go now.

use super::{Body, Draw, Look, View};
use crate::dialogs::save_in_flight::Departure;
use crate::keymap::{Action, Hint};

impl Draw for Departure {
    fn look(&self, view: &View) -> Look {
        let go = match self {
            Departure::Open(target) => format!("open {}", target.describe()),
            Departure::Reload => "reload".to_string(),
            Departure::Quit => "quit".to_string(),
        };
        let text = format!(
            "Contact {id}'s save has not been answered yet. Wait for it, or {go} now and \
             check contact {id} later (its outcome will be unknown)?",
            id = view.contact_id
        );
        Look::new(
            "A save is in flight",
            Body::question(text),
            vec![
                Hint::of(Action::Wait, "wait (default)"),
                Hint::of(Action::LeaveNow, "leave now"),
            ],
        )
    }
}
