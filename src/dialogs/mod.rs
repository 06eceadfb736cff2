//! The dialogs over the form, one file each, holding the dialog's state, its keys, its
//! drawing and its hints. This file is the contract they share and the list of them;
//! `frame.rs` draws the one frame they all sit in.
//!
//! A dialog stays pure: it reads what it needs from a [`View`] (to draw) or a
//! [`KeyContext`] (to answer a key), changes only itself, and tells the app what to do
//! with an [`Outcome`]. The app acts on outcomes in one place (`app/keys.rs`) and keeps
//! the queue of dialogs waiting their turn (`app/queue.rs`).
//!
//! The frame gives every dialog the same border and title, the same scrolling (↑↓
//! PgUp/PgDn where the dialog scrolls), the same way out (the `deny` keys close it,
//! unless it needs an answer), and the same hint line, which the footer repeats.
//!
//! These live outside `ui/` because a dialog's state and keys belong to the pure core
//! (the app holds the open dialog and acts on its outcomes), and the core must not
//! depend on the drawing layer.

pub mod confirm;
pub mod create;
pub mod frame;
pub mod help;
pub mod history;
pub mod open;
pub mod picker;
pub mod restore;
pub mod review;
pub mod save_in_flight;

use crate::app::{Paths, Status};
use crate::keymap::{Action, Hint, KeyEvent, Keymap, Keys, Nav, Scope};
use crate::target::Target;
use crate::ui::theme::Theme;
use phonenumber::country::Id as Region;
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::Line;

/// What the app does after a key (or the wheel) in a dialog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing more: the dialog stays, changed or not.
    Stay,
    /// Scroll the dialog by this many rows.
    Scroll(i16),
    /// The dialog closes; nothing else happens.
    Close,
    /// Review: send what it shows; `overwrite` sends yours over a conflict.
    Send {
        overwrite: bool,
    },
    /// Review: put the same request on the clipboard as curl.
    CopyCurl,
    /// Conflict review: take theirs for the conflicting fields, keep the other edits.
    TakeTheirs,
    /// Yes to "leave this contact?": discard the edits and open this one.
    DiscardAndLeave(Target),
    /// Yes to "quit?": discard the edits and quit.
    DiscardAndQuit,
    /// Yes to "reload?": discard the edits and reload.
    DiscardAndReload,
    /// Yes to "start a new contact?": discard the edits and open an empty form.
    DiscardAndNew,
    /// Quit now, asking nothing more.
    Quit,
    /// Close the dialog and quit, asking first as the form would.
    AskToQuit,
    /// Unsent edits found: put them back, or delete them.
    RestoreDraft,
    DiscardDraft,
    /// A save is in flight: go where the user asked without waiting for it.
    LeaveNow,
    /// Open this contact (typed or picked); asks first if the edits would be lost.
    Open(Target),
    /// The picker moved: fetch the page it now needs, if any.
    Fetch,
    /// New contact review: create it.
    Create,
    /// History: put the values from before this save back into the form.
    UndoSave(Box<crate::journal::Entry>),
}

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
}

/// What a dialog may read to answer a key.
pub struct KeyContext {
    /// For phone numbers typed without a country code.
    pub region: Region,
    /// The contact open in the form, if one is loaded: choosing it again goes nowhere.
    pub open: Option<u64>,
    /// Rows PgUp/PgDn scroll.
    pub page: i16,
}

/// How the frame lays a dialog out.
pub enum Shape {
    /// Text the frame wraps and scrolls, with the hint line under it: centred, at most 90
    /// columns wide, as tall as it needs.
    Text(Vec<Line<'static>>),
    /// A box of at most `width` × `height` whose inside the dialog draws, above the hint
    /// line.
    Box { width: u16, height: u16 },
    /// All of the body; the dialog draws inside, and its hints are in the footer below.
    Fill,
}

/// The contract every dialog keeps.
pub trait Dialog {
    /// Which keys act in it (see `keymap::Scope`).
    fn scope(&self) -> Scope;

    fn title(&self, view: &View) -> String;

    fn shape(&self, view: &View) -> Shape;

    /// Draws the inside of a `Box` or `Fill` dialog; returns where the cursor goes.
    fn draw(&self, _view: &View, _frame: &mut Frame, _inner: Rect) -> Option<Position> {
        None
    }

    /// A note for the frame's bottom-right corner.
    fn note(&self) -> Option<String> {
        None
    }

    /// The keys it offers, most needed first. The frame adds scrolling and the way out.
    fn hints(&self, view: &View) -> Vec<Hint>;

    /// What the `deny` keys do here, as the hint says it ("stay", "back to the form"):
    /// they close the dialog. `None` for a dialog that needs an answer.
    fn way_out(&self) -> Option<&'static str>;

    /// Whether ↑↓ PgUp/PgDn scroll it.
    fn scrolls(&self) -> bool {
        false
    }

    /// A key that is neither a scroll nor the way out, with the action the keymap found
    /// for it in this dialog's scope.
    fn on_key(&mut self, action: Option<Action>, key: &KeyEvent, cx: &KeyContext) -> Outcome;

    /// The quit key while it is open: by default the dialog closes and quitting asks as
    /// it would from the form.
    fn on_quit(&self) -> Outcome {
        Outcome::AskToQuit
    }

