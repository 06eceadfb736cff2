//! One contact's change, as `set` and every `apply` row make it: the editor's form builds
//! the body, the client sends it, and what the server stored is compared with what was
//! sent. Nothing here validates or builds a body on its own.

use super::read::Api;
use crate::api::{ApiError, Contact, ContactPatch};
use crate::form::{Change, Field, Form, Plan, PlanError, Unapplied, unapplied};
use crate::text::sanitize;
use phonenumber::country::Id as Region;

/// The values asked for, by field, in the order given.
pub type Edits = Vec<(Field, String)>;

/// What the form makes of the edits against the stored record.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The stored record, cleaned of control characters as the editor cleans it.
    pub before: Contact,
    pub plan: Result<Plan, PlanError>,
}

/// Cleans the record, fills the form with the edits and plans the smallest body,
/// exactly as the editor does after a load: the identity rule avoids fields whose stored
/// value had control characters, since echoing the cleaned value would change it. The
/// values are cleaned as a paste into the editor is (a newline becomes a space).
pub fn prepare(raw: &Contact, edits: &Edits, region: Region) -> Prepared {
    let (before, cleaned) = crate::form::clean_record(raw);
    let mut form = Form::new(&before, region);
    for (field, value) in edits {
        form.set_value(*field, sanitize(&value.replace("\r\n", "\n")));
    }
    let plan = form.plan_avoiding(&cleaned);
    Prepared { before, plan }
}

/// How a save ended.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// 200: the stored record, and every sent value it does not hold.
    Stored {
        contact: Contact,
        unapplied: Vec<Unapplied>,
    },
    /// The server refused before acting (a 4xx), or the request never left.
    Refused(ApiError),
    /// No usable answer: the record was read again. `landed` when it holds every sent
    /// value.
    Checked {
        error: ApiError,
        contact: Contact,
        landed: bool,
        unapplied: Vec<Unapplied>,
    },
    /// No usable answer, and the record could not be read either.
    Unknown { error: ApiError, reread: ApiError },
}

/// Sends the plan and finds out what the server holds afterwards.
pub async fn send(api: &Api, before: &Contact, patch: &ContactPatch) -> Outcome {
    let error = match api.save(before.id, patch).await {
        Ok(stored) => {
            let contact = stored.sanitized();
            return Outcome::Stored {
                unapplied: unapplied(patch, before, &contact),
                contact,
            };
        }
        Err(e) if refused_before_acting(&e) => return Outcome::Refused(e),
        Err(e) => e,
    };
    match api.reread(before.id).await {
        Ok(now) => {
            let contact = now.sanitized();
            let unapplied = unapplied(patch, before, &contact);
            // An owner changed by someone else is worth a warning, but it does not mean
            // this save failed.
            let landed = unapplied.iter().all(|u| u.sent.is_none());
            Outcome::Checked {
                error,
                contact,
                landed,
                unapplied,
            }
        }
        Err(reread) => Outcome::Unknown { error, reread },
    }
}

/// Known not to have changed anything: the server said no (4xx other than 408), or the
/// request could not even be made.
fn refused_before_acting(e: &ApiError) -> bool {
    match e {
        ApiError::Http { status, .. } => (400..500).contains(status) && *status != 408,
        ApiError::Connect { .. }
        | ApiError::Tls { .. }
        | ApiError::InsecureUrl { .. }
        | ApiError::InvalidUrl { .. } => true,
        ApiError::Timeout { .. } | ApiError::Decode { .. } | ApiError::Other { .. } => false,
    }
}

/// `Title: "Sales" → "Head of Sales"`, with what was typed when it was normalised.
pub fn change_line(c: &Change) -> String {
    let mut line = format!(
        "{}: \"{}\" → \"{}\"",
        c.field.label(),
        sanitize(&c.old),
        sanitize(&c.new)
    );
    if let Some(typed) = &c.typed {
        line.push_str(&format!(" (typed \"{}\")", sanitize(typed)));
    }
    line
}

/// The lines of a review: each change, then the identity field sent unchanged.
pub fn review_lines(plan: &Plan) -> Vec<String> {
    let mut lines: Vec<String> = plan.changes.iter().map(change_line).collect();
    if let Some((field, value)) = &plan.required_unchanged {
        lines.push(format!(
            "{}: \"{}\" (sent unchanged: required by the API)",
            field.label(),
            sanitize(value)
        ));
    }
    lines
}

/// `⚠ not applied by the server: …`, one per value the server did not store as sent.
pub fn unapplied_lines(unapplied: &[Unapplied]) -> Vec<String> {
    unapplied
        .iter()
        .map(|u| format!("⚠ not applied by the server: {}", u.describe()))
        .collect()
}

/// The API names of the fields a plan changes: `title, email`.
pub fn changed_names(plan: &Plan) -> String {
    plan.changes
        .iter()
        .map(|c| c.field.api_name())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Field names as the API spells them, for messages listing what is valid.
pub fn field_names() -> String {
    Field::ALL.map(Field::api_name).join(", ")
}

/// The field an API name stands for.
pub fn field_named(name: &str) -> Option<Field> {
    Field::ALL.into_iter().find(|f| f.api_name() == name)
}
