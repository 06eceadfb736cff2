//! How the dialogs look: one file each, drawing the state that `dialogs/` keeps (and
//! never changing it), and the one frame they all sit in (`frame.rs`).
//!
//! The frame gives every dialog the same border and title, the same scrolling (where the
//! dialog scrolls), and the same hint line, which the footer repeats: the dialog's own
//! hints, then scrolling, then its way out.

mod confirm;
mod create;
pub(super) mod frame;
mod help;
mod history;
mod open;
mod picker;
mod restore;
mod review;
mod save_in_flight;

use super::theme::Theme;
use crate::app::{Paths, Status};
use crate::dialogs::{Dialog, Overlay};
use crate::keymap::{Action, Hint, Keymap, Keys};
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::Line;

/// What a dialog may read to draw itself.
pub struct View<'a> {
    pub keymap: &'a Keymap,
    pub theme: &'a Theme,
    pub contact_id: u64,
    pub status: &'a Status,
    /// A save has gone out and its answer has not come back.
    pub saving: bool,
    pub paths: &'a Paths,
    /// Rows scrolled, for dialogs that scroll.
    pub scroll: u16,
    /// Seconds since the epoch, as the runtime last told.
    pub now: u64,
}

/// How the frame lays a dialog's contents out.
pub enum Body {
    /// Text the frame wraps and scrolls, with the hint line under it: centred, at most 90
    /// columns wide, as tall as it needs.
    Text(Vec<Line<'static>>),
    /// A box of at most `width` × `height` whose inside the dialog draws
    /// ([`Draw::draw_inside`]), above the hint line.
    Box { width: u16, height: u16 },
    /// All of the body; the dialog draws inside, and its hints are in the footer below.
    Fill,
}

impl Body {
    /// One paragraph of text: a question.
    pub fn question(text: String) -> Body {
        Body::Text(vec![Line::from(text)])
    }
}

/// What a dialog shows in its frame, worked out once per drawing.
pub struct Look {
    pub title: String,
    pub body: Body,
    /// The keys it offers, most needed first. The frame adds scrolling and the way out.
    pub hints: Vec<Hint>,
    /// A note for the frame's bottom-right corner (of a `Fill` dialog).
    pub note: Option<String>,
}

impl Look {
    pub fn new(title: impl Into<String>, body: Body, hints: Vec<Hint>) -> Look {
        Look {
            title: title.into(),
            body,
            hints,
            note: None,
        }
    }
}

/// How one dialog looks.
pub trait Draw {
    fn look(&self, view: &View) -> Look;

    /// Draws the inside of a `Box` or `Fill` dialog; returns where the cursor goes.
    fn draw_inside(&self, _view: &View, _frame: &mut Frame, _inner: Rect) -> Option<Position> {
        None
    }
}

/// The drawing of the open dialog.
fn drawing(overlay: &Overlay) -> &dyn Draw {
    match overlay {
        Overlay::Review(d) => d,
        Overlay::Confirm(d) => d,
        Overlay::RestoreDraft(d) => &**d,
        Overlay::Open(d) => d,
        Overlay::Picker(d) => &**d,
        Overlay::SaveInFlight(d) => d,
        Overlay::Help(d) => d,
        Overlay::Create(d) => d,
        Overlay::History(d) => d,
    }
}

pub fn look(overlay: &Overlay, view: &View) -> Look {
    drawing(overlay).look(view)
}

/// The hint line, as (keys, what they do): the dialog's own hints, "↑↓ scroll" where it
/// scrolls (in the footer; inside, the frame's border says so when there is more), and
/// the way out last. Hints whose keys are all unbound are left out.
pub fn hint_line(
    dialog: &dyn Dialog,
    look: &Look,
    keymap: &Keymap,
    footer: bool,
) -> Vec<(String, String)> {
    let handling = dialog.handling();
    let mut hints = look.hints.clone();
    if footer && handling.scrolls {
        hints.push(Hint::keys([Keys::Scroll], "scroll"));
    }
    if let Some(label) = handling.way_out {
        hints.push(Hint::of(Action::Deny, label));
    }
    hints
        .into_iter()
        .filter_map(|h| Some((keymap.hint_keys(&h.keys, handling.scope)?, h.label)))
        .collect()
}
