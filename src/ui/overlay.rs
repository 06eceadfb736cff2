//! Modal layers: the review of what will be sent, and yes/no questions.

use super::theme::Theme;
use crate::app::{App, Overlay};
use crate::form::{Conflict, Field, Plan};
use crate::keymap::Action;
use crate::text::sanitize;
use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Padding, Paragraph, Wrap};

/// Draws `overlay`; returns where the cursor goes when the overlay has a text field, and
/// how far the overlay can scroll.
pub fn draw(
    app: &App,
    overlay: &Overlay,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
) -> (Option<Position>, u16) {
    let (title, lines) = match overlay {
        Overlay::Picker(picker) => {
            let retry = app.options().keymap.short_label(Action::Reload);
            return (super::picker::draw(picker, &retry, theme, frame, area), 0);
        }
        Overlay::Open { input, error } => {
            return (open_prompt(input, error.as_deref(), theme, frame, area), 0);
        }
        Overlay::SaveInFlight(departure) => (
            " A save is in flight ",
            question_with(
                &format!(
                    "Contact {id}'s save has not been answered yet. Wait for it, or {} now \
                     and check contact {id} later (its outcome will be unknown)?",
                    match departure {
                        crate::app::Departure::Open(target) =>
                            format!("open {}", target.describe()),
                        crate::app::Departure::Reload => "reload".to_string(),
                        crate::app::Departure::Quit => "quit".to_string(),
                    },
                    id = app.contact_id()
                ),
                &[("Enter/Esc", "wait (default)"), ("l", "leave now")],
                theme,
            ),
        ),
        Overlay::Help => (" Help ", super::help::lines(app, theme)),
        Overlay::ConfirmLeave(target) => (
            " Leave this contact? ",
            question(
                &format!(
                    "You have unsaved changes. Discard them and open {}?",
                    target.describe()
                ),
                theme,
            ),
        ),
        Overlay::Review { plan, conflicts } if conflicts.is_empty() => (
            " Review: what will be sent ",
            review_lines(app, plan, theme),
        ),
        Overlay::Review { plan, conflicts } => (
            " Conflict: someone else changed this contact ",
            conflict_lines(app, plan, conflicts, theme),
        ),
        Overlay::RestoreDraft(draft) => (
            " Unsent edits found ",
            question_with(
                &format!(
                    "Restore the edits to {} you left unsent at {}?",
                    draft
                        .values
                        .keys()
                        .filter_map(|k| Field::ALL.into_iter().find(|f| f.api_name() == k))
                        .collect::<std::collections::BTreeSet<_>>()
                        .into_iter()
                        .map(Field::label)
                        .collect::<Vec<_>>()
                        .join(", "),
                    super::form::short_time(&draft.saved_at)
                ),
                &[("y", "restore"), ("n", "discard the draft")],
                theme,
            ),
        ),
        Overlay::ConfirmQuit => (
            " Quit? ",
            question_with(
                if app.is_saving() {
                    "A save is on its way: quitting now leaves its outcome unknown (Ctrl-R \
                     after restarting shows what the server has). Quit anyway?"
                } else {
                    "You have unsaved changes. Discard them and quit?"
                },
                &[
                    (
                        &format!("y / {}", app.options().keymap.short_label(Action::Quit)),
                        "quit",
                    ),
                    ("n/Esc", "stay"),
                ],
                theme,
            ),
        ),
        Overlay::ConfirmReload => (
            " Reload? ",
            question(
                "You have unsaved changes. Discard them and reload from the server?",
                theme,
            ),
        ),
    };
    let width = area.width.saturating_sub(2).min(90);
    // Borders and padding take four columns and two rows.
    let rows = wrapped_rows(&lines, width.saturating_sub(4));
    let height = (rows + 2).min(area.height);
    let max_scroll = rows.saturating_sub(height.saturating_sub(2));
    let scroll = app.overlay_scroll().min(max_scroll);
    let popup = centred(area, width, height);
    // A blank column each side, so the form's text does not run into the border.
    frame.render_widget(
        Clear,
        popup
            .outer(ratatui::layout::Margin::new(1, 0))
            .intersection(area),
    );
    let mut block = Block::bordered()
        .title(title)
        .border_style(theme.heading())
        .padding(Padding::horizontal(1));
    if max_scroll > 0 {
        let more = if scroll < max_scroll {
            "↓ more · ↑↓ scroll"
        } else {
            "↑↓ scroll"
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

fn open_prompt(
    input: &tui_input::Input,
    error: Option<&str>,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
) -> Option<Position> {
    let width = area.width.saturating_sub(4).min(70);
    let popup = centred(area, width, 6);
    frame.render_widget(
        Clear,
        popup
            .outer(ratatui::layout::Margin::new(1, 0))
            .intersection(area),
    );
    let block = Block::bordered()
        .title(" Open a contact ")
        .border_style(theme.heading())
        .padding(Padding::horizontal(1));
    let inner = block.inner(popup);
    let prompt = "Id, e-mail or phone: ";
    let field_cols = usize::from(inner.width).saturating_sub(prompt.len() + 1);
    let scroll = input.visual_scroll(field_cols);
    let shown = super::widgets::window(&sanitize(input.value()), scroll, field_cols);
    let note = match error {
        Some(e) => Line::styled(format!("✗ {}", sanitize(e)), theme.error()),
        None => Line::styled("e.g. 1042, ana@example.com, +1 555 010 2000", theme.dim()),
    };
    let lines = vec![
        Line::from(vec![
            Span::styled(prompt, theme.heading()),
            Span::raw(shown),
        ]),
        Line::from(""),
        note,
        key_line(&[("Enter", "open"), ("Esc", "cancel")], theme),
    ];
    frame.render_widget(Paragraph::new(lines).block(block), popup);
    let x = inner.x + (prompt.len() + input.visual_cursor().saturating_sub(scroll)) as u16;
    (x < inner.right()).then(|| Position::new(x, inner.y))
}

/// Rows the lines take once word-wrapped at `cols` columns, as the paragraph will.
pub fn wrapped_rows(lines: &[Line], cols: u16) -> u16 {
    let rows = Paragraph::new(lines.to_vec())
        .wrap(Wrap { trim: false })
        .line_count(cols.max(1));
    u16::try_from(rows).unwrap_or(u16::MAX)
}

pub fn centred(area: Rect, width: u16, height: u16) -> Rect {
    let [row] = Layout::vertical([Constraint::Length(height)])
        .flex(Flex::Center)
        .areas(area);
    let [cell] = Layout::horizontal([Constraint::Length(width)])
        .flex(Flex::Center)
        .areas(row);
    cell
}

fn question(text: &str, theme: &Theme) -> Vec<Line<'static>> {
    question_with(text, &[("y", "yes"), ("n/Esc", "no")], theme)
}

fn question_with(text: &str, answers: &[(&str, &str)], theme: &Theme) -> Vec<Line<'static>> {
    vec![
        Line::from(text.to_string()),
        Line::from(""),
        key_line(answers, theme),
    ]
}

/// "y yes · n/Esc no", keys in the key style.
fn key_line(answers: &[(&str, &str)], theme: &Theme) -> Line<'static> {
    let mut spans = Vec::new();
    for (i, (key, what)) in answers.iter().enumerate() {
        if i > 0 {
            spans.push(Span::raw(" · "));
        }
        spans.push(Span::styled(key.to_string(), theme.key()));
        spans.push(Span::raw(format!(" {what}")));
    }
    Line::from(spans)
}

