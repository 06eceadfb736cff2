//! Exit codes of the scripting commands, and the error that carries one to the edge.
//!
//! Scripts branch on these, so they are part of the interface: `--help` of each command
//! and the README list them.

use crate::api::{Advice, ApiError};
use crate::setup::SetupError;
use std::process::ExitCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    Ok,
    /// The API or the network failed; for `apply`, at least one row failed.
    Api,
    /// The command line, the input or a value is wrong; nothing was sent.
    Usage,
    /// The contact changed on the server since the caller last saw it.
    Conflict,
    NotFound,
    /// `apply` stopped by Ctrl-C (128 + SIGINT, as shells report it).
    Interrupted,
}

impl Code {
    pub fn number(self) -> u8 {
        match self {
            Code::Ok => 0,
            Code::Api => 1,
            Code::Usage => 2,
            Code::Conflict => 3,
            Code::NotFound => 4,
            Code::Interrupted => 130,
        }
    }

    /// What a failed request means for the exit code: the server's refusal of a value is
    /// a validation error like the client's own, not an outage.
    pub fn of_api_error(e: &ApiError) -> Code {
        match e.status() {
            Some(404) if matches!(e, ApiError::Http { .. }) => Code::NotFound,
            Some(409 | 412) if matches!(e, ApiError::Http { .. }) => Code::Conflict,
            Some(422) if matches!(e, ApiError::Http { .. }) => Code::Usage,
            _ => Code::Api,
        }
    }
}

impl From<Code> for ExitCode {
    fn from(code: Code) -> ExitCode {
        ExitCode::from(code.number())
    }
}

/// A command that could not do its job: the message goes to stderr, the code to the shell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub code: Code,
    /// One or more lines, already safe for a terminal.
    pub message: String,
}

impl Failure {
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(Code::Usage, message)
    }

    /// The error's headline, every line of detail the server gave, and what to try.
    pub fn api(e: &ApiError) -> Self {
        let mut lines = vec![e.headline()];
        lines.extend(e.detail_lines());
        lines.extend(hint(e).map(str::to_owned));
        Self::new(Code::of_api_error(e), lines.join("\n"))
    }
}

/// A front end that cannot start: the configuration's message, at the code every front
/// end gives it.
impl From<SetupError> for Failure {
    fn from(e: SetupError) -> Self {
        let code = match e.exit_code() {
            4 => Code::NotFound,
            2 => Code::Usage,
            _ => Code::Api,
        };
        Failure::new(code, e.to_string())
    }
}

/// An API error on one line, without hints: for report lines and per-row messages.
pub fn one_line(e: &ApiError) -> String {
    let mut parts = vec![e.headline()];
    parts.extend(e.detail_lines());
    parts.join("; ")
}

/// What to try, in the command line's words (its flags and variables).
fn hint(e: &ApiError) -> Option<&'static str> {
    Some(match e.advice()? {
        Advice::Redirect => "hint: redirects are not followed; check --api-url / LINQ_API_URL",
        Advice::Token => {
            "hint: `linq-contact auth login` stores a token of the contact's organisation (or \
             set LINQ_INTEGRATION_TOKEN, or token_command in the config file); `linq-contact \
             auth status` shows where the token in use comes from"
        }
        Advice::NotFound => "hint: no such contact in this organisation",
        Advice::Slow => "hint: the server or the network is slow; --timeout SECONDS waits longer",
        Advice::Network => "hint: check --api-url / LINQ_API_URL and the network",
        Advice::Tls => "hint: the TLS handshake failed; check that --api-url is an https:// server",
        Advice::NotTheApi => "hint: that is not the contacts API's answer; check --api-url",
    })
}
