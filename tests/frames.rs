//! What the editor writes to the terminal (`terminal::LeanBackend`): a character typed at
//! the end of a field is sent alone, and whatever was sent, a terminal emulator (vt100)
//! shows exactly what was drawn — every cell's text, colours and attributes, and the
//! cursor — through typing, moving between fields, dialogs, resizes and monochrome.

mod common;

use common::ada;
use common::app::{buffer_at, ctrl, key, loaded_with, options};
use crossterm::event::KeyCode;
use linq_contact::app::{App, AppOptions, Msg};
use linq_contact::terminal::LeanBackend;
use linq_contact::ui;
use ratatui::backend::{Backend, ClearType, TestBackend};
use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::style::{Color, Modifier};
use ratatui::{Terminal, TerminalOptions, Viewport};

type Lean = Terminal<LeanBackend<Vec<u8>>>;

fn lean(w: u16, h: u16) -> Lean {
    let viewport = Viewport::Fixed(Rect::new(0, 0, w, h));
    Terminal::with_options(LeanBackend::new(Vec::new()), TerminalOptions { viewport }).unwrap()
}

/// What drawing `app` wrote to the terminal, with whatever was written since the last
/// frame (a resize's clear).
fn frame(app: &mut App, terminal: &mut Lean) -> Vec<u8> {
    ui::render(app, terminal).unwrap();
    std::mem::take(terminal.backend_mut().writer_mut())
}

#[test]
fn a_character_typed_at_the_end_of_a_field_is_sent_alone() {
    let mut app = loaded_with(options(), ada());
    let mut terminal = lean(80, 24);
    frame(&mut app, &mut terminal);
    // The focus starts at the end of the first name; the first edit also marks the
    // field and the form as changed.
    app.update(key(KeyCode::Char('x')));
    frame(&mut app, &mut terminal);
    // The frame before ended in the status pane, in plain text: the focused value is
    // underlined again, once.
    app.update(key(KeyCode::Char('y')));
    assert_eq!(frame(&mut app, &mut terminal), b"\x1b[4my");
    for c in ['z', 'w'] {
        app.update(key(KeyCode::Char(c)));
        assert_eq!(frame(&mut app, &mut terminal), c.to_string().as_bytes());
    }
}

/// The standard numbers of the colours the crossterm names stand for.
fn vt_colour(c: Color) -> vt100::Color {
    match c {
        Color::Reset => vt100::Color::Default,
        Color::Black => vt100::Color::Idx(0),
        Color::Red => vt100::Color::Idx(1),
        Color::Green => vt100::Color::Idx(2),
        Color::Yellow => vt100::Color::Idx(3),
        Color::Blue => vt100::Color::Idx(4),
        Color::Magenta => vt100::Color::Idx(5),
        Color::Cyan => vt100::Color::Idx(6),
        Color::Gray => vt100::Color::Idx(7),
        Color::DarkGray => vt100::Color::Idx(8),
        Color::LightRed => vt100::Color::Idx(9),
        Color::LightGreen => vt100::Color::Idx(10),
        Color::LightYellow => vt100::Color::Idx(11),
        Color::LightBlue => vt100::Color::Idx(12),
        Color::LightMagenta => vt100::Color::Idx(13),
        Color::LightCyan => vt100::Color::Idx(14),
        Color::White => vt100::Color::Idx(15),
        Color::Indexed(i) => vt100::Color::Idx(i),
        Color::Rgb(r, g, b) => vt100::Color::Rgb(r, g, b),
    }
}

/// Every cell the emulator shows against the buffer drawn: the first difference.
fn difference(screen: &vt100::Screen, drawn: &Buffer) -> Option<String> {
    for y in 0..drawn.area.height {
        for x in 0..drawn.area.width {
            let want = &drawn[(x, y)];
            let got = screen.cell(y, x).expect("a cell on screen");
            let text = match got.contents() {
                "" => " ",
                t => t,
            };
            let shown = (
                text,
                got.fgcolor(),
                got.bgcolor(),
                got.bold(),
                got.dim(),
                got.italic(),
                got.underline(),
                got.inverse(),
            );
            let m = want.modifier;
            let meant = (
                want.symbol(),
                vt_colour(want.fg),
                vt_colour(want.bg),
                m.contains(Modifier::BOLD),
                m.contains(Modifier::DIM),
                m.contains(Modifier::ITALIC),
                m.contains(Modifier::UNDERLINED),
                m.contains(Modifier::REVERSED),
            );
            if shown != meant {
                return Some(format!("at ({x}, {y}): shown {shown:?}, drawn {meant:?}"));
            }
        }
    }
    None
}

