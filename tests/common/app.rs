//! Driving the pure app in tests: keys, a loaded contact, the save protocol's steps,
//! and the screen as a user would see it.
#![allow(dead_code)]

use super::ada;
use linq_contact::api::{ApiError, Contact, ContactPatch};
use linq_contact::app::{Activity, App, AppOptions, Effect, Msg};
use linq_contact::form::Field;
use linq_contact::keymap::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

pub fn options() -> AppOptions {
    AppOptions {
        api_label: "api.example.test".into(),
        ..Default::default()
    }
}

/// A key, named with the crate's key codes or the terminal library's.
pub trait Code {
    fn code(self) -> KeyCode;
}

impl Code for KeyCode {
    fn code(self) -> KeyCode {
        self
    }
}

impl Code for crossterm::event::KeyCode {
    fn code(self) -> KeyCode {
        KeyCode::try_from(self).expect("a key the editor knows")
    }
}

pub fn key(code: impl Code) -> Msg {
    Msg::Key(KeyEvent::new(code.code(), KeyModifiers::NONE))
}

pub fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

/// Moves the focus forward to `field`, clears it and types `text`.
pub fn replace(app: &mut App, field: Field, text: &str) {
    while app.focus() != field {
        app.update(key(KeyCode::Tab));
    }
    app.update(ctrl('u'));
    type_text(app, text);
}

pub fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        app.update(key(KeyCode::Char(c)));
    }
}

pub fn screen(app: &App) -> String {
    screen_at(app, 80, 24)
}

pub fn screen_at(app: &App, w: u16, h: u16) -> String {
    drawn(app, w, h).backend().to_string()
}

/// The app drawn at `w`×`h`, with its styles.
pub fn buffer_at(app: &App, w: u16, h: u16) -> ratatui::buffer::Buffer {
    drawn(app, w, h).backend().buffer().clone()
}

fn drawn(app: &App, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal
        .draw(|f| {
            linq_contact::ui::draw(app, f);
        })
        .unwrap();
    terminal
}

/// An app with contact 1001 loaded; returns the generation of the load.
pub fn loaded() -> App {
    let (mut app, effects) = App::new(options(), 1001);
    let [
        Effect::Load {
            generation,
            id: 1001,
        },
    ] = effects[..]
    else {
        panic!("expected one load, got {effects:?}");
    };
    app.update(Msg::Loaded {
        generation,
        result: Ok(ada()),
    });
    app
}

/// A fresh app on contact `id`, and the generation of the load it starts with.
pub fn opening(id: u64) -> (App, u64) {
    let (app, effects) = App::new(options(), id);
    (app, super::first_load(&effects))
}

/// An app opened with `options` on `contact`, its first read answered with it.
pub fn loaded_with(options: AppOptions, contact: Contact) -> App {
    let (mut app, effects) = App::new(options, contact.id);
    let generation = super::first_load(&effects);
    app.update(Msg::Loaded {
        generation,
        result: Ok(contact),
    });
    app
}

/// Ctrl-S: the app re-reads the contact first; answer that read with `server`.
pub fn review_against(app: &mut App, server: Contact) {
    let effects = app.update(ctrl('s'));
    let [Effect::Load { generation, id }] = effects[..] else {
        panic!("Ctrl-S must re-read the contact first, got {effects:?}");
    };
    assert_eq!(id, server.id);
    assert_eq!(app.activity(), Some(Activity::Checking));
    app.update(Msg::Loaded {
        generation,
        result: Ok(server),
    });
}

/// Presses `code` in the review; the app takes one more look at the server, answered
/// with `server`. Returns what the app does next.
pub fn confirm(app: &mut App, code: impl Code, server: Contact) -> Vec<Effect> {
    let effects = app.update(key(code));
    let [Effect::Load { generation, .. }] = effects[..] else {
        panic!("sending must re-read the contact first, got {effects:?}");
    };
    app.update(Msg::Loaded {
        generation,
        result: Ok(server),
    })
}

/// Contact 1001 as stored once the e-mail change [`saving`] sends has landed.
pub fn ada_saved() -> Contact {
    Contact {
        email: "ada@new.example".into(),
        ..ada()
    }
}

/// A loaded app whose save of the changed e-mail ([`saving`]) was answered with
/// `result`, and what the answer led to.
pub fn save_answered(result: Result<Contact, ApiError>) -> (App, Vec<Effect>) {
    let mut app = loaded();
    let (generation, _) = saving(&mut app);
    let effects = app.update(Msg::Saved { generation, result });
    (app, effects)
}

/// Loaded, e-mail changed, review open, Enter pressed; returns the save's generation.
pub fn saving(app: &mut App) -> (u64, ContactPatch) {
    replace(app, Field::Email, "ada@new.example");
    review_against(app, ada());
    let effects = confirm(app, KeyCode::Enter, ada());
    match &effects[..] {
        [
            Effect::Save {
                generation,
                id: 1001,
                patch,
            },
        ] => (*generation, patch.clone()),
        other => panic!("expected one save, got {other:?}"),
    }
}
