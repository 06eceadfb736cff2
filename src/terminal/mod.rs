//! Raw mode, alternate screen and bracketed paste, restored on every way out: normal
//! exit and errors (the guard's `Drop`), panics (the hook), signals (the runtime returns
//! normally, so the guard runs). Frames go out through [`LeanBackend`].

mod lean;

pub use lean::LeanBackend;

use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use crossterm::execute;
use crossterm::style::{Attribute, SetAttribute};
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use std::io::{self, BufWriter, Stdout};
use std::sync::Once;

/// Each frame is one write: the terminal never shows half of one.
const FRAME_BUFFER: usize = 1 << 16;

pub type Tui = Terminal<LeanBackend<BufWriter<Stdout>>>;

/// Restores the terminal when dropped.
pub struct TerminalGuard {
    pub terminal: Tui,
}

impl TerminalGuard {
    /// `mouse`: capture clicks and the wheel (the terminal's own selection stops working).
    pub fn enter(mouse: bool) -> io::Result<Self> {
        install_panic_hook();
        enable_raw_mode()?;
        let mut stdout = io::stdout();
        let mut entered = execute!(stdout, EnterAlternateScreen, EnableBracketedPaste);
        if mouse && entered.is_ok() {
            entered = execute!(stdout, EnableMouseCapture);
        }
        if let Err(e) = entered {
            restore();
            return Err(e);
        }
        let writer = BufWriter::with_capacity(FRAME_BUFFER, stdout);
        match Terminal::new(LeanBackend::new(writer)) {
            Ok(terminal) => Ok(Self { terminal }),
            Err(e) => {
                restore();
                Err(e)
            }
        }
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        // What is still buffered belongs on the alternate screen, before it is left.
        let _ = ratatui::backend::Backend::flush(self.terminal.backend_mut());
        restore();
    }
}

/// Best effort: each step runs even if an earlier one failed, since a half-restored
/// terminal is worse than a fully attempted one. Frames leave their last colours and
/// attributes on: they are reset here, not only by leaving the alternate screen.
pub fn restore() {
    let mut stdout = io::stdout();
    let _ = execute!(
        stdout,
        SetAttribute(Attribute::Reset),
        DisableMouseCapture,
        DisableBracketedPaste,
        LeaveAlternateScreen
    );
    let _ = execute!(stdout, crossterm::cursor::Show);
    let _ = disable_raw_mode();
}

/// Restores the terminal before the panic message is printed, so it is readable.
fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            previous(info);
        }));
    });
}