    /// The line of text a paste goes into, if it has one.
    fn text_input(&mut self) -> Option<&mut tui_input::Input> {
        None
    }

    /// Its line of text was changed from outside (a paste).
    fn text_changed(&mut self) {}

    /// The mouse wheel; positive is down.
    fn on_wheel(&mut self, _lines: i16) -> Outcome {
        Outcome::Stay
    }
}

/// A boxed dialog is the dialog (the big ones are boxed to keep `Overlay` small).
impl<D: Dialog + ?Sized> Dialog for Box<D> {
    fn scope(&self) -> Scope {
        (**self).scope()
    }
    fn title(&self, view: &View) -> String {
        (**self).title(view)
    }
    fn shape(&self, view: &View) -> Shape {
        (**self).shape(view)
    }
    fn draw(&self, view: &View, frame: &mut Frame, inner: Rect) -> Option<Position> {
        (**self).draw(view, frame, inner)
    }
    fn note(&self) -> Option<String> {
        (**self).note()
    }
    fn hints(&self, view: &View) -> Vec<Hint> {
        (**self).hints(view)
    }
    fn way_out(&self) -> Option<&'static str> {
        (**self).way_out()
    }
    fn scrolls(&self) -> bool {
        (**self).scrolls()
    }
    fn on_key(&mut self, action: Option<Action>, key: &KeyEvent, cx: &KeyContext) -> Outcome {
        (**self).on_key(action, key, cx)
    }
    fn on_quit(&self) -> Outcome {
        (**self).on_quit()
    }
    fn text_input(&mut self) -> Option<&mut tui_input::Input> {
        (**self).text_input()
    }
    fn text_changed(&mut self) {
        (**self).text_changed()
    }
    fn on_wheel(&mut self, lines: i16) -> Outcome {
        (**self).on_wheel(lines)
    }
}

/// Declares the list of dialogs: the `Overlay` enum and its dispatch to [`Dialog`].
macro_rules! dialogs {
    ($($(#[$doc:meta])* $variant:ident($state:ty),)*) => {
        /// The dialog over the form. Adding one: a file in `dialogs/` and a line here.
        #[derive(Debug, Clone)]
        pub enum Overlay {
            $($(#[$doc])* $variant($state),)*
        }

        impl Overlay {
            pub fn dialog(&self) -> &dyn Dialog {
                match self {
                    $(Overlay::$variant(d) => d,)*
                }
            }

            pub fn dialog_mut(&mut self) -> &mut dyn Dialog {
                match self {
                    $(Overlay::$variant(d) => d,)*
                }
            }
        }
    };
}

dialogs! {
    /// What will be sent; with conflicts, sending needs the explicit overwrite key.
    Review(review::Review),
    /// Discard the edits and quit, reload or leave?
    Confirm(confirm::Confirm),
    /// A draft from an earlier session exists for this contact.
    RestoreDraft(Box<crate::drafts::Draft>),
    /// Open another contact by id, e-mail or phone.
    Open(open::OpenPrompt),
    /// Pick from the contact list.
    Picker(Box<crate::app::picker::Picker>),
    /// Leaving (or reloading) while a save is in flight: wait for it, or go and check
    /// the contact later.
    SaveInFlight(save_in_flight::Departure),
    Help(help::Help),
    /// A new contact: what will be created, and any contact that already matches.
    Create(create::CreateReview),
    /// The saves made from this machine to the open contact.
    History(history::History),
}

impl Overlay {
    /// A key press, and the action the keymap found for it in this dialog's scope:
    /// scrolling and the way out are the frame's, the rest the dialog's.
    pub fn on_key(&mut self, action: Option<Action>, key: &KeyEvent, cx: &KeyContext) -> Outcome {
        let dialog = self.dialog_mut();
        if dialog.scrolls()
            && let Some(step) = Nav::of(key).and_then(|n| scroll_step(n, cx.page))
        {
            return Outcome::Scroll(step);
        }
        if action == Some(Action::Deny) && dialog.way_out().is_some() {
            return Outcome::Close;
        }
        dialog.on_key(action, key, cx)
    }

    /// The hint line, as (keys, what they do): the dialog's own hints, "↑↓ scroll" where
    /// it scrolls (in the footer; inside, the frame's border says so when there is more),
    /// and the way out last. Hints whose keys are all unbound are left out.
    pub fn hint_line(&self, view: &View, footer: bool) -> Vec<(String, String)> {
        let dialog = self.dialog();
        let mut hints = dialog.hints(view);
        if footer && dialog.scrolls() {
            hints.push(Hint::keys([Keys::Scroll], "scroll"));
        }
        if let Some(label) = dialog.way_out() {
            hints.push(Hint::of(Action::Deny, label));
        }
        let scope = dialog.scope();
        hints
            .into_iter()
            .filter_map(|h| Some((view.keymap.hint_keys(&h.keys, scope)?, h.label)))
            .collect()
    }
}

/// Rows a navigation key scrolls a dialog by.
fn scroll_step(nav: Nav, page: i16) -> Option<i16> {
    match nav {
        Nav::Up => Some(-1),
        Nav::Down => Some(1),
        Nav::PageUp => Some(-page),
        Nav::PageDown => Some(page),
        Nav::Top | Nav::Bottom => None,
    }
}
