//! The bindings table: every action of the editor and of its dialogs, the chords that
//! trigger it by default, where it acts, the rules a user's `[keys]` table must follow,
//! and the labels every hint, the footer and help are built from.
//!
//! The editor is modeless (DESIGN.md, "Keys"): typing always edits the focused field. So
//! a form action can never be bound to a chord that would type a character or that the
//! field's readline editing uses. Dialogs may answer to plain letters ("y", "n").

use super::chord::KeyChord;
use super::key::{KeyCode, KeyEvent, KeyModifiers};
use std::collections::BTreeMap;
use std::fmt;

/// Every rebindable action: the form's first, then the dialogs'. What each one is (its
/// name, its default keys, where it acts, its line in help) is its row of `ACTIONS`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
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
    /// Review: send what is shown.
    Send,
    /// Review: put the same request on the clipboard as a curl command.
    CopyCurl,
    /// Review with a conflict: send yours over theirs.
    Overwrite,
    /// Review with a conflict: take theirs for the conflicting fields.
    TakeTheirs,
    /// A question: yes, discard the edits and go.
    Confirm,
    /// No; back; close the dialog.
    Deny,
    /// Unsent edits found: put them back.
    Restore,
    /// Unsent edits found: delete them.
    DiscardDraft,
    /// A save is in flight: leave without waiting for it.
    LeaveNow,
    /// A save is in flight: wait for it.
    Wait,
    /// Open what is typed (open prompt) or selected (picker).
    Choose,
    /// Start a new contact (an empty form).
    New,
    /// The saves made from this machine to the open contact.
    History,
    /// New contact, a match exists: open it instead.
    OpenExisting,
    /// New contact, a match exists: create another one anyway.
    CreateAnyway,
    /// History: put the values before the selected save back into the form.
    UndoSave,
    /// Picker: mark or unmark the selected contact, to change several together.
    Mark,
    /// History: take back the whole batch the selected save belongs to.
    UndoBatch,
    /// Picker: merge the marked contacts, or the selected one's look-alikes.
    Merge,
    /// Picker: list only contacts that look like another, group by group.
    LookAlikes,
    /// Merge view: keep this contact (the others are deleted).
    Keep,
    /// Merge view: the contact kept takes this value for this field.
    TakeValue,
}

/// One action, described once.
struct Row {
    action: Action,
    /// The name in the config file's `[keys]` table.
    name: &'static str,
    /// The chords that trigger it by default (DESIGN.md, "Keys"), the main one first.
    keys: &'static [KeyChord],
    /// Where it acts.
    scopes: &'static [Scope],
    /// Without a key for it the user could neither save nor leave, or a dialog could not
    /// be answered: the `[keys]` table may not unbind it.
    needs_a_key: bool,
    /// Its line in help.
    help: &'static str,
}

const fn row(
    action: Action,
    name: &'static str,
    keys: &'static [KeyChord],
    scopes: &'static [Scope],
    needs_a_key: bool,
    help: &'static str,
) -> Row {
    Row {
        action,
        name,
        keys,
        scopes,
        needs_a_key,
        help,
    }
}

const fn key(code: KeyCode) -> KeyChord {
    KeyChord::new(code, KeyModifiers::NONE)
}

const fn letter(c: char) -> KeyChord {
    key(KeyCode::Char(c))
}

const fn ctrl(c: char) -> KeyChord {
    KeyChord::new(KeyCode::Char(c), KeyModifiers::CONTROL)
}

