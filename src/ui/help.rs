//! The F1 overlay: every binding, and where the config and log files are.

use super::theme::Theme;
use crate::app::App;
use ratatui::text::{Line, Span};

const BINDINGS: &[(&str, &str)] = &[
    ("Tab / ↓ / Enter", "next field"),
    ("Shift-Tab / ↑", "previous field"),
    ("Ctrl-A/E/B/F/W/U/K/Y, Alt-B/F", "readline editing in a field"),
    ("Esc", "revert the field (or cancel a request, close a dialog)"),
    ("Ctrl-Z", "undo, across fields"),
    ("Ctrl-S / F2", "review the changes and the exact JSON body, then send"),
    ("Ctrl-R", "reload from the server"),
    ("Ctrl-O", "open a contact by id, e-mail or phone"),
    ("Ctrl-P", "pick from the contact list"),
    ("Ctrl-L", "repaint the screen"),
    ("F1", "this help"),
    ("Ctrl-Q / Ctrl-C", "quit"),
];

pub fn lines(app: &App, theme: &Theme) -> Vec<Line<'static>> {
    let mut out: Vec<Line> = BINDINGS
        .iter()
        .map(|(keys, what)| {
            Line::from(vec![
                Span::styled(format!("{keys:<30}"), theme.key()),
                Span::raw(*what),
            ])
        })
        .collect();
    out.push(Line::from(""));
    out.push(Line::from(
        "In the review: Enter/y send · c copy as curl · o overwrite (conflict) · r reload",
    ));
    out.push(Line::from(""));
    let paths = &app.options().paths;
    for (what, path) in [
        ("config file", &paths.config),
        ("log file", &paths.log),
        ("drafts", &paths.drafts),
    ] {
        out.push(Line::from(vec![
            Span::styled(format!("{what:<12}"), theme.heading()),
            Span::raw(path.clone()),
        ]));
    }
    out
}
