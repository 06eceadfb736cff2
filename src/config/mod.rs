//! Turning flags, environment and the config file into a checked configuration, before
//! the terminal is touched, so every mistake is a plain message on stderr.
//!
//! Precedence: flags and environment variables, then the config file, then defaults. A
//! broken config file or a bad `[keys]` entry is not fatal: it becomes a warning in
//! [`Config::warnings`] and the defaults apply, so a typo never locks anyone out.

pub mod file;
pub mod paths;
pub mod profile;
pub mod token_store;

use crate::cli::Cli;
use crate::keymap::{Action, Keymap};
use crate::secret::Token;
use crate::target::{Target, parse_target};
use file::{Age, FileConfig, IndexStore, ThemeName};
use phonenumber::country::Id as Region;
pub use profile::{DEFAULT_PROFILE, PROFILE_ENV, Profile};
use std::path::{Path, PathBuf};
use std::time::Duration;

pub const TOKEN_ENV: &str = "LINQ_INTEGRATION_TOKEN";
pub const DEFAULT_API_URL: &str = "https://api.linqapp.com";
pub const DEFAULT_REGION: Region = Region::US;
/// How old the index on disk may be before a search builds it again.
pub const DEFAULT_INDEX_MAX_AGE: Duration = Duration::from_secs(600);

/// How `linq-contact config` describes where the token comes from; never the token.
pub const TOKEN_FROM_ENV: &str = "<set from LINQ_INTEGRATION_TOKEN>";
pub const TOKEN_FROM_COMMAND: &str = "<from token_command>";
pub const TOKEN_MISSING: &str = "<missing>";

/// Where a profile's stored token is, looked up by the profile's name: the token and a
/// description of where it is kept, or why the keyring could not be read. What the setup
/// passes is [`crate::config::token_store::find`]; tests pass their own.
pub type StoredToken<'a> = &'a dyn Fn(&str) -> Result<Option<(Token, String)>, String>;

/// No stored token, as for a machine where nothing was ever stored.
pub fn nothing_stored(_profile: &str) -> Result<Option<(Token, String)>, String> {
    Ok(None)
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    /// No token for the profile: the message says how to store one.
    #[error("{0}")]
    MissingToken(String),
    /// `--profile`, `LINQ_PROFILE` or `default_profile` names no profile of the file.
    #[error("{0}")]
    UnknownProfile(String),
    #[error("{0}")]
    BadProfile(String),
    #[error(
        "no API token: set {TOKEN_ENV} or run `linq-contact auth login`; the config file was \
         not used: {0}"
    )]
    MissingTokenConfigSkipped(String),
    /// The message of [`file::run_token_command`]: never the command's output.
    #[error("could not get the API token: {0}")]
    TokenCommand(String),
    #[error("no contact given: run `linq-contact <ID>` (see --help)")]
    MissingContact,
    /// Not an id, an e-mail or a phone number; the text says which and why.
    #[error("{0}")]
    BadTarget(String),
    #[error("\"{0}\" is not a country code: use an ISO 3166 code such as US, GB or DE")]
    BadRegion(String),
    #[error("--timeout must be at least 1 second")]
    BadTimeout,
}

/// Which contact a front end works on, as the user typed it; the configuration parses
/// it as the editor does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject<'a> {
    /// The editor's: the contact on the command line, required unless `--demo` (which
    /// opens the first demo contact).
    CommandLine,
    /// A command's own argument (`get`, `set`, `history`).
    Named(&'a str),
    /// No one contact: `apply` names one per row, `create` makes one.
    Unnamed,
}

/// What a front end needs to start.
#[derive(Debug, Clone)]
pub struct Config {
    pub api_url: String,
    pub token: Token,
    /// The contact of the [`Subject`]; `None` when it names none (the editor with --demo
    /// and no id: the first demo contact is opened).
    pub target: Option<Target>,
    /// The profile in use (`default` with --demo, whose server is no profile's).
    pub profile: Profile,
    pub timeout: Duration,
    pub region: Region,
    pub monochrome: bool,
    pub keymap: Keymap,
    /// The config file's `confirm_before_save` (default true); its meaning is the app's.
    pub confirm_before_save: bool,
    pub mouse: bool,
    /// The config file's `index`: where the index of the organisation's contacts lives.
    pub index: IndexStore,
    /// The config file's `index_max_age`.
    pub index_max_age: Duration,
    /// Where the config file is looked for, whether or not it exists; for help.
    pub config_path: Option<PathBuf>,
    /// Problems with the config file or its `[keys]`, for the user to see; the defaults
    /// applied instead.
    pub warnings: Vec<String>,
}

