//! End to end: the real binary in a pseudo-terminal, against the demo API on loopback.

mod common;
use common::pty::*;
use common::{bodies, requests_of};

use linq_contact::api::Contact;
use linq_contact::demo::{DemoServer, Fault};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edit_email_save_and_the_server_holds_exactly_that_change() {
    let (server, _state, mut s) = on_first_contact("email").await;
    let id = server.first_id();
    let before = server.contact(id).unwrap();
    let new_email = "changed.in.pty@example.org";
    set_field(&mut s, 2, new_email);
    review_and_save(&mut s);
    quit(&mut s);

    let after = server.contact(id).unwrap();
    assert_eq!(after.email, new_email);
    let mut expected = before.clone();
    expected.email = new_email.to_string();
    expected.updated_at = after.updated_at.clone();
    assert_eq!(after, expected, "something besides the e-mail changed");
    let puts = requests_of(&server, "PUT");
    assert_eq!(puts.len(), 1);
    assert_eq!(puts[0].path, format!("/api/partner/v2/contacts/{id}"));
    assert_eq!(
        puts[0].body,
        format!(r#"{{"contact":{{"email":"{new_email}"}}}}"#)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_token_exits_4_before_touching_the_terminal() {
    let mut s = Session::start(&["42"], &[]);
    assert_eq!(s.wait_exit(), 4);
    let text = s.contents();
    assert!(
        text.contains("no token for profile `default`: run `linq-contact auth login`"),
        "{text}"
    );
    assert!(text.contains("LINQ_INTEGRATION_TOKEN"), "{text}");
    // Said before the editor took the terminal: no switch to the alternate screen.
    assert!(!s.raw().contains("\x1b[?1049h"), "{:?}", s.raw());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_id_exits_2_with_a_clear_message() {
    let mut s = Session::start(&["abc"], &[("LINQ_INTEGRATION_TOKEN", "t0ken-x")]);
    assert_eq!(s.wait_exit(), 2);
    assert!(
        s.contents()
            .contains("is not an id, an e-mail or a phone number"),
        "{}",
        s.contents()
    );
}

fn puts(server: &DemoServer) -> Vec<String> {
    bodies(server, "PUT")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hang_up_keeps_the_draft_and_the_next_launch_restores_and_saves_it() {
    let (server, state, mut s) = on_first_contact("sighup").await;
    let id = server.first_id();
    set_title(&mut s, "Typed before the line dropped");
    signal(&s, "-HUP");
    assert_ne!(s.wait_exit(), 0);
    assert!(puts(&server).is_empty(), "a hang-up must not send anything");
    let (draft, _) = the_draft(&state);

    let mut s = editor(&server, &state, id);
    s.wait_for("Unsent edits found");
    s.send("y");
    s.wait_for("Draft restored");
    s.wait_for("Typed before the line dropped");
    review_and_save(&mut s);
    quit(&mut s);
    assert_eq!(
        server.contact(id).unwrap().title,
        "Typed before the line dropped"
    );
    assert!(!draft.exists(), "a successful save must delete the draft");
}

/// The first contact open with my new title typed, and a colleague's `change` to it
/// stored on the server meanwhile.
async fn my_title_and_a_colleagues_change(
    name: &str,
    mine: &str,
    change: impl FnOnce(&mut Contact),
) -> (DemoServer, Session) {
    let (server, _state, mut s) = on_first_contact(name).await;
    set_title(&mut s, mine);
    let mut theirs = server.contact(server.first_id()).unwrap();
    change(&mut theirs);
    server.set_contact(theirs);
    (server, s)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_colleagues_change_to_another_field_survives_my_save() {
    let (server, mut s) = my_title_and_a_colleagues_change("merge", "Head of Things", |c| {
        c.location = "Changed by a colleague".into();
    })
    .await;
    let id = server.first_id();
    review_and_save(&mut s);
    quit(&mut s);
    let now = server.contact(id).unwrap();
    assert_eq!(now.title, "Head of Things");
    assert_eq!(now.location, "Changed by a colleague");
    assert_eq!(puts(&server).len(), 1);
    assert!(
        !puts(&server)[0].contains("location"),
        "{:?}",
        puts(&server)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_field_changed_by_a_colleague_is_a_conflict_until_overwrite() {
    let (server, mut s) =
        my_title_and_a_colleagues_change("conflict", "Mine", |c| c.title = "Theirs".into()).await;
    let id = server.first_id();
    s.send(CTRL_S);
    s.wait_for("Conflict: someone else changed this contact");
    s.send("\r");
    s.send("y");
    // Keys are handled in order, and `c` only copies while the review is open: had
    // Enter or y sent, the review would have closed and `c` would have been typed.
    s.send("c");
    s.send("\x1b");
    s.wait_for("Copied the curl command");
    assert!(puts(&server).is_empty(), "sent despite the conflict");
    // The conflict stands until it is settled: the next review shows it again.
    s.send(CTRL_S);
    s.wait_for("Conflict: someone else changed this contact");
    s.send("o");
    s.wait_for("Saved at");
    // One PUT only: had Enter or y sent, there would be two (or a conflict overwritten).
    assert_eq!(puts(&server).len(), 1, "sent despite the conflict");
    quit(&mut s);
    assert_eq!(server.contact(id).unwrap().title, "Mine");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_token_never_shows_on_screen_in_the_log_or_on_stderr() {
    let server = DemoServer::start(0).await.unwrap();
    let state = state_dir("secret");
    let secret = "SECRET-tok-4f9a-never-show";
    let id = server.first_id().to_string();
    let mut s = editor_at(&server.url(), secret, &state, &["--log-bodies", &id], &[]);
    s.wait_for("refused the token");
    assert!(!s.contents().contains(secret));
    quit(&mut s);
    // After exit the terminal shows what was printed to stdout and stderr.
    assert!(!s.contents().contains(secret));
    let log = log_of(&state);
    assert!(
        log.contains("status=401"),
        "the request was not logged:\n{log}"
    );
    assert!(!log.contains(secret), "token in the log:\n{log}");
    // The server did receive it: the test would be void if the token were never sent.
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_http_to_a_remote_host_is_refused_before_sending() {
    let mut s = Session::start(
        &["--api-url", "http://api.example.com", "7"],
        &[("LINQ_INTEGRATION_TOKEN", "t0ken-x")],
    );
    assert_eq!(s.wait_exit(), 2);
    let text = s.contents();
    assert!(
        text.contains("refusing to send the token over plain http://"),
        "{text}"
    );
    assert!(!text.contains("t0ken-x"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn opens_by_email_or_phone_from_the_command_line() {
    let server = DemoServer::start(0).await.unwrap();
    let url = server.url();
    let env = [
        ("LINQ_API_URL", url.as_str()),
        ("LINQ_INTEGRATION_TOKEN", server.token()),
    ];
    let mut s = Session::start(&["samira.okafor@example.org"], &env);
    s.wait_for("Loaded contact 1003");
    quit(&mut s);
    let mut s = Session::start(&["(555) 010-2000"], &env);
    s.wait_for("Loaded contact 1002");
    quit(&mut s);
}

/// The editor opening the first contact of a demo whose next `count` answers are `fault`.
async fn through_faults(name: &str, count: usize, fault: Fault) -> (DemoServer, Session) {
    let server = DemoServer::start(0).await.unwrap();
    server.fail_next(count, fault);
    let state = state_dir(name);
    let s = editor(&server, &state, server.first_id());
    (server, s)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_retry_through_server_errors_and_say_so() {
    let (server, mut s) = through_faults("retry", 2, Fault::ServerError).await;
    s.wait_for("retrying in");
    s.wait_for(&format!("Loaded contact {}", server.first_id()));
    quit(&mut s);
    let gets = requests_of(&server, "GET").len();
    assert_eq!(gets, 3, "two failures, then the read that worked");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_save_is_checked_and_the_edit_kept() {
    let (server, _state, mut s) = on_first_contact("cancel").await;
    let id = server.first_id();
    set_title(&mut s, "Never arrives");
    s.send(CTRL_S);
    s.wait_for("Review: what will be sent");
    // The save's answer never finishes; the user gives up on it.
    server.fail_next_for("PUT", 1, Fault::Stall);
    s.send("\r");
    s.wait_for("Saving");
    s.send("\x1b");
    s.wait_for("Looking again in a few seconds");
    assert!(
        s.contents().contains("was not stored as of"),
        "{}",
        s.contents()
    );
    // The second look finds it still not stored, and says so without re-sending.
    s.wait_for("checks again; nothing is re-sent");
    assert!(
        s.contents().contains("● unsaved: Title"),
        "{}",
        s.contents()
    );
    discard_and_quit(&mut s);
    assert_ne!(server.contact(id).unwrap().title, "Never arrives");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversized_answer_is_a_readable_error() {
    let (_server, mut s) = through_faults("oversized", 1, Fault::Oversized).await;
    s.wait_for("larger than 1 MiB");
    quit(&mut s);
}
