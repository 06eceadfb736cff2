//! Errors of the API client, shaped so that a support agent can read and act on them.
//!
//! Everything that came from the server is sanitised when it is parsed, so a hostile or
//! broken server cannot put control sequences on the terminal through an error message.

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

use crate::text::{sanitize, sanitize_snippet};

/// Longest snippet of an unrecognised body that is kept.
const SNIPPET_CHARS: usize = 200;
/// Longest single message kept from a recognised body: long enough for any sane message,
/// short enough that a runaway server cannot flood the error pane.
const MESSAGE_CHARS: usize = 500;

/// The body of a non-2xx response, recognised as one of the shapes the API (or a proxy in
/// front of it) is known to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorBody {
    /// `{"status":"error","error_code":..,"message":..,"errors":[..]}`
    Standard {
        error_code: Option<String>,
        message: Option<String>,
        errors: Vec<String>,
    },
    /// `{"errors":[{"status","code","title","detail"}]}`
    JsonApi(Vec<JsonApiError>),
    /// An HTML page (proxy error): its `<title>` if any.
    Html {
        title: Option<String>,
    },
    Empty,
    /// Anything else: a sanitised snippet (≤ 200 chars).
    Text(String),
}

/// One entry of a JSON:API `errors` array. Every field is optional and read leniently
/// (`status` may be a number or a string), because the shape is undocumented for contacts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct JsonApiError {
    #[serde(default, deserialize_with = "lenient_status")]
    pub status: Option<u16>,
    #[serde(default, deserialize_with = "lenient_text")]
    pub code: Option<String>,
    #[serde(default, deserialize_with = "lenient_text")]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "lenient_text")]
    pub detail: Option<String>,
}

fn lenient_status<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u16>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Number(n) => n.as_u64().and_then(|n| u16::try_from(n).ok()),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    })
}

fn lenient_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(value_text(&Value::deserialize(d)?))
}

