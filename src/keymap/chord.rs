//! One key chord ("ctrl-s", "f2", "shift-tab", "y"): reading it from the config file,
//! printing it for people and for the config file, and telling whether a key press from
//! the terminal is it.
//!
//! `crokey` does the naming: the key names and F-keys it reads, and the spelling of the
//! modifiers and of most keys when printed. Around it sits a thin adapter for what it does
//! not cover and this project relies on: the spellings users already have in their config
//! files ("control-", "meta-", "ctrl+s", "pgdn", "↑"), a single non-ASCII character
//! ("alt-é"), Shift-Tab (terminals report it as BackTab), the legacy control bytes
//! (Ctrl-/ arrives as Ctrl-7), and the labels the screens use (PgDn, ↑, Ctrl-S, Ctrl--).
//!
//! crokey speaks the terminal library's key types; a chord holds the crate's own
//! (`key.rs`), and the one table between the two is at the end of this file.

use super::key::{KeyCode, KeyEvent, KeyModifiers};
use crokey::{KeyCombination, KeyCombinationFormat};
use std::fmt;
use std::sync::LazyLock;

/// A key chord like "ctrl-s", "f2", "shift-tab", "alt-b", "enter", "esc", "up", "pgdn",
/// "ctrl-/", "y".
///
/// Stored in one canonical form so that equal chords compare equal: letters are lower
/// case (Shift is the SHIFT flag), other characters carry no SHIFT (the character already
/// says it), and Shift-Tab is `BackTab` without SHIFT. (Meta is Alt already: see
/// `key.rs`.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyChord {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

/// How labels spell modifiers: "Ctrl-", "Alt-", "Shift-".
static LABEL: LazyLock<KeyCombinationFormat> = LazyLock::new(KeyCombinationFormat::default);
/// How the config file spells them: "ctrl-", "alt-", "shift-".
static CONFIG: LazyLock<KeyCombinationFormat> =
    LazyLock::new(|| KeyCombinationFormat::default().with_lowercase_modifiers());

/// Spellings read besides crokey's own key names, mapped to crokey's.
const ALIASES: &[(&[&str], &str)] = &[
    (&["return", "ret"], "enter"),
    (&["escape"], "esc"),
    (&["spc"], "space"),
    (&["bs"], "backspace"),
    (&["pgup"], "pageup"),
    (&["pgdn", "pgdown"], "pagedown"),
    (&["↑"], "up"),
    (&["↓"], "down"),
    (&["←"], "left"),
    (&["→"], "right"),
];

const MODIFIER_NAMES: &[(&str, KeyModifiers)] = &[
    ("ctrl", KeyModifiers::CONTROL),
    ("control", KeyModifiers::CONTROL),
    ("alt", KeyModifiers::ALT),
    ("meta", KeyModifiers::ALT),
    ("option", KeyModifiers::ALT),
    ("opt", KeyModifiers::ALT),
    ("shift", KeyModifiers::SHIFT),
];

const KEY_NAME_HINT: &str = "use a single character, f1 to f24, or one of enter, esc, tab, \
                             space, backspace, delete, insert, home, end, pgup, pgdn, up, \
                             down, left, right";

impl KeyChord {
    pub const fn new(code: KeyCode, modifiers: KeyModifiers) -> KeyChord {
        KeyChord { code, modifiers }
    }

    /// A chord for the form: like [`KeyChord::parse_any`], but a chord that would type a
    /// character is refused, since typing must always edit the focused field.
    pub fn parse(s: &str) -> Result<KeyChord, String> {
        let chord = Self::parse_any(s)?;
        if chord.types_text() {
            let original = crate::text::sanitize_snippet(s.trim(), 40);
            return Err(crate::text::sanitize_snippet(
                &format!(
                    "\"{original}\" types {} into the field, and typing always edits; \
                     add ctrl- or alt- (for example \"ctrl-g\")",
                    KeyChord::new(chord.code, KeyModifiers::NONE).label()
                ),
                300,
            ));
        }
        Ok(chord)
    }

