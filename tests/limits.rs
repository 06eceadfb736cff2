//! Limits under slow or failing links and big answers, driven through `App` with
//! messages; requests go to a real server on loopback (the demo API, or wiremock for
//! answers the demo never gives).

mod common;

use common::app::screen_at;
use common::effects::Runner;
use common::{ada, paths_where};
use linq_contact::api::LinqClient;
use linq_contact::app::{App, AppOptions, Effect, Msg, Overlay, Status};
use linq_contact::demo::{DemoServer, Fault};
use linq_contact::dialogs::picker::{MAX_KEPT, Picker};
use linq_contact::keymap::{KeyCode, KeyEvent, KeyModifiers};
use linq_contact::recent::Summary;
use linq_contact::target::Target;
use std::collections::BTreeMap;

/// The app on contact 1001 of the API at `url`, its requests performed one at a time,
/// exactly once.
async fn open(url: &str, token: &str, options: AppOptions) -> Runner {
    let options = AppOptions {
        api_url: url.into(),
        ..options
    };
    Runner::start(url, token, App::open(options, Target::Id(1001))).await
}

/// [`open`] on the demo, with the picker open.
async fn picker_open(server: &DemoServer) -> Runner {
    let mut h = open(&server.url(), server.token(), AppOptions::default()).await;
    h.press(ctrl('p')).await;
    h
}

fn picker(h: &Runner) -> &Picker {
    match h.app.overlay() {
        Some(Overlay::Picker(p)) => p,
        other => panic!("expected the picker, got {other:?}"),
    }
}

/// The ids the picker lists, in order.
fn listed(h: &Runner) -> Vec<u64> {
    let p = picker(h);
    (0..p.len())
        .map(|i| p.row(i).and_then(|r| r.summary()).map_or(0, |s| s.id))
        .collect()
}

fn plain(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn ctrl(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
}

fn list_pages(effects: &[Effect]) -> Vec<u32> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::ListPage { page, .. } => Some(*page),
            _ => None,
        })
        .collect()
}

/// Every contact of the server matching `filter`, in list order.
async fn all_matching(client: &LinqClient, filter: &str) -> Vec<u64> {
    let mut ids = Vec::new();
    for page in 1.. {
        let p = client.list_contacts(page, 100).await.unwrap();
        ids.extend(
            p.contacts
                .iter()
                .map(Summary::from)
                .filter(|s| s.matches(filter))
                .map(|s| s.id),
        );
        if page >= p.pagination.total_pages {
            break;
        }
    }
    ids
}

#[tokio::test]
async fn the_picker_keeps_what_it_found_when_pages_are_evicted() {
    let server = DemoServer::start_with_generated(0, 868).await.unwrap();
    let mut h = picker_open(&server).await;
    // Reading on to the end of the matches: all nine pages, five held at a time.
    h.type_text("kofi").await;
    for _ in 0..20 {
        h.press(KeyEvent::new(KeyCode::End, KeyModifiers::CONTROL))
            .await;
    }
    let page_requests =
        || paths_where(&server, |p| p.starts_with("/api/partner/v2/contacts?")).len();
    assert_eq!(page_requests(), 9, "each page read once");
    let expected = all_matching(&h.client, "kofi").await;
    assert!(expected.len() > 20, "{expected:?}");
    let p = picker(&h);
    assert!(
        !p.loaded_pages().any(|pg| pg == 1),
        "page 1 should have been evicted"
    );
    assert!(p.kept_len() > 0);
    assert_eq!(listed(&h), expected, "matches of evicted pages are lost");
    assert!(
        !h.screen(100, 30).contains("No loaded contact matches"),
        "{}",
        h.screen(100, 30)
    );

    // A narrower filter keeps only what still matches, loaded or kept.
    h.type_text(" barnes").await;
    let narrower = all_matching(&h.client, "kofi barnes").await;
    assert!(!narrower.is_empty());
    assert_eq!(listed(&h), narrower);
    let p = picker(&h);
    assert!(p.kept_len() < expected.len());

    // Cleared: the whole list again, nothing kept.
    for _ in 0.."kofi barnes".len() {
        h.press(plain(KeyCode::Backspace)).await;
    }
    assert_eq!(picker(&h).kept_len(), 0);
    assert_eq!(picker(&h).total_count(), Some(900));
}

