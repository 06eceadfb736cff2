//! Command-line definitions.

use clap::{Parser, Subcommand};

const AFTER_HELP: &str = "\
ENVIRONMENT:
  LINQ_INTEGRATION_TOKEN  the organisation's integration token (required unless --demo
                          or the config file's token_command gives it); never printed,
                          logged or drawn
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
  theme = \"default\"                        # or \"monochrome\"
  mouse = false                            # true: click a field, the wheel scrolls
  [keys]
  review = [\"ctrl-s\", \"f2\"]                # replaces the defaults of that action

EXAMPLES:
  linq-contact --demo              try everything against a built-in demo API, no account
  linq-contact 123                 edit contact 123
  linq-contact ana@example.com     find by e-mail (or by phone: +15550102000)
  linq-contact demo-server         run the demo API alone (prints its URL and token)
  linq-contact config              show the config file's path and the settings in effect

KEYS (in the editor; F1 shows them too):
  Tab ↓ Enter / Shift-Tab ↑   next / previous field
  Esc                         revert the focused field; cancel a request in flight
  Ctrl-Z                      undo, across fields
  Ctrl-S or F2                check for others' changes, then review every change and
                              the exact JSON body; Enter sends, c copies it as curl
  Ctrl-R                      reload from the server
  Ctrl-O / Ctrl-P             open by id, e-mail or phone / pick from the contact list
  F1                          help, with the config, log and drafts paths
  Ctrl-Q or Ctrl-C            quit (asks first when there are unsaved changes)";

/// A terminal editor for one Linq contact at a time: open, fix a field, review exactly
/// what will be sent, save. Only the changed fields are sent (PUT
/// /api/partner/v2/contacts/{id}).
#[derive(Debug, Parser)]
#[command(
    name = "linq-contact",
    version,
    after_help = AFTER_HELP,
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    /// The contact to open: its id, e-mail or phone number (any common format). With
    /// --demo, defaults to the first demo contact.
    #[arg(value_name = "CONTACT", allow_negative_numbers = true)]
    pub contact: Option<String>,

    /// Start the built-in demo API on 127.0.0.1 (ephemeral port) and edit its contacts.
    /// No account or token needed; changes live in memory until you quit.
    #[arg(long)]
    pub demo: bool,

    /// API base URL [default: the config file's api_url, else https://api.linqapp.com].
    // No clap default: a default here would hide the config file's value.
    #[arg(long, env = "LINQ_API_URL", value_name = "URL", global = true)]
    pub api_url: Option<String>,

    /// Seconds to wait for the server before giving up on a request.
    #[arg(long, value_name = "SECONDS", default_value_t = 15)]
    pub timeout: u64,

    /// Country assumed for phone numbers typed without a country code (ISO 3166 code)
    /// [default: the config file's phone_region, else US].
    #[arg(long, value_name = "CODE", global = true)]
    pub region: Option<String>,

    /// Also write request and response bodies to the log file (contact data; the token
    /// is never logged).
    #[arg(long)]
    pub log_bodies: bool,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
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
}
