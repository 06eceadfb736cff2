//! The crate's own key press: what the core, the form and the dialogs see of a key. The
//! runtime makes one from the terminal's event at its edge (`runtime/input.rs`), once;
//! nothing below it knows the terminal library.
//!
//! Alt and Meta are one modifier here, [`KeyModifiers::ALT`]: terminals report the same
//! key either way, and every binding and every readline key treats them alike. A key
//! release never becomes a `KeyEvent`.

use std::fmt;
use std::ops::{BitOr, BitOrAssign, Sub, SubAssign};

/// A key pressed (or repeated), with the modifiers held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyEvent {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

impl KeyEvent {
    pub const fn new(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent { code, modifiers }
    }
}

/// The keys the editor gives a meaning to. Keys outside this list (Caps Lock, media
/// keys) do not reach the core.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyCode {
    Backspace,
    Enter,
    Left,
    Right,
    Up,
    Down,
    Home,
    End,
    PageUp,
    PageDown,
    Tab,
    /// Shift-Tab, as terminals report it.
    BackTab,
    Delete,
    Insert,
    /// F1 to F24.
    F(u8),
    Char(char),
    Esc,
}

/// The modifiers held with a key: a set of flags.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct KeyModifiers(u8);

impl KeyModifiers {
    pub const NONE: KeyModifiers = KeyModifiers(0);
    pub const SHIFT: KeyModifiers = KeyModifiers(1);
    pub const CONTROL: KeyModifiers = KeyModifiers(1 << 1);
    /// Alt, or Meta.
    pub const ALT: KeyModifiers = KeyModifiers(1 << 2);
    /// Super or Hyper: no binding and no readline key uses them, so a key held with one
    /// acts as nothing.
    pub const SUPER: KeyModifiers = KeyModifiers(1 << 3);

    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Every flag of `other` is held.
    pub const fn contains(self, other: KeyModifiers) -> bool {
        self.0 & other.0 == other.0
    }

    /// Some flag of `other` is held.
    pub const fn intersects(self, other: KeyModifiers) -> bool {
        self.0 & other.0 != 0
    }

    pub const fn union(self, other: KeyModifiers) -> KeyModifiers {
        KeyModifiers(self.0 | other.0)
    }
}

impl BitOr for KeyModifiers {
    type Output = KeyModifiers;

    fn bitor(self, other: KeyModifiers) -> KeyModifiers {
        self.union(other)
    }
}

impl BitOrAssign for KeyModifiers {
    fn bitor_assign(&mut self, other: KeyModifiers) {
        *self = *self | other;
    }
}

/// The flags of `self` without those of `other`.
impl Sub for KeyModifiers {
    type Output = KeyModifiers;

    fn sub(self, other: KeyModifiers) -> KeyModifiers {
        KeyModifiers(self.0 & !other.0)
    }
}

impl SubAssign for KeyModifiers {
    fn sub_assign(&mut self, other: KeyModifiers) {
        *self = *self - other;
    }
}

impl fmt::Debug for KeyModifiers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return f.write_str("NONE");
        }
        let names = [
            (KeyModifiers::SHIFT, "SHIFT"),
            (KeyModifiers::CONTROL, "CONTROL"),
            (KeyModifiers::ALT, "ALT"),
            (KeyModifiers::SUPER, "SUPER"),
        ];
        let held: Vec<&str> = names
            .into_iter()
            .filter(|(flag, _)| self.contains(*flag))
            .map(|(_, name)| name)
            .collect();
        f.write_str(&held.join(" | "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modifiers_are_a_set() {
        let ctrl_alt = KeyModifiers::CONTROL | KeyModifiers::ALT;
        assert!(ctrl_alt.contains(KeyModifiers::ALT));
        assert!(!ctrl_alt.contains(KeyModifiers::SHIFT | KeyModifiers::ALT));
        assert!(ctrl_alt.intersects(KeyModifiers::SHIFT | KeyModifiers::ALT));
        assert_eq!(ctrl_alt - KeyModifiers::ALT, KeyModifiers::CONTROL);
        assert!((KeyModifiers::SHIFT - KeyModifiers::SHIFT).is_empty());
        assert_eq!(format!("{ctrl_alt:?}"), "CONTROL | ALT");
        assert_eq!(format!("{:?}", KeyModifiers::NONE), "NONE");
    }
}
