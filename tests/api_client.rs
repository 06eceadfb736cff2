//! The API client against a real HTTP server on loopback: exact requests, and every error
//! shape turned into text a support agent can read.

mod common;
use common::contact_42_json;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::Duration;

use linq_contact::api::{ApiError, ContactPatch, ErrorBody, LinqClient};
use linq_contact::secret::Token;
use serde_json::json;
use wiremock::matchers::{body_json, body_string, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "tok-SECRET-5f2a9c71e0";
const CONTACT_PATH: &str = "/api/partner/v2/contacts/42";

fn client(server: &MockServer) -> LinqClient {
    LinqClient::new(
        &server.uri(),
        Token::new(TOKEN),
        LinqClient::DEFAULT_TIMEOUT,
    )
    .unwrap()
}

/// A server that answers one `verb` of contact 42 with `template`.
async fn answering(verb: &str, template: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method(verb))
        .and(path(CONTACT_PATH))
        .respond_with(template)
        .expect(1)
        .mount(&server)
        .await;
    server
}

/// Answers the GET of contact 42 with `template` and returns the client's error.
async fn error_for(template: ResponseTemplate) -> ApiError {
    let server = answering("GET", template).await;
    client(&server).get_contact(42).await.unwrap_err()
}

/// Answers the PUT of contact 42 (a new e-mail) with `template` and returns the client's
/// error.
async fn update_error_for(template: ResponseTemplate) -> ApiError {
    let server = answering("PUT", template).await;
    let patch = ContactPatch {
        email: Some("nope".into()),
        ..Default::default()
    };
    client(&server)
        .update_contact(42, &patch)
        .await
        .unwrap_err()
}

#[track_caller]
fn assert_decode_on_200(err: &ApiError) {
    assert!(
        matches!(err, ApiError::Decode { status: 200, .. }),
        "{err:?}"
    );
}

/// The error's headline holds `part`.
#[track_caller]
fn headline_has(err: &ApiError, part: &str) {
    let headline = err.headline();
    assert!(headline.contains(part), "{headline}");
}

/// The error's headline begins with `start`.
#[track_caller]
fn headline_starts(err: &ApiError, start: &str) {
    let headline = err.headline();
    assert!(headline.starts_with(start), "{headline}");
}

/// The query string of the first request the server received.
async fn first_query(server: &MockServer) -> Option<String> {
    let requests = server.received_requests().await.unwrap();
    requests[0].url.query().map(str::to_string)
}

fn all_text(err: &ApiError) -> String {
    format!(
        "{}\n{}\n{:?}\n{err}",
        err.headline(),
        err.detail_lines().join("\n"),
        err
    )
}

// ---------------------------------------------------------------- requests

#[tokio::test]
async fn get_sends_token_and_accept_and_reads_the_data_envelope() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(CONTACT_PATH))
        .and(header("x-linq-integration-token", TOKEN))
        .and(header("accept", "application/json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": contact_42_json()})))
        .expect(1)
        .mount(&server)
        .await;

    let contact = client(&server).get_contact(42).await.unwrap();
    assert_eq!(contact.id, 42);
    assert_eq!(contact.email, "ada@example.com");
    assert_eq!(contact.title, "");
    assert_eq!(contact.owner_email(), "owner@example.com");

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    let req = &requests[0];
    assert_eq!(req.method.as_str(), "GET");
    assert_eq!(req.url.path(), CONTACT_PATH);
    assert_eq!(req.url.query(), None);
    assert_eq!(req.headers["x-linq-integration-token"], TOKEN);
    assert_eq!(req.headers["accept"], "application/json");
    let agent = req.headers["user-agent"].to_str().unwrap();
    assert_eq!(agent, format!("linq-contact/{}", env!("CARGO_PKG_VERSION")));
    assert!(req.headers.get("content-type").is_none());
    assert!(req.body.is_empty());
}

