//! The F1 overlay: every binding, and where the config and log files are.

use super::theme::Theme;
use crate::app::App;
use crate::keymap::Action;
use ratatui::text::{Line, Span};

pub fn lines(app: &App, theme: &Theme) -> Vec<Line<'static>> {
    let keymap = &app.options().keymap;
    let row = |keys: String, what: &str| {
        Line::from(vec![
            Span::styled(format!("{keys:<22}"), theme.key()),
            Span::raw(what.to_string()),
        ])
    };
    let mut out: Vec<Line> = Action::ALL
        .into_iter()
        .filter(|a| !a.in_dialogs())
        .map(|a| row(keymap.label(a), a.describe()))
        .collect();
    out.push(row(
        "Ctrl-A E B F W U K Y".into(),
        "readline editing (also Alt-B/F)",
    ));
    out.push(Line::from(
        "Review: Enter/y send · c copy as curl · o overwrite · r use theirs",
    ));
    let paths = &app.options().paths;
    for (what, path) in [
        ("config file", &paths.config),
        ("log file", &paths.log),
        ("drafts", &paths.drafts),
    ] {
        out.push(Line::from(vec![
            Span::styled(format!("{what:<12}"), theme.heading()),
            Span::raw(if path.is_empty() {
                "(none)".to_string()
            } else {
                path.clone()
            }),
        ]));
    }
    out
}
