//! The open prompt: one line of text, and why what was typed cannot be opened.

use super::{Body, Draw, Look, View};
use crate::dialogs::open::OpenPrompt;
use crate::keymap::{Action, Hint};
use crate::text::sanitize;
use crate::ui::widgets;
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

const PROMPT: &str = "Id, e-mail or phone: ";

impl Draw for OpenPrompt {
    fn look(&self, _view: &View) -> Look {
        Look::new(
            "Open a contact",
            Body::Box {
                width: 70,
                height: 6,
            },
            vec![Hint::of(Action::Choose, "open")],
        )
    }

    fn draw_inside(&self, view: &View, frame: &mut Frame, inner: Rect) -> Option<Position> {
        let theme = view.theme;
        let field_cols = usize::from(inner.width).saturating_sub(PROMPT.len() + 1);
        let scroll = self.input.visual_scroll(field_cols);
        let shown = widgets::window(&sanitize(self.input.value()), scroll, field_cols);
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
}