    /// Parses "ctrl-s", "Ctrl+S", "shift-tab", "f2", "alt-b", "ctrl-/", "↑", "y". Case does
    /// not matter (Shift is spelt out: "ctrl-shift-s").
    pub fn parse_any(s: &str) -> Result<KeyChord, String> {
        // The text comes from a file the user edits; keep it inert on the terminal.
        Self::parse_unchecked(s)
            .map(|c| c.canonical())
            .map_err(|e| crate::text::sanitize_snippet(&e, 300))
    }

    fn parse_unchecked(s: &str) -> Result<KeyChord, String> {
        let original = crate::text::sanitize_snippet(s.trim(), 40);
        let original = original.as_str();
        let lower = s.trim().to_lowercase();
        let mut rest = lower.as_str();
        let mut modifiers = KeyModifiers::NONE;
        // Peel "modifier-" prefixes; what is left is the key, which may itself be '-' or
        // '+' ("ctrl--", "ctrl-+"). crokey knows only '-' and the short names.
        'peel: loop {
            for &(name, flag) in MODIFIER_NAMES {
                if let Some(after) = rest.strip_prefix(name)
                    && let Some(after) = after.strip_prefix('-').or_else(|| after.strip_prefix('+'))
                    && !after.is_empty()
                {
                    modifiers |= flag;
                    rest = after;
                    continue 'peel;
                }
            }
            break;
        }
        if rest.is_empty() {
            return Err("an empty key name: write a key such as \"ctrl-s\" or \"f2\"".into());
        }
        let code = key_code(rest).ok_or_else(|| unknown_key(original, rest))?;
        if let KeyCode::Char(c) = code {
            if modifiers.contains(KeyModifiers::SHIFT)
                && !c.is_alphabetic()
                && modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
            {
                return Err(format!(
                    "\"{original}\": shift with a symbol or digit is ambiguous; write the \
                     character it types instead (for example \"ctrl-?\")"
                ));
            }
            // Without the keyboard enhancement protocol terminals send these as the very
            // bytes of Tab, Enter and Esc, so they could never be told apart.
            if modifiers == KeyModifiers::CONTROL
                && let Some(same) = match c {
                    'i' => Some("tab"),
                    'm' => Some("enter"),
                    '[' => Some("esc"),
                    _ => None,
                }
            {
                return Err(format!(
                    "\"{original}\": terminals send it as {same}; write \"{same}\" instead"
                ));
            }
        }
        Ok(KeyChord::new(code, modifiers))
    }

    /// Whether a key press is this chord. Tolerates the ways terminals differ: SHIFT
    /// reported with Shift-Tab or not, a shifted letter as upper case with or without
    /// SHIFT, and the legacy encodings that turn Ctrl-/ into Ctrl-7 and so on. A bare
    /// letter is that letter in either case (Caps Lock must not stop "y" from answering
    /// yes).
    pub fn matches(&self, key: &KeyEvent) -> bool {
        let event = KeyChord::new(key.code, key.modifiers).canonical();
        self.presses().any(|p| p == event)
    }

    /// Whether a press of this chord types a character into a text field.
    pub fn types_text(&self) -> bool {
        matches!(self.code, KeyCode::Char(_))
            && !self
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
    }

    /// For people: "Ctrl-S", "F2", "Shift-Tab", "↑", "Enter", "Esc", "y" (a bare letter is
    /// shown as it is typed).
    pub fn label(&self) -> String {
        let own = match self.code {
            KeyCode::Up => Some("↑".to_string()),
            KeyCode::Down => Some("↓".to_string()),
            KeyCode::Left => Some("←".to_string()),
            KeyCode::Right => Some("→".to_string()),
            KeyCode::PageUp => Some("PgUp".to_string()),
            KeyCode::PageDown => Some("PgDn".to_string()),
            KeyCode::BackTab => Some("Shift-Tab".to_string()),
            KeyCode::Char('-') => Some("-".to_string()),
            KeyCode::Char(c) if c.is_alphabetic() && self.modifiers.is_empty() => {
                Some(c.to_string())
            }
            // As printed on the key cap, which crokey leaves in lower case.
            KeyCode::Char(c) if c.is_alphabetic() => Some(c.to_uppercase().collect()),
            _ => None,
        };
        match own {
            Some(name) => format!("{}{name}", self.prefix(&LABEL)),
            None => LABEL.to_string(self.combination()),
        }
    }

    /// For the config file: "ctrl-s", "shift-tab", "up", "y"; `parse_any` reads it back.
    pub fn config_name(&self) -> String {
        let own = match self.code {
            KeyCode::BackTab => Some("shift-tab"),
            KeyCode::PageUp => Some("pgup"),
            KeyCode::PageDown => Some("pgdn"),
            // crokey writes "hyphen"; "ctrl--" is what users have always written.
            KeyCode::Char('-') => Some("-"),
            _ => None,
        };
        match own {
            Some(name) => format!("{}{name}", self.prefix(&CONFIG)),
            None => CONFIG.to_string(self.combination()).to_lowercase(),
        }
    }

    fn combination(&self) -> KeyCombination {
        KeyCombination::one_key(self.code.into(), terminal_modifiers(self.modifiers))
    }

    /// The modifiers as `format` spells them, in crokey's order.
    fn prefix(&self, format: &KeyCombinationFormat) -> String {
        let mut out = String::new();
        for (flag, name) in [
            (KeyModifiers::CONTROL, &format.control),
            (KeyModifiers::ALT, &format.alt),
            (KeyModifiers::SHIFT, &format.shift),
        ] {
            if self.modifiers.contains(flag) {
                out.push_str(name);
            }
        }
        out
    }

    /// The one spelling of this chord that compares equal to every other spelling.
    fn canonical(self) -> KeyChord {
        let mut modifiers = self.modifiers;
        let code = match self.code {
            KeyCode::BackTab => {
                modifiers -= KeyModifiers::SHIFT;
                KeyCode::BackTab
            }
            KeyCode::Tab if modifiers.contains(KeyModifiers::SHIFT) => {
                modifiers -= KeyModifiers::SHIFT;
                KeyCode::BackTab
            }
            KeyCode::Char(c) if c.is_alphabetic() => {
                if c.is_uppercase() {
                    modifiers |= KeyModifiers::SHIFT;
                }
                KeyCode::Char(c.to_lowercase().next().unwrap_or(c))
            }
            KeyCode::Char(c) => {
                modifiers -= KeyModifiers::SHIFT;
                KeyCode::Char(c)
            }
            other => other,
        };
        KeyChord::new(code, modifiers)
    }

    /// Every canonical key press that is this chord: itself, what a terminal without the
    /// keyboard enhancement protocol reports for it, and for a bare letter the same letter
    /// in upper case.
    fn presses(self) -> impl Iterator<Item = KeyChord> {
        let shifted = match self.code {
            KeyCode::Char(c) if c.is_alphabetic() && self.modifiers.is_empty() => {
                Some(KeyChord::new(self.code, KeyModifiers::SHIFT))
            }
            _ => None,
        };
        [Some(self), Some(self.legacy()), shifted]
            .into_iter()
            .flatten()
    }

    /// What a terminal without the keyboard enhancement protocol reports for this chord:
    /// the control byte of Ctrl-/ (0x1F) comes back as Ctrl-7, and likewise for the other
    /// control bytes past Ctrl-Z. Most chords report as themselves.
    fn legacy(self) -> KeyChord {
        if self.modifiers.contains(KeyModifiers::CONTROL)
            && let KeyCode::Char(c) = self.code
        {
            let reported = match c {
                '\\' => '4',
                ']' => '5',
                '^' => '6',
                '/' | '_' => '7',
                '@' | '2' => ' ',
                _ => return self,
            };
            return KeyChord::new(KeyCode::Char(reported), self.modifiers);
        }
        self
    }

    /// Two chords clash when some key press would match both.
    pub fn clashes(&self, other: &KeyChord) -> bool {
        self.presses().any(|p| other.presses().any(|q| p == q))
    }

    /// Whether the focused field's line editing uses this chord (DESIGN.md: readline keys
    /// in a field), so binding it to an action would take that editing away.
    pub fn edits_field(&self) -> bool {
        let ctrl = self.modifiers == KeyModifiers::CONTROL;
        let alt = self.modifiers == KeyModifiers::ALT;
        match self.code {
            KeyCode::Backspace | KeyCode::Delete => true,
            KeyCode::Left | KeyCode::Right | KeyCode::Home | KeyCode::End => true,
            KeyCode::Char('a' | 'e' | 'b' | 'f' | 'w' | 'u' | 'k' | 'y' | 'h') if ctrl => true,
            KeyCode::Char('b' | 'f' | 'd') if alt => true,
            _ => false,
        }
    }
}

