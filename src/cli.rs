//! Command-line definitions.

mod index;
mod many;

pub use index::{CacheArgs, CacheCommand, ExportArgs, ExportFormat, SearchArgs, export_columns};
pub use many::{DuplicatesArgs, MergeArgs, RevertArgs};

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

const AFTER_HELP: &str = "\
ENVIRONMENT:
  LINQ_INTEGRATION_TOKEN  the organisation's integration token, for scripts and CI: it
                          wins over the profile's token_command and over the token
                          `auth login` stored; never printed, logged or drawn
  LINQ_PROFILE            the profile to use (as --profile)
  LINQ_API_URL            API base URL (default: the config file's api_url, else
                          https://api.linqapp.com); plain http:// is refused except to a
                          loopback address
  LINQ_CONTACT_CONFIG     the config file (default $XDG_CONFIG_HOME/linq-contact/config.toml,
                          else ~/.config/linq-contact/config.toml); `linq-contact config`
                          shows where it is and what is in effect
  NO_COLOR                any value: draw without colours
  XDG_STATE_HOME          where drafts of unsent edits and the log file live
                          (default ~/.local/state/linq-contact/)

CONFIG FILE (TOML; every setting optional; flags and environment win):
  api_url = \"https://api.linqapp.com\"
  token_command = \"pass show linq/token\"   # its output is the token
  phone_region = \"US\"
  confirm_before_save = true               # false: Ctrl-S sends unless there is a conflict
  default_profile = \"staging\"              # else the top-level settings (profile default)
  [profiles.staging]                       # api_url, token_command, phone_region,
  api_url = \"https://staging.example.com\"  # confirm_before_save as above, and:
  color = \"cyan\"                           # the header names the profile in this colour
  [profiles.prod]
  production = true                        # red header, review before every save, apply
                                           # asks for the profile's name
  theme = \"default\"                        # or \"monochrome\"
  mouse = false                            # true: click a field, the wheel scrolls
  [keys]
  review = [\"ctrl-s\", \"f2\"]                # replaces the defaults of that action

EXAMPLES:
  linq-contact auth login          store your token in the system keyring (once)
  linq-contact --demo              try everything against a built-in demo API, no account
  linq-contact 123                 edit contact 123
  linq-contact ana@example.com     find by e-mail (or by phone: +15550102000)
  linq-contact demo-server         run the demo API alone (prints its URL and token)
  linq-contact config              show the config file's path and the settings in effect
  linq-contact get 123 --json      print a contact (scripting: get, set, apply, create,
                                   history; see their --help)
  linq-contact set 123 title=CTO   change a field from the command line
  linq-contact create first_name=Ana email=ana@example.com --yes
                                   create a contact; its id goes to stdout
  linq-contact history 123         what this machine changed on contact 123
  linq-contact search ana lima     find anyone in the organisation (fuzzy; see also
                                   export, cache)

{KEYS}
EXIT CODES (each scripting command lists its own in its --help):
  0 success, 1 API or network error (apply: a row failed), 2 usage or validation error,
  3 conflict (create: the contact exists already), 4 not found (or no token for the
  profile: every command and the editor), 130 apply interrupted by Ctrl-C";

/// The whole command line, its help naming the editor's keys from the keymap (the one
/// place key names are written).
pub fn command() -> clap::Command {
    use clap::CommandFactory;
    let keys = format!(
        "KEYS (in the editor, as by default; F1 shows them as configured):\n{}",
        crate::keymap::Keymap::default().form_help()
    );
    // A blank line before the next section, as the other sections have.
    let keys = format!("{keys}\n");
    Cli::command()
        .after_help(AFTER_HELP.replace("{KEYS}", &keys))
        .mut_subcommand("set", |c| c.after_help(with_fields(SET_HELP)))
        .mut_subcommand("apply", |c| c.after_help(with_fields(APPLY_HELP)))
        .mut_subcommand("create", |c| c.after_help(with_fields(CREATE_HELP)))
        .mut_subcommand("merge", |c| c.after_help(with_fields(many::MERGE_HELP)))
        .mut_subcommand("export", |c| {
            let columns = index::export_columns().join(",");
            c.after_help(with_fields(index::EXPORT_HELP).replace("{COLUMNS}", &columns))
        })
}

/// A help text with the field names filled in from the form's table of fields.
fn with_fields(text: &str) -> String {
    use crate::form::Field;
    let identity = crate::form::identity_list(|f| f.api_name().to_string(), "and");
    text.replace("{FIELDS}", &crate::form::api_names(" "))
        .replace("{IDENTITY}", &identity)
        .replace("{EMAIL}", Field::Email.api_name())
        .replace("{PHONE}", Field::Phone.api_name())
        .replace("{OWNER}", Field::Owner.api_name())
}

/// Parses the process's arguments with [`command`]'s help.
pub fn parse() -> Cli {
    use clap::FromArgMatches;
    let matches = command().get_matches();
    Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
}

/// A terminal editor for one Linq contact at a time: open, fix a field, review exactly
/// what will be sent, save. Only the changed fields are sent (PUT
/// /api/partner/v2/contacts/{id}).
#[derive(Debug, Clone, Parser)]
#[command(name = "linq-contact", version, args_conflicts_with_subcommands = true)]
pub struct Cli {
    /// The contact to open: its id, e-mail or phone number (any common format). With
    /// --demo, defaults to the first demo contact.
    #[arg(value_name = "CONTACT", allow_negative_numbers = true)]
    pub contact: Option<String>,

    /// Start the built-in demo API on 127.0.0.1 (ephemeral port) and edit its contacts.
    /// No account or token needed; changes live in memory until you quit.
    #[arg(long, global = true)]
    pub demo: bool,

    /// API base URL [default: the config file's api_url, else https://api.linqapp.com].
    // No clap default: a default here would hide the config file's value.
    #[arg(long, env = "LINQ_API_URL", value_name = "URL", global = true)]
    pub api_url: Option<String>,

    /// The config file's profile to use: its server, its token and its settings
    /// [default: the file's default_profile, else default].
    #[arg(long, env = "LINQ_PROFILE", value_name = "NAME", global = true)]
    pub profile: Option<String>,

    /// Seconds to wait for the server before giving up on a request.
    #[arg(long, value_name = "SECONDS", default_value_t = 15, global = true)]
    pub timeout: u64,

    /// Country assumed for phone numbers typed without a country code (ISO 3166 code)
    /// [default: the config file's phone_region, else US].
    #[arg(long, value_name = "CODE", global = true)]
    pub region: Option<String>,

    /// Also write request and response bodies to the log file (contact data; the token
    /// is never logged).
    #[arg(long, global = true)]
    pub log_bodies: bool,

    /// With --demo or demo-server: this many generated contacts after the demo's own, to
    /// try searching and exporting at scale.
    #[arg(long, value_name = "N", default_value_t = 0, global = true,
          value_parser = clap::value_parser!(u32).range(0..=1_000_000))]
    pub demo_contacts: u32,

    /// With --demo or demo-server: add contacts that look like three of the demo's (an
    /// e-mail in capitals, a phone written another way, a name without accents), to try
    /// `duplicates`, Ctrl-D in the picker and merging.
    #[arg(long, global = true)]
    pub demo_look_alikes: bool,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// Run the demo API alone on 127.0.0.1 and print its URL and token, for curl or
    /// another terminal. Stops on Ctrl-C.
    DemoServer {
        /// Port to listen on (0 picks a free one).
        #[arg(long, default_value_t = 0)]
        port: u16,
    },
    /// Print the config file's path and the settings in effect (flags and environment,
    /// then the file, then defaults), with any problems found. The token is never shown.
    Config,
    /// Print a contact: a readable table, or the API's contact object with --json.
    #[command(after_help = GET_HELP)]
    Get(GetArgs),
    /// Change fields of one contact with the editor's rules: the same validation, the
    /// same minimal body, the same check of what the server stored.
    Set(SetArgs),
    /// Apply many updates from a JSON Lines or CSV file (or - for stdin), row by row.
    Apply(ApplyArgs),
    /// Create a contact with the editor's rules, after checking that none has its e-mail
    /// or phone; prints the new contact's id.
    Create(CreateArgs),
    /// List the saves and creates made from this machine (the journal), newest first.
    #[command(after_help = HISTORY_HELP)]
    History(HistoryArgs),
    /// Find contacts of the whole organisation by any part of their name, e-mail, phone,
    /// company, title or location, over a local index (fuzzy, best first).
    #[command(after_help = index::SEARCH_HELP)]
    Search(SearchArgs),
    /// Write every contact of the organisation as CSV or JSON Lines, ready for a
    /// spreadsheet and for `apply`.
    Export(ExportArgs),
    /// The local index `search` uses: where it is and how old (status), or delete it
    /// (clear).
    #[command(after_help = index::CACHE_HELP)]
    Cache(CacheArgs),
    /// Find contacts that look like one person: the same e-mail, phone, or name and
    /// company (over the same index as search).
    #[command(after_help = many::DUPLICATES_HELP)]
    Duplicates(DuplicatesArgs),
    /// Merge contacts into one: the survivor (--keep) is saved with the values chosen,
    /// then the others are deleted (the journal keeps their records).
    Merge(MergeArgs),
    /// Take back a journal entry or a whole batch (a merge), with the editor's rules.
    #[command(after_help = many::REVERT_HELP)]
    Revert(RevertArgs),
    /// Print a shell completion script (e.g. `linq-contact completions bash >
    /// /etc/bash_completion.d/linq-contact`).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), e.g. `linq-contact man | man -l -`.
    Man,
    /// Store, check, show or forget a profile's token (kept in the system keyring).
    #[command(subcommand, after_help = AUTH_HELP)]
    Auth(AuthCommand),
}

