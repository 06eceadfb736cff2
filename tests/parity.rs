//! One truth for both front ends: each class of answer to a save is sent through the
//! editor (its real event loop) and through `set` (the real binary), against the demo
//! API on loopback, and both must reach the same outcome: which fields the server
//! holds, which are still to be saved, how many PUTs went out, and what the journal
//! records.

mod common;
use common::cli::World;
use common::looped::{Looped, session};

use crossterm::event::KeyCode;
use linq_contact::api::LinqClient;
use linq_contact::demo::{DemoServer, Fault};
use linq_contact::form::Field;
use linq_contact::journal::Journal;
use linq_contact::secret::Token;
use linq_contact::target::Target;
use std::collections::BTreeSet;
use std::time::Duration;

const TITLE: &str = "Head of Parity";
const COMPANY: &str = "Parity Works";

/// What an answer class arms on a fresh demo before the save.
type Arm = fn(&DemoServer);

/// The outcome both front ends must reach.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Outcome {
    /// API names of the sent fields the server now holds as sent.
    stored: BTreeSet<&'static str>,
    /// API names of the sent fields still to be saved.
    unsaved: BTreeSet<&'static str>,
    puts: usize,
    /// API names of the fields the journal entry records as changed (none: no entry).
    journaled: BTreeSet<String>,
}

