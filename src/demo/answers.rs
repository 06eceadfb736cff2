//! The API's error answers: the "render_standard_error" shape the contacts endpoints
//! use, shared by the API routes and the control routes, and the second (JSON:API) shape
//! of what answers in front of the contacts controller.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

pub(crate) fn contact_not_found() -> Response {
    standard_error(
        StatusCode::NOT_FOUND,
        "CONTACT_NOT_FOUND",
        "Contact not found",
        vec![
            "The requested contact does not exist or is not accessible to your organization"
                .to_string(),
        ],
    )
}

pub(crate) fn validation_error(problems: Vec<String>) -> Response {
    standard_error(
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_ERROR",
        "Validation failed",
        problems,
    )
}

/// The "render_standard_error" shape the contacts endpoints use.
pub(crate) fn standard_error(
    status: StatusCode,
    code: &str,
    message: &str,
    errors: Vec<String>,
) -> Response {
    let body = json!({
        "status": "error",
        "error_code": code,
        "message": message,
        "errors": errors,
    });
    (status, axum::Json(body)).into_response()
}

/// The second error shape (JSON:API), with one entry: what answers in front of the
/// contacts controller (authentication, permissions, rate limits) sends.
pub(crate) fn json_api_error(
    status: StatusCode,
    code: &str,
    title: &str,
    detail: &str,
) -> Response {
    let body = json!({"errors": [{
        "status": status.as_u16(),
        "code": code,
        "title": title,
        "detail": detail,
    }]});
    (status, axum::Json(body)).into_response()
}
