//! The API's error answers in the "render_standard_error" shape the contacts endpoints
//! use, shared by the API routes and the control routes.

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
