//! Fixtures shared by the test files (and the benchmark).
#![allow(dead_code)]

pub mod app;
pub mod cli;
pub mod effects;
pub mod looped;
pub mod pty;

use linq_contact::api::{Contact, ContactOwner};
use linq_contact::app::Effect;
use linq_contact::demo::{DemoServer, RecordedRequest};

/// A clean, fully filled contact, independent of the demo's seed data.
pub fn ada() -> Contact {
    Contact {
        id: 1001,
        first_name: "Ada".into(),
        last_name: "Lovelace".into(),
        full_name: "Ada Lovelace".into(),
        email: "ada@example.com".into(),
        phone_number: "+15550102000".into(),
        company: "Analytical Engines".into(),
        title: "Programmer".into(),
        location: "London".into(),
        created_at: "2025-07-30T10:00:00.000-05:00".into(),
        updated_at: "2025-07-30T10:00:00.000-05:00".into(),
        contact_owner: Some(ContactOwner {
            id: Some(1),
            email: "grace@example.com".into(),
            first_name: "Grace".into(),
            last_name: "Hopper".into(),
            name: "Grace Hopper".into(),
        }),
        ..Default::default()
    }
}

/// The generation of the single load a fresh app starts with.
pub fn first_load(effects: &[Effect]) -> u64 {
    match effects {
        [Effect::Load { generation, .. }] => *generation,
        other => panic!("expected exactly one load, got {other:?}"),
    }
}

/// The requests `server` received with `method`, in arrival order.
pub fn requests_of(server: &DemoServer, method: &str) -> Vec<RecordedRequest> {
    server
        .requests()
        .into_iter()
        .filter(|r| r.method == method)
        .collect()
}

/// The bodies of the requests `server` received with `method`, in arrival order.
pub fn bodies(server: &DemoServer, method: &str) -> Vec<String> {
    requests_of(server, method)
        .into_iter()
        .map(|r| r.body)
        .collect()
}

/// The paths (query included) of the requests `server` received that `keep` picks, in
/// arrival order.
pub fn paths_where(server: &DemoServer, keep: impl Fn(&str) -> bool) -> Vec<String> {
    server
        .requests()
        .into_iter()
        .filter(|r| keep(&r.path))
        .map(|r| r.path)
        .collect()
}

/// Contact 42 as the API sends it: a title and an image left null, an owner.
pub fn contact_42_json() -> serde_json::Value {
    serde_json::json!({
        "id": 42,
        "first_name": "Ada",
        "last_name": "Lovelace",
        "full_name": "Ada Lovelace",
        "email": "ada@example.com",
        "phone_number": "+15551234567",
        "company": "Engines",
        "title": null,
        "image_url": null,
        "created_at": "2025-07-30T10:00:00.000-05:00",
        "updated_at": "2025-07-30T10:00:00.000-05:00",
        "contact_owner": {"id": 3, "email": "owner@example.com", "first_name": "O",
                          "last_name": "W", "name": "O W"}
    })
}
