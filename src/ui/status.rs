//! The status pane: what is happening, what the server said.

use super::form::short_time;
use super::theme::Theme;
use crate::api::ApiError;
use crate::app::{Activity, App, Status};
use crate::form::Unapplied;
use crate::form::{Field, PlanError};
use crate::text::sanitize;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Padding, Paragraph, Wrap};

const SPINNER: [&str; 8] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧"];

/// Draws the pane; returns how far it can scroll (the wrapped height is only known here).
pub fn draw(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) -> u16 {
    // The editor's own news first; config problems (and a log that cannot be written)
    // after it, in full until there is something else to say, then as one line.
    let notices = &app.options().notices;
    let mut lines = self::lines(app, theme);
    if app.activity().is_some() || matches!(app.status(), Status::Idle | Status::Loaded) {
        lines.extend(
            notices
                .iter()
                .map(|n| Line::styled(format!("! {}", sanitize(n)), theme.error())),
        );
    } else if !notices.is_empty() {
        lines.push(Line::styled(
            format!(
                "! {} problem(s) with the config or the log: listed here when the pane is free",
                notices.len()
            ),
            theme.error(),
        ));
    }
    // Clamped here, where the wrapped height is known: the app only counts key presses.
    let inner_cols = area.width.saturating_sub(4);
    // A line that fits takes one row; only longer ones need the word wrapper's count.
    let heights: Vec<u16> = lines
        .iter()
        .map(|l| {
            if l.width() <= usize::from(inner_cols) {
                1
            } else {
                super::widgets::wrapped_rows(std::slice::from_ref(l), inner_cols)
            }
        })
        .collect();
    let rows = heights.iter().fold(0u16, |sum, h| sum.saturating_add(*h));
    let inner_rows = area.height.saturating_sub(2);
    let max_scroll = rows.saturating_sub(inner_rows);
    let scroll = app.status_scroll().min(max_scroll);
    let title = if max_scroll > 0 {
        let keys = app
            .options()
            .keymap
            .hint_keys(&[crate::keymap::Keys::Pages], crate::keymap::Scope::Form)
            .unwrap_or_default();
        format!(" Status ({keys} scroll) ")
    } else {
        " Status ".to_string()
    };
    // Only the lines that reach the pane are wrapped again and drawn: an error may hold
    // two hundred lines, and this runs on every keystroke.
    let (mut skip, mut offset) = (0, scroll);
    while skip < heights.len() && heights[skip] <= offset {
        offset -= heights[skip];
        skip += 1;
    }
    let (mut take, mut filled) = (0, 0u16);
    while skip + take < heights.len() && filled < inner_rows.saturating_add(offset) {
        filled = filled.saturating_add(heights[skip + take]);
        take += 1;
    }
    let shown: Vec<Line<'static>> = lines.into_iter().skip(skip).take(take).collect();
    frame.render_widget(
        Paragraph::new(shown)
            .scroll((offset, 0))
            .block(
                Block::bordered()
                    .title(title)
                    .padding(Padding::horizontal(1)),
            )
            .wrap(Wrap { trim: false }),
        area,
    );
    max_scroll
}

fn lines(app: &App, theme: &Theme) -> Vec<Line<'static>> {
    let spin = SPINNER[app.spinner() % SPINNER.len()];
    let pausing = matches!(app.activity(), Some(Activity::Pausing));
    let retry = app.retry().map(|(attempt, delay, reason)| {
        Line::from(if pausing {
            format!(
                "{}; sending again in {}s",
                sanitize(reason),
                delay.as_secs_f64().ceil()
            )
        } else if delay.is_zero() {
            format!("{}; retrying now (attempt {attempt})", sanitize(reason))
        } else {
            format!(
                "{}; retrying in {}s (attempt {attempt})",
                sanitize(reason),
                delay.as_secs_f64().ceil()
            )
        })
    });
    let mut out = match app.activity() {
        // A note about the request in flight itself goes under its line.
        Some(activity) if matches!(app.status(), Status::Opening | Status::Busy) => {
            let mut l = busy(activity, spin, theme);
            l.extend(outcome(app, theme));
            l
        }
        // Waiting for the second look at an uncertain save: what the first one found.
        Some(Activity::Verifying(_))
            if matches!(app.status(), Status::Verified { again: true, .. }) =>
        {
            outcome(app, theme)
        }
        Some(activity) => busy(activity, spin, theme),
        None => outcome(app, theme),
    };
    out.extend(retry);
    // Above the save's own status, which stays true: a long one would push it out of
    // sight.
    if let Some(reason) = app.not_journalled() {
        out.insert(
            0,
            Line::styled(
                crate::journal::not_recorded(&sanitize(reason)),
                theme.error(),
            ),
        );
    }
    if app.form().is_some_and(|f| f.is_any_dirty()) && !matches!(app.status(), Status::Blocked(_)) {
        let dirty = app.form().map(|f| f.dirty_fields()).unwrap_or_default();
        let names: Vec<&str> = dirty.iter().map(|f| f.label()).collect();
        // First, so it stays visible however long the rest is.
        out.insert(
            0,
            Line::from(vec![
                Span::styled("● ", theme.dirty()),
                Span::raw(format!(
                    "unsaved: {} ({} to review)",
                    names.join(", "),
                    app.options()
                        .keymap
                        .short_label(crate::keymap::Action::Review)
                )),
            ]),
        );
    }
    out
}

