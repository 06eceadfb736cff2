//! Several contacts changed together in the editor: marked in the picker, one form for
//! all, a review per contact, the PUTs each judged and journalled under one batch. The
//! app is driven with messages; its requests go to the demo API on loopback.

mod common;

use common::effects::Runner;
use linq_contact::api::ContactPatch;
use linq_contact::app::{App, AppOptions, Effect, Hit, Msg, Overlay, Sent, Status};
use linq_contact::demo::DemoServer;
use linq_contact::form::Field;
use linq_contact::keymap::{KeyCode, KeyEvent, KeyModifiers};
use linq_contact::target::Target;
use serde_json::{Value, json};

async fn open(server: &DemoServer) -> Runner {
    let options = AppOptions {
        api_url: server.url(),
        ..AppOptions::default()
    };
    Runner::start(
        &server.url(),
        server.token(),
        App::open(options, Target::Id(1001)),
    )
    .await
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

/// Ctrl-P, past the recent row, then Tab on the first `n` contacts of the list and Enter.
async fn open_marked(h: &mut Runner, n: usize) {
    h.ctrl('p').await;
    h.key(KeyCode::Down).await;
    for _ in 0..n {
        h.key(KeyCode::Tab).await;
    }
    let text = h.screen(100, 30);
    assert!(text.contains(&format!("✓ {n} marked")), "{text}");
    h.key(KeyCode::Enter).await;
}

async fn type_into(h: &mut Runner, field: Field, text: &str) {
    h.send(Msg::Click(Hit::Field(field))).await;
    h.type_text(text).await;
}

/// The PUTs the demo received, as (contact path, body).
fn puts(server: &DemoServer) -> Vec<(String, Value)> {
    server
        .requests()
        .into_iter()
        .filter(|r| r.method == "PUT")
        .map(|r| (r.path, serde_json::from_str(&r.body).unwrap()))
        .collect()
}

/// Sends what the review shows, handing the PUTs to the demo one after another, and
/// returns the journal entries the app asks for.
async fn send(h: &mut Runner) -> Vec<linq_contact::journal::Entry> {
    let effects = h.app.update(Msg::Key(key(KeyCode::Enter)));
    let mut journal = Vec::new();
    for effect in effects {
        for next in h.perform(effect).await {
            match next {
                Effect::Journal(entry) => journal.push(*entry),
                other => h.settle(vec![other]).await,
            }
        }
    }
    journal
}

#[tokio::test]
async fn marked_contacts_change_together_and_each_gets_only_the_typed_field() {
    let server = DemoServer::start(0).await.unwrap();
    let mut h = open(&server).await;
    open_marked(&mut h, 3).await;
    assert!(matches!(h.app.status(), Status::ManyOpen));
    let text = h.screen(100, 30);
    assert!(text.contains("linq-contact · 3 contacts"), "{text}");

    type_into(&mut h, Field::Title, "Engineer").await;
    h.ctrl('s').await;
    let text = h.screen(100, 40);
    assert!(text.contains("Review: 3 contacts"), "{text}");
    assert!(text.contains("3 contacts get a PUT"), "{text}");

    let journal = send(&mut h).await;
    let put = puts(&server);
    let expected: Vec<(String, Value)> = [1001, 1002, 1003]
        .iter()
        .map(|id| {
            let c = server.contact(*id).unwrap();
            // The API needs an identity field in every body: the first name, unchanged.
            let body = json!({"contact": {"first_name": c.first_name, "title": "Engineer"}});
            (format!("/api/partner/v2/contacts/{id}"), body)
        })
        .collect();
    let mut sorted = put.clone();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(sorted, expected);
    for id in [1001, 1002, 1003] {
        assert_eq!(server.contact(id).unwrap().title, "Engineer");
    }
    let Status::SentMany { done, .. } = h.app.status() else {
        panic!("{:?}", h.app.status());
    };
    assert_eq!(done.len(), 3);
    assert!(done.iter().all(|(_, s)| *s == Sent::Stored), "{done:?}");

    // One batch: every entry carries it, and it names this send alone.
    assert_eq!(journal.len(), 3);
    let batch = journal[0].batch.clone();
    assert!(batch.is_some());
    assert!(journal.iter().all(|e| e.batch == batch), "{journal:?}");
}

/// Someone else sets contact `id`'s title (the first name goes along, as the API needs).
async fn colleague_sets_title(h: &Runner, server: &DemoServer, id: u64, title: &str) {
    let patch = ContactPatch {
        first_name: Some(server.contact(id).unwrap().first_name),
        title: Some(title.into()),
        ..ContactPatch::default()
    };
    h.client.update_contact(id, &patch).await.unwrap();
}

#[tokio::test]
async fn a_colleagues_change_is_a_conflict_and_a_contact_already_so_gets_nothing() {
    let server = DemoServer::start(0).await.unwrap();
    let mut h = open(&server).await;
    // Already so before the contacts are read.
    colleague_sets_title(&h, &server, 1003, "Engineer").await;
    open_marked(&mut h, 3).await;
    // A colleague changes 1002's title after the contacts were read.
    colleague_sets_title(&h, &server, 1002, "Manager").await;
    let before = puts(&server).len();

    type_into(&mut h, Field::Title, "Engineer").await;
    type_into(&mut h, Field::Location, "Berlin").await;
    h.ctrl('s').await;
    let Some(Overlay::Many(review)) = h.app.overlay() else {
        panic!("{:?}", h.app.overlay());
    };
    let conflicts: Vec<_> = review
        .items
        .iter()
        .map(|i| (i.one.now.id, i.one.conflicts.len(), i.one.already.clone()))
        .collect();
    assert_eq!(
        conflicts,
        vec![
            (1001, 0, vec![]),
            (1002, 1, vec![]),
            (1003, 0, vec![Field::Title]),
        ]
    );
    let text = h.screen(120, 40);
    assert!(text.contains("Title changed by someone else"), "{text}");
    assert!(text.contains("already so"), "{text}");

    send(&mut h).await;
    let sent: Vec<(String, Value)> = puts(&server)[before..].to_vec();
    let body_of = |id: u64| {
        sent.iter()
            .find(|(p, _)| p.ends_with(&format!("/{id}")))
            .map(|(_, b)| b["contact"].clone())
    };
    let first = |id: u64| server.contact(id).unwrap().first_name;
    assert_eq!(
        body_of(1001),
        Some(json!({"first_name": first(1001), "title": "Engineer", "location": "Berlin"}))
    );
    assert_eq!(
        body_of(1002),
        Some(json!({"first_name": first(1002), "location": "Berlin"})),
        "the colleague's title is not overwritten"
    );
    assert_eq!(
        body_of(1003),
        Some(json!({"first_name": first(1003), "location": "Berlin"}))
    );
    assert_eq!(server.contact(1002).unwrap().title, "Manager");
}

/// The real event loop: a PUT whose answer is lost is read back, never sent again, and
/// the contact counts as stored when the read shows the change.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_answer_in_a_batch_is_read_back_not_sent_again() {
    use crossterm::event::KeyCode as K;
    let server = DemoServer::start(0).await.unwrap();
    let ui = common::looped::Looped::demo_sized_loaded(&server, 1001, 100, 30).await;
    ui.ctrl('p');
    ui.wait_for("32 contacts").await;
    // Past the recent row, the first two contacts of the list.
    for key in [K::Down, K::Tab, K::Tab] {
        ui.key(key);
    }
    ui.wait_for("✓ 2 marked").await;
    ui.key(K::Enter);
    ui.wait_for("2 contacts: what you type").await;
    for _ in 0..5 {
        ui.key(K::Tab);
    }
    ui.type_text("Engineer");
    ui.ctrl('s');
    ui.wait_for("Review: 2 contacts").await;
    server.fail_next_for("PUT", 1, linq_contact::demo::Fault::StoredThenServerError);
    ui.key(K::Enter);
    ui.wait_for("Sent to 2 contacts: 2 stored").await;
    let writes = puts(&server);
    assert_eq!(writes.len(), 2, "each contact's PUT once: {writes:?}");
    for id in [1001, 1002] {
        assert_eq!(server.contact(id).unwrap().title, "Engineer");
    }
    // The form is empty again: everything typed was stored.
    assert!(!ui.contents().contains("unsaved"), "{}", ui.contents());
    ui.finish().await;
}

