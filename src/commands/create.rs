//! `create`: a new contact from the command line, with the editor's rules: the form
//! builds the body, the e-mail and the phone are looked up first so that no duplicate is
//! made by mistake, and a create whose answer is lost is looked up, never sent twice.

use super::Context;
use super::edit::{self, Edits};
use super::exit::{Code, Failure};
use super::read::Written;
use super::{ask, record};
use crate::api::{ApiError, Contact, LinqClient};
use crate::cli::CreateArgs;
use crate::form::{Plan, PlanError};
use crate::protocol::{Keys, created_among};
use crate::text::sanitize;

pub(super) async fn run(ctx: &Context, args: &CreateArgs) -> Result<Code, Failure> {
    let edits: Edits = edit::parse_assignments(&args.assignments)?;
    let plan = match edit::prepare_create(&edits, ctx.region) {
        Ok(plan) => plan,
        Err(PlanError::NothingChanged) => {
            return Err(Failure::usage(
                "nothing sent: every value given is empty; a new contact needs a first name, \
                 last name, e-mail or phone",
            ));
        }
        Err(e) => return Err(Failure::usage(format!("nothing sent: {}", e.summary()))),
    };
    eprintln!("New contact:");
    for line in edit::create_lines(&plan) {
        eprintln!("  {line}");
    }
    let asking = !args.yes && !args.dry_run;
    if asking {
        // Before any request: a script that forgot --yes learns it at no cost.
        ask::can_ask()?;
    }
    let keys = Keys::of(&plan.patch);
    // Looked up in a dry run too: it answers what the real run would do.
    let existing = existing(ctx, &keys).await?;
    refuse_duplicates(&existing, args.allow_duplicate, "")?;
    if args.dry_run {
        println!("{}", LinqClient::update_body(&plan.patch));
        eprintln!("Dry run: nothing sent.");
        return Ok(Code::Ok);
    }
    if asking {
        if !ask::confirm("Create this contact?")? {
            eprintln!("Nothing sent.");
            return Ok(Code::Ok);
        }
        // The answer may have taken minutes, long enough for a colleague to add it.
        if !args.allow_duplicate {
            let now = self::existing(ctx, &keys).await?;
            refuse_duplicates(&now, false, " (added while you were asked)")?;
        }
    }
    let created = post(ctx, &plan, &keys, &existing).await?;
    finish(ctx, &plan, &created).await
}

/// Posts `plan` once (a short pause asked by a 429 aside), says what came of it, and
/// returns the contact created. After an answer that never came it is looked up by its
/// e-mail and phone (`existing`: the contacts that had them before), never posted again.
pub(super) async fn post(
    ctx: &Context,
    plan: &Plan,
    keys: &Keys,
    existing: &[Contact],
) -> Result<Contact, Failure> {
    let error = match ctx.api.write(|| ctx.api.create(&plan.patch)).await {
        Written::Done(created) => {
            let created = created.sanitized();
            eprintln!("Created {}.", super::set::describe(&created));
            return Ok(created);
        }
        Written::Refused(e) => return Err(refused(&e)),
        Written::ComeBack { error, after } => {
            return Err(edit::put_off("nothing created", &error, after));
        }
        Written::Lost(e) => e,
    };
    let created = look_for_it(ctx, keys, plan, existing, &error).await?;
    eprintln!(
        "The answer to the create was lost ({}); looking up {} shows it was created: {}.",
        error.headline(),
        keys.describe(),
        super::set::describe(&created)
    );
    Ok(created)
}

/// The id on stdout (alone, for scripts), the server's changes to what was sent on
/// stderr, and the journal entry.
async fn finish(ctx: &Context, plan: &Plan, created: &Contact) -> Result<Code, Failure> {
    println!("{}", created.id);
    // An owner the server assigned is what an empty owner asks for, not a warning.
    let changed = crate::protocol::create::not_stored(&plan.patch, created);
    for line in edit::unapplied_lines(&changed) {
        eprintln!("{line}");
    }
    record::say(ctx.journal.create(&plan.patch, created).await);
    Ok(Code::Ok)
}