/// The bindings table, in the order of [`Action`] (help lists them so). Quit and repaint
/// act everywhere; two actions may share a chord only where they never act together.
#[rustfmt::skip]
const ACTIONS: &[Row] = {
    use Action as A;
    use KeyCode::*;
    use Scope as S;
    const FORM: &[Scope] = &[S::Form];
    const EVERYWHERE: &[Scope] = &Scope::ALL;
    /// Every dialog that can be closed without an answer.
    const WAY_OUT: &[Scope] =
        &[S::Review, S::Question, S::Text, S::Picker, S::Help, S::Create, S::History, S::Merge];
    const NEEDED: bool = true;
    const FREE: bool = false;
    &[
        // action, its name in [keys], its default keys;
        //     where it acts, whether [keys] may unbind it, its line in help
        row(A::NextField,    "next_field",    &[key(Tab), key(Down), key(Enter)],
            FORM,                    FREE,   "next field"),
        row(A::PrevField,    "prev_field",    &[key(BackTab), key(Up)],
            FORM,                    FREE,   "previous field"),
        row(A::Revert,       "revert",        &[key(Esc)],
            FORM,                    FREE,   "revert field · cancel request"),
        row(A::Undo,         "undo",          &[ctrl('z')],
            FORM,                    FREE,   "undo, across fields"),
        row(A::Review,       "review",        &[ctrl('s'), key(F(2))],
            FORM,                    NEEDED, "review what will be sent"),
        row(A::Reload,       "reload",        &[ctrl('r')],
            &[S::Form, S::Picker],   FREE,   "reload from the server"),
        row(A::Open,         "open",          &[ctrl('o')],
            FORM,                    FREE,   "open by id, e-mail or phone"),
        row(A::Picker,       "picker",        &[ctrl('p')],
            FORM,                    FREE,   "pick from the contact list"),
        row(A::Redraw,       "redraw",        &[ctrl('l')],
            EVERYWHERE,              FREE,   "repaint the screen"),
        row(A::Help,         "help",          &[key(F(1))],
            FORM,                    FREE,   "this help"),
        row(A::Quit,         "quit",          &[ctrl('q'), ctrl('c')],
            EVERYWHERE,              NEEDED, "quit (asks if unsaved)"),
        row(A::Send,         "send",          &[key(Enter), letter('y')],
            &[S::Review, S::Create, S::Merge], NEEDED, "review: send"),
        row(A::CopyCurl,     "copy_curl",     &[letter('c')],
            &[S::Review],            FREE,   "review: copy the request as curl"),
        row(A::Overwrite,    "overwrite",     &[letter('o')],
            &[S::Review],            FREE,   "conflict: send yours over theirs"),
        row(A::TakeTheirs,   "take_theirs",   &[letter('r')],
            &[S::Review],            FREE,   "conflict: take theirs, keep other edits"),
        row(A::Confirm,      "confirm",       &[letter('y')],
            &[S::Question],          NEEDED, "yes: discard the edits and go"),
        row(A::Deny,         "deny",          &[letter('n'), key(Esc)],
            WAY_OUT,                 NEEDED, "no · back · close the dialog"),
        row(A::Restore,      "restore",       &[letter('y')],
            &[S::Draft],             NEEDED, "unsent edits: put them back"),
        row(A::DiscardDraft, "discard_draft", &[letter('n')],
            &[S::Draft],             NEEDED, "unsent edits: delete them"),
        row(A::LeaveNow,     "leave_now",     &[letter('l')],
            &[S::SaveInFlight],      FREE,   "save in flight: leave without waiting"),
        row(A::Wait,         "wait",          &[key(Enter), key(Esc)],
            &[S::SaveInFlight],      FREE,   "save in flight: wait (any other key too)"),
        row(A::Choose,       "choose",        &[key(Enter)],
            &[S::Text, S::Picker],   NEEDED, "open what is typed or selected"),
        row(A::New,          "new",           &[ctrl('n')],
            FORM,                    FREE,   "new contact (empty form)"),
        row(A::History,      "history",       &[key(F(3))],
            FORM,                    FREE,   "saves made here to this contact"),
        row(A::OpenExisting, "open_existing", &[letter('e')],
            &[S::Create],            FREE,   "new contact: open the one that exists"),
        row(A::CreateAnyway, "create_anyway", &[letter('a')],
            &[S::Create],            FREE,   "new contact: create it despite a match"),
        row(A::UndoSave,     "undo_save",     &[letter('u')],
            &[S::History],           FREE,   "history: put back the values before that save"),
        row(A::Mark,         "mark",          &[key(Tab)],
            &[S::Picker],            FREE,   "picker: mark a contact, to change several together"),
        row(A::UndoBatch,    "undo_batch",    &[letter('b')],
            &[S::History],           FREE,   "history: take back the whole batch of that save"),
        row(A::Merge,        "merge",         &[ctrl('t')],
            &[S::Picker],            FREE,   "picker: merge the marked, or a group of look-alikes"),
        row(A::LookAlikes,   "look_alikes",   &[ctrl('d')],
            &[S::Picker],            FREE,   "picker: only contacts that look alike, by group"),
        row(A::Keep,         "keep",          &[letter('k')],
            &[S::Merge],             NEEDED, "merge: keep this contact, delete the others"),
        row(A::TakeValue,    "take_value",    &[key(Char(' '))],
            &[S::Merge],             FREE,   "merge: the contact kept takes this value"),
    ]
};

