//! `set`: change fields of one contact from the command line, with the editor's review
//! (each change as old → new), its question before sending, and its check afterwards.

use super::Context;
use super::edit::{self, Outcome};
use super::exit::{Code, Failure};
use super::{ask, record};
use crate::api::{Contact, LinqClient};
use crate::cli::SetArgs;
use crate::form::PlanError;
use crate::protocol::Verdict;
use crate::text::sanitize;
use chrono::{DateTime, FixedOffset};

pub(super) async fn run(ctx: &Context, args: &SetArgs) -> Result<Code, Failure> {
    let edits = edit::parse_assignments(&args.assignments)?;
    let since = args
        .if_unchanged_since
        .as_deref()
        .map(parse_time)
        .transpose()?;
    let target = ctx
        .target
        .as_ref()
        .ok_or_else(|| Failure::usage("no contact given"))?;
    let raw = super::get::find(ctx, target).await?;
    if let Some(since) = since {
        unchanged_since(&raw, since)?;
    }
    let prepared = edit::prepare(&raw, &edits, ctx.region);
    let before = &prepared.before;
    let who = describe(before);
    let plan = match prepared.plan {
        Ok(plan) => plan,
        Err(PlanError::NothingChanged) => {
            eprintln!("Nothing to send: {who} already has these values.");
            return Ok(Code::Ok);
        }
        Err(e) => return Err(Failure::usage(format!("nothing sent: {}", e.summary()))),
    };
    eprintln!("{who}, updated {}:", before.updated_at);
    for line in edit::review_lines(&plan) {
        eprintln!("  {line}");
    }
    if args.dry_run {
        println!("{}", LinqClient::update_body(&plan.patch));
        eprintln!("Dry run: nothing sent.");
        return Ok(Code::Ok);
    }
    if !args.yes {
        ask::can_ask()?;
        if !ask::confirm(&format!("Send these changes to {who}?"))? {
            eprintln!("Nothing sent.");
            return Ok(Code::Ok);
        }
        // The answer may have taken minutes: a save made meanwhile is never overwritten.
        let now = ctx.api.reread(raw.id).await.map_err(|e| Failure::api(&e))?;
        if now != raw {
            return Err(Failure::new(
                Code::Conflict,
                format!(
                    "nothing sent: {who} changed on the server while you were asked (updated \
                     {}); run the command again to review it afresh",
                    sanitize(&now.updated_at)
                ),
            ));
        }
    }
    match edit::send(&ctx.api, before, &plan.patch).await {
        Outcome::Settled(known) => {
            let (contact, settled, lost, checked_at) = known.parts();
            if let Some(entry) = settled.journal(&plan.patch, before, &contact) {
                record::say(ctx.journal.append(entry, &contact).await);
            }
            let lost_line = lost.as_ref().map(|e| {
                format!(
                    "The answer to the save was lost ({}); reading {who} back at {checked_at} \
                     shows ",
                    e.headline()
                )
            });
            match settled.verdict {
                Verdict::Stored => {
                    match lost_line {
                        Some(line) => eprintln!(
                            "{line}the values stored (updated {}).",
                            sanitize(&contact.updated_at)
                        ),
                        None => eprintln!(
                            "Saved {who}: {}; updated {}.",
                            edit::changed_names(&plan),
                            sanitize(&contact.updated_at)
                        ),
                    }
                    warn(&edit::unapplied_lines(&settled.warnings()));
                    Ok(Code::Ok)
                }
                Verdict::Partial => {
                    let lead = lost_line.unwrap_or_default();
                    if settled.stored.is_empty() {
                        eprintln!(
                            "{lead}{who} answered the save without storing what was sent; \
                             updated {}.",
                            sanitize(&contact.updated_at)
                        );
                    } else {
                        eprintln!(
                            "{lead}{who} partly saved: {} stored; updated {}.",
                            edit::names(&settled.stored),
                            sanitize(&contact.updated_at)
                        );
                    }
                    warn(&edit::unapplied_lines(&settled.warnings()));
                    Err(Failure::new(
                        Code::Api,
                        format!(
                            "not stored: {}; run the command again to send them",
                            edit::names(&settled.not_stored_fields())
                        ),
                    ))
                }
                Verdict::NotStored => Err(Failure::new(
                    Code::Api,
                    format!(
                        "outcome unknown ({}): not stored as of {checked_at}; it was not re-sent",
                        lost.as_ref().map_or_else(String::new, |e| e.headline())
                    ),
                )),
            }
        }
        Outcome::Refused(e) => Err(Failure::api(&e)),
        Outcome::ComeBack { error, after } => Err(edit::put_off("nothing saved", &error, after)),
        Outcome::Unknown { error, reread } => Err(Failure::new(
            Code::Api,
            format!(
                "outcome unknown ({}), and reading the contact back failed too ({}); run \
                 `linq-contact get {}` to see what the server holds",
                error.headline(),
                reread.headline(),
                before.id
            ),
        )),
    }
}

fn parse_time(raw: &str) -> Result<DateTime<FixedOffset>, Failure> {
    DateTime::parse_from_rfc3339(raw.trim()).map_err(|_| {
        Failure::usage(format!(
            "--if-unchanged-since: \"{}\" is not a timestamp like \
             2025-07-30T10:00:00.000-05:00 (as `get` prints it)",
            sanitize(raw)
        ))
    })
}

/// Refuses (exit 3) when the stored record is newer than `since`, or cannot be dated.
fn unchanged_since(c: &Contact, since: DateTime<FixedOffset>) -> Result<(), Failure> {
    let stored = sanitize(&c.updated_at);
    match DateTime::parse_from_rfc3339(c.updated_at.trim()) {
        Ok(updated) if updated <= since => Ok(()),
        Ok(_) => Err(Failure::new(
            Code::Conflict,
            format!(
                "nothing sent: {} changed on the server at {stored}, after {}",
                describe(c),
                since.to_rfc3339()
            ),
        )),
        Err(_) => Err(Failure::new(
            Code::Conflict,
            format!(
                "nothing sent: {}'s updated_at (\"{stored}\") is not a timestamp, so \
                 --if-unchanged-since cannot be checked",
                describe(c)
            ),
        )),
    }
}

/// `contact 1002 (Jordan Blake)`.
pub(super) fn describe(c: &Contact) -> String {
    let name = sanitize(&c.full_name);
    if name.trim().is_empty() {
        format!("contact {}", c.id)
    } else {
        format!("contact {} ({})", c.id, name.trim())
    }
}

fn warn(lines: &[String]) {
    for line in lines {
        eprintln!("{line}");
    }
}
