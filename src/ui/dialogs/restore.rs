//! Unsent edits found: which fields, and when they were left.

use super::{Body, Draw, Look, View};
use crate::drafts::Draft;
use crate::form::Field;
use crate::keymap::{Action, Hint};
use crate::ui::form::short_time;

impl Draw for Draft {
    fn look(&self, _view: &View) -> Look {
        let fields: std::collections::BTreeSet<Field> = self
            .values
            .keys()
            .filter_map(|k| Field::ALL.into_iter().find(|f| f.api_name() == k))
            .collect();
        let names: Vec<&str> = fields.into_iter().map(Field::label).collect();
        let text = format!(
            "Restore the edits to {} you left unsent at {}?",
            names.join(", "),
            short_time(&self.saved_at)
        );
        Look::new(
            "Unsent edits found",
            Body::question(text),
            vec![
                Hint::of(Action::Restore, "restore"),
                Hint::of(Action::DiscardDraft, "discard the draft"),
            ],
        )
    }
}
