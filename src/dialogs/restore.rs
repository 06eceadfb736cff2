//! Unsent edits from an earlier session were found for this contact: put them back over
//! the current record, or delete them. The question needs an answer: a draft left
//! pending would be overwritten by the next one or deleted by the next save, unseen.

use super::{Dialog, KeyContext, Outcome, Shape, View};
use crate::drafts::Draft;
use crate::form::Field;
use crate::keymap::{Action, Hint, KeyEvent, Scope};
use ratatui::text::Line;

/// The dialog's state is the draft itself.
impl Dialog for Draft {
    fn scope(&self) -> Scope {
        Scope::Draft
    }

    fn title(&self, _view: &View) -> String {
        "Unsent edits found".into()
    }

    fn shape(&self, _view: &View) -> Shape {
        let fields: std::collections::BTreeSet<Field> = self
            .values
            .keys()
            .filter_map(|k| Field::ALL.into_iter().find(|f| f.api_name() == k))
            .collect();
        let names: Vec<&str> = fields.into_iter().map(Field::label).collect();
        Shape::Text(vec![Line::from(format!(
            "Restore the edits to {} you left unsent at {}?",
            names.join(", "),
            crate::ui::short_time(&self.saved_at)
        ))])
    }

    fn hints(&self, _view: &View) -> Vec<Hint> {
        vec![
            Hint::of(Action::Restore, "restore"),
            Hint::of(Action::DiscardDraft, "discard the draft"),
        ]
    }

    fn way_out(&self) -> Option<&'static str> {
        None
    }

    fn on_key(&mut self, action: Option<Action>, _key: &KeyEvent, _cx: &KeyContext) -> Outcome {
        match action {
            Some(Action::Restore) => Outcome::RestoreDraft,
            Some(Action::DiscardDraft) => Outcome::DiscardDraft,
            _ => Outcome::Stay,
        }
    }
}
