//! The review of a new contact: every field that will be sent and the exact request. A
//! contact that already has the e-mail or phone is named first; then sending needs its
//! own key ("create anyway"), and another key opens the existing one instead.

use super::{Dialog, KeyContext, Outcome, Shape, View};
use crate::api::Contact;
use crate::form::{Field, Plan};
use crate::keymap::{Action, Hint, KeyEvent, Scope};
use crate::target::Target;
use crate::text::sanitize;
use ratatui::text::{Line, Span};

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
    fn scope(&self) -> Scope {
        Scope::Create
    }

    fn title(&self, _view: &View) -> String {
        if self.existing.is_some() {
            "New contact: one already exists".into()
        } else {
            "Review: the new contact".into()
        }
    }

    fn shape(&self, view: &View) -> Shape {
        let theme = view.theme;
        let mut out = Vec::new();
        if let Some(c) = &self.existing {
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
        for change in &self.plan.changes {
            out.push(Line::from(vec![
                Span::styled(format!("{:<11} ", change.field.label()), theme.heading()),
                Span::styled(shown(&change.new), theme.dirty()),
            ]));
            if let Some((_, warning)) = self.plan.warnings.iter().find(|(f, _)| *f == change.field)
            {
                out.push(Line::styled(
                    format!("{:<12}⚠ {}", "", sanitize(warning)),
                    theme.error(),
                ));
            }
        }
        if self.plan.patch.user_email.is_none() {
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
            self.plan
                .patch
                .body_pretty()
                .lines()
                .map(|l| Line::from(sanitize(l))),
        );
        Shape::Text(out)
    }

    fn hints(&self, _view: &View) -> Vec<Hint> {
        if self.existing.is_some() {
            vec![
                Hint::of(Action::OpenExisting, "open it"),
                Hint::of(Action::CreateAnyway, "create anyway"),
            ]
        } else {
            vec![Hint::of(Action::Send, "create")]
        }
    }

    fn way_out(&self) -> Option<&'static str> {
        Some("back to the form")
    }

    fn scrolls(&self) -> bool {
        true
    }

    fn on_key(&mut self, action: Option<Action>, _key: &KeyEvent, _cx: &KeyContext) -> Outcome {
        match (action, &self.existing) {
            (Some(Action::Send), None) | (Some(Action::CreateAnyway), Some(_)) => Outcome::Create,
            (Some(Action::OpenExisting), Some(c)) => Outcome::Open(Target::Id(c.id)),
            _ => Outcome::Stay,
        }
    }
}

fn shown(value: &str) -> String {
    if value.trim().is_empty() {
        "(empty)".into()
    } else {
        sanitize(value)
    }
}