// The table is in the order of `Action`, so an action's row is found by its number.
const _: () = {
    let mut i = 0;
    while i < ACTIONS.len() {
        assert!(
            ACTIONS[i].action as usize == i,
            "ACTIONS is not in the order of Action"
        );
        i += 1;
    }
};

/// Where keys are read: the form, or one kind of dialog. An action acts only in its
/// scopes, so two actions may share a chord when they never act in the same place (`y`
/// sends in the review and says yes to a question).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Form,
    /// The review of what will be sent.
    Review,
    /// A yes/no question: discard the edits and leave, quit or reload?
    Question,
    /// Unsent edits were found: restore or discard them.
    Draft,
    /// A save is in flight: wait for it, or leave now.
    SaveInFlight,
    /// A dialog with a line of text (the open prompt): keys that type or edit are the
    /// text's.
    Text,
    /// The contact picker: a line of text (its filter) over a list, whose failed page the
    /// reload key tries again.
    Picker,
    Help,
    /// The review of a new contact.
    Create,
    /// The saves made from this machine to the open contact.
    History,
    /// Contacts that are one person, side by side: what stays, and the review of a merge.
    Merge,
}

impl Scope {
    const ALL: [Scope; 11] = [
        Scope::Form,
        Scope::Review,
        Scope::Question,
        Scope::Draft,
        Scope::SaveInFlight,
        Scope::Text,
        Scope::Picker,
        Scope::Help,
        Scope::Create,
        Scope::History,
        Scope::Merge,
    ];

    /// Keys that type or edit belong to a line of text here, whatever they are bound to.
    fn edits_text(self) -> bool {
        matches!(self, Scope::Text | Scope::Picker)
    }
}

impl Action {
    /// In the order help lists them.
    pub const ALL: [Action; ACTIONS.len()] = {
        let mut all = [Action::NextField; ACTIONS.len()];
        let mut i = 0;
        while i < all.len() {
            all[i] = ACTIONS[i].action;
            i += 1;
        }
        all
    };

    fn row(self) -> &'static Row {
        &ACTIONS[self as usize]
    }

    /// The name used in the config file's `[keys]` table.
    pub fn name(self) -> &'static str {
        self.row().name
    }

    /// One line for the help overlay.
    pub fn describe(self) -> &'static str {
        self.row().help
    }

    /// Accepts the config name, also spelt with dashes (`next-field`).
    pub fn from_name(name: &str) -> Option<Action> {
        let wanted = name.trim().to_ascii_lowercase().replace('-', "_");
        Action::ALL.into_iter().find(|a| a.name() == wanted)
    }

    /// Where the action acts.
    fn scopes(self) -> &'static [Scope] {
        self.row().scopes
    }

    pub fn acts_in(self, scope: Scope) -> bool {
        self.scopes().contains(&scope)
    }

    /// Acts only inside dialogs (help lists these under their own heading).
    pub fn in_dialogs(self) -> bool {
        !self.acts_in(Scope::Form)
    }

    /// Acts only where typing edits text, so a chord that types or edits would take
    /// typing away (or never act).
    fn where_typing_edits(self) -> bool {
        self.scopes()
            .iter()
            .all(|s| *s == Scope::Form || s.edits_text())
            || self.acts_in(Scope::Form)
    }

    fn needs_a_key(self) -> bool {
        self.row().needs_a_key
    }

    fn shares_a_scope_with(self, other: Action) -> bool {
        self.scopes().iter().any(|s| other.acts_in(*s))
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An action is written as its name in `[keys]`.
impl serde::Serialize for Action {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl<'de> serde::Deserialize<'de> for Action {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Action, D::Error> {
        let name = String::deserialize(deserializer)?;
        Action::ALL
            .into_iter()
            .find(|a| a.name() == name)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown action \"{name}\"")))
    }
}