pub fn parse_region(raw: &str) -> Result<Region, ConfigError> {
    raw.trim()
        .to_ascii_uppercase()
        .parse()
        .map_err(|_| ConfigError::BadRegion(crate::text::sanitize_snippet(raw, 20)))
}

/// Reads the config file at `path`. One named explicitly by `LINQ_CONTACT_CONFIG` must
/// exist (a typo there would otherwise pass unnoticed); the default one may be absent.
fn read_file(path: Option<&Path>, explicit: bool) -> Result<FileConfig, String> {
    match path {
        Some(path) if explicit && !path.exists() => Err(format!(
            "{} names {}, which does not exist",
            file::CONFIG_ENV,
            path.display()
        )),
        Some(path) => file::load(path),
        None => Ok(FileConfig::default()),
    }
}

fn explicit_config_path() -> bool {
    std::env::var_os(file::CONFIG_ENV).is_some_and(|v| !v.is_empty())
}

fn token_from_env(token_env: Option<String>) -> Option<Token> {
    token_env
        .filter(|t| !t.trim().is_empty())
        .map(|t| Token::new(t.trim()))
}

/// What to do when `profile` has no token; `keyring` is why the keyring could not be read.
fn missing_token(profile: &Profile, keyring: Option<String>) -> ConfigError {
    let mut text = format!(
        "no token for profile `{}`: run `{}`",
        profile.name,
        profile.login_command()
    );
    if profile.name == DEFAULT_PROFILE {
        text.push_str(&format!(
            " (or set {TOKEN_ENV}, or token_command in the config file; `linq-contact \
             --demo` needs none)"
        ));
    }
    if let Some(why) = keyring {
        text.push_str(&format!("\nthe system keyring could not be read: {why}"));
    }
    ConfigError::MissingToken(text)
}

/// The message for a profile the file does not have, naming those it has.
fn unknown_profile(name: &str, file: &FileConfig, skipped: &[String]) -> ConfigError {
    let known: Vec<String> = file.profiles.keys().map(|n| format!("`{n}`")).collect();
    let mut text = format!("no profile `{name}` in the config file");
    text.push_str(&if known.is_empty() {
        " (it has no [profiles.NAME] table)".to_string()
    } else {
        format!(" (it has {})", known.join(", "))
    });
    text.push_str(&format!(
        "; `linq-contact auth login --profile {name} --api-url URL` adds it"
    ));
    if !skipped.is_empty() {
        text.push_str(&format!(
            "; the config file was not used: {}",
            skipped.join("; ")
        ));
    }
    ConfigError::UnknownProfile(text)
}

impl Config {
    /// `token` is the environment's token, passed in so tests need not set variables. No
    /// config file is read.
    pub fn from_cli(cli: &Cli, token: Option<String>, no_color: bool) -> Result<Self, ConfigError> {
        Self::from_parts(cli, Ok(FileConfig::default()), token, no_color)
    }

    /// Reads the config file from where [`file::config_path`] says, then
    /// [`Config::from_parts`] with the front end's contact. What the setup calls.
    pub fn load(
        cli: &Cli,
        subject: Subject<'_>,
        token_env: Option<String>,
        no_color: bool,
    ) -> Result<Self, ConfigError> {
        let path = file::config_path();
        let file = read_file(path.as_deref(), explicit_config_path());
        let stored: StoredToken<'_> = &crate::config::token_store::find_described;
        let mut config = match subject {
            Subject::CommandLine => Self::from_parts_with(cli, file, token_env, no_color, stored),
            Subject::Named(raw) => {
                Self::with_contact(cli, Some(raw), file, token_env, no_color, stored)
            }
            Subject::Unnamed => Self::with_contact(cli, None, file, token_env, no_color, stored),
        }?;
        config.config_path = path;
        Ok(config)
    }

    /// The whole configuration from its parts, each passed in so tests need not touch the
    /// environment, for the contact on the command line, which must be given unless
    /// --demo. `file` is the loaded config file or why it could not be loaded (then it
    /// becomes a warning and the defaults apply). With --demo the token is the demo's;
    /// else it comes from `token_env`, else the profile's `token_command`, which is run
    /// here. No token is stored on this machine: see [`Config::from_parts_with`].
    pub fn from_parts(
        cli: &Cli,
        file: Result<FileConfig, String>,
        token_env: Option<String>,
        no_color: bool,
    ) -> Result<Self, ConfigError> {
        Self::from_parts_with(cli, file, token_env, no_color, &nothing_stored)
    }

