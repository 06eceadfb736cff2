//! F1: every binding as configured (the form's, then the dialogs'), and where the config,
//! log and drafts are.

use super::{Body, Draw, Look, View};
use crate::dialogs::help::Help;
use crate::keymap::{Action, fixed_keys};
use ratatui::text::{Line, Span};

impl Draw for Help {
    fn look(&self, view: &View) -> Look {
        let theme = view.theme;
        let keymap = view.keymap;
        let row = |keys: String, what: &str| {
            Line::from(vec![
                Span::styled(format!("{keys:<22}"), theme.key()),
                Span::raw(what.to_string()),
            ])
        };
        let section = |in_dialogs: bool| {
            let bound = Action::ALL
                .into_iter()
                .filter(move |a| a.in_dialogs() == in_dialogs)
                .map(|a| row(keymap.label(a), a.describe()));
            let fixed = fixed_keys()
                .into_iter()
                .filter(move |(_, _, d)| *d == in_dialogs)
                .map(|(keys, what, _)| row(keys, &what));
            bound.chain(fixed).collect::<Vec<_>>()
        };
        let mut out = section(false);
        out.push(Line::from(""));
        out.push(Line::styled("In dialogs", theme.heading()));
        out.extend(section(true));
        out.push(Line::from(""));
        let paths = view.paths;
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
        Look::new("Help", Body::Text(out), Vec::new())
    }
}
