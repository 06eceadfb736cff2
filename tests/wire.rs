//! What the server stored and what it refused, through the real event loop and the
//! demo API on loopback: the form believes the server, and says where it differs.

mod common;
use common::bodies;
use common::looped::{Looped, session};

use linq_contact::demo::{DemoServer, Fault};
use linq_contact::journal::Journal;
use linq_contact::target::Target;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_field_the_server_did_not_store_is_named_after_the_save() {
    let server = DemoServer::start(0).await.unwrap();
    let id = server.first_id();
    let before = server.contact(id).unwrap();
    assert!(server.drop_field_next("title"));
    let ui = Looped::demo_loaded(&server, id).await;
    ui.replace_field(5, "Chief Tester");
    ui.replace_field(1, "Mars");
    ui.send_reviewed().await;
    ui.wait_for("Partly saved at").await;
    let text = ui.contents();
    assert!(
        text.contains(&format!(
            "⚠ not applied by the server: Title (sent \"Chief Tester\", stored \"{}\")",
            before.title
        )),
        "{text}"
    );
    assert!(
        !text.contains("not applied by the server: Location"),
        "{text}"
    );
    assert_eq!(server.contact(id).unwrap().title, before.title);
    assert_eq!(server.contact(id).unwrap().location, "Mars");
    // What was not stored is still the user's edit, and the next save sends only it.
    let app = ui.app();
    let form = app.form().unwrap();
    assert_eq!(form.value(linq_contact::form::Field::Title), "Chief Tester");
    assert_eq!(form.dirty_fields(), [linq_contact::form::Field::Title]);
    ui.send_reviewed().await;
    ui.wait_for("✓ Saved at").await;
    let puts = bodies(&server, "PUT");
    assert_eq!(puts.len(), 2, "{puts:?}");
    assert!(
        puts[1].contains("\"title\":\"Chief Tester\"") && !puts[1].contains("location"),
        "{}",
        puts[1]
    );
    assert_eq!(server.contact(id).unwrap().title, "Chief Tester");
    ui.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refusal_with_field_objects_is_shown_under_the_field() {
    let server = DemoServer::start(0).await.unwrap();
    let id = server.first_id();
    let taken = Fault::FieldError {
        field: "email".into(),
        message: "has already been taken".into(),
    };
    server.fail_next_for("PUT", 1, taken);
    let ui = Looped::demo_loaded(&server, id).await;
    ui.replace_field(2, "taken@example.com");
    ui.send_reviewed().await;
    ui.wait_for("Save failed").await;
    let text = ui.contents();
    let lines: Vec<&str> = text.lines().collect();
    let row = lines
        .iter()
        .position(|l| l.contains("E-mail"))
        .expect("the e-mail row");
    assert!(
        lines[row + 1].contains("has already been taken"),
        "the message belongs under the field:\n{text}"
    );
    // The status pane shows the message and the code, not only the status line.
    assert!(
        text.contains(
            "✗ Save failed: HTTP 422 Unprocessable Entity — VALIDATION_ERROR: Validation failed"
        ),
        "{text}"
    );
    assert!(text.contains("  email: has already been taken"), "{text}");
    // The edit is kept for another try.
    assert!(text.contains("taken@example.com"), "{text}");
    ui.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_save_writes_one_journal_line_with_before_and_stored() {
    let server = DemoServer::start(0).await.unwrap();
    let id = server.first_id();
    let before = server.contact(id).unwrap();
    let dir = std::env::temp_dir().join(format!("lc-wire-journal-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let journal = Journal::new(dir.join("journal.jsonl"));
    let mut s = session(&server.url(), server.token(), Target::Id(id));
    s.journal = Some(journal.clone());
    let ui = Looped::run(s);
    ui.wait_for(&format!("Loaded contact {id}")).await;
    // A phone typed locally is stored in E.164: the journal has what was stored.
    ui.replace_field(3, "(212) 555-0100");
    ui.send_reviewed().await;
    ui.wait_for("Saved at").await;
    ui.finish().await;
    let text = std::fs::read_to_string(journal.path()).unwrap();
    assert_eq!(text.lines().count(), 1, "{text}");
    let entries = journal.entries(&server.url(), Some(id)).unwrap().entries;
    assert_eq!(entries.len(), 1);
    let e = &entries[0];
    assert_eq!(e.kind, "save");
    assert_eq!(e.fields.len(), 1, "{e:?}");
    assert_eq!(e.fields[0].field, "phone_number");
    assert_eq!(e.fields[0].before, before.phone_number);
    assert_eq!(e.fields[0].after, "+12125550100");
    assert!(!text.contains(server.token()));
}
