//! Creating a contact and taking a save back, through the real event loop and the demo
//! API on loopback: the exact request, the switch to the new contact, the duplicate gate,
//! a lost answer that is looked up rather than posted again, and the journal's F3.

mod common;
use common::looped::{Looped, session};

use crossterm::event::KeyCode;
use linq_contact::app::{App, AppOptions, Effect, Msg, Overlay};
use linq_contact::demo::{DemoServer, Fault};
use linq_contact::form::Field;
use linq_contact::journal::Journal;
use linq_contact::target::Target;
use std::time::Duration;

fn posts(server: &DemoServer) -> Vec<String> {
    server
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST")
        .map(|r| r.body)
        .collect()
}

/// Ctrl-N, then a first name and an e-mail.
async fn start_new(ui: &Looped, first: &str, email: &str) {
    ui.ctrl('n');
    ui.wait_for("linq-contact · new contact").await;
    ui.type_text(first);
    ui.replace_field(2, email);
    ui.ctrl('s');
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_n_creates_a_contact_and_switches_to_it() {
    let server = DemoServer::start(0).await.unwrap();
    let next = server.last_id() + 1;
    let ui = Looped::start(&server.url(), server.token(), Target::Id(1001));
    ui.wait_for("Loaded contact 1001").await;
    start_new(&ui, "Nia", "nia.new@example.com").await;
    ui.wait_for("Review: the new contact").await;
    assert!(
        ui.contents()
            .contains("the server assigns its default owner")
    );
    ui.key(KeyCode::Enter);
    ui.wait_for(&format!("Created contact {next}")).await;
    assert!(ui.contents().contains(&format!("contact {next} · Nia")));
    assert_eq!(
        posts(&server),
        [r#"{"contact":{"first_name":"Nia","email":"nia.new@example.com"}}"#]
    );
    // The duplicate lookup went first, by the e-mail.
    assert!(
        server
            .requests()
            .iter()
            .any(|r| r.path == "/api/partner/v2/contacts/find?email=nia.new%40example.com")
    );
    // The recent list gains it: the picker lists it first.
    ui.ctrl('p');
    ui.wait_for("★ Nia").await;
    ui.finish().await;
}

#[test]
fn a_duplicate_needs_its_own_key_and_enter_sends_nothing() {
    use common::app::{ctrl, key, loaded, type_text};
    let mut app = loaded();
    app.update(ctrl('n'));
    type_text(&mut app, "Twin");
    let effects = app.update(ctrl('s'));
    // A first name alone has nothing to look up: give it the e-mail of an existing one.
    assert!(
        matches!(app.overlay(), Some(Overlay::Create(_))),
        "{effects:?}"
    );
    app.update(key(KeyCode::Esc));
    for _ in 0..2 {
        app.update(key(KeyCode::Down));
    }
    type_text(&mut app, "ada@example.com");
    let effects = app.update(ctrl('s'));
    let [Effect::Lookup { generation, .. }] = effects[..] else {
        panic!("the e-mail is looked up first: {effects:?}");
    };
    app.update(Msg::LookedUp {
        generation,
        result: Ok(vec![common::ada()]),
    });
    assert!(matches!(
        app.overlay(),
        Some(Overlay::Create(r)) if r.existing.as_ref().is_some_and(|c| c.id == 1001)
    ));
    // Enter and y send nothing and leave the question open.
    for k in [KeyCode::Enter, KeyCode::Char('y')] {
        assert!(app.update(key(k)).is_empty(), "{k:?} sent");
        assert!(matches!(app.overlay(), Some(Overlay::Create(_))));
    }
    // Only the explicit key creates.
    // Its draft is settled as the POST goes out: a create is never restored and re-sent.
    let effects = app.update(key(KeyCode::Char('a')));
    assert!(
        matches!(
            effects[..],
            [Effect::DeleteDraft { id: 0 }, Effect::Create { .. }]
        ),
        "{effects:?}"
    );
    assert!(app.draft("http://x", "now").is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_duplicate_can_be_opened_instead() {
    let server = DemoServer::start(0).await.unwrap();
    let existing = server.contact(1001).unwrap();
    let ui = Looped::start(&server.url(), server.token(), Target::Id(1002));
    ui.wait_for("Loaded contact 1002").await;
    start_new(&ui, "Twin", &existing.email).await;
    ui.wait_for("already exists: contact 1001").await;
    ui.key(KeyCode::Char('e'));
    // The new form has unsaved fields: leaving it asks first.
    ui.wait_for("Leave this contact?").await;
    ui.key(KeyCode::Char('y'));
    ui.wait_for("Loaded contact 1001").await;
    assert!(posts(&server).is_empty());
    ui.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_create_keeps_the_form_and_says_why() {
    let server = DemoServer::start(0).await.unwrap();
    let ui = Looped::start(&server.url(), server.token(), Target::Id(1001));
    ui.wait_for("Loaded contact 1001").await;
    ui.ctrl('n');
    ui.wait_for("new contact").await;
    ui.type_text("Ola");
    ui.replace_field(7, "nobody@nowhere.example");
    ui.ctrl('s');
    ui.wait_for("Review: the new contact").await;
    ui.key(KeyCode::Enter);
    ui.wait_for("Create failed").await;
    let text = ui.contents();
    assert!(text.contains("new contact"), "{text}");
    assert!(
        text.contains("nobody@nowhere.example"),
        "the form is kept:\n{text}"
    );
    assert_eq!(posts(&server).len(), 1);
    ui.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_answer_is_looked_up_never_posted_again() {
    let server = DemoServer::start(0).await.unwrap();
    let ui = Looped::start(&server.url(), server.token(), Target::Id(1001));
    ui.wait_for("Loaded contact 1001").await;
    server.fail_next_for("POST", 1, Fault::ServerError);
    start_new(&ui, "Lost", "lost.answer@example.com").await;
    ui.wait_for("Review: the new contact").await;
    ui.key(KeyCode::Enter);
    ui.wait_for("The contact was not found as of").await;
    assert_eq!(posts(&server).len(), 1, "never posted twice");
    let finds = server
        .requests()
        .into_iter()
        .filter(|r| r.path.contains("/find?email=lost.answer"))
        .count();
    assert_eq!(
        finds, 2,
        "the duplicate check, then the check after the lost answer"
    );
    ui.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn f3_takes_a_save_back_through_the_usual_review() {
    let server = DemoServer::start(0).await.unwrap();
    let before = server.contact(1001).unwrap();
    let dir = std::env::temp_dir().join(format!("lc-create-f3-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut s = session(&server.url(), server.token(), Target::Id(1001));
    s.journal = Some(Journal::new(dir.join("journal.jsonl")));
    let ui = Looped::run(s);
    ui.wait_for("Loaded contact 1001").await;
    ui.replace_field(5, "Mistake");
    ui.ctrl('s');
    ui.wait_for("Review: what will be sent").await;
    ui.key(KeyCode::Enter);
    ui.wait_for("Saved at").await;
    ui.key(KeyCode::F(3));
    ui.wait_for("Saves of contact 1001 made here").await;
    assert!(
        ui.contents()
            .contains(&format!("Title: \"{}\" → \"Mistake\"", before.title))
    );
    ui.key(KeyCode::Char('u'));
    ui.wait_for("Put back the values from before the save")
        .await;
    ui.ctrl('s');
    ui.wait_for("Review: what will be sent").await;
    ui.key(KeyCode::Enter);
    ui.wait_for("Saved at").await;
    assert_eq!(server.contact(1001).unwrap().title, before.title);
    let puts: Vec<String> = server
        .requests()
        .into_iter()
        .filter(|r| r.method == "PUT")
        .map(|r| r.body)
        .collect();
    assert_eq!(
        puts[1],
        format!(
            r#"{{"contact":{{"first_name":"{}","title":"{}"}}}}"#,
            before.first_name, before.title
        )
    );
    ui.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn taking_a_save_back_over_a_colleagues_later_change_is_a_conflict() {
    let server = DemoServer::start(0).await.unwrap();
    let dir = std::env::temp_dir().join(format!("lc-create-f3c-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut s = session(&server.url(), server.token(), Target::Id(1001));
    s.journal = Some(Journal::new(dir.join("journal.jsonl")));
    let ui = Looped::run(s);
    ui.wait_for("Loaded contact 1001").await;
    ui.replace_field(5, "Mine");
    ui.ctrl('s');
    ui.wait_for("Review: what will be sent").await;
    ui.key(KeyCode::Enter);
    ui.wait_for("Saved at").await;
    // A colleague changes the title after that save.
    let mut theirs = server.contact(1001).unwrap();
    theirs.title = "Theirs".into();
    server.set_contact(theirs);
    ui.key(KeyCode::F(3));
    ui.wait_for("Saves of contact 1001 made here").await;
    ui.key(KeyCode::Char('u'));
    ui.wait_for("Put back the values").await;
    ui.ctrl('s');
    ui.wait_for("Conflict: someone else changed this contact")
        .await;
    assert!(ui.contents().contains("theirs Theirs"), "{}", ui.contents());
    ui.finish().await;
}

#[test]
fn a_new_contacts_unsent_fields_are_a_draft_offered_on_the_next_ctrl_n() {
    let opts = AppOptions::default;
    let (mut app, effects) = App::new(opts(), 1001);
    let generation = common::first_load(&effects);
    app.update(Msg::Loaded {
        generation,
        result: Ok(common::ada()),
    });
    let effects = app.update(common::app::ctrl('n'));
    assert_eq!(effects, vec![Effect::CheckDraft { id: 0 }]);
    common::app::type_text(&mut app, "Half typed");
    let draft = app
        .draft("demo", "2026-01-01T00:00:00+00:00")
        .expect("a draft");
    assert_eq!(draft.contact_id, 0);
    assert_eq!(
        draft.values.get("first_name").map(String::as_str),
        Some("Half typed")
    );
    // Next session: Ctrl-N finds it and offers it back.
    let (mut next, effects) = App::new(opts(), 1001);
    let generation = common::first_load(&effects);
    next.update(Msg::Loaded {
        generation,
        result: Ok(common::ada()),
    });
    next.update(common::app::ctrl('n'));
    next.update(Msg::DraftFound {
        id: 0,
        draft: Some(Box::new(draft)),
    });
    assert!(matches!(next.overlay(), Some(Overlay::RestoreDraft(_))));
    next.update(common::app::key(KeyCode::Char('y')));
    assert_eq!(next.form().unwrap().value(Field::FirstName), "Half typed");
}

#[test]
fn ctrl_n_over_unsaved_edits_asks_before_discarding_them() {
    use linq_contact::dialogs::confirm::Confirm;
    let mut app = common::app::loaded();
    common::app::replace(&mut app, Field::Title, "Unsaved");
    assert!(app.update(common::app::ctrl('n')).is_empty());
    assert!(matches!(
        app.overlay(),
        Some(Overlay::Confirm(Confirm::New))
    ));
    // No: the edits stay.
    app.update(common::app::key(KeyCode::Char('n')));
    assert_eq!(app.form().unwrap().value(Field::Title), "Unsaved");
    // Yes: the draft of the edits is deleted and an empty form opens.
    app.update(common::app::ctrl('n'));
    let effects = app.update(common::app::key(KeyCode::Char('y')));
    assert!(
        effects.contains(&Effect::DeleteDraft { id: 1001 }),
        "{effects:?}"
    );
    assert!(app.is_new_contact());
    assert_eq!(app.form().unwrap().value(Field::Title), "");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typing_during_a_slow_create_is_kept_over_the_new_contact() {
    let server = DemoServer::start(0).await.unwrap();
    let next = server.last_id() + 1;
    let ui = Looped::start(&server.url(), server.token(), Target::Id(1001));
    ui.wait_for("Loaded contact 1001").await;
    start_new(&ui, "Slow", "slow.create@example.com").await;
    ui.wait_for("Review: the new contact").await;
    server.set_latency(Duration::from_millis(1500));
    ui.key(KeyCode::Enter);
    ui.wait_for("Creating the contact").await;
    // The focus is on the e-mail: three fields down is the title.
    ui.replace_field(3, "Typed while it was created");
    ui.wait_until("the typing reached the form", || {
        ui.app()
            .form()
            .is_some_and(|f| f.value(Field::Title) == "Typed while it was created")
    })
    .await;
    ui.wait_for(&format!("Created contact {next}")).await;
    let app = ui.app();
    let form = app.form().unwrap();
    assert_eq!(app.contact_id(), next);
    assert_eq!(form.value(Field::Title), "Typed while it was created");
    assert_eq!(form.dirty_fields(), [Field::Title]);
    assert_eq!(form.value(Field::FirstName), "Slow");
    assert_eq!(
        posts(&server),
        [r#"{"contact":{"first_name":"Slow","email":"slow.create@example.com"}}"#]
    );
    server.set_latency(Duration::ZERO);
    ui.finish().await;
}