    /// [`Config::from_parts`], with `stored` giving the profile's stored token when
    /// neither the environment nor `token_command` does.
    pub fn from_parts_with(
        cli: &Cli,
        file: Result<FileConfig, String>,
        token_env: Option<String>,
        no_color: bool,
        stored: StoredToken<'_>,
    ) -> Result<Self, ConfigError> {
        if cli.contact.is_none() && !cli.demo {
            return Err(ConfigError::MissingContact);
        }
        Self::with_contact(
            cli,
            cli.contact.as_deref(),
            file,
            token_env,
            no_color,
            stored,
        )
    }

    /// [`Config::from_parts`] for the contact `contact` (a command's own argument, or
    /// none), which need not be given.
    fn with_contact(
        cli: &Cli,
        contact: Option<&str>,
        file: Result<FileConfig, String>,
        token_env: Option<String>,
        no_color: bool,
        stored: StoredToken<'_>,
    ) -> Result<Self, ConfigError> {
        let skipped = file.as_ref().err().cloned();
        let (mut config, token_command) = Self::settle(cli, file, no_color, Chosen::Flags)?;
        config.target = contact
            .map(|raw| {
                parse_target(raw, config.region)
                    .map_err(|e| ConfigError::BadTarget(crate::text::sanitize_snippet(&e, 120)))
            })
            .transpose()?;
        // The command runs last, once every cheaper check has passed: it may be slow or
        // ask a password manager to unlock. The demo API takes its own token and no
        // other, so with --demo neither the environment's nor the command is used.
        config.token = match token_from_env(token_env) {
            _ if cli.demo => Token::new(crate::demo::DEMO_TOKEN),
            Some(token) => token,
            None => match token_command {
                Some(cmd) => file::run_token_command(&cmd).map_err(ConfigError::TokenCommand)?,
                None => match stored(&config.profile.name) {
                    Ok(Some((token, _))) => token,
                    // A config file that was skipped may be why there is no token: say so.
                    _ if skipped.is_some() => {
                        return Err(ConfigError::MissingTokenConfigSkipped(
                            skipped.unwrap_or_default(),
                        ));
                    }
                    Ok(None) => return Err(missing_token(&config.profile, None)),
                    Err(why) => return Err(missing_token(&config.profile, Some(why))),
                },
            },
        };
        Ok(config)
    }

    /// Everything but the contact and the token, which `linq-contact config` does not
    /// need. Returns the profile's `token_command` (not yet run) beside it.
    fn settle(
        cli: &Cli,
        file: Result<FileConfig, String>,
        no_color: bool,
        chosen: Chosen<'_>,
    ) -> Result<(Self, Option<String>), ConfigError> {
        if cli.timeout == 0 {
            return Err(ConfigError::BadTimeout);
        }
        let mut warnings = Vec::new();
        let file = file.unwrap_or_else(|e| {
            warnings.push(format!("{e}; using the defaults"));
            FileConfig::default()
        });
        let name = match chosen {
            Chosen::Named(name) => name.to_string(),
            // The demo API is no profile's server: its settings are the file's own.
            _ if cli.demo => DEFAULT_PROFILE.to_string(),
            _ => profile::chosen_name(cli.profile.as_deref(), &file)
                .map_err(ConfigError::BadProfile)?,
        };
        let table = match profile::table(&file, &name) {
            Some(table) => table.into_owned(),
            None if !matches!(chosen, Chosen::Flags) => file::ProfileFile::default(),
            None => return Err(unknown_profile(&name, &file, &warnings)),
        };
        let region = match non_empty(cli.region.as_deref()) {
            Some(flag) => parse_region(flag)?,
            None => match non_empty(table.phone_region.as_deref())
                .or(non_empty(file.phone_region.as_deref()))
            {
                Some(raw) => parse_region(raw).unwrap_or_else(|e| {
                    warnings.push(format!(
                        "config file: phone_region: {e}; using {}",
                        DEFAULT_REGION.as_ref()
                    ));
                    DEFAULT_REGION
                }),
                None => DEFAULT_REGION,
            },
        };
        let api_url = non_empty(cli.api_url.as_deref())
            .or(non_empty(table.api_url.as_deref()))
            .or(non_empty(file.api_url.as_deref()))
            .unwrap_or(DEFAULT_API_URL)
            .trim()
            .to_string();
        let (keymap, key_errors) = Keymap::default().with_overrides(&file.keys);
        warnings.extend(key_errors.into_iter().map(|e| format!("config file: {e}")));
        // The top-level command gives the default profile's token, never another's.
        let token_command = if name == DEFAULT_PROFILE {
            table.token_command.or(file.token_command)
        } else {
            table.token_command
        }
        .filter(|c| !c.trim().is_empty());
        let index_max_age = match file.index_max_age.as_ref().map(Age::duration) {
            Some(Ok(age)) => age,
            Some(Err(e)) => {
                warnings.push(format!(
                    "config file: index_max_age: {e}; using {}",
                    Age::text(DEFAULT_INDEX_MAX_AGE)
                ));
                DEFAULT_INDEX_MAX_AGE
            }
            None => DEFAULT_INDEX_MAX_AGE,
        };
        let color = table.color.as_deref().and_then(|raw| {
            profile::parse_color(raw)
                .map_err(|e| warnings.push(format!("config file: profile `{name}`: color: {e}")))
                .ok()
        });
        let production = table.production.unwrap_or(false);
        let config = Self {
            api_url,
            token: Token::new(String::new()),
            target: None,
            profile: Profile {
                name,
                color,
                production,
            },
            timeout: Duration::from_secs(cli.timeout),
            region,
            monochrome: no_color || file.theme == Some(ThemeName::Monochrome),
            keymap,
            // A production profile always shows what is about to be sent.
            confirm_before_save: production
                || table
                    .confirm_before_save
                    .or(file.confirm_before_save)
                    .unwrap_or(true),
            mouse: file.mouse.unwrap_or(false),
            index: file.index.unwrap_or_default(),
            index_max_age,
            config_path: None,
            warnings,
        };
        Ok((config, token_command))
    }

