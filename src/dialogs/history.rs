//! The saves made from this machine to the open contact, newest first (from the
//! journal). On an entry, one key puts the values from before that save back into the
//! form as ordinary edits, to be reviewed and sent like any other. A create is listed but
//! cannot be taken back this way: before it there was no contact, and putting its "before"
//! values back would only blank the form.

use super::{Dialog, KeyContext, Outcome, Shape, View};
use crate::journal::Entry;
use crate::keymap::{Action, Hint, KeyEvent, Keys, Nav, Scope};
use crate::text::sanitize;
use ratatui::text::Line;

#[derive(Debug, Clone)]
pub struct History {
    pub entries: Vec<Entry>,
    pub selected: usize,
    /// Lines of the journal that could not be read.
    pub skipped: usize,
}

impl Dialog for History {
    fn scope(&self) -> Scope {
        Scope::History
    }

    fn title(&self, view: &View) -> String {
        format!("Saves of contact {} made here", view.contact_id)
    }

    fn shape(&self, view: &View) -> Shape {
        let theme = view.theme;
        let mut out = Vec::new();
        if let Some(note) = crate::journal::skipped_note(self.skipped) {
            out.push(Line::styled(
                format!("⚠ {note} (torn or not an entry)"),
                theme.error(),
            ));
        }
        if self.entries.is_empty() {
            out.push(Line::from(
                "No save of this contact was made from this machine (the journal is empty for it).",
            ));
            return Shape::Text(out);
        }
        for (i, e) in self.entries.iter().enumerate() {
            let mark = if i == self.selected { "›" } else { " " };
            let style = if i == self.selected {
                theme.heading()
            } else {
                theme.dim()
            };
            out.push(Line::styled(
                format!("{mark} {} · {}", sanitize(&e.at), e.kind),
                style,
            ));
            for f in &e.fields {
                let name = Entry::field_of(f).map_or(f.field.as_str(), |f| f.label());
                out.push(Line::from(if f.before == f.after {
                    // The identity field the API requires in every update.
                    format!("    {name}: {} (sent unchanged)", shown(&f.after))
                } else {
                    format!("    {name}: {} → {}", shown(&f.before), shown(&f.after))
                }));
            }
        }
        Shape::Text(out)
    }

    fn hints(&self, _view: &View) -> Vec<Hint> {
        match self.entries.get(self.selected) {
            Some(e) if e.is_create() => vec![Hint::keys(
                [Keys::Scroll],
                "another entry: a create cannot be taken back here",
            )],
            _ => vec![Hint::of(Action::UndoSave, "put back the values before it")],
        }
    }

    fn way_out(&self) -> Option<&'static str> {
        Some("close")
    }

    fn scrolls(&self) -> bool {
        false
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
            // A create's "before" is no contact at all: nothing to put back.
            (Some(Action::UndoSave), Some(entry)) if !entry.is_create() => {
                Outcome::UndoSave(Box::new(entry.clone()))
            }
            _ => Outcome::Stay,
        }
    }
}

fn shown(value: &str) -> String {
    if value.is_empty() {
        "(empty)".into()
    } else {
        format!("\"{}\"", sanitize(value))
    }
}
