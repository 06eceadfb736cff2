//! End to end on the wire: the real binary in a pseudo-terminal against a misbehaving
//! server (rate limits, failed and slow saves, bodies echoing the token) and a hostile
//! session (signals, a panic, a terminal that never answers queries).

mod common;
use common::pty::*;
use common::requests_of;

use linq_contact::demo::{DemoServer, Fault};
use std::path::PathBuf;
use std::time::Duration;

fn contact_path(id: u64) -> String {
    format!("/api/partner/v2/contacts/{id}")
}

/// The exact body a title change sends: the API wants an identity field in every
/// update, so the loaded first name goes along unchanged.
fn title_body(server: &DemoServer, id: u64, title: &str) -> String {
    let first = server.contact(id).unwrap().first_name;
    assert!(
        !first.is_empty(),
        "the seed's first contact has a first name"
    );
    format!(
        r#"{{"contact":{{"first_name":{},"title":{}}}}}"#,
        serde_json::to_string(&first).unwrap(),
        serde_json::to_string(title).unwrap()
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rate_limited_read_waits_as_told_then_loads() {
    let server = DemoServer::start(0).await.unwrap();
    let id = server.first_id();
    // Two seconds rather than one: the default backoff before a second attempt is half a
    // second, which also shows as "1s", so only a longer wait proves Retry-After is read.
    server.fail_next_for(
        "GET",
        1,
        Fault::TooManyRequests {
            retry_after_secs: 2,
        },
    );
    let state = state_dir("wire-429");
    let mut s = editor(&server, &state, id);
    s.wait_for("HTTP 429");
    s.wait_for("retrying in 2s");
    s.wait_for("retrying in 1s");
    s.wait_for(&format!("Loaded contact {id}"));
    quit(&mut s);
    let gets: Vec<String> = requests_of(&server, "GET")
        .into_iter()
        .map(|r| r.path)
        .collect();
    assert_eq!(gets, vec![contact_path(id), contact_path(id)]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_save_answered_500_is_verified_by_reading_never_sent_twice() {
    let (server, _state, mut s) = on_first_contact("wire-500").await;
    let id = server.first_id();
    let title = "Sent exactly once";
    let expected = title_body(&server, id, title);
    set_title(&mut s, title);
    s.send(CTRL_S);
    s.wait_for("Review: what will be sent");
    server.fail_next_for("PUT", 1, Fault::ServerError);
    s.send(ENTER);
    // The first look after the failure: not there (yet), and a second look is coming.
    s.wait_for("was not stored as of");
    s.wait_for("Looking again in a few seconds; nothing is re-sent.");
    // The second look is the last thing the editor does on its own.
    s.wait_for("checks again; nothing is re-sent");
    let screen = s.contents();
    assert!(
        screen.contains("HTTP 500"),
        "the reason is named:\n{screen}"
    );
    assert!(
        !screen.contains("Save failed"),
        "a 500 may have been stored: not a plain failure:\n{screen}"
    );
    assert!(screen.contains("● unsaved: Title"), "{screen}");

    // Load, check before the review, check before sending, the PUT, then two reads to
    // see whether it landed, and nothing sent again.
    let methods: Vec<String> = server.requests().into_iter().map(|r| r.method).collect();
    assert_eq!(methods, ["GET", "GET", "GET", "PUT", "GET", "GET"]);
    let puts = requests_of(&server, "PUT");
    assert_eq!(puts[0].path, contact_path(id));
    assert_eq!(puts[0].body, expected);
    assert_ne!(server.contact(id).unwrap().title, title);
    discard_and_quit(&mut s);
}

/// Types `title` (in raw mode, on the editor's screen), then `stop`s the editor: it ends
/// with `code`, leaves the terminal as the shell wants it again, and the normal screen
/// reads `says`.
#[track_caller]
fn typed_then_stopped(
    s: &mut Session,
    title: &str,
    stop: impl FnOnce(&mut Session),
    code: u32,
    says: &str,
) {
    set_title(s, title);
    assert!(s.on_alternate_screen() && !s.line_mode_cooked());
    stop(s);
    assert_eq!(s.wait_exit(), code, "screen:\n{}", s.contents());
    assert!(!s.on_alternate_screen(), "still on the editor's screen");
    assert!(!s.cursor_hidden_or_paste_on());
    assert!(s.line_mode_cooked(), "the terminal was left in raw mode");
    assert!(
        s.contents().contains(says),
        "{says:?} is not readable on the normal screen:\n{}",
        s.contents()
    );
}

/// The one draft under `state` is contact `id`'s, with `title` typed.
#[track_caller]
fn assert_draft_holds(state: &std::path::Path, id: u64, title: &str) {
    let (_, draft) = the_draft(state);
    assert_eq!(draft.contact_id, id);
    assert_eq!(draft.values.get("title").map(String::as_str), Some(title));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_keeps_the_draft_and_restores_the_terminal() {
    let (server, state, mut s) = on_first_contact("wire-sigterm").await;
    let id = server.first_id();
    let title = "Typed before the kill";
    typed_then_stopped(
        &mut s,
        title,
        |s| signal(s, "-TERM"),
        1,
        "stopped by a terminate signal",
    );
    assert!(
        requests_of(&server, "PUT").is_empty(),
        "a kill sends nothing"
    );
    assert_draft_holds(&state, id, title);

    let mut s = editor(&server, &state, id);
    s.wait_for("Unsent edits found");
    s.wait_for("Restore the edits to Title");
    s.send("y");
    s.wait_for("Draft restored");
    s.wait_for(title);
    discard_and_quit(&mut s);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panic_keeps_the_draft_and_restores_the_terminal() {
    let server = DemoServer::start(0).await.unwrap();
    let id = server.first_id();
    let state = state_dir("wire-panic");
    let title = "Typed before the crash";
    let mut s = editor_at(
        &server.url(),
        server.token(),
        &state,
        &[&id.to_string()],
        &[
            ("LINQ_CONTACT_CRASH_DRILL", "1"),
            // A backtrace would scroll the panic message off the 24 rows checked below.
            ("RUST_BACKTRACE", "0"),
        ],
    );
    s.wait_for(&format!("Loaded contact {id}"));
    // A panic's exit code is 101.
    typed_then_stopped(&mut s, title, |s| s.send(F12), 101, "crash drill");

    assert_draft_holds(&state, id, title);
    let mut s = editor(&server, &state, id);
    s.wait_for("Unsent edits found");
    s.send("n");
    quit(&mut s);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_l_repaints_without_asking_a_terminal_that_never_answers() {
    let (server, _state, mut s) = on_first_contact("wire-ctrl-l").await;
    set_title(&mut s, "Before the repaint");
    // Something else writes over the editor; only a full repaint removes it.
    let stray = "STRAY-WRITE-FROM-ELSEWHERE";
    s.scribble(&format!("\x1b[2;30H{stray}"));
    assert!(s.contents().contains(stray));
    s.send(CTRL_L);
    s.send(" and after");
    s.wait_for("Before the repaint and after");
    wait_until("the repaint removed the stray text", || {
        !s.contents().contains(stray)
    });
    assert!(
        s.contents().contains("● unsaved: Title"),
        "{}",
        s.contents()
    );
    discard_and_quit(&mut s);
    assert!(requests_of(&server, "PUT").is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logged_bodies_never_hold_the_token_even_when_the_server_echoes_it() {
    use wiremock::matchers::{header, method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let token = "tok-E2E-echoed-5b7d21c9";
    let mock = MockServer::start().await;
    let contact = serde_json::json!({
        "id": 5,
        "first_name": "Echo",
        "last_name": "Chamber",
        "full_name": "Echo Chamber",
        "email": "echo.chamber@example.org",
        "phone_number": "+15550105000",
        "company": format!("Reflections ({token})"),
        "title": token,
        "location": "Loopback",
        "created_at": "2025-07-30T10:00:00.000-05:00",
        "updated_at": "2025-07-30T10:00:00.000-05:00",
    });
    Mock::given(method("GET"))
        .and(path("/api/partner/v2/contacts/5"))
        .and(header("x-linq-integration-token", token))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(serde_json::json!({"data": contact})),
        )
        .expect(1)
        .mount(&mock)
        .await;
    let state = state_dir("wire-log-bodies");
    let mut s = editor_at(&mock.uri(), token, &state, &["--log-bodies", "5"], &[]);
    s.wait_for("Loaded contact 5");
    quit(&mut s);

    let log = log_of(&state);
    let body_line = log
        .lines()
        .find(|l| l.contains("response body"))
        .unwrap_or_else(|| panic!("no response body logged:\n{log}"));
    assert!(
        body_line.contains("echo.chamber@example.org"),
        "the body itself is logged: {body_line}"
    );
    assert!(body_line.contains("<redacted>"), "{body_line}");
    assert!(!log.contains(token), "token in the log:\n{log}");
}

/// Opens the first contact, changes its title, opens the review and slows the demo so
/// that the save is still out when the test acts; once the PUT has arrived, quits and
/// returns with the question about the save in flight on screen.
async fn quit_during_a_slow_save(name: &str, title: &str) -> (DemoServer, PathBuf, Session) {
    let (server, state, mut s) = on_first_contact(name).await;
    set_title(&mut s, title);
    s.send(CTRL_S);
    s.wait_for("Review: what will be sent");
    // Slows the check before sending too; what matters is that the PUT outlasts the
    // few keys the test sends while it is out.
    server.set_latency(Duration::from_secs(4));
    s.send(ENTER);
    s.wait_for("Saving");
    wait_until("the PUT reached the demo", || {
        !requests_of(&server, "PUT").is_empty()
    });
    s.send(CTRL_Q);
    s.wait_for("A save is in flight");
    (server, state, s)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quitting_during_a_slow_save_asks_and_leaving_logs_the_put_as_aborted() {
    let title = "Abandoned on its way";
    let (server, state, mut s) = quit_during_a_slow_save("wire-abort", title).await;
    let id = server.first_id();
    s.wait_for("wait (default)");
    s.send("l");
    // The save is dropped, the edit is not: leaving still asks about it.
    s.wait_for("Discard them and quit?");
    s.send("y");
    assert_eq!(s.wait_exit(), 0, "screen:\n{}", s.contents());
    let puts = requests_of(&server, "PUT");
    assert_eq!(puts.len(), 1);
    assert_eq!(puts[0].body, title_body(&server, id, title));
    let log = log_of(&state);
    let aborted: Vec<&str> = log.lines().filter(|l| l.contains("aborted")).collect();
    assert_eq!(aborted.len(), 1, "log:\n{log}");
    assert!(
        aborted[0].contains(&format!("PUT contact {id}")),
        "{}",
        aborted[0]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enter_in_the_save_in_flight_question_waits_and_the_save_completes() {
    let title = "Waited for";
    let (server, state, mut s) = quit_during_a_slow_save("wire-wait", title).await;
    let id = server.first_id();
    s.send(ENTER);
    // Had Enter left, "Discard them and quit?" would stand and hold the answer back.
    s.wait_for("Saved at");
    assert!(!s.contents().contains("Discard them"), "{}", s.contents());
    assert_eq!(server.contact(id).unwrap().title, title);
    // Nothing unsaved is left, so quitting asks nothing.
    quit(&mut s);
    assert_eq!(requests_of(&server, "PUT").len(), 1);
    let log = log_of(&state);
    assert!(
        !log.contains("aborted"),
        "a completed save is not aborted:\n{log}"
    );
}

/// Ctrl-N: the empty form of a new contact.
fn new_contact(s: &mut Session) {
    s.send("\x0e");
    s.wait_for("new contact");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_n_creates_a_contact_end_to_end_and_journals_it() {
    let (server, state, mut s) = on_first_contact("create").await;
    let next = server.last_id() + 1;
    new_contact(&mut s);
    s.send("Pty");
    set_field(&mut s, 2, "pty.created@example.com");
    s.send(CTRL_S);
    s.wait_for("Review: the new contact");
    s.send(ENTER);
    s.wait_for(&format!("Created contact {next}"));
    quit(&mut s);
    let created = server.contact(next).unwrap();
    assert_eq!(created.email, "pty.created@example.com");
    let posts = requests_of(&server, "POST");
    assert_eq!(posts.len(), 1);
    assert_eq!(
        posts[0].body,
        r#"{"contact":{"first_name":"Pty","email":"pty.created@example.com"}}"#
    );
    let journal = std::fs::read_to_string(state.join("linq-contact/journal.jsonl")).unwrap();
    assert_eq!(journal.lines().count(), 1, "{journal}");
    assert!(journal.contains("\"kind\":\"create\""), "{journal}");
    assert!(!journal.contains(server.token()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_during_a_create_leaves_no_draft_to_create_it_twice() {
    let (server, state, mut s) = on_first_contact("create-sigterm").await;
    new_contact(&mut s);
    // Names only: nothing to look the contact up by, before or after.
    s.send("Nameonly");
    s.wait_for("Nameonly");
    s.send(CTRL_S);
    s.wait_for("Review: the new contact");
    server.set_latency(Duration::from_secs(30));
    s.send(ENTER);
    s.wait_for("Creating the contact");
    signal(&s, "-TERM");
    assert_eq!(s.wait_exit(), 1, "screen:\n{}", s.contents());
    assert_eq!(requests_of(&server, "POST").len(), 1);
    // The POST may have created the contact: a draft of it, restored, would post again.
    let drafts = state.join("linq-contact/drafts");
    let left: Vec<_> = std::fs::read_dir(&drafts)
        .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "{left:?}");
}
