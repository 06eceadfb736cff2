//! Making text from the server safe to put on a terminal.

/// Removes control characters (C0, DEL, C1) so server text cannot move the cursor, retitle
/// the window or clear the screen. Escape sequences lose their ESC and become inert text.
/// Tabs and newlines become spaces: every value is drawn on one line.
///
/// Bidirectional controls go too: an embedding, override or isolate (U+202A–U+202E,
/// U+2066–U+2069) or a direction mark (U+200E, U+200F, U+061C) would make the terminal
/// show the text in another order than it is stored and sent.
pub fn sanitize(s: &str) -> String {
    s.chars()
        .filter_map(|c| match c {
            '\t' | '\n' | '\r' => Some(' '),
            c if c.is_control() || is_bidi_control(c) => None,
            c => Some(c),
        })
        .collect()
}

/// The characters that change the order in which text is displayed.
fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}'
    )
}

/// [`sanitize`], then shortened to at most `max` chars with an ellipsis.
pub fn sanitize_snippet(s: &str, max: usize) -> String {
    let clean = sanitize(s);
    if clean.chars().count() <= max {
        clean
    } else {
        let mut out: String = clean.chars().take(max.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_escape_sequences_and_controls() {
        assert_eq!(sanitize("\u{1b}]0;owned\u{7}Eve"), "]0;ownedEve");
        assert_eq!(sanitize("a\u{1b}[2Jb"), "a[2Jb");
        assert_eq!(sanitize("x\u{9b}31my"), "x31my");
        assert_eq!(sanitize("tab\there\nnl"), "tab here nl");
        assert_eq!(sanitize("日本語 🧑‍💻 é"), "日本語 🧑‍💻 é");
    }

    #[test]
    fn strips_bidi_embeddings_overrides_isolates_and_marks() {
        // "evil\u{202e}txt.exe" would show as "evilexe.txt".
        assert_eq!(sanitize("evil\u{202e}txt.exe"), "eviltxt.exe");
        for c in ('\u{202a}'..='\u{202e}').chain('\u{2066}'..='\u{2069}') {
            assert_eq!(sanitize(&format!("a{c}b")), "ab", "U+{:04X}", u32::from(c));
        }
        assert_eq!(sanitize("a\u{200e}b\u{200f}c\u{61c}d"), "abcd");
        // Right-to-left text itself and the joiners emoji need stay.
        assert_eq!(sanitize("שלום عربي"), "שלום عربي");
        assert_eq!(sanitize("a\u{200d}b\u{200c}c"), "a\u{200d}b\u{200c}c");
    }

    #[test]
    fn snippet_is_bounded() {
        assert_eq!(sanitize_snippet("abcdef", 4), "abc…");
        assert_eq!(sanitize_snippet("abc", 4), "abc");
    }
}
