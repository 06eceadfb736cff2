//! Creating a contact and taking a save back, through the real event loop and the demo
//! API on loopback: the exact request, the switch to the new contact, the duplicate gate,
//! a lost answer that is looked up rather than posted again, and the journal's F3.

mod common;
use common::looped::{Looped, session};
use common::{bodies, paths_where};

use crossterm::event::KeyCode;
use linq_contact::app::{App, AppOptions, Effect, Msg, Overlay, Status};
use linq_contact::demo::{DemoServer, Fault};
use linq_contact::form::Field;
use linq_contact::journal::{Entry, FieldChange, Journal};
use linq_contact::target::Target;
use std::time::Duration;

fn posts(server: &DemoServer) -> Vec<String> {
    bodies(server, "POST")
}

/// Ctrl-N, a first name and `text` in `field`, then Ctrl-S.
async fn start_new(ui: &Looped, first: &str, field: Field, text: &str) {
    ui.ctrl('n');
    ui.wait_for("linq-contact · new contact").await;
    ui.type_text(first);
    ui.replace_field(field.index(), text);
    ui.ctrl('s');
}

/// A fresh demo, the loop on contact 1001, and the review of a new contact with `first`
/// and `text` in `field` on screen.
async fn reviewing_new(first: &str, field: Field, text: &str) -> (DemoServer, Looped) {
    let server = DemoServer::start(0).await.unwrap();
    let ui = Looped::demo_loaded(&server, 1001).await;
    start_new(&ui, first, field, text).await;
    ui.wait_for("Review: the new contact").await;
    (server, ui)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_n_creates_a_contact_and_switches_to_it() {
    let (server, ui) = reviewing_new("Nia", Field::Email, "nia.new@example.com").await;
    let next = server.last_id() + 1;
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
    let ui = Looped::demo_loaded(&server, 1002).await;
    start_new(&ui, "Twin", Field::Email, &existing.email).await;
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
    let (server, ui) = reviewing_new("Ola", Field::Owner, "nobody@nowhere.example").await;
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
    let (server, ui) = reviewing_new("Lost", Field::Email, "lost.answer@example.com").await;
    server.fail_next_for("POST", 1, Fault::ServerError);
    ui.key(KeyCode::Enter);
    ui.wait_for("The contact was not found as of").await;
    assert_eq!(posts(&server).len(), 1, "never posted twice");
    let finds = paths_where(&server, |p| p.contains("/find?email=lost.answer")).len();
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
    let ui = title_saved_and_journalled(&server, "f3", "Mistake").await;
    open_history(&ui).await;
    assert!(
        ui.contents()
            .contains(&format!("Title: \"{}\" → \"Mistake\"", before.title))
    );
    ui.key(KeyCode::Char('u'));
    ui.wait_for("Put back the values from before the save")
        .await;
    ui.send_reviewed().await;
    ui.wait_for("Saved at").await;
    assert_eq!(server.contact(1001).unwrap().title, before.title);
    let puts = bodies(&server, "PUT");
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
    let ui = title_saved_and_journalled(&server, "f3c", "Mine").await;
    // A colleague changes the title after that save.
    let mut theirs = server.contact(1001).unwrap();
    theirs.title = "Theirs".into();
    server.set_contact(theirs);
    open_history(&ui).await;
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
    let (server, ui) = reviewing_new("Slow", Field::Email, "slow.create@example.com").await;
    let next = server.last_id() + 1;
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

// ------------------------------------------------------------------- the journal's edges

/// A scratch directory for one test's journal.
fn journal_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("lc-j-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A journal's path with a directory in the file's place: it can be neither written
/// nor read.
fn journal_in_the_way(name: &str) -> std::path::PathBuf {
    let path = journal_dir(name).join("journal.jsonl");
    std::fs::create_dir_all(&path).unwrap();
    path
}

/// The loop on contact 1001 of `server`, loaded, with `journal` as its journal.
async fn journalled(server: &DemoServer, journal: Journal) -> Looped {
    let mut s = session(&server.url(), server.token(), Target::Id(1001));
    s.journal = Some(journal);
    let ui = Looped::run(s);
    ui.wait_for("Loaded contact 1001").await;
    ui
}

/// The loop on contact 1001 of `server` with a fresh journal (in the scratch directory
/// `name`), once `title` has been saved and journalled.
async fn title_saved_and_journalled(server: &DemoServer, name: &str, title: &str) -> Looped {
    let ui = journalled(
        server,
        Journal::new(journal_dir(name).join("journal.jsonl")),
    )
    .await;
    ui.replace_field(5, title);
    ui.send_reviewed().await;
    ui.wait_for("Saved at").await;
    ui
}

/// F3, and the history of contact 1001's saves.
async fn open_history(ui: &Looped) {
    ui.key(KeyCode::F(3));
    ui.wait_for("Saves of contact 1001 made here").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_save_the_journal_cannot_take_says_so_under_its_own_status() {
    let server = DemoServer::start(0).await.unwrap();
    // The append fails.
    let path = journal_in_the_way("unwritable");
    let ui = journalled(&server, Journal::new(&path)).await;
    ui.replace_field(5, "Unjournalled");
    ui.send_reviewed().await;
    ui.wait_for("⚠ this save is not in the journal").await;
    // The save's own status stays: it was stored.
    assert!(ui.contents().contains("Saved at"), "{}", ui.contents());
    let app = ui.app();
    assert!(matches!(app.status(), Status::Saved { .. }));
    let reason = app.not_journalled().unwrap_or_default().to_string();
    assert!(
        reason.starts_with(&format!("cannot write {}: ", path.display())),
        "{reason}"
    );
    assert_eq!(server.contact(1001).unwrap().title, "Unjournalled");
    ui.finish().await;
}

#[test]
fn the_not_in_journal_line_stays_with_its_save_and_goes_when_the_status_moves_on() {
    use common::app::{ctrl, loaded, saving, screen_at};
    let mut app = loaded();
    let (generation, _) = saving(&mut app);
    let mut stored = common::ada();
    stored.email = "ada@new.example".into();
    let effects = app.update(Msg::Saved {
        generation,
        result: Ok(stored.clone()),
    });
    assert!(
        effects.iter().any(|e| matches!(e, Effect::Journal(_))),
        "{effects:?}"
    );
    app.update(Msg::NotJournalled(
        "cannot write /j/journal.jsonl: disk full".into(),
    ));
    // On a small terminal too, above the save's long status.
    let screen = screen_at(&app, 100, 24);
    assert!(screen.contains("Saved at"), "{screen}");
    assert!(
        screen.contains(
            "⚠ this save is not in the journal: cannot write /j/journal.jsonl: disk full"
        ),
        "{screen}"
    );
    // A keystroke does not hide it; a reload, whose status replaces the save's, does.
    common::app::type_text(&mut app, "x");
    assert!(app.not_journalled().is_some());
    app.update(common::app::key(KeyCode::Backspace));
    let effects = app.update(ctrl('r'));
    let [Effect::Load { generation, .. }] = effects[..] else {
        panic!("Ctrl-R reloads: {effects:?}");
    };
    app.update(Msg::Loaded {
        generation,
        result: Ok(stored),
    });
    assert!(matches!(app.status(), Status::Loaded));
    assert_eq!(app.not_journalled(), None);
    assert!(!screen_at(&app, 100, 30).contains("not in the journal"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn f3_says_when_the_journal_cannot_be_read_and_counts_unreadable_lines() {
    let server = DemoServer::start(0).await.unwrap();
    // A directory in the journal's place: F3 says so, naming it.
    let path = journal_in_the_way("unreadable");
    let ui = journalled(&server, Journal::new(&path)).await;
    ui.key(KeyCode::F(3));
    ui.wait_for("✗ No history to show: cannot read the journal")
        .await;
    assert!(ui.app().overlay().is_none());
    let Status::JournalUnreadable(reason) = ui.app().status().clone() else {
        panic!("{:?}", ui.app().status());
    };
    assert!(
        reason.starts_with(&format!("cannot read the journal {}: ", path.display())),
        "{reason}"
    );
    ui.finish().await;

    // A torn line among entries: the entries are listed and the line is counted.
    let dir = journal_dir("torn");
    let journal = Journal::new(dir.join("journal.jsonl"));
    let entry = Entry {
        at: "2026-01-01T10:00:00+00:00".into(),
        server: server.url(),
        contact_id: 1001,
        kind: "save".into(),
        fields: vec![FieldChange {
            field: "title".into(),
            before: "Before the torn line".into(),
            after: server.contact(1001).unwrap().title,
        }],
        ..Entry::default()
    };
    journal.append(&entry).unwrap();
    let mut text = std::fs::read_to_string(journal.path()).unwrap();
    text.push_str("{\"at\":\"2026-01-02T");
    std::fs::write(journal.path(), text).unwrap();
    let ui = journalled(&server, journal).await;
    open_history(&ui).await;
    let screen = ui.contents();
    assert!(
        screen.contains("⚠ 1 unreadable journal line skipped"),
        "{screen}"
    );
    assert!(screen.contains("Before the torn line"), "{screen}");
    ui.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn taking_a_save_back_sends_no_control_character_from_the_journal() {
    let server = DemoServer::start(0).await.unwrap();
    let now = server.contact(1001).unwrap();
    // A line written by something else: ESC, BEL and a right-to-left override.
    let dir = journal_dir("dirty");
    let path = dir.join("journal.jsonl");
    let line = serde_json::json!({
        "at": "2026-01-01T10:00:00+00:00",
        "server": server.url(),
        "contact_id": 1001,
        "kind": "save",
        "fields": [{"field": "title", "before": "Sales\u{1b}]0;owned\u{7}\u{202e}lanif", "after": now.title}],
    });
    std::fs::write(&path, format!("{line}\n")).unwrap();
    let ui = journalled(&server, Journal::new(&path)).await;
    open_history(&ui).await;
    ui.key(KeyCode::Char('u'));
    ui.wait_for("Put back the values from before the save")
        .await;
    assert_eq!(
        ui.app().form().unwrap().value(Field::Title),
        "Sales]0;ownedlanif"
    );
    ui.send_reviewed().await;
    ui.wait_for("Saved at").await;
    let puts = bodies(&server, "PUT");
    assert_eq!(puts.len(), 1);
    assert!(
        puts[0].contains(r#""title":"Sales]0;ownedlanif""#),
        "{}",
        puts[0]
    );
    assert_eq!(server.contact(1001).unwrap().title, "Sales]0;ownedlanif");
    ui.finish().await;
}

#[test]
fn a_create_in_the_history_is_listed_but_cannot_be_taken_back() {
    use common::app::{key, loaded, screen_at};
    let mut app = loaded();
    let effects = app.update(key(KeyCode::F(3)));
    assert_eq!(effects, vec![Effect::LoadHistory { id: 1001 }]);
    let change = |before: &str, after: &str| FieldChange {
        field: "title".into(),
        before: before.into(),
        after: after.into(),
    };
    let entry = |kind: &str, at: &str, change: FieldChange| Entry {
        at: at.into(),
        server: "https://api.example.test".into(),
        contact_id: 1001,
        kind: kind.into(),
        fields: vec![change],
        ..Entry::default()
    };
    app.update(Msg::History {
        id: 1001,
        entries: vec![
            entry(
                "save",
                "2026-01-02T10:00:00+00:00",
                change("Clerk", "Programmer"),
            ),
            entry("create", "2026-01-01T10:00:00+00:00", change("", "Clerk")),
        ],
        skipped: 0,
    });
    assert!(matches!(app.overlay(), Some(Overlay::History(_))));
    let screen = screen_at(&app, 100, 30);
    assert!(
        screen.contains("u put back the values before it"),
        "{screen}"
    );
    // On the create: u is not offered, the footer says why, and u does nothing.
    app.update(key(KeyCode::Down));
    let screen = screen_at(&app, 100, 30);
    assert!(
        screen.contains("a create cannot be taken back here"),
        "{screen}"
    );
    assert!(!screen.contains("put back the values"), "{screen}");
    assert!(app.update(key(KeyCode::Char('u'))).is_empty());
    assert!(matches!(app.overlay(), Some(Overlay::History(_))));
    assert!(!app.has_unsaved_changes(), "the form is not blanked");
    assert_eq!(app.form().unwrap().value(Field::Title), "Programmer");
    // The save above it still can be.
    app.update(key(KeyCode::Up));
    app.update(key(KeyCode::Char('u')));
    assert!(matches!(app.status(), Status::PutBack { .. }));
    assert_eq!(app.form().unwrap().value(Field::Title), "Clerk");
}
