//! The review of a change to several contacts, contact by contact.

use super::{Body, Draw, Look, View};
use crate::dialogs::many::{Change, ManyReview};
use crate::keymap::{Action, Hint};
use crate::text::sanitize;
use ratatui::text::Line;

impl Draw for ManyReview {
    fn look(&self, view: &View) -> Look {
        let theme = view.theme;
        let head = match &self.what {
            Change::Typed(typed) => {
                let typed: Vec<String> = typed
                    .iter()
                    .map(|(f, v)| format!("{} → \"{}\"", f.label(), sanitize(v)))
                    .collect();
                format!("Change {} contacts: {}", self.items.len(), typed.join(", "))
            }
            Change::TakeBack { batch } => format!(
                "Take back batch {}: each field gets the value it had before, unless someone \
                 changed it since",
                sanitize(batch)
            ),
        };
        let mut lines = vec![Line::from(head), Line::from("")];
        for item in &self.items {
            let c = &item.one.now;
            let name = if c.full_name.trim().is_empty() {
                "(no name)".to_string()
            } else {
                sanitize(&c.full_name)
            };
            lines.push(Line::styled(format!("{}  {name}", c.id), theme.heading()));
            if let Some(plan) = &item.one.plan {
                for change in &plan.changes {
                    lines.push(Line::from(format!(
                        "  {:<10} {} → {}",
                        change.field.label(),
                        shown(&change.old),
                        shown(&change.new)
                    )));
                }
            }
            for f in &item.one.already {
                lines.push(Line::styled(
                    format!("  {:<10} already so: nothing sent", f.label()),
                    theme.dim(),
                ));
            }
            for (f, then, now) in &item.one.conflicts {
                lines.push(Line::styled(
                    format!(
                        "  ✗ {} changed by someone else since ({} → {}): not sent",
                        f.label(),
                        shown(then),
                        shown(now)
                    ),
                    theme.error(),
                ));
            }
            if let Some(e) = &item.one.refused {
                lines.push(Line::styled(
                    format!("  ✗ cannot be sent: {}", e.summary()),
                    theme.error(),
                ));
            }
        }
        lines.push(Line::from(""));
        let sends = self.sends();
        lines.push(Line::from(match sends {
            0 => "Nothing to send: every contact holds these values or has a conflict.".into(),
            1 => "1 contact gets a PUT.".to_string(),
            n => format!("{n} contacts get a PUT, 8 at a time."),
        }));
        let hints = if sends > 0 {
            vec![Hint::of(Action::Send, "send")]
        } else {
            Vec::new()
        };
        Look::new(
            format!("Review: {} contacts", self.items.len()),
            Body::Text(lines),
            hints,
        )
    }
}

/// A value as the review shows it: quoted, "(empty)" for nothing.
fn shown(value: &str) -> String {
    if value.is_empty() {
        "(empty)".into()
    } else {
        format!("\"{}\"", sanitize(value))
    }
}
