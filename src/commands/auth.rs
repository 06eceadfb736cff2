//! `auth`: a profile's token, checked and kept in the system keyring (`login`), shown
//! (`status`, `token`) and forgotten (`logout`). The token goes to stdout only from
//! `auth token`; every other line names where it is kept, never what it is.

use super::exit::{Code, Failure, one_line};
use crate::api::{ApiError, LinqClient};
use crate::cli::{AuthCommand, Cli, LoginArgs};
use crate::config::file::{self, FileConfig};
use crate::config::token_store::Tokens;
use crate::config::{Config, ConfigError, DEFAULT_PROFILE, Subject, TOKEN_ENV, profile};
use crate::secret::Token;
use crate::setup::SetupError;
use std::io::{IsTerminal, Read};
use std::path::Path;

pub(super) async fn run(cli: &Cli, command: &AuthCommand) -> Result<Code, Failure> {
    if cli.demo && !matches!(command, AuthCommand::Token) {
        return Err(Failure::usage(
            "the demo API takes its own token: `auth` looks after a profile's token (drop \
             --demo)",
        ));
    }
    match command {
        AuthCommand::Login(args) => login(cli, args).await,
        AuthCommand::Status => status(cli).await,
        AuthCommand::Logout => logout(cli),
        AuthCommand::Token => token(cli),
    }
}

fn config_failure(e: ConfigError) -> Failure {
    Failure::from(SetupError::from(e))
}

fn env_token() -> Option<String> {
    std::env::var(TOKEN_ENV)
        .ok()
        .filter(|t| !t.trim().is_empty())
}

/// The active profile's settings, which need not be in the file yet, with its
/// `token_command`; warnings go to stderr.
fn active(
    cli: &Cli,
    file: Result<FileConfig, String>,
) -> Result<(Config, Option<String>), Failure> {
    let (config, command) = Config::of_profile(cli, file, None, false).map_err(config_failure)?;
    for warning in &config.warnings {
        eprintln!("linq-contact: warning: {warning}");
    }
    Ok((config, command))
}

async fn login(cli: &Cli, args: &LoginArgs) -> Result<Code, Failure> {
    let (path, file) = Config::read_file();
    let (config, token_command) = active(cli, file.clone())?;
    let name = config.profile.name.clone();
    // A profile of the file keeps its server: a token checked against another would be
    // sent to the file's.
    if let (Ok(file), Some(flag)) = (&file, cli.api_url.as_deref())
        && let Some(table_url) = file.profiles.get(&name).and_then(|t| t.api_url.as_deref())
        && table_url.trim() != flag.trim()
    {
        return Err(Failure::usage(format!(
            "profile `{name}` uses {} (the config file's api_url), not {}: change it there, \
             or drop --api-url / LINQ_API_URL",
            crate::text::sanitize(table_url.trim()),
            crate::text::sanitize(flag.trim())
        )));
    }
    let token = read_token(args.with_token, &name, &config.api_url)?;
    // One cheap request: a token the server refuses is not worth keeping.
    check(&config, &token).await.map_err(|e| {
        let mut failure = Failure::api(&e);
        failure.message = format!(
            "the token was not stored: {}{}",
            one_line(&e),
            if matches!(e.status(), Some(401 | 403)) {
                format!(
                    "\nhint: check that it is an integration token for {}",
                    config.api_url
                )
            } else {
                String::new()
            }
        );
        failure
    })?;
    let kept = Tokens::from_env()
        .store(&name, &token, args.insecure_storage)
        .map_err(|why| no_keyring(&why))?;
    eprintln!(
        "linq-contact: logged in to profile `{name}` ({}); the token is kept in {kept}",
        crate::text::sanitize(&config.api_url)
    );
    if name != DEFAULT_PROFILE {
        add_profile(path.as_deref(), file, &name, &config.api_url);
    }
    if env_token().is_some() {
        eprintln!(
            "linq-contact: note: {TOKEN_ENV} is set in this shell and is used instead of the \
             stored token until it is unset"
        );
    } else if token_command.is_some() {
        eprintln!(
            "linq-contact: note: the profile's token_command is used instead of the stored \
             token until it is removed from the config file"
        );
    }
    Ok(Code::Ok)
}

/// No keyring could keep a token that works: why, and the other ways to give it.
fn no_keyring(why: &str) -> Failure {
    Failure::new(
        Code::Api,
        format!(
            "the token works, but no keyring could keep it: {why}\nInstead: set token_command \
             in the config file to a command that prints it (e.g. `pass show linq`), or run \
             `auth login --insecure-storage` to keep it in a file readable by you alone, or \
             set {TOKEN_ENV} in the environment"
        ),
    )
}