/// Why `rest` (what is left after the known modifiers) is not a key.
fn unknown_key(original: &str, rest: &str) -> String {
    if let Some((head, tail)) = rest.split_once(['-', '+']) {
        if tail.is_empty() && MODIFIER_NAMES.iter().any(|(name, _)| *name == head) {
            return format!("\"{original}\": no key after \"{head}-\"");
        }
        if head.chars().count() > 1 {
            return format!(
                "\"{original}\": unknown modifier \"{head}\"; modifiers are ctrl, alt and \
                 shift, joined with '-' (\"ctrl-shift-s\")"
            );
        }
    }
    format!("\"{original}\": unknown key \"{rest}\"; {KEY_NAME_HINT}")
}

/// The key named `name` (lower case, modifiers already peeled).
fn key_code(name: &str) -> Option<KeyCode> {
    let name = ALIASES
        .iter()
        .find(|(aliases, _)| aliases.contains(&name))
        .map_or(name, |(_, canonical)| canonical);
    let mut chars = name.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if c.is_control() => None,
        // crokey reads a single character only when it is one byte.
        (Some(c), None) if !c.is_ascii() => Some(KeyCode::Char(c)),
        // One key only: crokey's multi-key combinations ("a-b") are read by `parse`, not
        // here, and terminals without the keyboard enhancement protocol never send them.
        _ => crokey::parse_key_code(name, false)
            .ok()
            .and_then(|code| KeyCode::try_from(code).ok()),
    }
}