#[tokio::test]
async fn put_sends_exactly_the_reviewed_body() {
    let patch = ContactPatch {
        email: Some("new@example.com".into()),
        user_email: Some("owner2@example.com".into()),
        ..Default::default()
    };
    let expected = r#"{"contact":{"email":"new@example.com","user_email":"owner2@example.com"}}"#;
    assert_eq!(LinqClient::update_body(&patch), expected);

    let server = MockServer::start().await;
    let mut updated = contact_42_json();
    updated["email"] = json!("new@example.com");
    Mock::given(method("PUT"))
        .and(path(CONTACT_PATH))
        .and(header("x-linq-integration-token", TOKEN))
        .and(header("content-type", "application/json"))
        .and(header("accept", "application/json"))
        .and(body_string(expected))
        .and(body_json(json!({"contact": {"email": "new@example.com",
                                           "user_email": "owner2@example.com"}})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": updated})))
        .expect(1)
        .mount(&server)
        .await;

    let contact = client(&server).update_contact(42, &patch).await.unwrap();
    assert_eq!(contact.email, "new@example.com");

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    let req = &requests[0];
    assert_eq!(req.method.as_str(), "PUT");
    assert_eq!(req.url.path(), CONTACT_PATH);
    assert_eq!(req.headers["content-type"], "application/json");
    assert_eq!(req.headers["x-linq-integration-token"], TOKEN);
    assert_eq!(String::from_utf8(req.body.clone()).unwrap(), expected);
}

#[tokio::test]
async fn delete_sends_no_body_and_takes_a_204_or_the_documented_404() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path(CONTACT_PATH))
        .and(header("x-linq-integration-token", TOKEN))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    client(&server).delete_contact(42).await.unwrap();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].method.as_str(), "DELETE");
    assert!(requests[0].body.is_empty());
    assert!(requests[0].headers.get("content-type").is_none());

    let gone = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path(CONTACT_PATH))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({
            "status": "error",
            "error_code": "CONTACT_NOT_FOUND",
            "message": "Contact not found",
            "errors": ["The requested contact does not exist or is not accessible to your organization"]
        })))
        .mount(&gone)
        .await;
    let err = client(&gone).delete_contact(42).await.unwrap_err();
    assert!(err.is_not_found(), "{err:?}");
}

#[tokio::test]
async fn base_url_with_trailing_slash_builds_the_same_paths() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(CONTACT_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": contact_42_json()})))
        .expect(1)
        .mount(&server)
        .await;
    let with_slash = format!("{}/", server.uri());
    let c = LinqClient::new(&with_slash, Token::new(TOKEN), LinqClient::DEFAULT_TIMEOUT).unwrap();
    assert_eq!(c.base_url(), server.uri());
    assert_eq!(c.get_contact(42).await.unwrap().id, 42);
}

#[tokio::test]
async fn list_sends_page_and_clamped_per_page() {
    let server = MockServer::start().await;
    let page = json!({
        "contacts": [contact_42_json()],
        "pagination": {"current_page": 2, "per_page": 100, "total_pages": 3, "total_count": 201}
    });
    Mock::given(method("GET"))
        .and(path("/api/partner/v2/contacts"))
        .and(query_param("page", "2"))
        .and(query_param("per_page", "100"))
        .and(header("x-linq-integration-token", TOKEN))
        .respond_with(ResponseTemplate::new(200).set_body_json(page))
        .expect(1)
        .mount(&server)
        .await;

    let page = client(&server).list_contacts(2, 500).await.unwrap();
    assert_eq!(page.contacts.len(), 1);
    assert_eq!(page.pagination.total_count, 201);

    assert_eq!(
        first_query(&server).await.as_deref(),
        Some("page=2&per_page=100")
    );
}

#[tokio::test]
async fn list_per_page_is_at_least_one() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/partner/v2/contacts"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "contacts": [],
            "pagination": {"current_page": 1, "per_page": 1, "total_pages": 0, "total_count": 0}
        })))
        .mount(&server)
        .await;
    client(&server).list_contacts(0, 0).await.unwrap();
    assert_eq!(
        first_query(&server).await.as_deref(),
        Some("page=1&per_page=1")
    );
}