fn names(list: &[&'static str]) -> BTreeSet<&'static str> {
    list.iter().copied().collect()
}

fn expect(stored: &[&'static str], unsaved: &[&'static str], puts: usize) -> Outcome {
    Outcome {
        stored: names(stored),
        unsaved: names(unsaved),
        puts,
        journaled: stored.iter().map(|s| s.to_string()).collect(),
    }
}

/// Which of title and company the demo holds as sent.
fn held(demo: &DemoServer, id: u64) -> BTreeSet<&'static str> {
    let c = demo.contact(id).unwrap();
    let mut out = BTreeSet::new();
    if c.title == TITLE {
        out.insert("title");
    }
    if c.company == COMPANY {
        out.insert("company");
    }
    out
}

fn puts(demo: &DemoServer) -> usize {
    demo.requests().iter().filter(|r| r.method == "PUT").count()
}

/// The fields the journal's one entry (if any) changed.
fn journaled(journal: &Journal, server: &str) -> BTreeSet<String> {
    let entries = journal.entries(server, None).unwrap().entries;
    assert!(entries.len() <= 1, "{entries:?}");
    entries
        .iter()
        .flat_map(|e| e.fields.iter())
        .filter(|f| f.before != f.after)
        .map(|f| f.field.clone())
        .collect()
}

fn through_the_editor(w: &World, arm: Arm, timeout: Duration) -> Outcome {
    w.rt.block_on(async {
        let demo = DemoServer::start(0).await.unwrap();
        let id = demo.first_id();
        let journal = Journal::new(w.dir.join("editor-journal.jsonl"));
        let mut s = session(&demo.url(), demo.token(), Target::Id(id));
        s.client = LinqClient::new(&demo.url(), Token::new(demo.token()), timeout).unwrap();
        s.journal = Some(journal.clone());
        let ui = Looped::run(s);
        ui.wait_for(&format!("Loaded contact {id}")).await;
        ui.replace_field(4, COMPANY);
        ui.replace_field(1, TITLE);
        arm(&demo);
        ui.send_reviewed().await;
        ui.wait_until("the save's outcome", || {
            puts(&demo) > 0 && !ui.app().is_busy()
        })
        .await;
        let app = ui.app();
        let form = app.form().unwrap();
        let unsaved = form
            .dirty_fields()
            .into_iter()
            .map(Field::api_name)
            .collect();
        let sent = puts(&demo);
        let stored = held(&demo, id);
        ui.finish().await;
        Outcome {
            stored,
            unsaved,
            puts: sent,
            journaled: journaled(&journal, &demo.url()),
        }
    })
}

fn through_set(w: &World, arm: Arm, timeout: Duration) -> Outcome {
    let demo = w.demo();
    let id = demo.first_id();
    arm(&demo);
    let id_arg = id.to_string();
    let title = format!("title={TITLE}");
    let company = format!("company={COMPANY}");
    let timeout = timeout.as_secs().to_string();
    let run = w.run(
        &demo.url(),
        &[
            "set",
            &id_arg,
            &title,
            &company,
            "--yes",
            "--timeout",
            &timeout,
        ],
    );
    let stored = held(&demo, id);
    // What `set` leaves unsaved: every sent field the server does not hold. It must say
    // so by failing, and name them where some were stored.
    let unsaved: BTreeSet<&'static str> = names(&["title", "company"])
        .difference(&stored)
        .copied()
        .collect();
    assert_eq!(
        run.code == Some(0),
        unsaved.is_empty(),
        "exit code against what was stored: {run:?}"
    );
    if !unsaved.is_empty() && !stored.is_empty() {
        let named = unsaved.iter().copied().collect::<Vec<_>>().join(", ");
        run.err_has(&format!("not stored: {named}"));
    }
    let journal = Journal::new(w.journal_path());
    Outcome {
        stored,
        unsaved,
        puts: puts(&demo),
        journaled: journaled(&journal, &demo.url()),
    }
}

fn both(arm: Arm, timeout: Duration, expected: Outcome) {
    let w = World::new();
    let editor = through_the_editor(&w, arm, timeout);
    let cli = through_set(&w, arm, timeout);
    assert!(
        editor == expected && cli == expected,
        "expected {expected:?}\n the editor: {editor:?}\n        set: {cli:?}"
    );
}

const SLOW: Duration = Duration::from_secs(10);

#[test]
fn a_2xx_that_stored_everything() {
    both(|_| {}, SLOW, expect(&["title", "company"], &[], 1));
}

#[test]
fn a_2xx_that_dropped_a_field() {
    both(
        |d| assert!(d.drop_field_next("company")),
        SLOW,
        expect(&["title"], &["company"], 1),
    );
}

#[test]
fn a_partial_store_then_a_5xx() {
    both(
        |d| {
            assert!(d.drop_field_next("company"));
            d.fail_next_for("PUT", 1, Fault::StoredThenServerError);
        },
        SLOW,
        expect(&["title"], &["company"], 1),
    );
}

#[test]
fn a_4xx_refusal() {
    both(
        |d| d.fail_next_for("PUT", 1, Fault::Forbidden),
        SLOW,
        expect(&[], &["title", "company"], 1),
    );
}

#[test]
fn a_422_refusal() {
    both(
        |d| {
            d.fail_next_for(
                "PUT",
                1,
                Fault::FieldError {
                    field: "title".into(),
                    message: "is too long".into(),
                },
            )
        },
        SLOW,
        expect(&[], &["title", "company"], 1),
    );
}

#[test]
fn a_429_with_retry_after_is_waited_out_and_sent_once_more() {
    both(
        |d| {
            d.fail_next_for(
                "PUT",
                1,
                Fault::TooManyRequests {
                    retry_after_secs: 1,
                },
            )
        },
        SLOW,
        expect(&["title", "company"], &[], 2),
    );
}

#[test]
fn a_5xx_after_the_store() {
    both(
        |d| d.fail_next_for("PUT", 1, Fault::StoredThenServerError),
        SLOW,
        expect(&["title", "company"], &[], 1),
    );
}

#[test]
fn a_5xx_before_the_store() {
    both(
        |d| d.fail_next_for("PUT", 1, Fault::ServerError),
        SLOW,
        expect(&[], &["title", "company"], 1),
    );
}

#[test]
fn a_timeout() {
    both(
        |d| d.fail_next_for("PUT", 1, Fault::Stall),
        Duration::from_secs(2),
        expect(&[], &["title", "company"], 1),
    );
}

#[test]
fn a_dropped_connection() {
    both(
        |d| d.fail_next_for("PUT", 1, Fault::Hangup),
        SLOW,
        expect(&[], &["title", "company"], 1),
    );
}

#[test]
fn a_record_of_another_contact() {
    both(
        |d| d.fail_next_for("PUT", 1, Fault::OtherRecord),
        SLOW,
        expect(&[], &["title", "company"], 1),
    );
}

// ---------------------------------------------------------------------------- create

const NEW_EMAIL: &str = "parity.new@example.com";

/// What both front ends must reach for a create.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Created {
    /// Contacts on the server holding the new e-mail.
    made: usize,
    posts: usize,
    /// Journal entries of kind "create".
    journaled: usize,
}

