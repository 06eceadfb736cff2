//! One keystroke's cost: `App::update` plus a full `draw` into a `TestBackend`.
//! Budget: under 1 ms at 200×60 in release, also with a huge server error on screen.

use criterion::{Criterion, criterion_group, criterion_main};
use linq_contact::api::{ApiError, Contact, ErrorBody};
use linq_contact::app::{App, AppOptions, Effect, Msg};
use linq_contact::keymap::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::hint::black_box;

#[path = "../tests/common/mod.rs"]
mod common;
use common::ada;
use common::app::loaded_with;

fn loaded_app() -> App {
    let contact = Contact {
        location: "London, with a rather long description of the place".into(),
        ..ada()
    };
    let mut app = loaded_with(AppOptions::default(), contact);
    // A dirty form is the common case while typing, and the costlier one to draw.
    app.update(Msg::Key(KeyEvent::new(
        KeyCode::Char('x'),
        KeyModifiers::NONE,
    )));
    app
}

/// A 422 whose body is about 1 MiB of `errors[]` lines.
fn huge_error() -> ApiError {
    let errors: Vec<String> = (0..20_000)
        .map(|i| format!("contact[{i}]: email has already been taken by another contact"))
        .collect();
    let body = serde_json::json!({
        "status": "error",
        "error_code": "VALIDATION_FAILED",
        "message": "Validation failed",
        "errors": errors,
    });
    let bytes = serde_json::to_vec(&body).expect("json");
    assert!(bytes.len() >= 1 << 20, "{} bytes", bytes.len());
    ApiError::Http {
        status: 422,
        body: ErrorBody::parse(&bytes),
        retry_after: None,
    }
}

/// The one generation-carrying request in `effects`.
fn request(effects: &[Effect]) -> u64 {
    match effects {
        [Effect::Load { generation, .. }] | [Effect::Save { generation, .. }] => *generation,
        other => panic!("expected one request, got {other:?}"),
    }
}

/// A loaded, dirty form whose save was refused with [`huge_error`]: the error stays in
/// the status pane while the user types on.
fn app_with_huge_error() -> App {
    let mut app = loaded_app();
    let server = app.record().expect("loaded").clone();
    let ctrl_s = KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL);
    let enter = KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE);
    // Ctrl-S re-reads, the review opens; Enter re-reads once more, then saves.
    for key in [ctrl_s, enter] {
        let generation = request(&app.update(Msg::Key(key)));
        let effects = app.update(Msg::Loaded {
            generation,
            result: Ok(server.clone()),
        });
        if key == enter {
            app.update(Msg::Saved {
                generation: request(&effects),
                result: Err(huge_error()),
            });
        }
    }
    assert!(
        matches!(app.status(), linq_contact::app::Status::SaveFailed(_)),
        "{:?}",
        app.status()
    );
    app
}

fn keystroke(c: &mut Criterion) {
    /// (name suffix, the app's state, terminal width, height)
    type Case = (&'static str, fn() -> App, u16, u16);
    let cases: [Case; 3] = [
        ("", loaded_app, 80, 24),
        ("", loaded_app, 200, 60),
        (" with a 1 MiB error", app_with_huge_error, 200, 60),
    ];
    for (what, make, w, h) in cases {
        let mut app = make();
        let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("test backend");
        let keys = [
            KeyEvent::new(KeyCode::Char('y'), KeyModifiers::NONE),
            KeyEvent::new(KeyCode::Backspace, KeyModifiers::NONE),
        ];
        let mut i = 0usize;
        c.bench_function(&format!("keystroke update+draw {w}x{h}{what}"), |b| {
            b.iter(|| {
                // Alternate typing and deleting so the field stays the same length.
                i += 1;
                black_box(app.update(Msg::Key(keys[i % 2])));
                linq_contact::ui::render(&mut app, &mut terminal).expect("draw");
            })
        });
    }
}

criterion_group!(benches, keystroke);
criterion_main!(benches);
