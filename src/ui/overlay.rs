//! Modal layers: the review of what will be sent, and yes/no questions.

use super::theme::Theme;
use crate::app::{App, Overlay};
use crate::form::Plan;
use crate::text::sanitize;
use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Padding, Paragraph, Wrap};

pub fn draw(app: &App, overlay: &Overlay, theme: &Theme, frame: &mut Frame, area: Rect) {
    let (title, lines) = match overlay {
        Overlay::Review(plan) => (
            " Review: what will be sent ",
            review_lines(app, plan, theme),
        ),
        Overlay::ConfirmQuit => (
            " Quit? ",
            question("You have unsaved changes. Discard them and quit?", theme),
        ),
        Overlay::ConfirmReload => (
            " Reload? ",
            question(
                "You have unsaved changes. Discard them and reload from the server?",
                theme,
            ),
        ),
    };
    let width = area.width.saturating_sub(4).min(90);
    // Borders and padding take four columns and two rows.
    let height = (wrapped_rows(&lines, width.saturating_sub(4)) + 2).min(area.height);
    let popup = centred(area, width, height);
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines)
            .block(
                Block::bordered()
                    .title(title)
                    .border_style(theme.heading())
                    .padding(Padding::horizontal(1)),
            )
            .wrap(Wrap { trim: false }),
        popup,
    );
}

/// Rows the lines take once wrapped at `cols` columns.
fn wrapped_rows(lines: &[Line], cols: u16) -> u16 {
    let cols = usize::from(cols.max(1));
    let rows: usize = lines.iter().map(|l| l.width().div_ceil(cols).max(1)).sum();
    u16::try_from(rows).unwrap_or(u16::MAX)
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

fn question(text: &str, theme: &Theme) -> Vec<Line<'static>> {
    vec![
        Line::from(text.to_string()),
        Line::from(""),
        Line::from(vec![
            Span::styled("y", theme.key()),
            Span::raw(" yes · "),
            Span::styled("n", theme.key()),
            Span::raw("/"),
            Span::styled("Esc", theme.key()),
            Span::raw(" no"),
        ]),
    ]
}

fn shown(value: &str) -> String {
    if value.is_empty() {
        "(empty)".into()
    } else {
        sanitize(value)
    }
}

fn review_lines(app: &App, plan: &Plan, theme: &Theme) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    for change in &plan.changes {
        out.push(Line::from(vec![
            Span::styled(format!("{:<11} ", change.field.label()), theme.heading()),
            Span::raw(shown(&change.old)),
            Span::styled(" → ", theme.dirty()),
            Span::styled(shown(&change.new), theme.dirty()),
        ]));
        if let Some(typed) = &change.typed {
            out.push(Line::styled(
                format!(
                    "{:<12}typed \"{}\", sent as {}",
                    "",
                    sanitize(typed),
                    change.new
                ),
                theme.dim(),
            ));
        }
    }
    if let Some((field, value)) = &plan.required_unchanged {
        out.push(Line::from(vec![
            Span::styled(format!("{:<11} ", field.label()), theme.heading()),
            Span::raw(shown(value)),
            Span::styled("  sent unchanged: required by the API", theme.dim()),
        ]));
    }
    out.push(Line::from(""));
    out.push(Line::styled(
        format!("PUT /api/partner/v2/contacts/{}", app.contact_id()),
        theme.heading(),
    ));
    out.extend(
        plan.patch
            .body_pretty()
            .lines()
            .map(|l| Line::from(sanitize(l))),
    );
    out.push(Line::from(""));
    out.push(Line::from(vec![
        Span::styled("Enter", theme.key()),
        Span::raw("/"),
        Span::styled("y", theme.key()),
        Span::raw(" send · "),
        Span::styled("Esc", theme.key()),
        Span::raw(" back to the form"),
    ]));
    out
}