/// The refusal of a POST the server did not act on: a 422 is a validation error (exit 2)
/// with every message the server gave. A 404 here is a wrong API address, not a missing
/// contact, so it is not exit 4.
fn refused(e: &ApiError) -> Failure {
    let mut failure = Failure::api(e);
    if failure.code == Code::NotFound {
        failure.code = Code::Api;
    }
    failure.message = format!("nothing created: {}", failure.message);
    failure
}

/// The contacts that already have the e-mail or the phone, each once.
pub(super) async fn existing(ctx: &Context, keys: &Keys) -> Result<Vec<Contact>, Failure> {
    lookup(ctx, keys).await.map_err(|e| {
        let mut failure = Failure::api(&e);
        failure.message = format!(
            "nothing sent: the check for an existing contact failed: {}",
            failure.message
        );
        failure
    })
}

async fn lookup(ctx: &Context, keys: &Keys) -> Result<Vec<Contact>, ApiError> {
    ctx.api.lookup(&keys.lookups()).await
}

/// Exit 3 for a contact that exists already, unless `--allow-duplicate`; then a note.
fn refuse_duplicates(existing: &[Contact], allowed: bool, why: &str) -> Result<(), Failure> {
    if existing.is_empty() {
        return Ok(());
    }
    let lines: Vec<String> = existing
        .iter()
        .map(|c| format!("already exists{why}: {}", summary(c)))
        .collect();
    if allowed {
        for line in &lines {
            eprintln!("Note: {line}; creating another (--allow-duplicate).");
        }
        return Ok(());
    }
    Err(Failure::new(
        Code::Conflict,
        format!(
            "{}\nnothing sent; --allow-duplicate creates another contact all the same",
            lines.join("\n")
        ),
    ))
}

/// `contact 1002 (Jordan Blake, jordan.blake@example.com, +15550102000)`, leaving out
/// what is empty.
pub(super) fn summary(c: &Contact) -> String {
    let parts: Vec<String> = [&c.full_name, &c.email, &c.phone_number]
        .into_iter()
        .map(|s| sanitize(s).trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    if parts.is_empty() {
        format!("contact {}", c.id)
    } else {
        format!("contact {} ({})", c.id, parts.join(", "))
    }
}

/// After a POST with no usable answer: the contact is looked up by what was sent. Found,
/// new and holding the values sent, it was created. Anything else is an exit 1 that says
/// nothing was re-sent.
async fn look_for_it(
    ctx: &Context,
    keys: &Keys,
    plan: &Plan,
    before: &[Contact],
    error: &ApiError,
) -> Result<Contact, Failure> {
    let unknown = |rest: String| {
        Failure::new(
            Code::Api,
            format!("outcome unknown ({}): {rest}", error.headline()),
        )
    };
    if keys.email.is_none() && keys.phone.is_none() {
        return Err(unknown(
            "a contact without an e-mail or phone cannot be looked up, so whether it was \
             created is not known; nothing was re-sent"
                .to_string(),
        ));
    }
    let found = lookup(ctx, keys).await.map_err(|e| {
        unknown(format!(
            "looking it up by {} failed too ({}); nothing was re-sent",
            keys.describe(),
            e.headline()
        ))
    })?;
    let as_of = edit::clock();
    if let Some(made) = created_among(&plan.patch, before, &found) {
        return Ok(made.clone());
    }
    let new: Vec<&Contact> = found
        .iter()
        .filter(|c| !before.iter().any(|b| b.id == c.id))
        .collect();
    match found.first() {
        None => Err(unknown(format!(
            "not created as of {as_of}; nothing was re-sent"
        ))),
        Some(other) => Err(unknown(format!(
            "looking up {} finds only {}, which {}; nothing was re-sent",
            keys.describe(),
            summary(other),
            if new.is_empty() {
                "existed before"
            } else {
                "does not hold the values sent"
            }
        ))),
    }
}