    /// The effective configuration for `linq-contact config`, without a contact and
    /// without running `token_command`; the token field stays empty and the second value
    /// says where a token would come from (never the token).
    pub fn inspect(
        cli: &Cli,
        file: Result<FileConfig, String>,
        token_env: Option<String>,
        no_color: bool,
        stored: StoredToken<'_>,
    ) -> Result<(Self, String), ConfigError> {
        let (config, token_command) = Self::settle(cli, file, no_color, Chosen::Flags)?;
        let source = if token_from_env(token_env).is_some() {
            TOKEN_FROM_ENV.to_string()
        } else if token_command.is_some() {
            TOKEN_FROM_COMMAND.to_string()
        } else {
            match stored(&config.profile.name) {
                Ok(Some((_, kept))) => format!("<kept in {kept}>"),
                Ok(None) => TOKEN_MISSING.to_string(),
                Err(why) => format!("<missing: the system keyring could not be read: {why}>"),
            }
        };
        Ok((config, source))
    }

    /// [`Config::inspect`] of the config file where [`file::config_path`] says, for
    /// `linq-contact config`; `config_path` is set.
    pub fn effective(
        cli: &Cli,
        token_env: Option<String>,
        no_color: bool,
    ) -> Result<(Self, String), ConfigError> {
        let (path, file) = Self::read_file();
        let (mut config, source) = Self::inspect(
            cli,
            file,
            token_env,
            no_color,
            &crate::config::token_store::find_described,
        )?;
        config.config_path = path;
        Ok((config, source))
    }

    /// The config file where [`file::config_path`] says, read or why it could not be.
    pub fn read_file() -> (Option<PathBuf>, Result<FileConfig, String>) {
        let path = file::config_path();
        let file = read_file(path.as_deref(), explicit_config_path());
        (path, file)
    }

    /// The settings of the profile `name` (else the one the flags choose), which need
    /// not be in `file` yet, with its `token_command` (not run): for the `auth`
    /// commands, which look after the token themselves.
    pub fn of_profile(
        cli: &Cli,
        file: Result<FileConfig, String>,
        name: Option<&str>,
        no_color: bool,
    ) -> Result<(Self, Option<String>), ConfigError> {
        let chosen = match name {
            Some(name) => Chosen::Named(name),
            None => Chosen::New,
        };
        Self::settle(cli, file, no_color, chosen)
    }

    /// The settings `history` reads the journal with, without a contact or a token. The
    /// file is read where it is found: a `LINQ_CONTACT_CONFIG` that names no file is not
    /// reported here (the full configuration, which an e-mail or a phone needs, says so).
    pub fn offline(cli: &Cli, no_color: bool) -> Result<Self, ConfigError> {
        let path = file::config_path();
        let file = read_file(path.as_deref(), false);
        Self::settle(cli, file, no_color, Chosen::Flags).map(|(config, _)| config)
    }
}

/// How [`Config::settle`] picks the profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Chosen<'a> {
    /// As the flags, `LINQ_PROFILE` and `default_profile` say; one the file does not
    /// have is refused.
    Flags,
    /// As the flags say, the file's or a new one (`auth login`).
    New,
    /// This one, the file's or a new one.
    Named(&'a str),
}

fn non_empty(s: Option<&str>) -> Option<&str> {
    s.filter(|s| !s.trim().is_empty())
}