#[tokio::test]
async fn find_returns_the_bare_contact() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/partner/v2/contacts/find"))
        .and(query_param("email", "ada+1@example.com"))
        .and(query_param("phone_number", "+15551234567"))
        .and(header("x-linq-integration-token", TOKEN))
        .respond_with(ResponseTemplate::new(200).set_body_json(contact_42_json()))
        .expect(1)
        .mount(&server)
        .await;

    let found = client(&server)
        .find_contact(Some("ada+1@example.com"), Some("+15551234567"))
        .await
        .unwrap();
    assert_eq!(found.map(|c| c.id), Some(42));
    // `+` must be percent-encoded, or the server would read it as a space.
    assert_eq!(
        first_query(&server).await.as_deref(),
        Some("email=ada%2B1%40example.com&phone_number=%2B15551234567")
    );
}

#[tokio::test]
async fn find_not_found_is_none() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/partner/v2/contacts/find"))
        .and(query_param("phone_number", "+15550000000"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"contact": null})))
        .expect(1)
        .mount(&server)
        .await;

    let found = client(&server)
        .find_contact(None, Some("+15550000000"))
        .await
        .unwrap();
    assert_eq!(found, None);
    assert_eq!(
        first_query(&server).await.as_deref(),
        Some("phone_number=%2B15550000000")
    );
}

#[tokio::test]
async fn find_without_criteria_sends_nothing() {
    let server = MockServer::start().await;
    let err = client(&server).find_contact(None, None).await.unwrap_err();
    assert!(matches!(err, ApiError::Other { .. }), "{err:?}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

// ---------------------------------------------------------------- lenient decoding

/// A contact as a careless or newer server might send it: ids as strings, shown-only
/// fields of the wrong type, members nobody asked for.
fn odd_contact_42_json() -> serde_json::Value {
    json!({
        "id": "42",
        "first_name": "Ada",
        "last_name": null,
        "email": "ada@example.com",
        "phone_number": "+15551234567",
        "full_name": {"first": "Ada"},
        "image_url": {"small": "https://img.example.com/a.png"},
        "created_at": 1722337200,
        "updated_at": "2025-07-30T10:00:00.000-05:00",
        "tags": ["vip"],
        "score": 9.5,
        "contact_owner": {"id": "3", "email": "owner@example.com", "first_name": true,
                          "last_name": 7, "name": null, "avatar": {"url": "x"}}
    })
}

fn assert_odd_contact_read(c: &linq_contact::api::Contact) {
    assert_eq!(c.id, 42);
    assert_eq!(c.first_name, "Ada");
    assert_eq!(c.last_name, "");
    assert_eq!(c.full_name, "");
    assert_eq!(c.image_url, None);
    assert_eq!(c.created_at, "1722337200");
    let owner = c.contact_owner.as_ref().expect("an owner");
    assert_eq!(owner.id, Some(3));
    assert_eq!(owner.email, "owner@example.com");
    assert_eq!(
        (owner.first_name.as_str(), owner.last_name.as_str()),
        ("true", "7")
    );
}

#[tokio::test]
async fn get_reads_string_ids_and_odd_shown_only_fields() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(CONTACT_PATH))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"data": odd_contact_42_json()})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let contact = client(&server).get_contact(42).await.unwrap();
    assert_odd_contact_read(&contact);
}

