//! `history`: the journal of saves, creates and deletes made from this machine, for one
//! server, newest first: a table of `field: old → new` lines, or the entries as JSON
//! lines (each with its `id`, for `revert`, and its `batch`).
//!
//! The journal is local, so an id (or no contact at all) needs neither the network nor a
//! token. An e-mail or a phone is resolved with the find endpoint, as the editor opens
//! it; when no contact has it now (an address changed since), the entries that set it or
//! changed it away are shown instead.

use super::exit::{Code, Failure};
use super::get::escape_c1;
use crate::cli::{Cli, HistoryArgs};
use crate::form::Field;
use crate::journal::{Entry, FieldChange, Journal};
use crate::setup::Setup;
use crate::target::{Target, parse_target};
use crate::text::sanitize;

pub(super) async fn run(cli: &Cli, args: &HistoryArgs) -> Result<Code, Failure> {
    // Reading the journal by id sends nothing, so it needs no token.
    let offline = Setup::offline(cli)?;
    let server = offline.server_key;
    let target = args
        .contact
        .as_deref()
        .map(|raw| parse_target(raw, offline.config.region))
        .transpose()
        .map_err(|e| Failure::usage(crate::text::sanitize_snippet(&e, 120)))?;
    let journal = offline.journal.ok_or_else(|| {
        Failure::usage("no state directory for the journal: set XDG_STATE_HOME or HOME")
    })?;
    let by_address = matches!(target, Some(Target::Email(_) | Target::Phone(_)));
    if !by_address {
        // An address goes through the full configuration, which says them itself.
        for warning in &offline.config.warnings {
            eprintln!("linq-contact: warning: {warning}");
        }
    }
    let (entries, about) = match (&target, args.contact.as_deref()) {
        (Some(Target::Id(id)), _) => (read(&journal, &server, Some(*id))?, format!("contact {id}")),
        (Some(target), Some(raw)) => entries_of_address(cli, &journal, target, raw).await?,
        _ => (read(&journal, &server, None)?, "any contact".to_string()),
    };
    if entries.is_empty() {
        eprintln!(
            "No saves or creates of {about} on {server} are recorded on this machine \
             (journal: {}).",
            journal.path().display()
        );
        return Ok(Code::Ok);
    }
    let limit = usize::try_from(args.limit).unwrap_or(usize::MAX);
    let shown = &entries[..entries.len().min(limit)];
    if args.json {
        for entry in shown {
            let line = serde_json::to_string(entry).map_err(|e| {
                Failure::new(Code::Api, format!("cannot encode a journal entry: {e}"))
            })?;
            println!("{}", escape_c1(&line));
        }
    } else {
        print!("{}", table(shown));
    }
    if shown.len() < entries.len() {
        eprintln!(
            "Showing the newest {} of {} entries; --limit N shows more.",
            shown.len(),
            entries.len()
        );
    }
    Ok(Code::Ok)
}

/// The journal's entries; the lines that could not be read are said on stderr, and a
/// journal that cannot be read at all is a failure (exit 1), not an empty history.
fn read(journal: &Journal, server: &str, contact: Option<u64>) -> Result<Vec<Entry>, Failure> {
    let read = journal
        .entries(server, contact)
        .map_err(|e| Failure::new(Code::Api, sanitize(&e.to_string())))?;
    if let Some(note) = read.skipped_note() {
        eprintln!(
            "linq-contact: warning: {note} ({})",
            sanitize(&journal.path().display().to_string())
        );
    }
    Ok(read.entries)
}

