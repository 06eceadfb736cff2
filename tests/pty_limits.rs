//! End to end under hostile surroundings: the real binary in a pseudo-terminal, with a
//! log that cannot be written and token commands that leave processes behind.

mod common;
use common::pty::{Session, editor};

use linq_contact::demo::DemoServer;
use std::path::{Path, PathBuf};
use std::time::Duration;

const CTRL_Q: &str = "\x11";
const F1: &str = "\x1bOP";
const ESC: &str = "\x1b";
/// Only the help overlay says this.
const IN_HELP: &str = "readline editing";

/// A fresh directory for one test.
fn fresh_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("lc-pty-limits-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_log_on_a_full_disk_never_reaches_the_screen() {
    let server = DemoServer::start(0).await.unwrap();
    let id = server.first_id();
    let state = fresh_dir("full-disk");
    std::fs::create_dir_all(state.join("linq-contact")).unwrap();
    // Every write to the log fails with "No space left on device".
    std::os::unix::fs::symlink("/dev/full", state.join("linq-contact/linq-contact.log")).unwrap();
    let mut session = editor(&server, &state, id);
    session.wait_for(&format!("Loaded contact {id}"));
    session.wait_for("The log cannot be written");
    let text = session.contents();
    assert!(text.contains("No space left on device"), "{text}");
    // Open and close help: the editor has handled events since the log failed.
    session.send(F1);
    session.wait_for(IN_HELP);
    session.send(ESC);
    session.wait_gone(IN_HELP);
    // A complaint written behind the editor's back would be partly painted over on the
    // screen, so look for it in everything the program wrote.
    let raw = session.raw();
    assert!(!raw.contains("tracing"), "{raw}");
    assert!(!raw.contains("Unable to write"), "{raw}");
    session.send(CTRL_Q);
    assert_eq!(session.wait_exit_within(Duration::from_secs(20)), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_state_directory_that_cannot_be_made_is_said_in_the_status_pane() {
    let server = DemoServer::start(0).await.unwrap();
    let id = server.first_id();
    let dir = fresh_dir("no-state-dir");
    // A file where the state directory should be: no log, even for root.
    let not_a_dir = dir.join("state");
    std::fs::write(&not_a_dir, "").unwrap();
    let mut session = editor(&server, &not_a_dir, id);
    session.wait_for(&format!("Loaded contact {id}"));
    session.wait_for("The log cannot be written");
    session.send(CTRL_Q);
    assert_eq!(session.wait_exit_within(Duration::from_secs(20)), 0);
}

/// A config file (mode 0600) naming `token_command`.
fn config_with(name: &str, token_command: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let dir = fresh_dir(name);
    let path = dir.join("config.toml");
    std::fs::write(
        &path,
        format!("token_command = {}\n", toml_string(token_command)),
    )
    .unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    path
}

fn toml_string(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_command_that_leaves_a_process_behind_does_not_hold_the_editor() {
    let server = DemoServer::start(0).await.unwrap();
    let id = server.first_id();
    let config = config_with(
        "token-bg",
        &format!("sleep 1000 & printf {}", server.token()),
    );
    let state = fresh_dir("token-bg-state");
    let url = server.url();
    let mut session = Session::start(
        &[&id.to_string()],
        &[
            ("LINQ_API_URL", &url),
            ("LINQ_CONTACT_CONFIG", s(&config)),
            ("XDG_STATE_HOME", s(&state)),
        ],
    );
    session.wait_for(&format!("Loaded contact {id}"));
    session.send(CTRL_Q);
    assert_eq!(session.wait_exit_within(Duration::from_secs(20)), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_command_whose_output_never_ends_stops_at_the_limit() {
    let config = config_with("token-limit", "sleep 1000 & exit 0");
    let state = fresh_dir("token-limit-state");
    let mut session = Session::start(
        &["42"],
        &[
            ("LINQ_API_URL", "http://127.0.0.1:9"),
            ("LINQ_CONTACT_CONFIG", s(&config)),
            ("XDG_STATE_HOME", s(&state)),
        ],
    );
    // The limit is 10 s; the deadline only bounds a run that never ends.
    assert_eq!(session.wait_exit_within(Duration::from_secs(40)), 2);
    let text = session.contents();
    assert!(
        text.contains("token_command printed nothing within 10 s"),
        "{text}"
    );
}
