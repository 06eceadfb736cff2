//! What the core keeps of the screen it is drawn on: the terminal's size, the spinner's
//! step, and how far the status pane and the open dialog are scrolled, clamped to how far
//! they could scroll when last drawn.

/// Below this the layout cannot show a field and its label; a notice is drawn instead
/// and nothing acts.
pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 18;

#[derive(Debug, Clone)]
pub(super) struct Screen {
    /// The terminal's size, when known: below the minimum nothing is shown, so no key
    /// may act.
    pub size: Option<(u16, u16)>,
    pub spinner: usize,
    /// Lines scrolled off the top of the status pane (PgUp/PgDn).
    pub status_scroll: u16,
    /// Rows scrolled in the open dialog (the review, help).
    pub dialog_scroll: u16,
    /// How far the status pane and the open dialog can scroll, as the runtime last drew
    /// them: scrolling is clamped to these so no key press is wasted past the end.
    limits: (u16, u16),
}

impl Default for Screen {
    fn default() -> Screen {
        Screen {
            size: None,
            spinner: 0,
            status_scroll: 0,
            dialog_scroll: 0,
            limits: (u16::MAX, u16::MAX),
        }
    }
}

impl Screen {
    pub fn set_scroll_limits(&mut self, status: u16, dialog: u16) {
        self.limits = (status, dialog);
        self.status_scroll = self.status_scroll.min(status);
        self.dialog_scroll = self.dialog_scroll.min(dialog);
    }

    pub fn scroll_status_by(&mut self, lines: i16) {
        let max = self.limits.0;
        self.status_scroll = self.status_scroll.saturating_add_signed(lines).min(max);
    }

    pub fn scroll_dialog_by(&mut self, lines: i16) {
        let max = self.limits.1;
        self.dialog_scroll = self.dialog_scroll.saturating_add_signed(lines).min(max);
    }

    /// Below the minimum size only a notice is drawn: nothing may act unseen.
    pub fn too_small(&self) -> bool {
        self.size
            .is_some_and(|(w, h)| w < MIN_WIDTH || h < MIN_HEIGHT)
    }

    /// Rows a page scrolls a dialog by: most of its visible rows, so nothing is skipped.
    pub fn dialog_page(&self) -> i16 {
        let rows = self.size.map_or(24, |(_, h)| h);
        i16::try_from(rows.saturating_sub(8).max(2)).unwrap_or(i16::MAX)
    }
}
