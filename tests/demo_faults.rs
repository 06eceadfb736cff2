//! The demo API's injected faults, latency and colleagues' edits, observed the way a
//! client sees them: over real HTTP on loopback.

use std::time::Duration;

use linq_contact::api::model::{Contact, ContactPatch, DataEnvelope};
use linq_contact::api::{ApiError, LinqClient};
use linq_contact::demo::{CONTROL_HELP, DemoServer, Fault};
use linq_contact::secret::Token;
use reqwest::{Method, StatusCode, header};
use serde_json::{Value, json};

const CONTACTS: &str = "/api/partner/v2/contacts";
const TOKEN_HEADER: &str = "X-LINQ-INTEGRATION-TOKEN";

/// Short enough to keep the suite quick, long enough that loopback never trips it.
const SHORT_TIMEOUT: Duration = Duration::from_millis(500);

struct Demo {
    server: DemoServer,
    http: reqwest::Client,
}

impl Demo {
    async fn start() -> Demo {
        Demo {
            server: DemoServer::start(0).await.unwrap(),
            http: reqwest::Client::new(),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server.url())
    }

    fn api(&self, client: &reqwest::Client, method: Method, path: &str) -> reqwest::RequestBuilder {
        client
            .request(method, self.url(path))
            .header(TOKEN_HEADER, self.server.token())
    }

    async fn get(&self, path: &str) -> reqwest::Response {
        self.api(&self.http, Method::GET, path)
            .send()
            .await
            .unwrap()
    }

    async fn put(&self, path: &str, body: &str) -> reqwest::Response {
        self.api(&self.http, Method::PUT, path)
            .header(header::CONTENT_TYPE, "application/json")
            .body(body.to_string())
            .send()
            .await
            .unwrap()
    }

    async fn control(&self, path_and_query: &str) -> (StatusCode, Value) {
        let response = self
            .http
            .post(self.url(path_and_query))
            .send()
            .await
            .unwrap();
        (response.status(), response.json().await.unwrap())
    }

    fn first_path(&self) -> String {
        contact_path(self.server.first_id())
    }

    /// A PUT of `body` that must be answered 200; the record the answer holds.
    async fn stored(&self, path: &str, body: &str) -> Contact {
        let response = self.put(path, body).await;
        assert_eq!(response.status(), StatusCode::OK, "{body}");
        let answer: DataEnvelope = response.json().await.unwrap();
        answer.data
    }

    /// A fresh demo whose next answer is `fault`, and that answer to a read of the first
    /// contact, after checking its status.
    async fn answering(fault: Fault, status: StatusCode) -> (Demo, reqwest::Response) {
        let demo = Demo::start().await;
        demo.server.fail_next(1, fault);
        let response = demo.get(&demo.first_path()).await;
        assert_eq!(response.status(), status);
        (demo, response)
    }

    /// A request with no token, and `body` if any.
    async fn bare(&self, method: Method, path: &str, body: Option<&str>) -> reqwest::Response {
        let mut request = self.http.request(method, self.url(path));
        if let Some(body) = body {
            request = request.body(body.to_string());
        }
        request.send().await.unwrap()
    }

    /// A control request that must succeed; its answer.
    async fn control_ok(&self, path_and_query: &str) -> Value {
        let (status, body) = self.control(path_and_query).await;
        assert_eq!(status, StatusCode::OK, "{path_and_query}: {body}");
        body
    }
}

/// A client that gives up quickly, for the faults that never answer in time.
fn impatient() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(SHORT_TIMEOUT)
        .build()
        .unwrap()
}

fn contact_path(id: u64) -> String {
    format!("{CONTACTS}/{id}")
}

