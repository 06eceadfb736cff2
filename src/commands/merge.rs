//! `merge ID ID… --keep ID`: contacts that are one person become one. The plan is the
//! core's ([`crate::protocol::merge`]); this runs it: every contact read, the review on
//! stderr, a question (or `--yes`), a look for changes made meanwhile, then the
//! survivor's save and, only once the server holds all of it, each delete. Every step
//! is journalled under one batch id, printed on stdout for `revert --batch`.

use super::Context;
use super::edit::{self, Outcome};
use super::exit::{Code, Failure};
use super::remove::{self, Removal};
use super::{ask, record};
use crate::api::{Contact, LinqClient};
use crate::cli::MergeArgs;
use crate::form::Field;
use crate::protocol::Verdict;
use crate::protocol::delete::Verdict as Gone;
use crate::protocol::merge::{self, MergePlan};
use crate::target::Target;
use crate::text::sanitize;

pub(super) async fn run(ctx: &Context, args: &MergeArgs) -> Result<Code, Failure> {
    let takes = parse_takes(&args.take)?;
    if !args.ids.contains(&args.keep) {
        return Err(Failure::usage(format!(
            "--keep {} is not one of the contacts to merge",
            args.keep
        )));
    }
    let asking = !args.yes && !args.dry_run;
    if asking {
        // Before any request: a script that forgot --yes learns it at no cost.
        ask::can_ask()?;
    }
    let read = read_all(ctx, &args.ids).await?;
    let plan = merge::plan(&read, args.keep, &takes, ctx.region)
        .map_err(|e| Failure::usage(format!("nothing sent: {}", e.describe())))?;
    for line in review(ctx, &plan) {
        eprintln!("{line}");
    }
    if args.dry_run {
        if let Some(save) = &plan.save {
            println!("{}", LinqClient::update_body(&save.patch));
        }
        eprintln!("Dry run: nothing sent.");
        return Ok(Code::Ok);
    }
    ask::confirm_production(&ctx.profile, &ctx.api_url, args.yes, "merge")?;
    if asking {
        let question = format!(
            "Save contact {} and delete {}?",
            plan.keep.id,
            count(plan.deletes.len())
        );
        if !ask::confirm(&question)? {
            eprintln!("Nothing sent.");
            return Ok(Code::Ok);
        }
        // The answer may have taken minutes: a save made meanwhile is never overwritten,
        // and a contact changed meanwhile is never deleted unseen.
        let now = read_all(ctx, &args.ids).await?;
        if let Some(changed) = now.iter().find(|c| !read.contains(c)) {
            return Err(Failure::new(
                Code::Conflict,
                format!(
                    "nothing sent: {} changed on the server while you were asked (updated \
                     {}); run the command again to review it afresh",
                    super::set::describe(changed),
                    sanitize(&changed.updated_at)
                ),
            ));
        }
    }
    send(ctx, &plan).await
}

/// `title=1040` pairs: a field by its API name, then one of the ids.
fn parse_takes(raw: &[String]) -> Result<Vec<(Field, u64)>, Failure> {
    raw.iter()
        .map(|pair| {
            let (name, id) = pair.split_once('=').ok_or_else(|| {
                Failure::usage(format!(
                    "--take \"{}\" is not FIELD=ID (fields: {})",
                    sanitize(pair),
                    edit::field_names()
                ))
            })?;
            let field = edit::field_named(name.trim()).ok_or_else(|| {
                Failure::usage(format!(
                    "--take: unknown field \"{}\"; valid fields: {}",
                    sanitize(name.trim()),
                    edit::field_names()
                ))
            })?;
            let id = id.trim().parse::<u64>().map_err(|_| {
                Failure::usage(format!(
                    "--take {}: \"{}\" is not a contact id",
                    name.trim(),
                    sanitize(id)
                ))
            })?;
            Ok((field, id))
        })
        .collect()
}

/// Every contact, in the order named; one not found stops everything (exit 4).
async fn read_all(ctx: &Context, ids: &[u64]) -> Result<Vec<Contact>, Failure> {
    let mut read = Vec::with_capacity(ids.len());
    for id in ids {
        let target = Target::Id(*id);
        match ctx.api.resolve(&target).await {
            Ok(Some(contact)) => read.push(contact),
            Ok(None) => {
                return Err(Failure::new(
                    Code::NotFound,
                    format!("nothing sent: {}", super::read::not_found(&target)),
                ));
            }
            Err(e) => return Err(Failure::api(&e)),
        }
    }
    Ok(read)
}

