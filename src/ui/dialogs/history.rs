//! The saves made from this machine to the open contact, newest first, the selected one
//! marked.

use super::{Body, Draw, Look, View};
use crate::dialogs::history::History;
use crate::journal::Entry;
use crate::keymap::{Action, Hint, Keys};
use crate::text::sanitize;
use ratatui::text::Line;

impl Draw for History {
    fn look(&self, view: &View) -> Look {
        let hints = match self.entries.get(self.selected) {
            Some(e) if e.is_create() => vec![Hint::keys(
                [Keys::Scroll],
                "another entry: a create cannot be taken back here",
            )],
            Some(e) if e.batch.is_some() => vec![
                Hint::of(Action::UndoSave, "put back the values before it"),
                Hint::of(Action::UndoBatch, "take the whole batch back"),
            ],
            _ => vec![Hint::of(Action::UndoSave, "put back the values before it")],
        };
        Look::new(
            format!("Saves of contact {} made here", view.contact_id),
            Body::Text(lines(self, view)),
            hints,
        )
    }
}

fn lines(history: &History, view: &View) -> Vec<Line<'static>> {
    let theme = view.theme;
    let mut out = Vec::new();
    if let Some(note) = crate::journal::skipped_note(history.skipped) {
        out.push(Line::styled(
            format!("⚠ {note} (torn or not an entry)"),
            theme.error(),
        ));
    }
    if history.entries.is_empty() {
        out.push(Line::from(
            "No save of this contact was made from this machine (the journal is empty for it).",
        ));
        return out;
    }
    for (i, e) in history.entries.iter().enumerate() {
        let mark = if i == history.selected { "›" } else { " " };
        let style = if i == history.selected {
            theme.heading()
        } else {
            theme.dim()
        };
        let batch = e
            .batch
            .as_deref()
            .map_or_else(String::new, |b| format!(" · batch {}", sanitize(b)));
        out.push(Line::styled(
            format!("{mark} {} · {}{batch}", sanitize(&e.at), e.kind),
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
    out
}

fn shown(value: &str) -> String {
    if value.is_empty() {
        "(empty)".into()
    } else {
        format!("\"{}\"", sanitize(value))
    }
}
