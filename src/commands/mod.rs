//! The command-line front end for scripting and batch work: `get`, `set`, `apply`,
//! `create` and `history`, plus shell completions and the man page.
//!
//! The commands apply the editor's rules because they call the editor's code: the form
//! validates and builds every body, `target` parses what names a contact, the client and
//! its backoff talk to the server, and `form::unapplied` checks what was stored. Data goes
//! to stdout, every message to stderr; the exit codes are in [`exit`].

mod apply;
mod ask;
mod create;
mod edit;
pub mod exit;
mod files;
mod get;
mod history;
mod input;
mod order;
mod progress;
mod read;
mod record;
mod report;
mod resume;
mod set;
mod shell;

pub use record::server_key;

use crate::api::LinqClient;
use crate::cli::{Cli, Command};
use crate::config::{Config, ConfigError, TOKEN_ENV};
use crate::demo::DemoServer;
use crate::secret::Token;
use crate::target::Target;
use exit::{Code, Failure};
use phonenumber::country::Id as Region;
use read::{Api, RetryNote};
use record::Recorder;
use std::process::ExitCode;
use std::sync::Arc;

/// What every command works with.
pub(crate) struct Context {
    pub api: Api,
    pub region: Region,
    /// The contact named on the command line, parsed as the editor parses it.
    pub target: Option<Target>,
    /// Where each save and create is recorded.
    pub journal: Recorder,
    /// With `--demo`: the embedded API, alive as long as the command runs.
    _demo: Option<DemoServer>,
}

/// Runs a scripting command and reports at the edge: a message on stderr, the code
/// to the shell.
pub async fn run(cli: Cli) -> ExitCode {
    let result = match &cli.command {
        Some(Command::Get(args)) => {
            match context(&cli, Some(&args.contact), loud_retries()).await {
                Ok(ctx) => get::run(&ctx, args).await,
                Err(f) => Err(f),
            }
        }
        Some(Command::Set(args)) => {
            match context(&cli, Some(&args.contact), loud_retries()).await {
                Ok(ctx) => set::run(&ctx, args).await,
                Err(f) => Err(f),
            }
        }
        Some(Command::Apply(args)) => apply::run(&cli, args).await,
        Some(Command::Create(args)) => match context(&cli, None, loud_retries()).await {
            Ok(ctx) => create::run(&ctx, args).await,
            Err(f) => Err(f),
        },
        Some(Command::History(args)) => history::run(&cli, args).await,
        _ => Err(Failure::usage("not a scripting command")),
    };
    finish(result)
}

/// `completions SHELL`: the script on stdout.
pub fn completions(shell: clap_complete::Shell) -> ExitCode {
    finish(shell::completions(shell))
}

/// `man`: the man page on stdout.
pub fn man() -> ExitCode {
    finish(shell::man())
}

fn finish(result: Result<Code, Failure>) -> ExitCode {
    match result {
        Ok(code) => code.into(),
        Err(failure) => {
            for line in failure.message.lines() {
                eprintln!("linq-contact: {line}");
            }
            failure.code.into()
        }
    }
}

/// `Config::load` insists on the contact the editor would open. `get` and `set` pass
/// theirs; `apply` names a contact per row and `create` makes one, so they pass this
/// placeholder, which nothing reads.
const NO_CONTACT: &str = "#1";

/// The configuration, the client and (with `--demo`) the embedded API, as the editor
/// gets them: flags and environment, then the config file, then defaults.
pub(crate) async fn context(
    cli: &Cli,
    contact: Option<&str>,
    on_retry: RetryNote,
) -> Result<Context, Failure> {
    let mut for_config = cli.clone();
    for_config.contact = Some(contact.unwrap_or(NO_CONTACT).to_string());
    for_config.command = None;
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let mut config = Config::load(&for_config, std::env::var(TOKEN_ENV).ok(), no_color).map_err(
        |e| match e {
            ConfigError::BadTarget(m) => Failure::usage(m),
            other => Failure::usage(other.to_string()),
        },
    )?;
    for warning in &config.warnings {
        eprintln!("linq-contact: warning: {warning}");
    }
    if let Some(path) = crate::logging::log_path()
        && let Err(e) = crate::logging::init(&path)
    {
        eprintln!("linq-contact: logging disabled: {e}");
    }
    tracing::info!(version = env!("CARGO_PKG_VERSION"), "command start");
    let demo = if cli.demo {
        let server = DemoServer::start(0)
            .await
            .map_err(|e| Failure::new(Code::Api, format!("cannot start the demo API: {e}")))?;
        config.api_url = server.url();
        config.token = Token::new(server.token());
        Some(server)
    } else {
        None
    };
    let client = LinqClient::new(&config.api_url, config.token.clone(), config.timeout)
        .map_err(|e| Failure::usage(e.headline()))?
        .with_body_logging(cli.log_bodies);
    let journal = Recorder::new(
        crate::journal::Journal::from_env(),
        server_key(cli.demo, &client),
    );
    Ok(Context {
        api: Api::new(client, on_retry),
        region: config.region,
        target: contact.and(config.target),
        journal,
        _demo: demo,
    })
}

/// Each wait before a retry, said on stderr so a slow command explains itself.
fn loud_retries() -> RetryNote {
    Arc::new(|e, delay| {
        eprintln!(
            "linq-contact: {}; trying again in {:.1} s",
            e.headline(),
            delay.as_secs_f64()
        );
    })
}
