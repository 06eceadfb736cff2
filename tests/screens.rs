//! The main screen at several sizes, in the default and the monochrome theme. Each
//! snapshot shows the text, and under every row a line of style codes, so a reviewer can
//! see what is coloured and what survives without colour:
//! `y` yellow, `r` red, `g` green, `-` dark grey or dim, `B` bold, `R` reversed,
//! `_` underlined, `.` plain.
//!
//! Then the dialogs' keys as configured: rebound in `[keys]`, they act, the old ones do
//! not, and the dialog's hint line, the footer and help all name the new ones.

mod common;
use common::effects::Runner;
use common::{ada, bodies, first_load};

use insta::assert_snapshot;
use linq_contact::api::Contact;
use linq_contact::app::{App, AppOptions, Effect, Msg, Overlay};
use linq_contact::demo::DemoServer;
use linq_contact::keymap::Keymap;
use linq_contact::keymap::{KeyCode, KeyEvent, KeyModifiers};
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

// ---- dialog keys come from the keymap: rebound, they act and are named everywhere ----

/// The app with the given `[keys]` entries, its effects performed against the demo API.
async fn open(server: &DemoServer, keys: &[(&str, &[&str])]) -> Runner {
    let overrides = keys
        .iter()
        .map(|(k, v)| (k.to_string(), v.iter().map(|s| s.to_string()).collect()))
        .collect();
    let (keymap, problems) = Keymap::default().with_overrides(&overrides);
    assert_eq!(problems, Vec::<String>::new());
    let options = AppOptions {
        api_label: "demo".into(),
        api_url: server.url(),
        keymap,
        ..Default::default()
    };
    let opened = App::new(options, server.first_id());
    Runner::start(&server.url(), server.token(), opened).await
}

/// Replaces the title (the sixth field) with `text`.
async fn retitle(s: &mut Runner, text: &str) {
    for _ in 0..5 {
        s.key(KeyCode::Tab).await;
    }
    s.ctrl('u').await;
    s.app.update(Msg::Paste(text.into()));
}

fn in_review(s: &Runner) -> bool {
    matches!(s.app.overlay(), Some(Overlay::Review(_)))
}

fn puts(server: &DemoServer) -> Vec<String> {
    bodies(server, "PUT")
}

/// The screen's last row (the test backend quotes every row).
fn footer(screen: &str) -> &str {
    let last = screen.lines().last().unwrap_or_default();
    last.trim_matches('"')
}

