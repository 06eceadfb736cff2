//! Injected failures: the answers a real deployment gives when something between the
//! client and the application misbehaves (a crashed worker, a proxy, a rate limiter, a
//! half-dead connection). Tests and manual trials use them to see how a client copes
//! with answers the reference never documents.

use std::collections::VecDeque;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures::StreamExt;
use futures::stream;
use serde_json::{Value, json};
use tokio::sync::watch;

use super::answers::json_api_error;
use crate::api::model::{Contact, DataEnvelope};

/// How far past 2 MiB the oversized body goes does not matter; that it is well over any
/// sane limit for one contact (the client's included) does.
const OVERSIZED_PADDING_BYTES: usize = 2 << 20;

/// A failure the demo can answer with instead of handling a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// 500 with a standard-shape error body (error_code "INTERNAL_ERROR").
    ServerError,
    /// 502 with an nginx-style HTML page, content-type text/html.
    BadGatewayHtml,
    /// 429 with header `Retry-After: <secs>` and a JSON:API-shape body (code
    /// "RATE_LIMITED").
    TooManyRequests { retry_after_secs: u64 },
    /// 200 with the headers and the first part of a JSON body sent, after which the body
    /// never finishes; the connection stays open until the client gives up or the demo
    /// is dropped.
    Stall,
    /// 200 with valid JSON over 2 MiB: the contact plus a long `padding` string.
    Oversized,
    /// 200 whose body is JSON cut in half, with an honest Content-Length.
    Truncated,
    /// 422 in the standard shape (error_code "VALIDATION_ERROR") whose `errors` holds
    /// one object, `{"field": field, "message": message}`, as Rails-style servers write
    /// them, rather than the documented strings.
    FieldError { field: String, message: String },
    /// The request is handled (a write is stored, as far as a pending dropped field
    /// allows), then answered 500 all the same: a server that failed after acting.
    StoredThenServerError,
    /// 200 headers, then the connection is cut before any body: an answer lost on its way.
    Hangup,
    /// The request is handled (a write stored, a delete done), then the connection is
    /// cut before any body: the answer to a write that happened is lost.
    StoredThenHangup,
    /// 200 with a well-formed record of another contact (the asked id + 1000).
    OtherRecord,
    /// 403 in the JSON:API shape: refused before acting.
    Forbidden,
}

/// The pending faults and the latency, shared by the request path and the handle.
#[derive(Debug, Default)]
pub(crate) struct FaultPlan {
    latency: Duration,
    /// Runs of `(fault, remaining, only this HTTP method)`, served front first, so that
    /// successive `fail_next` calls queue up instead of replacing each other.
    queue: VecDeque<(Fault, usize, Option<String>)>,
    /// Fields the next updates naming them will answer for but not store, oldest first.
    drops: VecDeque<String>,
}

impl FaultPlan {
    pub(crate) fn latency(&self) -> Duration {
        self.latency
    }

    pub(crate) fn set_latency(&mut self, latency: Duration) {
        self.latency = latency;
    }

    pub(crate) fn push(&mut self, count: usize, fault: Fault, method: Option<String>) {
        if count > 0 {
            self.queue.push_back((fault, count, method));
        }
    }

    /// The fault an API request with `method` gets, if any, using it up. A run kept for
    /// another method lets the request through.
    pub(crate) fn take(&mut self, method: &str) -> Option<Fault> {
        let (fault, remaining, only) = self.queue.front_mut()?;
        if only
            .as_deref()
            .is_some_and(|m| !m.eq_ignore_ascii_case(method))
        {
            return None;
        }
        let fault = fault.clone();
        *remaining -= 1;
        if *remaining == 0 {
            self.queue.pop_front();
        }
        Some(fault)
    }

    /// How many requests are still to be faulted, for the control surface's replies.
    pub(crate) fn pending(&self) -> usize {
        self.queue
            .iter()
            .fold(0usize, |sum, (_, n, _)| sum.saturating_add(*n))
    }