/// The token from stdin with `--with-token`, else from a prompt that does not echo.
fn read_token(with_token: bool, profile: &str, api_url: &str) -> Result<Token, Failure> {
    let raw = if with_token {
        let mut text = String::new();
        std::io::stdin()
            .lock()
            .take(64 * 1024)
            .read_to_string(&mut text)
            .map_err(|e| Failure::usage(format!("cannot read the token from stdin: {e}")))?;
        text
    } else if std::io::stdin().is_terminal() {
        rpassword::prompt_password(format!(
            "Paste the integration token for profile `{profile}` ({}): ",
            crate::text::sanitize(api_url)
        ))
        .map_err(|e| Failure::usage(format!("cannot read the token: {e}")))?
    } else {
        return Err(Failure::usage(
            "stdin is not a terminal to type the token on: pass it on stdin with --with-token",
        ));
    };
    let token = raw
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    if token.is_empty() {
        return Err(Failure::usage("no token given: nothing was stored"));
    }
    Ok(Token::new(token))
}

/// `GET /api/partner/v2/contacts?page=1&per_page=1` with `token`: the cheapest request
/// that needs a token the organisation accepts.
async fn check(config: &Config, token: &Token) -> Result<(), ApiError> {
    let client = LinqClient::new(&config.api_url, token.clone(), config.timeout)?;
    client.list_contacts(1, 1).await.map(|_| ())
}

/// Adds `[profiles.NAME]` with its `api_url` to the config file (made if need be, private
/// to the user) when the file does not have it, so the next command finds the profile.
/// A file that cannot be read is not touched; a hint says what to add.
fn add_profile(path: Option<&Path>, file: Result<FileConfig, String>, name: &str, api_url: &str) {
    let quote = |s: &str| toml::Value::String(s.to_string()).to_string();
    let table = format!("[profiles.{}]\napi_url = {}\n", quote(name), quote(api_url));
    let hint = || {
        eprintln!(
            "linq-contact: add the profile to the config file to use it:\n{}",
            table.trim_end()
        );
    };
    match (&file, path) {
        (Ok(file), Some(_)) if file.profiles.contains_key(name) => {}
        (Ok(_), Some(path)) => match append_table(path, &table) {
            Ok(()) => eprintln!(
                "linq-contact: added [profiles.{name}] to {}",
                crate::text::sanitize(&path.display().to_string())
            ),
            Err(e) => {
                eprintln!("linq-contact: could not add the profile to the config file: {e}");
                hint();
            }
        },
        _ => hint(),
    }
}

/// Appends `table` to the config file and checks that it still reads; if not, the file
/// is put back as it was.
fn append_table(path: &Path, table: &str) -> Result<(), String> {
    use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
    let before = match std::fs::read_to_string(path) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e.to_string()),
    };
    if let Some(dir) = path.parent() {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(|e| e.to_string())?;
    }
    let mut text = before.clone().unwrap_or_default();
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    if !text.is_empty() {
        text.push('\n');
    }
    text.push_str(table);
    let write = |contents: &str| {
        use std::io::Write;
        std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(path)
            .and_then(|mut f| f.write_all(contents.as_bytes()))
            .map_err(|e| e.to_string())
    };
    write(&text)?;
    if let Err(e) = file::load(path) {
        match &before {
            Some(old) => write(old)?,
            None => std::fs::remove_file(path).map_err(|e| e.to_string())?,
        }
        return Err(e);
    }
    Ok(())
}

/// Where a profile's token comes from, and the token.
struct Source {
    what: String,
    token: Option<Token>,
}

fn source(tokens: &Tokens, name: &str, in_use: bool, token_command: Option<&str>) -> Source {
    if in_use && let Some(token) = env_token() {
        return Source {
            what: format!("{TOKEN_ENV} (in the environment)"),
            token: Some(Token::new(token.trim())),
        };
    }
    if let Some(cmd) = token_command {
        return match file::run_token_command(cmd) {
            Ok(token) => Source {
                what: "token_command".to_string(),
                token: Some(token),
            },
            Err(why) => Source {
                what: format!("token_command, which failed: {why}"),
                token: None,
            },
        };
    }
    match tokens.find(name) {
        Ok(Some(found)) => Source {
            what: format!("kept in {}", found.kept),
            token: Some(found.token),
        },
        Ok(None) => Source {
            what: "none".to_string(),
            token: None,
        },
        Err(why) => Source {
            what: format!("none: the system keyring could not be read: {why}"),
            token: None,
        },
    }
}

