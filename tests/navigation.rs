//! Finding and picking contacts through the real event loop: keys go in through a
//! channel, the runtime's own effect runner talks to a real server on loopback (the demo
//! API, or wiremock for answers the demo never gives), and the checks read the screen
//! and the server's request log.

mod common;
use common::looped::{Looped, session};
use common::paths_where;

use crossterm::event::{KeyCode, KeyModifiers};
use insta::assert_snapshot;
use linq_contact::demo::DemoServer;
use linq_contact::form::Field;
use linq_contact::target::Target;

fn paths(server: &DemoServer, prefix: &str) -> Vec<String> {
    paths_where(server, |p| p.starts_with(prefix))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn open_prompt_finds_by_email_and_by_phone() {
    let server = DemoServer::start(0).await.unwrap();
    let ui = Looped::demo_sized_loaded(&server, 1001, 80, 24).await;
    ui.ctrl('o');
    ui.wait_for("Open a contact").await;
    assert_snapshot!("open_prompt_empty", ui.screen(80, 24));
    ui.type_text("samira.okafor@example.org");
    ui.wait_for("samira.okafor@example.org").await;
    assert_snapshot!("open_prompt_typed", ui.screen(80, 24));
    ui.key(KeyCode::Enter);
    // Found by e-mail, case-insensitively.
    ui.wait_for("Loaded contact 1003").await;
    ui.open("(555) 010-2000");
    // Found by phone in a local format.
    ui.wait_for("Loaded contact 1002").await;
    assert_eq!(
        paths(&server, "/api/partner/v2/contacts/find"),
        vec![
            "/api/partner/v2/contacts/find?email=samira.okafor%40example.org",
            "/api/partner/v2/contacts/find?phone_number=%2B15550102000",
        ]
    );
    ui.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_contact_with_that_email_keeps_the_current_one() {
    let server = DemoServer::start(0).await.unwrap();
    let ui = Looped::demo_sized_loaded(&server, 1001, 80, 24).await;
    ui.open("nobody@example.com");
    ui.wait_for("No contact with e-mail nobody@example.com")
        .await;
    assert!(ui.contents().contains("contact 1001"));
    assert_snapshot!("find_no_match", ui.screen(80, 24));
    ui.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn open_prompt_refuses_what_is_no_id_email_or_phone() {
    let server = DemoServer::start(0).await.unwrap();
    let ui = Looped::demo_loaded(&server, 1001).await;
    ui.open("bob@");
    ui.wait_for("not a valid e-mail").await;
    assert!(paths(&server, "/api/partner/v2/contacts/find").is_empty());
    ui.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn find_422_is_shown_readably() {
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let mock = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/partner/v2/contacts/find"))
        .respond_with(ResponseTemplate::new(422).set_body_json(serde_json::json!({
            "status": "error",
            "error_code": "INVALID_PHONE",
            "message": "Phone number is invalid",
            "errors": ["phone_number must be a valid phone number"]
        })))
        .mount(&mock)
        .await;
    let ui = Looped::start(&mock.uri(), "t0ken", Target::Phone("+15550000000".into()));
    ui.wait_for("INVALID_PHONE").await;
    assert!(
        ui.contents()
            .contains("phone_number must be a valid phone number"),
        "{}",
        ui.contents()
    );
    ui.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn leaving_unsaved_changes_asks_first() {
    let server = DemoServer::start(0).await.unwrap();
    let ui = Looped::demo_loaded(&server, 1001).await;
    ui.type_text("x");
    ui.open("1004");
    ui.wait_for("Leave this contact?").await;
    ui.key(KeyCode::Char('n'));
    ui.wait_for("unsaved: First name").await;
    assert!(paths(&server, "/api/partner/v2/contacts/1004").is_empty());
    ui.ctrl('p');
    // Row 0 is 1001 as a recent contact, row 1 is 1001 in the list: row 2 is 1002.
    ui.wait_for("just read ┘").await;
    ui.key(KeyCode::Down);
    ui.key(KeyCode::Down);
    ui.key(KeyCode::Enter);
    ui.wait_for("Leave this contact?").await;
    ui.key(KeyCode::Char('y'));
    ui.wait_for("Loaded contact 1002").await;
    assert!(!ui.contents().contains("unsaved"), "{}", ui.contents());
    ui.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn picker_reads_the_organisation_once_and_opens_a_contact_fresh() {
    let server = DemoServer::start_with_generated(0, 868).await.unwrap();
    let pages = |s: &DemoServer| paths(s, "/api/partner/v2/contacts?");
    let ui = Looped::demo_sized_loaded(&server, 1001, 100, 30).await;
    ui.ctrl('p');
    ui.wait_for("900 contacts · just read").await;
    assert_snapshot!("picker", ui.screen(100, 30));
    let requested = pages(&server);
    assert!(requested.iter().all(|p| p.contains("per_page=100")));
    assert_eq!(requested.len(), 9, "each page read once: {requested:?}");

    // The last contact, opened: read from the server, not from the index.
    ui.send(KeyCode::End, KeyModifiers::CONTROL);
    ui.key(KeyCode::Enter);
    let last = server.last_id();
    ui.wait_for(&format!("Loaded contact {last}")).await;
    assert_eq!(
        paths(&server, &format!("/api/partner/v2/contacts/{last}")).len(),
        1
    );
    assert_eq!(pages(&server).len(), 9, "nothing read again");
    ui.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn picker_filters_what_is_loaded_and_lists_recent_first() {
    let server = DemoServer::start_with_generated(0, 250).await.unwrap();
    let ui = Looped::demo_sized_loaded(&server, 1005, 80, 24).await;
    ui.open("1003");
    ui.wait_for("Loaded contact 1003").await;
    ui.ctrl('p');
    ui.type_text("okafor");
    ui.wait_for("Search: okafor").await;
    // Every page in: the snapshot shows the whole list's count, not a page still loading.
    ui.wait_for("282 contacts · just read").await;
    let text = ui.screen(80, 24);
    assert!(text.contains("★ Samira Okafor"), "recent first:\n{text}");
    assert_snapshot!("picker_filtered", text);
    ui.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn undo_walks_back_across_fields() {
    let server = DemoServer::start(0).await.unwrap();
    let first = server.contact(1001).unwrap().first_name;
    let last = server.contact(1001).unwrap().last_name;
    let ui = Looped::demo_loaded(&server, 1001).await;
    ui.type_text("abc"); // one typing run
    ui.key(KeyCode::Tab);
    ui.ctrl('u'); // a clear
    ui.paste("Pasted"); // a paste
    ui.key(KeyCode::Tab);
    ui.key(KeyCode::Esc); // nothing to revert: not a step
    ui.wait_for("Pasted").await;
    let value = |ui: &Looped, f: Field| ui.app().form().unwrap().value(f).to_string();
    ui.ctrl('z');
    ui.wait_until("the paste undone", || {
        value(&ui, Field::LastName).is_empty()
    })
    .await;
    assert_eq!(ui.app().focus(), Field::LastName);
    ui.ctrl('z');
    ui.wait_until("the clear undone", || value(&ui, Field::LastName) == last)
        .await;
    ui.ctrl('z');
    ui.wait_until("the typing undone", || {
        value(&ui, Field::FirstName) == first
    })
    .await;
    assert_eq!(ui.app().focus(), Field::FirstName);
    assert!(!ui.app().has_unsaved_changes());
    ui.ctrl('z');
    ui.wait_for("Nothing to undo").await;
    ui.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn help_lists_bindings_and_paths() {
    let server = DemoServer::start(0).await.unwrap();
    let ui = Looped::demo_sized_loaded(&server, 1001, 80, 24).await;
    ui.key(KeyCode::F(1));
    ui.wait_for(" Help ").await;
    assert_snapshot!("help", ui.screen(80, 24));
    ui.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn config_key_overrides_change_only_what_is_listed() {
    let server = DemoServer::start(0).await.unwrap();
    let overrides = [("review".to_string(), vec!["ctrl-g".to_string()])].into();
    let (keymap, problems) = linq_contact::keymap::Keymap::default().with_overrides(&overrides);
    assert!(problems.is_empty(), "{problems:?}");
    let mut s = session(&server.url(), server.token(), Target::Id(1001));
    s.options.keymap = keymap;
    let ui = Looped::run_sized(s, 80, 24);
    ui.wait_for("Loaded contact 1001").await;
    ui.type_text("x");
    ui.wait_for("(Ctrl-G to review)").await;
    assert!(
        ui.contents().contains("Ctrl-G review"),
        "footer names the configured key:\n{}",
        ui.contents()
    );
    let reads = || paths(&server, "/api/partner/v2/contacts/1001").len();
    // Ctrl-S is no longer review: only Ctrl-G's check reads the contact again.
    ui.ctrl('s');
    ui.ctrl('g');
    ui.wait_for("Review: what will be sent").await;
    assert_eq!(
        reads(),
        2,
        "the load and Ctrl-G's check, nothing for Ctrl-S"
    );
    ui.key(KeyCode::Esc);
    // Everything not listed keeps its default.
    ui.ctrl('z');
    ui.key(KeyCode::F(1));
    ui.wait_for(" Help ").await;
    assert!(ui.contents().contains("Ctrl-G"));
    ui.key(KeyCode::Esc);
    ui.wait_for("Loaded contact 1001").await;
    assert!(!ui.contents().contains("unsaved"), "{}", ui.contents());
    ui.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_index_on_disk_is_written_by_ctrl_p_and_updated_by_a_save() {
    use linq_contact::index::store;
    let server = DemoServer::start(0).await.unwrap();
    let dir = std::env::temp_dir().join(format!("lc-index-{}", std::process::id()));
    let file = dir.join("index.jsonl");
    let _ = std::fs::remove_dir_all(&dir);
    let mut s = session(&server.url(), server.token(), Target::Id(1001));
    s.index_file = Some(file.clone());
    let key = s.server_key.clone();
    let ui = Looped::run_sized(s, 100, 30);
    ui.wait_for("Loaded contact 1001").await;
    ui.ctrl('p');
    ui.wait_for("32 contacts · just read").await;
    let names = || -> Vec<(u64, String)> {
        store::load(&file, &key)
            .ok()
            .flatten()
            .map(|index| {
                index
                    .entries()
                    .iter()
                    .map(|e| (e.id(), e.name().to_string()))
                    .collect()
            })
            .unwrap_or_default()
    };
    ui.wait_until("the index is on disk", || names().len() == 32)
        .await;
    ui.key(KeyCode::Esc);
    ui.ctrl('u');
    ui.type_text("Zebulon");
    ui.ctrl('s');
    ui.wait_for("Review: what will be sent").await;
    ui.key(KeyCode::Enter);
    ui.wait_for("Saved").await;
    ui.wait_until("the save is in the index on disk", || {
        names().contains(&(1001, "Zebulon Chen".to_string()))
    })
    .await;
    assert_eq!(names().len(), 32, "{:?}", names());
    ui.finish().await;
    let _ = std::fs::remove_dir_all(&dir);
}