/// The line for what is in flight.
fn busy(activity: Activity<'_>, spin: &str, theme: &Theme) -> Vec<Line<'static>> {
    match activity {
        Activity::Loading(id) => vec![Line::from(format!("{spin} Loading contact {id}…"))],
        Activity::Saving => vec![Line::from(format!("{spin} Saving…"))],
        Activity::Creating => vec![Line::from(format!("{spin} Creating the contact…"))],
        Activity::Pausing => vec![Line::from(format!(
            "{spin} The server asked for a pause: sending once more when it ends (Esc \
             cancels; your edits stay)."
        ))],
        Activity::Checking => vec![Line::from(format!(
            "{spin} Checking for changes on the server…"
        ))],
        Activity::Verifying(why) => vec![
            Line::styled(
                format!("? The save's outcome is unknown: {}.", sanitize(why)),
                theme.error(),
            ),
            Line::from(format!(
                "{spin} Re-reading the contact to see whether it landed…"
            )),
        ],
        Activity::LoadingMany(n) => vec![Line::from(format!("{spin} Reading {n} contacts…"))],
        Activity::SavingMany { done, of } => vec![Line::from(format!(
            "{spin} Saving {of} contacts: {done} answered… (Esc stops sending to the rest)"
        ))],
        Activity::Deleting { done, of } => vec![Line::from(format!(
            "{spin} Merging: deleting {of} contacts, {done} done… (Esc stops before the next)"
        ))],
        Activity::Finding(target) => vec![Line::from(format!(
            "{spin} Looking up {}…",
            sanitize(&target.describe())
        ))],
    }
}

/// The lines for the last thing that happened.
fn outcome(app: &App, theme: &Theme) -> Vec<Line<'static>> {
    match app.status() {
        Status::Idle => Vec::new(),
        Status::Merged { taken, conflicts } => merged(taken, conflicts, theme),
        Status::Verified {
            landed: true,
            why,
            unapplied,
            ..
        } => {
            let mut l = vec![Line::from(format!(
                "The save's answer was lost ({}).",
                sanitize(why)
            ))];
            if is_partial(unapplied) {
                l.push(Line::styled(
                    "◐ Part of the change reached the server; the rest is still in the form.",
                    theme.error(),
                ));
            } else {
                l.push(Line::styled(
                    "✓ But the change did reach the server; the form now shows what it stored.",
                    theme.ok(),
                ));
            }
            l.extend(not_applied(unapplied, theme));
            l.extend(still_unsaved(app, unapplied));
            l
        }
        Status::Verified {
            landed: false,
            why,
            as_of,
            again,
            ..
        } => {
            let when = as_of
                .as_deref()
                .map_or(String::new(), |t| format!(" as of {}", sanitize(t)));
            let mut l = vec![
                Line::styled(
                    format!(
                        "? The change was not stored{when} ({}) — the server may still apply it.",
                        sanitize(why)
                    ),
                    theme.error(),
                ),
                Line::from(if *again {
                    "Looking again in a few seconds; nothing is re-sent.".to_string()
                } else {
                    keys(app, "{reload} checks again; nothing is re-sent on its own.")
                }),
            ];
            l.push(Line::from(keys(
                app,
                "Your edits are kept. {review} reviews and sends them, if they are still needed.",
            )));
            l
        }
        Status::CheckFailed(e) => error_then(
            "✗ Could not read the contact: ",
            e,
            keys(app, "Your edits are kept. {review} to try again."),
            theme,
        ),
        Status::OpenFailed(target, e) => error_then(
            &format!("✗ Could not open {}: ", sanitize(&target.describe())),
            e,
            format!("Still on contact {}.", app.contact_id()),
            theme,
        ),
        Status::NoMatch(target) => {
            let mut l = vec![Line::styled(
                match target {
                    crate::target::Target::Id(id) => format!("✗ There is no contact {id}."),
                    crate::target::Target::Phone(p) => {
                        format!("✗ No contact with phone {}.", sanitize(p))
                    }
                    crate::target::Target::Email(e) => {
                        format!("✗ No contact with e-mail {}.", sanitize(e))
                    }
                },
                theme.error(),
            )];
            if !matches!(target, crate::target::Target::Id(_)) {
                l.push(Line::from(keys(
                    app,
                    "{new} starts a new contact with it filled in.",
                )));
            }
            l
        }
        Status::Copied => vec![Line::from(
            "Copied the curl command to the clipboard (OSC 52; the token stays $LINQ_INTEGRATION_TOKEN).",
        )],
        Status::Cancelled(what) => vec![Line::from(format!("{what}."))],
        Status::Restored { conflicts } => {
            let mut l = vec![Line::styled("Draft restored.", theme.ok())];
            if !conflicts.is_empty() {
                l.push(Line::styled(
                    format!(
                        "! Changed on the server since the draft: {}",
                        labels(conflicts)
                    ),
                    theme.error(),
                ));
            }
            l
        }
        Status::Loaded => vec![Line::from(format!(
            "Loaded contact {}. {}",
            app.contact_id(),
            keys(app, "Edit a field, then {review} to review.")
        ))],
        Status::Saved {
            changed,
            taken,
            unapplied,
        } => saved(app, changed, taken, unapplied, theme),
        Status::LoadFailed(e) => load_failed(app, e, theme),
        Status::SaveFailed(e) => error_then(
            "✗ Save failed: ",
            e,
            keys(
                app,
                "Your edits are kept. {review} to review and send again.",
            ),
            theme,
        ),
        Status::CreateFailed(e) => error_then(
            "✗ Create failed: ",
            e,
            keys(
                app,
                "Nothing was created; your form is kept. {review} to review and create again.",
            ),
            theme,
        ),
        // Re-checked on every draw, so a fixed problem disappears at once.
        Status::Blocked(PlanError::Invalid(_)) => match app.form().map(|f| f.problems()) {
            Some(problems) if !problems.is_empty() => blocked(&PlanError::Invalid(problems), theme),
            _ => vec![Line::from(keys(app, "Ready: {review} to review and send."))],
        },
        Status::Blocked(e) => blocked(e, theme),
        Status::VerifyFailed { why, error } => error_then(
            &format!(
                "? The save's outcome is still unknown ({}); the check failed: ",
                sanitize(why)
            ),
            error,
            keys(
                app,
                "Your edits are kept. {reload} shows what the server has.",
            ),
            theme,
        ),
        Status::Busy => vec![Line::from(keys(
            app,
            "Wait for the current request to finish ({revert} cancels it).",
        ))],
        Status::NothingLeft => vec![Line::from(
            "Nothing left to send: the server already has these values.",
        )],
        Status::TypedDuringCheck => vec![Line::from(keys(
            app,
            "Checked the server while you typed; the review did not open under your \
             keys. {review} to review.",
        ))],
        Status::ChangedDuringReview => vec![Line::from(
            "The contact changed on the server while you were reviewing (not in these \
             fields): check the review again.",
        )],
        Status::TookTheirs { fields, rest } => vec![Line::from(format!(
            "Took their {}{}",
            labels(fields),
            if *rest {
                "; your other edits are still here."
            } else {
                "; nothing of yours is left to send."
            }
        ))],
        Status::Opening => vec![Line::from(keys(
            app,
            "Opening another contact: {revert} cancels and keeps this one.",
        ))],
        Status::LeftWhileSaving(id) => vec![Line::styled(
            format!(
                "? You left contact {id} while its save was in flight: whether it landed is \
                 unknown. Open contact {id} to check."
            ),
            theme.error(),
        )],
        Status::NothingToUndo => vec![Line::from("Nothing to undo.")],
        Status::NewContact => vec![Line::from(keys(
            app,
            "New contact: fill in at least a first name, last name, e-mail or phone, then \
             {review} to check for duplicates and review.",
        ))],
        Status::ManyOpen => vec![Line::from(keys(
            app,
            "Several contacts are open together: type only the fields to change in all of \
             them (the others stay as each contact has them), then {review} to review each.",
        ))],
        Status::ManyBlocked => vec![Line::from(keys(
            app,
            "Save or discard the edits on screen first ({revert} reverts a field); then open \
             or merge the marked contacts.",
        ))],
        Status::SentMany { done, batch } => sent_many(app, done, batch, theme),
        Status::MergeStopped {
            keep,
            error,
            not_stored,
        } => vec![Line::styled(
            format!(
                "✗ Merge stopped: contact {keep} {}; nothing was deleted.",
                match error {
                    Some(e) => format!(
                        "was not saved ({})",
                        sanitize(&crate::ui::errors::headline(e))
                    ),
                    None => format!("did not store {}", labels(not_stored)),
                }
            ),
            theme.error(),
        )],
        Status::MergeEnded {
            keep,
            removed,
            batch,
        } => merge_ended(*keep, removed, batch, theme),
        Status::BatchNeedsCommand(batch) => vec![Line::from(format!(
            "Batch {0} holds deletes (a merge) or creates, which the editor does not take back: \
             `linq-contact revert --batch {0}` does (a deleted contact comes back under a new id).",
            sanitize(batch)
        ))],
        Status::NewBlocked => vec![Line::from(keys(
            app,
            "Wait for the request in flight ({revert} cancels it); then {new} starts a new contact.",
        ))],
        Status::Created { id, verified } => {
            let mut l = vec![Line::styled(format!("✓ Created contact {id}."), theme.ok())];
            if *verified {
                l.push(Line::from(
                    "(its answer was lost; a lookup found it holding what was sent)",
                ));
            }
            l
        }
        Status::NotCreated { why, as_of } => {
            let when = as_of
                .as_deref()
                .map_or(String::new(), |t| format!(" as of {}", sanitize(t)));
            vec![
                Line::styled(
                    format!(
                        "? The contact was not found{when} ({}) — the server may still create it.",
                        sanitize(why)
                    ),
                    theme.error(),
                ),
                Line::from(keys(
                    app,
                    "Nothing was re-sent. Your form is kept; {picker} or {open} shows whether \
                     it exists before you try again.",
                )),
            ]
        }
        Status::JournalUnreadable(reason) => vec![Line::styled(
            format!("✗ No history to show: {}", sanitize(reason)),
            theme.error(),
        )],
        Status::PutBack { fields, at } => vec![Line::from(keys(
            app,
            &format!(
                "Put back the values from before the save of {}: {}. {{review}} reviews them.",
                sanitize(at),
                labels(fields)
            ),
        ))],
        Status::Reloaded { kept, conflicts } => {
            let mut l = vec![Line::from(format!(
                "Reloaded contact {}; what you typed meanwhile is kept: {}.",
                app.contact_id(),
                labels(kept)
            ))];
            if !conflicts.is_empty() {
                l.push(Line::styled(
                    format!("! Also changed on the server: {}", labels(conflicts)),
                    theme.error(),
                ));
            }
            l
        }
    }
}

