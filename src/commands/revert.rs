//! `revert ENTRY | --batch ID`: journal entries taken back with the editor's rules
//! ([`crate::protocol::revert`]): a save's fields get their old values back unless a
//! colleague changed them since (a conflict, not sent); a merge's deleted contacts are
//! made again from the records the journal kept, under new ids. A batch's saves go
//! first, then its deletes. What is sent is journalled, under a batch of its own when
//! there is more than one entry.

use super::Context;
use super::edit::{self, Outcome};
use super::exit::{Code, Failure};
use super::{ask, record};
use crate::api::Contact;
use crate::cli::{Cli, RevertArgs};
use crate::form::{Plan, PlanError};
use crate::journal::{Entry, Journal};
use crate::protocol::revert::{self, TakeBack};
use crate::protocol::{Keys, Verdict};
use crate::setup::Setup;
use crate::target::Target;
use crate::text::sanitize;

pub(super) async fn run(cli: &Cli, args: &RevertArgs) -> Result<Code, Failure> {
    let chosen = chosen(cli, args)?;
    let (creates, entries): (Vec<Entry>, Vec<Entry>) =
        chosen.into_iter().partition(Entry::is_create);
    for e in &creates {
        eprintln!(
            "Not taken back: entry {} created contact {} (before it there was no contact).",
            sanitize(&e.id),
            e.contact_id
        );
    }
    if entries.is_empty() {
        return Err(Failure::usage(
            "nothing sent: a create cannot be taken back (there was no contact before it)",
        ));
    }
    if !args.yes {
        // Before any request: a script that forgot --yes learns it at no cost.
        ask::can_ask()?;
    }
    let ctx = super::context(cli, None, super::loud_retries()).await?;
    let steps = plan(&ctx, &entries).await?;
    for line in review(&steps) {
        eprintln!("{line}");
    }
    let conflicts = steps.iter().any(Step::has_conflict);
    if !steps.iter().any(Step::sends) {
        eprintln!("Nothing to send.");
        return Ok(if conflicts { Code::Conflict } else { Code::Ok });
    }
    if !args.yes {
        if !ask::confirm("Send these?")? {
            eprintln!("Nothing sent.");
            return Ok(Code::Ok);
        }
        // The answer may have taken minutes: a save made meanwhile is never overwritten.
        for step in &steps {
            if let Step::Save { entry, back } = step {
                let now = read(&ctx, entry.contact_id).await?;
                if now.map(|c| crate::form::clean_record(&c).0) != Some(back.now.clone()) {
                    return Err(Failure::new(
                        Code::Conflict,
                        format!(
                            "nothing sent: contact {} changed on the server while you were \
                             asked; run the command again to review it afresh",
                            entry.contact_id
                        ),
                    ));
                }
            }
        }
    }
    let batch = (entries.len() > 1).then(crate::journal::new_id);
    let mut failed = Vec::new();
    for step in &steps {
        if let Err(failure) = send(&ctx, step, batch.as_deref()).await {
            failed.push(failure.message);
        }
    }
    if let Some(batch) = &batch {
        println!("{batch}");
    }
    if !failed.is_empty() {
        return Err(Failure::new(Code::Api, failed.join("\n")));
    }
    if conflicts {
        return Err(Failure::new(
            Code::Conflict,
            "not everything was taken back: a field changed since by someone else was left \
             as it is",
        ));
    }
    Ok(Code::Ok)
}

/// The entries named: one by its id, or every entry of the batch (newest first).
fn chosen(cli: &Cli, args: &RevertArgs) -> Result<Vec<Entry>, Failure> {
    let offline = Setup::offline(cli)?;
    let journal: Journal = offline.journal.ok_or_else(|| {
        Failure::usage("no state directory for the journal: set XDG_STATE_HOME or HOME")
    })?;
    let read = journal
        .entries(&offline.server_key, None)
        .map_err(|e| Failure::new(Code::Api, sanitize(&e.to_string())))?;
    if let Some(note) = read.skipped_note() {
        eprintln!("linq-contact: warning: {note}");
    }
    let (found, what): (Vec<Entry>, String) = match (&args.entry, &args.batch) {
        (Some(id), _) => (
            read.entries
                .into_iter()
                .filter(|e| e.id == id.trim())
                .take(1)
                .collect(),
            format!("no journal entry {}", sanitize(id)),
        ),
        (None, Some(batch)) => (
            read.entries
                .into_iter()
                .filter(|e| e.batch.as_deref() == Some(batch.trim()))
                .collect(),
            format!("no journal entry in batch {}", sanitize(batch)),
        ),
        (None, None) => return Err(Failure::usage("name an entry, or a batch with --batch")),
    };
    if found.is_empty() {
        return Err(Failure::usage(format!(
            "{what} for {} (`history --json` lists them with their ids)",
            sanitize(&offline.server_key)
        )));
    }
    Ok(found)
}

/// One entry taken back.
enum Step {
    /// A save, against the contact as it is now.
    Save { entry: Entry, back: Box<TakeBack> },
    /// A save of a contact that is no more.
    Gone { entry: Box<Entry> },
    /// A deleted contact, to make again.
    Recreate {
        entry: Entry,
        plan: Box<Result<Plan, PlanError>>,
    },
}

impl Step {
    fn has_conflict(&self) -> bool {
        matches!(self, Step::Save { back, .. } if !back.conflicts.is_empty())
    }

    fn sends(&self) -> bool {
        match self {
            Step::Save { back, .. } => back.plan.is_ok(),
            Step::Recreate { plan, .. } => plan.is_ok(),
            Step::Gone { .. } => false,
        }
    }
}

