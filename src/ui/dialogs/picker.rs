//! The contact picker, over the whole body: filter line, column heads, contacts, a note;
//! its count in the frame's corner, its hints in the footer.

use super::{Body, Draw, Look, View};
use crate::dialogs::picker::{MAX_KEPT, Picker, Row};
use crate::keymap::{Action, Hint, Keys};
use crate::text::sanitize;
use crate::ui::theme::Theme;
use crate::ui::widgets;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

impl Draw for Picker {
    fn look(&self, _view: &View) -> Look {
        let mut look = Look::new(
            "Open a contact",
            Body::Fill,
            vec![
                Hint::keys([Keys::Move], "move"),
                Hint::keys([Keys::Typing], "filter"),
                Hint::of(Action::Choose, "open"),
            ],
        );
        look.note = match self.total_count() {
            Some(n) => Some(format!(" {n} contacts ")),
            None if self.loading.is_some() => Some(" loading… ".into()),
            None => None,
        };
        look
    }

    fn draw_inside(&self, view: &View, frame: &mut Frame, inner: Rect) -> Option<Position> {
        let retry = view.keymap.short_label(Action::Reload);
        draw_table(self, &retry, view.theme, frame, inner)
    }
}

/// Draws the picker inside its dialog frame (`inner`); returns where the cursor goes (the
/// filter line). `retry` names the key that asks again for a page that failed.
fn draw_table(
    picker: &Picker,
    retry: &str,
    theme: &Theme,
    frame: &mut Frame,
    inner: Rect,
) -> Option<Position> {
    let [filter_row, header_row, list, note_row] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(inner);

    let prompt = "Filter: ";
    let value = sanitize(picker.filter.value());
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(prompt, theme.heading()),
            Span::raw(value),
        ])),
        filter_row,
    );
    let cols = columns(inner.width);
    frame.render_widget(
        Paragraph::new(row_line(&["", "Name", "E-mail", "Phone", "Company"], &cols))
            .style(theme.dim()),
        header_row,
    );

    let height = usize::from(list.height);
    // Page-wise, but never past the end: the last screen is full.
    let offset = ((picker.selected() / height.max(1)) * height.max(1))
        .min(picker.len().saturating_sub(height));
    let rows = picker.rows(offset, height);
    let lines: Vec<Line> = rows
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let selected = offset + i == picker.selected();
            let line = match row {
                Row::Recent(s) | Row::Listed(s) => {
                    let mark = if matches!(row, Row::Recent(_)) {
                        "★"
                    } else {
                        ""
                    };
                    row_line(
                        &[
                            mark,
                            &if s.name.trim().is_empty() {
                                "(no name)".to_string()
                            } else {
                                sanitize(&s.name)
                            },
                            &sanitize(&s.email),
                            &sanitize(&s.phone),
                            &sanitize(&s.company),
                        ],
                        &cols,
                    )
                }
                Row::Missing => Line::styled("  …", theme.dim()),
            };
            if selected {
                line.style(theme.bar())
            } else {
                line
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), list);

    let note = match (&picker.error, picker.is_empty(), picker.loading) {
        (Some(e), _, _) => {
            // The key stays in sight however long the error is.
            let hint = format!(" · {retry} to try again");
            let room = usize::from(note_row.width).saturating_sub(widgets::width(&hint));
            let error = widgets::fit(
                &format!("✗ {}", sanitize(&crate::ui::errors::headline(e))),
                room,
            );
            Line::styled(format!("{error}{hint}"), theme.error())
        }
        (None, _, _) if picker.kept_full() => Line::styled(
            format!("Over {MAX_KEPT} matches: not all are listed; type more to narrow the filter."),
            theme.dim(),
        ),
        (None, true, None) if !picker.filter.value().is_empty() => {
            Line::from("No loaded contact matches; scroll or clear the filter.")
        }
        _ => Line::styled("★ recent · type to filter what is loaded", theme.dim()),
    };
    frame.render_widget(Paragraph::new(note), note_row);

    let x = filter_row.x + (widgets::width(prompt) + picker.filter.visual_cursor()) as u16;
    (x < filter_row.right()).then(|| Position::new(x, filter_row.y))
}

/// Column widths: a mark, then name / e-mail / phone / company. A phone is never cut
/// (E.164 is at most 16 characters); the company column goes first when space is short.
fn columns(width: u16) -> [usize; 5] {
    let rest = usize::from(width).saturating_sub(2 + 4);
    let phone = 16.min(rest / 3);
    let text = rest - phone;
    if text < 44 {
        let name = text * 2 / 5;
        return [2, name, text - name, phone, 0];
    }
    let name = text * 3 / 10;
    let email = text * 4 / 10;
    [2, name, email, phone, text - name - email]
}

fn row_line(cells: &[&str; 5], cols: &[usize; 5]) -> Line<'static> {
    let mut text = String::new();
    for (i, (cell, w)) in cells.iter().zip(cols).enumerate() {
        if *w == 0 {
            continue;
        }
        if i > 1 {
            text.push(' ');
        }
        let fitted = widgets::fit(cell, *w);
        let pad = w.saturating_sub(widgets::width(&fitted));
        text.push_str(&fitted);
        text.push_str(&" ".repeat(pad));
    }
    Line::from(text)
}
