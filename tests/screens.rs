//! The main screen at several sizes, in the default and the monochrome theme. Each
//! snapshot shows the text, and under every row a line of style codes, so a reviewer can
//! see what is coloured and what survives without colour:
//! `y` yellow, `r` red, `g` green, `-` dark grey or dim, `B` bold, `R` reversed,
//! `_` underlined, `.` plain.

mod common;
use common::{ada, first_load};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use insta::assert_snapshot;
use linq_contact::api::Contact;
use linq_contact::app::{App, AppOptions, Msg};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};

fn app(monochrome: bool) -> App {
    let options = AppOptions {
        api_label: "api.example.test".into(),
        monochrome,
        ..Default::default()
    };
    let (mut app, effects) = App::new(options, 1001);
    let generation = first_load(&effects);
    app.update(Msg::Loaded {
        generation,
        result: Ok(Contact {
            location: "A very long location that will not fit in a narrow field, London".into(),
            ..ada()
        }),
    });
    // One valid change, one invalid one, focus on a phone typed in local format.
    let mut key = |code| app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    key(KeyCode::Tab);
    key(KeyCode::Tab);
    key(KeyCode::End);
    key(KeyCode::Char('@'));
    key(KeyCode::Tab);
    app.update(Msg::Key(KeyEvent::new(
        KeyCode::Char('u'),
        KeyModifiers::CONTROL,
    )));
    app.update(Msg::Paste("(212) 555-0199".into()));
    app
}

fn code(cell: &ratatui::buffer::Cell) -> char {
    let m = cell.modifier;
    match cell.fg {
        Color::Yellow => 'y',
        Color::Red => 'r',
        Color::Green => 'g',
        Color::DarkGray => '-',
        _ if m.contains(Modifier::REVERSED) => 'R',
        _ if m.contains(Modifier::BOLD) => 'B',
        _ if m.contains(Modifier::DIM) => '-',
        _ if m.contains(Modifier::UNDERLINED) => '_',
        _ => '.',
    }
}

fn styled(buffer: &Buffer) -> String {
    let area = buffer.area;
    let mut out = String::new();
    for y in 0..area.height {
        let mut text = String::new();
        let mut styles = String::new();
        let mut skip = 0;
        for x in 0..area.width {
            let cell = &buffer[(x, y)];
            styles.push(code(cell));
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let sym = cell.symbol();
            text.push_str(sym);
            skip = unicode_width::UnicodeWidthStr::width(sym).saturating_sub(1);
        }
        out.push_str(&text);
        out.push('\n');
        out.push_str(&styles);
        out.push('\n');
    }
    out
}

fn render(app: &App, w: u16, h: u16) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal
        .draw(|f| {
            linq_contact::ui::draw(app, f);
        })
        .unwrap();
    terminal.backend().buffer().clone()
}

#[test]
fn main_screen_at_three_sizes_in_both_themes() {
    for (w, h) in [(80, 24), (120, 40), (60, 20)] {
        for (theme, mono) in [("default", false), ("monochrome", true)] {
            let buffer = render(&app(mono), w, h);
            assert_snapshot!(format!("main_{w}x{h}_{theme}"), styled(&buffer));
        }
    }
}

#[test]
fn monochrome_uses_no_colour_at_all() {
    let buffer = render(&app(true), 120, 40);
    for cell in buffer.content() {
        assert!(
            matches!(cell.fg, Color::Reset) && matches!(cell.bg, Color::Reset),
            "coloured cell {cell:?}"
        );
    }
    // …and the default theme does use colour, so the check above means something.
    let coloured = render(&app(false), 120, 40);
    assert!(coloured.content().iter().any(|c| c.fg != Color::Reset));
}
