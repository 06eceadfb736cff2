//! The contract every dialog keeps: how the frame treats its keys ([`Handling`]), how it
//! answers one ([`Dialog::on_key`], with a [`KeyContext`]), and what it tells the app to
//! do ([`Outcome`]).

use crate::keymap::{Action, KeyEvent, Scope};
use crate::target::Target;
use phonenumber::country::Id as Region;

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
    /// Picker: read the organisation's contacts again.
    ReadIndex,
    /// Picker: open these marked contacts together, to change them at once.
    OpenMany(Vec<u64>),
    /// Review of a change to several contacts: send it.
    SendMany,
    /// Picker: read these contacts and show them side by side, to merge them.
    Merge(Vec<u64>),
    /// Merge view, confirmed: send the survivor's save, then the deletes.
    SendMerge,
    /// History: take back every save of this batch.
    UndoBatch(String),
    /// New contact review: create it.
    Create,
    /// History: put the values from before this save back into the form.
    UndoSave(Box<crate::journal::Entry>),
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

/// How the frame treats a dialog's keys before the dialog sees them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Handling {
    /// Which keys act in it (see `keymap::Scope`).
    pub scope: Scope,
    /// What the `deny` keys do here, as the hint says it ("stay", "back to the form"):
    /// they close the dialog. `None` for a dialog that needs an answer.
    pub way_out: Option<&'static str>,
    /// Whether ↑↓ PgUp/PgDn scroll it.
    pub scrolls: bool,
}

impl Handling {
    /// Its keys are read in `scope`, and the `deny` keys close it: `way_out` is what they
    /// do, as the hint says it.
    pub const fn closes(scope: Scope, way_out: &'static str) -> Handling {
        Handling {
            scope,
            way_out: Some(way_out),
            scrolls: false,
        }
    }

    /// Its keys are read in `scope`, and it stays until it is answered.
    pub const fn needs_an_answer(scope: Scope) -> Handling {
        Handling {
            scope,
            way_out: None,
            scrolls: false,
        }
    }

    /// ↑↓ PgUp/PgDn scroll it.
    pub const fn scrolling(self) -> Handling {
        Handling {
            scrolls: true,
            ..self
        }
    }
}

/// The contract every dialog keeps.
pub trait Dialog {
    fn handling(&self) -> Handling;

    /// A key that is neither a scroll nor the way out, with the action the keymap found
    /// for it in this dialog's scope. By default it does nothing.
    fn on_key(&mut self, _action: Option<Action>, _key: &KeyEvent, _cx: &KeyContext) -> Outcome {
        Outcome::Stay
    }

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
    fn handling(&self) -> Handling {
        (**self).handling()
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