fn header_of(response: &reqwest::Response, name: header::HeaderName) -> String {
    response
        .headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

/// A read of the first contact by a client that gives up quickly times out.
async fn assert_read_times_out(demo: &Demo) {
    let error = demo
        .api(&impatient(), Method::GET, &demo.first_path())
        .send()
        .await
        .unwrap_err();
    assert!(error.is_timeout(), "{error:?}");
}

async fn assert_served_normally(demo: &Demo) {
    let response = demo.get(&demo.first_path()).await;
    assert_eq!(response.status(), StatusCode::OK);
    let envelope: DataEnvelope = response.json().await.unwrap();
    assert_eq!(envelope.data.id, demo.server.first_id());
}

#[tokio::test]
async fn server_error_has_the_standard_shape() {
    let (_demo, response) =
        Demo::answering(Fault::ServerError, StatusCode::INTERNAL_SERVER_ERROR).await;
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], "error");
    assert_eq!(body["error_code"], "INTERNAL_ERROR");
    assert!(body["message"].is_string());
    assert!(body["errors"].as_array().is_some_and(|e| !e.is_empty()));
}

#[tokio::test]
async fn bad_gateway_is_an_html_page() {
    let (_demo, response) = Demo::answering(Fault::BadGatewayHtml, StatusCode::BAD_GATEWAY).await;
    assert!(header_of(&response, header::CONTENT_TYPE).starts_with("text/html"));
    let body = response.text().await.unwrap();
    assert!(body.contains("<title>502 Bad Gateway</title>"), "{body}");
    assert!(body.contains("nginx"), "{body}");
    assert!(serde_json::from_str::<Value>(&body).is_err());
}

#[tokio::test]
async fn too_many_requests_says_when_to_retry() {
    let (_demo, response) = Demo::answering(
        Fault::TooManyRequests {
            retry_after_secs: 3,
        },
        StatusCode::TOO_MANY_REQUESTS,
    )
    .await;
    assert_eq!(header_of(&response, header::RETRY_AFTER), "3");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["errors"][0]["status"], 429);
    assert_eq!(body["errors"][0]["code"], "RATE_LIMITED");
}

#[tokio::test]
async fn a_stalled_body_times_out_after_the_headers_arrive() {
    let demo = Demo::start().await;
    demo.server.fail_next(1, Fault::Stall);

    let client = impatient();
    let response = demo
        .api(&client, Method::GET, &demo.first_path())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let error = response.text().await.unwrap_err();
    assert!(error.is_timeout(), "{error:?}");

    // The stall holds one connection only; the demo goes on serving.
    assert_served_normally(&demo).await;
}

#[tokio::test]
async fn an_oversized_body_is_valid_json_over_a_mebibyte() {
    let (demo, response) = Demo::answering(Fault::Oversized, StatusCode::OK).await;
    let body = response.bytes().await.unwrap();
    assert!(body.len() > 1 << 20, "only {} bytes", body.len());
    let parsed: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(parsed["data"]["id"], json!(demo.server.first_id()));
}