#[tokio::test]
async fn find_reads_an_odd_contact_and_a_missing_owner() {
    let server = MockServer::start().await;
    let mut ownerless = odd_contact_42_json();
    ownerless
        .as_object_mut()
        .unwrap()
        .remove("contact_owner")
        .unwrap();
    Mock::given(method("GET"))
        .and(path("/api/partner/v2/contacts/find"))
        .and(query_param("email", "ada@example.com"))
        .respond_with(ResponseTemplate::new(200).set_body_json(odd_contact_42_json()))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/partner/v2/contacts/find"))
        .and(query_param("phone_number", "+15551234567"))
        .respond_with(ResponseTemplate::new(200).set_body_json(ownerless))
        .mount(&server)
        .await;
    let c = client(&server);
    let found = c.find_contact(Some("ada@example.com"), None).await.unwrap();
    assert_odd_contact_read(&found.unwrap());
    let found = c.find_contact(None, Some("+15551234567")).await.unwrap();
    let found = found.unwrap();
    assert_eq!((found.id, found.contact_owner), (42, None));
}

#[tokio::test]
async fn list_reads_odd_contacts_and_null_owners() {
    let server = MockServer::start().await;
    let mut ownerless = contact_42_json();
    ownerless["id"] = json!(43);
    ownerless["contact_owner"] = json!(null);
    let page = json!({
        "contacts": [odd_contact_42_json(), ownerless],
        "pagination": {"current_page": 1, "per_page": 25, "total_pages": 1, "total_count": 2},
        "links": {"next": null}
    });
    Mock::given(method("GET"))
        .and(path("/api/partner/v2/contacts"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page))
        .expect(1)
        .mount(&server)
        .await;
    let page = client(&server).list_contacts(1, 25).await.unwrap();
    assert_eq!(page.contacts.len(), 2);
    assert_odd_contact_read(&page.contacts[0]);
    assert_eq!(page.contacts[1].id, 43);
    assert_eq!(page.contacts[1].contact_owner, None);
    assert_eq!(page.contacts[1].owner_email(), "");
}

#[tokio::test]
async fn update_reads_an_odd_answer() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path(CONTACT_PATH))
        .and(body_string(r#"{"contact":{"first_name":"Ada"}}"#))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"data": odd_contact_42_json()})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let patch = ContactPatch {
        first_name: Some("Ada".into()),
        ..Default::default()
    };
    let contact = client(&server).update_contact(42, &patch).await.unwrap();
    assert_odd_contact_read(&contact);
}

#[tokio::test]
async fn an_unreadable_id_is_still_a_decode_error() {
    let mut bad = contact_42_json();
    bad["id"] = json!("forty-two");
    let err = error_for(ResponseTemplate::new(200).set_body_json(json!({"data": bad}))).await;
    assert_decode_on_200(&err);
    headline_has(&err, "id is not a whole number");
}

// ---------------------------------------------------------------- error shapes

#[tokio::test]
async fn standard_404_names_the_error_code() {
    let err = error_for(ResponseTemplate::new(404).set_body_json(json!({
        "status": "error",
        "error_code": "CONTACT_NOT_FOUND",
        "message": "Contact not found",
        "errors": ["The requested contact does not exist or is not accessible to your organization"]
    })))
    .await;
    assert!(err.is_not_found());
    assert!(!err.is_auth());
    assert_eq!(err.status(), Some(404));
    assert_eq!(
        err.headline(),
        "HTTP 404 Not Found — CONTACT_NOT_FOUND: Contact not found"
    );
    assert_eq!(
        err.detail_lines(),
        vec![
            "The requested contact does not exist or is not accessible to your organization"
                .to_owned()
        ]
    );
    assert_eq!(err.to_string(), err.headline());
}

#[tokio::test]
async fn validation_422_shows_every_error_line() {
    let err = update_error_for(ResponseTemplate::new(422).set_body_json(json!({
        "status": "error",
        "error_code": "VALIDATION_FAILED",
        "message": "Validation failed",
        "errors": ["Email is invalid", "Phone number is not a valid number"]
    })))
    .await;
    assert_eq!(err.status(), Some(422));
    assert_eq!(
        err.headline(),
        "HTTP 422 Unprocessable Entity — VALIDATION_FAILED: Validation failed"
    );
    assert_eq!(
        err.detail_lines(),
        vec!["Email is invalid", "Phone number is not a valid number"]
    );
}

