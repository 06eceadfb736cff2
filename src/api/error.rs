//! Errors of the API client, shaped so that a support agent can read and act on them:
//! the error type, what could be done about each, and the headline and detail lines
//! built from it. The server's body is read by [`super::error_body`].

use std::fmt;
use std::time::Duration;

use super::error_body::ErrorBody;
use crate::text::sanitize;

/// Shorter secrets are left alone: they would garble ordinary words and protect nothing.
const MIN_SECRET_CHARS: usize = 4;

/// `text` with every spelling of `secret` a body may carry (as sent, and as a JSON
/// string escapes it) replaced by `<redacted>`. The one redactor for errors and logs.
pub(crate) fn redact_secret(text: &str, secret: &str) -> String {
    let secret = secret.trim();
    if secret.chars().count() < MIN_SECRET_CHARS {
        return text.to_owned();
    }
    let escaped = serde_json::to_string(secret).unwrap_or_default();
    let escaped = escaped
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or(secret);
    let mut out = text.replace(secret, "<redacted>");
    for variant in [escaped.to_owned(), escaped.replace('/', "\\/")] {
        if variant != secret {
            out = out.replace(&variant, "<redacted>");
        }
    }
    out
}

/// What could be done about an error, for a front end to put in its own words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Advice {
    /// A redirect was not followed (the token would have gone along): check the URL.
    Redirect,
    /// The token was refused, or belongs to another organisation.
    Token,
    /// 404 with nothing else said: absent, or another organisation's.
    NotFound,
    /// No answer in time: the server or the network is slow.
    Slow,
    /// No connection: the URL or the network.
    Network,
    /// The secure connection failed: the URL, or a proxy intercepting TLS.
    Tls,
    /// A success that is not what the contacts API sends: probably the wrong URL.
    NotTheApi,
}

/// Everything that can go wrong talking to the API.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// The server answered with a non-2xx status.
    Http {
        status: u16,
        body: ErrorBody,
        retry_after: Option<Duration>,
    },
    Timeout {
        after: Duration,
    },
    /// Refused, DNS failure, unreachable.
    Connect {
        url: String,
        reason: String,
    },
    Tls {
        reason: String,
    },
    /// A 2xx whose body is not what was expected, not UTF-8, truncated or too large.
    Decode {
        status: u16,
        reason: String,
    },
    /// `http://` to a non-loopback host: refused before the token is ever sent.
    InsecureUrl {
        url: String,
    },
    InvalidUrl {
        url: String,
        reason: String,
    },
    Other {
        reason: String,
    },
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.headline())
    }
}

