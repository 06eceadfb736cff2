//! The one frame every dialog sits in: cleared space, a border with the title, the
//! contents (wrapped and scrolled, or drawn by the dialog), and the hint line.

use super::{Body, Look, View, drawing, hint_line};
use crate::dialogs::Overlay;
use crate::keymap::{Keys, Scope};
use crate::ui::theme::Theme;
use crate::ui::widgets::wrapped_rows;
use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Margin, Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Padding, Paragraph, Wrap};

/// Text dialogs are at most this wide, so lines stay readable on wide terminals.
const TEXT_WIDTH: u16 = 90;

/// Draws `overlay`, which looks as `look`, over `area` (the body of the screen). Returns
/// where the cursor goes, for a dialog with a line of text, and how far the dialog can
/// scroll.
pub fn draw(
    overlay: &Overlay,
    look: Look,
    view: &View,
    frame: &mut Frame,
    area: Rect,
) -> (Option<Position>, u16) {
    let hints = hint_spans(
        &hint_line(overlay.dialog(), &look, view.keymap, false),
        view.theme,
    );
    let block = Block::bordered()
        .title(format!(" {} ", look.title))
        .border_style(view.theme.heading())
        .padding(Padding::horizontal(1));
    let dialog = drawing(overlay);
    match look.body {
        Body::Text(mut lines) => {
            lines.push(Line::from(""));
            lines.push(hints);
            draw_text(lines, block, view, frame, area)
        }
        Body::Box { width, height } => {
            let popup = centred(area, area.width.saturating_sub(4).min(width), height);
            clear_around(frame, popup, area);
            let inner = block.inner(popup);
            frame.render_widget(block, popup);
            let [inside, hint_row] =
                Layout::vertical([Constraint::Min(0), Constraint::Length(1)]).areas(inner);
            frame.render_widget(Paragraph::new(hints), hint_row);
            (dialog.draw_inside(view, frame, inside), 0)
        }
        Body::Fill => {
            frame.render_widget(Clear, area);
            let block = match look.note {
                Some(note) => block.title_bottom(Line::from(note).right_aligned()),
                None => block,
            };
            let inner = block.inner(area);
            frame.render_widget(block, area);
            (dialog.draw_inside(view, frame, inner), 0)
        }
    }
}

/// A text dialog: as tall as its wrapped lines, scrolled when the screen is shorter.
fn draw_text(
    lines: Vec<Line<'static>>,
    block: Block<'static>,
    view: &View,
    frame: &mut Frame,
    area: Rect,
) -> (Option<Position>, u16) {
    let width = area.width.saturating_sub(2).min(TEXT_WIDTH);
    // Borders and padding take four columns and two rows.
    let rows = wrapped_rows(&lines, width.saturating_sub(4));
    let height = (rows + 2).min(area.height);
    let max_scroll = rows.saturating_sub(height.saturating_sub(2));
    let scroll = view.scroll.min(max_scroll);
    let popup = centred(area, width, height);
    clear_around(frame, popup, area);
    let mut block = block;
    if max_scroll > 0 {
        let keys = view
            .keymap
            .hint_keys(&[Keys::Scroll], Scope::Help)
            .unwrap_or_default();
        let more = if scroll < max_scroll {
            format!("↓ more · {keys} scroll")
        } else {
            format!("{keys} scroll")
        };
        block = block.title_bottom(Line::from(format!(" {more} ")).right_aligned());
    }
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .scroll((scroll, 0))
            .wrap(Wrap { trim: false }),
        popup,
    );
    (None, max_scroll)
}

/// Clears the popup and a blank column each side, so the form's text does not run into
/// the border.
fn clear_around(frame: &mut Frame, popup: Rect, area: Rect) {
    frame.render_widget(Clear, popup.outer(Margin::new(1, 0)).intersection(area));
}

fn centred(area: Rect, width: u16, height: u16) -> Rect {
    let [row] = Layout::vertical([Constraint::Length(height)])
        .flex(Flex::Center)
        .areas(area);
    let [cell] = Layout::horizontal([Constraint::Length(width)])
        .flex(Flex::Center)
        .areas(row);
    cell
}

/// "y yes · n/Esc no", keys in the key style.
fn hint_spans(hints: &[(String, String)], theme: &Theme) -> Line<'static> {
    let mut spans = Vec::new();
    for (i, (keys, what)) in hints.iter().enumerate() {
        if i > 0 {
            spans.push(Span::raw(" · "));
        }
        spans.push(Span::styled(keys.clone(), theme.key()));
        spans.push(Span::raw(format!(" {what}")));
    }
    Line::from(spans)
}