#[tokio::test]
async fn validation_422_with_object_errors_keeps_message_code_and_fields() {
    let err = update_error_for(ResponseTemplate::new(422).set_body_json(json!({
        "status": "error",
        "error_code": "VALIDATION_ERROR",
        "message": "Validation failed",
        "errors": [
            {"field": "email", "message": "is invalid"},
            {"attribute": "phone_number", "message": "is not a number"},
            {"code": "TAKEN", "title": "Email taken", "detail": "Another contact uses it"}
        ]
    })))
    .await;
    assert_eq!(
        err.headline(),
        "HTTP 422 Unprocessable Entity — VALIDATION_ERROR: Validation failed"
    );
    assert_eq!(
        err.detail_lines(),
        vec![
            "email: is invalid",
            "phone_number: is not a number",
            "TAKEN: Email taken — Another contact uses it"
        ]
    );
    let ApiError::Http { body, .. } = &err else {
        panic!("{err:?}")
    };
    let named = body.field_messages();
    let named: Vec<(Option<&str>, &str)> = named
        .iter()
        .map(|(f, l)| (f.as_deref(), l.as_str()))
        .collect();
    assert_eq!(
        named,
        vec![
            (None, "VALIDATION_ERROR: Validation failed"),
            (Some("email"), "email: is invalid"),
            (Some("phone_number"), "phone_number: is not a number"),
            (None, "TAKEN: Email taken — Another contact uses it"),
        ]
    );
}

#[tokio::test]
async fn json_api_401_blames_the_token() {
    let err = error_for(ResponseTemplate::new(401).set_body_json(json!({
        "errors": [{"status": 401, "code": "UNAUTHORIZED", "title": "Unauthorized",
                    "detail": "Invalid integration token"}]
    })))
    .await;
    assert!(err.is_auth());
    assert!(!err.is_not_found());
    assert_eq!(err.headline(), "the server refused the token (HTTP 401)");
    let details = err.detail_lines();
    assert_eq!(
        details,
        ["UNAUTHORIZED: Unauthorized — Invalid integration token"]
    );
    // What to do about it is a kind; each front end words it.
    assert_eq!(err.advice(), Some(linq_contact::api::Advice::Token));
    let ApiError::Http { body, .. } = &err else {
        panic!("{err:?}")
    };
    assert!(matches!(body, ErrorBody::JsonApi(e) if e[0].status == Some(401)));
}

#[tokio::test]
async fn json_api_403_with_string_status() {
    let err = error_for(ResponseTemplate::new(403).set_body_json(json!({
        "errors": [{"status": "403", "code": "FORBIDDEN", "title": "Forbidden"}]
    })))
    .await;
    assert!(err.is_auth());
    headline_has(&err, "HTTP 403");
    assert_eq!(err.advice(), Some(linq_contact::api::Advice::Token));
    assert_eq!(err.detail_lines()[0], "FORBIDDEN: Forbidden");
}

