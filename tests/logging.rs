//! What the client writes to the log, read from a subscriber installed for the test's
//! thread.
//!
//! These tests live in a binary of their own, and every test here installs its
//! subscriber before anything that logs runs. `tracing` decides once per process, for
//! each log statement, whether any subscriber wants it, and asks the thread that reaches
//! the statement first. In a binary shared with tests that run the client without a
//! subscriber, such a test reaching a statement first (say the "request failed" warning
//! of a 404) switches it off for the whole process, and a test here finds the line
//! missing from its log. With every thread of this binary holding a subscriber when it
//! first logs, the answer is always yes.

mod common;
use common::contact_42_json;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use linq_contact::api::{ApiError, ContactPatch, LinqClient};
use linq_contact::secret::Token;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "tok-SECRET-5f2a9c71e0";
const CONTACT_PATH: &str = "/api/partner/v2/contacts/42";

/// A log sink for one test: what the client logs while the guard is held.
#[derive(Clone, Default)]
struct LogBuffer(Arc<Mutex<Vec<u8>>>);

impl Write for LogBuffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl LogBuffer {
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }

    /// A subscriber writing into this buffer, at `INFO` and above.
    fn subscriber(&self) -> impl tracing::Subscriber + Send + Sync + 'static {
        let sink = self.clone();
        tracing_subscriber::fmt()
            .with_writer(move || sink.clone())
            .with_ansi(false)
            .with_max_level(tracing::Level::INFO)
            .finish()
    }
}

/// With `--log-bodies`, a server that echoes the token, in a success as well as in an
/// error, and a request that carries it (pasted into a field) must not put it in the log.
#[tokio::test]
async fn logged_bodies_never_hold_the_token() {
    let logs = LogBuffer::default();
    // The test runs on one thread, so the client's events reach this subscriber.
    let _guard = tracing::subscriber::set_default(logs.subscriber());

    let server = MockServer::start().await;
    let mut echoed = contact_42_json();
    echoed["company"] = json!(format!("seen with {TOKEN}"));
    Mock::given(method("GET"))
        .and(path(CONTACT_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": echoed})))
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path(CONTACT_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": echoed})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/partner/v2/contacts/43"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({
            "status": "error", "error_code": "CONTACT_NOT_FOUND",
            "message": format!("no contact for token {TOKEN}"), "errors": []
        })))
        .mount(&server)
        .await;

    let c = LinqClient::new(
        &server.uri(),
        Token::new(TOKEN),
        LinqClient::DEFAULT_TIMEOUT,
    )
    .unwrap()
    .with_body_logging(true);
    let got = c.get_contact(42).await.unwrap();
    // The data itself is the caller's: only the log is redacted.
    assert!(got.company.contains(TOKEN));
    let patch = ContactPatch {
        title: Some(format!("pasted {TOKEN}")),
        ..Default::default()
    };
    c.update_contact(42, &patch).await.unwrap();
    let err = c.get_contact(43).await.unwrap_err();
    assert!(matches!(err, ApiError::Http { status: 404, .. }), "{err:?}");

    let text = logs.text();
    assert!(!text.contains(TOKEN), "token in the log:\n{text}");
    assert!(!text.contains("SECRET"), "token in the log:\n{text}");
    let bodies: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("request body") || l.contains("response body"))
        .collect();
    // One request body (the PUT) and three answers: 200, 200 and 404.
    assert_eq!(bodies.len(), 4, "{text}");
    for line in bodies {
        assert!(line.contains("<redacted>"), "{line}");
    }
    assert!(text.contains("status=404"), "{text}");
}

/// A 422 whose `errors[]` has `n` lines.
fn many_errors(n: usize) -> serde_json::Value {
    let errors: Vec<String> = (0..n).map(|i| format!("problem number {i:05}")).collect();
    json!({
        "status": "error",
        "error_code": "VALIDATION_FAILED",
        "message": "Validation failed",
        "errors": errors,
    })
}

/// The status pane shows the first lines of a long error; the log has all of them, once.
#[tokio::test]
async fn the_log_has_every_line_of_an_error_once() {
    let logs = LogBuffer::default();
    let _guard = tracing::subscriber::set_default(logs.subscriber());

    let mock = MockServer::start().await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(422).set_body_json(many_errors(3000)))
        .mount(&mock)
        .await;
    let client =
        LinqClient::new(&mock.uri(), Token::new("t0ken-x"), Duration::from_secs(5)).unwrap();
    let patch = ContactPatch {
        first_name: Some("Ada".into()),
        ..Default::default()
    };
    let err = client.update_contact(1001, &patch).await.unwrap_err();
    assert!(matches!(err, ApiError::Http { status: 422, .. }));
    let text = logs.text();
    for i in [0, 1234, 2999] {
        assert_eq!(
            text.matches(&format!("problem number {i:05}")).count(),
            1,
            "{i}"
        );
    }
}