/// The last four characters, for telling tokens apart; none of a token too short to
/// show a part of.
fn last_four(token: &Token) -> String {
    let chars: Vec<char> = token.expose().chars().collect();
    if chars.len() < 12 {
        "(too short to show a part)".to_string()
    } else {
        let tail: String = chars[chars.len() - 4..].iter().collect();
        format!("…{}", crate::text::sanitize(&tail))
    }
}

async fn status(cli: &Cli) -> Result<Code, Failure> {
    let (_, file) = Config::read_file();
    let (active_config, _) = active(cli, file.clone())?;
    let in_use = active_config.profile.name.clone();
    let mut names = profile::names(file.as_ref().unwrap_or(&FileConfig::default()));
    if !names.contains(&in_use) {
        names.push(in_use.clone());
    }
    // The flags choose the server of the profile in use only.
    let mut others = cli.clone();
    others.api_url = None;
    let tokens = Tokens::from_env();
    let mut active_works = false;
    for (i, name) in names.iter().enumerate() {
        let active = *name == in_use;
        let flags = if active { cli } else { &others };
        let (config, command) =
            Config::of_profile(flags, file.clone(), Some(name), false).map_err(config_failure)?;
        let from = source(&tokens, name, active, command.as_deref());
        let mut tags = Vec::new();
        if active {
            tags.push("in use");
        }
        if config.profile.production {
            tags.push("production");
        }
        if i > 0 {
            println!();
        }
        if tags.is_empty() {
            println!("{name}");
        } else {
            println!("{name} ({})", tags.join(", "));
        }
        println!("  server: {}", crate::text::sanitize(&config.api_url));
        println!("  token:  {}", crate::text::sanitize(&from.what));
        let works = match &from.token {
            Some(token) => {
                println!("          ends in {}", last_four(token));
                match check(&config, token).await {
                    Ok(()) => {
                        active_works |= active;
                        "yes".to_string()
                    }
                    Err(e) => format!("no: {}", one_line(&e)),
                }
            }
            None => format!("no token: run `{}`", config.profile.login_command()),
        };
        println!("  works:  {works}");
    }
    Ok(if active_works { Code::Ok } else { Code::Api })
}

fn logout(cli: &Cli) -> Result<Code, Failure> {
    let (_, file) = Config::read_file();
    let (config, token_command) = active(cli, file)?;
    let name = &config.profile.name;
    let forgotten = Tokens::from_env()
        .forget(name)
        .map_err(|why| Failure::new(Code::Api, format!("could not forget the token: {why}")))?;
    if forgotten.is_empty() {
        eprintln!("linq-contact: no token was stored for profile `{name}`");
    }
    for kept in forgotten {
        eprintln!("linq-contact: forgot the token of profile `{name}` kept in {kept}");
    }
    if env_token().is_some() {
        eprintln!("linq-contact: note: {TOKEN_ENV} is still set in this shell and gives a token");
    } else if token_command.is_some() {
        eprintln!("linq-contact: note: the profile's token_command still gives a token");
    }
    Ok(Code::Ok)
}

/// The token a command would use, on stdout alone.
fn token(cli: &Cli) -> Result<Code, Failure> {
    let config = Config::load(cli, Subject::Unnamed, env_token(), false).map_err(config_failure)?;
    println!("{}", config.token.expose());
    Ok(Code::Ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_a_keyring_login_names_the_other_ways() {
        let failure = no_keyring("the kernel keyring, keyutils: AccessDenied");
        assert_eq!(failure.code, Code::Api);
        for way in [
            "token_command",
            "--insecure-storage",
            TOKEN_ENV,
            "AccessDenied",
        ] {
            assert!(failure.message.contains(way), "{way}: {}", failure.message);
        }
    }

    #[test]
    fn only_the_end_of_a_long_token_is_shown() {
        assert_eq!(last_four(&Token::new("abcdefgh-1234")), "…1234");
        assert!(!last_four(&Token::new("short-tok")).contains("tok"));
    }

    #[test]
    fn a_profile_is_added_to_the_file_only_while_it_still_reads() {
        let dir = std::env::temp_dir().join(format!("lc-auth-add-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let path = dir.join("linq-contact/config.toml");
        add_profile(
            Some(&path),
            Ok(FileConfig::default()),
            "eu.west",
            "https://eu.example",
        );
        let file = file::load(&path).unwrap();
        assert_eq!(
            file.profiles["eu.west"].api_url.as_deref(),
            Some("https://eu.example")
        );
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);

        // A file whose `profiles` is an inline table cannot take another table: it is
        // left as it was.
        let inline = "mouse = true\nprofiles = { a = { api_url = \"https://a\" } }\n";
        std::fs::write(&path, inline).unwrap();
        assert!(append_table(&path, "[profiles.\"b\"]\napi_url = \"https://b\"\n").is_err());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), inline);
    }
}
