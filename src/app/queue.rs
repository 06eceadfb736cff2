//! The dialog on screen and the dialogs waiting their turn behind it. A result never
//! replaces the dialog the user is answering (DESIGN.md, "Safety"): what it wants to show
//! waits here, in the order it came, and comes up once the open one is answered.

use crate::dialogs::Overlay;
use std::collections::VecDeque;

#[derive(Debug, Clone, Default)]
pub(super) struct DialogQueue {
    open: Option<Overlay>,
    waiting: VecDeque<Overlay>,
}

impl DialogQueue {
    /// The one way a dialog opens: at once when none is open, else behind the others.
    pub(super) fn show(&mut self, dialog: Overlay) {
        if self.open.is_some() {
            self.waiting.push_back(dialog);
        } else {
            self.open = Some(dialog);
        }
    }

    pub(super) fn open(&self) -> Option<&Overlay> {
        self.open.as_ref()
    }

    pub(super) fn open_mut(&mut self) -> Option<&mut Overlay> {
        self.open.as_mut()
    }

    pub(super) fn is_open(&self) -> bool {
        self.open.is_some()
    }

    /// Closes the open dialog and hands it back; the next one waits for [`Self::next`].
    pub(super) fn close(&mut self) -> Option<Overlay> {
        self.open.take()
    }

    /// The dialogs waiting are moot (the contact they are about is being left).
    pub(super) fn forget_waiting(&mut self) {
        self.waiting.clear();
    }

    /// With none open, the first one waiting comes up.
    pub(super) fn next(&mut self) {
        if self.open.is_none() {
            self.open = self.waiting.pop_front();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dialogs::confirm::Confirm;
    use crate::dialogs::help::Help;

    #[test]
    fn dialogs_wait_their_turn_in_order() {
        let mut q = DialogQueue::default();
        q.show(Overlay::Help(Help));
        q.show(Overlay::Confirm(Confirm::Quit));
        q.show(Overlay::Confirm(Confirm::Reload));
        assert!(matches!(q.open(), Some(Overlay::Help(_))));
        q.next();
        assert!(matches!(q.open(), Some(Overlay::Help(_))), "one is open");
        for expected in [Confirm::Quit, Confirm::Reload] {
            q.close();
            q.next();
            assert!(matches!(q.open(), Some(Overlay::Confirm(c)) if *c == expected));
        }
        q.show(Overlay::Help(Help));
        q.forget_waiting();
        q.close();
        q.next();
        assert!(q.open().is_none());
    }
}
