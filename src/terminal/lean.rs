//! Frames in as few bytes as the terminal needs. ratatui's crossterm backend ends every
//! frame with a full style reset and moves the cursor back where it belongs; typing one
//! character at the end of a field then cost 44 bytes, most of them undoing and redoing
//! state the terminal already had. This backend writes the changed cells the same way
//! but remembers, from one frame to the next, the terminal's pen (colours and
//! attributes), where its cursor is and whether it shows, and sends only what differs:
//! the same keystroke is the character alone.
//!
//! What it remembers is what it wrote itself: anything else that moves the cursor or
//! changes the pen must call [`LeanBackend::forget`], and a clear (a resize, Ctrl-L)
//! forgets everything. Whoever leaves the terminal resets the pen (`restore`).

use crossterm::cursor::{Hide, MoveTo, Show};
use crossterm::queue;
use crossterm::style::{
    Attribute, Print, SetAttribute, SetBackgroundColor, SetForegroundColor, SetUnderlineColor,
};
use crossterm::terminal::{self, Clear};
use ratatui::backend::{Backend, ClearType, IntoCrossterm, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};
use ratatui::style::{Color, Modifier};
use std::io::{self, Write};
use unicode_width::UnicodeWidthStr;

/// A ratatui backend over crossterm that sends no state the terminal already has.
#[derive(Debug)]
pub struct LeanBackend<W: Write> {
    writer: W,
    /// The terminal's pen; `None` when not known (at the start).
    pen: Option<Pen>,
    /// Where the terminal's cursor is; `None` when not known.
    cursor: Option<Position>,
    /// Whether the cursor shows; `None` when not known.
    visible: Option<bool>,
}

/// Colours and attributes: what the next character is drawn with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Pen {
    fg: Color,
    bg: Color,
    underline: Color,
    modifier: Modifier,
}

/// The pen after `SGR 0`.
const PLAIN: Pen = Pen {
    fg: Color::Reset,
    bg: Color::Reset,
    underline: Color::Reset,
    modifier: Modifier::empty(),
};

/// Each attribute and the code that turns it on.
const ATTRIBUTES: [(Modifier, Attribute); 9] = [
    (Modifier::BOLD, Attribute::Bold),
    (Modifier::DIM, Attribute::Dim),
    (Modifier::ITALIC, Attribute::Italic),
    (Modifier::UNDERLINED, Attribute::Underlined),
    (Modifier::SLOW_BLINK, Attribute::SlowBlink),
    (Modifier::RAPID_BLINK, Attribute::RapidBlink),
    (Modifier::REVERSED, Attribute::Reverse),
    (Modifier::HIDDEN, Attribute::Hidden),
    (Modifier::CROSSED_OUT, Attribute::CrossedOut),
];

impl<W: Write> LeanBackend<W> {
    pub fn new(writer: W) -> Self {
        Self {
            writer,
            pen: None,
            cursor: None,
            visible: None,
        }
    }

    /// Something else wrote to the terminal: the next frame states everything again.
    pub fn forget(&mut self) {
        self.pen = None;
        self.cursor = None;
        self.visible = None;
    }

    pub fn writer(&self) -> &W {
        &self.writer
    }

    pub fn writer_mut(&mut self) -> &mut W {
        &mut self.writer
    }

    /// Makes the terminal's pen `to`, from what it is now.
    fn set_pen(&mut self, to: Pen) -> io::Result<()> {
        let mut from = self.pen.unwrap_or(PLAIN);
        // An attribute can only be taken away one by one with codes that not every
        // terminal knows (bold and dim share one); a reset takes them all.
        if self.pen.is_none() || !(from.modifier - to.modifier).is_empty() {
            queue!(self.writer, SetAttribute(Attribute::Reset))?;
            from = PLAIN;
        }
        for (modifier, attribute) in ATTRIBUTES {
            if to.modifier.contains(modifier) && !from.modifier.contains(modifier) {
                queue!(self.writer, SetAttribute(attribute))?;
            }
        }
        if to.fg != from.fg {
            queue!(self.writer, SetForegroundColor(to.fg.into_crossterm()))?;
        }
        if to.bg != from.bg {
            queue!(self.writer, SetBackgroundColor(to.bg.into_crossterm()))?;
        }
        if to.underline != from.underline {
            queue!(
                self.writer,
                SetUnderlineColor(to.underline.into_crossterm())
            )?;
        }
        self.pen = Some(to);
        Ok(())
    }
}

impl<W: Write> Backend for LeanBackend<W> {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        for (x, y, cell) in content {
            let at = Position { x, y };
            if self.cursor != Some(at) {
                queue!(self.writer, MoveTo(x, y))?;
            }
            let pen = Pen {
                fg: cell.fg,
                bg: cell.bg,
                underline: cell.underline_color,
                modifier: cell.modifier,
            };
            if self.pen != Some(pen) {
                self.set_pen(pen)?;
            }
            let symbol = cell.symbol();
            queue!(self.writer, Print(symbol))?;
            // Past a character one column wide the cursor is on the next cell; after a
            // wide or zero-width one, where the terminal puts it is its own business.
            self.cursor = (symbol.width() == 1).then(|| Position { x: x + 1, y });
        }
        Ok(())
    }

    fn hide_cursor(&mut self) -> io::Result<()> {
        if self.visible != Some(false) {
            queue!(self.writer, Hide)?;
            self.visible = Some(false);
        }
        Ok(())
    }

    fn show_cursor(&mut self) -> io::Result<()> {
        if self.visible != Some(true) {
            queue!(self.writer, Show)?;
            self.visible = Some(true);
        }
        Ok(())
    }

    fn get_cursor_position(&mut self) -> io::Result<Position> {
        let (x, y) = crossterm::cursor::position()?;
        Ok(Position { x, y })
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        let position = position.into();
        if self.cursor != Some(position) {
            queue!(self.writer, MoveTo(position.x, position.y))?;
            self.cursor = Some(position);
        }
        Ok(())
    }

    fn clear(&mut self) -> io::Result<()> {
        self.clear_region(ClearType::All)
    }

    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        // A clear starts afresh: it comes after a resize (the terminal may have moved the
        // cursor) or on Ctrl-L (another program may have written). The pen is reset
        // first, since cleared cells take its background on most terminals.
        self.forget();
        queue!(self.writer, SetAttribute(Attribute::Reset))?;
        self.pen = Some(PLAIN);
        let region = match clear_type {
            ClearType::All => terminal::ClearType::All,
            ClearType::AfterCursor => terminal::ClearType::FromCursorDown,
            ClearType::BeforeCursor => terminal::ClearType::FromCursorUp,
            ClearType::CurrentLine => terminal::ClearType::CurrentLine,
            ClearType::UntilNewLine => terminal::ClearType::UntilNewLine,
        };
        queue!(self.writer, Clear(region))?;
        self.writer.flush()
    }

    fn append_lines(&mut self, n: u16) -> io::Result<()> {
        for _ in 0..n {
            queue!(self.writer, Print("\n"))?;
        }
        self.cursor = None;
        self.writer.flush()
    }

    fn size(&self) -> io::Result<Size> {
        let (width, height) = terminal::size()?;
        Ok(Size { width, height })
    }

    fn window_size(&mut self) -> io::Result<WindowSize> {
        let size = terminal::window_size()?;
        Ok(WindowSize {
            columns_rows: Size {
                width: size.columns,
                height: size.rows,
            },
            pixels: Size {
                width: size.width,
                height: size.height,
            },
        })
    }

    fn flush(&mut self) -> io::Result<()> {
        self.writer.flush()
    }
}
