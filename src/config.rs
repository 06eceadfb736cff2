//! Turning flags and environment into a checked configuration, before the terminal is
//! touched, so every mistake is a plain message on stderr.

use crate::cli::Cli;
use crate::secret::Token;
use phonenumber::country::Id as Region;
use std::time::Duration;

pub const TOKEN_ENV: &str = "LINQ_INTEGRATION_TOKEN";

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error(
        "no API token: set {TOKEN_ENV} to your organisation's integration token \
         (or try `linq-contact --demo`, which needs none)"
    )]
    MissingToken,
    #[error("no contact given: run `linq-contact <ID>` (see --help)")]
    MissingContact,
    #[error("\"{0}\" is not a contact id: ids are whole numbers from 1 to {max}", max = u64::MAX)]
    BadId(String),
    #[error("\"{0}\" is not a country code: use an ISO 3166 code such as US, GB or DE")]
    BadRegion(String),
    #[error("--timeout must be at least 1 second")]
    BadTimeout,
}

/// What the editor needs to start.
#[derive(Debug, Clone)]
pub struct Config {
    pub api_url: String,
    pub token: Token,
    /// `None` only with --demo and no id: the first demo contact is opened.
    pub contact_id: Option<u64>,
    pub timeout: Duration,
    pub region: Region,
    pub monochrome: bool,
}

/// A contact id as typed on the command line.
pub fn parse_id(raw: &str) -> Result<u64, ConfigError> {
    let trimmed = raw.trim().trim_start_matches('#');
    match trimmed.parse::<u64>() {
        Ok(id) if id > 0 => Ok(id),
        _ => Err(ConfigError::BadId(crate::text::sanitize_snippet(raw, 40))),
    }
}

pub fn parse_region(raw: &str) -> Result<Region, ConfigError> {
    raw.trim()
        .to_ascii_uppercase()
        .parse()
        .map_err(|_| ConfigError::BadRegion(crate::text::sanitize_snippet(raw, 20)))
}

impl Config {
    /// `token` is the environment's token, passed in so tests need not set variables.
    pub fn from_cli(cli: &Cli, token: Option<String>, no_color: bool) -> Result<Self, ConfigError> {
        let contact_id = cli.contact.as_deref().map(parse_id).transpose()?;
        if contact_id.is_none() && !cli.demo {
            return Err(ConfigError::MissingContact);
        }
        let token = match token.filter(|t| !t.trim().is_empty()) {
            Some(t) => Token::new(t.trim()),
            None if cli.demo => Token::new(crate::demo::DEMO_TOKEN),
            None => return Err(ConfigError::MissingToken),
        };
        if cli.timeout == 0 {
            return Err(ConfigError::BadTimeout);
        }
        Ok(Self {
            api_url: cli.api_url.clone(),
            token,
            contact_id,
            timeout: Duration::from_secs(cli.timeout),
            region: parse_region(&cli.region)?,
            monochrome: no_color,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn cli(args: &[&str]) -> Cli {
        Cli::try_parse_from(std::iter::once("linq-contact").chain(args.iter().copied())).unwrap()
    }

    #[test]
    fn ids_must_be_positive_whole_numbers() {
        assert_eq!(parse_id("123"), Ok(123));
        assert_eq!(parse_id("#42"), Ok(42));
        for bad in ["abc", "0", "-5", "1.5", "99999999999999999999999", ""] {
            assert!(matches!(parse_id(bad), Err(ConfigError::BadId(_))), "{bad}");
        }
    }

    #[test]
    fn missing_token_is_refused_outside_demo() {
        let err = Config::from_cli(&cli(&["7"]), None, false).unwrap_err();
        assert_eq!(err, ConfigError::MissingToken);
        assert!(err.to_string().contains(TOKEN_ENV));
        let demo = Config::from_cli(&cli(&["--demo"]), None, false).unwrap();
        assert_eq!(demo.contact_id, None);
    }

    #[test]
    fn region_codes_are_checked() {
        assert_eq!(parse_region("gb"), Ok(Region::GB));
        assert!(parse_region("XX1").is_err());
    }
}
