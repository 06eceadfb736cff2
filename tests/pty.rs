//! End to end: the real binary in a pseudo-terminal, against the demo API on loopback.

mod common;
use common::bodies;
use common::pty::*;

use linq_contact::demo::DemoServer;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edit_email_save_and_the_server_holds_exactly_that_change() {
    let server = DemoServer::start(0).await.unwrap();
    let id = server.first_id();
    let before = server.contact(id).unwrap();
    let url = server.url();
    let new_email = "changed.in.pty@example.org";
    let id_arg = id.to_string();

    let mut s = Session::start(
        &[&id_arg],
        &[
            ("LINQ_API_URL", &url),
            ("LINQ_INTEGRATION_TOKEN", server.token()),
        ],
    );
    s.wait_for(&format!("Loaded contact {id}"));
    s.send(DOWN);
    s.send(DOWN);
    s.send(CTRL_U);
    s.send(new_email);
    s.wait_for(new_email);
    s.send(CTRL_S);
    s.wait_for("Review: what will be sent");
    s.send("\r");
    s.wait_for("Saved at");
    s.send(CTRL_Q);
    assert_eq!(s.wait_exit(), 0, "screen:\n{}", s.contents());

    let after = server.contact(id).unwrap();
    assert_eq!(after.email, new_email);
    let mut expected = before.clone();
    expected.email = new_email.to_string();
    expected.updated_at = after.updated_at.clone();
    assert_eq!(after, expected, "something besides the e-mail changed");
    let puts: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.method == "PUT")
        .collect();
    assert_eq!(puts.len(), 1);
    assert_eq!(puts[0].path, format!("/api/partner/v2/contacts/{id}"));
    assert_eq!(
        puts[0].body,
        format!(r#"{{"contact":{{"email":"{new_email}"}}}}"#)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_token_exits_2_before_touching_the_terminal() {
    let mut s = Session::start(&["42"], &[]);
    assert_eq!(s.wait_exit(), 2);
    let text = s.contents();
    assert!(text.contains("LINQ_INTEGRATION_TOKEN"), "{text}");
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
    use std::os::unix::fs::PermissionsExt;
    let server = DemoServer::start(0).await.unwrap();
    let id = server.first_id();
    let state = state_dir("sighup");

    let mut s = editor(&server, &state, id);
    s.wait_for(&format!("Loaded contact {id}"));
    set_title(&mut s, "Typed before the line dropped");
    let status = std::process::Command::new("kill")
        .args(["-HUP", &s.pid().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    assert_ne!(s.wait_exit(), 0);
    assert!(puts(&server).is_empty(), "a hang-up must not send anything");
    let drafts: Vec<_> = std::fs::read_dir(state.join("linq-contact/drafts"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(drafts.len(), 1, "{drafts:?}");
    let mode = std::fs::metadata(&drafts[0]).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);

    let mut s = editor(&server, &state, id);
    s.wait_for("Unsent edits found");
    s.send("y");
    s.wait_for("Draft restored");
    s.wait_for("Typed before the line dropped");
    s.send(CTRL_S);
    s.wait_for("Review: what will be sent");
    s.send("\r");
    s.wait_for("Saved at");
    s.send(CTRL_Q);
    assert_eq!(s.wait_exit(), 0);
    assert_eq!(
        server.contact(id).unwrap().title,
        "Typed before the line dropped"
    );
    assert!(
        !drafts[0].exists(),
        "a successful save must delete the draft"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_colleagues_change_to_another_field_survives_my_save() {
    let server = DemoServer::start(0).await.unwrap();
    let id = server.first_id();
    let state = state_dir("merge");
    let mut s = editor(&server, &state, id);
    s.wait_for(&format!("Loaded contact {id}"));
    set_title(&mut s, "Head of Things");
    let mut theirs = server.contact(id).unwrap();
    theirs.location = "Changed by a colleague".into();
    server.set_contact(theirs);
    s.send(CTRL_S);
    s.wait_for("Review: what will be sent");
    s.send("\r");
    s.wait_for("Saved at");
    s.send(CTRL_Q);
    assert_eq!(s.wait_exit(), 0);
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
    let server = DemoServer::start(0).await.unwrap();
    let id = server.first_id();
    let state = state_dir("conflict");
    let mut s = editor(&server, &state, id);
    s.wait_for(&format!("Loaded contact {id}"));
    set_title(&mut s, "Mine");
    let mut theirs = server.contact(id).unwrap();
    theirs.title = "Theirs".into();
    server.set_contact(theirs);
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
    s.send(CTRL_Q);
    assert_eq!(s.wait_exit(), 0);
    assert_eq!(server.contact(id).unwrap().title, "Mine");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_token_never_shows_on_screen_in_the_log_or_on_stderr() {
    let server = DemoServer::start(0).await.unwrap();
    let state = state_dir("secret");
    let secret = "SECRET-tok-4f9a-never-show";
    let url = server.url();
    let state_str = state.to_str().unwrap().to_string();
    let mut s = Session::start(
        &["--log-bodies", &server.first_id().to_string()],
        &[
            ("LINQ_API_URL", &url),
            ("LINQ_INTEGRATION_TOKEN", secret),
            ("XDG_STATE_HOME", &state_str),
        ],
    );
    s.wait_for("refused the token");
    assert!(!s.contents().contains(secret));
    s.send(CTRL_Q);
    assert_eq!(s.wait_exit(), 0);
    // After exit the terminal shows what was printed to stdout and stderr.
    assert!(!s.contents().contains(secret));
    let log = std::fs::read_to_string(state.join("linq-contact/linq-contact.log")).unwrap();
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
    s.send(CTRL_Q);
    assert_eq!(s.wait_exit(), 0);
    let mut s = Session::start(&["(555) 010-2000"], &env);
    s.wait_for("Loaded contact 1002");
    s.send(CTRL_Q);
    assert_eq!(s.wait_exit(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_retry_through_server_errors_and_say_so() {
    use linq_contact::demo::Fault;
    let server = DemoServer::start(0).await.unwrap();
    server.fail_next(2, Fault::ServerError);
    let state = state_dir("retry");
    let mut s = editor(&server, &state, server.first_id());
    s.wait_for("retrying in");
    s.wait_for(&format!("Loaded contact {}", server.first_id()));
    s.send(CTRL_Q);
    assert_eq!(s.wait_exit(), 0);
    let gets = server
        .requests()
        .iter()
        .filter(|r| r.method == "GET")
        .count();
    assert_eq!(gets, 3, "two failures, then the read that worked");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_save_is_checked_and_the_edit_kept() {
    use linq_contact::demo::Fault;
    let server = DemoServer::start(0).await.unwrap();
    let id = server.first_id();
    let state = state_dir("cancel");
    let mut s = editor(&server, &state, id);
    s.wait_for(&format!("Loaded contact {id}"));
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
    s.send(CTRL_Q);
    s.wait_for("Discard them and quit?");
    s.send("y");
    assert_eq!(s.wait_exit(), 0);
    assert_ne!(server.contact(id).unwrap().title, "Never arrives");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversized_answer_is_a_readable_error() {
    use linq_contact::demo::Fault;
    let server = DemoServer::start(0).await.unwrap();
    server.fail_next(1, Fault::Oversized);
    let state = state_dir("oversized");
    let mut s = editor(&server, &state, server.first_id());
    s.wait_for("larger than 1 MiB");
    s.send(CTRL_Q);
    assert_eq!(s.wait_exit(), 0);
}