#[derive(Debug, Clone, Subcommand)]
pub enum AuthCommand {
    /// Check a token with one request to the profile's server, then keep it in the
    /// system keyring. The token is read from a hidden prompt, or from stdin with
    /// --with-token. A profile the config file does not have is added to it.
    Login(LoginArgs),
    /// For each profile: its server, where its token comes from, the token's last four
    /// characters, and whether the server takes it now (exit 1 if the active one's does
    /// not).
    Status,
    /// Forget the profile's stored token.
    Logout,
    /// Print the profile's token to stdout, for scripts.
    Token,
}

#[derive(Debug, Clone, Args)]
pub struct LoginArgs {
    /// Read the token from stdin (e.g. `pass show linq | linq-contact auth login
    /// --with-token`).
    #[arg(long)]
    pub with_token: bool,
    /// Keep the token in a file readable by you alone (in the state directory) instead of
    /// the keyring: for machines without one. The file is not encrypted.
    #[arg(long)]
    pub insecure_storage: bool,
}

const AUTH_HELP: &str = "\
Each command works on the profile chosen by --profile, LINQ_PROFILE or the config file's
default_profile (else `default`, the file's top-level settings).

The token a command uses is, in order: LINQ_INTEGRATION_TOKEN; the profile's
token_command; the token `auth login` stored for the profile. It is kept in the system
keyring: the Secret Service when a session bus exists, else the kernel keyring on Linux
(keyutils: it outlives an SSH session, not a reboot); the Keychain on macOS.

EXAMPLES:
  linq-contact auth login
  linq-contact auth login --profile staging --api-url https://staging.example.com
  pass show linq/prod | linq-contact auth login --profile prod --with-token
  linq-contact auth status
  curl -H \"X-LINQ-INTEGRATION-TOKEN: $(linq-contact auth token)\" ...
  linq-contact auth logout --profile staging

EXIT CODES:
  0  done (status: the active profile's token works)
  1  the server refused the token or could not be reached (login stored nothing; status:
     the active profile's token does not work), or no keyring works
  2  usage error (no token given, a bad profile name, no terminal to prompt on)
  4  token: the profile has no token";

const GET_HELP: &str = "\
EXAMPLES:
  linq-contact get 1002
  linq-contact get ana@example.com --json | jq .updated_at
  linq-contact get '+1 212 555 0199'

The table and the JSON go to stdout; every message goes to stderr.

EXIT CODES:
  0  success
  1  API or network error
  2  usage error (not an id, an e-mail or a phone number)
  4  contact not found";

const SET_HELP: &str = "\
FIELDS: {FIELDS}
  ({OWNER} is the owner: the e-mail of a user of the organisation). `field=` clears a
  field. A value equal to the stored one is not sent; phone numbers are sent as E.164.

EXAMPLES:
  linq-contact set 1002 title='Head of Operations'
  linq-contact set ana@example.com company='Contoso, Ltd.' location= --yes
  linq-contact set 1002 email=new@example.com --dry-run       # prints the body only
  linq-contact set 1002 title=CTO --yes --if-unchanged-since 2025-07-30T10:00:00.000-05:00

Each change is printed as old → new and you are asked before anything is sent. Without a
terminal on stdin, --yes is required (otherwise nothing is sent, exit 2).

EXIT CODES:
  0  saved, or nothing left to send, or you answered no
  1  API or network error (the outcome of an unanswered save is checked by reading back)
  2  usage or validation error, including the server's 422; nothing was sent
  3  conflict: the contact is newer than --if-unchanged-since, or changed while you were
     asked
  4  contact not found";

const APPLY_HELP: &str = "\
INPUT (the format is recognised from the first character: `{` means JSON Lines):
  JSON Lines, one object per line:
    {\"id\": 1002, \"title\": \"CTO\"}
    {\"email\": \"ana@example.com\", \"company\": \"Contoso\"}   # found by e-mail
    {\"id\": 1003, \"location\": null}                          # null clears
  CSV with a header row (quoted commas, a BOM and CRLF line ends are fine):
    id,title,location
    1002,CTO,
  The contact is the row's id; without one, its {EMAIL}; without that, its {PHONE}
  (a column used to find the contact is not changed). Other columns are fields as in
  `set --help`. An empty cell leaves its field as it is, as a missing column or key does;
  --empty-clears makes an empty CSV cell clear it, and in JSON Lines \"\" or null clears.
  Without an id, {EMAIL} and {PHONE} find the contact and are never cleared.
  Rows for the same contact run one after another, in file order.

Each row is read, checked with the editor's rules, sent as the smallest body and compared
with what the server stored. Rows are independent: a bad row fails alone. Reads are
retried on 429 and 5xx (Retry-After is honoured by every worker); a save is retried only
on 429. A save whose answer is lost is never re-sent: the contact is read again and the
row marked by what the server holds.

AN EXPORT BACK (rows with the updated_at `export` wrote): only the cells changed since
the export are sent, compared with what the export kept; a row left as exported costs
no request. A colleague's change since is kept; a cell changed on both sides to
different values is a conflict: not sent, and said (exit 3).

REPORT (--report FILE): one JSON object per row, written as each row finishes:
  {\"line\":2,\"id\":1002,\"status\":\"updated\",\"sent\":{\"contact\":{..}},\"stored\":{..}}
  status: updated; partial (saved, but the server did not store the fields listed in
  \"not_stored\": a failure, run again by --resume); unchanged; failed (with \"error\");
  skipped (done in the --resume report); conflict (the cells in \"conflicts\" were not
  sent). Each entry has the row's \"fingerprint\".
  --resume FILE skips a row only when that report has it updated, unchanged or skipped
  on the same line, with the same id and the same cells; a report of another file skips
  nothing, and a file that is not a report is refused. --report may not name the input
  or the --resume file, under any path or link.

Ctrl-C stops taking rows and lets the requests in flight finish (Ctrl-C again quits at
once); the report stays valid and --resume finishes the job.

EXAMPLES:
  linq-contact apply fixes.csv --report run1.jsonl
  linq-contact apply fixes.csv --resume run1.jsonl --report run2.jsonl
  linq-contact apply - --dry-run < fixes.jsonl

EXIT CODES:
  0    every row updated, unchanged or skipped
  1    at least one row failed or was partial (or an API or network error)
  2    usage error (unreadable input, report or --resume file; a --report that is the
       input or the --resume file); nothing was sent
  3    a cell of an export changed on both sides (and no row failed)
  130  interrupted by Ctrl-C; the report holds every row that finished";

const CREATE_HELP: &str = "\
FIELDS: as in `set --help`: {FIELDS}.
  At least one of {IDENTITY} must have a value.
  Empty values are not sent; phone numbers are sent as E.164; without {OWNER} the server
  picks the owner.

Before anything is sent, the e-mail and the phone are looked up (GET
/api/partner/v2/contacts/find, one request each): a contact that has either already
exists, and nothing is sent (exit 3) unless --allow-duplicate. --dry-run looks them up
too, so it answers what the real run would do.

A create whose answer is lost (a timeout, a 5xx, a dropped connection) is never sent
again: the contact is looked up by its e-mail and phone; found, it counts as created.

The new contact's id alone goes to stdout; every message goes to stderr. The create is
recorded in the journal (see `history --help`).

EXAMPLES:
  id=$(linq-contact create first_name=Ana last_name=Lima email=ana@example.com --yes)
  linq-contact create {PHONE}='(415) 555-2671' company=Contoso --dry-run
  linq-contact create email=ana@example.com user_email=priya.raman@example.com -y \\
      --allow-duplicate

EXIT CODES:
  0  created (the id is on stdout), a dry run, or you answered no
  1  API or network error; also a lost answer after which the contact is not found (it
     was not sent again)
  2  usage or validation error, including the server's 422 (every message is printed);
     nothing was created
  3  a contact with this e-mail or phone exists already (its id and name are printed);
     nothing was sent
  (4 is not used: a 404 to a create means a wrong API address, which is exit 1)";

const HISTORY_HELP: &str = "\
Every save of the editor, `set` and `apply`, every create and every delete (a merge's)
appends one JSON line to
$XDG_STATE_HOME/linq-contact/journal.jsonl (else ~/.local/state/linq-contact/; private,
rotated at 10 MiB keeping one old file): when, which server, which contact, and for each
field sent the value before and the value the server stored. The token is never in it.
`history` shows the entries of the server in use (--api-url, LINQ_API_URL, the config
file; `demo` for --demo), newest first.

CONTACT is an id (read from the journal alone: no network, no token needed), or an
e-mail or phone, which is looked up with the find endpoint; when no contact has it now,
the entries that set it or changed it away are shown. Without CONTACT: every contact.

OUTPUT: one line per field changed, on stdout:
  2025-07-30T10:02:11-05:00  contact 1002  saved    Title: \"Sales\" → \"CTO\"
  2025-07-30T09:40:03-05:00  contact 1021  created  First name: \"\" → \"Ana\"
--json prints the entries themselves, one JSON object per line (JSON Lines):
  {\"id\":\"3f9a1c02b7de\",\"batch\":null,\"at\":\"…\",\"server\":\"…\",\"contact_id\":1002,
   \"kind\":\"save\",\"fields\":[{\"field\":\"title\",\"before\":\"Sales\",\"after\":\"CTO\"}]}
  id names the entry for `revert`; the entries of a merge share a batch id; kind is save,
  create or delete (a delete keeps the whole \"record\", and a merge's its
  \"merged_into\"). A merged contact's line reads `merged into 1002 (deleted)`.

EXAMPLES:
  linq-contact history 1002
  linq-contact history ana@example.com --limit 5
  linq-contact history --json | jq -r .contact_id

EXIT CODES:
  0  success, also when nothing is recorded (said on stderr)
  1  API or network error (looking up an e-mail or phone), or the journal exists and
     cannot be read (a line that cannot be read is skipped and counted on stderr)
  2  usage error (not an id, an e-mail or a phone number)
  4  no contact has this e-mail or phone, and no entry mentions it";

#[derive(Debug, Clone, Args)]
pub struct GetArgs {
    /// The contact: its id, e-mail or phone number.
    #[arg(value_name = "CONTACT")]
    pub contact: String,
    /// Print the API's contact object as JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Args)]
pub struct SetArgs {
    /// The contact: its id, e-mail or phone number.
    #[arg(value_name = "CONTACT")]
    pub contact: String,
    /// The changes, as field=value (`field=` clears the field).
    #[arg(value_name = "FIELD=VALUE", required = true)]
    pub assignments: Vec<String>,
    /// Print the exact JSON body and send nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Send without asking.
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Refuse (exit 3) when the contact's updated_at is later than this time (as printed
    /// by `get`, e.g. 2025-07-30T10:00:00.000-05:00).
    #[arg(long, value_name = "TIMESTAMP")]
    pub if_unchanged_since: Option<String>,
}

#[derive(Debug, Clone, Args)]
pub struct CreateArgs {
    /// The new contact's values, as field=value.
    #[arg(value_name = "FIELD=VALUE", required = true)]
    pub assignments: Vec<String>,
    /// Check for an existing contact, print the exact JSON body and send nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Send without asking.
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Create it even when a contact with this e-mail or phone exists.
    #[arg(long)]
    pub allow_duplicate: bool,
}

#[derive(Debug, Clone, Args)]
pub struct HistoryArgs {
    /// Only this contact: its id, e-mail or phone number.
    #[arg(value_name = "CONTACT")]
    pub contact: Option<String>,
    /// Print the journal entries as JSON, one per line.
    #[arg(long)]
    pub json: bool,
    /// Show at most this many entries (the newest).
    #[arg(long, value_name = "N", default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..))]
    pub limit: u32,
}

/// The input format of `apply`, when the first character should not decide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InputFormat {
    Jsonl,
    Csv,
}

#[derive(Debug, Clone, Args)]
pub struct ApplyArgs {
    /// JSON Lines or CSV file of updates; `-` reads stdin.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Rows in flight at once, over one connection pool: 1 to 64. Rows for the same
    /// contact still run one after another, in file order.
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,
    /// Write one JSON line per row to FILE as rows finish. FILE may not be the input or
    /// the --resume report (refused before anything is read or sent).
    #[arg(long, value_name = "FILE", conflicts_with = "dry_run")]
    pub report: Option<PathBuf>,
    /// Skip the rows an earlier report of this same input marks updated, unchanged or
    /// skipped: the same line, id and cells. A file that is not a report is refused.
    #[arg(long, value_name = "FILE")]
    pub resume: Option<PathBuf>,
    /// In CSV, an empty cell clears its field (by default it leaves the field as it is).
    /// The e-mail and phone of a row without an id find its contact and are never
    /// cleared. JSON Lines clear with "" or null either way.
    #[arg(long)]
    pub empty_clears: bool,
    /// Check every row and read the contacts, print the bodies (one JSON line per row on
    /// stdout) and send nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// The input format [default: JSON Lines when the first character is `{`, else CSV].
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<InputFormat>,
    /// With a production profile: go on without typing the profile's name.
    #[arg(long, short = 'y')]
    pub yes: bool,
}
