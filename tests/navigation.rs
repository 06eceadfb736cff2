//! Finding and picking contacts, with the app's effects performed against a real server
//! on loopback (the demo API, or wiremock for answers the demo never gives).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use insta::assert_snapshot;
use linq_contact::api::LinqClient;
use linq_contact::app::{App, AppOptions, Effect, Msg, Overlay, Status};
use linq_contact::demo::DemoServer;
use linq_contact::dialogs::{confirm::Confirm, open::OpenPrompt};
use linq_contact::form::Field;
use linq_contact::secret::Token;
use linq_contact::target::Target;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::collections::VecDeque;
use std::time::Duration;

/// The app plus a client, performing every request effect until none is left.
struct Harness {
    app: App,
    client: LinqClient,
}

impl Harness {
    async fn open(url: &str, token: &str, target: Target) -> Harness {
        let client = LinqClient::new(url, Token::new(token), Duration::from_secs(5)).unwrap();
        let options = AppOptions {
            api_label: "demo".into(),
            api_url: url.into(),
            ..Default::default()
        };
        let (app, effects) = App::open(options, target);
        let mut h = Harness { app, client };
        h.settle(effects).await;
        h
    }

    async fn settle(&mut self, effects: Vec<Effect>) {
        let mut queue: VecDeque<Effect> = effects.into();
        while let Some(effect) = queue.pop_front() {
            let c = &self.client;
            let more = match effect {
                Effect::Load { generation, id } => {
                    let result = c.get_contact(id).await;
                    self.app.update(Msg::Loaded { generation, result })
                }
                Effect::Find {
                    generation,
                    email,
                    phone,
                } => {
                    let result = c.find_contact(email.as_deref(), phone.as_deref()).await;
                    self.app.update(Msg::Found { generation, result })
                }
                Effect::ListPage { generation, page } => {
                    let result = c.list_contacts(page, 100).await;
                    self.app.update(Msg::Page {
                        generation,
                        page,
                        result,
                    })
                }
                Effect::Save {
                    generation,
                    id,
                    patch,
                } => {
                    let result = c.update_contact(id, &patch).await;
                    self.app.update(Msg::Saved { generation, result })
                }
                _ => Vec::new(),
            };
            queue.extend(more);
        }
    }

    async fn msg(&mut self, msg: Msg) {
        let effects = self.app.update(msg);
        self.settle(effects).await;
    }

    async fn key(&mut self, code: KeyCode) {
        self.msg(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
            .await;
    }

    async fn ctrl(&mut self, c: char) {
        self.msg(Msg::Key(KeyEvent::new(
            KeyCode::Char(c),
            KeyModifiers::CONTROL,
        )))
        .await;
    }

    async fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.key(KeyCode::Char(c)).await;
        }
    }

    fn screen(&self, w: u16, h: u16) -> String {
        let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
        t.draw(|f| {
            linq_contact::ui::draw(&self.app, f);
        })
        .unwrap();
        t.backend().to_string()
    }

    fn picker(&self) -> &linq_contact::app::picker::Picker {
        match self.app.overlay() {
            Some(Overlay::Picker(p)) => p,
            other => panic!("expected the picker, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn open_prompt_finds_by_email_and_by_phone() {
    let server = DemoServer::start(0).await.unwrap();
    let mut h = Harness::open(&server.url(), server.token(), Target::Id(1001)).await;
    assert_eq!(h.app.contact_id(), 1001);

    h.ctrl('o').await;
    assert_snapshot!("open_prompt_empty", h.screen(80, 24));
    h.type_text("samira.okafor@example.org").await;
    assert_snapshot!("open_prompt_typed", h.screen(80, 24));
    h.key(KeyCode::Enter).await;
    assert_eq!(
        h.app.contact_id(),
        1003,
        "found by e-mail, case-insensitively"
    );

    h.ctrl('o').await;
    h.type_text("(555) 010-2000").await;
    h.key(KeyCode::Enter).await;
    assert_eq!(h.app.contact_id(), 1002, "found by phone in a local format");
    let finds: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.path.starts_with("/api/partner/v2/contacts/find"))
        .map(|r| r.path)
        .collect();
    assert_eq!(
        finds,
        vec![
            "/api/partner/v2/contacts/find?email=samira.okafor%40example.org",
            "/api/partner/v2/contacts/find?phone_number=%2B15550102000",
        ]
    );
}

#[tokio::test]
async fn no_contact_with_that_email_keeps_the_current_one() {
    let server = DemoServer::start(0).await.unwrap();
    let mut h = Harness::open(&server.url(), server.token(), Target::Id(1001)).await;
    h.ctrl('o').await;
    h.type_text("nobody@example.com").await;
    h.key(KeyCode::Enter).await;
    assert!(matches!(h.app.status(), Status::NoMatch(Target::Email(_))));
    assert_eq!(h.app.contact_id(), 1001);
    assert!(h.app.form().is_some());
    assert_snapshot!("find_no_match", h.screen(80, 24));
}

#[tokio::test]
async fn open_prompt_refuses_what_is_no_id_email_or_phone() {
    let server = DemoServer::start(0).await.unwrap();
    let mut h = Harness::open(&server.url(), server.token(), Target::Id(1001)).await;
    h.ctrl('o').await;
    h.type_text("bob@").await;
    h.key(KeyCode::Enter).await;
    let Some(Overlay::Open(OpenPrompt { error: Some(e), .. })) = h.app.overlay() else {
        panic!("expected the prompt with an error");
    };
    assert!(e.contains("not a valid e-mail"), "{e}");
    assert!(server.requests().iter().all(|r| !r.path.contains("find")));
}

#[tokio::test]
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
    let h = Harness::open(&mock.uri(), "t", Target::Phone("+15550000000".into())).await;
    assert!(matches!(h.app.status(), Status::LoadFailed(e) if e.status() == Some(422)));
    let screen = h.screen(80, 24);
    assert!(screen.contains("INVALID_PHONE"), "{screen}");
    assert!(screen.contains("phone_number must be a valid phone number"));
}