/// A JSON value as one clean line: strings as they are, numbers and booleans as written,
/// anything structured as compact JSON. Blank results are `None`.
fn value_text(v: &Value) -> Option<String> {
    let raw = match v {
        Value::Null => return None,
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let clean = sanitize_snippet(raw.trim(), MESSAGE_CHARS);
    (!clean.trim().is_empty()).then(|| clean.trim().to_owned())
}

impl ErrorBody {
    /// Recognises the body of an error response. Never fails: what is not recognised is
    /// kept as a short sanitised snippet.
    pub fn parse(bytes: &[u8]) -> ErrorBody {
        let text = String::from_utf8_lossy(bytes);
        let text = text.trim_start_matches('\u{feff}').trim();
        if text.is_empty() {
            return ErrorBody::Empty;
        }
        if let Ok(Value::Object(obj)) = serde_json::from_str::<Value>(text)
            && let Some(body) = Self::from_json_object(&obj)
        {
            return body;
        }
        if looks_like_html(text) {
            return ErrorBody::Html {
                title: html_title(text),
            };
        }
        ErrorBody::Text(sanitize_snippet(text, SNIPPET_CHARS))
    }

    fn from_json_object(obj: &Map<String, Value>) -> Option<ErrorBody> {
        if let Some(Value::Array(items)) = obj.get("errors")
            && !items.is_empty()
            && items.iter().all(Value::is_object)
        {
            let errors = items
                .iter()
                .filter_map(|v| JsonApiError::deserialize(v).ok())
                .collect();
            return Some(ErrorBody::JsonApi(errors));
        }
        let error_code = obj.get("error_code").and_then(value_text);
        // Some frameworks answer `{"error": "..."}`; treat it as the message.
        let message = obj
            .get("message")
            .and_then(value_text)
            .or_else(|| obj.get("error").and_then(value_text));
        let errors = obj.get("errors").map(error_list).unwrap_or_default();
        if error_code.is_none() && message.is_none() && errors.is_empty() {
            return None;
        }
        Some(ErrorBody::Standard {
            error_code,
            message,
            errors,
        })
    }

    /// The body as human lines, already sanitised.
    pub fn lines(&self) -> Vec<String> {
        self.line_iter().collect()
    }

    /// [`Self::lines`], built one at a time: a body may hold tens of thousands of lines
    /// and a caller may want only the first few.
    fn line_iter(&self) -> Box<dyn Iterator<Item = String> + '_> {
        let lines: Box<dyn Iterator<Item = String> + '_> = match self {
            ErrorBody::Standard {
                error_code,
                message,
                errors,
            } => {
                let head = match (error_code, message) {
                    (Some(code), Some(msg)) => Some(format!("{code}: {msg}")),
                    (Some(one), None) | (None, Some(one)) => Some(one.clone()),
                    (None, None) => None,
                };
                // Servers often repeat the message in errors[]; once is enough.
                Box::new(
                    head.into_iter().chain(
                        errors
                            .iter()
                            .filter(|e| message.as_deref() != Some(e.as_str()))
                            .cloned(),
                    ),
                )
            }
            ErrorBody::JsonApi(errors) => Box::new(errors.iter().filter_map(JsonApiError::line)),
            ErrorBody::Html { title: Some(title) } => Box::new(std::iter::once(format!(
                "an HTML page (probably a proxy): {title}"
            ))),
            ErrorBody::Html { title: None } => Box::new(std::iter::once(
                "an HTML page (probably a proxy)".to_owned(),
            )),
            ErrorBody::Empty => Box::new(std::iter::once("empty response body".to_owned())),
            ErrorBody::Text(text) => Box::new(std::iter::once(text.clone())),
        };
        Box::new(lines.map(|line| sanitize(&line)))
    }

    /// How many lines [`Self::lines`] has, without building them.
    fn line_count(&self) -> usize {
        match self {
            ErrorBody::Standard {
                error_code,
                message,
                errors,
            } => {
                usize::from(error_code.is_some() || message.is_some())
                    + errors
                        .iter()
                        .filter(|e| message.as_deref() != Some(e.as_str()))
                        .count()
            }
            ErrorBody::JsonApi(errors) => errors.iter().filter(|e| e.has_line()).count(),
            _ => 1,
        }
    }

    fn map_text(self, f: &impl Fn(String) -> String) -> ErrorBody {
        let opt = |o: Option<String>| o.map(f);
        match self {
            ErrorBody::Standard {
                error_code,
                message,
                errors,
            } => ErrorBody::Standard {
                error_code: opt(error_code),
                message: opt(message),
                errors: errors.into_iter().map(f).collect(),
            },
            ErrorBody::JsonApi(errors) => ErrorBody::JsonApi(
                errors
                    .into_iter()
                    .map(|e| JsonApiError {
                        status: e.status,
                        code: opt(e.code),
                        title: opt(e.title),
                        detail: opt(e.detail),
                    })
                    .collect(),
            ),
            ErrorBody::Html { title } => ErrorBody::Html { title: opt(title) },
            ErrorBody::Empty => ErrorBody::Empty,
            ErrorBody::Text(text) => ErrorBody::Text(f(text)),
        }
    }
}

impl JsonApiError {
    /// `line()` is `Some`, told without building it.
    fn has_line(&self) -> bool {
        let text = |t: &Option<String>| t.as_ref().is_some_and(|t| !t.is_empty());
        self.code.is_some() || self.status.is_some() || text(&self.title) || text(&self.detail)
    }

    /// `"code: title — detail"`, leaving out what is missing (and a detail that only
    /// repeats the title).
    fn line(&self) -> Option<String> {
        let detail = self
            .detail
            .as_ref()
            .filter(|d| Some(*d) != self.title.as_ref());
        let tail: Vec<&str> = [self.title.as_ref(), detail]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect();
        let tail = tail.join(" — ");
        match (&self.code, tail.is_empty()) {
            (Some(code), false) => Some(format!("{code}: {tail}")),
            (Some(code), true) => Some(code.clone()),
            (None, false) => Some(tail),
            (None, true) => self.status.map(|s| format!("status {s}")),
        }
    }
}

