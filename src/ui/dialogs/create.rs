//! The review of a new contact: an existing match named first, then every field that
//! will be sent and the exact request.

use super::{Body, Draw, Look, View};
use crate::dialogs::create::CreateReview;
use crate::form::Field;
use crate::keymap::{Action, Hint};
use crate::text::sanitize;
use ratatui::text::{Line, Span};

impl Draw for CreateReview {
    fn look(&self, view: &View) -> Look {
        if self.existing.is_some() {
            Look::new(
                "New contact: one already exists",
                Body::Text(lines(self, view)),
                vec![
                    Hint::of(Action::OpenExisting, "open it"),
                    Hint::of(Action::CreateAnyway, "create anyway"),
                ],
            )
        } else {
            Look::new(
                "Review: the new contact",
                Body::Text(lines(self, view)),
                vec![Hint::of(Action::Send, "create")],
            )
        }
    }
}

fn lines(review: &CreateReview, view: &View) -> Vec<Line<'static>> {
    let theme = view.theme;
    let mut out = Vec::new();
    if let Some(c) = &review.existing {
        out.push(Line::styled(
            format!(
                "already exists: contact {} ({}, {}, {})",
                c.id,
                shown(&c.full_name),
                shown(&c.email),
                shown(&c.phone_number)
            ),
            theme.error(),
        ));
        out.push(Line::from(view.keymap.fill(
            "{open_existing} opens it instead; {create_anyway} creates another one anyway.",
        )));
        out.push(Line::from(""));
    }
    for change in &review.plan.changes {
        out.push(Line::from(vec![
            Span::styled(format!("{:<11} ", change.field.label()), theme.heading()),
            Span::styled(shown(&change.new), theme.dirty()),
        ]));
        if let Some((_, warning)) = review
            .plan
            .warnings
            .iter()
            .find(|(f, _)| *f == change.field)
        {
            out.push(Line::styled(
                format!("{:<12}⚠ {}", "", sanitize(warning)),
                theme.error(),
            ));
        }
    }
    if review.plan.patch.user_email.is_none() {
        out.push(Line::styled(
            format!(
                "{:<12}no owner given: the server assigns its default owner",
                Field::Owner.label()
            ),
            theme.dim(),
        ));
    }
    out.push(Line::from(""));
    out.push(Line::styled(
        "POST /api/partner/v2/contacts",
        theme.heading(),
    ));
    out.extend(
        review
            .plan
            .patch
            .body_pretty()
            .lines()
            .map(|l| Line::from(sanitize(l))),
    );
    out
}

fn shown(value: &str) -> String {
    if value.trim().is_empty() {
        "(empty)".into()
    } else {
        sanitize(value)
    }
}
