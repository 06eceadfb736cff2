//! The merge view: a column per contact, a row per field, the value each field ends with
//! at the right; then the review of what will be sent and deleted, with the number to
//! type.

use super::{Body, Draw, Look, View};
use crate::api::Contact;
use crate::dialogs::merge::{MergeView, Stage};
use crate::form::Field;
use crate::keymap::{Action, Hint, Keys};
use crate::protocol::merge::CANNOT_UNDO;
use crate::text::sanitize;
use crate::ui::widgets;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

/// The label column's width.
const LABEL: usize = 11;

impl Draw for MergeView {
    fn look(&self, view: &View) -> Look {
        match &self.stage {
            Stage::Choosing => {
                let mut hints = vec![
                    Hint::keys([Keys::Scroll, Keys::Columns], "move"),
                    Hint::of(Action::Keep, "keep"),
                    Hint::of(Action::TakeValue, "take value"),
                ];
                if self.plan.is_ok() {
                    hints.push(Hint::of(Action::Send, "review"));
                }
                Look::new(
                    format!("Merge {} contacts", self.contacts.len()),
                    Body::Fill,
                    hints,
                )
            }
            Stage::Review { typed } => {
                let mut hints = vec![Hint::keys([Keys::Typing], "the number")];
                if self.confirmed() {
                    hints.push(Hint::of(Action::Send, "merge"));
                }
                hints.push(Hint::of(Action::Deny, "back to the choices"));
                Look::new(
                    format!("Review: merge into contact {}", self.keep),
                    Body::Text(review_lines(self, typed.value(), view)),
                    hints,
                )
            }
        }
    }

    fn draw_inside(&self, view: &View, frame: &mut Frame, inner: Rect) -> Option<Position> {
        let theme = view.theme;
        let rows = u16::try_from(Field::COUNT).unwrap_or(u16::MAX);
        let [intro, head, table, _gap, summary] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Length(rows),
            Constraint::Length(1),
            Constraint::Min(1),
        ])
        .areas(inner);
        let width = usize::from(inner.width);
        frame.render_widget(
            Paragraph::new(Line::styled(
                widgets::fit(
                    "★ is kept, ✗ deleted; ● marks the value each field ends with.",
                    width,
                ),
                theme.dim(),
            )),
            intro,
        );
        let cols = self.contacts.len() + 1;
        let cell = (width.saturating_sub(LABEL) / cols.max(1)).saturating_sub(1);
        let mut heads = vec![Span::raw(" ".repeat(LABEL))];
        for (i, c) in self.contacts.iter().enumerate() {
            let mark = if c.id == self.keep {
                "★ kept"
            } else {
                "✗ deleted"
            };
            let style = if i == self.column {
                theme.heading()
            } else {
                Style::new()
            };
            heads.push(Span::styled(
                padded(&format!("{} {mark}", c.id), cell),
                style,
            ));
            heads.push(Span::raw(" "));
        }
        heads.push(Span::styled(padded("ends with", cell), theme.heading()));
        frame.render_widget(Paragraph::new(Line::from(heads)), head);

        let lines: Vec<Line> = Field::ALL
            .into_iter()
            .map(|field| self.field_line(field, cell, view))
            .collect();
        frame.render_widget(Paragraph::new(lines), table);
        frame.render_widget(
            Paragraph::new(self.summary(view)).wrap(Wrap { trim: false }),
            summary,
        );
        None
    }
}