async fn plan(ctx: &Context, entries: &[Entry]) -> Result<Vec<Step>, Failure> {
    let mut steps = Vec::new();
    for entry in revert::order(entries) {
        let entry = entry.clone();
        if entry.is_delete() {
            let plan =
                revert::recreate(&entry, ctx.region).unwrap_or(Err(PlanError::NothingChanged));
            steps.push(Step::Recreate {
                entry,
                plan: Box::new(plan),
            });
            continue;
        }
        match read(ctx, entry.contact_id).await? {
            Some(now) => {
                let back = Box::new(revert::take_back(&entry, &now, ctx.region));
                steps.push(Step::Save { entry, back });
            }
            None => steps.push(Step::Gone {
                entry: Box::new(entry),
            }),
        }
    }
    Ok(steps)
}

async fn read(ctx: &Context, id: u64) -> Result<Option<Contact>, Failure> {
    ctx.api
        .resolve(&Target::Id(id))
        .await
        .map_err(|e| Failure::api(&e))
}

/// Per entry: what goes back (old → new), what stands as a conflict, and what is made
/// again.
fn review(steps: &[Step]) -> Vec<String> {
    let mut lines = Vec::new();
    for step in steps {
        match step {
            Step::Save { entry, back } => {
                lines.push(format!(
                    "{}, taking back the save of {} (entry {}):",
                    super::set::describe(&back.now),
                    sanitize(&entry.at),
                    sanitize(&entry.id)
                ));
                match &back.plan {
                    Ok(plan) => {
                        lines.extend(edit::review_lines(plan).iter().map(|l| format!("  {l}")))
                    }
                    Err(PlanError::NothingChanged) if back.conflicts.is_empty() => {
                        lines.push(
                            "  nothing to send: the fields hold their old values already".into(),
                        );
                    }
                    Err(PlanError::NothingChanged) => {}
                    Err(e) => lines.push(format!("  not sent: {}", e.summary())),
                }
                for c in &back.conflicts {
                    lines.push(format!(
                        "  conflict, not sent: {} was changed since by someone else to \"{}\" \
                         (this save stored \"{}\", before it \"{}\")",
                        c.field.label(),
                        sanitize(&c.theirs),
                        sanitize(&c.loaded),
                        sanitize(&c.yours)
                    ));
                }
            }
            Step::Gone { entry } => lines.push(format!(
                "contact {} (entry {}): not found now, so its save cannot be taken back",
                entry.contact_id,
                sanitize(&entry.id)
            )),
            Step::Recreate { entry, plan } => {
                let merged = entry
                    .merged_into
                    .map_or(String::new(), |k| format!(", merged into {k}"));
                lines.push(format!(
                    "contact {} (deleted {}{merged}; entry {}), made again with a new id; \
                     its linked user contacts are not restored:",
                    entry.contact_id,
                    sanitize(&entry.at),
                    sanitize(&entry.id)
                ));
                match plan.as_ref() {
                    Ok(plan) => {
                        lines.extend(edit::create_lines(plan).iter().map(|l| format!("  {l}")))
                    }
                    Err(e) => lines.push(format!("  not sent: {}", e.summary())),
                }
            }
        }
    }
    lines
}

/// Sends one step and journals what it did; a failure's message names the contact.
async fn send(ctx: &Context, step: &Step, batch: Option<&str>) -> Result<(), Failure> {
    match step {
        Step::Save { entry, back } => {
            let Ok(plan) = &back.plan else {
                return Ok(());
            };
            let who = super::set::describe(&back.now);
            match edit::send(&ctx.api, &back.now, &plan.patch).await {
                Outcome::Settled(known) => {
                    let (contact, settled, _, _) = known.parts();
                    if let Some(e) = settled.journal(&plan.patch, &back.now, &contact) {
                        record::say(ctx.journal.append(e.in_batch(batch), &contact).await);
                    }
                    for line in edit::unapplied_lines(&settled.warnings()) {
                        eprintln!("{line}");
                    }
                    if settled.verdict == Verdict::Stored {
                        eprintln!(
                            "Took back entry {} on {who}: {}.",
                            sanitize(&entry.id),
                            edit::changed_names(plan)
                        );
                        Ok(())
                    } else {
                        Err(Failure::new(
                            Code::Api,
                            format!(
                                "{who}: not stored: {}",
                                edit::names(&settled.not_stored_fields())
                            ),
                        ))
                    }
                }
                Outcome::Refused(e) => Err(Failure::new(
                    Code::Api,
                    format!("{who}: nothing sent: {}", super::exit::one_line(&e)),
                )),
                Outcome::ComeBack { error, after } => Err(edit::put_off(
                    &format!("{who}: nothing saved"),
                    &error,
                    after,
                )),
                Outcome::Unknown { error, reread } => Err(Failure::new(
                    Code::Api,
                    format!(
                        "{who}: outcome unknown ({}), and reading it back failed too ({})",
                        error.headline(),
                        reread.headline()
                    ),
                )),
            }
        }
        Step::Recreate { entry, plan } => {
            let Ok(plan) = plan.as_ref() else {
                return Ok(());
            };
            let keys = Keys::of(&plan.patch);
            let existing = super::create::existing(ctx, &keys).await?;
            let created = super::create::post(ctx, plan, &keys, &existing)
                .await
                .map_err(|mut f| {
                    f.message =
                        format!("contact {} not made again: {}", entry.contact_id, f.message);
                    f
                })?;
            eprintln!(
                "Contact {} is back as contact {} (a new id; its linked user contacts are not \
                 restored).",
                entry.contact_id, created.id
            );
            let made = Entry::of_create("", "", &plan.patch, &created).in_batch(batch);
            record::say(ctx.journal.append(made, &created).await);
            Ok(())
        }
        Step::Gone { .. } => Ok(()),
    }
}