#[tokio::test]
async fn leaving_unsaved_changes_asks_first() {
    let server = DemoServer::start(0).await.unwrap();
    let mut h = Harness::open(&server.url(), server.token(), Target::Id(1001)).await;
    h.type_text("x").await;
    h.ctrl('o').await;
    h.type_text("1004").await;
    h.key(KeyCode::Enter).await;
    assert!(matches!(
        h.app.overlay(),
        Some(Overlay::Confirm(Confirm::Leave(_)))
    ));
    h.key(KeyCode::Char('n')).await;
    assert_eq!(h.app.contact_id(), 1001);
    assert!(h.app.has_unsaved_changes());
    h.ctrl('p').await;
    // Row 0 is 1001 as a recent contact, row 1 is 1001 in the list: row 2 is 1002.
    h.key(KeyCode::Down).await;
    h.key(KeyCode::Down).await;
    h.key(KeyCode::Enter).await;
    assert!(matches!(
        h.app.overlay(),
        Some(Overlay::Confirm(Confirm::Leave(_)))
    ));
    h.key(KeyCode::Char('y')).await;
    assert_eq!(h.app.contact_id(), 1002);
    assert!(!h.app.has_unsaved_changes());
}

#[tokio::test]
async fn picker_pages_lazily_and_keeps_a_bounded_window() {
    let server = DemoServer::start_with_generated(0, 868).await.unwrap();
    let mut h = Harness::open(&server.url(), server.token(), Target::Id(1001)).await;
    h.ctrl('p').await;
    let p = h.picker();
    assert_eq!(p.total_count(), Some(900));
    assert_eq!(p.loaded_pages().collect::<Vec<_>>(), vec![1]);
    assert_snapshot!("picker", h.screen(100, 30));

    // Near the end of page 1 the next page is fetched ahead.
    for _ in 0..85 {
        h.key(KeyCode::Down).await;
    }
    assert_eq!(h.picker().loaded_pages().collect::<Vec<_>>(), vec![1, 2]);

    // Walk to the very end: never more than five pages held.
    for _ in 0..100 {
        h.key(KeyCode::PageDown).await;
        assert!(h.picker().loaded_pages().count() <= 5);
    }
    let p = h.picker();
    assert_eq!(p.selected(), 900, "one recent row plus 900 listed rows");
    assert!(p.loaded_pages().any(|pg| pg == 9));
    assert!(
        !p.loaded_pages().any(|pg| pg == 1),
        "page 1 should be evicted"
    );
    let last = p.chosen().unwrap().id;
    h.key(KeyCode::Enter).await;
    assert_eq!(h.app.contact_id(), last);

    let page_requests: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.path.starts_with("/api/partner/v2/contacts?"))
        .map(|r| r.path)
        .collect();
    assert!(page_requests.iter().all(|p| p.contains("per_page=100")));
    assert_eq!(
        page_requests.len(),
        9,
        "each page fetched once: {page_requests:?}"
    );
}