#[tokio::test]
async fn rebound_review_keys_act_and_are_named_in_the_dialog_footer_and_help() {
    let server = DemoServer::start(0).await.unwrap();
    let mut s = open(
        &server,
        &[("send", &["s"]), ("copy_curl", &["k"]), ("deny", &["esc"])],
    )
    .await;
    retitle(&mut s, "CTO").await;
    s.ctrl('s').await;
    assert!(in_review(&s));
    let screen = s.screen(80, 24);
    assert_snapshot!("review_rebound", screen);
    let dialog_line = "│ s send · k copy as curl · Esc back to the form";
    assert!(screen.contains(dialog_line), "{screen}");
    assert!(
        footer(&screen).starts_with(" s send · k copy as curl · ↑↓ scroll · Esc back to the form"),
        "{screen}"
    );

    // The old keys no longer act: y and Enter do not send, n does not go back.
    s.type_text("y").await;
    s.key(KeyCode::Enter).await;
    s.type_text("n").await;
    s.type_text("c").await;
    assert!(in_review(&s));
    assert_eq!(puts(&server), Vec::<String>::new());
    assert!(s.copied.is_empty());

    s.type_text("k").await;
    assert_eq!(s.copied.len(), 1);
    assert!(s.copied[0].contains("\"title\":\"CTO\""), "{:?}", s.copied);
    assert!(footer(&s.screen(80, 24)).starts_with(" s send · k copied ✓"));

    s.type_text("s").await;
    assert!(!in_review(&s));
    assert_eq!(
        puts(&server),
        vec![r#"{"contact":{"first_name":"Avery","title":"CTO"}}"#.to_string()]
    );

    s.key(KeyCode::F(1)).await;
    let help = s.screen(80, 40);
    for row in [
        "│ s                     review: send",
        "│ k                     review: copy the request as curl",
        "│ Esc                   no · back · close the dialog",
    ] {
        assert!(help.contains(row), "missing {row:?} in\n{help}");
    }
    assert!(
        footer(&help).starts_with(" ↑↓ scroll · Esc close"),
        "{help}"
    );
}

#[tokio::test]
async fn rebound_conflict_keys_act_and_are_named_in_the_dialog_and_footer() {
    let server = DemoServer::start(0).await.unwrap();
    let mut s = open(&server, &[("overwrite", &["w"]), ("take_theirs", &["t"])]).await;
    retitle(&mut s, "CTO").await;
    let theirs = linq_contact::api::ContactPatch {
        title: Some("CEO".into()),
        ..Default::default()
    };
    server.external_edit(server.first_id(), &theirs).unwrap();
    s.ctrl('s').await;
    assert!(in_review(&s));
    let screen = s.screen(80, 30);
    assert!(
        screen.contains("w sends your values for every changed field; t takes theirs"),
        "{screen}"
    );
    assert!(screen.contains("│ w overwrite theirs · t use theirs · n/Esc back to the form"));
    assert!(
        footer(&screen)
            .starts_with(" w overwrite theirs · t use theirs · ↑↓ scroll · n/Esc back to the form"),
        "{screen}"
    );
    s.type_text("o").await;
    s.type_text("r").await;
    assert!(in_review(&s), "o and r no longer answer the conflict");
    s.type_text("w").await;
    assert!(!in_review(&s));
    assert_eq!(
        puts(&server),
        vec![r#"{"contact":{"first_name":"Avery","title":"CTO"}}"#.to_string()]
    );
    assert_eq!(server.contact(server.first_id()).unwrap().title, "CTO");
}

#[tokio::test]
async fn rebound_question_keys_act_and_are_named() {
    let server = DemoServer::start(0).await.unwrap();
    // (k and y are keys of other dialogs where "deny" also acts.)
    let mut s = open(&server, &[("confirm", &["d"]), ("deny", &["x", "esc"])]).await;
    retitle(&mut s, "CTO").await;
    s.ctrl('q').await;
    let screen = s.screen(80, 24);
    assert!(screen.contains("│ d/Ctrl-Q quit · x/Esc stay"), "{screen}");
    assert!(
        footer(&screen).starts_with(" d/Ctrl-Q quit · x/Esc stay"),
        "{screen}"
    );
    s.type_text("y").await;
    s.type_text("n").await;
    assert!(!s.app.should_quit());
    assert!(s.app.overlay().is_some(), "y and n no longer answer");
    s.type_text("x").await;
    assert!(s.app.overlay().is_none(), "x says no");
    s.ctrl('q').await;
    let effects = s.app.update(Msg::Key(KeyEvent::new(
        KeyCode::Char('d'),
        KeyModifiers::NONE,
    )));
    assert_eq!(
        effects,
        vec![
            Effect::DeleteDraft {
                id: server.first_id()
            },
            Effect::Quit
        ]
    );
}

#[test]
fn help_ends_with_the_dialogs_keys_and_the_paths() {
    let mut app = app(false);
    app.update(Msg::Resize(80, 24));
    app.update(Msg::Key(KeyEvent::new(KeyCode::F(1), KeyModifiers::NONE)));
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    linq_contact::ui::render(&mut app, &mut terminal).unwrap();
    // Past the end: the help stops at its last line.
    for _ in 0..3 {
        app.update(Msg::Key(KeyEvent::new(
            KeyCode::PageDown,
            KeyModifiers::NONE,
        )));
        linq_contact::ui::render(&mut app, &mut terminal).unwrap();
    }
    assert_snapshot!("help_scrolled", terminal.backend().to_string());
}