impl MergeView {
    /// A field's row: its label, each contact's value (● on the one it ends with, the
    /// cursor's cell reversed), and the value it ends with.
    fn field_line(&self, field: Field, cell: usize, view: &View) -> Line<'static> {
        let theme = view.theme;
        let label = if field == self.field {
            theme.focused_label()
        } else {
            theme.label()
        };
        let mut spans = vec![Span::styled(padded(field.label(), LABEL), label)];
        let source = self.source(field);
        for (i, c) in self.contacts.iter().enumerate() {
            let value = field.of(c);
            let (mark, mut style) = if c.id == source {
                ("● ", theme.ok())
            } else {
                ("  ", Style::new())
            };
            if field == self.field && i == self.column {
                style = style.patch(theme.bar());
            }
            spans.push(Span::styled(
                padded(&format!("{mark}{}", shown(value)), cell),
                style,
            ));
            spans.push(Span::raw(" "));
        }
        let ends = self
            .contacts
            .iter()
            .find(|c| c.id == source)
            .map_or(String::new(), |c| shown(field.of(c)));
        let chosen = if self.is_chosen(field) {
            " (chosen)"
        } else {
            ""
        };
        spans.push(Span::styled(
            padded(&format!("{ends}{chosen}"), cell),
            theme.heading(),
        ));
        Line::from(spans)
    }

    /// What the choices make, or why they cannot be sent; and contacts found changed.
    fn summary(&self, view: &View) -> Vec<Line<'static>> {
        let theme = view.theme;
        let mut out = Vec::new();
        if !self.changed.is_empty() {
            let ids: Vec<String> = self.changed.iter().map(u64::to_string).collect();
            out.push(Line::styled(
                format!(
                    "✗ Changed on the server since they were read: {}. Shown as they are \
                     now; nothing was sent.",
                    ids.join(", ")
                ),
                theme.error(),
            ));
        }
        out.push(match &self.plan {
            Ok(plan) => {
                let put = match &plan.save {
                    Some(save) => format!(
                        "Contact {} gets a PUT of {}",
                        self.keep,
                        names(save.changes.iter().map(|c| c.field))
                    ),
                    None => format!("Contact {} holds every value already", self.keep),
                };
                Line::from(format!("{put}; {} to delete.", count(self.deletes())))
            }
            Err(e) => Line::styled(format!("✗ {}", e.describe()), theme.error()),
        });
        out
    }
}

/// The review: the PUT with each change and where it comes from, its body, each
/// DELETE, what cannot be undone, and the number to type.
fn review_lines(merge: &MergeView, typed: &str, view: &View) -> Vec<Line<'static>> {
    let theme = view.theme;
    let Ok(plan) = &merge.plan else {
        return Vec::new();
    };
    let n = merge.deletes();
    let mut out = vec![Line::styled(
        format!("Merge into {}:", who(&plan.keep)),
        theme.heading(),
    )];
    for gone in &plan.deletes {
        out.push(Line::from(vec![
            Span::styled(
                format!("DELETE /api/partner/v2/contacts/{}", gone.id),
                theme.error(),
            ),
            Span::raw(format!("  {}", who(gone))),
        ]));
    }
    out.push(Line::styled(CANNOT_UNDO, theme.error()));
    out.push(Line::from(""));
    out.push(Line::from(vec![
        Span::raw(format!("Type {n} and press Enter to delete {}: ", count(n))),
        Span::styled(format!("{}▏", sanitize(typed)), theme.focused_value()),
    ]));
    out.push(Line::from(""));
    match &plan.save {
        Some(save) => {
            out.push(Line::styled(
                format!("First PUT /api/partner/v2/contacts/{}:", plan.keep.id),
                theme.heading(),
            ));
            for change in &save.changes {
                let from = plan
                    .source(change.field)
                    .map_or(String::new(), |t| format!("  (from {})", t.from));
                out.push(Line::from(vec![
                    Span::styled(format!("  {:<11} ", change.field.label()), theme.heading()),
                    Span::raw(shown(&change.old)),
                    Span::styled(" → ", theme.dirty()),
                    Span::styled(shown(&change.new), theme.dirty()),
                    Span::styled(from, theme.dim()),
                ]));
            }
            out.extend(
                save.patch
                    .body_pretty()
                    .lines()
                    .map(|l| Line::from(format!("  {}", sanitize(l)))),
            );
        }
        None => out.push(Line::from(format!(
            "No PUT: contact {} holds every value it keeps already.",
            plan.keep.id
        ))),
    }
    out
}

/// `1002 Jordan Blake`, or the contact's id alone.
fn who(c: &Contact) -> String {
    let name = sanitize(c.full_name.trim());
    if name.is_empty() {
        format!("contact {}", c.id)
    } else {
        format!("contact {} {name}", c.id)
    }
}

fn names(fields: impl Iterator<Item = Field>) -> String {
    fields.map(|f| f.label()).collect::<Vec<_>>().join(", ")
}

fn count(n: usize) -> String {
    if n == 1 {
        "1 contact".into()
    } else {
        format!("{n} contacts")
    }
}

/// A value as the view shows it: "–" for nothing.
fn shown(value: &str) -> String {
    if value.trim().is_empty() {
        "–".into()
    } else {
        sanitize(value)
    }
}

/// `text` cut or padded to `width` columns.
fn padded(text: &str, width: usize) -> String {
    let fitted = widgets::fit(text, width);
    let pad = width.saturating_sub(widgets::width(&fitted));
    format!("{fitted}{}", " ".repeat(pad))
}