/// `text` with `{review}`, `{reload}`, … replaced by the keys as configured.
fn keys(app: &App, text: &str) -> String {
    app.options().keymap.fill(text)
}

fn labels(fields: &[Field]) -> String {
    fields
        .iter()
        .map(|f| f.label())
        .collect::<Vec<_>>()
        .join(", ")
}

fn merged(taken: &[Field], conflicts: &[Field], theme: &Theme) -> Vec<Line<'static>> {
    let mut l = vec![Line::from(
        "Someone else changed this contact since you opened it.",
    )];
    if !taken.is_empty() {
        l.push(Line::from(format!(
            "Taken from the server (you had not touched them): {}",
            labels(taken)
        )));
    }
    if !conflicts.is_empty() {
        l.push(Line::styled(
            format!("! Conflicts (changed on both sides): {}", labels(conflicts)),
            theme.error(),
        ));
    }
    l
}

/// One line per sent field the server did not store as sent.
fn not_applied(unapplied: &[Unapplied], theme: &Theme) -> Vec<Line<'static>> {
    unapplied
        .iter()
        .map(|u| {
            Line::styled(
                format!("⚠ not applied by the server: {}", sanitize(&u.describe())),
                theme.error(),
            )
        })
        .collect()
}

/// Some sent value is not what the server stored: the save is partial.
fn is_partial(unapplied: &[Unapplied]) -> bool {
    unapplied.iter().any(|u| u.sent.is_some())
}