#[tokio::test]
async fn kept_matches_are_bounded_and_the_selection_stays_put() {
    let server = DemoServer::start_with_generated(0, 2968).await.unwrap();
    let mut h = picker_open(&server).await;
    // Every generated contact matches: walk to the end, one page at a time.
    h.type_text("example.net").await;
    let end = KeyEvent::new(KeyCode::End, KeyModifiers::CONTROL);
    for _ in 0..40 {
        let effects = h.app.update(Msg::Key(end));
        let pages = list_pages(&effects);
        if pages.is_empty() {
            break;
        }
        let chosen = picker(&h).chosen().map(|s| s.id);
        h.settle(effects).await;
        assert_eq!(
            picker(&h).chosen().map(|s| s.id),
            chosen,
            "a page arriving moved the selection (pages {pages:?})"
        );
    }
    let p = picker(&h);
    assert_eq!(p.loaded_pages().last(), Some(30), "not at the end");
    assert_eq!(p.kept_len(), MAX_KEPT);
    assert!(p.kept_full());
    let text = h.screen(100, 30);
    assert!(
        text.contains("Over 2000 matches: not all are listed"),
        "{text}"
    );
}

#[tokio::test]
async fn a_failing_first_page_is_not_asked_for_again_until_the_retry_key() {
    let server = DemoServer::start(0).await.unwrap();
    let mut h = open(&server.url(), server.token(), AppOptions::default()).await;
    server.fail_next(1, Fault::ServerError);
    let effects = h.app.update(Msg::Key(ctrl('p')));
    assert_eq!(list_pages(&effects), vec![1]);
    let mut after_failure = Vec::new();
    for e in effects {
        after_failure.extend(h.perform(e).await);
    }
    assert_eq!(after_failure, vec![], "the failed page was asked for again");
    assert!(picker(&h).error.is_some());
    // Nothing the user does, short of the retry key, asks again.
    for key in [
        plain(KeyCode::Down),
        plain(KeyCode::PageDown),
        plain(KeyCode::Char('a')),
        plain(KeyCode::Backspace),
    ] {
        assert_eq!(h.app.update(Msg::Key(key)), vec![], "{key:?}");
    }
    assert_eq!(h.app.update(Msg::Scroll(3)), vec![]);
    let text = h.screen(100, 30);
    assert!(text.contains("HTTP 500"), "{text}");
    assert!(text.contains("Ctrl-R to try again"), "{text}");

    let effects = h.app.update(Msg::Key(ctrl('r')));
    assert_eq!(list_pages(&effects), vec![1]);
    h.settle(effects).await;
    let p = picker(&h);
    assert!(p.error.is_none());
    assert_eq!(p.loaded_pages().collect::<Vec<_>>(), vec![1]);
}

#[tokio::test]
async fn a_failing_later_page_stops_the_picker_instead_of_looping() {
    let server = DemoServer::start_with_generated(0, 268).await.unwrap();
    let mut h = picker_open(&server).await;
    assert_eq!(picker(&h).loaded_pages().collect::<Vec<_>>(), vec![1]);

    // Jump to the last row: its page (3) is needed, and it fails.
    server.fail_next(1, Fault::BadGatewayHtml);
    let effects = h
        .app
        .update(Msg::Key(KeyEvent::new(KeyCode::End, KeyModifiers::CONTROL)));
    assert_eq!(list_pages(&effects), vec![3]);
    let mut next = Vec::new();
    for e in effects {
        next.extend(h.perform(e).await);
    }
    assert_eq!(next, vec![], "the failed page was asked for again at once");
    for key in [plain(KeyCode::Up), plain(KeyCode::Down)] {
        assert_eq!(h.app.update(Msg::Key(key)), vec![], "{key:?}");
    }
    let requests_of_page_3 = || paths_where(&server, |p| p.contains("page=3")).len();
    assert_eq!(requests_of_page_3(), 1);

    h.press(ctrl('r')).await;
    assert_eq!(requests_of_page_3(), 2);
    assert!(picker(&h).error.is_none());
    assert!(picker(&h).chosen().is_some(), "the last row is there now");
}

