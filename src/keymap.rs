//! Rebindable keys: the editor's actions, the chords that trigger them, and the rules a
//! user's `[keys]` table must follow.
//!
//! The editor is modeless (DESIGN.md, "Keys"): typing always edits the focused field. So a
//! chord that would type a character, or that the field's readline editing already uses,
//! can never be bound to an action.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::collections::BTreeMap;
use std::fmt;

/// Every rebindable action of the editor.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    NextField,
    PrevField,
    Revert,
    Undo,
    Review,
    Reload,
    Open,
    Picker,
    Redraw,
    Help,
    Quit,
}

impl Action {
    /// In the order help lists them.
    pub const ALL: [Action; 11] = [
        Action::NextField,
        Action::PrevField,
        Action::Revert,
        Action::Undo,
        Action::Review,
        Action::Reload,
        Action::Open,
        Action::Picker,
        Action::Redraw,
        Action::Help,
        Action::Quit,
    ];

    /// The name used in the config file's `[keys]` table.
    pub fn name(self) -> &'static str {
        match self {
            Action::NextField => "next_field",
            Action::PrevField => "prev_field",
            Action::Revert => "revert",
            Action::Undo => "undo",
            Action::Review => "review",
            Action::Reload => "reload",
            Action::Open => "open",
            Action::Picker => "picker",
            Action::Redraw => "redraw",
            Action::Help => "help",
            Action::Quit => "quit",
        }
    }

    /// One line for the help overlay.
    pub fn describe(self) -> &'static str {
        match self {
            Action::NextField => "next field",
            Action::PrevField => "previous field",
            Action::Revert => "revert field · cancel request",
            Action::Undo => "undo, across fields",
            Action::Review => "review what will be sent",
            Action::Reload => "reload from the server",
            Action::Open => "open by id, e-mail or phone",
            Action::Picker => "pick from the contact list",
            Action::Redraw => "repaint the screen",
            Action::Help => "this help",
            Action::Quit => "quit (asks if unsaved)",
        }
    }

    /// Accepts the config name, also spelt with dashes (`next-field`).
    pub fn from_name(name: &str) -> Option<Action> {
        let wanted = name.trim().to_ascii_lowercase().replace('-', "_");
        Action::ALL.into_iter().find(|a| a.name() == wanted)
    }

    /// Without a key for these the user could neither save nor leave.
    fn needs_a_key(self) -> bool {
        matches!(self, Action::Review | Action::Quit)
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A key chord like "ctrl-s", "f2", "shift-tab", "alt-b", "enter", "esc", "up", "pgdn",
/// "ctrl-/".
///
/// Stored in one canonical form so that equal chords compare equal: letters are lower
/// case (Shift is the SHIFT flag), other characters carry no SHIFT (the character already
/// says it), Shift-Tab is `BackTab` without SHIFT, and Meta is folded into Alt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyChord {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

/// Names accepted for keys that are not a single character, with their canonical spelling
/// first.
const NAMED_KEYS: &[(&[&str], KeyCode)] = &[
    (&["enter", "return", "ret"], KeyCode::Enter),
    (&["esc", "escape"], KeyCode::Esc),
    (&["tab"], KeyCode::Tab),
    (&["backtab"], KeyCode::BackTab),
    (&["space", "spc"], KeyCode::Char(' ')),
    (&["backspace", "bs"], KeyCode::Backspace),
    (&["delete", "del"], KeyCode::Delete),
    (&["insert", "ins"], KeyCode::Insert),
    (&["home"], KeyCode::Home),
    (&["end"], KeyCode::End),
    (&["pgup", "pageup"], KeyCode::PageUp),
    (&["pgdn", "pagedown", "pgdown"], KeyCode::PageDown),
    (&["up", "↑"], KeyCode::Up),
    (&["down", "↓"], KeyCode::Down),
    (&["left", "←"], KeyCode::Left),
    (&["right", "→"], KeyCode::Right),
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

    /// Parses "ctrl-s", "Ctrl+S", "shift-tab", "f2", "alt-b", "ctrl-/", "↑". Case does not
    /// matter (Shift is spelt out: "ctrl-shift-s"). A chord that would type a character
    /// is refused: typing must always edit the focused field.
    pub fn parse(s: &str) -> Result<KeyChord, String> {
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
        // '+' ("ctrl--", "ctrl-+").
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
        let chord = KeyChord::new(code, modifiers);
        if let KeyCode::Char(c) = code {
            if !modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) {
                return Err(format!(
                    "\"{original}\" types {} into the field, and typing always edits; \
                     add ctrl- or alt- (for example \"ctrl-g\")",
                    KeyChord::new(KeyCode::Char(c), KeyModifiers::NONE).label()
                ));
            }
            if modifiers.contains(KeyModifiers::SHIFT) && !c.is_alphabetic() {
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
        Ok(chord)
    }

    /// Whether a key event from the terminal is this chord. Tolerates the ways terminals
    /// differ: SHIFT reported with Shift-Tab or not, a shifted letter as upper case with or
    /// without SHIFT, Meta instead of Alt, and the legacy encodings that turn Ctrl-/ into
    /// Ctrl-7 and so on. The event's kind (press, repeat, release) is the caller's concern.
    pub fn matches(&self, key: &KeyEvent) -> bool {
        let event = KeyChord::new(key.code, key.modifiers).canonical();
        event == *self || event == self.legacy()
    }

    /// For people: "Ctrl-S", "F2", "Shift-Tab", "↑", "Enter", "Esc".
    pub fn label(&self) -> String {
        let mut out = String::new();
        for (flag, name) in [
            (KeyModifiers::CONTROL, "Ctrl-"),
            (KeyModifiers::ALT, "Alt-"),
            (KeyModifiers::SHIFT, "Shift-"),
        ] {
            if self.modifiers.contains(flag) {
                out.push_str(name);
            }
        }
        match self.code {
            KeyCode::BackTab => out.push_str("Shift-Tab"),
            KeyCode::Char(' ') => out.push_str("Space"),
            KeyCode::Char(c) => out.extend(c.to_uppercase()),
            KeyCode::F(n) => out.push_str(&format!("F{n}")),
            KeyCode::Enter => out.push_str("Enter"),
            KeyCode::Esc => out.push_str("Esc"),
            KeyCode::Tab => out.push_str("Tab"),
            KeyCode::Backspace => out.push_str("Backspace"),
            KeyCode::Delete => out.push_str("Delete"),
            KeyCode::Insert => out.push_str("Insert"),
            KeyCode::Home => out.push_str("Home"),
            KeyCode::End => out.push_str("End"),
            KeyCode::PageUp => out.push_str("PgUp"),
            KeyCode::PageDown => out.push_str("PgDn"),
            KeyCode::Up => out.push('↑'),
            KeyCode::Down => out.push('↓'),
            KeyCode::Left => out.push('←'),
            KeyCode::Right => out.push('→'),
            other => out.push_str(&format!("{other:?}")),
        }
        out
    }

    /// For the config file: "ctrl-s", "shift-tab", "up"; `parse` reads it back.
    pub fn config_name(&self) -> String {
        let mut out = String::new();
        for (flag, name) in [
            (KeyModifiers::CONTROL, "ctrl-"),
            (KeyModifiers::ALT, "alt-"),
            (KeyModifiers::SHIFT, "shift-"),
        ] {
            if self.modifiers.contains(flag) {
                out.push_str(name);
            }
        }
        match self.code {
            KeyCode::BackTab => out.push_str("shift-tab"),
            KeyCode::Char(c) if c != ' ' => out.push(c),
            KeyCode::F(n) => out.push_str(&format!("f{n}")),
            code => match NAMED_KEYS.iter().find(|(_, k)| *k == code) {
                Some((names, _)) => out.push_str(names[0]),
                None => out.push_str(&format!("{code:?}").to_lowercase()),
            },
        }
        out
    }

    /// The one spelling of this chord that compares equal to every other spelling.
    fn canonical(self) -> KeyChord {
        let mut modifiers = self.modifiers;
        if modifiers.contains(KeyModifiers::META) {
            modifiers = (modifiers - KeyModifiers::META) | KeyModifiers::ALT;
        }
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

fn key_code(name: &str) -> Option<KeyCode> {
    if let Some((_, code)) = NAMED_KEYS.iter().find(|(names, _)| names.contains(&name)) {
        return Some(*code);
    }
    if let Some(n) = name.strip_prefix('f')
        && let Ok(n) = n.parse::<u8>()
        && (1..=24).contains(&n)
    {
        return Some(KeyCode::F(n));
    }
    let mut chars = name.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if !c.is_control() => Some(KeyCode::Char(c)),
        _ => None,
    }
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

/// Which chords trigger which action. Chords of one action keep the order they were given
/// in, so help shows the first as the main one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keymap {
    bindings: BTreeMap<Action, Vec<KeyChord>>,
}

impl Default for Keymap {
    /// The bindings of DESIGN.md, "Keys".
    fn default() -> Keymap {
        use KeyCode::*;
        let none = KeyModifiers::NONE;
        let ctrl = |c| KeyChord::new(Char(c), KeyModifiers::CONTROL);
        let key = |code| KeyChord::new(code, none);
        let bindings = Action::ALL
            .into_iter()
            .map(|a| {
                let chords = match a {
                    Action::NextField => vec![key(Tab), key(Down), key(Enter)],
                    Action::PrevField => vec![key(BackTab), key(Up)],
                    Action::Revert => vec![key(Esc)],
                    Action::Undo => vec![ctrl('z')],
                    Action::Review => vec![ctrl('s'), key(F(2))],
                    Action::Reload => vec![ctrl('r')],
                    Action::Open => vec![ctrl('o')],
                    Action::Picker => vec![ctrl('p')],
                    Action::Redraw => vec![ctrl('l')],
                    Action::Help => vec![key(F(1))],
                    Action::Quit => vec![ctrl('q'), ctrl('c')],
                };
                (a, chords)
            })
            .collect();
        Keymap { bindings }
    }
}

impl Keymap {
    /// Applies the config file's `[keys]` table. Only the listed actions change, and each
    /// listed action's chords replace its defaults (an empty list unbinds it, except for
    /// review and quit). An entry with an unknown action, a chord that does not parse or
    /// is refused, or a chord that another action also has, is ignored whole, so the user
    /// never gets half of what they wrote; every problem is reported in the returned list.
    pub fn with_overrides(
        mut self,
        overrides: &BTreeMap<String, Vec<String>>,
    ) -> (Keymap, Vec<String>) {
        let mut errors = Vec::new();
        let mut wanted: BTreeMap<Action, Vec<KeyChord>> = BTreeMap::new();
        for (name, raw) in overrides {
            let Some(action) = Action::from_name(name) else {
                let names: Vec<&str> = Action::ALL.iter().map(|a| a.name()).collect();
                errors.push(format!(
                    "[keys] \"{}\" is not an action; the actions are {}",
                    crate::text::sanitize_snippet(name, 40),
                    names.join(", ")
                ));
                continue;
            };
            match parse_entry(action, raw) {
                Ok(chords) => {
                    wanted.insert(action, chords);
                }
                Err(e) => errors.push(format!(
                    "[keys] {action}: {}; keeping {}",
                    crate::text::sanitize(&e),
                    self.label(action)
                )),
            }
        }
        // Drop entries that clash with another action, then look again: a dropped entry
        // brings back defaults that may clash with a later one. Each round drops at least
        // one entry and the defaults never clash among themselves, so this ends.
        loop {
            let mut trial = self.clone();
            for (action, chords) in &wanted {
                trial.bindings.insert(*action, chords.clone());
            }
            let mut offending: BTreeMap<Action, String> = BTreeMap::new();
            for (i, &a) in Action::ALL.iter().enumerate() {
                for &b in &Action::ALL[i + 1..] {
                    for chord in trial.chords(a) {
                        if !trial.chords(b).iter().any(|other| other.clashes(chord)) {
                            continue;
                        }
                        for (mine, theirs) in [(a, b), (b, a)] {
                            if !wanted.contains_key(&mine) {
                                continue;
                            }
                            let why = if wanted.contains_key(&theirs) {
                                format!("also listed for {theirs}, and a key does one thing")
                            } else {
                                format!("{theirs}'s key by default; rebind {theirs} too")
                            };
                            offending.entry(mine).or_insert_with(|| {
                                format!(
                                    "[keys] {mine}: {} is {why}; keeping {}",
                                    chord.config_name(),
                                    self.label(mine)
                                )
                            });
                        }
                    }
                }
            }
            if offending.is_empty() {
                self = trial;
                break;
            }
            for (action, message) in offending {
                wanted.remove(&action);
                errors.push(message);
            }
        }
        (self, errors)
    }

    /// The action a key triggers, if any. The event's kind is not looked at.
    pub fn action_for(&self, key: &KeyEvent) -> Option<Action> {
        Action::ALL
            .into_iter()
            .find(|a| self.chords(*a).iter().any(|c| c.matches(key)))
    }

    pub fn chords(&self, a: Action) -> &[KeyChord] {
        self.bindings.get(&a).map_or(&[], Vec::as_slice)
    }

    /// "Ctrl-S/F2"; "none" for an action the user unbound.
    /// The first key of `a` only, for hints where space is short.
    pub fn short_label(&self, a: Action) -> String {
        self.chords(a)
            .first()
            .map_or_else(|| "none".to_string(), KeyChord::label)
    }

    pub fn label(&self, a: Action) -> String {
        let chords = self.chords(a);
        if chords.is_empty() {
            return "none".to_string();
        }
        chords
            .iter()
            .map(KeyChord::label)
            .collect::<Vec<_>>()
            .join("/")
    }
}

impl KeyChord {
    /// Two chords clash when some key press would match both.
    fn clashes(&self, other: &KeyChord) -> bool {
        self == other || self.legacy() == other.legacy()
    }
}

/// One `[keys]` entry, checked on its own.
fn parse_entry(action: Action, raw: &[String]) -> Result<Vec<KeyChord>, String> {
    if raw.is_empty() && action.needs_a_key() {
        return Err(format!("{action} needs at least one key"));
    }
    let mut chords: Vec<KeyChord> = Vec::new();
    for text in raw {
        let chord = KeyChord::parse(text)?;
        if chord.edits_field() {
            return Err(format!(
                "\"{}\" edits the text of a field, and typing always edits; pick another key",
                text.trim()
            ));
        }
        if !chords.contains(&chord) {
            chords.push(chord);
        }
    }
    Ok(chords)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyEventKind, KeyEventState};

    fn chord(s: &str) -> KeyChord {
        KeyChord::parse(s).unwrap()
    }

    fn ev(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    fn overrides(entries: &[(&str, &[&str])]) -> BTreeMap<String, Vec<String>> {
        entries
            .iter()
            .map(|(k, v)| (k.to_string(), v.iter().map(|s| s.to_string()).collect()))
            .collect()
    }

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
    }

    #[test]
    fn parse_refuses_typing_keys_and_nonsense_with_a_reason() {
        for s in ["a", "A", "7", "shift-a", "space", "/", "é"] {
            let err = KeyChord::parse(s).unwrap_err();
            assert!(err.contains("typing always edits"), "{s}: {err}");
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

        // Meta for Alt, and legacy control bytes.
        assert!(chord("alt-x").matches(&ev(KeyCode::Char('x'), KeyModifiers::META)));
        let ctrl_slash = chord("ctrl-/");
        assert!(ctrl_slash.matches(&ev(KeyCode::Char('/'), KeyModifiers::CONTROL)));
        assert!(ctrl_slash.matches(&ev(KeyCode::Char('7'), KeyModifiers::CONTROL)));

        // The kind of event is ignored.
        let mut release = ev(KeyCode::F(2), KeyModifiers::NONE);
        release.kind = KeyEventKind::Release;
        release.state = KeyEventState::CAPS_LOCK;
        assert!(chord("f2").matches(&release));
        assert!(!chord("f2").matches(&ev(KeyCode::F(2), KeyModifiers::SHIFT)));
    }

    #[test]
    fn defaults_follow_the_design() {
        let k = Keymap::default();
        let cases = [
            (ev(KeyCode::Tab, KeyModifiers::NONE), Action::NextField),
            (ev(KeyCode::Down, KeyModifiers::NONE), Action::NextField),
            (ev(KeyCode::Enter, KeyModifiers::NONE), Action::NextField),
            (ev(KeyCode::BackTab, KeyModifiers::SHIFT), Action::PrevField),
            (ev(KeyCode::Up, KeyModifiers::NONE), Action::PrevField),
            (ev(KeyCode::Esc, KeyModifiers::NONE), Action::Revert),
            (ev(KeyCode::Char('z'), KeyModifiers::CONTROL), Action::Undo),
            (
                ev(KeyCode::Char('s'), KeyModifiers::CONTROL),
                Action::Review,
            ),
            (ev(KeyCode::F(2), KeyModifiers::NONE), Action::Review),
            (
                ev(KeyCode::Char('r'), KeyModifiers::CONTROL),
                Action::Reload,
            ),
            (ev(KeyCode::Char('o'), KeyModifiers::CONTROL), Action::Open),
            (
                ev(KeyCode::Char('p'), KeyModifiers::CONTROL),
                Action::Picker,
            ),
            (
                ev(KeyCode::Char('l'), KeyModifiers::CONTROL),
                Action::Redraw,
            ),
            (ev(KeyCode::F(1), KeyModifiers::NONE), Action::Help),
            (ev(KeyCode::Char('q'), KeyModifiers::CONTROL), Action::Quit),
            (ev(KeyCode::Char('c'), KeyModifiers::CONTROL), Action::Quit),
        ];
        for (key, action) in cases {
            assert_eq!(k.action_for(&key), Some(action), "{key:?}");
        }
        for typing in ['a', 'q', 's', '1', ' '] {
            assert_eq!(
                k.action_for(&ev(KeyCode::Char(typing), KeyModifiers::NONE)),
                None
            );
        }
        assert_eq!(
            k.action_for(&ev(KeyCode::Char('a'), KeyModifiers::CONTROL)),
            None
        );
        assert_eq!(k.label(Action::Review), "Ctrl-S/F2");
        assert_eq!(k.label(Action::Quit), "Ctrl-Q/Ctrl-C");
        assert_eq!(k.label(Action::PrevField), "Shift-Tab/↑");
        // Every default is a chord the parser would accept, and none edits a field.
        for a in Action::ALL {
            for c in k.chords(a) {
                assert_eq!(chord(&c.config_name()), *c);
                assert!(!c.edits_field(), "{c}");
            }
        }
    }

    #[test]
    fn action_names_round_trip() {
        for a in Action::ALL {
            assert_eq!(Action::from_name(a.name()), Some(a));
            assert!(!a.describe().is_empty());
            let json = serde_json::to_string(&a).unwrap();
            assert_eq!(json, format!("\"{}\"", a.name()));
        }
        assert_eq!(Action::from_name("Next-Field"), Some(Action::NextField));
        assert_eq!(Action::from_name("save"), None);
    }

    #[test]
    fn overrides_change_only_the_listed_actions() {
        let (k, errors) = Keymap::default().with_overrides(&overrides(&[
            ("review", &["ctrl-g", "f5"]),
            ("picker", &[]),
        ]));
        assert_eq!(errors, Vec::<String>::new());
        assert_eq!(k.label(Action::Review), "Ctrl-G/F5");
        assert_eq!(k.label(Action::Picker), "none");
        assert_eq!(k.label(Action::Quit), "Ctrl-Q/Ctrl-C");
        let ctrl = |c| ev(KeyCode::Char(c), KeyModifiers::CONTROL);
        assert_eq!(k.action_for(&ctrl('g')), Some(Action::Review));
        assert_eq!(k.action_for(&ctrl('s')), None);
        assert_eq!(k.action_for(&ctrl('p')), None);
        assert_eq!(k.action_for(&ctrl('q')), Some(Action::Quit));
    }

    #[test]
    fn bad_override_entries_are_reported_and_ignored_whole() {
        let (k, errors) = Keymap::default().with_overrides(&overrides(&[
            ("reveiw", &["ctrl-g"]),
            ("review", &["ctrl-g", "ctrlx-2"]),
            ("quit", &["q"]),
            ("undo", &["ctrl-w"]),
            ("help", &[]),
        ]));
        assert_eq!(errors.len(), 4, "{errors:#?}");
        assert!(
            errors
                .iter()
                .any(|e| e.contains("\"reveiw\" is not an action"))
        );
        assert!(
            errors
                .iter()
                .any(|e| e.contains("review:") && e.contains("ctrlx"))
        );
        assert!(
            errors
                .iter()
                .any(|e| e.contains("quit:") && e.contains("typing always edits"))
        );
        assert!(
            errors
                .iter()
                .any(|e| e.contains("undo:") && e.contains("edits the text"))
        );
        let defaults = Keymap::default();
        for a in [Action::Review, Action::Quit, Action::Undo] {
            assert_eq!(k.chords(a), defaults.chords(a));
        }
        assert_eq!(k.chords(Action::Help), &[]);

        let (k, errors) = Keymap::default().with_overrides(&overrides(&[("quit", &[])]));
        assert!(
            errors[0].contains("quit needs at least one key"),
            "{errors:?}"
        );
        assert_eq!(k, Keymap::default());
    }

    #[test]
    fn a_chord_bound_to_two_actions_is_refused() {
        // Against a default: the entry is dropped, reload keeps Ctrl-R.
        let (k, errors) = Keymap::default().with_overrides(&overrides(&[("review", &["ctrl-r"])]));
        assert_eq!(errors.len(), 1);
        assert!(
            errors[0].contains("review: ctrl-r is reload's key by default"),
            "{errors:?}"
        );
        assert_eq!(k, Keymap::default());

        // Moving reload away at the same time makes it fine.
        let (k, errors) = Keymap::default()
            .with_overrides(&overrides(&[("review", &["ctrl-r"]), ("reload", &["f5"])]));
        assert_eq!(errors, Vec::<String>::new());
        assert_eq!(k.label(Action::Review), "Ctrl-R");
        assert_eq!(k.label(Action::Reload), "F5");

        // Between two entries: both are dropped.
        let (k, errors) = Keymap::default().with_overrides(&overrides(&[
            ("open", &["ctrl-g"]),
            ("picker", &["ctrl-g"]),
        ]));
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert_eq!(k, Keymap::default());

        // Chords that a legacy terminal cannot tell apart clash too.
        let (_, errors) = Keymap::default().with_overrides(&overrides(&[
            ("open", &["ctrl-/"]),
            ("picker", &["ctrl-7"]),
        ]));
        assert_eq!(errors.len(), 2, "{errors:?}");

        // A dropped entry brings back its defaults, which may clash with another entry.
        let (k, errors) = Keymap::default().with_overrides(&overrides(&[
            ("reload", &["ctrl-g", "ctrl-s"]),
            ("open", &["ctrl-r"]),
        ]));
        assert_eq!(errors.len(), 2, "{errors:#?}");
        assert_eq!(k, Keymap::default());
    }
}