#[tokio::test]
async fn quitting_while_the_saves_are_out_asks_first() {
    let server = DemoServer::start(0).await.unwrap();
    let mut h = open(&server).await;
    open_marked(&mut h, 2).await;
    type_into(&mut h, Field::Title, "Engineer").await;
    h.ctrl('s').await;
    let effects = h.app.update(Msg::Key(key(KeyCode::Enter)));
    assert!(
        effects.iter().any(|e| matches!(e, Effect::SaveMany { .. })),
        "{effects:?}"
    );
    // The PUTs are out, their answers not back: quitting asks, as for one save.
    let effects = h.app.update(Msg::Key(KeyEvent::new(
        KeyCode::Char('q'),
        KeyModifiers::CONTROL,
    )));
    assert_eq!(effects, vec![]);
    assert!(
        matches!(h.app.overlay(), Some(Overlay::SaveInFlight(_))),
        "{:?}",
        h.app.overlay()
    );
}

/// F3 on a save of a batch, then `b`: every save of the batch is taken back, reviewed
/// first; a field someone changed since is a conflict and stays theirs.
#[tokio::test]
async fn f3_takes_a_whole_batch_back_and_leaves_a_colleagues_later_change() {
    let server = DemoServer::start(0).await.unwrap();
    let mut h = open(&server).await;
    let titles = |ids: [u64; 2]| ids.map(|id| server.contact(id).unwrap().title);
    let before = titles([1001, 1002]);
    open_marked(&mut h, 2).await;
    type_into(&mut h, Field::Title, "Engineer").await;
    h.ctrl('s').await;
    let journal = send(&mut h).await;
    let batch = journal[0].batch.clone().unwrap();
    colleague_sets_title(&h, &server, 1002, "Manager").await;

    // Contact 1001 opened, its history read.
    h.ctrl('o').await;
    h.type_text("1001").await;
    h.key(KeyCode::Enter).await;
    h.key(KeyCode::F(3)).await;
    let id = h.app.contact_id();
    assert_eq!(id, 1001);
    h.send(Msg::History {
        id,
        entries: journal
            .iter()
            .filter(|e| e.contact_id == id)
            .cloned()
            .collect(),
        skipped: 0,
    })
    .await;
    let text = h.screen(100, 30);
    assert!(text.contains(&format!("batch {batch}")), "{text}");
    assert!(text.contains("b take the whole batch back"), "{text}");
    let effects = h.app.update(Msg::Key(key(KeyCode::Char('b'))));
    assert_eq!(
        effects,
        vec![Effect::ReadBatch {
            batch: batch.clone()
        }]
    );
    h.send(Msg::BatchRead {
        batch: batch.clone(),
        result: Ok(journal),
    })
    .await;
    let text = h.screen(120, 40);
    assert!(text.contains(&format!("Take back batch {batch}")), "{text}");
    assert!(
        text.contains("Title changed by someone else since"),
        "{text}"
    );

    let since = puts(&server).len();
    send(&mut h).await;
    let first = server.contact(1001).unwrap().first_name;
    assert_eq!(
        puts(&server)[since..].to_vec(),
        vec![(
            "/api/partner/v2/contacts/1001".to_string(),
            json!({"contact": {"first_name": first, "title": before[0]}})
        )],
        "only 1001 goes back; 1002's title is the colleague's now"
    );
    assert_eq!(titles([1001, 1002]), [before[0].clone(), "Manager".into()]);
    // The contact open in the form shows what it holds now.
    let shown = h.app.form().map(|f| f.value(Field::Title).to_string());
    assert_eq!(shown, Some(before[0].clone()));
}

