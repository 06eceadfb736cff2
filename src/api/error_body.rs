//! The body of a non-2xx response, recognised as one of the shapes the API (or a proxy in
//! front of it) is known to send, and read as lines a person can follow.
//!
//! Everything that came from the server is sanitised when it is parsed, so a hostile or
//! broken server cannot put control sequences on the terminal through an error message.

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
    /// `{"status":"error","error_code":..,"message":..,"errors":[..]}`. The entries of
    /// `errors` may be strings (as documented), objects naming a field, or a Rails-style
    /// `{"field": ["problem"]}` map.
    Standard {
        error_code: Option<String>,
        message: Option<String>,
        errors: Vec<ErrorEntry>,
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

/// One entry of the standard shape's `errors`, as a readable line, with the API field it
/// is about when the server named one (so a front end can show it under that field).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorEntry {
    /// The API's name of the field (`email`, `phone_number`), when the entry names one.
    pub field: Option<String>,
    /// The entry as shown: `"email: is invalid"`, or the server's sentence as it is.
    pub line: String,
}

impl ErrorEntry {
    /// An entry about `field`: its line names the field first.
    pub fn about(field: Option<String>, message: &str) -> ErrorEntry {
        let line = match &field {
            Some(field) => format!("{field}: {message}"),
            None => message.to_owned(),
        };
        ErrorEntry { field, line }
    }
}

/// A sentence that names no field, as the documented `errors` strings are.
impl From<&str> for ErrorEntry {
    fn from(line: &str) -> ErrorEntry {
        ErrorEntry::about(None, line)
    }
}

impl From<String> for ErrorEntry {
    fn from(line: String) -> ErrorEntry {
        ErrorEntry { field: None, line }
    }
}

/// One object of an `errors` array: a JSON:API error, or an entry of the standard shape
/// written as an object. Every member is optional and read leniently (`status` may be a
/// number or a string), because neither shape is documented for contacts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JsonApiError {
    pub status: Option<u16>,
    /// `code` (or `error_code`).
    pub code: Option<String>,
    pub title: Option<String>,
    pub detail: Option<String>,
    /// `message` (or `error`), which Rails-style entries use instead of title/detail.
    pub message: Option<String>,
    /// The API field the entry is about: `field`, `attribute`, `param`, or the last
    /// segment of `source.pointer` / `source.parameter`.
    pub field: Option<String>,
    /// Members under other names, as `name: value`, kept only when none of the known
    /// ones says anything, so that no server's words are lost.
    pub other: Option<String>,
}

/// Members whose meaning [`JsonApiError`] knows; any others end up in `other`.
const KNOWN_MEMBERS: [&str; 12] = [
    "status",
    "code",
    "error_code",
    "title",
    "detail",
    "message",
    "error",
    "field",
    "attribute",
    "param",
    "source",
    "id",
];

impl JsonApiError {
    fn from_object(obj: &Map<String, Value>) -> JsonApiError {
        let text = |names: &[&str]| names.iter().find_map(|n| obj.get(*n).and_then(value_text));
        let source = obj.get("source").and_then(Value::as_object);
        let field = ["field", "attribute", "param"]
            .iter()
            .filter_map(|n| obj.get(*n).and_then(Value::as_str))
            .chain(
                ["pointer", "parameter"]
                    .iter()
                    .filter_map(|n| source?.get(*n)?.as_str()),
            )
            .find_map(field_name);
        let mut entry = JsonApiError {
            status: obj.get("status").and_then(lenient_status),
            code: text(&["code", "error_code"]),
            title: text(&["title"]),
            detail: text(&["detail"]),
            message: text(&["message", "error"]),
            field,
            other: None,
        };
        if entry.words().is_empty() && entry.code.is_none() {
            let other: Vec<String> = obj
                .iter()
                .filter(|(name, _)| !KNOWN_MEMBERS.contains(&name.as_str()))
                .filter_map(|(name, v)| {
                    value_text(v).map(|v| format!("{}: {v}", sanitize_snippet(name, MESSAGE_CHARS)))
                })
                .collect();
            entry.other = (!other.is_empty()).then(|| other.join("; "));
        }
        entry
    }

