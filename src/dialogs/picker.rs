//! The contact picker as a dialog: its keys and hints. Its state (`app::picker`) and its
//! table (`ui::picker`) live apart, as the list's paging is the app's business.

use super::{Dialog, KeyContext, Outcome, Shape, View};
use crate::app::picker::Picker;
use crate::form::line;
use crate::keymap::{Action, Hint, KeyEvent, Keys, Nav, Scope};
use crate::target::Target;
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use tui_input::Input;

/// Rows PgUp/PgDn move the selection by.
const PAGE: isize = 10;

impl Dialog for Picker {
    fn scope(&self) -> Scope {
        Scope::Picker
    }

    fn title(&self, _view: &View) -> String {
        "Open a contact".into()
    }

    fn shape(&self, _view: &View) -> Shape {
        Shape::Fill
    }

    fn draw(&self, view: &View, frame: &mut Frame, inner: Rect) -> Option<Position> {
        let retry = view.keymap.short_label(Action::Reload);
        crate::ui::picker::draw(self, &retry, view.theme, frame, inner)
    }

    fn note(&self) -> Option<String> {
        match self.total_count() {
            Some(n) => Some(format!(" {n} contacts ")),
            None if self.loading.is_some() => Some(" loading… ".into()),
            None => None,
        }
    }

    fn hints(&self, _view: &View) -> Vec<Hint> {
        vec![
            Hint::keys([Keys::Move], "move"),
            Hint::keys([Keys::Typing], "filter"),
            Hint::of(Action::Choose, "open"),
        ]
    }

    fn way_out(&self) -> Option<&'static str> {
        Some("close")
    }

    fn on_key(&mut self, action: Option<Action>, key: &KeyEvent, cx: &KeyContext) -> Outcome {
        // The reload key tries a failed page again (a key that types nothing, so the
        // filter never loses a letter to it).
        if self.error.is_some() && action == Some(Action::Reload) {
            self.retry();
            return Outcome::Fetch;
        }
        if action == Some(Action::Choose) {
            match self.chosen().map(|s| s.id) {
                // Already open: nothing to leave.
                Some(id) if Some(id) == cx.open => return Outcome::Close,
                Some(id) => return Outcome::Open(Target::Id(id)),
                None => return Outcome::Fetch,
            }
        }
        match Nav::of(key) {
            Some(Nav::Up) => self.move_by(-1),
            Some(Nav::Down) => self.move_by(1),
            Some(Nav::PageUp) => self.move_by(-PAGE),
            Some(Nav::PageDown) => self.move_by(PAGE),
            Some(Nav::Top) => self.move_to(0),
            Some(Nav::Bottom) => self.move_to(usize::MAX),
            None => {
                if line::edit(&mut self.filter, key) {
                    self.filter_changed();
                }
            }
        }
        Outcome::Fetch
    }

    fn text_input(&mut self) -> Option<&mut Input> {
        Some(&mut self.filter)
    }

    fn text_changed(&mut self) {
        self.filter_changed();
    }

    fn on_wheel(&mut self, lines: i16) -> Outcome {
        self.move_by(isize::from(lines));
        Outcome::Fetch
    }
}