/// The terminal library's name of each key the crate knows: what crokey reads and prints,
/// and what the runtime receives. Its other keys (Caps Lock, media keys) have no
/// counterpart.
impl TryFrom<crossterm::event::KeyCode> for KeyCode {
    type Error = crossterm::event::KeyCode;

    fn try_from(code: crossterm::event::KeyCode) -> Result<KeyCode, Self::Error> {
        use crossterm::event::KeyCode as Term;
        Ok(match code {
            Term::Backspace => KeyCode::Backspace,
            Term::Enter => KeyCode::Enter,
            Term::Left => KeyCode::Left,
            Term::Right => KeyCode::Right,
            Term::Up => KeyCode::Up,
            Term::Down => KeyCode::Down,
            Term::Home => KeyCode::Home,
            Term::End => KeyCode::End,
            Term::PageUp => KeyCode::PageUp,
            Term::PageDown => KeyCode::PageDown,
            Term::Tab => KeyCode::Tab,
            Term::BackTab => KeyCode::BackTab,
            Term::Delete => KeyCode::Delete,
            Term::Insert => KeyCode::Insert,
            Term::F(n) => KeyCode::F(n),
            Term::Char(c) => KeyCode::Char(c),
            Term::Esc => KeyCode::Esc,
            other => return Err(other),
        })
    }
}

impl From<KeyCode> for crossterm::event::KeyCode {
    fn from(code: KeyCode) -> crossterm::event::KeyCode {
        use crossterm::event::KeyCode as Term;
        match code {
            KeyCode::Backspace => Term::Backspace,
            KeyCode::Enter => Term::Enter,
            KeyCode::Left => Term::Left,
            KeyCode::Right => Term::Right,
            KeyCode::Up => Term::Up,
            KeyCode::Down => Term::Down,
            KeyCode::Home => Term::Home,
            KeyCode::End => Term::End,
            KeyCode::PageUp => Term::PageUp,
            KeyCode::PageDown => Term::PageDown,
            KeyCode::Tab => Term::Tab,
            KeyCode::BackTab => Term::BackTab,
            KeyCode::Delete => Term::Delete,
            KeyCode::Insert => Term::Insert,
            KeyCode::F(n) => Term::F(n),
            KeyCode::Char(c) => Term::Char(c),
            KeyCode::Esc => Term::Esc,
        }
    }
}