    /// What the entry says, without field or code: message, title and detail, each once.
    fn words(&self) -> String {
        let mut words: Vec<&str> = Vec::new();
        for w in [&self.message, &self.title, &self.detail, &self.other]
            .into_iter()
            .flatten()
        {
            if !words.contains(&w.as_str()) {
                words.push(w);
            }
        }
        words.join(" — ")
    }

    /// `"field: words"`, `"code: title — detail"`, or what there is of those; a bare
    /// status only when the entry holds nothing else.
    fn entry(&self) -> Option<ErrorEntry> {
        let words = self.words();
        let said = (!words.is_empty()).then_some(words);
        match (&self.field, &self.code, said) {
            (Some(field), code, said) => Some(match said.or_else(|| code.clone()) {
                Some(what) => ErrorEntry::about(Some(field.clone()), &what),
                None => ErrorEntry {
                    field: Some(field.clone()),
                    line: field.clone(),
                },
            }),
            (None, Some(code), Some(words)) => Some(format!("{code}: {words}").into()),
            (None, Some(code), None) => Some(code.clone().into()),
            (None, None, Some(words)) => Some(words.into()),
            (None, None, None) => self.status.map(|s| format!("status {s}").into()),
        }
    }
}

/// The API field a name or a JSON pointer stands for: its last segment, so that
/// `/data/attributes/email`, `contact.email` and `contact[email]` all give `email`.
fn field_name(raw: &str) -> Option<String> {
    let last = raw
        .split(['/', '.', '[', ']'])
        .rfind(|s| !s.trim().is_empty())?;
    let clean = sanitize_snippet(last.trim(), MESSAGE_CHARS);
    (!clean.is_empty()).then_some(clean)
}

