//! The demo's control surface under `/__demo`: fault injection and colleagues' edits
//! for manual trials with curl. See the `demo` module documentation for the routes.
//!
//! Control requests need no token (the demo only listens on loopback), are not recorded
//! and are never delayed or faulted, so a trial can always be steered and reset.

use std::collections::HashMap;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use serde_json::json;

use super::CONTROL_HELP;
use super::answers::{contact_not_found, standard_error, validation_error};
use super::faults::Fault;
use super::shared::Shared;
use super::store::{Refusal, is_patch_field, patch_field_names};
use crate::api::model::{DataEnvelope, UpdateRequest};

/// Used when `/__demo/fail?kind=429` names no `retry_after`.
const DEFAULT_RETRY_AFTER_SECS: u64 = 5;
/// Used when `/__demo/fail?kind=422` names no `field` / `message`.
const DEFAULT_ERROR_FIELD: &str = "email";
const DEFAULT_ERROR_MESSAGE: &str = "has already been taken";

type Params = Result<Query<HashMap<String, String>>, QueryRejection>;

pub(crate) fn router() -> Router<Shared> {
    Router::new()
        .route("/__demo", get(help))
        .route("/__demo/latency", post(latency))
        .route("/__demo/fail", post(fail))
        .route("/__demo/drop-field", post(drop_field))
        .route("/__demo/clear", post(clear))
        .route("/__demo/edit/{id}", post(edit))
        .method_not_allowed_fallback(wrong_method)
        // Without this, a mistyped control path would fall through to the API's
        // fallback and be recorded and answered as an API request.
        .route("/__demo/{*rest}", any(unknown))
}

async fn help() -> &'static str {
    CONTROL_HELP
}

async fn latency(State(shared): State<Shared>, params: Params) -> Response {
    let params = params.map(|q| q.0).unwrap_or_default();
    let Some(ms) = number(&params, "ms") else {
        return bad_request("Give the latency in milliseconds, e.g. ?ms=2000");
    };
    shared.faults().set_latency(Duration::from_millis(ms));
    axum::Json(json!({ "latency_ms": ms })).into_response()
}

async fn fail(State(shared): State<Shared>, params: Params) -> Response {
    let params = params.map(|q| q.0).unwrap_or_default();
    let count = match params.get("count") {
        None => Some(1),
        Some(_) => number(&params, "count").and_then(|n| usize::try_from(n).ok()),
    };
    let retry_after = match params.get("retry_after") {
        None => Some(DEFAULT_RETRY_AFTER_SECS),
        Some(_) => number(&params, "retry_after"),
    };
    let kind = params.get("kind").map(String::as_str).unwrap_or_default();
    let (Some(count), Some(retry_after)) = (count, retry_after) else {
        return bad_request("count and retry_after must be whole numbers");
    };
    let method = match params.get("method").map(|m| m.trim()) {
        None => None,
        Some(m) if !m.is_empty() && m.chars().all(|c| c.is_ascii_alphabetic()) => {
            Some(m.to_ascii_uppercase())
        }
        Some(_) => return bad_request("method must be an HTTP method, e.g. PUT"),
    };
    let text = |name: &str, default: &str| {
        params
            .get(name)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
            .unwrap_or(default)
            .to_string()
    };
    let fault = match kind {
        "422" => Fault::FieldError {
            field: text("field", DEFAULT_ERROR_FIELD),
            message: text("message", DEFAULT_ERROR_MESSAGE),
        },
        other => match fault_of_kind(other, retry_after) {
            Some(fault) => fault,
            None => {
                return bad_request(
                    "kind must be one of 500, 502, 429, 422, stall, oversized, truncated, \
                     stored-500, hangup, stored-hangup, other-record, 403",
                );
            }
        },
    };
    let mut plan = shared.faults();
    plan.push(count, fault, method.clone());
    axum::Json(json!({
        "kind": kind,
        "count": count,
        "method": method,
        "pending": plan.pending(),
    }))
    .into_response()
}

/// The next update naming the field answers 200 without storing it.
async fn drop_field(State(shared): State<Shared>, params: Params) -> Response {
    let params = params.map(|q| q.0).unwrap_or_default();
    let name = params.get("name").map(|n| n.trim()).unwrap_or_default();
    if !is_patch_field(name) {
        return bad_request(&format!(
            "name must be a field of an update body: {}",
            patch_field_names()
        ));
    }
    let mut plan = shared.faults();
    plan.push_drop(name);
    axum::Json(json!({ "drop_field": name, "pending": plan.pending_drops() })).into_response()
}

async fn clear(State(shared): State<Shared>) -> Response {
    shared.faults().clear();
    axum::Json(json!({ "latency_ms": 0, "pending": 0, "pending_drops": 0 })).into_response()
}

/// A colleague's save: the body is the same `{"contact": {...}}` as a PUT's.
async fn edit(
    State(shared): State<Shared>,
    id: Result<Path<u64>, PathRejection>,
    body: Bytes,
) -> Response {
    let Ok(Path(id)) = id else {
        return contact_not_found();
    };
    let request: UpdateRequest = match serde_json::from_slice(&body) {
        Ok(request) => request,
        Err(e) => return bad_request(&format!("Expected {{\"contact\": {{...}}}}: {e}")),
    };
    match shared.edit_externally(id, &request.contact) {
        Ok(data) => axum::Json(DataEnvelope { data }).into_response(),
        Err(Refusal::NotFound) => contact_not_found(),
        Err(Refusal::Invalid(problems)) => validation_error(problems),
    }
}

async fn wrong_method() -> Response {
    control_error(
        StatusCode::METHOD_NOT_ALLOWED,
        "Wrong method: GET /__demo for help, POST for the rest",
    )
}

async fn unknown() -> Response {
    control_error(StatusCode::NOT_FOUND, "No such control route")
}

/// The names the control surface accepts, chosen to match what a tester types: the
/// status code where there is one.
fn fault_of_kind(kind: &str, retry_after_secs: u64) -> Option<Fault> {
    Some(match kind {
        "500" => Fault::ServerError,
        "502" => Fault::BadGatewayHtml,
        "429" => Fault::TooManyRequests { retry_after_secs },
        "stall" => Fault::Stall,
        "oversized" => Fault::Oversized,
        "truncated" => Fault::Truncated,
        "stored-500" => Fault::StoredThenServerError,
        "hangup" => Fault::Hangup,
        "stored-hangup" => Fault::StoredThenHangup,
        "403" => Fault::Forbidden,
        "other-record" => Fault::OtherRecord,
        _ => return None,
    })
}

fn number(params: &HashMap<String, String>, name: &str) -> Option<u64> {
    params.get(name)?.trim().parse().ok()
}

fn bad_request(problem: &str) -> Response {
    control_error(StatusCode::BAD_REQUEST, problem)
}

/// Every refusal carries the usage text, since whoever reads it is typing curl
/// commands by hand.
fn control_error(status: StatusCode, problem: &str) -> Response {
    standard_error(
        status,
        "DEMO_CONTROL",
        problem,
        CONTROL_HELP.lines().map(str::to_string).collect(),
    )
}
