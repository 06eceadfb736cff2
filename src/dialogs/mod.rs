//! The dialogs over the form, one file each, holding the dialog's state and its keys.
//! This file is the list of them; `contract.rs` is what they share. How each one looks is
//! drawn by `ui/dialogs/`, which reads this state and never changes it.
//!
//! A dialog stays pure: it answers a key (with the action the app found for it in the
//! dialog's scope, and a [`KeyContext`]), changes only itself, and tells the app what to
//! do with an [`Outcome`]. The app acts on outcomes in one place (`app/keys.rs`) and
//! keeps the queue of dialogs waiting their turn (`app/queue.rs`).
//!
//! What every dialog shares is its [`Handling`]: the scope its keys are read in, whether
//! ↑↓ PgUp/PgDn scroll it, and its way out (the `deny` keys close it, unless it needs an
//! answer). The frame acts on those before the dialog sees a key.

pub mod confirm;
mod contract;
pub mod create;
pub mod help;
pub mod history;
pub mod open;
pub mod picker;
pub mod restore;
pub mod review;
pub mod save_in_flight;

pub use contract::{Dialog, Handling, KeyContext, Outcome};

use crate::keymap::{Action, KeyEvent, Nav};

/// Declares the list of dialogs: the `Overlay` enum and its dispatch to [`Dialog`].
macro_rules! dialogs {
    ($($(#[$doc:meta])* $variant:ident($state:ty),)*) => {
        /// The dialog over the form. Adding one: its state and keys in a file here and a
        /// line below; its looks in `ui/dialogs/`.
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
    Picker(Box<picker::Picker>),
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
        let handling = dialog.handling();
        if handling.scrolls
            && let Some(step) = Nav::of(key).and_then(|n| scroll_step(n, cx.page))
        {
            return Outcome::Scroll(step);
        }
        if action == Some(Action::Deny) && handling.way_out.is_some() {
            return Outcome::Close;
        }
        dialog.on_key(action, key, cx)
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
