//! HTTP face of the demo: routes, the token check, request recording, injected faults,
//! and the API's two error body shapes. The rules themselves live in `store`.

use std::collections::HashMap;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use serde_json::{Value, json};

use super::answers::{contact_not_found, json_api_error, standard_error, validation_error};
use super::shared::Shared;
use super::store::{
    DEFAULT_PER_PAGE, MSG_EMAIL_INVALID, MSG_PHONE_INVALID, Refusal, is_valid_email,
    normalise_phone,
};
use super::{DEMO_TOKEN, RecordedRequest};
use crate::api::model::{ContactPatch, DataEnvelope};
use crate::form::Field;

pub(crate) const TOKEN_HEADER: &str = "X-LINQ-INTEGRATION-TOKEN";

/// Generous for a contact, small enough that a runaway client cannot exhaust memory.
const MAX_BODY_BYTES: usize = 1 << 20;

/// The prefix of every API route; only these are faulted.
const API_PREFIX: &str = "/api/";

pub(crate) fn router(shared: Shared) -> Router {
    Router::new()
        .route("/api/partner/v2/contacts", get(list).post(create))
        // A static segment outranks `{id}` in axum's router, so `/find` is never read
        // as an id.
        .route("/api/partner/v2/contacts/find", get(find))
        .route(
            "/api/partner/v2/contacts/{id}",
            get(show).put(update).patch(update).delete(remove),
        )
        .method_not_allowed_fallback(method_not_allowed)
        .fallback(no_route)
        // The last layer added runs first: every request is recorded, even the ones
        // the token check turns away or a fault answers.
        .layer(middleware::from_fn(authenticate))
        .layer(middleware::from_fn_with_state(
            shared.clone(),
            inject_faults,
        ))
        .layer(middleware::from_fn_with_state(shared.clone(), record))
        // Merged after the layers, so control requests skip recording, faults and the
        // token check.
        .merge(super::control::router())
        .with_state(shared)
}

async fn record(State(shared): State<Shared>, request: Request, next: Next) -> Response {
    let _in_flight = shared.gauge().enter();
    let (parts, body) = request.into_parts();
    let path = parts.uri.path_and_query().map_or_else(
        || parts.uri.path().to_string(),
        |pq| pq.as_str().to_string(),
    );
    let bytes = axum::body::to_bytes(body, MAX_BODY_BYTES).await;
    shared.record(RecordedRequest {
        method: parts.method.to_string(),
        path,
        body: bytes
            .as_ref()
            .map(|b| String::from_utf8_lossy(b).into_owned())
            .unwrap_or_default(),
    });
    match bytes {
        Ok(bytes) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        Err(_) => standard_error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "PAYLOAD_TOO_LARGE",
            "Request body too large",
            vec![format!("The body must be at most {MAX_BODY_BYTES} bytes")],
        ),
    }
}

/// Latency, then a pending fault, both ahead of the token check: they stand for trouble
/// in front of the application (a slow network, a proxy, a rate limiter), which answers
/// without looking at the token. Only API routes use up a fault.
async fn inject_faults(State(shared): State<Shared>, request: Request, next: Next) -> Response {
    shared.delay().await;
    let path = request.uri().path();
    if path.starts_with(API_PREFIX) {
        // Taken in its own statement so the lock is released before responding.
        let fault = shared.faults().take(request.method().as_str());
        if let Some(fault) = fault {
            if super::faults::handled_first(&fault) {
                let path = path.to_string();
                let _acted = next.run(request).await;
                return shared.fault_response(&fault, &path);
            }
            return shared.fault_response(&fault, path);
        }
    }
    next.run(request).await
}

async fn authenticate(request: Request, next: Next) -> Response {
    let authorised = request
        .headers()
        .get(TOKEN_HEADER)
        .is_some_and(|v| v.as_bytes() == DEMO_TOKEN.as_bytes());
    if authorised {
        next.run(request).await
    } else {
        // Auth failures use the second error shape, as the rest of v2 does; a client
        // must cope with both even on the contacts endpoints.
        json_api_error(
            StatusCode::UNAUTHORIZED,
            "UNAUTHORIZED",
            "Unauthorized",
            "Invalid or missing integration token",
        )
    }
}

async fn show(State(shared): State<Shared>, id: Result<Path<String>, PathRejection>) -> Response {
    let Some(id) = parse_id(id) else {
        return contact_not_found();
    };
    match shared.store().get(id) {
        Some(contact) => axum::Json(DataEnvelope {
            data: contact.clone(),
        })
        .into_response(),
        None => contact_not_found(),
    }
}

/// An update, read the strictest way the reference allows: a JSON body (by its
/// Content-Type, too) holding a `contact` object. `user_email` counts only inside
/// `contact`, where the current reference puts it; at the top level (an older copy's
/// place) it is ignored, as a server following the current reference would.
async fn update(
    State(shared): State<Shared>,
    id: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (fields, patch) = match read_contact_body(&headers, &body) {
        Ok(read) => read,
        Err(refusal) => return *refusal,
    };
    let Some(id) = parse_id(id) else {
        return contact_not_found();
    };
    let dropped = shared
        .faults()
        .take_drop(|name| fields.get(name).is_some_and(|v| !v.is_null()));
    let result = match &dropped {
        Some(name) => shared.store().update_dropping(id, &patch, name),
        None => shared.store().update(id, &patch),
    };
    if result.is_err()
        && let Some(name) = dropped
    {
        shared.faults().restore_drop(name);
    }
    match result {
        Ok(contact) => axum::Json(DataEnvelope { data: contact }).into_response(),
        Err(Refusal::NotFound) => contact_not_found(),
        Err(Refusal::Invalid(problems)) => validation_error(problems),
    }
}