fn shown(value: &str) -> String {
    if value.is_empty() {
        "(empty)".into()
    } else {
        sanitize(value)
    }
}

fn conflict_lines(
    app: &App,
    plan: &Plan,
    conflicts: &[Conflict],
    theme: &Theme,
) -> Vec<Line<'static>> {
    let mut out = vec![
        Line::styled(
            "These fields changed on the server since you opened the contact:",
            theme.error(),
        ),
        Line::from(""),
    ];
    for c in conflicts {
        out.push(Line::styled(c.field.label().to_string(), theme.heading()));
        for (who, value) in [
            ("loaded", &c.loaded),
            ("theirs", &c.theirs),
            ("yours", &c.yours),
        ] {
            out.push(Line::from(format!("  {who:<7}{}", shown(value))));
        }
    }
    out.push(Line::from(""));
    out.push(Line::from(
        "o sends your values for every changed field; r takes theirs for the fields \
         above and keeps your other edits.",
    ));
    let mut body = body_lines(app, plan, theme);
    out.append(&mut body);
    out.push(Line::from(""));
    out.push(key_line(
        &[
            ("o", "overwrite theirs"),
            ("r", "use theirs"),
            ("Esc", "back to the form"),
        ],
        theme,
    ));
    out
}

fn body_lines(app: &App, plan: &Plan, theme: &Theme) -> Vec<Line<'static>> {
    let mut out = vec![Line::styled(
        format!("PUT /api/partner/v2/contacts/{}", app.contact_id()),
        theme.heading(),
    )];
    out.extend(
        plan.patch
            .body_pretty()
            .lines()
            .map(|l| Line::from(sanitize(l))),
    );
    out
}

fn review_lines(app: &App, plan: &Plan, theme: &Theme) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    if let crate::app::Status::Merged { taken, .. } = app.status()
        && !taken.is_empty()
    {
        let names: Vec<&str> = taken.iter().map(|f| f.label()).collect();
        out.push(Line::styled(
            format!(
                "A colleague changed {} meanwhile; taken into your form, not sent.",
                names.join(", ")
            ),
            theme.dim(),
        ));
        out.push(Line::from(""));
    }
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
        if let Some((_, warning)) = plan.warnings.iter().find(|(f, _)| *f == change.field) {
            out.push(Line::styled(
                format!("{:<12}⚠ {}", "", sanitize(warning)),
                theme.error(),
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
    out.append(&mut body_lines(app, plan, theme));
    out.push(Line::from(""));
    out.push(key_line(
        &[
            ("Enter/y", "send"),
            ("c", "copy as curl"),
            ("Esc", "back to the form"),
        ],
        theme,
    ));
    out
}