fn lenient_status(v: &Value) -> Option<u16> {
    match v {
        Value::Number(n) => n.as_u64().and_then(|n| u16::try_from(n).ok()),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
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
        // `status` is a word ("error") in the standard shape; JSON:API puts numbers only
        // inside the entries. Either of the other two members settles it.
        let standard = obj.contains_key("error_code")
            || obj.contains_key("message")
            || obj.get("status").is_some_and(Value::is_string);
        if !standard
            && let Some(Value::Array(items)) = obj.get("errors")
            && !items.is_empty()
            && items.iter().all(Value::is_object)
        {
            let errors = items
                .iter()
                .filter_map(Value::as_object)
                .map(JsonApiError::from_object)
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

    /// The body as human lines, already sanitised: every message the server gave.
    pub fn lines(&self) -> Vec<String> {
        self.line_iter().collect()
    }

    /// The same lines as [`ErrorBody::lines`], in the same order, each with the API field
    /// it is about when the server named one (`errors` objects with `field`, `attribute`
    /// or `source.pointer`, and Rails-style maps), so a front end can show it under that
    /// field. Lines that name no field (the documented strings among them) come with
    /// `None`.
    pub fn field_messages(&self) -> Vec<(Option<String>, String)> {
        self.entry_iter().collect()
    }

    /// [`Self::lines`], built one at a time.
    pub(super) fn line_iter(&self) -> impl Iterator<Item = String> + '_ {
        self.entry_iter().map(|(_, line)| line)
    }

    /// [`Self::field_messages`], built one at a time: a body may hold tens of thousands
    /// of entries and a caller may want only the first few.
    fn entry_iter(&self) -> Box<dyn Iterator<Item = (Option<String>, String)> + '_> {
        let unnamed = |line: String| (None, line);
        let entries: Box<dyn Iterator<Item = (Option<String>, String)> + '_> = match self {
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
                Box::new(
                    head.into_iter().map(unnamed).chain(
                        errors
                            .iter()
                            // Servers often repeat the message in errors[]; once is enough.
                            .filter(|e| message.as_deref() != Some(e.line.as_str()))
                            .map(|e| (e.field.clone(), e.line.clone())),
                    ),
                )
            }
            ErrorBody::JsonApi(errors) => Box::new(
                errors
                    .iter()
                    .filter_map(JsonApiError::entry)
                    .map(|e| (e.field, e.line)),
            ),
            ErrorBody::Html { title: Some(title) } => Box::new(std::iter::once(unnamed(format!(
                "an HTML page (probably a proxy): {title}"
            )))),
            ErrorBody::Html { title: None } => Box::new(std::iter::once(unnamed(
                "an HTML page (probably a proxy)".to_owned(),
            ))),
            ErrorBody::Empty => {
                Box::new(std::iter::once(unnamed("empty response body".to_owned())))
            }
            ErrorBody::Text(text) => Box::new(std::iter::once(unnamed(text.clone()))),
        };
        Box::new(entries.map(|(field, line)| (field.map(|f| sanitize(&f)), sanitize(&line))))
    }

    /// How many lines [`Self::lines`] has, without building the standard shape's.
    pub(super) fn line_count(&self) -> usize {
        match self {
            ErrorBody::Standard {
                error_code,
                message,
                errors,
            } => {
                usize::from(error_code.is_some() || message.is_some())
                    + errors
                        .iter()
                        .filter(|e| message.as_deref() != Some(e.line.as_str()))
                        .count()
            }
            ErrorBody::JsonApi(errors) => errors.iter().filter(|e| e.entry().is_some()).count(),
            _ => 1,
        }
    }

    pub(super) fn map_text(self, f: &impl Fn(String) -> String) -> ErrorBody {
        let opt = |o: Option<String>| o.map(f);
        match self {
            ErrorBody::Standard {
                error_code,
                message,
                errors,
            } => ErrorBody::Standard {
                error_code: opt(error_code),
                message: opt(message),
                errors: errors
                    .into_iter()
                    .map(|e| ErrorEntry {
                        field: opt(e.field),
                        line: f(e.line),
                    })
                    .collect(),
            },
            ErrorBody::JsonApi(errors) => ErrorBody::JsonApi(
                errors
                    .into_iter()
                    .map(|e| JsonApiError {
                        status: e.status,
                        code: opt(e.code),
                        title: opt(e.title),
                        detail: opt(e.detail),
                        message: opt(e.message),
                        field: opt(e.field),
                        other: opt(e.other),
                    })
                    .collect(),
            ),
            ErrorBody::Html { title } => ErrorBody::Html { title: opt(title) },
            ErrorBody::Empty => ErrorBody::Empty,
            ErrorBody::Text(text) => ErrorBody::Text(f(text)),
        }
    }
}

/// `errors` of the standard shape: normally strings, but objects (with or without a
/// field), a single string, or a Rails-style `{"field": ["problem"]}` map are read too.
fn error_list(v: &Value) -> Vec<ErrorEntry> {
    match v {
        Value::Array(items) => items.iter().filter_map(list_item).collect(),
        Value::Object(fields) => fields
            .iter()
            .flat_map(|(field, problems)| {
                let problems: Vec<String> = match problems {
                    Value::Array(items) => items.iter().filter_map(problem_text).collect(),
                    other => problem_text(other).into_iter().collect(),
                };
                let field = field_name(field);
                problems
                    .into_iter()
                    .map(move |p| ErrorEntry::about(field.clone(), &p))
            })
            .collect(),
        other => value_text(other)
            .map(ErrorEntry::from)
            .into_iter()
            .collect(),
    }
}

fn list_item(v: &Value) -> Option<ErrorEntry> {
    match v {
        Value::Object(obj) => JsonApiError::from_object(obj).entry(),
        other => value_text(other).map(ErrorEntry::from),
    }
}

