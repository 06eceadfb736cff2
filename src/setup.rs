//! One setup for every front end: the configuration and its token, the client, the
//! journal, the demo API and the server key, built the same way for the editor and for
//! every command.
//!
//! It comes in two steps, so that every mistake in the flags, the environment or the
//! config file is a plain message before the terminal is touched: [`Setup::load`] reads
//! and checks the configuration (and gets the token); [`Loaded::start`] starts the demo API
//! with `--demo` and builds the client. The environment's token and `NO_COLOR` are read
//! here and nowhere else.

use crate::api::{ApiError, LinqClient};
use crate::cli::Cli;
use crate::config::{Config, ConfigError, Profile, Subject, TOKEN_ENV, render_effective};
use crate::demo::DemoServer;
use crate::journal::Journal;
use crate::secret::Token;

/// What a front end works with.
pub struct Setup {
    /// The token is the demo's with `--demo`; `api_url` is then the demo API's.
    pub config: Config,
    pub client: LinqClient,
    /// Where each save and create is recorded; `None` without a state directory.
    pub journal: Option<Journal>,
    /// Which server the journal, the drafts and the recent list file things under.
    pub server_key: String,
    /// With `--demo`: the embedded API. Dropping it stops the demo API, so it is kept as
    /// long as the front end runs.
    pub demo: Option<DemoServer>,
}

/// The checked configuration, before anything is started.
#[derive(Debug)]
pub struct Loaded {
    pub config: Config,
    demo: bool,
    /// `--demo-contacts`: generated contacts after the demo's own.
    demo_contacts: usize,
    demo_look_alikes: bool,
    log_bodies: bool,
}

/// Why a front end cannot start.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The base URL cannot be used (its headline says why).
    #[error(transparent)]
    Client(#[from] ApiError),
    #[error("cannot start the demo API: {0}")]
    Demo(std::io::Error),
}

impl SetupError {
    /// Whether the flags, the environment or the config file are wrong (exit 2 in every
    /// front end), rather than this machine failing (exit 1).
    pub fn is_usage(&self) -> bool {
        !matches!(self, SetupError::Demo(_))
    }

    /// The exit code of every front end: 4 for a profile without a token (nothing to
    /// work with, as for a contact that is not there), 2 for other usage errors, else 1.
    pub fn exit_code(&self) -> u8 {
        match self {
            SetupError::Config(ConfigError::MissingToken(_)) => 4,
            _ if self.is_usage() => 2,
            _ => 1,
        }
    }
}

impl Setup {
    /// The configuration for the front end's contact, from the flags, the environment
    /// and the config file, with its token (the file's `token_command` is run here).
    /// Nothing is started and nothing is sent.
    pub fn load(cli: &Cli, subject: Subject<'_>) -> Result<Loaded, SetupError> {
        let env = Environment::read();
        let config = Config::load(cli, subject, env.token, env.no_color)?;
        Ok(Loaded {
            config,
            demo: cli.demo,
            demo_contacts: cli.demo_contacts as usize,
            demo_look_alikes: cli.demo_look_alikes,
            log_bodies: cli.log_bodies,
        })
    }

    /// What reading the journal by id needs: the settings and the server key, with no
    /// token, no network and no demo API.
    pub fn offline(cli: &Cli) -> Result<Offline, SetupError> {
        let env = Environment::read();
        let mut config = Config::offline(cli, env.no_color)?;
        if cli.demo {
            // As in `start`: the demo's contacts are never kept on disk.
            config.index = crate::config::file::IndexStore::Memory;
        }
        // The client normalises the address exactly as it does when a save is journalled.
        let client = client(&config, Token::new(""))?;
        Ok(Offline {
            server_key: server_key(cli.demo, &client, &config.profile),
            journal: Journal::from_env(),
            config,
        })
    }
}