/// What a partial save left to do.
fn still_unsaved(app: &App, unapplied: &[Unapplied]) -> Option<Line<'static>> {
    is_partial(unapplied).then(|| {
        Line::from(keys(
            app,
            "Not stored, so still unsaved in the form: {review} sends only those again.",
        ))
    })
}

fn saved(
    app: &App,
    changed: &[Field],
    taken: &[Field],
    unapplied: &[Unapplied],
    theme: &Theme,
) -> Vec<Line<'static>> {
    let Some(record) = app.record() else {
        return Vec::new();
    };
    let mut out = vec![if is_partial(unapplied) {
        Line::from(vec![
            Span::styled("◐ Partly saved", theme.error()),
            Span::raw(format!(
                " at {}. The server now has:",
                short_time(&record.updated_at)
            )),
        ])
    } else {
        Line::from(vec![
            Span::styled("✓ Saved", theme.ok()),
            Span::raw(format!(
                " at {}. The server now has:",
                short_time(&record.updated_at)
            )),
        ])
    }];
    out.extend(not_applied(unapplied, theme));
    out.extend(still_unsaved(app, unapplied));
    if !taken.is_empty() {
        out.push(Line::from(format!(
            "(a colleague had changed {}: kept, marked +)",
            labels(taken)
        )));
    }
    for f in Field::ALL {
        let is_changed = changed.contains(&f);
        let is_taken = taken.contains(&f);
        let style = if is_changed {
            theme.ok()
        } else {
            theme.label()
        };
        out.push(Line::from(vec![
            Span::styled(
                match (is_changed, is_taken) {
                    (true, _) => "* ",
                    (false, true) => "+ ",
                    _ => "  ",
                },
                style,
            ),
            Span::styled(
                format!("{:<w$} ", f.label(), w = crate::form::LABEL_WIDTH),
                style,
            ),
            Span::styled(sanitize(f.of(record)), style),
        ]));
    }
    out
}

