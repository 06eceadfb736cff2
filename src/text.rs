//! Making text from the server safe to put on a terminal.

/// Removes control characters (C0, DEL, C1) so server text cannot move the cursor, retitle
/// the window or clear the screen. Escape sequences lose their ESC and become inert text.
/// Tabs and newlines become spaces: every value is drawn on one line.
pub fn sanitize(s: &str) -> String {
    s.chars()
        .filter_map(|c| match c {
            '\t' | '\n' | '\r' => Some(' '),
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect()
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
    fn snippet_is_bounded() {
        assert_eq!(sanitize_snippet("abcdef", 4), "abc…");
        assert_eq!(sanitize_snippet("abc", 4), "abc");
    }
}