/// The keys that are not rebindable: they scroll dialogs and the status pane, and move
/// through the picker's list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nav {
    Up,
    Down,
    PageUp,
    PageDown,
    /// Ctrl-Home.
    Top,
    /// Ctrl-End.
    Bottom,
}

impl Nav {
    /// The navigation key pressed, whatever else is held with it (Ctrl for Top and
    /// Bottom).
    pub fn of(key: &KeyEvent) -> Option<Nav> {
        Self::of_code(key.code, key.modifiers)
    }

    fn of_code(code: KeyCode, modifiers: KeyModifiers) -> Option<Nav> {
        let ctrl = modifiers.contains(KeyModifiers::CONTROL);
        match code {
            KeyCode::Up => Some(Nav::Up),
            KeyCode::Down => Some(Nav::Down),
            KeyCode::PageUp => Some(Nav::PageUp),
            KeyCode::PageDown => Some(Nav::PageDown),
            KeyCode::Home if ctrl => Some(Nav::Top),
            KeyCode::End if ctrl => Some(Nav::Bottom),
            _ => None,
        }
    }

    fn label(self) -> String {
        let (code, modifiers) = match self {
            Nav::Up => (KeyCode::Up, KeyModifiers::NONE),
            Nav::Down => (KeyCode::Down, KeyModifiers::NONE),
            Nav::PageUp => (KeyCode::PageUp, KeyModifiers::NONE),
            Nav::PageDown => (KeyCode::PageDown, KeyModifiers::NONE),
            Nav::Top => (KeyCode::Home, KeyModifiers::CONTROL),
            Nav::Bottom => (KeyCode::End, KeyModifiers::CONTROL),
        };
        KeyChord::new(code, modifiers).label()
    }
}

/// The keys a hint names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keys {
    /// Every chord of the action that acts where the hint is shown.
    All(Action),
    /// Its first chord only, where room is short.
    First(Action),
    /// ↑↓: scroll a dialog.
    Scroll,
    /// ↑↓ PgUp/PgDn: move in a list.
    Move,
    /// ←→: move between columns.
    Columns,
    /// PgUp/PgDn: scroll the status pane.
    Pages,
    /// Any character: it types.
    Typing,
}

/// One entry of a hint line: keys, and what they do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hint {
    pub keys: Vec<Keys>,
    pub label: String,
}

impl Hint {
    /// Every key of `action`.
    pub fn of(action: Action, label: impl Into<String>) -> Hint {
        Hint::keys([Keys::All(action)], label)
    }

    pub fn keys(keys: impl Into<Vec<Keys>>, label: impl Into<String>) -> Hint {
        Hint {
            keys: keys.into(),
            label: label.into(),
        }
    }
}

/// Keys help lists that are not rebindable: (keys, what they do, inside dialogs).
pub fn fixed_keys() -> Vec<(String, String, bool)> {
    let ctrl_a = KeyChord::new(KeyCode::Char('a'), KeyModifiers::CONTROL).label();
    let alt_b = KeyChord::new(KeyCode::Char('b'), KeyModifiers::ALT).label();
    vec![
        (
            format!("{ctrl_a} E B F W U K Y"),
            format!("readline editing (also {alt_b}/F)"),
            false,
        ),
        (
            Keys::Pages.fixed_label(),
            "scroll the status pane".to_string(),
            false,
        ),
        (
            Keys::Move.fixed_label(),
            "scroll · move in a list".to_string(),
            true,
        ),
    ]
}

impl Keys {
    /// The label of the keys that are not actions.
    fn fixed_label(self) -> String {
        match self {
            Keys::Scroll => format!("{}{}", Nav::Up.label(), Nav::Down.label()),
            Keys::Move => format!(
                "{} {}",
                Keys::Scroll.fixed_label(),
                Keys::Pages.fixed_label()
            ),
            Keys::Pages => format!("{}/{}", Nav::PageUp.label(), Nav::PageDown.label()),
            Keys::Columns => "←→".to_string(),
            Keys::Typing => "type".to_string(),
            Keys::All(_) | Keys::First(_) => String::new(),
        }
    }
}

