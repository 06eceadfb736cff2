//! The command-line front end for scripting and batch work: `get`, `set`, `apply`,
//! `create`, `history`, `search`, `export`, `cache`, `duplicates`, `merge` and
//! `revert`, plus shell completions and the man page.
//!
//! The commands apply the editor's rules because they call the editor's code: the form
//! validates and builds every body, `target` parses what names a contact, the client and
//! its backoff talk to the server, and `form::unapplied` checks what was stored. Data goes
//! to stdout, every message to stderr; the exit codes are in [`exit`].

mod apply;
mod ask;
mod auth;
mod cache;
mod create;
mod duplicates;
mod edit;
pub mod exit;
mod export;
mod files;
mod get;
mod history;
mod indexed;
mod input;
mod merge;
mod order;
mod paging;
mod progress;
mod read;
mod record;
mod remove;
mod report;
mod resume;
mod revert;
mod roundtrip;
mod search;
mod set;
mod shell;

use crate::cli::{Cli, Command};
use crate::config::Subject;
use crate::config::file::IndexStore;
use crate::demo::DemoServer;
use crate::setup::Setup;
use crate::target::Target;
use exit::{Code, Failure};
use phonenumber::country::Id as Region;
use read::{Api, RetryNote};
use record::Recorder;
use std::process::ExitCode;

/// What every command works with.
pub(crate) struct Context {
    pub api: Api,
    pub region: Region,
    /// The contact named on the command line, parsed as the editor parses it.
    pub target: Option<Target>,
    /// Where each save and create is recorded.
    pub journal: Recorder,
    /// The profile in use, and its server's base URL: for the confirmation a production
    /// profile asks for ([`ask::confirm_production`]).
    pub profile: crate::config::Profile,
    pub api_url: String,
    /// Whether contact data may be kept on disk (the index, what an export wrote).
    pub index: IndexStore,
    /// With `--demo`: the embedded API, alive as long as the command runs.
    _demo: Option<DemoServer>,
}

/// Runs a command and reports at the edge: a message on stderr, the code to the shell.
pub async fn run(cli: Cli) -> ExitCode {
    finish(dispatch(&cli).await)
}

async fn dispatch(cli: &Cli) -> Result<Code, Failure> {
    match &cli.command {
        Some(Command::Get(args)) => {
            let ctx = context(cli, Some(&args.contact), loud_retries()).await?;
            get::run(&ctx, args).await
        }
        Some(Command::Set(args)) => {
            let ctx = context(cli, Some(&args.contact), loud_retries()).await?;
            set::run(&ctx, args).await
        }
        Some(Command::Apply(args)) => apply::run(cli, args).await,
        Some(Command::Create(args)) => {
            let ctx = context(cli, None, loud_retries()).await?;
            create::run(&ctx, args).await
        }
        Some(Command::History(args)) => history::run(cli, args).await,
        Some(Command::Search(args)) => search::run(cli, args).await,
        Some(Command::Export(args)) => export::run(cli, args).await,
        Some(Command::Cache(args)) => cache::run(cli, args),
        Some(Command::Duplicates(args)) => duplicates::run(cli, args).await,
        Some(Command::Merge(args)) => {
            let ctx = context(cli, None, loud_retries()).await?;
            merge::run(&ctx, args).await
        }
        Some(Command::Revert(args)) => revert::run(cli, args).await,
        Some(Command::Completions { shell }) => shell::completions(*shell),
        Some(Command::Man) => shell::man(),
        Some(Command::Auth(command)) => auth::run(cli, command).await,
        Some(Command::DemoServer { .. } | Command::Config) | None => {
            Err(Failure::usage("not a scripting command"))
        }
    }
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

/// The setup for a command about `contact` (or none), as the editor gets it: flags and
/// environment, then the config file, then defaults. Warnings go to stderr first.
pub(crate) async fn context(
    cli: &Cli,
    contact: Option<&str>,
    on_retry: RetryNote,
) -> Result<Context, Failure> {
    let subject = contact.map_or(Subject::Unnamed, Subject::Named);
    let loaded = Setup::load(cli, subject)?;
    for warning in &loaded.config.warnings {
        eprintln!("linq-contact: warning: {warning}");
    }
    if let Some(path) = crate::logging::log_path()
        && let Err(e) = crate::logging::init(&path)
    {
        eprintln!("linq-contact: logging disabled: {e}");
    }
    tracing::info!(version = env!("CARGO_PKG_VERSION"), "command start");
    let setup = loaded.start().await?;
    Ok(Context {
        profile: setup.config.profile,
        api_url: setup.config.api_url,
        api: Api::new(setup.client, on_retry),
        region: setup.config.region,
        target: setup.config.target,
        journal: Recorder::new(
            setup.journal,
            setup.server_key.clone(),
            crate::index::store::place(setup.config.index, &setup.server_key),
        ),
        index: setup.config.index,
        _demo: setup.demo,
    })
}

/// Each wait before a retry, said on stderr so a slow command explains itself.
fn loud_retries() -> RetryNote {
    progress::Notes::without_bar().retry_note()
}
