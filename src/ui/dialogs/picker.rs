//! The contact picker, over the whole body: filter line, column heads, contacts, a note;
//! its count in the frame's corner, its hints in the footer.

use super::{Body, Draw, Look, View};
use crate::dialogs::picker::{CannotMerge, InGroup, MAX_HITS, MAX_MERGED, Picker, Row};
use crate::index::Highlighter;
use crate::keymap::{Action, Hint, Keymap, Keys};
use crate::text::sanitize;
use crate::ui::theme::Theme;
use crate::ui::widgets;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use std::time::{Duration, UNIX_EPOCH};

impl Draw for Picker {
    fn look(&self, view: &View) -> Look {
        let title = match self.look_alikes() {
            Some(groups) => format!("Look-alikes: {groups} groups, {} contacts", self.len()),
            None => "Open a contact".to_string(),
        };
        let mut look = Look::new(
            title,
            Body::Fill,
            vec![
                Hint::keys([Keys::Move], "move"),
                Hint::of(Action::Mark, "mark"),
                Hint::of(
                    Action::Choose,
                    if self.marked().is_empty() {
                        "open"
                    } else {
                        "open marked"
                    },
                ),
                Hint::of(Action::Merge, "merge"),
                Hint::of(
                    Action::LookAlikes,
                    if self.look_alikes().is_some() {
                        "everyone"
                    } else {
                        "look-alikes"
                    },
                ),
            ],
        );
        look.note = Some(format!(" {} ", freshness(self, view.now)));
        look
    }

    fn draw_inside(&self, view: &View, frame: &mut Frame, inner: Rect) -> Option<Position> {
        draw_table(self, view.keymap, view.theme, frame, inner)
    }
}

/// How many contacts the index holds and how fresh it is: "20,000 contacts · 3 min
/// old", with the pages read while a reading is under way.
fn freshness(picker: &Picker, now: u64) -> String {
    let source = &picker.source;
    let count = format!("{} contacts", count(picker.listed()));
    // Without the time (never told yet) no age is said rather than a wrong one.
    let age = source.built_at.filter(|_| now != 0).map(|at| {
        let age = crate::index::age(at, UNIX_EPOCH + Duration::from_secs(now));
        match age {
            Some(age) if age.as_secs() >= 60 => format!("{} old", words(age)),
            _ => "just read".to_string(),
        }
    });
    let reading = source.reading.map(|(read, all)| match all {
        0 => "reading…".to_string(),
        _ => format!("reading {read}/{all} pages"),
    });
    [Some(count), age, reading]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" · ")
}