/// A chord's modifiers as crokey prints them.
fn terminal_modifiers(modifiers: KeyModifiers) -> crossterm::event::KeyModifiers {
    use crossterm::event::KeyModifiers as Term;
    [
        (KeyModifiers::SHIFT, Term::SHIFT),
        (KeyModifiers::CONTROL, Term::CONTROL),
        (KeyModifiers::ALT, Term::ALT),
        (KeyModifiers::SUPER, Term::SUPER),
    ]
    .into_iter()
    .filter(|(ours, _)| modifiers.contains(*ours))
    .fold(Term::NONE, |all, (_, theirs)| all | theirs)
}

impl fmt::Display for KeyChord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label())
    }
}

impl std::str::FromStr for KeyChord {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        KeyChord::parse(s)
    }
}

/// Shorthands for the keymap's unit tests.
#[cfg(test)]
pub(super) mod testing {
    use super::*;

    /// Any chord the table may hold, letters included.
    pub fn chord(s: &str) -> KeyChord {
        KeyChord::parse_any(s).unwrap()
    }

    pub fn ev(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }
}

#[cfg(test)]
mod tests {
    use super::testing::{chord, ev};
    use super::*;

    #[test]
    fn parse_accepts_the_usual_spellings() {
        let ctrl_s = KeyChord::new(KeyCode::Char('s'), KeyModifiers::CONTROL);
        for s in ["ctrl-s", "Ctrl-S", "CTRL+s", "control-s", " ctrl-s "] {
            assert_eq!(chord(s), ctrl_s, "{s}");
        }
        assert_eq!(
            chord("f2"),
            KeyChord::new(KeyCode::F(2), KeyModifiers::NONE)
        );
        assert_eq!(chord("shift-tab"), chord("backtab"));
        assert_eq!(chord("shift-tab").code, KeyCode::BackTab);
        assert_eq!(chord("alt-b"), chord("meta-b"));
        assert_eq!(chord("pgdn"), chord("pagedown"));
        assert_eq!(chord("↑"), chord("up"));
        assert_eq!(chord("ctrl-/").code, KeyCode::Char('/'));
        assert_eq!(chord("ctrl--").code, KeyCode::Char('-'));
        assert_eq!(chord("ctrl-+").code, KeyCode::Char('+'));
        assert_eq!(
            chord("ctrl-shift-s").modifiers,
            KeyModifiers::CONTROL | KeyModifiers::SHIFT
        );
        assert_eq!(chord("ctrl-space").code, KeyCode::Char(' '));
        assert_eq!(chord("alt-é").code, KeyCode::Char('é'));
        assert_eq!(
            chord("y"),
            KeyChord::new(KeyCode::Char('y'), KeyModifiers::NONE)
        );
        assert_eq!(chord("Esc"), chord("escape"));
    }

    #[test]
    fn parse_refuses_typing_keys_and_nonsense_with_a_reason() {
        for s in ["a", "A", "7", "shift-a", "space", "/", "é"] {
            let err = KeyChord::parse(s).unwrap_err();
            assert!(err.contains("typing always edits"), "{s}: {err}");
            // …which a dialog, where letters answer questions, accepts.
            assert!(KeyChord::parse_any(s).is_ok(), "{s}");
        }
        assert!(KeyChord::parse("").is_err());
        assert!(
            KeyChord::parse("ctrl-")
                .unwrap_err()
                .contains("no key after")
        );
        assert!(KeyChord::parse("f25").unwrap_err().contains("unknown key"));
        assert!(KeyChord::parse("ctrlx-s").unwrap_err().contains("modifier"));
        assert!(KeyChord::parse("ctrl-i").unwrap_err().contains("\"tab\""));
        assert!(KeyChord::parse("ctrl-shift-1").is_err());
        assert!(KeyChord::parse_any("a-b").unwrap_err().contains("unknown"));
        assert!(
            KeyChord::parse_any("cmd-s")
                .unwrap_err()
                .contains("modifier")
        );
        // Alt or Ctrl make a character an action key.
        assert!(KeyChord::parse("alt-x").is_ok());
        assert!(KeyChord::parse("ctrl-7").is_ok());
    }