/// The survivor's PUT (each change with where its value comes from, and the exact
/// body), each DELETE, and what cannot be undone.
fn review(ctx: &Context, plan: &MergePlan) -> Vec<String> {
    let base = ctx.api.client.base_url();
    let mut lines = vec![format!(
        "Merge into {}, updated {}:",
        super::set::describe(&plan.keep),
        sanitize(&plan.keep.updated_at)
    )];
    match &plan.save {
        Some(save) => {
            lines.push(format!(
                "  PUT {base}/api/partner/v2/contacts/{}",
                plan.keep.id
            ));
            let mut changes = edit::review_lines(save).into_iter();
            for change in &save.changes {
                let line = changes.next().unwrap_or_default();
                let from = plan.source(change.field).map_or(String::new(), |t| {
                    let chosen = if t.chosen { ", --take" } else { "" };
                    format!(" (from contact {}{chosen})", t.from)
                });
                lines.push(format!("    {line}{from}"));
            }
            lines.extend(changes.map(|line| format!("    {line}")));
            lines.push(format!("    {}", LinqClient::update_body(&save.patch)));
        }
        None => lines.push(format!(
            "  (no PUT: contact {} holds every value it keeps already)",
            plan.keep.id
        )),
    }
    for gone in &plan.deletes {
        lines.push(format!(
            "  DELETE {base}/api/partner/v2/contacts/{}  {}",
            gone.id,
            super::create::summary(gone)
        ));
    }
    lines.push(merge::CANNOT_UNDO.to_string());
    lines
}

/// The save, then (only when all of it is stored) each delete, each journalled in one
/// batch; the batch id on stdout when anything was done.
async fn send(ctx: &Context, plan: &MergePlan) -> Result<Code, Failure> {
    let batch = crate::journal::new_id();
    let who = super::set::describe(&plan.keep);
    if let Some(save) = &plan.save {
        match edit::send(&ctx.api, &plan.keep, &save.patch).await {
            Outcome::Settled(known) => {
                let (contact, settled, lost, checked_at) = known.parts();
                if let Some(entry) = settled.journal(&save.patch, &plan.keep, &contact) {
                    let entry = entry.in_batch(Some(&batch));
                    record::say(ctx.journal.append(entry, &contact).await);
                }
                for line in edit::unapplied_lines(&settled.warnings()) {
                    eprintln!("{line}");
                }
                if settled.verdict != Verdict::Stored {
                    if !settled.stored.is_empty() {
                        println!("{batch}");
                    }
                    let lost = lost.map_or(String::new(), |e| {
                        format!(
                            " (the answer was lost: {}; read back at {checked_at})",
                            e.headline()
                        )
                    });
                    return Err(Failure::new(
                        Code::Api,
                        format!(
                            "{who} did not store {}{lost}; nothing was deleted",
                            edit::names(&settled.not_stored_fields())
                        ),
                    ));
                }
                match lost {
                    Some(e) => eprintln!(
                        "The answer to the save was lost ({}); reading {who} back at \
                         {checked_at} shows the values stored.",
                        e.headline()
                    ),
                    None => eprintln!("Saved {who}: {}.", edit::changed_names(save)),
                }
            }
            Outcome::Refused(e) => {
                let mut failure = Failure::api(&e);
                failure.message = format!("nothing merged: {}", failure.message);
                return Err(failure);
            }
            Outcome::ComeBack { error, after } => {
                return Err(edit::put_off("nothing merged", &error, after));
            }
            Outcome::Unknown { error, reread } => {
                return Err(Failure::new(
                    Code::Api,
                    format!(
                        "outcome of the save unknown ({}), and reading {who} back failed too \
                         ({}); nothing was deleted",
                        error.headline(),
                        reread.headline()
                    ),
                ));
            }
        }
    }
    let mut failed = Vec::new();
    let mut deleted = 0;
    for gone in &plan.deletes {
        let name = super::set::describe(gone);
        match remove::delete(&ctx.api, gone.id).await {
            Removal::Settled {
                verdict,
                lost,
                checked_at,
            } if verdict.is_deleted() => {
                deleted += 1;
                record::say(ctx.journal.deleted(plan.deleted_entry(gone, &batch)).await);
                match (verdict, lost) {
                    (Gone::DeletedAsRead, Some(e)) => eprintln!(
                        "The answer to the delete of {name} was lost ({}); reading it back at \
                         {checked_at} finds none: deleted.",
                        e.headline()
                    ),
                    _ => eprintln!("Deleted {name}."),
                }
            }
            Removal::Settled {
                lost, checked_at, ..
            } => failed.push(format!(
                "{name}: the answer to the delete was lost ({}); reading it back at \
                 {checked_at} finds it still there: not deleted, and not sent again",
                lost.map_or(String::new(), |e| e.headline())
            )),
            Removal::Refused(e) => failed.push(format!(
                "{name}: not deleted: {}",
                super::exit::one_line(&e)
            )),
            Removal::ComeBack { error, after } => failed.push(format!(
                "{name}: not deleted: {}; {}",
                error.headline(),
                edit::come_back(after)
            )),
            Removal::Unknown { error, reread } => failed.push(format!(
                "{name}: outcome of the delete unknown ({}), and reading it back failed too \
                 ({}); it was not sent again",
                error.headline(),
                reread.headline()
            )),
        }
    }
    if plan.save.is_some() || deleted > 0 {
        println!("{batch}");
    }
    if failed.is_empty() {
        eprintln!(
            "Merged {} into {who}; `linq-contact revert --batch {batch}` takes it back.",
            count(deleted)
        );
        return Ok(Code::Ok);
    }
    Err(Failure::new(
        Code::Api,
        format!(
            "merged {} into {who} (batch {batch}); not deleted:\n{}",
            count(deleted),
            failed.join("\n")
        ),
    ))
}

/// "1 contact", "2 contacts".
fn count(n: usize) -> String {
    if n == 1 {
        "1 contact".to_string()
    } else {
        format!("{n} contacts")
    }
}