impl Loaded {
    /// Starts the demo API (with `--demo`) and builds the client and the journal.
    pub async fn start(self) -> Result<Setup, SetupError> {
        let mut config = self.config;
        let demo = if self.demo {
            let server = DemoServer::start_with_generated(0, self.demo_contacts)
                .await
                .map_err(SetupError::Demo)?;
            if self.demo_look_alikes {
                server.plant_look_alikes();
            }
            config.api_url = server.url();
            // The demo's contacts live only as long as this run: an index of them kept
            // on disk would show another run's contacts.
            config.index = crate::config::file::IndexStore::Memory;
            Some(server)
        } else {
            None
        };
        let client = client(&config, config.token.clone())?.with_body_logging(self.log_bodies);
        Ok(Setup {
            server_key: server_key(demo.is_some(), &client, &config.profile),
            journal: Journal::from_env(),
            client,
            config,
            demo,
        })
    }
}

/// The settings and the journal, without a token: see [`Setup::offline`].
#[derive(Debug)]
pub struct Offline {
    pub config: Config,
    pub server_key: String,
    pub journal: Option<Journal>,
}

/// `linq-contact config`: the file's path and the effective settings, with any problem
/// found (the base URL is checked as the client checks it before it sends anything).
pub fn describe(cli: &Cli) -> Result<String, ConfigError> {
    let env = Environment::read();
    let (mut config, source) = Config::effective(cli, env.token, env.no_color)?;
    if let Err(e) = client(&config, Token::new("")) {
        config.warnings.push(format!("api_url: {e}"));
    }
    Ok(render_effective(&config, &source))
}

/// The variables every front end reads.
struct Environment {
    token: Option<String>,
    /// `NO_COLOR` set to anything but the empty string.
    no_color: bool,
}

impl Environment {
    fn read() -> Self {
        Self {
            token: std::env::var(TOKEN_ENV).ok(),
            no_color: std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
        }
    }
}

fn client(config: &Config, token: Token) -> Result<LinqClient, ApiError> {
    LinqClient::new(&config.api_url, token, config.timeout)
}

/// Which server the journal, the drafts and the recent list file things under: the base
/// URL, or `demo` for the embedded demo API (whose port changes every run). A profile
/// other than `default` is part of the key: two profiles on one address may be two
/// organisations, whose contacts, drafts and history must not meet; and so every journal
/// entry names the profile it was made with.
pub fn server_key(demo: bool, client: &LinqClient, profile: &Profile) -> String {
    if demo {
        "demo".to_string()
    } else if profile.name == crate::config::DEFAULT_PROFILE {
        client.base_url().to_string()
    } else {
        format!("{} (profile {})", client.base_url(), profile.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn cli(args: &[&str]) -> Cli {
        Cli::try_parse_from(std::iter::once("linq-contact").chain(args.iter().copied())).unwrap()
    }

    #[tokio::test]
    async fn with_demo_the_client_is_let_in_by_the_demo_api_under_the_demo_key() {
        let setup = Setup::load(&cli(&["--demo"]), Subject::CommandLine)
            .unwrap()
            .start()
            .await
            .unwrap();
        let server = setup.demo.as_ref().unwrap();
        assert_eq!(setup.server_key, "demo");
        assert_eq!(setup.config.target, None);
        let contact = setup.client.get_contact(server.first_id()).await.unwrap();
        assert_eq!(contact.id, server.first_id());
    }

    #[test]
    fn offline_the_server_key_is_the_normalised_base_url_or_demo() {
        let offline = Setup::offline(&cli(&[
            "history",
            "7",
            "--api-url",
            "https://API.example.com/",
        ]))
        .unwrap();
        assert_eq!(offline.server_key, "https://api.example.com");
        let demo = Setup::offline(&cli(&["history", "7", "--demo"])).unwrap();
        assert_eq!(demo.server_key, "demo");
    }

    #[test]
    fn only_a_demo_api_that_cannot_start_is_not_the_users_mistake() {
        let missing = SetupError::Config(ConfigError::MissingToken("none".into()));
        assert!(missing.is_usage());
        assert_eq!(missing.exit_code(), 4);
        let insecure = LinqClient::new("http://example.com", Token::new("t"), Default::default());
        assert!(SetupError::from(insecure.unwrap_err()).is_usage());
        let refused = std::io::Error::from(std::io::ErrorKind::AddrInUse);
        assert!(!SetupError::Demo(refused).is_usage());
    }
}
