//! Styles. The default theme uses only the 16 ANSI colours (readable on dark and light
//! backgrounds); monochrome uses attributes only. Meaning never rests on colour alone:
//! every coloured state also has a symbol or an attribute.

use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Theme {
    pub monochrome: bool,
}

impl Theme {
    pub fn new(monochrome: bool) -> Self {
        Self { monochrome }
    }

    fn colour(&self, c: Color) -> Style {
        if self.monochrome {
            Style::new()
        } else {
            Style::new().fg(c)
        }
    }

    pub fn bar(&self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }

    /// The header of a production profile: red, so that no one mistakes it for another
    /// (and the word "production" in it, for whoever does not see the red).
    pub fn production_bar(&self) -> Style {
        if self.monochrome {
            self.bar().add_modifier(Modifier::BOLD)
        } else {
            Style::new()
                .bg(Color::Red)
                .fg(Color::White)
                .add_modifier(Modifier::BOLD)
        }
    }

    /// The profile's name in the header: on its colour, when it has one.
    pub fn profile_badge(&self, colour: Option<Color>) -> Style {
        match colour {
            Some(c) if !self.monochrome => Style::new()
                .bg(c)
                .fg(Color::Black)
                .add_modifier(Modifier::BOLD)
                .remove_modifier(Modifier::REVERSED),
            _ => Style::new().add_modifier(Modifier::BOLD),
        }
    }

    pub fn label(&self) -> Style {
        Style::new()
    }

    pub fn focused_label(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    pub fn focused_value(&self) -> Style {
        Style::new().add_modifier(Modifier::UNDERLINED)
    }

    pub fn dirty(&self) -> Style {
        self.colour(Color::Yellow).add_modifier(Modifier::BOLD)
    }

    pub fn error(&self) -> Style {
        self.colour(Color::Red).add_modifier(Modifier::BOLD)
    }

    pub fn ok(&self) -> Style {
        self.colour(Color::Green).add_modifier(Modifier::BOLD)
    }

    pub fn dim(&self) -> Style {
        if self.monochrome {
            Style::new().add_modifier(Modifier::DIM)
        } else {
            Style::new().fg(Color::DarkGray)
        }
    }

    pub fn key(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    /// The characters a search matched.
    pub fn matched(&self) -> Style {
        self.colour(Color::Yellow)
            .add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }

    pub fn heading(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }
}
