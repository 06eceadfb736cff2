//! One contact's change, as `set` and every `apply` row make it: the editor's form builds
//! the body, the client sends it, and what the server stored is compared with what was
//! sent. Nothing here validates or builds a body on its own.

use super::exit::Failure;
use super::read::{Api, Written};
use crate::api::{ApiError, Contact, ContactPatch};
use crate::form::{Change, Field, Form, Plan, PlanError, Unapplied};
use crate::protocol::Settled;
use crate::text::sanitize;
use phonenumber::country::Id as Region;
use std::time::Duration;

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
    let plan = edited(&before, edits, region).plan_avoiding(&cleaned);
    Prepared { before, plan }
}

/// The form loaded with `record` (already cleaned) and filled with the edits.
pub fn edited(record: &Contact, edits: &Edits, region: Region) -> Form {
    let mut form = Form::new(record, region);
    fill(&mut form, edits);
    form
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

/// The server's record once a save is settled: the answer to the PUT, or (`lost`) a
/// read after an answer that never came. `checked_at`: the local time of that read
/// (HH:MM:SS).
#[derive(Debug, Clone)]
pub struct Known {
    pub contact: Contact,
    pub settled: Settled,
    pub lost: Option<ApiError>,
    pub checked_at: String,
}

impl Known {
    /// The record, the verdict, the lost answer and the time of the read, to be used
    /// apart.
    pub fn parts(self) -> (Contact, Settled, Option<ApiError>, String) {
        (self.contact, self.settled, self.lost, self.checked_at)
    }
}

/// How a save ended, as the protocol judges it.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// The server's record is known: the answer to the PUT, or (`lost`) a read after an
    /// answer that never came. `checked_at`: the local time of that read (HH:MM:SS).
    Settled(Box<Known>),
    /// The server did not act (a refusal, or the request never left).
    Refused(ApiError),
    /// The server asked for a longer pause than is waited out, or asked twice.
    ComeBack {
        error: ApiError,
        after: Option<Duration>,
    },
    /// No usable answer, and the record could not be read either.
    Unknown { error: ApiError, reread: ApiError },
}

/// Sends the patch and finds out what the server holds afterwards: a short pause asked
/// by a 429 is waited out once, any answer after which the server may have acted is
/// read back, never re-sent.
pub async fn send(api: &Api, before: &Contact, patch: &ContactPatch) -> Outcome {
    let error = match api.write(|| api.save(before.id, patch)).await {
        Written::Done(stored) => {
            let contact = stored.sanitized();
            return Outcome::Settled(Box::new(Known {
                settled: Settled::after_answer(patch, before, &contact),
                contact,
                lost: None,
                checked_at: clock(),
            }));
        }
        Written::Refused(e) => return Outcome::Refused(e),
        Written::ComeBack { error, after } => return Outcome::ComeBack { error, after },
        Written::Lost(e) => e,
    };
    match api.reread(before.id).await {
        Ok(now) => {
            let contact = now.sanitized();
            Outcome::Settled(Box::new(Known {
                settled: Settled::after_reread(patch, before, &contact),
                contact,
                lost: Some(error),
                checked_at: clock(),
            }))
        }
        Err(reread) => Outcome::Unknown { error, reread },
    }
}

/// The local time of a check, as the editor shows it.
pub fn clock() -> String {
    chrono::Local::now().format("%H:%M:%S").to_string()
}

/// `title, company`: API names, for messages.
pub fn names(fields: &[Field]) -> String {
    fields
        .iter()
        .map(|f| f.api_name())
        .collect::<Vec<_>>()
        .join(", ")
}

/// "come back in 90 s", or "come back later" when the server named no time.
/// A write the server put off (a long pause, or a second one): `nothing` says what did
/// not happen ("nothing saved"), and when to come back.
pub fn put_off(nothing: &str, error: &ApiError, after: Option<Duration>) -> Failure {
    Failure::new(
        super::exit::Code::Api,
        format!("{nothing}: {}; {}", error.headline(), come_back(after)),
    )
}

pub fn come_back(after: Option<Duration>) -> String {
    match after {
        Some(d) => format!(
            "the server asks for a pause of {} s; try again then",
            d.as_secs()
        ),
        None => "the server asked twice for a pause; try again in a minute".to_string(),
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
    crate::form::api_names(", ")
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
