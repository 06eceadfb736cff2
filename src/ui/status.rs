//! The status pane: what is happening, what the server said.

use super::form::short_time;
use super::theme::Theme;
use crate::api::ApiError;
use crate::app::{App, Status};
use crate::form::{Field, PlanError};
use crate::text::sanitize;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Padding, Paragraph, Wrap};

const SPINNER: [&str; 8] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧"];

pub fn draw(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let lines = lines(app, theme);
    frame.render_widget(
        Paragraph::new(lines)
            .block(
                Block::bordered()
                    .title(" Status ")
                    .padding(Padding::horizontal(1)),
            )
            .wrap(Wrap { trim: false }),
        area,
    );
}

fn lines(app: &App, theme: &Theme) -> Vec<Line<'static>> {
    let spin = SPINNER[app.spinner() % SPINNER.len()];
    let mut out = match app.status() {
        Status::Loading => vec![Line::from(format!(
            "{spin} Loading contact {}…",
            app.contact_id()
        ))],
        Status::Saving => vec![Line::from(format!("{spin} Saving…"))],
        Status::Loaded => vec![Line::from(format!(
            "Loaded contact {}. Edit a field, then Ctrl-S to review.",
            app.contact_id()
        ))],
        Status::Info(text) => vec![Line::from(text.clone())],
        Status::Saved { changed } => saved(app, changed, theme),
        Status::LoadFailed(e) => load_failed(app, e, theme),
        Status::SaveFailed(e) => {
            let mut l = error_lines("✗ Save failed: ", e, theme);
            l.push(Line::from(
                "Your edits are kept. Ctrl-S to review and send again.",
            ));
            l
        }
        Status::Blocked(e) => blocked(e, theme),
    };
    if app.form().is_some_and(|f| f.is_any_dirty()) && !matches!(app.status(), Status::Blocked(_)) {
        let dirty = app.form().map(|f| f.dirty_fields()).unwrap_or_default();
        let names: Vec<&str> = dirty.iter().map(|f| f.label()).collect();
        out.push(Line::from(vec![
            Span::styled("● ", theme.dirty()),
            Span::raw(format!("unsaved: {} (Ctrl-S to review)", names.join(", "))),
        ]));
    }
    out
}

fn saved(app: &App, changed: &[Field], theme: &Theme) -> Vec<Line<'static>> {
    let Some(record) = app.record() else {
        return Vec::new();
    };
    let mut out = vec![Line::from(vec![
        Span::styled("✓ Saved", theme.ok()),
        Span::raw(format!(
            " at {}. The server now has:",
            short_time(&record.updated_at)
        )),
    ])];
    for f in Field::ALL {
        let is_changed = changed.contains(&f);
        let style = if is_changed {
            theme.ok()
        } else {
            theme.label()
        };
        out.push(Line::from(vec![
            Span::styled(if is_changed { "* " } else { "  " }, style),
            Span::styled(format!("{:<11} ", f.label()), style),
            Span::styled(sanitize(f.of(record)), style),
        ]));
    }
    out
}

fn load_failed(app: &App, e: &ApiError, theme: &Theme) -> Vec<Line<'static>> {
    let mut l = if e.is_not_found() {
        let mut l = vec![Line::styled(
            format!("✗ Contact {} not found (HTTP 404).", app.contact_id()),
            theme.error(),
        )];
        l.extend(
            e.detail_lines()
                .into_iter()
                .map(|d| Line::from(format!("  {d}"))),
        );
        l
    } else {
        error_lines(
            &format!("✗ Could not load contact {}: ", app.contact_id()),
            e,
            theme,
        )
    };
    l.push(Line::from(if app.form().is_some() {
        "Your edits are kept. Ctrl-R to try again."
    } else {
        "Ctrl-R to try again, Ctrl-Q to quit."
    }));
    l
}

fn error_lines(prefix: &str, e: &ApiError, theme: &Theme) -> Vec<Line<'static>> {
    let mut out = vec![Line::styled(
        format!("{prefix}{}", e.headline()),
        theme.error(),
    )];
    out.extend(
        e.detail_lines()
            .into_iter()
            .map(|d| Line::from(format!("  {}", sanitize(&d)))),
    );
    out
}

fn blocked(e: &PlanError, theme: &Theme) -> Vec<Line<'static>> {
    match e {
        PlanError::NothingChanged => vec![Line::from("Nothing to send: no field has changed.")],
        PlanError::Invalid(problems) => {
            let mut out = vec![Line::styled(
                "✗ Cannot send yet; fix these first:",
                theme.error(),
            )];
            out.extend(problems.iter().map(|p| {
                Line::from(match p.field {
                    Some(f) => format!("! {}: {}", f.label(), p.message),
                    None => format!("! {}", p.message),
                })
            }));
            out
        }
    }
}
