//! Drawing: pure functions from `&App` to cells. No state lives here.

mod form;
mod help;
mod overlay;
mod picker;
mod status;
pub mod theme;
mod widgets;

use crate::app::{App, Overlay, Status};
use crate::keymap::Action;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use theme::Theme;

/// Below this the layout cannot show a field and its label; a notice is drawn instead.
pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 18;
/// From this width the form and the status pane stand side by side.
const WIDE: u16 = 110;

/// Where each part of the screen goes; `None` below the minimum size.
struct Areas {
    header: Rect,
    body: Rect,
    footer: Rect,
    form: Rect,
    status: Rect,
}

fn layout(area: Rect) -> Option<Areas> {
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        return None;
    }
    let [header, body, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(1),
    ])
    .areas(area);
    let [form, status] = if area.width >= WIDE {
        // The form keeps at least its 80-column width; the status pane takes the rest.
        Layout::horizontal([Constraint::Min(70), Constraint::Percentage(42)]).areas(body)
    } else {
        Layout::vertical([Constraint::Length(form::HEIGHT), Constraint::Min(0)]).areas(body)
    };
    Some(Areas {
        header,
        body,
        footer,
        form,
        status,
    })
}

/// What a mouse click at (`col`, `row`) of a `size` screen points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hit {
    Field(crate::form::Field),
    Status,
}

pub fn hit(app: &App, size: Rect, col: u16, row: u16) -> Option<Hit> {
    let areas = layout(size)?;
    let at = ratatui::layout::Position::new(col, row);
    if areas.form.contains(at) {
        form::field_at(app, areas.form, row).map(Hit::Field)
    } else {
        areas.status.contains(at).then_some(Hit::Status)
    }
}

pub fn draw(app: &App, frame: &mut Frame) {
    let theme = Theme::new(app.options().monochrome);
    let area = frame.area();
    let Some(areas) = layout(area) else {
        draw_too_small(frame, area);
        return;
    };
    draw_header(app, &theme, frame, areas.header);
    let cursor = form::draw(app, &theme, frame, areas.form);
    status::draw(app, &theme, frame, areas.status);
    draw_footer(app, &theme, frame, areas.footer);
    let cursor = match app.overlay() {
        Some(overlay) => overlay::draw(app, overlay, &theme, frame, areas.body),
        None => cursor,
    };
    if let Some(pos) = cursor {
        frame.set_cursor_position(pos);
    }
}

fn draw_too_small(frame: &mut Frame, area: Rect) {
    let text = vec![
        Line::from("terminal too small"),
        Line::from(format!("need {MIN_WIDTH}×{MIN_HEIGHT}")),
        Line::from(format!("have {}×{}", area.width, area.height)),
        Line::from("resize to go on"),
    ];
    frame.render_widget(Paragraph::new(text), area);
}

fn draw_header(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let title = match app.record() {
        Some(c) if c.full_name.trim().is_empty() => format!(" linq-contact · contact {}", c.id),
        Some(c) => format!(
            " linq-contact · contact {} · {}",
            c.id,
            crate::text::sanitize(&c.full_name)
        ),
        None => format!(
            " linq-contact · {}",
            crate::text::sanitize(&app.target().describe())
        ),
    };
    let right = format!("{} ", app.options().api_label);
    let line = widgets::spread(&title, &right, area.width);
    frame.render_widget(Paragraph::new(line).style(theme.bar()), area);
}

fn draw_footer(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    // Keys the user may have rebound are named as configured.
    let keymap = &app.options().keymap;
    let k = |a: Action| keymap.short_label(a);
    let fixed = |pairs: &[(&str, &'static str)]| -> Vec<(String, &'static str)> {
        pairs
            .iter()
            .map(|(key, what)| (key.to_string(), *what))
            .collect()
    };
    let hints: Vec<(String, &str)> = match app.overlay() {
        Some(Overlay::Review { conflicts, .. })
            if conflicts.is_empty() && matches!(app.status(), Status::Copied) =>
        {
            fixed(&[
                ("Enter/y", "send"),
                ("c", "copied ✓"),
                ("↑↓", "scroll"),
                ("Esc", "back"),
            ])
        }
        Some(Overlay::Review { conflicts, .. }) if conflicts.is_empty() => fixed(&[
            ("Enter/y", "send"),
            ("c", "copy as curl"),
            ("↑↓", "scroll"),
            ("Esc", "back"),
        ]),
        Some(Overlay::Review { .. }) => fixed(&[
            ("o", "overwrite theirs"),
            ("r", "use theirs"),
            ("Esc", "back to the form"),
        ]),
        Some(Overlay::Open { .. }) => fixed(&[("Enter", "open"), ("Esc", "cancel")]),
        Some(Overlay::Picker(_)) => fixed(&[
            ("↑↓ PgUp/PgDn", "move"),
            ("type", "filter"),
            ("Enter", "open"),
            ("Esc", "close"),
        ]),
        Some(Overlay::ConfirmLeave(_)) => fixed(&[("y", "discard and leave"), ("n/Esc", "stay")]),
        Some(Overlay::Help) => fixed(&[("↑↓", "scroll"), ("Esc", "close")]),
        Some(Overlay::RestoreDraft(_)) => fixed(&[("y", "restore"), ("n", "discard the draft")]),
        Some(Overlay::ConfirmQuit) => vec![
            (format!("y/{}", k(Action::Quit)), "quit"),
            ("n/Esc".into(), "stay"),
        ],
        Some(Overlay::ConfirmReload) => fixed(&[("y", "discard and reload"), ("n/Esc", "stay")]),
        None if app.is_busy() => vec![
            ("Esc".into(), "cancel the request"),
            (k(Action::Quit), "quit"),
        ],
        None if app.form().is_none() => vec![
            (k(Action::Reload), "retry"),
            (k(Action::Open), "open"),
            (k(Action::Picker), "pick"),
            (k(Action::Quit), "quit"),
        ],
        // Most needed first: what does not fit is dropped from the end.
        None => vec![
            (k(Action::Review), "review"),
            (k(Action::Quit), "quit"),
            (k(Action::Help), "help"),
            (k(Action::Revert), "revert"),
            (k(Action::Undo), "undo"),
            (k(Action::Open), "open"),
            (k(Action::Picker), "pick"),
            (k(Action::NextField), "move"),
        ],
    };
    let mut spans = vec![Span::raw(" ")];
    let mut used = 1;
    for (i, (key, what)) in hints.iter().enumerate() {
        let sep = if i > 0 { " · " } else { "" };
        let cost = widgets::width(sep) + widgets::width(key) + 1 + widgets::width(what);
        if used + cost > usize::from(area.width) {
            break;
        }
        used += cost;
        spans.push(Span::styled(sep, theme.dim()));
        spans.push(Span::styled(key.clone(), theme.key()));
        spans.push(Span::raw(format!(" {what}")));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
