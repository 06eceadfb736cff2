//! The editor's header names the profile in use, in its colour; a production profile's
//! header is red and says "production" (for whoever does not see the red). Each snapshot
//! is the header row and, under it, a code per cell: `c` on cyan, `r` on red, `R`
//! reversed, `B` bold, `.` plain.

mod common;
use common::{ada, first_load};

use insta::assert_snapshot;
use linq_contact::app::{App, AppOptions, Msg};
use linq_contact::config::Profile;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::{Color, Modifier};

fn header(profile: Profile, monochrome: bool, width: u16) -> String {
    let options = AppOptions {
        api_label: "api.example.test".into(),
        profile,
        monochrome,
        ..Default::default()
    };
    let (mut app, effects) = App::new(options, 1001);
    app.update(Msg::Loaded {
        generation: first_load(&effects),
        result: Ok(ada()),
    });
    let mut terminal = Terminal::new(TestBackend::new(width, 24)).unwrap();
    terminal
        .draw(|f| {
            linq_contact::ui::draw(&app, f);
        })
        .unwrap();
    let buffer = terminal.backend().buffer();
    let (mut text, mut codes) = (String::new(), String::new());
    for x in 0..width {
        let cell = &buffer[(x, 0)];
        text.push_str(cell.symbol());
        codes.push(match cell.bg {
            Color::Cyan => 'c',
            Color::Red => 'r',
            _ if cell.modifier.contains(Modifier::REVERSED) => 'R',
            _ if cell.modifier.contains(Modifier::BOLD) => 'B',
            _ => '.',
        });
    }
    format!("{text}\n{codes}\n")
}

fn staging() -> Profile {
    Profile {
        name: "staging".into(),
        color: Some(Color::Cyan),
        production: false,
    }
}

fn prod() -> Profile {
    Profile {
        name: "prod".into(),
        color: None,
        production: true,
    }
}

#[test]
fn a_named_profile_is_drawn_in_its_colour_before_the_server() {
    assert_snapshot!("staging_80", header(staging(), false, 80));
    // Narrow: the server's name goes before the profile's.
    assert_snapshot!("staging_60", header(staging(), false, 60));
}

#[test]
fn a_production_header_is_red_and_says_so() {
    assert_snapshot!("prod_80", header(prod(), false, 80));
    assert_snapshot!("prod_80_monochrome", header(prod(), true, 80));
}

#[test]
fn the_default_profile_leaves_the_header_as_it_was() {
    let line = header(Profile::default(), false, 80);
    assert!(!line.contains("default"), "{line}");
    assert!(
        line.lines().nth(1).unwrap().chars().all(|c| c == 'R'),
        "{line}"
    );
}
