//! The flags of the commands about many contacts at once: `duplicates`, `merge` and
//! `revert`, and their help.

use clap::Args;

#[derive(Debug, Clone, Args)]
pub struct DuplicatesArgs {
    /// Print JSON Lines, one group per line: {"ids":[…],"shared":[{"field":…,"value":…}]}.
    #[arg(long)]
    pub json: bool,
    /// Read every contact again first, however recent the index is.
    #[arg(long)]
    pub refresh: bool,
    /// Pages read at once when the index is built: 1 to 64.
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,
}

#[derive(Debug, Clone, Args)]
pub struct MergeArgs {
    /// The contacts to merge (ids), two or more; --keep names the one that stays.
    #[arg(value_name = "ID", required = true, num_args = 2..)]
    pub ids: Vec<u64>,
    /// The contact that stays (one of the ids); the others are deleted.
    #[arg(long, value_name = "ID")]
    pub keep: u64,
    /// Take this field's value from that contact, e.g. --take title=1040 (repeatable).
    #[arg(long, value_name = "FIELD=ID")]
    pub take: Vec<String>,
    /// Send without asking. Without a terminal on stdin it is required.
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Print the review and the exact body, and send nothing.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Clone, Args)]
pub struct RevertArgs {
    /// The journal entry to take back (its id, from `history --json`).
    #[arg(
        value_name = "ENTRY",
        required_unless_present = "batch",
        conflicts_with = "batch"
    )]
    pub entry: Option<String>,
    /// Take back every entry of this batch (a merge, or a revert of many).
    #[arg(long, value_name = "ID")]
    pub batch: Option<String>,
    /// Send without asking. Without a terminal on stdin it is required.
    #[arg(long, short = 'y')]
    pub yes: bool,
}

pub const DUPLICATES_HELP: &str = "\
Two contacts look like one person when they share a bare e-mail (ignoring case), a
phone (compared as E.164; a number without a country code is read with --region), or a
full name and a company (both given; ignoring case, accents and spacing). A group holds
every contact reached that way, so a merge of the group leaves none alike.

It reads the same index as `search` (a fresh one answers with no request; see `search
--help`). Each group is printed with its contacts and the `merge` command that would
keep the lowest id; --json prints one group per line:
  {\"ids\":[1002,1040],\"shared\":[{\"field\":\"email\",\"value\":\"jordan.blake@example.com\"}]}

EXAMPLES:
  linq-contact duplicates
  linq-contact duplicates --json | jq -c .ids

EXIT CODES:
  0  success, with or without duplicates (the count is said on stderr)
  1  the contacts could not be read (and there is no older index)
  2  usage error";

pub const MERGE_HELP: &str = "\
The contact named by --keep stays; by default it keeps its own non-empty values and each
empty one is filled from the other contacts, in the order given. --take FIELD=ID takes a
field's value from that contact instead (fields: {FIELDS}).

The review (on stderr) shows the survivor's PUT, old → new per field with the exact body,
then each DELETE. The API cannot undo a delete: a deleted contact's id and its linked
user contacts cannot be restored. The journal keeps each deleted contact's full record
(under one batch id with the survivor's save), so `revert --batch ID` can make them
again, under new ids, and put the survivor's old values back.

The survivor's PUT goes first; only when the server holds every value sent are the
others deleted. A delete whose answer is lost is never sent again: the contact is read,
and a 404 then means it was deleted.

EXAMPLES:
  linq-contact merge 1002 1040 --keep 1002
  linq-contact merge 1002 1040 1041 --keep 1040 --take title=1002 --yes
  linq-contact merge 1002 1040 --keep 1002 --dry-run

EXIT CODES:
  0  merged, a dry run, or you answered no
  1  API or network error (a save not stored, a delete not done); what was done is said
  2  usage error, or no terminal to ask on without --yes: nothing was sent
  3  a contact changed on the server while you were asked: nothing was sent
  4  a contact was not found: nothing was sent";

pub const REVERT_HELP: &str = "\
Takes back a journal entry (ENTRY: its id, from `history --json`) or every entry of a
batch (--batch ID), with the editor's rules for taking a save back (F3, u):
  - a save: each field gets back the value it had before, unless a colleague changed the
    field since: that is a conflict, and it is not sent; a field already back is not sent;
  - a delete (a merge's): the contact is made again from the record the journal kept,
    under a new id (said); its linked user contacts are not restored;
  - a create cannot be taken back here (there was no contact before it).
A merge's batch puts the survivor's old values back first, then makes the deleted
contacts again. What a revert sends is journalled under a batch of its own.

EXAMPLES:
  linq-contact history --json | jq -r 'select(.contact_id == 1002) | .id'
  linq-contact revert 3f9a1c02b7de
  linq-contact revert --batch 8e41d0a9f3c2 --yes

EXIT CODES:
  0  taken back (or nothing left to send), or you answered no
  1  API or network error
  2  usage error (no such entry or batch; a create), or no terminal to ask on without
     --yes: nothing was sent
  3  a conflict: a colleague changed a field since; the rest was taken back";
