//! Which profile is in use: its name (`--profile`, `LINQ_PROFILE`, the file's
//! `default_profile`, else `default`) and what it says about itself, for the header, the
//! review and the confirmation a production profile asks for.

use super::file::{FileConfig, ProfileFile};
use ratatui::style::Color;

/// The name of the profile of the file's top-level settings.
pub const DEFAULT_PROFILE: &str = "default";

/// The environment variable naming the profile (the `--profile` flag reads it).
pub const PROFILE_ENV: &str = "LINQ_PROFILE";

/// The profile in use, as everything outside the configuration sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub name: String,
    /// The header's colour for the name; `None` draws it like the rest of the header.
    pub color: Option<Color>,
    pub production: bool,
}

impl Default for Profile {
    fn default() -> Self {
        Self {
            name: DEFAULT_PROFILE.to_string(),
            color: None,
            production: false,
        }
    }
}

impl Profile {
    /// Whether anything about the profile is worth drawing: a name of its own, a colour,
    /// or production.
    pub fn is_notable(&self) -> bool {
        self.name != DEFAULT_PROFILE || self.color.is_some() || self.production
    }

    /// The command that stores this profile's token, for messages.
    pub fn login_command(&self) -> String {
        if self.name == DEFAULT_PROFILE {
            "linq-contact auth login".to_string()
        } else {
            format!("linq-contact auth login --profile {}", self.name)
        }
    }
}

/// The chosen profile's name: the flag (or `LINQ_PROFILE`, which clap reads into it),
/// else the file's `default_profile`, else `default`. A name is letters, digits, `.`,
/// `_` and `-`, so it reads the same in a message, a keyring entry and a file name.
pub fn chosen_name(flag: Option<&str>, file: &FileConfig) -> Result<String, String> {
    let raw = flag
        .filter(|s| !s.trim().is_empty())
        .or(file
            .default_profile
            .as_deref()
            .filter(|s| !s.trim().is_empty()))
        .unwrap_or(DEFAULT_PROFILE)
        .trim();
    check_name(raw)?;
    Ok(raw.to_string())
}

pub fn check_name(name: &str) -> Result<(), String> {
    let fine = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if fine {
        Ok(())
    } else {
        Err(format!(
            "\"{}\" is not a profile name: use letters, digits, '.', '_' and '-' (at most 64)",
            crate::text::sanitize_snippet(name, 64)
        ))
    }
}

/// The `[profiles.NAME]` table of `name`: the one in the file, or an empty one for
/// `default` (the top-level settings alone). `None`: the file has no such profile.
pub fn table<'a>(file: &'a FileConfig, name: &str) -> Option<std::borrow::Cow<'a, ProfileFile>> {
    match file.profiles.get(name) {
        Some(table) => Some(std::borrow::Cow::Borrowed(table)),
        None if name == DEFAULT_PROFILE => Some(std::borrow::Cow::Owned(ProfileFile::default())),
        None => None,
    }
}

/// A colour name as ratatui reads it (`red`, `lightcyan`, `#ff8800`, `208`).
pub fn parse_color(raw: &str) -> Result<Color, String> {
    raw.trim().parse::<Color>().map_err(|_| {
        format!(
            "\"{}\" is not a colour: use a name such as cyan, magenta or lightblue, or #rrggbb",
            crate::text::sanitize_snippet(raw, 20)
        )
    })
}

/// Every profile the file names, `default` first when its top-level settings are in use
/// (no `default_profile`, or one naming `default`).
pub fn names(file: &FileConfig) -> Vec<String> {
    let mut names: Vec<String> = file.profiles.keys().cloned().collect();
    if !names.iter().any(|n| n == DEFAULT_PROFILE) {
        names.insert(0, DEFAULT_PROFILE.to_string());
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> FileConfig {
        toml::from_str(text).unwrap()
    }

    #[test]
    fn the_flag_beats_the_files_default_profile_which_beats_default() {
        let f = file("default_profile = \"staging\"\n[profiles.staging]\n[profiles.prod]\n");
        assert_eq!(chosen_name(Some("prod"), &f).unwrap(), "prod");
        assert_eq!(chosen_name(None, &f).unwrap(), "staging");
        assert_eq!(chosen_name(Some(" "), &f).unwrap(), "staging");
        assert_eq!(
            chosen_name(None, &FileConfig::default()).unwrap(),
            "default"
        );
    }

    #[test]
    fn names_are_plain_words() {
        for good in ["prod", "eu-west.2", "a_b"] {
            assert!(check_name(good).is_ok(), "{good}");
        }
        for bad in ["", "a b", "../x", "é", "a/b", &"x".repeat(65)] {
            assert!(check_name(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn colours_are_names_or_hex() {
        assert_eq!(parse_color("cyan"), Ok(Color::Cyan));
        assert_eq!(parse_color("#ff8800"), Ok(Color::Rgb(0xff, 0x88, 0x00)));
        assert!(parse_color("blurple").is_err());
    }
}