/// Which chords trigger which action. Chords of one action keep the order they were given
/// in, so help shows the first as the main one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keymap {
    bindings: BTreeMap<Action, Vec<KeyChord>>,
}

impl Default for Keymap {
    /// Every action's default keys, from the table.
    fn default() -> Keymap {
        let bindings = ACTIONS
            .iter()
            .map(|row| (row.action, row.keys.to_vec()))
            .collect();
        Keymap { bindings }
    }
}

impl Keymap {
    /// Applies the config file's `[keys]` table. Only the listed actions change, and each
    /// listed action's chords replace its defaults (an empty list unbinds it, except for
    /// the actions without which something could not be done). An entry with an unknown
    /// action, a chord that does not parse or is refused, or a chord that another action
    /// acting in the same place also has, is ignored whole, so the user never gets half of
    /// what they wrote; every problem is reported in the returned list.
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
                    if !a.shares_a_scope_with(b) {
                        continue;
                    }
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

    /// The form's action a key triggers, if any. The event's kind is not looked at.
    pub fn action_for(&self, key: &KeyEvent) -> Option<Action> {
        self.action_in(key, Scope::Form)
    }

    /// The action a key triggers in `scope`, if any. In a dialog with a line of text, a
    /// key that types or edits goes to the text, whatever it is bound to.
    pub fn action_in(&self, key: &KeyEvent, scope: Scope) -> Option<Action> {
        Action::ALL
            .into_iter()
            .filter(|a| a.acts_in(scope))
            .find(|a| self.live_chords(*a, scope).any(|c| c.matches(key)))
    }

    /// The chords of `a` that act in `scope`.
    fn live_chords(&self, a: Action, scope: Scope) -> impl Iterator<Item = &KeyChord> {
        self.chords(a)
            .iter()
            .filter(move |c| !scope.edits_text() || !(c.types_text() || c.edits_field()))
    }

    pub fn chords(&self, a: Action) -> &[KeyChord] {
        self.bindings.get(&a).map_or(&[], Vec::as_slice)
    }

    /// The first key of `a` only, for hints where space is short; "none" for an action
    /// the user unbound.
    pub fn short_label(&self, a: Action) -> String {
        self.chords(a)
            .first()
            .map_or_else(|| "none".to_string(), KeyChord::label)
    }

    /// The form's actions, one per line ("  Ctrl-S/F2  review what will be sent"), for
    /// `--help`.
    pub fn form_help(&self) -> String {
        Action::ALL
            .into_iter()
            .filter(|a| a.acts_in(Scope::Form))
            .map(|a| format!("  {:<24}{}", self.label(a), a.describe()))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// "Ctrl-S/F2"; "none" for an action the user unbound.
    pub fn label(&self, a: Action) -> String {
        let chords = self.chords(a);
        if chords.is_empty() {
            return "none".to_string();
        }
        join(chords.iter())
    }

    /// The keys of a hint shown in `scope` ("Enter/y", "y/Ctrl-Q", "↑↓"); `None` when
    /// none of them is bound there, so the hint is left out rather than lie.
    pub fn hint_keys(&self, keys: &[Keys], scope: Scope) -> Option<String> {
        let parts: Vec<String> = keys
            .iter()
            .filter_map(|k| {
                let text = match k {
                    Keys::All(a) => join(self.live_chords(*a, scope)),
                    Keys::First(a) => self
                        .live_chords(*a, scope)
                        .next()
                        .map(KeyChord::label)
                        .unwrap_or_default(),
                    fixed => fixed.fixed_label(),
                };
                (!text.is_empty()).then_some(text)
            })
            .collect();
        (!parts.is_empty()).then(|| parts.join("/"))
    }

    /// `text` with `{review}`, `{reload}`, … replaced by the first key of each action as
    /// configured, so messages name the keys the user has.
    pub fn fill(&self, text: &str) -> String {
        Action::ALL.into_iter().fold(text.to_string(), |t, a| {
            t.replace(&format!("{{{}}}", a.name()), &self.short_label(a))
        })
    }
}

fn join<'a>(chords: impl Iterator<Item = &'a KeyChord>) -> String {
    chords.map(KeyChord::label).collect::<Vec<_>>().join("/")
}

