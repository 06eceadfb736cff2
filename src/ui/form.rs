//! The form pane: eight editable fields and a line of read-only facts.

use super::theme::Theme;
use super::widgets;
use crate::app::App;
use crate::form::Field;
use crate::text::sanitize;
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

/// Borders, the fields, a note under the focused field, and the facts line.
pub const HEIGHT: u16 = 2 + Field::COUNT as u16 + 1 + 1;
const LABEL_COLS: usize = crate::form::LABEL_WIDTH;
/// "› " + label + " " + marker + " ".
const PREFIX_COLS: usize = 2 + LABEL_COLS + 1 + 2;

/// Draws the form; returns where the terminal cursor belongs (in the focused field).
pub fn draw(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) -> Option<Position> {
    let many = app.editing().and_then(|e| e.many.as_deref());
    let title = match many {
        Some(many) => format!(
            " {} contacts: what you type changes all of them ",
            many.read.len()
        ),
        None => " Contact ".to_string(),
    };
    let block = Block::bordered().title(title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let (Some(form), Some(record)) = (app.form(), app.record()) else {
        return None;
    };
    let value_cols = usize::from(inner.width).saturating_sub(PREFIX_COLS);
    let problems = form.problems();
    let mut lines = Vec::with_capacity(10);
    let mut cursor = None;
    let mut noted = false;
    for (row, f) in Field::ALL.into_iter().enumerate() {
        let focused = f == app.focus();
        let dirty = form.is_dirty(f);
        let problem = problem(app, &problems, f);
        let invalid = problem.is_some();
        let (marker, marker_style) = match (dirty, invalid) {
            (_, true) => ("!", theme.error()),
            (true, false) => ("●", theme.dirty()),
            _ => (" ", theme.label()),
        };
        let input = form.input(f);
        // Control characters have no width; dropping them keeps the cursor maths exact.
        let shown: String = input.value().chars().filter(|c| !c.is_control()).collect();
        let skip = if focused {
            input.visual_scroll(value_cols.saturating_sub(1))
        } else {
            0
        };
        let visible = if focused {
            widgets::window(&shown, skip, value_cols)
        } else {
            widgets::fit(&shown, value_cols)
        };
        let label_style = if focused {
            theme.focused_label()
        } else {
            theme.label()
        };
        lines.push(Line::from(vec![
            Span::styled(if focused { "› " } else { "  " }, theme.focused_label()),
            Span::styled(format!("{:<LABEL_COLS$}", f.label()), label_style),
            Span::raw(" "),
            Span::styled(marker, marker_style),
            Span::raw(" "),
            Span::styled(
                visible,
                if focused {
                    theme.focused_value()
                } else {
                    theme.label()
                },
            ),
        ]));
        if focused {
            if let Some((text, is_error)) = note(form, f, problem) {
                let style = if is_error { theme.error() } else { theme.dim() };
                lines.push(Line::from(vec![
                    Span::raw(" ".repeat(PREFIX_COLS)),
                    Span::styled(
                        widgets::fit(&text, usize::from(inner.width).saturating_sub(PREFIX_COLS)),
                        style,
                    ),
                ]));
                noted = true;
            }
            let col = input.visual_cursor().saturating_sub(skip).min(value_cols);
            cursor = Some(Position::new(
                inner.x + (PREFIX_COLS + col) as u16,
                inner.y + row as u16,
            ));
        }
    }
    if !noted {
        lines.push(Line::from(""));
    }
    let owner = sanitize(record.owner_name());
    let facts = if let Some(many) = many {
        let ids: Vec<String> = many.read.iter().map(|c| c.id.to_string()).collect();
        format!("  ids {}", ids.join(", "))
    } else if app.is_new_contact() {
        "  new contact · not on the server yet".to_string()
    } else {
        format!(
            "  id {} · owner {} · updated {}",
            record.id,
            if owner.is_empty() { "—" } else { &owner },
            short_time(&record.updated_at)
        )
    };
    lines.push(Line::styled(
        widgets::fit(&facts, usize::from(inner.width)),
        theme.dim(),
    ));
    frame.render_widget(Paragraph::new(lines), inner);
    cursor.filter(|p| p.x < inner.right() && p.y < inner.bottom())
}

/// What is wrong with field `f`: the client's own check first, then the server's word.
fn problem(app: &App, problems: &[crate::form::Problem], f: Field) -> Option<String> {
    problems
        .iter()
        .find(|p| p.field == Some(f))
        .map(|p| p.message.clone())
        .or_else(|| {
            app.server_problems()
                .iter()
                .find(|(pf, _)| *pf == f)
                .map(|(_, m)| format!("server: {}", sanitize(m)))
        })
}

/// The line under the focused field: its problem, or how a phone will be sent.
/// `(text, is_error)`.
fn note(form: &crate::form::Form, f: Field, problem: Option<String>) -> Option<(String, bool)> {
    if let Some(p) = problem {
        return Some((format!("↳ {p}"), true));
    }
    if let Some(w) = form.warning(f) {
        return Some((format!("↳ ⚠ {w}"), true));
    }
    let sent = form.outgoing(f).ok()?;
    (form.is_dirty(f) && f == Field::Phone && sent != form.value(f).trim())
        .then(|| (format!("↳ will be sent as {sent}"), false))
}

/// The field drawn on screen row `row` of the form pane `area`, for mouse clicks.
pub fn field_at(app: &App, area: Rect, row: u16) -> Option<Field> {
    let form = app.form()?;
    let first = area.y + 1;
    let r = usize::from(row.checked_sub(first)?);
    let focus = app.focus().index();
    let noted = note(
        form,
        app.focus(),
        problem(app, &form.problems(), app.focus()),
    )
    .is_some();
    let index = match r {
        r if r <= focus || !noted => r,
        r if r == focus + 1 => return None,
        r => r - 1,
    };
    Field::ALL.get(index).copied()
}

/// "2025-07-30T10:00:00.000-05:00" → "2025-07-30 10:00 -05:00"; anything else as sent.
pub fn short_time(s: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(s) {
        Ok(t) => t.format("%Y-%m-%d %H:%M %:z").to_string(),
        Err(_) => sanitize(s),
    }
}
