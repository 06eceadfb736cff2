//! The demo API over real HTTP on loopback: it must answer the way the documented API
//! does, because the editor's own tests and `--demo` both rely on it.

use linq_contact::api::model::{Contact, ContactPage, ContactPatch, DataEnvelope, UpdateRequest};
use linq_contact::demo::{DEMO_TOKEN, DemoServer, RecordedRequest};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const CONTACTS: &str = "/api/partner/v2/contacts";
const TOKEN_HEADER: &str = "X-LINQ-INTEGRATION-TOKEN";

struct Demo {
    server: DemoServer,
    http: reqwest::Client,
}

impl Demo {
    async fn start() -> Demo {
        Demo::wrap(DemoServer::start(0).await.unwrap())
    }

    fn wrap(server: DemoServer) -> Demo {
        Demo {
            server,
            http: reqwest::Client::new(),
        }
    }

    fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.server.url()))
            .header(TOKEN_HEADER, self.server.token())
    }

    async fn get(&self, path: &str) -> (StatusCode, Value) {
        read(self.request(Method::GET, path)).await
    }

    /// Sends `body` byte for byte, so tests control exactly what goes over the wire.
    async fn send_raw(&self, method: Method, path: &str, body: &str) -> (StatusCode, Value) {
        read(
            self.request(method, path)
                .header("Content-Type", "application/json")
                .body(body.to_string()),
        )
        .await
    }

    fn last_request(&self) -> RecordedRequest {
        self.server
            .requests()
            .pop()
            .expect("a request was recorded")
    }
}

async fn read(request: reqwest::RequestBuilder) -> (StatusCode, Value) {
    let response = request.send().await.unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    let body =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("body is not JSON ({e}): {text:?}"));
    (status, body)
}

fn contact_path(id: u64) -> String {
    format!("{CONTACTS}/{id}")
}

fn body_of(patch: ContactPatch) -> String {
    serde_json::to_string(&UpdateRequest { contact: patch }).unwrap()
}

fn data(body: Value) -> Contact {
    serde_json::from_value::<DataEnvelope>(body).unwrap().data
}

fn not_found_body() -> Value {
    json!({
        "status": "error",
        "error_code": "CONTACT_NOT_FOUND",
        "message": "Contact not found",
        "errors": ["The requested contact does not exist or is not accessible to your organization"],
    })
}

fn validation_body(errors: &[&str]) -> Value {
    json!({
        "status": "error",
        "error_code": "VALIDATION_ERROR",
        "message": "Validation failed",
        "errors": errors,
    })
}

/// `2025-07-30T10:00:00.000+00:00`: milliseconds and an explicit offset.
fn assert_api_timestamp(s: &str) {
    let parsed = chrono::DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.3f%:z");
    assert!(parsed.is_ok(), "{s:?} is not in the documented format");
    assert_eq!(s.len(), "2025-07-30T10:00:00.000+00:00".len(), "{s:?}");
}