/// The effective configuration as TOML a user could paste into the config file, with the
/// file's path and any warnings as comments. `token_source` is one of the `TOKEN_*`
/// descriptions: the token itself is never part of this text.
pub fn render_effective(config: &Config, token_source: &str) -> String {
    let quote = |s: &str| toml::Value::String(s.to_string()).to_string();
    let mut out = String::new();
    match &config.config_path {
        Some(path) => {
            let state = if path.exists() {
                "exists"
            } else {
                "not found, so the defaults apply"
            };
            out.push_str(&format!(
                "# config file: {} ({state})\n",
                crate::text::sanitize(&path.display().to_string())
            ));
        }
        None => out.push_str(&format!(
            "# config file: none (set {} or HOME)\n",
            file::CONFIG_ENV
        )),
    }
    // A comment: the profile is chosen by `default_profile`, not by a key of its own.
    let profile = &config.profile;
    out.push_str(&format!(
        "# profile: {}{}\n",
        profile.name,
        if profile.production {
            " (production)"
        } else {
            ""
        }
    ));
    let theme = if config.monochrome {
        ThemeName::Monochrome
    } else {
        ThemeName::Default
    };
    for (key, value) in [
        ("api_url", quote(&config.api_url)),
        ("token", quote(token_source)),
        ("phone_region", quote(config.region.as_ref())),
        (
            "confirm_before_save",
            config.confirm_before_save.to_string(),
        ),
        ("theme", quote(theme.name())),
        ("mouse", config.mouse.to_string()),
        ("index", quote(config.index.name())),
        ("index_max_age", quote(&Age::text(config.index_max_age))),
    ] {
        out.push_str(&format!("{key} = {value}\n"));
    }
    out.push_str("\n[keys]\n");
    for action in Action::ALL {
        let chords: Vec<String> = config
            .keymap
            .chords(action)
            .iter()
            .map(|c| quote(&c.config_name()))
            .collect();
        out.push_str(&format!("{} = [{}]\n", action.name(), chords.join(", ")));
    }
    if !config.warnings.is_empty() {
        out.push('\n');
        for warning in &config.warnings {
            out.push_str(&format!("# warning: {}\n", crate::text::sanitize(warning)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;
    use std::collections::BTreeMap;

    fn cli(args: &[&str]) -> Cli {
        Cli::try_parse_from(std::iter::once("linq-contact").chain(args.iter().copied())).unwrap()
    }

    #[test]
    fn contacts_are_ids_emails_or_phones() {
        let target =
            |arg: &str| Config::from_cli(&cli(&[arg]), Some("tok".into()), false).map(|c| c.target);
        assert_eq!(target("123"), Ok(Some(Target::Id(123))));
        assert_eq!(target("#42"), Ok(Some(Target::Id(42))));
        assert_eq!(
            target("a@example.com"),
            Ok(Some(Target::Email("a@example.com".into())))
        );
        assert_eq!(
            target("+1 555 010 2000"),
            Ok(Some(Target::Phone("+15550102000".into())))
        );
        for bad in ["abc", "0", "-5", "1.5", "99999999999999999999999", "x@"] {
            assert!(
                matches!(target(bad), Err(ConfigError::BadTarget(_))),
                "{bad}: {:?}",
                target(bad)
            );
        }
    }

    #[test]
    fn missing_token_is_refused_outside_demo() {
        let err = Config::from_cli(&cli(&["7"]), None, false).unwrap_err();
        assert!(matches!(err, ConfigError::MissingToken(_)));
        assert!(
            err.to_string().starts_with(
                "no token for profile `default`: run `linq-contact auth login` (or set \
                 LINQ_INTEGRATION_TOKEN, or token_command in the config file;"
            ),
            "{err}"
        );
        let demo = Config::from_cli(&cli(&["--demo"]), None, false).unwrap();
        assert_eq!(demo.target, None);
    }

    #[test]
    fn region_codes_are_checked() {
        assert_eq!(parse_region("gb"), Ok(Region::GB));
        assert!(parse_region("XX1").is_err());
    }

    fn file(text: &str) -> FileConfig {
        toml::from_str(text).unwrap()
    }

    /// `linq-contact 7`, with `file` as what reading the config file gave and `token_env`
    /// in the environment.
    fn contact_7(
        file: Result<FileConfig, String>,
        token_env: Option<&str>,
    ) -> Result<Config, ConfigError> {
        Config::from_parts(&cli(&["7"]), file, token_env.map(String::from), false)
    }

    #[test]
    fn flags_and_environment_beat_the_file_which_beats_the_defaults() {
        let f = file(
            "api_url = \"https://file.example\"\nphone_region = \"GB\"\n\
             confirm_before_save = false\nmouse = true\n",
        );
        let c = contact_7(Ok(f.clone()), Some("t")).unwrap();
        assert_eq!(c.api_url, "https://file.example");
        assert_eq!(c.region, Region::GB);
        assert!(!c.confirm_before_save);
        assert!(c.mouse);
        assert!(c.warnings.is_empty());

        let flags = cli(&["--api-url", "http://127.0.0.1:9", "--region", "de", "7"]);
        let c = Config::from_parts(&flags, Ok(f), Some("t".into()), false).unwrap();
        assert_eq!(c.api_url, "http://127.0.0.1:9");
        assert_eq!(c.region, Region::DE);

        let c = Config::from_cli(&cli(&["7"]), Some("t".into()), false).unwrap();
        assert_eq!(c.api_url, DEFAULT_API_URL);
        assert_eq!(c.region, Region::US);
        assert!(c.confirm_before_save);
        assert!(!c.mouse);
        assert!(!c.monochrome);
        assert_eq!(c.keymap, Keymap::default());
    }

    #[test]
    fn no_color_wins_over_the_theme() {
        let colour = file("theme = \"default\"");
        let mono = file("theme = \"monochrome\"");
        let make = |f: &FileConfig, no_color| {
            Config::from_parts(&cli(&["7"]), Ok(f.clone()), Some("t".into()), no_color)
                .unwrap()
                .monochrome
        };
        assert!(!make(&colour, false));
        assert!(make(&colour, true));
        assert!(make(&mono, false));
    }

    #[test]
    fn a_bad_file_is_a_warning_and_the_defaults_apply() {
        let c = contact_7(Err("/x/config.toml:2:9: invalid boolean".into()), Some("t")).unwrap();
        assert_eq!(c.api_url, DEFAULT_API_URL);
        assert_eq!(c.warnings.len(), 1);
        assert!(c.warnings[0].starts_with("/x/config.toml:2:9: invalid boolean"));

        let bad_region = file("phone_region = \"XX1\"");
        let c = contact_7(Ok(bad_region.clone()), Some("t")).unwrap();
        assert_eq!(c.region, Region::US);
        assert!(c.warnings[0].contains("phone_region"), "{:?}", c.warnings);
        // On the command line the same mistake is an error.
        let err = Config::from_parts(&cli(&["--region", "XX1", "7"]), Ok(bad_region), None, false)
            .unwrap_err();
        assert!(matches!(err, ConfigError::BadRegion(_)));
    }

    #[test]
    fn the_token_comes_from_the_environment_then_token_command() {
        let with_command = file("token_command = \"printf tok-123\"");
        let c = contact_7(Ok(with_command.clone()), None).unwrap();
        assert_eq!(c.token.expose(), "tok-123");
        assert!(!format!("{c:?}").contains("tok-123"));

        let c = contact_7(Ok(with_command.clone()), Some(" env-tok ")).unwrap();
        assert_eq!(c.token.expose(), "env-tok");

        // The demo needs no token, so the command is not run.
        let failing = file("token_command = \"exit 3\"");
        let c = Config::from_parts(&cli(&["--demo"]), Ok(failing.clone()), None, false).unwrap();
        assert_eq!(c.token.expose(), crate::demo::DEMO_TOKEN);

        let err = contact_7(Ok(failing), None).unwrap_err();
        assert!(matches!(&err, ConfigError::TokenCommand(m) if m.contains("exit status 3")));
        assert!(err.to_string().starts_with("could not get the API token"));
    }

    #[test]
    fn key_overrides_apply_and_bad_ones_warn() {
        let f = file("[keys]\nreview = [\"f5\"]\nquit = [\"q\"]\n");
        let c = contact_7(Ok(f), Some("t")).unwrap();
        assert_eq!(c.keymap.label(Action::Review), "F5");
        assert_eq!(c.keymap.label(Action::Quit), "Ctrl-Q/Ctrl-C");
        assert_eq!(c.warnings.len(), 1);
        assert!(c.warnings[0].contains("quit"), "{:?}", c.warnings);
    }

    #[test]
    fn the_effective_config_shows_the_token_source_never_the_token() {
        let f = file(
            "token_command = \"printf tok-999\"\ntheme = \"monochrome\"\n\
             [keys]\npicker = []\nundo = [\"ctrl-w\"]\n",
        );
        let (mut c, source) = Config::inspect(
            &cli(&["config"]),
            Ok(f.clone()),
            Some("env-secret".into()),
            false,
            &nothing_stored,
        )
        .unwrap();
        assert_eq!(source, TOKEN_FROM_ENV);
        c.config_path = Some(PathBuf::from("/nowhere/linq-contact/config.toml"));
        let text = render_effective(&c, &source);
        assert!(
            !text.contains("env-secret") && !text.contains("tok-999"),
            "{text}"
        );
        for line in [
            "# config file: /nowhere/linq-contact/config.toml (not found, so the defaults apply)",
            "api_url = \"https://api.linqapp.com\"",
            "token = \"<set from LINQ_INTEGRATION_TOKEN>\"",
            "phone_region = \"US\"",
            "confirm_before_save = true",
            "theme = \"monochrome\"",
            "mouse = false",
            "index = \"disk\"",
            "index_max_age = \"10m\"",
            "[keys]",
            "next_field = [\"tab\", \"down\", \"enter\"]",
            "prev_field = [\"shift-tab\", \"up\"]",
            "review = [\"ctrl-s\", \"f2\"]",
            "picker = []",
            "quit = [\"ctrl-q\", \"ctrl-c\"]",
        ] {
            assert!(
                text.lines().any(|l| l == line),
                "missing {line:?} in:\n{text}"
            );
        }
        assert!(
            text.contains("# warning: config file: [keys] undo:"),
            "{text}"
        );

        // What is printed reads back as a config file with the same keys.
        let printed: toml::Table = toml::from_str(&text).unwrap();
        let keys: BTreeMap<String, Vec<String>> = printed["keys"].clone().try_into().unwrap();
        assert_eq!(
            Keymap::default().with_overrides(&keys),
            (c.keymap.clone(), vec![])
        );

        let (_, source) =
            Config::inspect(&cli(&["config"]), Ok(f), None, false, &nothing_stored).unwrap();
        assert_eq!(source, TOKEN_FROM_COMMAND);
        let (_, source) = Config::inspect(
            &cli(&["config"]),
            Ok(FileConfig::default()),
            None,
            false,
            &nothing_stored,
        )
        .unwrap();
        assert_eq!(source, TOKEN_MISSING);
    }

    #[test]
    fn a_skipped_config_file_is_named_when_the_token_is_missing() {
        let err =
            contact_7(Err("config.toml:3:19: invalid basic string".into()), None).unwrap_err();
        assert!(matches!(err, ConfigError::MissingTokenConfigSkipped(_)));
        assert!(err.to_string().contains("invalid basic string"), "{err}");
    }

    #[test]
    fn the_index_is_on_disk_for_ten_minutes_unless_the_file_says_otherwise() {
        let c = Config::from_cli(&cli(&["7"]), Some("t".into()), false).unwrap();
        assert_eq!(
            (c.index, c.index_max_age),
            (IndexStore::Disk, DEFAULT_INDEX_MAX_AGE)
        );
        assert_eq!(DEFAULT_INDEX_MAX_AGE, Duration::from_secs(600));
        for (text, age) in [
            ("index_max_age = \"90s\"", 90),
            ("index_max_age = \"2m\"", 120),
            ("index_max_age = \" 1h \"", 3600),
            ("index_max_age = \"1d\"", 86_400),
            ("index_max_age = \"45\"", 45),
            ("index_max_age = 0", 0),
        ] {
            let f = file(&format!("index = \"memory\"\n{text}\n"));
            let c = Config::from_parts(&cli(&["7"]), Ok(f), Some("t".into()), false).unwrap();
            assert_eq!(c.index, IndexStore::Memory, "{text}");
            assert_eq!(c.index_max_age, Duration::from_secs(age), "{text}");
            assert!(c.warnings.is_empty(), "{text}: {:?}", c.warnings);
        }
        for bad in ["\"ten minutes\"", "\"10x\"", "\"\"", "\"-5\""] {
            let f = file(&format!("index_max_age = {bad}"));
            let c = Config::from_parts(&cli(&["7"]), Ok(f), Some("t".into()), false).unwrap();
            assert_eq!(c.index_max_age, DEFAULT_INDEX_MAX_AGE, "{bad}");
            assert!(
                c.warnings[0].starts_with("config file: index_max_age: ")
                    && c.warnings[0].ends_with("; using 10m"),
                "{bad}: {:?}",
                c.warnings
            );
        }
        assert!(toml::from_str::<FileConfig>("index = \"cloud\"").is_err());
    }

    const PROFILES: &str = "api_url = \"https://top.example\"\n\
        token_command = \"printf top-token\"\n\
        phone_region = \"GB\"\n\
        confirm_before_save = false\n\
        [profiles.staging]\n\
        api_url = \"https://staging.example\"\n\
        color = \"cyan\"\n\
        [profiles.prod]\n\
        api_url = \"https://prod.example\"\n\
        production = true\n\
        token_command = \"printf prod-command-token\"\n";

    /// A machine whose keyring holds a token for `staging` and `prod` alone.
    fn keyring(profile: &str) -> Result<Option<(Token, String)>, String> {
        Ok(matches!(profile, "staging" | "prod").then(|| {
            (
                Token::new(format!("{profile}-kept")),
                "the mock keyring".into(),
            )
        }))
    }

    fn with_profile(args: &[&str], env: Option<&str>) -> Result<Config, ConfigError> {
        Config::from_parts_with(
            &cli(args),
            Ok(file(PROFILES)),
            env.map(String::from),
            false,
            &keyring,
        )
    }

    #[test]
    fn a_profile_takes_its_own_settings_and_the_files_for_the_rest() {
        let c = with_profile(&["--profile", "staging", "7"], None).unwrap();
        assert_eq!(c.api_url, "https://staging.example");
        assert_eq!(c.region, Region::GB);
        assert!(!c.confirm_before_save);
        assert_eq!(
            c.profile,
            Profile {
                name: "staging".into(),
                color: Some(ratatui::style::Color::Cyan),
                production: false
            }
        );
        // The flag still beats the profile.
        let c = with_profile(
            &[
                "--profile",
                "staging",
                "--api-url",
                "http://127.0.0.1:1",
                "7",
            ],
            None,
        )
        .unwrap();
        assert_eq!(c.api_url, "http://127.0.0.1:1");
        // Without a profile: the top-level settings, as before profiles existed.
        let c = with_profile(&["7"], None).unwrap();
        assert_eq!(
            (c.api_url.as_str(), c.profile.name.as_str()),
            ("https://top.example", "default")
        );
    }

    #[test]
    fn a_production_profile_always_reviews() {
        let c = with_profile(&["--profile", "prod", "7"], None).unwrap();
        assert!(c.profile.production);
        assert!(
            c.confirm_before_save,
            "the file says false, production says true"
        );
    }

    #[test]
    fn the_token_is_the_environments_then_the_profiles_command_then_its_keyring_entry() {
        let token =
            |args: &[&str], env| with_profile(args, env).unwrap().token.expose().to_string();
        assert_eq!(
            token(&["--profile", "prod", "7"], Some("env-tok")),
            "env-tok"
        );
        assert_eq!(
            token(&["--profile", "prod", "7"], None),
            "prod-command-token"
        );
        // The top-level token_command is the default profile's, never staging's.
        assert_eq!(token(&["--profile", "staging", "7"], None), "staging-kept");
        assert_eq!(token(&["7"], None), "top-token");
        // The demo takes its own whatever the profile.
        assert_eq!(
            token(&["--profile", "prod", "--demo"], None),
            crate::demo::DEMO_TOKEN
        );
    }

    #[test]
    fn a_profile_without_a_token_says_how_to_log_in() {
        let f = file("[profiles.qa]\napi_url = \"https://qa.example\"\n");
        let none = Config::from_parts_with(
            &cli(&["--profile", "qa", "7"]),
            Ok(f.clone()),
            None,
            false,
            &keyring,
        )
        .unwrap_err();
        assert_eq!(
            none.to_string(),
            "no token for profile `qa`: run `linq-contact auth login --profile qa`"
        );
        let broken = |_: &str| Err("the kernel keyring, keyutils: Permission denied".to_string());
        let err =
            Config::from_parts_with(&cli(&["--profile", "qa", "7"]), Ok(f), None, false, &broken)
                .unwrap_err();
        assert!(
            err.to_string()
                .ends_with("\nthe system keyring could not be read: the kernel keyring, keyutils: Permission denied"),
            "{err}"
        );
    }

    #[test]
    fn a_profile_the_file_does_not_have_is_refused_with_those_it_has() {
        let err = with_profile(&["--profile", "stagign", "7"], Some("t")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "no profile `stagign` in the config file (it has `prod`, `staging`); \
             `linq-contact auth login --profile stagign --api-url URL` adds it"
        );
        let bad = with_profile(&["--profile", "../x", "7"], Some("t")).unwrap_err();
        assert!(matches!(bad, ConfigError::BadProfile(_)));
        // The file's default_profile chooses when no flag does.
        let f = file(&format!("default_profile = \"staging\"\n{PROFILES}"));
        let c = Config::from_parts_with(&cli(&["7"]), Ok(f), None, false, &keyring).unwrap();
        assert_eq!(c.profile.name, "staging");
    }

    #[test]
    fn the_effective_config_says_where_the_token_is_kept_never_the_token() {
        let (c, source) = Config::inspect(
            &cli(&["config", "--profile", "staging"]),
            Ok(file(PROFILES)),
            None,
            false,
            &keyring,
        )
        .unwrap();
        assert_eq!(source, "<kept in the mock keyring>");
        let text = render_effective(&c, &source);
        assert!(!text.contains("staging-kept"), "{text}");
        assert!(text.contains("# profile: staging\n"), "{text}");
        assert!(
            text.contains("token = \"<kept in the mock keyring>\"\n"),
            "{text}"
        );
    }
}