/// `errors` of the standard shape: normally strings, but a list of anything, a single
/// string, or a Rails-style `{"field": ["problem"]}` map are read too.
fn error_list(v: &Value) -> Vec<String> {
    match v {
        Value::Array(items) => items.iter().filter_map(value_text).collect(),
        Value::Object(fields) => fields
            .iter()
            .flat_map(|(field, problems)| {
                let problems: Vec<String> = match problems {
                    Value::Array(items) => items.iter().filter_map(value_text).collect(),
                    other => value_text(other).into_iter().collect(),
                };
                let field = sanitize_snippet(field, MESSAGE_CHARS);
                problems.into_iter().map(move |p| format!("{field}: {p}"))
            })
            .collect(),
        other => value_text(other).into_iter().collect(),
    }
}

fn looks_like_html(text: &str) -> bool {
    if !text.starts_with('<') {
        return false;
    }
    let head = text.get(..text.len().min(4096)).unwrap_or(text);
    let head = head.to_ascii_lowercase();
    ["<!doctype html", "<html", "<head", "<body", "<title"]
        .iter()
        .any(|tag| head.contains(tag))
}

fn html_title(html: &str) -> Option<String> {
    // ASCII lowercasing keeps byte offsets, so positions found in `lower` index `html`.
    let lower = html.to_ascii_lowercase();
    let open = lower.find("<title")?;
    let start = open + lower[open..].find('>')? + 1;
    let end = start + lower[start..].find("</title")?;
    let title = decode_basic_entities(html.get(start..end)?);
    let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
    let title = sanitize_snippet(&title, SNIPPET_CHARS);
    (!title.is_empty()).then_some(title)
}