impl ApiError {
    /// The HTTP status, when the server answered at all.
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Http { status, .. } | ApiError::Decode { status, .. } => Some(*status),
            _ => None,
        }
    }

    pub fn is_not_found(&self) -> bool {
        matches!(self, ApiError::Http { status: 404, .. })
    }

    pub fn is_auth(&self) -> bool {
        matches!(
            self,
            ApiError::Http {
                status: 401 | 403,
                ..
            }
        )
    }

    /// One line a support agent can act on.
    pub fn headline(&self) -> String {
        let line = match self {
            ApiError::Http {
                status,
                body,
                retry_after,
            } => http_headline(*status, body, *retry_after),
            ApiError::Timeout { after } => format!("timed out after {}", human_duration(*after)),
            ApiError::Connect { url, reason } => format!("could not connect to {url}: {reason}"),
            ApiError::Tls { reason } => format!("TLS error: {reason}"),
            ApiError::Decode { status, reason } => {
                format!("unexpected response (HTTP {status}): {reason}")
            }
            ApiError::InsecureUrl { url } => format!(
                "refusing to send the token over plain http:// to {url} — use https:// \
                 (http:// is allowed only for loopback addresses)"
            ),
            ApiError::InvalidUrl { url, reason } => format!("invalid base URL '{url}': {reason}"),
            ApiError::Other { reason } => format!("request failed: {reason}"),
        };
        sanitize(&line)
    }

    /// Every further line: the server's own words (sanitised).
    pub fn detail_lines(&self) -> Vec<String> {
        self.detail_lines_capped(usize::MAX).0
    }

    /// The first `max` of [`Self::detail_lines`] and how many more there are, without
    /// building the rest: a server may send tens of thousands, and a screen shows a few.
    pub fn detail_lines_capped(&self, max: usize) -> (Vec<String>, usize) {
        match self {
            ApiError::Http { status, body, .. } => {
                let quoted = usize::from(headline_quotes_body(*status, body));
                let count = body.line_count().saturating_sub(quoted);
                let lines: Vec<String> = body
                    .line_iter()
                    .skip(quoted)
                    .take(max)
                    .map(|l| sanitize(&l))
                    .collect();
                let more = count.saturating_sub(lines.len());
                (lines, more)
            }
            _ => (Vec::new(), 0),
        }
    }

    /// What the person reading the error could do about it, as a kind: the words (which
    /// name flags, variables or keys) belong to the front end that shows them.
    pub fn advice(&self) -> Option<Advice> {
        match self {
            ApiError::Http { status, body, .. } => match status {
                300..=399 => Some(Advice::Redirect),
                401 | 403 => Some(Advice::Token),
                404 if body.line_count() <= usize::from(headline_quotes_body(*status, body)) => {
                    Some(Advice::NotFound)
                }
                _ => None,
            },
            ApiError::Timeout { .. } => Some(Advice::Slow),
            ApiError::Connect { .. } => Some(Advice::Network),
            ApiError::Tls { .. } => Some(Advice::Tls),
            ApiError::Decode { status, .. } if (200..300).contains(status) => {
                Some(Advice::NotTheApi)
            }
            _ => None,
        }
    }

    /// Replaces every occurrence of `secret` in the error's text. A server may echo the
    /// token back in an error body; it must not reach the screen or a log from there.
    pub(crate) fn redact(self, secret: &str) -> ApiError {
        let r = |s: String| redact_secret(&s, secret);
        match self {
            ApiError::Http {
                status,
                body,
                retry_after,
            } => ApiError::Http {
                status,
                body: body.map_text(&r),
                retry_after,
            },
            ApiError::Timeout { after } => ApiError::Timeout { after },
            ApiError::Connect { url, reason } => ApiError::Connect {
                url: r(url),
                reason: r(reason),
            },
            ApiError::Tls { reason } => ApiError::Tls { reason: r(reason) },
            ApiError::Decode { status, reason } => ApiError::Decode {
                status,
                reason: r(reason),
            },
            ApiError::InsecureUrl { url } => ApiError::InsecureUrl { url: r(url) },
            ApiError::InvalidUrl { url, reason } => ApiError::InvalidUrl {
                url: r(url),
                reason: r(reason),
            },
            ApiError::Other { reason } => ApiError::Other { reason: r(reason) },
        }
    }
}

/// Statuses with a fixed, actionable headline; the rest quote the server's first line.
fn has_fixed_headline(status: u16) -> bool {
    matches!(status, 401 | 403 | 429 | 500..=599)
}

/// Whether the headline already shows the body's first line (so details skip it).
fn headline_quotes_body(status: u16, body: &ErrorBody) -> bool {
    !has_fixed_headline(status)
        && matches!(
            body,
            ErrorBody::Standard { .. } | ErrorBody::JsonApi(_) | ErrorBody::Text(_)
        )
}

fn http_headline(status: u16, body: &ErrorBody, retry_after: Option<Duration>) -> String {
    match status {
        401 => "the server refused the token (HTTP 401)".to_owned(),
        403 => "access denied (HTTP 403)".to_owned(),
        429 => match retry_after {
            Some(wait) => format!(
                "too many requests (HTTP 429) — wait {} and retry",
                human_duration(wait)
            ),
            None => "too many requests (HTTP 429) — wait a moment and retry".to_owned(),
        },
        500..=599 => {
            format!("server error (HTTP {status}) — the service may be down; try again shortly")
        }
        _ => {
            let mut line = format!("HTTP {status}");
            if let Some(reason) = canonical_reason(status) {
                line.push(' ');
                line.push_str(reason);
            }
            let first = headline_quotes_body(status, body)
                .then(|| body.line_iter().next())
                .flatten();
            if let Some(first) = first {
                line.push_str(" — ");
                line.push_str(&first);
            }
            line
        }
    }
}

fn canonical_reason(status: u16) -> Option<&'static str> {
    reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
}