    pub(crate) fn push_drop(&mut self, field: &str) {
        self.drops.push_back(field.to_owned());
    }

    /// The field an update naming `named` fields is to drop, if one is pending for any
    /// of them, using it up. An update that then fails hands it back with
    /// [`FaultPlan::restore_drop`], so the drop waits for a save that really lands.
    pub(crate) fn take_drop(&mut self, named: impl Fn(&str) -> bool) -> Option<String> {
        let at = self.drops.iter().position(|f| named(f))?;
        self.drops.remove(at)
    }

    pub(crate) fn restore_drop(&mut self, field: String) {
        self.drops.push_front(field);
    }

    pub(crate) fn pending_drops(&self) -> usize {
        self.drops.len()
    }

    pub(crate) fn clear(&mut self) {
        *self = FaultPlan::default();
    }
}

/// The response for `fault`. `contact` fills the bodies that pretend to be a success;
/// `shutdown` ends a stalled body when the demo is dropped (its sender never sends).
pub(crate) fn respond(fault: &Fault, contact: &Contact, shutdown: watch::Receiver<()>) -> Response {
    match fault {
        Fault::ServerError => server_error(),
        Fault::BadGatewayHtml => bad_gateway(),
        Fault::TooManyRequests { retry_after_secs } => too_many_requests(*retry_after_secs),
        Fault::Stall => stall(contact, shutdown),
        Fault::Oversized => oversized(contact),
        Fault::Truncated => truncated(contact),
        Fault::FieldError { field, message } => field_error(field, message),
        Fault::StoredThenServerError => server_error(),
        Fault::Hangup | Fault::StoredThenHangup => hangup(),
        Fault::Forbidden => forbidden(),
        Fault::OtherRecord => {
            let mut other = contact.clone();
            other.id = other.id.saturating_add(1000);
            axum::Json(DataEnvelope { data: other }).into_response()
        }
    }
}

/// Whether the request is handled before the fault's answer replaces the real one.
pub(crate) fn handled_first(fault: &Fault) -> bool {
    matches!(
        fault,
        Fault::StoredThenServerError | Fault::StoredThenHangup
    )
}

fn forbidden() -> Response {
    json_api_error(
        StatusCode::FORBIDDEN,
        "FORBIDDEN",
        "Forbidden",
        "This integration may not change this contact",
    )
}

fn hangup() -> Response {
    let cut = stream::once(async { Err::<Bytes, _>(std::io::Error::other("connection cut")) });
    json_response(Body::from_stream(cut))
}

fn field_error(field: &str, message: &str) -> Response {
    let body = json!({
        "status": "error",
        "error_code": "VALIDATION_ERROR",
        "message": "Validation failed",
        "errors": [{ "field": field, "message": message }],
    });
    (StatusCode::UNPROCESSABLE_ENTITY, axum::Json(body)).into_response()
}

fn server_error() -> Response {
    let body = json!({
        "status": "error",
        "error_code": "INTERNAL_ERROR",
        "message": "Internal server error",
        "errors": ["Something went wrong on our side; please try again later"],
    });
    (StatusCode::INTERNAL_SERVER_ERROR, axum::Json(body)).into_response()
}

/// What nginx serves when the application behind it is down: HTML, not JSON.
fn bad_gateway() -> Response {
    const PAGE: &str = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n\
        <center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n\
        </body>\r\n</html>\r\n";
    (
        StatusCode::BAD_GATEWAY,
        [(header::CONTENT_TYPE, "text/html")],
        PAGE,
    )
        .into_response()
}

/// Rate limiting is done in front of the contacts controller, so the body has the
/// second (JSON:API) error shape rather than the contacts one.
fn too_many_requests(retry_after_secs: u64) -> Response {
    let mut response = json_api_error(
        StatusCode::TOO_MANY_REQUESTS,
        "RATE_LIMITED",
        "Too Many Requests",
        &format!("Rate limit exceeded; retry after {retry_after_secs} seconds"),
    );
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
    response
}

