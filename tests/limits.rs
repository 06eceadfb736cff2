//! Limits under slow or failing links and big answers, driven through `App` with
//! messages; requests go to a real server on loopback (the demo API, or wiremock for
//! answers the demo never gives).

mod common;

use common::ada;
use common::app::screen_at;
use common::effects::Runner;
use linq_contact::app::{App, AppOptions, Msg, Overlay, Status};
use linq_contact::keymap::{KeyCode, KeyEvent, KeyModifiers};
use linq_contact::target::Target;

/// The app on contact 1001 of the API at `url`, its requests performed one at a time,
/// exactly once.
async fn open(url: &str, token: &str, options: AppOptions) -> Runner {
    let options = AppOptions {
        api_url: url.into(),
        ..options
    };
    Runner::start(url, token, App::open(options, Target::Id(1001))).await
}

fn plain(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn ctrl(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
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
