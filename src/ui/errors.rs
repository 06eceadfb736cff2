//! How the editor words an API error: the headline with what to check, and a hint that
//! names the editor's own settings. The API layer only says what went wrong; the words a
//! person acts on (variables, flags, keys) belong here, next to the screen that shows
//! them.

use crate::api::{Advice, ApiError};

/// The error's headline, with what to check when the token is at fault.
pub fn headline(e: &ApiError) -> String {
    let headline = e.headline();
    match (e.advice(), e.status()) {
        (Some(Advice::Token), Some(401)) => format!("{headline} — check LINQ_INTEGRATION_TOKEN"),
        (Some(Advice::Token), _) => format!(
            "{headline} — check that LINQ_INTEGRATION_TOKEN belongs to the contact's organisation"
        ),
        _ => headline,
    }
}

/// One line of advice, when there is something to suggest.
pub fn hint(e: &ApiError) -> Option<&'static str> {
    Some(match e.advice()? {
        Advice::Redirect => {
            "hint: redirects are not followed, so the token is never sent to another address; \
             check the base URL"
        }
        Advice::Token => {
            "hint: tokens are issued per organisation; check LINQ_INTEGRATION_TOKEN (or the \
             config file's token_command)"
        }
        Advice::NotFound => {
            "hint: the contact does not exist, or it belongs to another organisation"
        }
        // Saves with an unknown outcome are checked by the editor itself, so the hint
        // speaks only of the connection.
        Advice::Slow => "hint: the server or the network is slow; --timeout gives it longer",
        Advice::Network => "hint: check the base URL and the network (VPN, proxy, firewall)",
        Advice::Tls => {
            "hint: the secure connection could not be set up; check that the base URL points \
             at an https:// server and that no proxy intercepts TLS"
        }
        Advice::NotTheApi => {
            "hint: the server answered, but not with what the contacts API sends; check the \
             base URL"
        }
    })
}