/// Sends the first half of a real answer, then waits without using any CPU until the
/// demo is dropped, at which point the body fails and the connection is cut.
fn stall(contact: &Contact, mut shutdown: watch::Receiver<()>) -> Response {
    let head = Bytes::from(first_half(envelope_text(contact)));
    let head = stream::once(async move { Ok::<_, std::io::Error>(head) });
    let never_ending = stream::once(async move {
        // `changed` only fails once the sender, owned by the DemoServer, is gone.
        while shutdown.changed().await.is_ok() {}
        Err(std::io::Error::other("demo server stopped"))
    });
    json_response(Body::from_stream(head.chain(never_ending)))
}

fn oversized(contact: &Contact) -> Response {
    let mut data = serde_json::to_value(contact).unwrap_or_else(|_| json!({}));
    if let Value::Object(fields) = &mut data {
        fields.insert(
            "padding".to_string(),
            Value::String("x".repeat(OVERSIZED_PADDING_BYTES)),
        );
    }
    axum::Json(json!({ "data": data })).into_response()
}

fn truncated(contact: &Contact) -> Response {
    json_response(Body::from(first_half(envelope_text(contact))))
}

fn json_response(body: Body) -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        body,
    )
        .into_response()
}

fn envelope_text(contact: &Contact) -> String {
    let envelope = DataEnvelope {
        data: contact.clone(),
    };
    // A struct of strings always serialises; an empty object would still be cut below.
    serde_json::to_string(&envelope).unwrap_or_else(|_| "{\"data\":{}}".to_string())
}

/// The first half of a JSON object. The closing brace is always lost, so the result
/// is never valid JSON, which is the point.
fn first_half(mut text: String) -> String {
    let mut cut = text.len() / 2;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    text.truncate(cut);
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queued_runs_are_served_in_order_and_used_up() {
        let mut plan = FaultPlan::default();
        plan.push(2, Fault::ServerError, None);
        plan.push(0, Fault::Stall, None);
        plan.push(1, Fault::Truncated, None);
        assert_eq!(plan.pending(), 3);
        assert_eq!(plan.take("GET"), Some(Fault::ServerError));
        assert_eq!(plan.take("GET"), Some(Fault::ServerError));
        assert_eq!(plan.take("GET"), Some(Fault::Truncated));
        assert_eq!(plan.take("GET"), None);
    }

    #[test]
    fn a_run_for_one_method_lets_others_through() {
        let mut plan = FaultPlan::default();
        plan.push(1, Fault::Stall, Some("PUT".into()));
        assert_eq!(plan.take("GET"), None);
        assert_eq!(plan.take("PUT"), Some(Fault::Stall));
        assert_eq!(plan.pending(), 0);
    }

    #[test]
    fn a_drop_waits_for_an_update_naming_its_field() {
        let mut plan = FaultPlan::default();
        plan.push_drop("title");
        plan.push_drop("email");
        assert_eq!(plan.take_drop(|f| f == "company"), None);
        assert_eq!(plan.take_drop(|f| f == "email").as_deref(), Some("email"));
        plan.restore_drop("email".into());
        assert_eq!(plan.pending_drops(), 2);
        assert_eq!(plan.take_drop(|_| true).as_deref(), Some("email"));
        plan.clear();
        assert_eq!(plan.pending_drops(), 0);
    }

    #[test]
    fn half_of_a_json_object_is_never_json() {
        let cut = first_half(r#"{"data":{"id":10,"first_name":"Zoë"}}"#.to_string());
        assert!(cut.starts_with(r#"{"data":{"id""#));
        assert!(serde_json::from_str::<Value>(&cut).is_err());
        assert_eq!(first_half("é".to_string()), "");
    }
}