#[tokio::test]
async fn a_truncated_body_is_not_json_but_its_length_is_honest() {
    let (_demo, response) = Demo::answering(Fault::Truncated, StatusCode::OK).await;
    let declared: usize = header_of(&response, header::CONTENT_LENGTH)
        .parse()
        .unwrap();
    let body = response.text().await.unwrap();
    assert_eq!(body.len(), declared);
    assert!(body.starts_with(r#"{"data":{"id":"#), "{body}");
    assert!(serde_json::from_str::<Value>(&body).is_err(), "{body}");
}

#[tokio::test]
async fn fail_next_affects_exactly_that_many_requests() {
    let demo = Demo::start().await;
    demo.server.fail_next(2, Fault::ServerError);

    for _ in 0..2 {
        let response = demo.get(&demo.first_path()).await;
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }
    assert_served_normally(&demo).await;
    assert_served_normally(&demo).await;
    // Faulted requests are recorded like any other.
    assert_eq!(demo.server.requests().len(), 4);
}

#[tokio::test]
async fn faults_queue_up_in_order_and_clear_drops_them() {
    let demo = Demo::start().await;
    demo.server.fail_next(1, Fault::BadGatewayHtml);
    demo.server.fail_next(1, Fault::ServerError);
    demo.server.fail_next(5, Fault::Truncated);

    let path = demo.first_path();
    assert_eq!(demo.get(&path).await.status(), StatusCode::BAD_GATEWAY);
    assert_eq!(
        demo.get(&path).await.status(),
        StatusCode::INTERNAL_SERVER_ERROR
    );
    demo.server.clear_faults();
    assert_served_normally(&demo).await;
}

#[tokio::test]
async fn a_faulted_put_changes_nothing_but_is_recorded() {
    let demo = Demo::start().await;
    let path = demo.first_path();
    let before = demo.server.contact(demo.server.first_id());
    let body = r#"{"contact":{"first_name":"Never"}}"#;

    for fault in [
        Fault::ServerError,
        Fault::Truncated,
        Fault::TooManyRequests {
            retry_after_secs: 1,
        },
    ] {
        demo.server.fail_next(1, fault.clone());
        // Truncated answers 200, like a save whose reply was lost on the way back;
        // either way the contact must be untouched.
        demo.put(&path, body).await.bytes().await.unwrap();
        assert_eq!(
            demo.server.contact(demo.server.first_id()),
            before,
            "{fault:?}"
        );
    }

    let recorded = demo.server.requests();
    assert_eq!(recorded.len(), 3);
    assert!(
        recorded
            .iter()
            .all(|r| r.method == "PUT" && r.path == path && r.body == body)
    );
}

#[tokio::test]
async fn faults_answer_before_the_token_check() {
    let demo = Demo::start().await;
    demo.server.fail_next(1, Fault::ServerError);

    let path = demo.first_path();
    let response = demo.bare(Method::GET, &path, None).await;
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let response = demo.bare(Method::GET, &path, None).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn latency_longer_than_the_client_timeout_times_it_out() {
    let demo = Demo::start().await;
    demo.server.set_latency(Duration::from_secs(30));
    assert_read_times_out(&demo).await;

    demo.server.clear_faults();
    assert_served_normally(&demo).await;
}

#[tokio::test]
async fn an_external_edit_changes_the_contact_unrecorded() {
    let demo = Demo::start().await;
    let id = demo.server.first_id();
    let before = demo.server.contact(id).unwrap();

    // A title alone: a colleague is not held to the partner API's identity-field rule.
    let patch = ContactPatch {
        title: Some("Chief Partnerships Officer".into()),
        phone_number: Some("(555) 010-2999".into()),
        ..Default::default()
    };
    let after = demo.server.external_edit(id, &patch).unwrap();
    assert_eq!(after.title, "Chief Partnerships Officer");
    assert_eq!(after.phone_number, "+15550102999");
    assert!(after.updated_at > before.updated_at);
    assert_eq!(
        Contact {
            title: before.title.clone(),
            phone_number: before.phone_number.clone(),
            updated_at: before.updated_at.clone(),
            ..after.clone()
        },
        before
    );
    assert_eq!(demo.server.contact(id), Some(after.clone()));

    let seen: DataEnvelope = demo.get(&contact_path(id)).await.json().await.unwrap();
    assert_eq!(seen.data, after);
    assert_eq!(demo.server.requests().len(), 1, "only the GET is recorded");
}

#[tokio::test]
async fn an_invalid_or_misdirected_external_edit_changes_nothing() {
    let demo = Demo::start().await;
    let id = demo.server.first_id();
    let before = demo.server.contact(id);
    let bad_email = ContactPatch {
        email: Some("not-an-address".into()),
        ..Default::default()
    };
    assert_eq!(demo.server.external_edit(id, &bad_email), None);
    assert_eq!(demo.server.contact(id), before);
    let fine = ContactPatch {
        title: Some("CTO".into()),
        ..Default::default()
    };
    assert_eq!(demo.server.external_edit(999_999, &fine), None);
}

#[tokio::test]
async fn set_contact_is_not_recorded() {
    let demo = Demo::start().await;
    let mut contact = demo.server.contact(demo.server.first_id()).unwrap();
    contact.company = "Elsewhere Ltd".into();
    demo.server.set_contact(contact);
    assert!(demo.server.requests().is_empty());
}

#[tokio::test]
async fn the_control_surface_queues_a_rate_limit() {
    let demo = Demo::start().await;
    let body = demo
        .control_ok("/__demo/fail?kind=429&count=1&retry_after=7")
        .await;
    assert_eq!(body["pending"], 1);

    let response = demo.get(&demo.first_path()).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(header_of(&response, header::RETRY_AFTER), "7");
    assert_served_normally(&demo).await;
    // Control requests are not recorded; the two API requests are.
    assert_eq!(demo.server.requests().len(), 2);
}

#[tokio::test]
async fn the_control_surface_knows_every_fault_kind() {
    let demo = Demo::start().await;
    let expected = [
        ("500", 500),
        ("502", 502),
        ("429", 429),
        ("oversized", 200),
        ("truncated", 200),
        ("422", 422),
    ];
    for (kind, status) in expected {
        let (control, _) = demo.control(&format!("/__demo/fail?kind={kind}")).await;
        assert_eq!(control, StatusCode::OK, "{kind}");
        let response = demo.get(&demo.first_path()).await;
        assert_eq!(response.status().as_u16(), status, "{kind}");
    }
    let (_, body) = demo.control("/__demo/fail?kind=stall&count=3").await;
    assert_eq!(body["pending"], 3);

    let (status, body) = demo.control("/__demo/fail?kind=418").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error_code"], "DEMO_CONTROL");
    let (status, _) = demo.control("/__demo/fail?kind=500&count=many").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_control_surface_sets_and_clears_latency() {
    let demo = Demo::start().await;
    let body = demo.control_ok("/__demo/latency?ms=30000").await;
    assert_eq!(body["latency_ms"], 30000);
    assert_read_times_out(&demo).await;

    // Control requests are not delayed, so clearing works while latency is set.
    demo.control_ok("/__demo/clear").await;
    assert_served_normally(&demo).await;

    let (status, _) = demo.control("/__demo/latency").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_control_surface_applies_an_external_edit() {
    let demo = Demo::start().await;
    let before = demo.server.contact(demo.server.first_id()).unwrap();
    let id = before.id;

    let edit = format!("/__demo/edit/{id}");
    let response = demo
        .bare(
            Method::POST,
            &edit,
            Some(r#"{"contact":{"company":"Umbrella Corp"}}"#),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let edited: DataEnvelope = response.json().await.unwrap();
    assert_eq!(edited.data.company, "Umbrella Corp");
    assert!(edited.data.updated_at > before.updated_at);
    assert_eq!(demo.server.contact(id), Some(edited.data));
    assert!(demo.server.requests().is_empty());

    for (path, body, status) in [
        (
            "/__demo/edit/999999",
            r#"{"contact":{"company":"X"}}"#,
            StatusCode::NOT_FOUND,
        ),
        (
            edit.as_str(),
            r#"{"contact":{"email":"nope"}}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (edit.as_str(), "{", StatusCode::BAD_REQUEST),
    ] {
        let response = demo.bare(Method::POST, path, Some(body)).await;
        assert_eq!(response.status(), status, "{path} {body}");
    }
}

#[tokio::test]
async fn control_requests_are_never_faulted_and_unknown_ones_are_not_api_requests() {
    let demo = Demo::start().await;
    demo.server.fail_next(1, Fault::ServerError);

    let (status, _) = demo.control("/__demo/nothing-here").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let help = demo
        .bare(Method::GET, "/__demo", None)
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(help, CONTROL_HELP);
    let filled = demo.server.control_help();
    assert!(filled.contains(&format!("{}/__demo/clear", demo.server.url())));
    assert!(filled.contains(&format!("/__demo/edit/{}", demo.server.first_id())));
    demo.control_ok("/__demo/clear").await;

    assert!(demo.server.requests().is_empty());
    assert_served_normally(&demo).await;
}

#[tokio::test]
async fn dropping_the_server_ends_a_stalled_response() {
    let (demo, response) = Demo::answering(Fault::Stall, StatusCode::OK).await;
    drop(demo.server);
    // No client timeout here: the body must end (in an error) because the server went.
    let body = tokio::time::timeout(Duration::from_secs(10), response.text()).await;
    assert!(matches!(body, Ok(Err(_))), "{body:?}");
}

fn field_error_body(field: &str, message: &str) -> Value {
    json!({
        "status": "error",
        "error_code": "VALIDATION_ERROR",
        "message": "Validation failed",
        "errors": [{"field": field, "message": message}],
    })
}

#[tokio::test]
async fn a_field_error_fault_answers_422_with_object_errors_for_one_method() {
    let demo = Demo::start().await;
    let id = demo.server.first_id();
    let before = demo.server.contact(id);
    demo.server.fail_next_for(
        "PUT",
        2,
        Fault::FieldError {
            field: "email".into(),
            message: "has already been taken".into(),
        },
    );

    // A GET passes while the run waits for PUTs.
    assert_served_normally(&demo).await;
    let body = r#"{"contact":{"email":"taken@example.com"}}"#;
    for _ in 0..2 {
        let response = demo.put(&demo.first_path(), body).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let answer: Value = response.json().await.unwrap();
        assert_eq!(answer, field_error_body("email", "has already been taken"));
        assert_eq!(demo.server.contact(id), before);
    }
    let response = demo.put(&demo.first_path(), body).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(demo.server.contact(id).unwrap().email, "taken@example.com");
}

/// The project's client reads the object-shaped entry under its field.
#[tokio::test]
async fn the_client_puts_a_field_error_under_its_field() {
    let demo = Demo::start().await;
    let id = demo.server.first_id();
    demo.server.fail_next(
        1,
        Fault::FieldError {
            field: "phone_number".into(),
            message: "is not a number".into(),
        },
    );
    let client = LinqClient::new(
        &demo.server.url(),
        Token::new(demo.server.token()),
        LinqClient::DEFAULT_TIMEOUT,
    )
    .unwrap();
    let patch = ContactPatch {
        phone_number: Some("+15550102999".into()),
        ..Default::default()
    };
    let err = client.update_contact(id, &patch).await.unwrap_err();
    let ApiError::Http {
        status: 422, body, ..
    } = &err
    else {
        panic!("{err:?}");
    };
    assert_eq!(
        body.field_messages(),
        vec![
            (None, "VALIDATION_ERROR: Validation failed".to_owned()),
            (
                Some("phone_number".to_owned()),
                "phone_number: is not a number".to_owned()
            ),
        ]
    );
    assert_eq!(
        err.headline(),
        "HTTP 422 Unprocessable Entity — VALIDATION_ERROR: Validation failed"
    );
    assert_eq!(err.detail_lines(), vec!["phone_number: is not a number"]);
}

#[tokio::test]
async fn a_dropped_field_is_answered_but_not_stored() {
    let demo = Demo::start().await;
    let id = demo.server.first_id();
    let before = demo.server.contact(id).unwrap();
    assert!(demo.server.drop_field_next("title"));

    let body = r#"{"contact":{"first_name":"Avery-Jo","title":"Chief Executive"}}"#;
    let answer = demo.stored(&demo.first_path(), body).await;
    assert_eq!(answer.title, before.title, "the stored, unchanged title");
    assert_eq!(answer.first_name, "Avery-Jo");
    assert!(answer.updated_at > before.updated_at);
    assert_eq!(demo.server.contact(id), Some(answer));
    // The request was recorded as sent: the drop is the server's doing.
    assert_eq!(demo.server.requests().last().unwrap().body, body);

    // Used up: the same save now lands whole.
    let answer = demo.stored(&demo.first_path(), body).await;
    assert_eq!(answer.title, "Chief Executive");
    assert_eq!(demo.server.contact(id), Some(answer));

    assert!(!demo.server.drop_field_next("full_name"));
    assert!(!demo.server.drop_field_next("nonsense"));
}

#[tokio::test]
async fn a_dropped_field_waits_for_a_valid_update_naming_it() {
    let demo = Demo::start().await;
    let id = demo.server.first_id();
    let path = demo.first_path();
    assert!(demo.server.drop_field_next("email"));

    // Not named: stored whole, drop still pending.
    demo.stored(&path, r#"{"contact":{"first_name":"Avery"}}"#)
        .await;
    assert_eq!(demo.server.contact(id).unwrap().first_name, "Avery");

    // Named but refused: nothing stored, drop still pending.
    let response = demo
        .put(
            &path,
            r#"{"contact":{"email":"new@example.com","user_email":"nobody@example.com"}}"#,
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let before = demo.server.contact(id).unwrap();
    let answer = demo
        .stored(
            &path,
            r#"{"contact":{"email":"new@example.com","company":"Initech"}}"#,
        )
        .await;
    assert_eq!(answer.email, before.email);
    assert_eq!(answer.company, "Initech");
    assert_eq!(demo.server.contact(id), Some(answer));

    // clear_faults forgets pending drops.
    assert!(demo.server.drop_field_next("company"));
    demo.server.clear_faults();
    let answer = demo
        .stored(
            &path,
            r#"{"contact":{"email":"new@example.com","company":"Globex"}}"#,
        )
        .await;
    assert_eq!(answer.company, "Globex");
}

#[tokio::test]
async fn the_control_surface_drops_a_field() {
    let demo = Demo::start().await;
    let id = demo.server.first_id();
    let before = demo.server.contact(id).unwrap();

    let body = demo.control_ok("/__demo/drop-field?name=location").await;
    assert_eq!(body, json!({"drop_field": "location", "pending": 1}));

    let answer = demo
        .stored(
            &demo.first_path(),
            r#"{"contact":{"last_name":"Okafor","location":"Lagos"}}"#,
        )
        .await;
    assert_eq!(answer.location, before.location);
    assert_eq!(answer.last_name, "Okafor");
    assert_eq!(demo.server.contact(id), Some(answer));

    for bad in ["/__demo/drop-field?name=id", "/__demo/drop-field"] {
        let (status, body) = demo.control(bad).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        assert_eq!(body["error_code"], "DEMO_CONTROL", "{bad}");
    }
}

#[tokio::test]
async fn the_control_surface_queues_a_field_error_for_one_method() {
    let demo = Demo::start().await;
    let body = demo
        .control_ok("/__demo/fail?kind=422&method=put&field=phone_number&message=is+not+a+number")
        .await;
    assert_eq!(body["method"], "PUT");
    assert_eq!(body["pending"], 1);

    assert_served_normally(&demo).await;
    let response = demo
        .put(&demo.first_path(), r#"{"contact":{"first_name":"Avery"}}"#)
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let answer: Value = response.json().await.unwrap();
    assert_eq!(answer, field_error_body("phone_number", "is not a number"));

    // Defaults: the e-mail, already taken; any method.
    demo.control("/__demo/fail?kind=422").await;
    let response = demo.get(&demo.first_path()).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let answer: Value = response.json().await.unwrap();
    assert_eq!(answer, field_error_body("email", "has already been taken"));

    let (status, _) = demo.control("/__demo/fail?kind=500&method=P%20UT").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_control_surface_loses_a_deletes_answer_after_or_before_it_is_done() {
    let demo = Demo::start().await;
    let client = LinqClient::new(
        &demo.server.url(),
        Token::new(demo.server.token()),
        Duration::from_secs(5),
    )
    .unwrap();
    let (first, second, third) = (1002, 1003, 1004);
    // Done, then the connection is cut: the client sees no answer, the contact is gone.
    let (status, body) = demo
        .control("/__demo/fail?kind=stored-hangup&method=DELETE")
        .await;
    assert_eq!(
        (status, body["method"].clone()),
        (StatusCode::OK, json!("DELETE"))
    );
    // A read meanwhile is not the DELETE the fault waits for.
    assert_eq!(
        demo.get(&contact_path(first)).await.status(),
        StatusCode::OK
    );
    let err = client.delete_contact(first).await.unwrap_err();
    assert!(!matches!(err, ApiError::Http { .. }), "{err:?}");
    assert_eq!(demo.server.contact(first), None);
    // Done, then answered 500.
    demo.control("/__demo/fail?kind=stored-500&method=DELETE")
        .await;
    let err = client.delete_contact(second).await.unwrap_err();
    assert!(matches!(err, ApiError::Http { status: 500, .. }), "{err:?}");
    assert_eq!(demo.server.contact(second), None);
    // Cut before it is handled: still there.
    demo.control("/__demo/fail?kind=hangup&method=DELETE").await;
    assert!(client.delete_contact(third).await.is_err());
    assert!(demo.server.contact(third).is_some());
    let deletes = demo
        .server
        .requests()
        .iter()
        .filter(|r| r.method == "DELETE")
        .count();
    assert_eq!(deletes, 3, "each sent once");
}
