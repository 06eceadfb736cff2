//! One keystroke's cost: `App::update` plus a full `draw` into a `TestBackend`.
//! Budget: under 1 ms at 200×60 in release.

use criterion::{Criterion, criterion_group, criterion_main};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use linq_contact::api::Contact;
use linq_contact::app::{App, AppOptions, Msg};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::hint::black_box;

#[path = "../tests/common/mod.rs"]
mod common;
use common::{ada, first_load};

fn loaded_app() -> App {
    let (mut app, effects) = App::new(AppOptions::default(), 1001);
    let generation = first_load(&effects);
    let contact = Contact {
        location: "London, with a rather long description of the place".into(),
        ..ada()
    };
    app.update(Msg::Loaded {
        generation,
        result: Ok(contact),
    });
    // A dirty form is the common case while typing, and the costlier one to draw.
    app.update(Msg::Key(KeyEvent::new(
        KeyCode::Char('x'),
        KeyModifiers::NONE,
    )));
    app
}

fn keystroke(c: &mut Criterion) {
    for (w, h) in [(80u16, 24u16), (200, 60)] {
        let mut app = loaded_app();
        let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("test backend");
        let keys = [
            KeyEvent::new(KeyCode::Char('y'), KeyModifiers::NONE),
            KeyEvent::new(KeyCode::Backspace, KeyModifiers::NONE),
        ];
        let mut i = 0usize;
        c.bench_function(&format!("keystroke update+draw {w}x{h}"), |b| {
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