fn load_failed(app: &App, e: &ApiError, theme: &Theme) -> Vec<Line<'static>> {
    let mut l = if e.is_not_found() {
        let mut l = vec![Line::styled(
            format!(
                "✗ {} not found (HTTP 404).",
                sanitize(&app.target().describe())
            ),
            theme.error(),
        )];
        l.extend(detail_lines(e));
        // A 404 without the API's own error code comes from something else at that
        // address: most likely the base URL is wrong, not the contact.
        if !matches!(
            e,
            ApiError::Http {
                body: crate::api::ErrorBody::Standard { error_code: Some(code), .. },
                ..
            } if code == "CONTACT_NOT_FOUND"
        ) {
            l.push(Line::from(
                "  hint: the answer is not the API's own; check the API URL (LINQ_API_URL)",
            ));
        }
        l
    } else {
        error_lines(
            &format!("✗ Could not load contact {}: ", app.contact_id()),
            e,
            theme,
        )
    };
    l.push(Line::from(keys(
        app,
        if app.has_unsaved_changes() {
            "Your edits are kept. {reload} to try again."
        } else if app.form().is_some() {
            "{reload} to try again."
        } else if e.is_not_found() {
            "{open} to open another contact, {picker} to pick one, {quit} to quit."
        } else {
            "{reload} to try again, {quit} to quit."
        },
    )));
    l
}

/// An error's lines, then `next`: what the user can do about it.
fn error_then(prefix: &str, e: &ApiError, next: String, theme: &Theme) -> Vec<Line<'static>> {
    let mut l = error_lines(prefix, e, theme);
    l.push(Line::from(next));
    l
}

fn error_lines(prefix: &str, e: &ApiError, theme: &Theme) -> Vec<Line<'static>> {
    let mut out = vec![Line::styled(
        format!("{prefix}{}", super::errors::headline(e)),
        theme.error(),
    )];
    out.extend(detail_lines(e));
    out
}

/// Lines of an error's detail shown in the pane: a server can send tens of thousands,
/// and wrapping them all on every keystroke would make typing lag. The log has them all.
pub const MAX_ERROR_LINES: usize = 200;