/// One problem of a Rails-style map: a sentence, or an object such as
/// `{"error": "taken"}` read for its words.
fn problem_text(v: &Value) -> Option<String> {
    match v {
        Value::Object(obj) => JsonApiError::from_object(obj).entry().map(|e| e.line),
        other => value_text(other),
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
#[cfg(test)]
mod tests {
    use super::*;

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
    fn standard_body_with_object_errors_keeps_message_code_and_fields() {
        let body = ErrorBody::parse(
            br#"{"status":"error","error_code":"VALIDATION_ERROR","message":"Validation failed",
                "errors":[{"field":"email","message":"is invalid"},
                          {"attribute":"location","message":"is not a number"},
                          {"code":"TAKEN","title":"Email taken","detail":"Another contact has it"}]}"#,
        );
        let ErrorBody::Standard {
            error_code,
            message,
            errors,
        } = &body
        else {
            panic!("not the standard shape: {body:?}");
        };
        assert_eq!(error_code.as_deref(), Some("VALIDATION_ERROR"));
        assert_eq!(message.as_deref(), Some("Validation failed"));
        assert_eq!(errors.len(), 3);
        assert_eq!(
            body.lines(),
            vec![
                "VALIDATION_ERROR: Validation failed",
                "email: is invalid",
                "location: is not a number",
                "TAKEN: Email taken — Another contact has it",
            ]
        );
        assert_eq!(
            body.field_messages(),
            vec![
                (None, "VALIDATION_ERROR: Validation failed".to_owned()),
                (Some("email".to_owned()), "email: is invalid".to_owned()),
                (
                    Some("location".to_owned()),
                    "location: is not a number".to_owned()
                ),
                (
                    None,
                    "TAKEN: Email taken — Another contact has it".to_owned()
                ),
            ]
        );
    }

    #[test]
    fn a_field_is_read_from_a_pointer_or_a_nested_name() {
        let body = ErrorBody::parse(
            br#"{"errors":[{"status":"422","source":{"pointer":"/data/attributes/email"},"detail":"is taken"},
                          {"field":"contact.location","message":"is not a number"},
                          {"param":"contact[title]","error":"too long"},
                          {"source":{"parameter":"email"},"title":"bad"}]}"#,
        );
        assert!(matches!(body, ErrorBody::JsonApi(_)), "{body:?}");
        let fields: Vec<Option<String>> =
            body.field_messages().into_iter().map(|(f, _)| f).collect();
        assert_eq!(
            fields,
            [
                Some("email"),
                Some("location"),
                Some("title"),
                Some("email")
            ]
            .map(|f| f.map(str::to_owned))
        );
        assert_eq!(body.lines()[0], "email: is taken");
        assert_eq!(body.lines()[2], "title: too long");
    }

    #[test]
    fn entries_of_unknown_members_keep_their_words() {
        let body = ErrorBody::parse(
            br#"{"errors":[{"status":422,"reason":"quota used up"},{"status":409}]}"#,
        );
        assert_eq!(body.lines(), vec!["reason: quota used up", "status 409"]);
        // A field with nothing said about it is still a line, under that field.
        let body = ErrorBody::parse(br#"{"message":"Invalid","errors":[{"field":"email"},{"field":"title","code":"too_long"}]}"#);
        assert_eq!(
            body.field_messages(),
            vec![
                (None, "Invalid".to_owned()),
                (Some("email".to_owned()), "email".to_owned()),
                (Some("title".to_owned()), "title: too_long".to_owned()),
            ]
        );
    }

    #[test]
    fn field_messages_pair_the_same_lines_as_lines() {
        for raw in [
            &br#"{"status":"error","message":"m","errors":["m","x",{"field":"email","message":"y"}]}"#[..],
            br#"{"errors":{"email":["is invalid"]}}"#,
            br#"{"errors":[{"title":"t"}]}"#,
            b"<html><title>x</title>",
            b"",
            b"oops",
        ] {
            let body = ErrorBody::parse(raw);
            let paired: Vec<String> = body.field_messages().into_iter().map(|(_, l)| l).collect();
            assert_eq!(paired, body.lines(), "{body:?}");
        }
    }

    #[test]
    fn field_names_are_cleaned_of_control_characters() {
        let body = ErrorBody::parse(
            b"{\"message\":\"x\",\"errors\":[{\"field\":\"em\\u001bail\",\"message\":\"bad\\u0007\"}]}",
        );
        assert_eq!(
            body.field_messages()[1],
            (Some("email".to_owned()), "email: bad".to_owned())
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
        assert_eq!(
            body.field_messages()[1],
            (Some("email".to_owned()), "email: is taken".to_owned())
        );
    }
}