fn holding_the_email(demo: &DemoServer) -> usize {
    (demo.first_id()..=demo.last_id())
        .filter_map(|id| demo.contact(id))
        .filter(|c| c.email == NEW_EMAIL)
        .count()
}

fn creates_in(journal: &Journal, server: &str) -> usize {
    journal
        .entries(server, None)
        .unwrap()
        .entries
        .iter()
        .filter(|e| e.kind == "create")
        .count()
}

fn posts_to(demo: &DemoServer) -> usize {
    demo.requests()
        .iter()
        .filter(|r| r.method == "POST")
        .count()
}

fn create_in_the_editor(w: &World, arm: Arm) -> Created {
    w.rt.block_on(async {
        let demo = DemoServer::start(0).await.unwrap();
        let journal = Journal::new(w.dir.join("editor-journal.jsonl"));
        let mut s = session(&demo.url(), demo.token(), Target::Id(demo.first_id()));
        s.journal = Some(journal.clone());
        let ui = Looped::run(s);
        ui.wait_for("Loaded contact").await;
        ui.ctrl('n');
        ui.wait_for("linq-contact · new contact").await;
        ui.type_text("Parity");
        ui.replace_field(2, NEW_EMAIL);
        ui.ctrl('s');
        ui.wait_for("Review: the new contact").await;
        arm(&demo);
        ui.key(KeyCode::Enter);
        ui.wait_until("the create's outcome", || {
            posts_to(&demo) > 0 && !ui.app().is_busy()
        })
        .await;
        let outcome = Created {
            made: holding_the_email(&demo),
            posts: posts_to(&demo),
            journaled: 0,
        };
        ui.finish().await;
        Created {
            journaled: creates_in(&journal, &demo.url()),
            ..outcome
        }
    })
}

fn create_with_the_command(w: &World, arm: Arm) -> Created {
    let demo = w.demo();
    arm(&demo);
    let email = format!("email={NEW_EMAIL}");
    let run = w.run(
        &demo.url(),
        &["create", "first_name=Parity", &email, "--yes"],
    );
    let made = holding_the_email(&demo);
    assert_eq!(run.code == Some(0), made == 1, "{run:?}");
    Created {
        made,
        posts: posts_to(&demo),
        journaled: creates_in(&Journal::new(w.journal_path()), &demo.url()),
    }
}

fn both_create(arm: Arm, expected: Created) {
    let w = World::new();
    let editor = create_in_the_editor(&w, arm);
    let cli = create_with_the_command(&w, arm);
    assert!(
        editor == expected && cli == expected,
        "expected {expected:?}\n the editor: {editor:?}\n     create: {cli:?}"
    );
}

#[test]
fn a_201_creates_once() {
    both_create(
        |_| {},
        Created {
            made: 1,
            posts: 1,
            journaled: 1,
        },
    );
}

#[test]
fn a_create_stored_then_answered_500_is_found_not_posted_again() {
    both_create(
        |d| d.fail_next_for("POST", 1, Fault::StoredThenServerError),
        Created {
            made: 1,
            posts: 1,
            journaled: 1,
        },
    );
}

#[test]
fn a_create_answered_500_before_storing_is_not_posted_again() {
    both_create(
        |d| d.fail_next_for("POST", 1, Fault::ServerError),
        Created {
            made: 0,
            posts: 1,
            journaled: 0,
        },
    );
}

#[test]
fn a_create_told_to_wait_is_sent_once_more() {
    both_create(
        |d| {
            d.fail_next_for(
                "POST",
                1,
                Fault::TooManyRequests {
                    retry_after_secs: 1,
                },
            )
        },
        Created {
            made: 1,
            posts: 2,
            journaled: 1,
        },
    );
}

#[test]
fn a_refused_create_makes_nothing() {
    both_create(
        |d| d.fail_next_for("POST", 1, Fault::Forbidden),
        Created {
            made: 0,
            posts: 1,
            journaled: 0,
        },
    );
}
