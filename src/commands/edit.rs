//! One contact's change, as `set` and every `apply` row make it: the editor's form builds
//! the body, the client sends it, and what the server stored is compared with what was
//! sent. Nothing here validates or builds a body on its own.

use super::exit::Failure;
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
    fill(&mut form, edits);
    let plan = form.plan_avoiding(&cleaned);
    Prepared { before, plan }
}

/// The body that creates a contact from the edits, as the editor's create builds it:
/// only the non-empty values, with an identity field among them.
pub fn prepare_create(edits: &Edits, region: Region) -> Result<Plan, PlanError> {
    let mut form = Form::blank(region);
    fill(&mut form, edits);
    form.create_plan()
}

fn fill(form: &mut Form, edits: &Edits) {
    for (field, value) in edits {
        form.set_value(*field, sanitize(&value.replace("\r\n", "\n")));
    }
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
pub fn refused_before_acting(e: &ApiError) -> bool {
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

/// The lines of a review: each change, then the identity field sent unchanged, then the
/// warnings about values that are sent all the same.
pub fn review_lines(plan: &Plan) -> Vec<String> {
    let mut lines: Vec<String> = plan.changes.iter().map(change_line).collect();
    if let Some((field, value)) = &plan.required_unchanged {
        lines.push(format!(
            "{}: \"{}\" (sent unchanged: required by the API)",
            field.label(),
            sanitize(value)
        ));
    }
    lines.extend(warning_lines(plan));
    lines
}

/// The lines of a create's review: each value sent (there is no old one), then the
/// warnings.
pub fn create_lines(plan: &Plan) -> Vec<String> {
    let mut lines: Vec<String> = plan
        .changes
        .iter()
        .map(|c| {
            let mut line = format!("{}: \"{}\"", c.field.label(), sanitize(&c.new));
            if let Some(typed) = &c.typed {
                line.push_str(&format!(" (typed \"{}\")", sanitize(typed)));
            }
            line
        })
        .collect();
    lines.extend(warning_lines(plan));
    lines
}

/// `⚠ Phone: …` for each value the form sends despite a doubt (a number the numbering
/// plan calls invalid).
fn warning_lines(plan: &Plan) -> Vec<String> {
    plan.warnings
        .iter()
        .map(|(field, w)| format!("⚠ {}: {}", field.label(), sanitize(w)))
        .collect()
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

/// `field=value` pairs by API name; `field=` clears the field.
pub fn parse_assignments(raw: &[String]) -> Result<Edits, Failure> {
    let mut edits: Edits = Vec::with_capacity(raw.len());
    for pair in raw {
        let Some((name, value)) = pair.split_once('=') else {
            return Err(Failure::usage(format!(
                "\"{}\" is not field=value (fields: {})",
                sanitize(pair),
                field_names()
            )));
        };
        let name = name.trim();
        let field = field_named(name).ok_or_else(|| {
            Failure::usage(format!(
                "unknown field \"{}\"; valid fields: {}",
                sanitize(name),
                field_names()
            ))
        })?;
        if edits.iter().any(|(f, _)| *f == field) {
            return Err(Failure::usage(format!("{name} is given twice")));
        }
        edits.push((field, value.to_string()));
    }
    Ok(edits)
}

/// The field an API name stands for.
pub fn field_named(name: &str) -> Option<Field> {
    Field::ALL.into_iter().find(|f| f.api_name() == name)
}