#[tokio::test]
async fn rate_limit_429_says_how_long_to_wait() {
    let err = error_for(
        ResponseTemplate::new(429)
            .insert_header("Retry-After", "7")
            .set_body_string("Rate limit exceeded"),
    )
    .await;
    let ApiError::Http { retry_after, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(*retry_after, Some(Duration::from_secs(7)));
    assert_eq!(
        err.headline(),
        "too many requests (HTTP 429) — wait 7 s and retry"
    );
    assert_eq!(err.detail_lines(), vec!["Rate limit exceeded"]);
}

#[tokio::test]
async fn rate_limit_429_without_retry_after() {
    let err = error_for(ResponseTemplate::new(429)).await;
    assert_eq!(
        err.headline(),
        "too many requests (HTTP 429) — wait a moment and retry"
    );
}

#[tokio::test]
async fn server_error_500_with_empty_body() {
    let err = error_for(ResponseTemplate::new(500)).await;
    assert_eq!(
        err.headline(),
        "server error (HTTP 500) — the service may be down; try again shortly"
    );
    assert_eq!(err.detail_lines(), vec!["empty response body"]);
    assert!(matches!(
        err,
        ApiError::Http {
            status: 500,
            body: ErrorBody::Empty,
            ..
        }
    ));
}

#[tokio::test]
async fn proxy_502_html_page_shows_its_title() {
    let page = "<!DOCTYPE html>\n<html>\n<head><title>502 Bad Gateway</title></head>\n\
                <body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center>\
                </body>\n</html>\n";
    let err = error_for(ResponseTemplate::new(502).set_body_raw(page, "text/html")).await;
    assert_eq!(
        err.headline(),
        "server error (HTTP 502) — the service may be down; try again shortly"
    );
    assert_eq!(
        err.detail_lines(),
        vec!["an HTML page (probably a proxy): 502 Bad Gateway"]
    );
}

#[tokio::test]
async fn non_json_error_body_is_kept_as_a_snippet() {
    let err = error_for(
        ResponseTemplate::new(400).set_body_raw("upstream said: bad request\n", "text/plain"),
    )
    .await;
    assert_eq!(
        err.headline(),
        "HTTP 400 Bad Request — upstream said: bad request"
    );
    assert!(
        matches!(&err, ApiError::Http { body: ErrorBody::Text(t), .. } if t == "upstream said: bad request")
    );
}

#[tokio::test]
async fn truncated_json_on_200_is_a_decode_error() {
    let err = error_for(
        ResponseTemplate::new(200)
            .set_body_raw(r#"{"data":{"id":42,"first_name":"Ad"#, "application/json"),
    )
    .await;
    assert_decode_on_200(&err);
    headline_starts(
        &err,
        "unexpected response (HTTP 200): the response ended early",
    );
}

#[tokio::test]
async fn wrong_shape_and_non_utf8_on_200_are_decode_errors() {
    let err = error_for(ResponseTemplate::new(200).set_body_json(json!({"contact": {}}))).await;
    headline_has(&err, "missing field `data`");

    let err = error_for(
        ResponseTemplate::new(200).set_body_raw(b"{\"data\":\xff}".to_vec(), "application/json"),
    )
    .await;
    headline_has(&err, "not valid UTF-8");
}

#[tokio::test]
async fn body_over_one_mib_is_refused() {
    let big = format!(
        r#"{{"data":{{"id":42,"first_name":"{}"}}}}"#,
        "a".repeat(1 << 21)
    );
    let err = error_for(ResponseTemplate::new(200).set_body_raw(big, "application/json")).await;
    assert_eq!(
        err,
        ApiError::Decode {
            status: 200,
            reason: "response larger than 1 MiB".to_owned()
        }
    );
}

/// A server that streams an endless chunked body, so no Content-Length warns the client:
/// the cap must hold while reading.
#[tokio::test]
async fn streamed_body_over_one_mib_is_cut_off() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        let (mut socket, _) = listener.accept().unwrap();
        let mut request = Vec::new();
        let mut buf = [0u8; 1024];
        while !request.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = socket.read(&mut buf).unwrap();
            assert!(n > 0, "client closed before sending a request");
            request.extend_from_slice(&buf[..n]);
        }
        let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\
                    Transfer-Encoding: chunked\r\n\r\n";
        socket.write_all(head.as_bytes()).unwrap();
        let chunk = vec![b' '; 64 * 1024];
        let mut sent = 0usize;
        // Stops when the client hangs up, or gives up after 16 MiB so a broken cap fails
        // the test instead of hanging it.
        while sent < 16 << 20 {
            let framed = [
                format!("{:x}\r\n", chunk.len()).as_bytes(),
                &chunk,
                b"\r\n".as_slice(),
            ]
            .concat();
            if socket.write_all(&framed).is_err() {
                return sent;
            }
            sent += chunk.len();
        }
        let _ = socket.write_all(b"0\r\n\r\n");
        sent
    });

    let c = LinqClient::new(
        &format!("http://127.0.0.1:{port}"),
        Token::new(TOKEN),
        Duration::from_secs(10),
    )
    .unwrap();
    let err = c.get_contact(42).await.unwrap_err();
    assert_eq!(
        err,
        ApiError::Decode {
            status: 200,
            reason: "response larger than 1 MiB".to_owned()
        }
    );
    drop(c);
    // Joined off the runtime thread: the connection task that closes the socket must
    // still be able to run.
    let sent = tokio::task::spawn_blocking(move || server.join().unwrap())
        .await
        .unwrap();
    assert!(sent < 16 << 20, "the client read the whole stream");
}

