//! Open another contact by id, e-mail or phone (any common format), typed on one line.

use super::{Dialog, KeyContext, Outcome, Shape, View};
use crate::form::line;
use crate::keymap::{Action, Hint, KeyEvent, Scope};
use crate::target::parse_target;
use crate::text::sanitize;
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use tui_input::Input;

#[derive(Debug, Clone, Default)]
pub struct OpenPrompt {
    pub input: Input,
    /// Why what was typed is not something to open; cleared by the next key.
    pub error: Option<String>,
}

const PROMPT: &str = "Id, e-mail or phone: ";

impl Dialog for OpenPrompt {
    fn scope(&self) -> Scope {
        Scope::Text
    }

    fn title(&self, _view: &View) -> String {
        "Open a contact".into()
    }

    fn shape(&self, _view: &View) -> Shape {
        Shape::Box {
            width: 70,
            height: 6,
        }
    }

    fn draw(&self, view: &View, frame: &mut Frame, inner: Rect) -> Option<Position> {
        let theme = view.theme;
        let field_cols = usize::from(inner.width).saturating_sub(PROMPT.len() + 1);
        let scroll = self.input.visual_scroll(field_cols);
        let shown = crate::ui::widgets::window(&sanitize(self.input.value()), scroll, field_cols);
        let note = match &self.error {
            Some(e) => Line::styled(format!("✗ {}", sanitize(e)), theme.error()),
            None => Line::styled("e.g. 1042, ana@example.com, +1 555 010 2000", theme.dim()),
        };
        let lines = vec![
            Line::from(vec![
                Span::styled(PROMPT, theme.heading()),
                Span::raw(shown),
            ]),
            Line::from(""),
            note,
        ];
        frame.render_widget(Paragraph::new(lines), inner);
        let x = inner.x + (PROMPT.len() + self.input.visual_cursor().saturating_sub(scroll)) as u16;
        (x < inner.right()).then(|| Position::new(x, inner.y))
    }

    fn hints(&self, _view: &View) -> Vec<Hint> {
        vec![Hint::of(Action::Choose, "open")]
    }

    fn way_out(&self) -> Option<&'static str> {
        Some("cancel")
    }

    fn on_key(&mut self, action: Option<Action>, key: &KeyEvent, cx: &KeyContext) -> Outcome {
        if action == Some(Action::Choose) {
            return match parse_target(self.input.value(), cx.region) {
                Ok(target) => Outcome::Open(target),
                Err(error) => {
                    self.error = Some(error);
                    Outcome::Stay
                }
            };
        }
        line::edit(&mut self.input, key);
        self.error = None;
        Outcome::Stay
    }

    fn text_input(&mut self) -> Option<&mut Input> {
        Some(&mut self.input)
    }

    fn text_changed(&mut self) {
        self.error = None;
    }
}