/// The entries of the contact that has this e-mail or phone now; failing that, the
/// entries that set it or changed it away. Neither: exit 4.
async fn entries_of_address(
    cli: &Cli,
    journal: &Journal,
    target: &Target,
    raw: &str,
) -> Result<(Vec<Entry>, String), Failure> {
    let ctx = super::context(cli, Some(raw), super::loud_retries()).await?;
    let server = ctx.journal.server();
    match ctx.api.resolve(target).await {
        Ok(Some(contact)) => Ok((
            read(journal, server, Some(contact.id))?,
            format!("contact {} ({})", contact.id, target.describe()),
        )),
        Ok(None) => {
            let mentioning: Vec<Entry> = read(journal, server, None)?
                .into_iter()
                .filter(|e| e.fields.iter().any(|c| mentions(c, target)))
                .collect();
            if mentioning.is_empty() {
                Err(Failure::new(
                    Code::NotFound,
                    format!(
                        "{}, and no journal entry mentions it",
                        super::read::not_found(target)
                    ),
                ))
            } else {
                eprintln!(
                    "No contact has {} now; these entries set it or changed it away:",
                    target.describe()
                );
                Ok((mentioning, target.describe()))
            }
        }
        Err(e) => Err(Failure::api(&e)),
    }
}

/// The change set the e-mail or phone, or changed it away.
fn mentions(change: &FieldChange, target: &Target) -> bool {
    let values = [change.before.as_str(), change.after.as_str()];
    match target {
        Target::Email(email) => {
            change.field == Field::Email.api_name()
                && values
                    .iter()
                    .any(|v| v.trim().eq_ignore_ascii_case(email.trim()))
        }
        Target::Phone(phone) => {
            change.field == Field::Phone.api_name() && values.iter().any(|v| e164(v) == *phone)
        }
        Target::Id(_) => false,
    }
}

fn e164(s: &str) -> String {
    phonenumber::parse(None, s.trim())
        .map(|n| n.format().mode(phonenumber::Mode::E164).to_string())
        .unwrap_or_else(|_| s.trim().to_string())
}

/// One line per field changed: when, which contact, created or saved, and
/// `Field: "old" → "new"`, the first columns aligned so the lines read as a table and
/// each can be found with grep alone.
fn table(entries: &[Entry]) -> String {
    let rows: Vec<(String, String, String, String)> = entries
        .iter()
        .flat_map(|e| {
            let head = (
                sanitize(&e.at),
                format!("contact {}", e.contact_id),
                kind(&e.kind),
            );
            let changes: Vec<String> = if e.is_delete() {
                vec![deleted_line(e)]
            } else if e.fields.is_empty() {
                vec!["(no field recorded)".to_string()]
            } else {
                e.fields.iter().map(change_line).collect()
            };
            changes
                .into_iter()
                .map(move |c| (head.0.clone(), head.1.clone(), head.2.clone(), c))
        })
        .collect();
    let width = |pick: fn(&(String, String, String, String)) -> usize| {
        rows.iter().map(pick).max().unwrap_or(0)
    };
    let (at_w, who_w, kind_w) = (
        width(|r| r.0.chars().count()),
        width(|r| r.1.chars().count()),
        width(|r| r.2.chars().count()),
    );
    rows.iter()
        .map(|(at, who, kind, change)| {
            format!("{at:<at_w$}  {who:<who_w$}  {kind:<kind_w$}  {change}\n")
        })
        .collect()
}

fn kind(kind: &str) -> String {
    match kind {
        "save" => "saved".to_string(),
        "create" => "created".to_string(),
        "delete" => "deleted".to_string(),
        other => sanitize(other),
    }
}

/// A delete is one line, whatever the record held: what became of the contact.
fn deleted_line(e: &Entry) -> String {
    match e.merged_into {
        Some(kept) => format!("merged into {kept} (deleted)"),
        None => "(deleted; its record is in the journal)".to_string(),
    }
}

/// `Title: "Sales" → "Head of Sales"`, under the editor's label when the field is one.
fn change_line(c: &FieldChange) -> String {
    let label = Entry::field_of(c).map_or_else(|| sanitize(&c.field), |f| f.label().to_string());
    if c.before == c.after {
        // Sent all the same: the API's identity rule, or a value the server did not take.
        format!("{label}: \"{}\" (unchanged)", sanitize(&c.after))
    } else {
        format!(
            "{label}: \"{}\" → \"{}\"",
            sanitize(&c.before),
            sanitize(&c.after)
        )
    }
}