/// The first [`MAX_ERROR_LINES`] of the error's detail, then how many more there are.
fn detail_lines(e: &ApiError) -> Vec<Line<'static>> {
    let (first, more) = e.detail_lines_capped(MAX_ERROR_LINES);
    let mut out: Vec<Line<'static>> = first
        .into_iter()
        .map(|d| Line::from(format!("  {}", sanitize(&d))))
        .collect();
    if more > 0 {
        out.push(Line::from(format!("  … {more} more lines, in the log")));
    }
    if let Some(hint) = super::errors::hint(e) {
        out.push(Line::from(format!("  {hint}")));
    }
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

/// What a merge did: each contact it deleted (or why not), and how to take it back.
fn merge_ended(
    keep: u64,
    removed: &[(u64, crate::app::Removed)],
    batch: &str,
    theme: &Theme,
) -> Vec<Line<'static>> {
    use crate::app::Removed;
    let deleted = removed
        .iter()
        .filter(|(_, r)| matches!(r, Removed::Deleted { .. }))
        .count();
    let head = format!(
        "Merged {deleted} of {} contacts into {keep}. Journal batch {batch} (`linq-contact \
         revert --batch {batch}` makes the deleted ones again, under new ids).",
        removed.len()
    );
    let mut lines = vec![if deleted == removed.len() {
        Line::styled(format!("✓ {head}"), theme.ok())
    } else {
        Line::styled(format!("✗ {head}"), theme.error())
    }];
    for (id, r) in removed {
        lines.push(match r {
            Removed::Deleted { read_back: false } => Line::from(format!("  ✓ {id} deleted")),
            Removed::Deleted { read_back: true } => Line::from(format!(
                "  ✓ {id} deleted (its answer was lost; reading it back finds none)"
            )),
            Removed::StillThere => Line::styled(
                format!(
                    "  ✗ {id}: the answer was lost and reading it back finds it still there: \
                     not deleted, and not sent again"
                ),
                theme.error(),
            ),
            Removed::Failed(e) => Line::styled(
                format!(
                    "  ✗ {id}: not deleted: {}",
                    sanitize(&crate::ui::errors::headline(e))
                ),
                theme.error(),
            ),
            Removed::Unknown(e) => Line::styled(
                format!(
                    "  ? {id}: the answer was lost and reading it back failed too ({}): \
                     whether it is gone is unknown; not sent again",
                    sanitize(&crate::ui::errors::headline(e))
                ),
                theme.error(),
            ),
        });
    }
    lines
}

/// Each contact's outcome of a change sent to several.
fn sent_many(
    app: &App,
    done: &[(u64, crate::app::Sent)],
    batch: &str,
    theme: &Theme,
) -> Vec<Line<'static>> {
    use crate::app::Sent;
    let stored = done.iter().filter(|(_, s)| *s == Sent::Stored).count();
    let head = format!(
        "Sent to {} contacts: {stored} stored. Journal batch {batch} (`linq-contact revert \
         --batch {batch}` takes it back).",
        done.len()
    );
    let names = app.editing().and_then(|e| e.many.as_deref());
    let who = |id: &u64| {
        let name = names
            .and_then(|m| m.read.iter().find(|c| c.id == *id))
            .map(|c| sanitize(&c.full_name))
            .unwrap_or_default();
        format!("{id} {name}").trim_end().to_string()
    };
    let mut lines = vec![if stored == done.len() {
        Line::styled(format!("✓ {head}"), theme.ok())
    } else {
        Line::styled(format!("✗ {head}"), theme.error())
    }];
    for (id, sent) in done {
        lines.push(match sent {
            Sent::Stored => Line::from(format!("  ✓ {}", who(id))),
            Sent::Partial(fields) => Line::styled(
                format!(
                    "  ✗ {}: not stored as sent: {}",
                    who(id),
                    fields
                        .iter()
                        .map(|f| f.label())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                theme.error(),
            ),
            Sent::NotStored => Line::styled(
                format!(
                    "  ✗ {}: the answer was lost and a read shows the change is not there",
                    who(id)
                ),
                theme.error(),
            ),
            Sent::Failed(e) => Line::styled(
                format!(
                    "  ✗ {}: {}",
                    who(id),
                    sanitize(&crate::ui::errors::headline(e))
                ),
                theme.error(),
            ),
        });
    }
    lines
}