#[tokio::test]
async fn missing_or_wrong_token_gets_401_in_the_second_error_shape() {
    let demo = Demo::start().await;
    let expected = json!({"errors": [{
        "status": 401,
        "code": "UNAUTHORIZED",
        "title": "Unauthorized",
        "detail": "Invalid or missing integration token",
    }]});
    let url = format!(
        "{}{}",
        demo.server.url(),
        contact_path(demo.server.first_id())
    );

    let (status, body) = read(demo.http.get(&url)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body, expected);

    let (status, body) = read(demo.http.get(&url).header(TOKEN_HEADER, "demo-token-0001")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body, expected);

    // Refused requests are recorded too, and the token check comes before routing.
    assert_eq!(demo.server.requests().len(), 2);
    let (status, _) = read(demo.http.get(format!("{}/nowhere", demo.server.url()))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(demo.server.token(), DEMO_TOKEN);
}

#[tokio::test]
async fn get_returns_the_wrapped_contact_or_the_documented_404() {
    let demo = Demo::start().await;
    let id = demo.server.first_id();

    let (status, body) = demo.get(&contact_path(id)).await;
    assert_eq!(status, StatusCode::OK);
    let contact = data(body);
    assert_eq!(Some(&contact), demo.server.contact(id).as_ref());
    assert_eq!(contact.id, id);
    assert!(!contact.first_name.is_empty() && !contact.email.is_empty());

    for missing in [format!("{CONTACTS}/999999"), format!("{CONTACTS}/abc")] {
        let (status, body) = demo.get(&missing).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{missing}");
        assert_eq!(body, not_found_body(), "{missing}");
    }
}

#[tokio::test]
async fn put_changes_only_the_given_field_and_the_body_is_recorded_exactly() {
    let demo = Demo::start().await;
    let id = demo.server.first_id();
    let before = demo.server.contact(id).unwrap();
    let body = body_of(ContactPatch {
        first_name: Some("Avery-Jo".into()),
        ..Default::default()
    });
    assert_eq!(body, r#"{"contact":{"first_name":"Avery-Jo"}}"#);

    let (status, response) = demo.send_raw(Method::PUT, &contact_path(id), &body).await;
    assert_eq!(status, StatusCode::OK);
    let after = data(response);

    assert_eq!(after.first_name, "Avery-Jo");
    assert_eq!(after.full_name, format!("Avery-Jo {}", before.last_name));
    assert_ne!(after.updated_at, before.updated_at);
    assert_api_timestamp(&after.updated_at);
    assert!(after.updated_at.ends_with("+00:00"));
    let untouched = Contact {
        first_name: before.first_name.clone(),
        full_name: before.full_name.clone(),
        updated_at: before.updated_at.clone(),
        ..after.clone()
    };
    assert_eq!(
        untouched, before,
        "only first_name, full_name and updated_at change"
    );
    assert_eq!(demo.server.contact(id), Some(after));

    assert_eq!(
        demo.last_request(),
        RecordedRequest {
            method: "PUT".into(),
            path: contact_path(id),
            body,
        }
    );
}

#[tokio::test]
async fn put_without_an_identity_field_is_refused_and_changes_nothing() {
    let demo = Demo::start().await;
    let id = demo.server.first_id();
    let before = demo.server.contact(id);

    let body = body_of(ContactPatch {
        company: Some("Elsewhere Ltd".into()),
        ..Default::default()
    });
    let (status, response) = demo.send_raw(Method::PUT, &contact_path(id), &body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        response,
        validation_body(&[
            "At least one of first_name, last_name, email, phone_number is required"
        ])
    );
    assert_eq!(demo.server.contact(id), before);
}

#[tokio::test]
async fn unknown_owner_is_refused_and_a_known_one_takes_over() {
    let demo = Demo::start().await;
    let id = demo.server.first_id();
    let before = demo.server.contact(id).unwrap();

    let body = body_of(ContactPatch {
        email: Some(before.email.clone()),
        user_email: Some("nobody@example.com".into()),
        ..Default::default()
    });
    let (status, response) = demo.send_raw(Method::PUT, &contact_path(id), &body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        response,
        validation_body(&["User email does not belong to a user of this organization"])
    );
    assert_eq!(demo.server.contact(id).as_ref(), Some(&before));

    // The current spec's place for user_email...
    let body = body_of(ContactPatch {
        email: Some(before.email.clone()),
        user_email: Some("priya.raman@example.com".into()),
        ..Default::default()
    });
    let (status, response) = demo.send_raw(Method::PUT, &contact_path(id), &body).await;
    assert_eq!(status, StatusCode::OK);
    let after = data(response);
    assert_eq!(after.owner_email(), "priya.raman@example.com");
    assert_eq!(after.owner_name(), "Priya Raman");
    assert_ne!(before.owner_email(), after.owner_email());

    // The older spec's place, at the top level, is ignored: the current one is inside
    // `contact`, and a server following it drops the stray member.
    let body = r#"{"contact":{"last_name":"Chen"},"user_email":"marcus.oyelaran@example.com"}"#;
    let (status, response) = demo.send_raw(Method::PUT, &contact_path(id), body).await;
    assert_eq!(status, StatusCode::OK);
    let ignored = data(response);
    assert_eq!(ignored.last_name, "Chen");
    assert_eq!(ignored.owner_email(), "priya.raman@example.com");
    assert_eq!(demo.server.contact(id), Some(ignored));
}

#[tokio::test]
async fn patch_behaves_like_put() {
    let demo = Demo::start().await;
    let id = demo.server.first_id();
    let before = demo.server.contact(id).unwrap();

    let body = body_of(ContactPatch {
        last_name: Some("Chen-Ortiz".into()),
        ..Default::default()
    });
    let (status, response) = demo.send_raw(Method::PATCH, &contact_path(id), &body).await;
    assert_eq!(status, StatusCode::OK);
    let after = data(response);
    assert_eq!(after.last_name, "Chen-Ortiz");
    assert_eq!(after.full_name, format!("{} Chen-Ortiz", before.first_name));
    assert_eq!(after.email, before.email);
    assert_ne!(after.updated_at, before.updated_at);
    assert_eq!(demo.last_request().method, "PATCH");
    assert_eq!(demo.last_request().body, body);

    let body = body_of(ContactPatch {
        title: Some("CEO".into()),
        ..Default::default()
    });
    let (status, response) = demo.send_raw(Method::PATCH, &contact_path(id), &body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        response,
        validation_body(&[
            "At least one of first_name, last_name, email, phone_number is required"
        ])
    );

    let (status, response) = demo
        .send_raw(
            Method::PATCH,
            &contact_path(999_999),
            r#"{"contact":{"first_name":"X"}}"#,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(response, not_found_body());
}

#[tokio::test]
async fn update_validates_email_normalises_phone_and_rejects_malformed_json() {
    let demo = Demo::start().await;
    let id = demo.server.first_id();

    let (status, response) = demo
        .send_raw(
            Method::PUT,
            &contact_path(id),
            r#"{"contact":{"email":"not-an-address"}}"#,
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(response, validation_body(&["Email is invalid"]));

    let (status, response) = demo
        .send_raw(
            Method::PUT,
            &contact_path(id),
            r#"{"contact":{"phone_number":"(555) 010-2001"}}"#,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(data(response).phone_number, "+15550102001");

    let (status, response) = demo
        .send_raw(
            Method::PUT,
            &contact_path(id),
            r#"{"contact":{"first_name":"#,
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(response["status"], "error");
    assert_eq!(response["error_code"], "BAD_REQUEST");
    assert!(response["errors"].as_array().is_some_and(|e| !e.is_empty()));
}

#[tokio::test]
async fn list_pages_by_id_and_caps_per_page() {
    let seed_only = Demo::start().await;
    let (_, body) = seed_only.get(CONTACTS).await;
    let seed_count = serde_json::from_value::<ContactPage>(body)
        .unwrap()
        .pagination
        .total_count;
    assert!(seed_count >= 30);

    let demo = Demo::wrap(DemoServer::start_with_generated(0, 250).await.unwrap());
    let total = seed_count + 250;

    let (status, body) = demo.get(CONTACTS).await;
    assert_eq!(status, StatusCode::OK);
    let first = serde_json::from_value::<ContactPage>(body).unwrap();
    assert_eq!(first.pagination.current_page, 1);
    assert_eq!(first.pagination.per_page, 25);
    assert_eq!(first.pagination.total_count, total);
    assert_eq!(first.contacts.len(), 25);
    assert_eq!(first.contacts[0].id, demo.server.first_id());

    let pages = total.div_ceil(100);
    let mut ids = Vec::new();
    for page in 1..=pages {
        let (status, body) = demo
            .get(&format!("{CONTACTS}?page={page}&per_page=100"))
            .await;
        assert_eq!(status, StatusCode::OK);
        let p = serde_json::from_value::<ContactPage>(body).unwrap();
        assert_eq!(p.pagination.current_page as u64, page);
        assert_eq!(p.pagination.per_page, 100);
        assert_eq!(p.pagination.total_pages as u64, pages);
        assert_eq!(p.pagination.total_count, total);
        let expected_len = if page == pages {
            total - 100 * (pages - 1)
        } else {
            100
        };
        assert_eq!(p.contacts.len() as u64, expected_len, "page {page}");
        ids.extend(p.contacts.iter().map(|c| c.id));
    }
    assert_eq!(ids.len() as u64, total);
    assert!(
        ids.windows(2).all(|w| w[0] < w[1]),
        "ordered by id, no repeats"
    );
    let generated = demo.server.contact(*ids.last().unwrap()).unwrap();
    assert!(generated.email.ends_with("@example.net") && generated.phone_number.starts_with("+1"));

    let (_, body) = demo.get(&format!("{CONTACTS}?per_page=1000")).await;
    let capped = serde_json::from_value::<ContactPage>(body).unwrap();
    assert_eq!(capped.pagination.per_page, 100);
    assert_eq!(capped.contacts.len(), 100);

    let (status, body) = demo
        .get(&format!("{CONTACTS}?page={}&per_page=100", pages + 1))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        serde_json::from_value::<ContactPage>(body)
            .unwrap()
            .contacts
            .is_empty()
    );
}

#[tokio::test]
async fn find_matches_email_case_insensitively_and_phone_after_normalising() {
    let demo = Demo::start().await;
    let id = demo.server.first_id();
    let expected = demo.server.contact(id).unwrap();
    let find = format!("{CONTACTS}/find");

    // The bare contact, without the `data` wrapper.
    let upper = expected.email.to_uppercase();
    let (status, body) = read(demo.request(Method::GET, &find).query(&[("email", &upper)])).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.get("data").is_none());
    assert_eq!(serde_json::from_value::<Contact>(body).unwrap(), expected);

    let (status, body) = read(
        demo.request(Method::GET, &find)
            .query(&[("phone_number", "(555) 010-2000")]),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["phone_number"], "+15550102000");

    // Either criterion is enough.
    let (status, body) = read(demo.request(Method::GET, &find).query(&[
        ("email", "nobody@example.com"),
        ("phone_number", expected.phone_number.as_str()),
    ]))
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["id"], json!(id));

    let (status, body) = read(
        demo.request(Method::GET, &find)
            .query(&[("email", "nobody@example.com")]),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, json!({"contact": null}));
}

#[tokio::test]
async fn find_refuses_missing_or_malformed_parameters() {
    let demo = Demo::start().await;
    let find = format!("{CONTACTS}/find");

    let (status, body) = demo.get(&find).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["status"], "error");
    assert_eq!(body["error_code"], "BAD_REQUEST");

    let (status, body) = demo.get(&format!("{find}?email=no-at-sign")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body, validation_body(&["Email is invalid"]));
}

#[tokio::test]
async fn unknown_routes_answer_404_in_the_standard_shape() {
    let demo = Demo::start().await;
    let (status, body) = demo.get("/api/partner/v2/nothing-here").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["status"], "error");
    assert_eq!(body["error_code"], "NOT_FOUND");
    assert!(body["errors"].is_array());
}

#[tokio::test]
async fn an_external_edit_is_visible_and_moves_updated_at() {
    let demo = Demo::start().await;
    let id = demo.server.first_id();
    let mut edited = demo.server.contact(id).unwrap();
    let old_stamp = edited.updated_at.clone();
    edited.title = "Chief Partnerships Officer".into();
    demo.server.set_contact(edited);

    let (_, body) = demo.get(&contact_path(id)).await;
    let seen = data(body);
    assert_eq!(seen.title, "Chief Partnerships Officer");
    assert_ne!(seen.updated_at, old_stamp);
    assert_api_timestamp(&seen.updated_at);
    assert_eq!(
        demo.last_request(),
        RecordedRequest {
            method: "GET".into(),
            path: contact_path(id),
            body: String::new(),
        }
    );
}

#[tokio::test]
async fn identity_fields_count_only_with_a_value() {
    let demo = Demo::start().await;
    let id = demo.server.first_id();
    let before = demo.server.contact(id);
    let required = validation_body(&[
        "At least one of first_name, last_name, email, phone_number is required",
    ]);

    for (method, body) in [
        (Method::PUT, r#"{"contact":{"first_name":""}}"#),
        (
            Method::PUT,
            r#"{"contact":{"first_name":"","last_name":"  ","email":"","phone_number":"","title":"CTO"}}"#,
        ),
        (
            Method::PATCH,
            r#"{"contact":{"email":"","company":"Elsewhere Ltd"}}"#,
        ),
    ] {
        let (status, response) = demo.send_raw(method, &contact_path(id), body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(response, required, "{body}");
        assert_eq!(demo.server.contact(id), before, "{body}");
    }

    // One filled identity field is enough, and blank ones beside it are stored.
    let (status, response) = demo
        .send_raw(
            Method::PUT,
            &contact_path(id),
            r#"{"contact":{"first_name":"Avery","location":""}}"#,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let after = data(response);
    assert_eq!(
        (after.first_name.as_str(), after.location.as_str()),
        ("Avery", "")
    );
    assert_eq!(demo.server.contact(id), Some(after));
}

#[tokio::test]
async fn a_body_without_a_contact_object_is_a_bad_request() {
    let demo = Demo::start().await;
    let id = demo.server.first_id();
    let before = demo.server.contact(id);
    let expected = json!({
        "status": "error",
        "error_code": "BAD_REQUEST",
        "message": "Missing contact",
        "errors": [r#"The body must hold a "contact" object: {"contact": {...}}"#],
    });

    for body in [
        "{}",
        r#"{"first_name":"Avery"}"#,
        r#"{"contact":null}"#,
        r#"{"contact":"Avery"}"#,
        r#"{"contact":[{"first_name":"Avery"}]}"#,
        r#"[{"contact":{"first_name":"Avery"}}]"#,
    ] {
        for method in [Method::PUT, Method::PATCH] {
            let (status, response) = demo.send_raw(method.clone(), &contact_path(id), body).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{method} {body}");
            assert_eq!(response, expected, "{method} {body}");
        }
    }
    assert_eq!(demo.server.contact(id), before);

    // A contact object whose values are not text is a bad request too, not a guess.
    let (status, response) = demo
        .send_raw(
            Method::PUT,
            &contact_path(id),
            r#"{"contact":{"first_name":42}}"#,
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(response["message"], "Invalid contact");
    assert_eq!(demo.server.contact(id), before);
}

#[tokio::test]
async fn a_body_not_sent_as_json_is_an_unsupported_media_type() {
    let demo = Demo::start().await;
    let id = demo.server.first_id();
    let before = demo.server.contact(id).unwrap();
    let body = r#"{"contact":{"first_name":"Avery"}}"#;
    let expected = json!({
        "status": "error",
        "error_code": "UNSUPPORTED_MEDIA_TYPE",
        "message": "Unsupported media type",
        "errors": ["Send the body as JSON, with Content-Type: application/json"],
    });

    for content_type in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        Some("application/jsonp"),
        None,
    ] {
        let mut request = demo
            .request(Method::PUT, &contact_path(id))
            .body(body.to_string());
        if let Some(content_type) = content_type {
            request = request.header("Content-Type", content_type);
        }
        let (status, response) = read(request).await;
        assert_eq!(
            status,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{content_type:?}"
        );
        assert_eq!(response, expected, "{content_type:?}");
        assert_eq!(demo.server.contact(id).as_ref(), Some(&before));
    }
    // The request was received as sent, body and all.
    assert_eq!(demo.last_request().body, body);

    // Parameters and letter case do not matter.
    for (i, content_type) in ["application/json; charset=utf-8", "Application/JSON"]
        .into_iter()
        .enumerate()
    {
        let name = format!("Avery {i}");
        let (status, response) = read(
            demo.request(Method::PUT, &contact_path(id))
                .header("Content-Type", content_type)
                .body(format!(r#"{{"contact":{{"first_name":"{name}"}}}}"#)),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{content_type}");
        assert_eq!(data(response).first_name, name);
    }
}

#[tokio::test]
async fn a_write_that_changes_nothing_leaves_updated_at_alone() {
    let demo = Demo::start().await;
    let id = demo.server.first_id();
    let before = demo.server.contact(id).unwrap();
    let national = before
        .phone_number
        .strip_prefix("+1")
        .expect("the first contact has a North American number");

    // The same values, the phone in another spelling of the same number.
    let body = format!(
        r#"{{"contact":{{"first_name":"{}","phone_number":"({}) {}-{}"}}}}"#,
        before.first_name,
        &national[..3],
        &national[3..6],
        &national[6..]
    );
    let (status, response) = demo.send_raw(Method::PUT, &contact_path(id), &body).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(data(response), before);
    assert_eq!(demo.server.contact(id).as_ref(), Some(&before));

    let body = body_of(ContactPatch {
        first_name: Some(before.first_name.clone()),
        title: Some(format!("{} (acting)", before.title)),
        ..Default::default()
    });
    let (status, response) = demo.send_raw(Method::PUT, &contact_path(id), &body).await;
    assert_eq!(status, StatusCode::OK);
    let after = data(response);
    assert!(after.updated_at > before.updated_at, "{after:?}");
    assert_eq!(demo.server.contact(id), Some(after));
}

#[tokio::test]
async fn create_follows_the_real_rules() {
    use linq_contact::api::{ApiError, ContactPatch, LinqClient};
    use linq_contact::secret::Token;
    let server = DemoServer::start(0).await.unwrap();
    let client = LinqClient::new(
        &server.url(),
        Token::new(server.token()),
        std::time::Duration::from_secs(5),
    )
    .unwrap();
    let last = server.last_id();
    let created = client
        .create_contact(&ContactPatch {
            first_name: Some("Nia".into()),
            phone_number: Some("(212) 555-0100".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(created.id, last + 1, "ids are given in order");
    assert_eq!(created.phone_number, "+12125550100");
    assert_eq!(created.full_name, "Nia");
    assert!(!created.created_at.is_empty() && created.created_at == created.updated_at);
    assert!(
        !created.owner_email().is_empty(),
        "a default owner is assigned"
    );
    assert_eq!(server.contact(created.id).unwrap(), created);
    let post = server
        .requests()
        .into_iter()
        .rfind(|r| r.method == "POST")
        .unwrap();
    assert_eq!(
        post.body,
        r#"{"contact":{"first_name":"Nia","phone_number":"(212) 555-0100"}}"#
    );
    // No identity field with a value, or an unknown owner: 422, nothing stored.
    for patch in [
        ContactPatch {
            first_name: Some(String::new()),
            company: Some("Acme".into()),
            ..Default::default()
        },
        ContactPatch {
            first_name: Some("Ola".into()),
            user_email: Some("nobody@nowhere.example".into()),
            ..Default::default()
        },
    ] {
        let err = client.create_contact(&patch).await.unwrap_err();
        assert!(matches!(err, ApiError::Http { status: 422, .. }), "{err:?}");
    }
    assert_eq!(server.last_id(), created.id);
}

#[tokio::test]
async fn delete_answers_204_without_a_body_then_404_and_the_id_is_not_reused() {
    let demo = Demo::start().await;
    let last = demo.server.last_id();
    let response = demo
        .request(Method::DELETE, &contact_path(last))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(response.text().await.unwrap(), "");
    assert_eq!(demo.server.contact(last), None);
    let recorded = demo.last_request();
    assert_eq!(
        (
            recorded.method.as_str(),
            recorded.path.as_str(),
            recorded.body.as_str()
        ),
        ("DELETE", contact_path(last).as_str(), "")
    );
    let (status, body) = read(demo.request(Method::DELETE, &contact_path(last))).await;
    assert_eq!((status, body), (StatusCode::NOT_FOUND, not_found_body()));
    assert_eq!(
        demo.get(&contact_path(last)).await,
        (StatusCode::NOT_FOUND, not_found_body())
    );
    // A contact created next takes a fresh id, never the deleted one's.
    let (status, body) = demo
        .send_raw(
            Method::POST,
            CONTACTS,
            r#"{"contact":{"first_name":"Nia"}}"#,
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(data(body).id, last + 1);
}