#[tokio::test]
async fn picker_filters_what_is_loaded_and_lists_recent_first() {
    let server = DemoServer::start_with_generated(0, 250).await.unwrap();
    let mut h = Harness::open(&server.url(), server.token(), Target::Id(1005)).await;
    h.ctrl('o').await;
    h.type_text("1003").await;
    h.key(KeyCode::Enter).await;
    h.ctrl('p').await;
    let first = h.picker().row(0).unwrap();
    assert!(
        matches!(first, linq_contact::app::picker::Row::Recent(s) if s.id == 1003),
        "{first:?}"
    );
    h.type_text("okafor").await;
    let p = h.picker();
    let ids: Vec<u64> = (0..p.len())
        .filter_map(|i| p.row(i)?.summary().map(|s| s.id))
        .collect();
    assert!(ids.contains(&1003), "{ids:?}");
    assert!(ids.iter().all(|&id| id == 1003), "{ids:?}");
    assert_snapshot!("picker_filtered", h.screen(80, 24));
}

#[tokio::test]
async fn undo_walks_back_across_fields() {
    let server = DemoServer::start(0).await.unwrap();
    let mut h = Harness::open(&server.url(), server.token(), Target::Id(1001)).await;
    let first = h.app.form().unwrap().value(Field::FirstName).to_string();
    h.type_text("abc").await; // one typing run
    h.key(KeyCode::Tab).await;
    h.ctrl('u').await; // a clear
    h.msg(Msg::Paste("Pasted".into())).await; // a paste
    h.key(KeyCode::Tab).await;
    h.key(KeyCode::Esc).await; // nothing to revert: not a step
    let form = h.app.form().unwrap();
    assert_eq!(form.value(Field::LastName), "Pasted");
    h.ctrl('z').await;
    assert_eq!(h.app.focus(), Field::LastName);
    assert_eq!(h.app.form().unwrap().value(Field::LastName), "");
    h.ctrl('z').await;
    assert_eq!(h.app.form().unwrap().value(Field::LastName), "Chen");
    h.ctrl('z').await;
    assert_eq!(h.app.focus(), Field::FirstName);
    assert_eq!(h.app.form().unwrap().value(Field::FirstName), first);
    assert!(!h.app.has_unsaved_changes());
    h.ctrl('z').await;
    assert!(matches!(h.app.status(), Status::NothingToUndo));
    assert!(h.screen(80, 24).contains("Nothing to undo"));
}

#[tokio::test]
async fn help_lists_bindings_and_paths() {
    let server = DemoServer::start(0).await.unwrap();
    let mut h = Harness::open(&server.url(), server.token(), Target::Id(1001)).await;
    h.key(KeyCode::F(1)).await;
    assert_snapshot!("help", h.screen(80, 24));
}

#[tokio::test]
async fn config_key_overrides_change_only_what_is_listed() {
    let server = DemoServer::start(0).await.unwrap();
    let overrides = [("review".to_string(), vec!["ctrl-g".to_string()])].into();
    let (keymap, problems) = linq_contact::keymap::Keymap::default().with_overrides(&overrides);
    assert!(problems.is_empty(), "{problems:?}");
    let client = LinqClient::new(
        &server.url(),
        Token::new(server.token()),
        Duration::from_secs(5),
    )
    .unwrap();
    let options = AppOptions {
        keymap,
        ..Default::default()
    };
    let (app, effects) = App::open(options, Target::Id(1001));
    let mut h = Harness { app, client };
    h.settle(effects).await;
    h.type_text("x").await;
    let screen = h.screen(80, 24);
    assert!(
        screen.contains("Ctrl-G review"),
        "footer names the configured key:\n{screen}"
    );
    assert!(screen.contains("(Ctrl-G to review)"), "{screen}");
    h.ctrl('s').await;
    assert!(h.app.overlay().is_none(), "Ctrl-S is no longer review");
    h.ctrl('g').await;
    assert!(matches!(h.app.overlay(), Some(Overlay::Review { .. })));
    h.key(KeyCode::Esc).await;
    // Everything not listed keeps its default.
    h.ctrl('z').await;
    assert!(!h.app.has_unsaved_changes());
    h.key(KeyCode::F(1)).await;
    assert!(h.screen(80, 24).contains("Ctrl-G"));
}
