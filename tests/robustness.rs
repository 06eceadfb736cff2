//! Arbitrary input never panics the core: random key, paste and result sequences into
//! the app (drawn at random sizes, tiny ones included), and arbitrary bytes as response
//! bodies.

mod common;
use common::effects::reply;

use linq_contact::api::{ApiError, Contact, ContactOwner, ErrorBody};
use linq_contact::app::{App, AppOptions, Effect, Msg};
use linq_contact::keymap::{KeyCode, KeyEvent, KeyModifiers};
use proptest::prelude::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn key_code() -> impl Strategy<Value = KeyCode> {
    prop_oneof![
        any::<char>().prop_map(KeyCode::Char),
        prop::sample::select(vec!['a', 'y', 'n', 'o', 'r', 's', 'q', 'c', 'u', 'w', 'z'])
            .prop_map(KeyCode::Char),
        {
            use KeyCode::*;
            let named = [Enter, Esc, Tab, BackTab, Backspace, Delete, Left, Right];
            prop::sample::select([&named[..], &[Up, Down, Home, End]].concat())
        },
        (1u8..13).prop_map(KeyCode::F),
    ]
}

fn modifiers() -> impl Strategy<Value = KeyModifiers> {
    prop::sample::select(vec![
        KeyModifiers::NONE,
        KeyModifiers::NONE,
        KeyModifiers::SHIFT,
        KeyModifiers::CONTROL,
        KeyModifiers::ALT,
        KeyModifiers::CONTROL | KeyModifiers::ALT,
    ])
}

fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[\\x00-\\x1f\\x7f\\u{80}-\\u{9f}a-z ]{0,20}",
        Just("山田 太郎 🧑‍💻 Zoe\u{308} مرحبا \u{1b}]0;x\u{7}".to_string()),
    ]
}

fn contact() -> impl Strategy<Value = Contact> {
    (prop::collection::vec(any_text(), 9), 1u64..u64::MAX).prop_map(|(v, id)| Contact {
        id,
        first_name: v[0].clone(),
        last_name: v[1].clone(),
        full_name: v[2].clone(),
        email: v[3].clone(),
        phone_number: v[4].clone(),
        company: v[5].clone(),
        title: v[6].clone(),
        location: v[7].clone(),
        updated_at: v[8].clone(),
        contact_owner: Some(ContactOwner {
            email: v[3].clone(),
            name: v[8].clone(),
            ..Default::default()
        }),
        ..Default::default()
    })
}

#[derive(Debug, Clone)]
enum Step {
    Key(KeyCode, KeyModifiers),
    Paste(String),
    /// Answer the latest request (read or save) with a record or an error.
    Answer(Option<Box<Contact>>, u16),
    /// An answer for a request nobody is waiting for.
    Stale(u64),
    Tick,
    Draw(u16, u16),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        6 => (key_code(), modifiers()).prop_map(|(k, m)| Step::Key(k, m)),
        1 => any_text().prop_map(Step::Paste),
        2 => (prop::option::of(contact().prop_map(Box::new)), 100u16..600).prop_map(|(c, s)| Step::Answer(c, s)),
        1 => any::<u64>().prop_map(Step::Stale),
        1 => Just(Step::Tick),
        2 => (1u16..220, 1u16..70).prop_map(|(w, h)| Step::Draw(w, h)),
    ]
}

fn draw(app: &App, w: u16, h: u16) {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal
        .draw(|f| {
            linq_contact::ui::draw(app, f);
        })
        .unwrap();
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn any_sequence_of_messages_is_survivable(
        first in contact(),
        steps in prop::collection::vec(step(), 0..60),
    ) {
        let (mut app, effects) = App::new(AppOptions::default(), first.id);
        let mut pending: Vec<Effect> = effects;
        let mut answer_with = Some(Box::new(first));
        let mut steps = steps;
        // Always start by answering the first load, so the form is exercised.
        steps.insert(0, Step::Answer(answer_with.take(), 200));
        for step in steps {
            let effects = match step {
                Step::Key(code, mods) => app.update(Msg::Key(KeyEvent::new(code, mods))),
                Step::Paste(text) => app.update(Msg::Paste(text)),
                Step::Tick => app.update(Msg::Tick),
                Step::Draw(w, h) => { draw(&app, w, h); Vec::new() }
                Step::Stale(generation) => app.update(Msg::Loaded {
                    generation,
                    result: Err(ApiError::Other { reason: "stale".into() }),
                }),
                Step::Answer(record, status) => {
                    let Some(effect) = pending.pop() else { continue };
                    let result = match record {
                        Some(c) => Ok(*c),
                        None => Err(ApiError::Http {
                            status,
                            body: ErrorBody::Text("x".into()),
                            retry_after: None,
                        }),
                    };
                    reply(&effect, result).map(|m| app.update(m)).unwrap_or_default()
                }
            };
            pending.extend(effects.into_iter().filter(|e| matches!(e, Effect::Load { .. } | Effect::Save { .. })));
            draw(&app, 80, 24);
        }
    }

    #[test]
    fn arbitrary_bytes_as_an_error_body_give_readable_lines(body in prop::collection::vec(any::<u8>(), 0..2048)) {
        let parsed = ErrorBody::parse(&body);
        for line in parsed.lines() {
            prop_assert!(!line.chars().any(|c| c.is_control()), "control character in {line:?}");
        }
        let e = ApiError::Http { status: 500, body: parsed, retry_after: None };
        let _ = (e.headline(), e.detail_lines());
    }

    #[test]
    fn json_shaped_garbage_is_parsed_without_panic(
        code in any_text(), message in any_text(), errors in prop::collection::vec(any_text(), 0..4)
    ) {
        let body = serde_json::json!({"status": "error", "error_code": code, "message": message, "errors": errors});
        let parsed = ErrorBody::parse(body.to_string().as_bytes());
        for line in parsed.lines() {
            prop_assert!(!line.chars().any(|c| c.is_control()));
        }
    }
}