/// "15 s", "300 ms", "1.5 s": the shortest honest rendering.
fn human_duration(d: Duration) -> String {
    if d.subsec_millis() == 0 && d.as_secs() > 0 {
        format!("{} s", d.as_secs())
    } else if d.as_secs() == 0 {
        format!("{} ms", d.as_millis())
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

/// A non-2xx answer with an empty body, `retry_after` seconds: the error the crate's
/// unit tests of retries and write outcomes start from.
#[cfg(test)]
pub(crate) fn http_error(status: u16, retry_after: Option<u64>) -> ApiError {
    ApiError::Http {
        status,
        body: ErrorBody::Empty,
        retry_after: retry_after.map(Duration::from_secs),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every shape, at a status whose headline quotes the body and at one whose headline
    /// is fixed: between them, headline and details carry every message of the body.
    #[test]
    fn headline_and_details_show_every_message_of_every_shape() {
        let shapes: [(&str, &[u8], &[&str]); 8] = [
            (
                "standard with strings",
                br#"{"status":"error","error_code":"E1","message":"m1","errors":["s1","s2"]}"#,
                &["E1", "m1", "s1", "s2"],
            ),
            (
                "standard with objects",
                br#"{"status":"error","error_code":"E2","message":"m2","errors":[{"field":"email","message":"o1"},{"code":"C","title":"t1","detail":"d1"}]}"#,
                &["E2", "m2", "email: o1", "C: t1 — d1"],
            ),
            (
                "JSON:API",
                br#"{"errors":[{"status":401,"code":"C1","title":"t2","detail":"d2"},{"status":401,"title":"t3"}]}"#,
                &["C1: t2 — d2", "t3"],
            ),
            (
                "Rails map",
                br#"{"errors":{"email":["r1","r2"],"location":"r3"}}"#,
                &["email: r1", "email: r2", "location: r3"],
            ),
            ("empty", b"", &["empty response body"]),
            (
                "HTML",
                b"<html><head><title>h1</title></head></html>",
                &["h1"],
            ),
            ("text", b"plain words", &["plain words"]),
            (
                "message only",
                br#"{"error":"e1"}"#,
                &["e1"],
            ),
        ];
        for status in [422, 404, 400, 401, 403, 429, 500, 503] {
            for (name, raw, messages) in &shapes {
                let err = ApiError::Http {
                    status,
                    body: ErrorBody::parse(raw),
                    retry_after: None,
                };
                let shown = format!("{}\n{}", err.headline(), err.detail_lines().join("\n"));
                for m in *messages {
                    assert!(
                        shown.contains(m),
                        "{status} {name}: {m:?} missing from {shown}"
                    );
                }
            }
        }
    }

    #[test]
    fn redaction_covers_json_escaped_spellings() {
        assert_eq!(
            redact_secret(r#"{"t":"a/b\"c","u":"a\/b\"c"}"#, "a/b\"c"),
            r#"{"t":"<redacted>","u":"<redacted>"}"#
        );
        assert_eq!(redact_secret("abc abc", "abc"), "abc abc");
        assert_eq!(
            redact_secret("x tok-1234 y", " tok-1234\n"),
            "x <redacted> y"
        );
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(human_duration(Duration::from_secs(15)), "15 s");
        assert_eq!(human_duration(Duration::from_millis(300)), "300 ms");
        assert_eq!(human_duration(Duration::from_millis(1500)), "1.5 s");
    }

    #[test]
    fn redact_reaches_the_body() {
        let err = ApiError::Http {
            status: 401,
            body: ErrorBody::Standard {
                error_code: None,
                message: Some("token tok-12345 is revoked".to_owned()),
                errors: vec![],
            },
            retry_after: None,
        }
        .redact("tok-12345");
        assert!(!format!("{err:?} {:?}", err.detail_lines()).contains("tok-12345"));
    }

    #[test]
    fn capped_detail_is_the_start_of_the_whole_and_counts_the_rest() {
        let http = |status, body: &str| ApiError::Http {
            status,
            body: ErrorBody::parse(body.as_bytes()),
            retry_after: None,
        };
        let errors: Vec<String> = (0..50).map(|i| format!("problem {i}")).collect();
        let mut repeated = errors.clone();
        repeated.extend(std::iter::repeat_n("Invalid".to_string(), 10));
        let json_api: Vec<serde_json::Value> = (0..30)
            .map(|i| serde_json::json!({"code": format!("c{i}"), "title": "t"}))
            .chain([serde_json::json!({"title": " "}), serde_json::json!({})])
            .collect();
        let cases = [
            http(
                422,
                &serde_json::json!({"message": "Invalid", "errors": errors}).to_string(),
            ),
            http(
                422,
                &serde_json::json!({"message": "Invalid", "errors": repeated}).to_string(),
            ),
            http(401, &serde_json::json!({"errors": json_api}).to_string()),
            http(404, ""),
            http(
                404,
                r#"{"error_code":"CONTACT_NOT_FOUND","message":"gone"}"#,
            ),
            http(502, "<html><title>Bad gateway</title></html>"),
            http(301, "moved"),
            ApiError::Timeout {
                after: std::time::Duration::from_secs(5),
            },
        ];
        for e in cases {
            let all = e.detail_lines();
            for max in [0, 1, 2, 10, 49, 50, 51, 100] {
                let (first, more) = e.detail_lines_capped(max);
                let n = max.min(all.len());
                assert_eq!(first, all[..n], "{e:?} max {max}");
                assert_eq!(more, all.len() - n, "{e:?} max {max}");
            }
        }
    }
}