/// Only the entities that show up in proxy error titles; this is not an HTML parser.
fn decode_basic_entities(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
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

    /// Every further line: the server's own words (sanitised), then a hint where one helps.
    pub fn detail_lines(&self) -> Vec<String> {
        self.detail_lines_capped(usize::MAX).0
    }

    /// The first `max` of [`Self::detail_lines`] and how many more there are, without
    /// building the rest: a server may send tens of thousands, and a screen shows a few.
    pub fn detail_lines_capped(&self, max: usize) -> (Vec<String>, usize) {
        let mut lines = match self {
            ApiError::Http { status, body, .. } => {
                let quoted = usize::from(headline_quotes_body(*status, body));
                let count = body.line_count().saturating_sub(quoted);
                let hint = http_hint(*status, count == 0);
                let mut lines: Vec<String> = body.line_iter().skip(quoted).take(max).collect();
                if let Some(hint) = hint.filter(|_| lines.len() < max) {
                    lines.push(hint.to_owned());
                }
                let total = count + usize::from(hint.is_some());
                let more = total.saturating_sub(lines.len());
                lines.iter_mut().for_each(|l| *l = sanitize(l));
                return (lines, more);
            }
            // Saves with an unknown outcome are checked by the editor itself, so the hint
            // speaks only of the connection.
            ApiError::Timeout { .. } => vec![
                "hint: the server or the network is slow; --timeout gives it longer".to_owned(),
            ],
            ApiError::Connect { .. } => {
                vec!["hint: check the base URL and the network (VPN, proxy, firewall)".to_owned()]
            }
            ApiError::Tls { .. } => vec![
                "hint: the secure connection could not be set up; check that the base URL \
                 points at an https:// server and that no proxy intercepts TLS"
                    .to_owned(),
            ],
            ApiError::Decode { status, .. } if (200..300).contains(status) => vec![
                "hint: the server answered, but not with what the contacts API sends; check \
                 the base URL"
                    .to_owned(),
            ],
            _ => Vec::new(),
        };
        lines.iter_mut().for_each(|l| *l = sanitize(l));
        let more = lines.len().saturating_sub(max);
        lines.truncate(max);
        (lines, more)
    }

    /// Replaces every occurrence of `secret` in the error's text. A server may echo the
    /// token back in an error body; it must not reach the screen or a log from there.
    pub(crate) fn redact(self, secret: &str) -> ApiError {
        // Very short "secrets" would garble ordinary words and protect nothing.
        if secret.chars().count() < 4 {
            return self;
        }
        let r = |s: String| s.replace(secret, "<redacted>");
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
        401 => "the server refused the token (HTTP 401) — check LINQ_INTEGRATION_TOKEN".to_owned(),
        403 => "access denied (HTTP 403) — check that LINQ_INTEGRATION_TOKEN belongs to the \
                contact's organisation"
            .to_owned(),
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

fn http_hint(status: u16, no_other_lines: bool) -> Option<&'static str> {
    match status {
        300..=399 => Some(
            "hint: redirects are not followed, so the token is never sent to another address; \
             check the base URL",
        ),
        401 | 403 => Some(
            "hint: tokens are issued per organisation; check LINQ_INTEGRATION_TOKEN (or the \
             config file's token_command)",
        ),
        404 if no_other_lines => {
            Some("hint: the contact does not exist, or it belongs to another organisation")
        }
        _ => None,
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

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn standard_body_lines() {
        let body = ErrorBody::parse(
            br#"{"status":"error","error_code":"CONTACT_NOT_FOUND","message":"Contact not found","errors":["gone"]}"#,
        );
        assert_eq!(
            body.lines(),
            vec!["CONTACT_NOT_FOUND: Contact not found", "gone"]
        );
    }

    #[test]
    fn json_api_status_may_be_a_string_or_a_number() {
        let body = ErrorBody::parse(
            br#"{"errors":[{"status":"401","code":"unauthorized","title":"Unauthorized","detail":"Bad token"},{"status":403}]}"#,
        );
        let ErrorBody::JsonApi(errors) = &body else {
            panic!("not JSON:API: {body:?}");
        };
        assert_eq!(errors[0].status, Some(401));
        assert_eq!(errors[1].status, Some(403));
        assert_eq!(
            body.lines(),
            vec!["unauthorized: Unauthorized — Bad token", "status 403"]
        );
    }

    #[test]
    fn html_title_is_extracted_and_cleaned() {
        let body = ErrorBody::parse(
            b"<!DOCTYPE html><html><head><TITLE>\n 502 Bad &amp; Gateway\x1b[2J </title>",
        );
        assert_eq!(
            body,
            ErrorBody::Html {
                title: Some("502 Bad & Gateway[2J".to_owned())
            }
        );
        assert_eq!(
            ErrorBody::parse(b"<html><body>x</body></html>"),
            ErrorBody::Html { title: None }
        );
    }

    #[test]
    fn unrecognised_bodies_become_bounded_snippets() {
        assert_eq!(ErrorBody::parse(b"  \n"), ErrorBody::Empty);
        assert_eq!(ErrorBody::parse(b"{}"), ErrorBody::Text("{}".to_owned()));
        let ErrorBody::Text(t) = ErrorBody::parse("x".repeat(1000).as_bytes()) else {
            panic!("not text");
        };
        assert_eq!(t.chars().count(), SNIPPET_CHARS);
        assert_eq!(
            ErrorBody::parse(b"bad \xff bytes"),
            ErrorBody::Text("bad \u{fffd} bytes".to_owned())
        );
    }

    #[test]
    fn rails_style_error_map_is_read() {
        let body = ErrorBody::parse(br#"{"errors":{"email":["is invalid","is taken"]}}"#);
        assert_eq!(body.lines(), vec!["email: is invalid", "email: is taken"]);
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
}
