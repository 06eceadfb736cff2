//! The binary's edge: parse flags, check the configuration, run, report.

use linq_contact::api::retry::Backoff;
use linq_contact::app::{AppOptions, Paths};
use linq_contact::cli::Command;
use linq_contact::config::{Subject, TOKEN_ENV};
use linq_contact::demo::DemoServer;
use linq_contact::drafts::DraftStore;
use linq_contact::runtime::{self, Exit, Session};
use linq_contact::setup::{Loaded, Setup, SetupError};
use linq_contact::target::Target;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = linq_contact::cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return fail(1, &format!("cannot start the async runtime: {e}")),
    };
    match &cli.command {
        Some(Command::DemoServer { port }) => {
            return runtime.block_on(demo_server(*port, cli.demo_contacts, cli.demo_look_alikes));
        }
        Some(Command::Config) => {
            return match linq_contact::setup::describe(&cli) {
                Ok(text) => {
                    print!("{text}");
                    ExitCode::SUCCESS
                }
                Err(e) => fail(2, &e.to_string()),
            };
        }
        Some(_) => return runtime.block_on(linq_contact::commands::run(cli)),
        None => {}
    }
    let loaded = match Setup::load(&cli, Subject::CommandLine) {
        Ok(loaded) => loaded,
        Err(e) => return setup_failed(&e),
    };
    // A log that cannot be written is said in the status pane (logging::take_failure),
    // not on a terminal about to be taken over.
    if let Some(path) = linq_contact::logging::log_path() {
        let _ = linq_contact::logging::init(&path);
    }
    tracing::info!(version = env!("CARGO_PKG_VERSION"), "start");
    runtime.block_on(edit(loaded))
}

async fn edit(loaded: Loaded) -> ExitCode {
    use std::io::IsTerminal;
    if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
        return fail(
            2,
            "the editor needs a terminal (stdin and stdout must be a TTY); \
             `linq-contact demo-server` and `linq-contact config` work without one",
        );
    }
    // `demo` is kept alive for the whole session: dropping it stops the demo API.
    let Setup {
        config,
        client,
        journal,
        server_key,
        demo,
    } = match loaded.start().await {
        Ok(setup) => setup,
        Err(e) => return setup_failed(&e),
    };
    // With --demo and no contact named, the first demo contact.
    let first_demo = demo.as_ref().map(|server| Target::Id(server.first_id()));
    let Some(target) = config.target.clone().or(first_demo) else {
        return fail(2, "no contact given: run `linq-contact <ID>` (see --help)");
    };
    let drafts = DraftStore::from_env();
    let options = AppOptions {
        api_label: if demo.is_some() {
            "demo API".to_string()
        } else {
            api_label(&config.api_url)
        },
        api_url: config.api_url.clone(),
        profile: config.profile.clone(),
        region: config.region,
        monochrome: config.monochrome,
        keymap: config.keymap.clone(),
        confirm_before_save: config.confirm_before_save,
        notices: config.warnings.clone(),
        index_max_age: config.index_max_age,
        paths: Paths {
            config: display_path(config.config_path.clone()),
            log: display_path(linq_contact::logging::log_path()),
            drafts: display_path(drafts.as_ref().map(|d| d.dir().to_path_buf())),
        },
    };
    let session = Session {
        client,
        options,
        target,
        drafts,
        recent_path: linq_contact::recent::path(&server_key),
        index_file: linq_contact::index::store::place(config.index, &server_key),
        journal,
        server_key,
        mouse: config.mouse,
        backoff: Backoff::default(),
    };
    match runtime::run(session).await {
        Ok(Exit::Quit) => ExitCode::SUCCESS,
        Ok(Exit::Signal { name, draft }) => {
            match draft {
                Some(Ok(path)) => eprintln!(
                    "linq-contact: unsent edits saved to {}; they are offered the next time \
                     you open this contact",
                    path.display()
                ),
                Some(Err(e)) => eprintln!("linq-contact: could not save unsent edits: {e}"),
                None => {}
            }
            fail(1, &format!("stopped by a {name} signal"))
        }
        Err(e) => fail(1, &e.to_string()),
    }
}

/// The host of the API, so the user always sees which server they are editing.
fn api_label(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.split('/').next().unwrap_or(rest).to_string()
}

async fn demo_server(port: u16, generated: u32, look_alikes: bool) -> ExitCode {
    let server = match DemoServer::start_with_generated(port, generated as usize).await {
        Ok(s) => s,
        Err(e) => return fail(1, &format!("cannot start the demo API: {e}")),
    };
    if look_alikes {
        server.plant_look_alikes();
    }
    println!("Demo Linq contacts API listening on {}", server.url());
    println!("Token: {}", server.token());
    println!();
    println!("Try:");
    println!(
        "  curl -H 'X-LINQ-INTEGRATION-TOKEN: {}' {}/api/partner/v2/contacts/{}",
        server.token(),
        server.url(),
        server.first_id()
    );
    println!(
        "  LINQ_API_URL={} {TOKEN_ENV}={} linq-contact {}",
        server.url(),
        server.token(),
        server.first_id()
    );
    println!();
    print!("{}", server.control_help());
    println!();
    println!("Press Ctrl-C to stop.");
    match tokio::signal::ctrl_c().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(1, &format!("cannot wait for Ctrl-C: {e}")),
    }
}

fn display_path(p: Option<std::path::PathBuf>) -> String {
    p.map_or_else(|| "(none)".to_string(), |p| p.display().to_string())
}

fn setup_failed(e: &SetupError) -> ExitCode {
    fail(e.exit_code(), &e.to_string())
}

fn fail(code: u8, message: &str) -> ExitCode {
    eprintln!("linq-contact: {message}");
    ExitCode::from(code)
}