/// One `[keys]` entry, checked on its own.
fn parse_entry(action: Action, raw: &[String]) -> Result<Vec<KeyChord>, String> {
    if raw.is_empty() && action.needs_a_key() {
        return Err(format!("{action} needs at least one key"));
    }
    let mut chords: Vec<KeyChord> = Vec::new();
    for text in raw {
        let chord = if action.where_typing_edits() {
            let chord = KeyChord::parse(text)?;
            if chord.edits_field() {
                return Err(format!(
                    "\"{}\" edits the text of a field, and typing always edits; pick another key",
                    text.trim()
                ));
            }
            chord
        } else {
            KeyChord::parse_any(text)?
        };
        if action.in_dialogs() && Nav::of_code(chord.code, chord.modifiers).is_some() {
            return Err(format!(
                "\"{}\" scrolls dialogs and moves in lists; pick another key",
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
    use super::super::chord::testing::{chord, ev};
    use super::*;

    fn overrides(entries: &[(&str, &[&str])]) -> BTreeMap<String, Vec<String>> {
        entries
            .iter()
            .map(|(k, v)| (k.to_string(), v.iter().map(|s| s.to_string()).collect()))
            .collect()
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
                if !a.in_dialogs() {
                    assert_eq!(KeyChord::parse(&c.config_name()), Ok(*c));
                    assert!(!c.edits_field(), "{c}");
                }
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
    #[test]
    fn dialog_defaults_act_only_in_their_dialog() {
        let k = Keymap::default();
        let key = |c| ev(KeyCode::Char(c), KeyModifiers::NONE);
        let enter = ev(KeyCode::Enter, KeyModifiers::NONE);
        let esc = ev(KeyCode::Esc, KeyModifiers::NONE);
        assert_eq!(k.action_in(&enter, Scope::Review), Some(Action::Send));
        assert_eq!(k.action_in(&key('y'), Scope::Review), Some(Action::Send));
        assert_eq!(k.action_in(&key('Y'), Scope::Review), Some(Action::Send));
        assert_eq!(
            k.action_in(&key('c'), Scope::Review),
            Some(Action::CopyCurl)
        );
        assert_eq!(
            k.action_in(&key('o'), Scope::Review),
            Some(Action::Overwrite)
        );
        assert_eq!(
            k.action_in(&key('r'), Scope::Review),
            Some(Action::TakeTheirs)
        );
        assert_eq!(k.action_in(&key('n'), Scope::Review), Some(Action::Deny));
        assert_eq!(
            k.action_in(&key('y'), Scope::Question),
            Some(Action::Confirm)
        );
        assert_eq!(k.action_in(&esc, Scope::Question), Some(Action::Deny));
        assert_eq!(k.action_in(&key('y'), Scope::Draft), Some(Action::Restore));
        assert_eq!(
            k.action_in(&key('n'), Scope::Draft),
            Some(Action::DiscardDraft)
        );
        assert_eq!(
            k.action_in(&esc, Scope::Draft),
            None,
            "the draft needs an answer"
        );
        assert_eq!(
            k.action_in(&key('l'), Scope::SaveInFlight),
            Some(Action::LeaveNow)
        );
        assert_eq!(k.action_in(&esc, Scope::SaveInFlight), Some(Action::Wait));
        // Where text is typed, letters type and Enter/Esc act.
        assert_eq!(k.action_in(&key('n'), Scope::Text), None);
        assert_eq!(k.action_in(&enter, Scope::Text), Some(Action::Choose));
        assert_eq!(k.action_in(&esc, Scope::Text), Some(Action::Deny));
        // Quit acts everywhere; the form's keys nowhere but the form.
        let ctrl_q = ev(KeyCode::Char('q'), KeyModifiers::CONTROL);
        for scope in Scope::ALL {
            assert_eq!(k.action_in(&ctrl_q, scope), Some(Action::Quit), "{scope:?}");
        }
        assert_eq!(
            k.action_in(&ev(KeyCode::F(1), KeyModifiers::NONE), Scope::Review),
            None
        );
        assert_eq!(k.action_for(&key('y')), None, "a letter in the form types");
        // The defaults never clash where they act together.
        assert_eq!(
            Keymap::default().with_overrides(&BTreeMap::new()).1,
            Vec::<String>::new()
        );
        for a in Action::ALL {
            for b in Action::ALL {
                if a != b && a.shares_a_scope_with(b) {
                    for c in k.chords(a) {
                        assert!(!k.chords(b).iter().any(|d| d.clashes(c)), "{a} {b} {c}");
                    }
                }
            }
        }
    }

    #[test]
    fn dialog_keys_may_be_letters_but_not_navigation() {
        let (k, errors) = Keymap::default().with_overrides(&overrides(&[
            ("overwrite", &["w"]),
            ("send", &["ctrl-enter", "s"]),
        ]));
        assert_eq!(errors, Vec::<String>::new());
        assert_eq!(k.label(Action::Overwrite), "w");
        assert_eq!(k.label(Action::Send), "Ctrl-Enter/s");
        let w = ev(KeyCode::Char('w'), KeyModifiers::NONE);
        assert_eq!(k.action_in(&w, Scope::Review), Some(Action::Overwrite));
        assert_eq!(k.action_for(&w), None);

        let (k, errors) = Keymap::default().with_overrides(&overrides(&[
            ("send", &["down"]),
            ("choose", &["o"]),
            ("deny", &["ctrl-q"]),
            ("confirm", &["n"]),
        ]));
        assert_eq!(errors.len(), 4, "{errors:#?}");
        assert!(
            errors
                .iter()
                .any(|e| e.contains("send:") && e.contains("scrolls"))
        );
        assert!(
            errors
                .iter()
                .any(|e| e.contains("choose:") && e.contains("typing always edits"))
        );
        assert!(
            errors
                .iter()
                .any(|e| e.contains("deny: ctrl-q is quit's key by default"))
        );
        assert!(
            errors
                .iter()
                .any(|e| e.contains("confirm: n is deny's key by default"))
        );
        assert_eq!(k, Keymap::default());

        // A key may do different things in different dialogs.
        let (k, errors) = Keymap::default().with_overrides(&overrides(&[("take_theirs", &["l"])]));
        assert_eq!(errors, Vec::<String>::new());
        assert_eq!(k.label(Action::TakeTheirs), "l");
    }

    #[test]
    fn hints_name_the_keys_that_act_where_they_are_shown() {
        let k = Keymap::default();
        let review = |keys: &[Keys]| k.hint_keys(keys, Scope::Review);
        assert_eq!(review(&[Keys::All(Action::Send)]).unwrap(), "Enter/y");
        assert_eq!(review(&[Keys::All(Action::Deny)]).unwrap(), "n/Esc");
        assert_eq!(
            k.hint_keys(&[Keys::All(Action::Deny)], Scope::Text)
                .unwrap(),
            "Esc"
        );
        assert_eq!(
            k.hint_keys(
                &[Keys::All(Action::Confirm), Keys::First(Action::Quit)],
                Scope::Question
            )
            .unwrap(),
            "y/Ctrl-Q"
        );
        assert_eq!(review(&[Keys::Scroll]).unwrap(), "↑↓");
        assert_eq!(review(&[Keys::Move]).unwrap(), "↑↓ PgUp/PgDn");
        let (k, _) = Keymap::default().with_overrides(&overrides(&[("copy_curl", &[])]));
        assert_eq!(
            k.hint_keys(&[Keys::All(Action::CopyCurl)], Scope::Review),
            None
        );
        assert_eq!(
            k.fill("{review} to review, {reload} to reload, {send} sends"),
            "Ctrl-S to review, Ctrl-R to reload, Enter sends"
        );
        let rows = fixed_keys();
        assert_eq!(rows[0].0, "Ctrl-A E B F W U K Y");
        assert_eq!(rows[0].1, "readline editing (also Alt-B/F)");
        assert_eq!(rows[1].0, "PgUp/PgDn");
        assert_eq!(rows[2].0, "↑↓ PgUp/PgDn");
    }
}
