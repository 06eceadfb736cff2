//! The review: every change as old → new and the exact request; with a conflict, loaded
//! / theirs / yours for each conflicting field.

use super::{Body, Draw, Look, View};
use crate::app::Status;
use crate::dialogs::review::Review;
use crate::form::{Conflict, Plan};
use crate::keymap::{Action, Hint};
use crate::text::sanitize;
use ratatui::text::{Line, Span};

impl Draw for Review {
    fn look(&self, view: &View) -> Look {
        if self.conflicts.is_empty() {
            let copy = if matches!(view.status, Status::Copied) {
                "copied ✓"
            } else {
                "copy as curl"
            };
            Look::new(
                "Review: what will be sent",
                Body::Text(review_lines(view, &self.plan)),
                vec![
                    Hint::of(Action::Send, "send"),
                    Hint::of(Action::CopyCurl, copy),
                ],
            )
        } else {
            Look::new(
                "Conflict: someone else changed this contact",
                Body::Text(conflict_lines(view, &self.plan, &self.conflicts)),
                vec![
                    Hint::of(Action::Overwrite, "overwrite theirs"),
                    Hint::of(Action::TakeTheirs, "use theirs"),
                ],
            )
        }
    }
}

fn shown(value: &str) -> String {
    if value.is_empty() {
        "(empty)".into()
    } else {
        sanitize(value)
    }
}

fn conflict_lines(view: &View, plan: &Plan, conflicts: &[Conflict]) -> Vec<Line<'static>> {
    let theme = view.theme;
    let mut out = vec![
        Line::styled(
            "These fields changed on the server since you opened the contact:",
            theme.error(),
        ),
        Line::from(""),
    ];
    for c in conflicts {
        out.push(Line::styled(c.field.label().to_string(), theme.heading()));
        for (who, value) in [
            ("loaded", &c.loaded),
            ("theirs", &c.theirs),
            ("yours", &c.yours),
        ] {
            out.push(Line::from(format!("  {who:<7}{}", shown(value))));
        }
    }
    out.push(Line::from(""));
    out.push(Line::from(view.keymap.fill(
        "{overwrite} sends your values for every changed field; {take_theirs} takes theirs \
         for the fields above and keeps your other edits.",
    )));
    out.append(&mut body_lines(view, plan));
    out
}

fn body_lines(view: &View, plan: &Plan) -> Vec<Line<'static>> {
    let mut out = vec![Line::styled(
        format!("PUT /api/partner/v2/contacts/{}", view.contact_id),
        view.theme.heading(),
    )];
    out.extend(
        plan.patch
            .body_pretty()
            .lines()
            .map(|l| Line::from(sanitize(l))),
    );
    out
}

fn review_lines(view: &View, plan: &Plan) -> Vec<Line<'static>> {
    let theme = view.theme;
    let mut out = Vec::new();
    if let Status::Merged { taken, .. } = view.status
        && !taken.is_empty()
    {
        let names: Vec<&str> = taken.iter().map(|f| f.label()).collect();
        out.push(Line::styled(
            format!(
                "A colleague changed {} meanwhile; taken into your form, not sent.",
                names.join(", ")
            ),
            theme.dim(),
        ));
        out.push(Line::from(""));
    }
    for change in &plan.changes {
        out.push(Line::from(vec![
            Span::styled(format!("{:<11} ", change.field.label()), theme.heading()),
            Span::raw(shown(&change.old)),
            Span::styled(" → ", theme.dirty()),
            Span::styled(shown(&change.new), theme.dirty()),
        ]));
        if let Some(typed) = &change.typed {
            out.push(Line::styled(
                format!(
                    "{:<12}typed \"{}\", sent as {}",
                    "",
                    sanitize(typed),
                    change.new
                ),
                theme.dim(),
            ));
        }
        if let Some((_, warning)) = plan.warnings.iter().find(|(f, _)| *f == change.field) {
            out.push(Line::styled(
                format!("{:<12}⚠ {}", "", sanitize(warning)),
                theme.error(),
            ));
        }
    }
    if let Some((field, value)) = &plan.required_unchanged {
        out.push(Line::from(vec![
            Span::styled(format!("{:<11} ", field.label()), theme.heading()),
            Span::raw(shown(value)),
            Span::styled("  sent unchanged: required by the API", theme.dim()),
        ]));
    }
    out.push(Line::from(""));
    out.append(&mut body_lines(view, plan));
    out
}