/// The real event loop: a merge of two marked contacts whose DELETE answer is lost is
/// read back (a 404: deleted), never sent again, and said so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_merge_whose_delete_answer_is_lost_reads_it_back_and_never_deletes_again() {
    use crossterm::event::KeyCode as K;
    let server = DemoServer::start(0).await.unwrap();
    let ui = common::looped::Looped::demo_sized_loaded(&server, 1001, 100, 30).await;
    ui.ctrl('p');
    ui.wait_for("32 contacts").await;
    for key in [K::Down, K::Tab, K::Tab] {
        ui.key(key);
    }
    ui.wait_for("✓ 2 marked").await;
    ui.ctrl('t');
    ui.wait_for("Merge 2 contacts").await;
    ui.key(K::Enter);
    ui.wait_for("Type 1 and press Enter to delete 1 contact")
        .await;
    ui.type_text("1");
    server.fail_next_for("DELETE", 1, linq_contact::demo::Fault::StoredThenHangup);
    ui.key(K::Enter);
    ui.wait_for("deleted (its answer was lost; reading it back finds none)")
        .await;
    let deletes: Vec<String> = server
        .requests()
        .into_iter()
        .filter(|r| r.method == "DELETE")
        .map(|r| r.path)
        .collect();
    assert_eq!(deletes, ["/api/partner/v2/contacts/1002"], "sent once");
    assert_eq!(server.contact(1002), None);
    assert!(ui.contents().contains("Merged 1 of 1 contacts into 1001."));
    ui.finish().await;
}