/// The body of a write: JSON (415 otherwise), parseable (400), with a `contact` object
/// (400) of known field types (400). Returns the raw object beside the patch, so a
/// write can tell which fields were named.
fn read_contact_body(
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<(serde_json::Map<String, Value>, ContactPatch), Box<Response>> {
    if !is_json(headers) {
        return Err(Box::new(standard_error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UNSUPPORTED_MEDIA_TYPE",
            "Unsupported media type",
            vec!["Send the body as JSON, with Content-Type: application/json".to_string()],
        )));
    }
    // Rails parses the body as soon as the controller reads any parameter, the id
    // included, so a malformed body is reported even for an unknown id.
    let parsed: Value = serde_json::from_slice(body).map_err(|e| {
        Box::new(standard_error(
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
            "Malformed JSON",
            vec![format!("The request body could not be parsed: {e}")],
        ))
    })?;
    let Some(Value::Object(fields)) = parsed.get("contact").cloned() else {
        return Err(Box::new(standard_error(
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
            "Missing contact",
            vec![r#"The body must hold a "contact" object: {"contact": {...}}"#.to_string()],
        )));
    };
    let patch = ContactPatch::deserialize(Value::Object(fields.clone())).map_err(|e| {
        Box::new(standard_error(
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
            "Invalid contact",
            vec![format!("The contact could not be read: {e}")],
        ))
    })?;
    Ok((fields, patch))
}

/// `DELETE /api/partner/v2/contacts/{id}`: 204 with no body, or the documented 404.
async fn remove(State(shared): State<Shared>, id: Result<Path<String>, PathRejection>) -> Response {
    let Some(id) = parse_id(id) else {
        return contact_not_found();
    };
    let removed = shared.store().delete(id);
    match removed {
        Ok(_) => StatusCode::NO_CONTENT.into_response(),
        Err(_) => contact_not_found(),
    }
}

/// `POST /api/partner/v2/contacts`: 201 with the new contact, or 422 with every problem.
async fn create(State(shared): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    let patch = match read_contact_body(&headers, &body) {
        Ok((_, patch)) => patch,
        Err(refusal) => return *refusal,
    };
    let result = shared.store().create(&patch);
    match result {
        Ok(contact) => (
            StatusCode::CREATED,
            axum::Json(DataEnvelope { data: contact }),
        )
            .into_response(),
        Err(Refusal::NotFound) => contact_not_found(),
        Err(Refusal::Invalid(problems)) => validation_error(problems),
    }
}

/// `application/json`, parameters such as `charset` allowed; a missing Content-Type
/// is not JSON.
fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/json"))
}

async fn list(
    State(shared): State<Shared>,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Response {
    let params = query.map(|q| q.0).unwrap_or_default();
    // Like Rails' `to_i`, a missing or unreadable number falls back to the default
    // instead of failing the request.
    let number = |name: &str| {
        params
            .get(name)
            .and_then(|v| v.trim().parse::<u32>().ok())
            .filter(|n| *n > 0)
    };
    let page = number("page").unwrap_or(1);
    let per_page = number("per_page").unwrap_or(DEFAULT_PER_PAGE);
    axum::Json(shared.store().page(page, per_page)).into_response()
}

async fn find(
    State(shared): State<Shared>,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Response {
    let params = query.map(|q| q.0).unwrap_or_default();
    let param = |name: &str| params.get(name).map(|v| v.trim()).filter(|v| !v.is_empty());
    let (email, phone) = (param("email"), param(Field::Phone.api_name()));
    if email.is_none() && phone.is_none() {
        return standard_error(
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
            "Missing parameters",
            vec!["Provide email or phone_number".to_string()],
        );
    }
    let mut problems = Vec::new();
    if email.is_some_and(|e| !is_valid_email(e)) {
        problems.push(MSG_EMAIL_INVALID.to_string());
    }
    let phone = match phone.map(normalise_phone) {
        Some(None) => {
            problems.push(MSG_PHONE_INVALID.to_string());
            None
        }
        Some(Some(p)) => Some(p),
        None => None,
    };
    if !problems.is_empty() {
        return validation_error(problems);
    }
    let email = email.map(str::to_lowercase);
    let store = shared.store();
    match store.find(email.as_deref(), phone.as_deref()) {
        // The one contacts response without the `data` wrapper.
        Some(contact) => axum::Json(contact.clone()).into_response(),
        None => axum::Json(json!({"contact": null})).into_response(),
    }
}

async fn method_not_allowed() -> Response {
    standard_error(
        StatusCode::METHOD_NOT_ALLOWED,
        "METHOD_NOT_ALLOWED",
        "Method not allowed",
        vec!["This endpoint does not support the request method".to_string()],
    )
}

async fn no_route() -> Response {
    standard_error(
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
        "Not found",
        vec!["No route matches the requested path".to_string()],
    )
}

/// A non-numeric id is "not found", not a bad request: the API cannot tell a malformed
/// id from one that belongs to another organisation, and neither can the demo.
fn parse_id(path: Result<Path<String>, PathRejection>) -> Option<u64> {
    path.ok()?.0.parse().ok()
}