#[tokio::test]
async fn slow_server_times_out() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(CONTACT_PATH))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"data": contact_42_json()}))
                .set_delay(Duration::from_secs(5)),
        )
        .mount(&server)
        .await;
    let c = LinqClient::new(&server.uri(), Token::new(TOKEN), Duration::from_millis(300)).unwrap();
    let err = c.get_contact(42).await.unwrap_err();
    assert_eq!(
        err,
        ApiError::Timeout {
            after: Duration::from_millis(300)
        }
    );
    assert_eq!(err.headline(), "timed out after 300 ms");
    assert_eq!(err.advice(), Some(linq_contact::api::Advice::Slow));
}

#[tokio::test]
async fn refused_connection_is_named() {
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let base = format!("http://127.0.0.1:{port}");
    let c = LinqClient::new(&base, Token::new(TOKEN), LinqClient::DEFAULT_TIMEOUT).unwrap();
    let err = c.get_contact(42).await.unwrap_err();
    assert_eq!(
        err,
        ApiError::Connect {
            url: base.clone(),
            reason: "connection refused".to_owned()
        }
    );
    assert_eq!(
        err.headline(),
        format!("could not connect to {base}: connection refused")
    );
    assert_eq!(err.status(), None);
}

#[tokio::test]
async fn https_to_a_plain_http_server_is_a_tls_error() {
    let server = MockServer::start().await;
    let base = server.uri().replace("http://", "https://");
    let c = LinqClient::new(&base, Token::new(TOKEN), LinqClient::DEFAULT_TIMEOUT).unwrap();
    let err = c.get_contact(42).await.unwrap_err();
    assert!(matches!(err, ApiError::Tls { .. }), "{err:?}");
    headline_starts(&err, "TLS error: ");
}

// ---------------------------------------------------------------- base URL safety

#[test]
fn plain_http_to_a_remote_host_is_refused() {
    for base in [
        "http://api.example.com",
        "http://10.1.2.3:8080/",
        "http://[::2]",
    ] {
        let err =
            LinqClient::new(base, Token::new(TOKEN), LinqClient::DEFAULT_TIMEOUT).unwrap_err();
        assert!(
            matches!(err, ApiError::InsecureUrl { .. }),
            "{base}: {err:?}"
        );
        headline_has(&err, "https://");
    }
    let err = LinqClient::new(
        "http://api.example.com",
        Token::new(TOKEN),
        LinqClient::DEFAULT_TIMEOUT,
    )
    .unwrap_err();
    assert_eq!(
        err,
        ApiError::InsecureUrl {
            url: "http://api.example.com".to_owned()
        }
    );
}

#[test]
fn loopback_http_and_any_https_are_accepted() {
    for (base, shown) in [
        ("http://127.0.0.1:1", "http://127.0.0.1:1"),
        ("http://localhost:1", "http://localhost:1"),
        ("http://[::1]:1/", "http://[::1]:1"),
        ("https://api.linqapp.com", "https://api.linqapp.com"),
        ("https://api.linqapp.com/", "https://api.linqapp.com"),
    ] {
        let c = LinqClient::new(base, Token::new(TOKEN), LinqClient::DEFAULT_TIMEOUT)
            .unwrap_or_else(|e| panic!("{base}: {e}"));
        assert_eq!(c.base_url(), shown);
    }
}