    #[test]
    fn labels_and_config_names_read_back_as_the_same_chord() {
        let cases = [
            ("ctrl-s", "Ctrl-S"),
            ("f2", "F2"),
            ("shift-tab", "Shift-Tab"),
            ("up", "↑"),
            ("enter", "Enter"),
            ("esc", "Esc"),
            ("pgdn", "PgDn"),
            ("ctrl-/", "Ctrl-/"),
            ("ctrl--", "Ctrl--"),
            ("alt-shift-x", "Alt-Shift-X"),
            ("ctrl-space", "Ctrl-Space"),
            ("shift-f5", "Shift-F5"),
            ("y", "y"),
            ("alt-é", "Alt-É"),
            ("ctrl-enter", "Ctrl-Enter"),
        ];
        for (config, label) in cases {
            let c = chord(config);
            assert_eq!(c.label(), label);
            assert_eq!(c.to_string(), label);
            assert_eq!(c.config_name(), config);
            assert_eq!(chord(label), c, "{label}");
            assert_eq!(chord(&c.config_name()), c);
        }
    }

    #[test]
    fn matching_tolerates_how_terminals_report_keys() {
        let back_tab = chord("shift-tab");
        assert!(back_tab.matches(&ev(KeyCode::BackTab, KeyModifiers::SHIFT)));
        assert!(back_tab.matches(&ev(KeyCode::BackTab, KeyModifiers::NONE)));
        assert!(!back_tab.matches(&ev(KeyCode::Tab, KeyModifiers::NONE)));

        let ctrl_c = chord("ctrl-c");
        assert!(ctrl_c.matches(&ev(KeyCode::Char('c'), KeyModifiers::CONTROL)));
        assert!(!ctrl_c.matches(&ev(KeyCode::Char('c'), KeyModifiers::NONE)));
        assert!(!ctrl_c.matches(&ev(KeyCode::Char('c'), KeyModifiers::ALT)));
        assert!(!ctrl_c.matches(&ev(KeyCode::Char('C'), KeyModifiers::CONTROL)));

        // A shifted letter arrives as upper case, with or without SHIFT.
        let alt_shift_x = chord("alt-shift-x");
        let shift_alt = KeyModifiers::ALT | KeyModifiers::SHIFT;
        assert!(alt_shift_x.matches(&ev(KeyCode::Char('X'), shift_alt)));
        assert!(alt_shift_x.matches(&ev(KeyCode::Char('X'), KeyModifiers::ALT)));
        assert!(alt_shift_x.matches(&ev(KeyCode::Char('x'), shift_alt)));
        assert!(!alt_shift_x.matches(&ev(KeyCode::Char('x'), KeyModifiers::ALT)));

        // A bare letter answers in either case, but not with Ctrl or Alt.
        let y = chord("y");
        assert!(y.matches(&ev(KeyCode::Char('y'), KeyModifiers::NONE)));
        assert!(y.matches(&ev(KeyCode::Char('Y'), KeyModifiers::NONE)));
        assert!(y.matches(&ev(KeyCode::Char('Y'), KeyModifiers::SHIFT)));
        assert!(!y.matches(&ev(KeyCode::Char('y'), KeyModifiers::CONTROL)));
        assert!(!y.matches(&ev(KeyCode::Char('y'), KeyModifiers::ALT)));
        assert!(y.clashes(&chord("shift-y")));
        assert!(!y.clashes(&chord("alt-y")));

        // Legacy control bytes.
        let ctrl_slash = chord("ctrl-/");
        assert!(ctrl_slash.matches(&ev(KeyCode::Char('/'), KeyModifiers::CONTROL)));
        assert!(ctrl_slash.matches(&ev(KeyCode::Char('7'), KeyModifiers::CONTROL)));
        assert!(ctrl_slash.clashes(&chord("ctrl-7")));
        assert!(!chord("f2").matches(&ev(KeyCode::F(2), KeyModifiers::SHIFT)));
    }
}
