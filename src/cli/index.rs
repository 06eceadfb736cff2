//! The flags of the commands over the whole organisation: `search`, `export`, `cache`.

use clap::{Args, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Pages in flight at once: 1 to 64.
fn concurrency() -> clap::builder::RangedI64ValueParser<u16> {
    clap::value_parser!(u16).range(1..=64)
}

#[derive(Debug, Clone, Args)]
pub struct SearchArgs {
    /// What to look for: words matched fuzzily, each within one of a contact's name,
    /// e-mail, phone, company, title and location.
    #[arg(value_name = "TEXT", required = true, num_args = 1..)]
    pub text: Vec<String>,
    /// Print JSON Lines (one object per contact) instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Show at most this many contacts (the best).
    #[arg(long, value_name = "N", default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..))]
    pub limit: u32,
    /// Read every contact again first, however recent the index is.
    #[arg(long)]
    pub refresh: bool,
    /// Pages read at once when the index is built: 1 to 64.
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = concurrency())]
    pub concurrency: u16,
}

/// The columns of `export`, in order: the id, the editable fields by their API names
/// (from the form's table, the owner's e-mail as `user_email` among them), then
/// `updated_at`, which `apply` reads past.
pub fn export_columns() -> Vec<&'static str> {
    let fields = crate::form::Field::ALL.map(crate::form::Field::api_name);
    std::iter::once("id")
        .chain(fields)
        .chain(std::iter::once("updated_at"))
        .collect()
}

/// The file formats of `export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Csv,
    Jsonl,
}

#[derive(Debug, Clone, Args)]
pub struct ExportArgs {
    /// The file format.
    #[arg(long, value_enum, value_name = "FORMAT", default_value = "csv")]
    pub format: ExportFormat,
    /// Only these columns, in this order (comma-separated) [default: all].
    #[arg(long, value_name = "A,B,…", value_delimiter = ',')]
    pub fields: Option<Vec<String>>,
    /// Write to FILE (private, mode 0600; written whole, then renamed into place)
    /// instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Pages read at once: 1 to 64 (they are still written in order).
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = concurrency())]
    pub concurrency: u16,
}

#[derive(Debug, Clone, Args)]
pub struct CacheArgs {
    #[command(subcommand)]
    pub command: CacheCommand,
}

#[derive(Debug, Clone, Subcommand)]
pub enum CacheCommand {
    /// Where the index of the server in use is, how many contacts it holds, how old it is.
    /// Sends nothing.
    Status,
    /// Delete the index of the server in use (with --all, of every server).
    Clear {
        /// Every server's index, not only this one's.
        #[arg(long)]
        all: bool,
    },
}

pub(super) const SEARCH_HELP: &str = "\
Every word must match within one of a contact's name, e-mail, phone, company, title or
location, fuzzily (letters in order, gaps allowed), ignoring case and accents
(\"muller\" finds \"Müller\"); the best matches come first. A phone number in any format
(\"(415) 555-2671\") is matched by its digits. fzf's marks work: 'word matches exactly,
^word at the start of a column, word$ at its end, !word excludes.

THE INDEX: the search runs over a local index of the organisation's contacts, read from
the list endpoint (100 per page, --concurrency pages at once; a 429's Retry-After pauses
them all). It is kept in the cache directory ($XDG_CACHE_HOME/linq-contact/, else
~/.cache/linq-contact/; one private file per server, never the token) and used as long
as it is younger than the config file's index_max_age (default 10m): then a search sends
no request at all. An older one is read again first (a progress bar on a terminal); if
that fails, the old one is searched, with a warning. index = \"memory\" in the config
file keeps nothing on disk, so every search reads every page. The index is a cache: a
contact changed since it was read is found by its old values until the next refresh
(--refresh, or `linq-contact cache clear`); `get` and the editor always read afresh.

OUTPUT: a table (ID, NAME, E-MAIL, PHONE, COMPANY) on stdout; with --json one object per
contact: {\"id\":1002,\"name\":…,\"email\":…,\"phone_number\":…,\"company\":…,\"title\":…,
\"location\":…}. When there are more matches than --limit, stderr says how many.

EXAMPLES:
  linq-contact search ana lima
  linq-contact search contoso --limit 100 --json | jq -r .email
  linq-contact search '(415) 555-2671'

EXIT CODES:
  0  at least one contact matched
  1  API or network error while reading the index (and no older index to fall back on)
  2  usage error
  4  no contact matched";

pub(super) const EXPORT_HELP: &str = "\
Every contact of the organisation, read page by page from the list endpoint (100 per
page, --concurrency pages at once, a 429's Retry-After pausing them all) and written in
the list's order (by id) as each page is ready, so memory stays flat however many there
are. A progress bar shows on a terminal.

COLUMNS: {COLUMNS}
  ({OWNER} is the owner's e-mail.) --fields picks some, in its order.

CSV (the default): a header row, then one row per contact; RFC 4180 quoting and CRLF
line ends. Written to a file (-o) it starts with a UTF-8 byte order mark, so spreadsheets
read accents right; on stdout it does not. JSON Lines: one object per contact with the
same keys.

ROUND TRIP: edit some cells and `apply` the file. What was exported is kept (every
field of every contact, by id and updated_at, in the private cache directory beside
search's index; index = \"memory\" keeps nothing), so apply sends only the cells
changed since, spends no request on a row left as it was, and never reverts a
colleague's change made meanwhile: a cell changed on both sides is a conflict, not
sent (exit 3).

Text is cleaned of control characters. A cell is written as stored: a spreadsheet may
read a value that starts with =, +, - or @ as a formula, so import the columns as text.
With -o the file is private (0600) and appears only once it is complete; on any error
or Ctrl-C there is none. A contact created or deleted while the export runs can shift
the pages: a contact seen twice is written once, and when the count at the end differs
from the one at the start, a warning says so.

EXAMPLES:
  linq-contact export -o contacts.csv
  linq-contact export --format jsonl --fields id,email,updated_at | jq .
  linq-contact export --fields id,title -o titles.csv   # edit, then: apply titles.csv

EXIT CODES:
  0    every contact written
  1    API or network error, or the output could not be written (with -o, no file is
       left behind)
  2    usage error (an unknown column)
  130  interrupted by Ctrl-C";

pub(super) const CACHE_HELP: &str = "\
The index of the organisation's contacts that `search` uses is kept in the cache
directory ($XDG_CACHE_HOME/linq-contact/, else ~/.cache/linq-contact/), one private file
per server (0600, in a 0700 directory), never with the token. `status` reads its
header; `clear` deletes it (and what the last export kept for `apply`), so the next
search reads every contact again. Neither sends anything or needs a token.

EXIT CODES:
  0  done (also when there is no index)
  1  the file could not be read or removed";