/// The app drawn through the backend into an emulator, step after step, against the
/// same app drawn into a `TestBackend` each time.
struct Watched {
    app: App,
    terminal: Lean,
    emulator: vt100::Parser,
    size: (u16, u16),
}

impl Watched {
    fn new(options: AppOptions) -> Watched {
        let mut w = Watched {
            app: loaded_with(options, ada()),
            terminal: lean(80, 24),
            emulator: vt100::Parser::new(24, 80, 0),
            size: (80, 24),
        };
        w.check("loaded");
        w
    }

    fn step(&mut self, what: &str, msg: Msg) {
        self.app.update(msg);
        self.check(what);
    }

    fn resize(&mut self, w: u16, h: u16) {
        self.size = (w, h);
        self.emulator.screen_mut().set_size(h, w);
        // What the editor's full-screen terminal does on a resize: clear, then redraw.
        self.terminal
            .backend_mut()
            .clear_region(ClearType::All)
            .unwrap();
        self.terminal.resize(Rect::new(0, 0, w, h)).unwrap();
        self.step("resized", Msg::Resize(w, h));
    }

    fn check(&mut self, what: &str) {
        let bytes = frame(&mut self.app, &mut self.terminal);
        self.emulator.process(&bytes);
        let (w, h) = self.size;
        let drawn = buffer_at(&self.app, w, h);
        if let Some(diff) = difference(self.emulator.screen(), &drawn) {
            panic!(
                "after {what}, {diff}; the screen:\n{}",
                self.emulator.screen().contents()
            );
        }
        // The same frame drawn afresh into a `TestBackend`, for where its cursor is: a
        // frame without one leaves it at the start, (0, 0), where no field ever is.
        let mut reference = Terminal::new(TestBackend::new(w, h)).unwrap();
        reference
            .draw(|f| {
                ui::draw(&self.app, f);
            })
            .unwrap();
        let p = reference.get_cursor_position().unwrap();
        let cursor = (p != Position::ORIGIN).then_some(p);
        let screen = self.emulator.screen();
        match cursor {
            Some(p) => {
                assert!(!screen.hide_cursor(), "after {what}: the cursor is hidden");
                assert_eq!(
                    screen.cursor_position(),
                    (p.y, p.x),
                    "after {what}: the cursor (row, column)"
                );
            }
            None => assert!(screen.hide_cursor(), "after {what}: the cursor shows"),
        }
    }
}

fn walk(options: AppOptions) {
    let mut w = Watched::new(options);
    for c in "xyz".chars() {
        w.step("typing", key(KeyCode::Char(c)));
    }
    w.step("down", key(KeyCode::Down));
    w.step("typing in the next field", key(KeyCode::Char('q')));
    w.step("backspace", key(KeyCode::Backspace));
    w.step("home", key(KeyCode::Home));
    w.step("help", key(KeyCode::F(1)));
    w.step("help closed", key(KeyCode::Esc));
    w.step("open dialog", ctrl('o'));
    w.step("typing in the dialog", key(KeyCode::Char('7')));
    w.step("dialog closed", key(KeyCode::Esc));
    w.resize(100, 30);
    w.step("up", key(KeyCode::Up));
    w.resize(60, 20);
    w.step("typing after a resize", key(KeyCode::Char('w')));
    w.resize(30, 8);
    w.resize(80, 24);
    w.step("quit asked", ctrl('q'));
    w.step("quit declined", key(KeyCode::Char('n')));
}

#[test]
fn the_terminal_shows_exactly_what_was_drawn() {
    walk(options());
}

#[test]
fn the_terminal_shows_exactly_what_was_drawn_in_monochrome() {
    walk(AppOptions {
        monochrome: true,
        ..options()
    });
}
