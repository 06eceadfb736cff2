//! `duplicates`: contacts of the organisation that look like one person, over the
//! index (see [`crate::index::duplicates`] for the rules), as a table per group with
//! the `merge` command that would join them, or JSON Lines (one group per line).

use super::exit::{Code, Failure};
use super::get::escape_c1;
use super::{indexed, paging, search};
use crate::cli::{Cli, DuplicatesArgs};
use crate::index::duplicates::{self, Group};
use crate::index::{Entry, Hit, Index};

pub(super) async fn run(cli: &Cli, args: &DuplicatesArgs) -> Result<Code, Failure> {
    let using = "looking for duplicates in";
    let (index, region) = indexed::index(cli, args.refresh, args.concurrency, using).await?;
    let groups = duplicates::groups(index.entries(), region);
    for group in &groups {
        if args.json {
            println!("{}", json(group)?);
        } else {
            print!("{}", block(&index, group));
        }
    }
    let among = paging::count(index.len());
    match groups.len() {
        0 => eprintln!("No duplicates among {among} contacts."),
        1 => eprintln!("1 group of duplicates among {among} contacts."),
        n => eprintln!("{n} groups of duplicates among {among} contacts."),
    }
    Ok(Code::Ok)
}

/// `{"ids":[1002,1040],"shared":[{"field":"email","value":"…"}]}`.
fn json(group: &Group) -> Result<String, Failure> {
    let shared: Vec<serde_json::Value> = group
        .reasons
        .iter()
        .map(|r| serde_json::json!({ "field": r.shared.name(), "value": r.value }))
        .collect();
    let line = serde_json::json!({ "ids": group.ids, "shared": shared });
    serde_json::to_string(&line)
        .map(|text| escape_c1(&text))
        .map_err(|e| Failure::new(Code::Api, format!("cannot encode a group: {e}")))
}

/// What the group shares, its contacts as `search` shows them, and the merge that
/// would keep the lowest id; a blank line after it.
fn block(index: &Index, group: &Group) -> String {
    let hits: Vec<Hit<'_>> = group
        .ids
        .iter()
        .filter_map(|id| entry(index, *id))
        .map(|entry| Hit { entry, score: 0 })
        .collect();
    let ids: Vec<String> = group.ids.iter().map(u64::to_string).collect();
    let keep = ids.first().cloned().unwrap_or_default();
    format!(
        "{} contacts: {}\n{}merge: linq-contact merge {} --keep {}\n\n",
        group.ids.len(),
        group.said(),
        search::table(&hits),
        ids.join(" "),
        keep
    )
}

fn entry(index: &Index, id: u64) -> Option<&Entry> {
    let entries = index.entries();
    entries
        .binary_search_by_key(&id, Entry::id)
        .ok()
        .map(|i| &entries[i])
}