#[tokio::test]
async fn the_retry_key_is_the_configured_reload_key() {
    let server = DemoServer::start(0).await.unwrap();
    let (keymap, errors) = linq_contact::keymap::Keymap::default()
        .with_overrides(&BTreeMap::from([("reload".into(), vec!["f5".into()])]));
    assert!(errors.is_empty(), "{errors:?}");
    let options = AppOptions {
        keymap,
        ..AppOptions::default()
    };
    let mut h = open(&server.url(), server.token(), options).await;
    server.fail_next(1, Fault::ServerError);
    h.press(ctrl('p')).await;
    let text = h.screen(100, 30);
    assert!(text.contains("F5 to try again"), "{text}");
    assert_eq!(h.app.update(Msg::Key(ctrl('r'))), vec![]);
    let effects = h.app.update(Msg::Key(plain(KeyCode::F(5))));
    assert_eq!(list_pages(&effects), vec![1]);
}

/// A 422 whose `errors[]` has `n` lines.
fn many_errors(n: usize) -> serde_json::Value {
    let errors: Vec<String> = (0..n).map(|i| format!("problem number {i:05}")).collect();
    serde_json::json!({
        "status": "error",
        "error_code": "VALIDATION_FAILED",
        "message": "Validation failed",
        "errors": errors,
    })
}

#[tokio::test]
async fn a_huge_error_shows_its_first_lines_and_says_the_rest_is_in_the_log() {
    use wiremock::matchers::method;
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let mock = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"data": ada()})))
        .mount(&mock)
        .await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(422).set_body_json(many_errors(5000)))
        .mount(&mock)
        .await;
    let mut h = open(&mock.uri(), "t0ken-x", AppOptions::default()).await;
    h.type_text("x").await;
    h.press(ctrl('s')).await;
    assert!(matches!(h.app.overlay(), Some(Overlay::Review { .. })));
    h.press(plain(KeyCode::Enter)).await;
    let Status::SaveFailed(e) = h.app.status() else {
        panic!("{:?}", h.app.status());
    };
    let all = e.detail_lines().len();
    assert!(all >= 5000, "{all}");

    let text = h.screen(100, 400);
    let shown = text.matches("problem number ").count();
    assert_eq!(shown, 200, "{text}");
    assert!(text.contains("problem number 00199"));
    assert!(!text.contains("problem number 00200"));
    assert!(
        text.contains(&format!("… {} more lines, in the log", all - 200)),
        "{text}"
    );
}

#[test]
fn a_notice_is_shown_in_the_status_pane() {
    let (mut app, effects) = App::new(AppOptions::default(), 1001);
    let generation = common::first_load(&effects);
    app.update(Msg::Loaded {
        generation,
        result: Ok(ada()),
    });
    let notice = "The log cannot be written (No space left on device (os error 28)); \
                  the editor carries on without it.";
    app.update(Msg::Notice(notice.into()));
    app.update(Msg::Notice(notice.into()));
    let text = screen_at(&app, 120, 30);
    assert_eq!(
        text.matches("The log cannot be written").count(),
        1,
        "{text}"
    );
    // Other news first: the notice shrinks to one line that does not blame the config.
    app.update(Msg::Key(ctrl('z')));
    let text = screen_at(&app, 120, 30);
    assert!(text.contains("Nothing to undo."), "{text}");
    assert!(
        text.contains("1 problem(s) with the config or the log"),
        "{text}"
    );
}
