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
pub mod many;
pub mod merge;
pub mod open;
pub mod picker;
pub mod restore;
pub mod review;
pub mod save_in_flight;

pub use contract::{Dialog, Handling, KeyContext, Outcome};

use crate::keymap::{Action, KeyEvent, Nav};

/// Declares the list of dialogs, one line each: the name of its files (its state and keys
/// here, declared above; its looks in `ui/dialogs/`), its `Overlay` variant and state,
/// and the form key that opens it when opening needs nothing but the key.
///
/// From the list come the `Overlay` enum, its dispatch to [`Dialog`], and two macros for
/// the layers above, so that a new dialog is its two files and its lines here:
/// `each_dialog!` reaches the state of whichever dialog is open (the drawing uses it),
/// and `dialog_files!` declares the modules of a folder that has a file per dialog
/// (`cargo fmt` does not follow modules declared by a macro: `tests/format.rs` checks
/// those files).
///
/// The first token is `$`, passed in so the macros defined here can have variables of
/// their own.
macro_rules! dialogs {
    ($d:tt $($(#[$doc:meta])* $file:ident: $variant:ident($state:ty) $(on $key:path)?,)*) => {
        /// The dialog over the form. Adding one: its `mod` line above and its line in the
        /// list below.
        #[derive(Debug, Clone)]
        pub enum Overlay {
            $($(#[$doc])* $variant($state),)*
        }

        /// `each_dialog!(overlay, d => expr)`: `expr` with `d` bound to the state of the
        /// dialog `overlay` holds, whichever it is.
        macro_rules! each_dialog {
            ($d overlay:expr, $d state:ident => $d body:expr) => {
                match $d overlay {
                    $($crate::dialogs::Overlay::$variant($d state) => $d body,)*
                }
            };
        }
        pub(crate) use each_dialog;

        /// `dialog_files!()`: a `mod` line for each dialog's file, in the folder where it
        /// is called.
        macro_rules! dialog_files {
            () => {
                $(mod $file;)*
            };
        }
        pub(crate) use dialog_files;

        impl Overlay {
            pub fn dialog(&self) -> &dyn Dialog {
                each_dialog!(self, d => d)
            }

            pub fn dialog_mut(&mut self) -> &mut dyn Dialog {
                each_dialog!(self, d => d)
            }

            /// The dialog this form key opens by itself (with its state's default), if any.
            pub fn opened_by(action: Action) -> Option<Overlay> {
                $($(
                    if action == $key {
                        return Some(Overlay::$variant(Default::default()));
                    }
                )?)*
                None
            }
        }
    };
}

dialogs! { $
    /// What will be sent; with conflicts, sending needs the explicit overwrite key.
    review: Review(review::Review),
    /// Discard the edits and quit, reload or leave?
    confirm: Confirm(confirm::Confirm),
    /// A draft from an earlier session exists for this contact.
    restore: RestoreDraft(Box<crate::drafts::Draft>),
    /// Open another contact by id, e-mail or phone.
    open: Open(open::OpenPrompt),
    /// Pick from the contact list.
    picker: Picker(Box<picker::Picker>),
    /// Leaving (or reloading) while a save is in flight: wait for it, or go and check
    /// the contact later.
    save_in_flight: SaveInFlight(save_in_flight::Departure),
    /// Every binding as configured, and where the config, log and drafts are.
    help: Help(help::Help) on Action::Help,
    /// A new contact: what will be created, and any contact that already matches.
    create: Create(create::CreateReview),
    /// The saves made from this machine to the open contact.
    history: History(history::History),
    /// A change to several contacts, contact by contact.
    many: Many(Box<many::ManyReview>),
    /// Contacts that are one person, side by side: what stays, then the review.
    merge: Merge(Box<merge::MergeView>),
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