/// `n` with thousands separated: 20,000.
fn count(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// An age in one word or two: "3 min", "2 h", "4 d".
fn words(age: Duration) -> String {
    match age.as_secs() {
        s @ 0..3600 => format!("{} min", s / 60),
        s @ 3600..86_400 => format!("{} h", s / 3600),
        s => format!("{} d", s / 86_400),
    }
}

/// Draws the picker inside its dialog frame (`inner`); returns where the cursor goes (the
/// filter line). The note names the keys as `keymap` has them.
fn draw_table(
    picker: &Picker,
    keymap: &Keymap,
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

    let prompt = "Search: ";
    let value = sanitize(picker.filter.value());
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(prompt, theme.heading()),
            Span::raw(value),
        ])),
        filter_row,
    );
    let cols = columns(inner.width);
    let heads = ["", "Name", "E-mail", "Phone", "Company"].map(String::from);
    frame.render_widget(
        Paragraph::new(row_line(&heads, &cols, None, theme)).style(theme.dim()),
        header_row,
    );

    let height = usize::from(list.height);
    // Page-wise, but never past the end: the last screen is full.
    let offset = ((picker.selected() / height.max(1)) * height.max(1))
        .min(picker.len().saturating_sub(height));
    let mut marks = picker
        .filtering()
        .then(|| Highlighter::new(picker.filter.value()));
    let lines: Vec<Line> = picker
        .rows(offset, height)
        .into_iter()
        .enumerate()
        .map(|(i, row)| {
            let line = row_line(&cells(row, picker), &cols, marks.as_mut(), theme);
            if offset + i == picker.selected() {
                line.style(theme.bar())
            } else {
                line
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), list);

    let note = match (&picker.source.failed, picker.matched()) {
        (Some(e), _) => {
            // The key stays in sight however long the error is.
            let hint = keymap.fill(" · {reload} to try again");
            let room = usize::from(note_row.width).saturating_sub(widgets::width(&hint));
            let error = widgets::fit(
                &format!(
                    "✗ cannot read the contacts: {}",
                    sanitize(&crate::ui::errors::headline(e))
                ),
                room,
            );
            Line::styled(format!("{error}{hint}"), theme.error())
        }
        (None, (matched, false)) if picker.filtering() => Line::styled(
            format!(
                "The best {MAX_HITS} of {} matches; type more to narrow them.",
                count(matched)
            ),
            theme.dim(),
        ),
        (None, _) if picker.filtering() && picker.is_empty() => {
            Line::from(match picker.source.reading {
                Some(_) => "No match yet; more contacts are on their way.",
                None => "No contact matches.",
            })
        }
        _ if picker.cannot_merge == Some(CannotMerge::Nothing) => Line::styled(
            keymap.fill(
                "Nothing to merge: mark two or more contacts ({mark}), or list the \
                 look-alikes ({look_alikes}) and merge a group.",
            ),
            theme.error(),
        ),
        (_, _) if let Some(CannotMerge::TooMany(n)) = picker.cannot_merge => Line::styled(
            format!(
                "{n} contacts: the editor merges up to {MAX_MERGED} at a time; `linq-contact \
                 merge` takes any number."
            ),
            theme.error(),
        ),
        _ if picker.marked().len() < 2
            && let Some(group) = picker.chosen().and_then(|id| picker.group_of(id)) =>
        {
            Line::styled(
                format!(
                    "{} · {}",
                    sanitize(&group.said()),
                    keymap.fill("{merge} merges them · {look_alikes} everyone")
                ),
                theme.heading(),
            )
        }
        _ if picker.look_alikes() == Some(0) => {
            Line::from(keymap.fill("No contacts look alike. {look_alikes} lists everyone."))
        }
        _ if !picker.marked().is_empty() => Line::styled(
            keymap.fill(&format!(
                "✓ {} marked · {{choose}} opens them together · {{merge}} merges them",
                picker.marked().len()
            )),
            theme.heading(),
        ),
        _ => Line::styled(
            keymap.fill("★ recent · type a name, e-mail, phone or company · {mark} marks"),
            theme.dim(),
        ),
    };
    frame.render_widget(Paragraph::new(note), note_row);

    let x = filter_row.x + (widgets::width(prompt) + picker.filter.visual_cursor()) as u16;
    (x < filter_row.right()).then(|| Position::new(x, filter_row.y))
}

/// The cells of a row: its mark (✓ marked, ★ recent), name, e-mail, phone, company.
fn cells(row: Row<'_>, picker: &Picker) -> [String; 5] {
    let (mark, name, email, phone, company) = match row {
        Row::Recent(s) => ("★", &*s.name, &*s.email, &*s.phone, &*s.company),
        Row::Listed(e) => ("", e.name(), e.email(), e.phone(), e.company()),
    };
    let bracket = picker.place_in_group(row.id()).map(|at| match at {
        InGroup::First => "┌",
        InGroup::Middle => "│",
        InGroup::Last => "└",
    });
    let mark = if picker.is_marked(row.id()) {
        "✓"
    } else {
        bracket.unwrap_or(mark)
    };
    let name = if name.trim().is_empty() {
        "(no name)".to_string()
    } else {
        sanitize(name)
    };
    [
        mark.to_string(),
        name,
        sanitize(email),
        sanitize(phone),
        sanitize(company),
    ]
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

/// One row of cells in their columns; with `marks`, the characters the search matched
/// are drawn in the match style.
fn row_line(
    cells: &[String; 5],
    cols: &[usize; 5],
    mut marks: Option<&mut Highlighter>,
    theme: &Theme,
) -> Line<'static> {
    let mut spans = Vec::new();
    let mut plain = String::new();
    for (i, (cell, w)) in cells.iter().zip(cols).enumerate() {
        if *w == 0 {
            continue;
        }
        if i > 1 {
            plain.push(' ');
        }
        let fitted = widgets::fit(cell, *w);
        let pad = w.saturating_sub(widgets::width(&fitted));
        let found = marks
            .as_deref_mut()
            .map(|m| m.positions(cell))
            .unwrap_or_default();
        if found.is_empty() {
            plain.push_str(&fitted);
        } else {
            for (at, c) in fitted.chars().enumerate() {
                if u32::try_from(at).is_ok_and(|at| found.binary_search(&at).is_ok()) {
                    spans.push(Span::raw(std::mem::take(&mut plain)));
                    spans.push(Span::styled(c.to_string(), theme.matched()));
                } else {
                    plain.push(c);
                }
            }
        }
        plain.push_str(&" ".repeat(pad));
    }
    spans.push(Span::raw(plain));
    spans.retain(|s| !s.content.is_empty());
    Line::from(spans)
}
