//! One line of text being edited (a field, the open prompt, the picker's filter): the
//! readline keys of DESIGN.md ("Keys"), on tui-input's line editor. Keys arrive as the
//! crate's own and are turned into the editor's requests here, the one place that knows
//! them; Alt is Meta (see `keymap/key.rs`), so Alt-B, Alt-F and Alt-D act in every line.

use crate::keymap::{KeyCode, KeyEvent, KeyModifiers};
use tui_input::{Input, InputRequest};

/// What `key` asks of a line of text, if anything.
pub fn request(key: &KeyEvent) -> Option<InputRequest> {
    use InputRequest::*;
    use KeyCode::*;
    const NONE: KeyModifiers = KeyModifiers::NONE;
    const SHIFT: KeyModifiers = KeyModifiers::SHIFT;
    const CTRL: KeyModifiers = KeyModifiers::CONTROL;
    const ALT: KeyModifiers = KeyModifiers::ALT;
    const ALT_GR: KeyModifiers = KeyModifiers::CONTROL.union(KeyModifiers::ALT);
    Some(match (key.code, key.modifiers) {
        (Backspace, NONE) | (Char('h'), CTRL) => DeletePrevChar,
        (Delete, NONE) => DeleteNextChar,
        (Left, NONE) | (Char('b'), CTRL) => GoToPrevChar,
        (Left, CTRL) | (Char('b'), ALT) => GoToPrevWord,
        (Right, NONE) | (Char('f'), CTRL) => GoToNextChar,
        (Right, CTRL) | (Char('f'), ALT) => GoToNextWord,
        (Char('u'), CTRL) => DeleteLine,
        (Char('w'), CTRL) | (Char('d'), ALT) | (Backspace, ALT) => DeletePrevWord,
        (Delete, CTRL) => DeleteNextWord,
        (Char('k'), CTRL) => DeleteTillEnd,
        (Char('y'), CTRL) => Yank,
        (Char('a'), CTRL) | (Home, NONE) => GoToStart,
        (Char('e'), CTRL) | (End, NONE) => GoToEnd,
        // AltGr arrives as Ctrl-Alt: it types.
        (Char(c), NONE | SHIFT | ALT_GR) => InsertChar(c),
        _ => return None,
    })
}

/// Applies `key` to `line`; whether its text changed (a move of the cursor alone is no
/// change).
pub fn edit(line: &mut Input, key: &KeyEvent) -> bool {
    request(key)
        .and_then(|r| line.handle(r))
        .is_some_and(|changed| changed.value)
}

/// `line` with `text` inserted at the cursor, cleaned to one line: newlines and tabs
/// become spaces (a pasted line break must never act as Enter), other control
/// characters are dropped.
pub fn with_pasted(line: &Input, text: &str) -> Input {
    // A Windows line end is one break, so one space.
    let clean = crate::text::sanitize(&text.replace("\r\n", "\n"));
    let (value, cursor) = (line.value(), line.cursor());
    let split = value
        .char_indices()
        .nth(cursor)
        .map_or(value.len(), |(i, _)| i);
    let new_value = format!("{}{}{}", &value[..split], clean, &value[split..]);
    Input::new(new_value).with_cursor(cursor + clean.chars().count())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(keys: &[KeyEvent]) -> Input {
        let mut line = Input::new("one two".into());
        for k in keys {
            edit(&mut line, k);
        }
        line
    }

    #[test]
    fn alt_moves_and_deletes_by_word() {
        let alt = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::ALT);
        assert_eq!(typed(&[alt('b')]).cursor(), 4);
        assert_eq!(typed(&[alt('b'), alt('b'), alt('f')]).cursor(), 4);
        assert_eq!(typed(&[alt('d')]).value(), "one ");
        let alt_bs = KeyEvent::new(KeyCode::Backspace, KeyModifiers::ALT);
        assert_eq!(typed(&[alt_bs]).value(), "one ");
    }

    #[test]
    fn only_plain_shifted_and_altgr_characters_type() {
        let key = |m| KeyEvent::new(KeyCode::Char('x'), m);
        assert_eq!(typed(&[key(KeyModifiers::NONE)]).value(), "one twox");
        assert_eq!(typed(&[key(KeyModifiers::SHIFT)]).value(), "one twox");
        let alt_gr = KeyModifiers::CONTROL | KeyModifiers::ALT;
        assert_eq!(typed(&[key(alt_gr)]).value(), "one twox");
        for m in [
            KeyModifiers::ALT,
            KeyModifiers::CONTROL,
            KeyModifiers::SUPER,
        ] {
            assert_eq!(typed(&[key(m)]).value(), "one two", "{m:?}");
        }
        let tab = KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE);
        assert!(!edit(&mut Input::new("a".into()), &tab));
    }
}