#[test]
fn unparsable_base_url_is_invalid() {
    for base in ["", "api.linqapp.com", "https://", "https://exa mple.com"] {
        let err =
            LinqClient::new(base, Token::new(TOKEN), LinqClient::DEFAULT_TIMEOUT).unwrap_err();
        assert!(
            matches!(err, ApiError::InvalidUrl { .. }),
            "{base:?}: {err:?}"
        );
    }
}

// ---------------------------------------------------------------- secrets and terminals

#[tokio::test]
async fn the_token_never_appears_in_an_error() {
    let mut errors = vec![
        error_for(ResponseTemplate::new(401).set_body_json(json!({
            "status": "error", "error_code": "BAD_TOKEN",
            "message": format!("token {TOKEN} is revoked"), "errors": [TOKEN]
        })))
        .await,
        error_for(ResponseTemplate::new(403).set_body_json(json!({
            "errors": [{"status": 403, "code": TOKEN, "title": TOKEN, "detail": TOKEN}]
        })))
        .await,
        error_for(
            ResponseTemplate::new(502)
                .set_body_raw(format!("<html><title>{TOKEN}</title></html>"), "text/html"),
        )
        .await,
        error_for(ResponseTemplate::new(500).set_body_string(format!("echo: {TOKEN}"))).await,
        error_for(ResponseTemplate::new(200).set_body_json(json!({"data": {"id": TOKEN}}))).await,
        error_for(ResponseTemplate::new(500)).await,
    ];

    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let refused = LinqClient::new(
        &format!("http://127.0.0.1:{port}"),
        Token::new(TOKEN),
        LinqClient::DEFAULT_TIMEOUT,
    )
    .unwrap();
    errors.push(refused.get_contact(1).await.unwrap_err());

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    let slow =
        LinqClient::new(&server.uri(), Token::new(TOKEN), Duration::from_millis(200)).unwrap();
    errors.push(slow.get_contact(1).await.unwrap_err());

    errors.push(
        LinqClient::new(
            "http://api.example.com",
            Token::new(TOKEN),
            LinqClient::DEFAULT_TIMEOUT,
        )
        .unwrap_err(),
    );
    errors.push(
        LinqClient::new(
            "https://x.io",
            Token::new("bad\ntoken"),
            LinqClient::DEFAULT_TIMEOUT,
        )
        .unwrap_err(),
    );

    assert_eq!(errors.len(), 10);
    for err in &errors {
        let text = all_text(err);
        assert!(!text.contains(TOKEN), "token leaked: {text}");
        assert!(!text.contains("SECRET"), "token leaked: {text}");
        assert!(!text.contains("bad\ntoken"), "token leaked: {text}");
    }
    assert!(format!("{refused:?}").contains("127.0.0.1"));
    assert!(!format!("{refused:?} {slow:?}").contains(TOKEN));
}

#[tokio::test]
async fn control_characters_from_the_server_are_stripped() {
    let err = error_for(ResponseTemplate::new(404).set_body_json(json!({
        "status": "error",
        "error_code": "X\u{1b}[2J",
        "message": "\u{1b}]0;owned\u{7}bad",
        "errors": ["line\u{9b}31m\none"]
    })))
    .await;
    assert_eq!(err.headline(), "HTTP 404 Not Found — X[2J: ]0;ownedbad");
    assert_eq!(err.detail_lines(), vec!["line31m one"]);
    let ApiError::Http {
        body: ErrorBody::Standard { message, .. },
        ..
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(message.as_deref(), Some("]0;ownedbad"));

    let text = all_text(&err);
    for c in text.chars() {
        assert!(
            c == '\n' || !c.is_control(),
            "control char {c:?} in {text:?}"
        );
    }
}
