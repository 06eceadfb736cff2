//! Small text-layout helpers, all by display width (CJK and emoji take two columns).

use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// `left` and `right` on one line of `width` columns, `right` flush right when it fits.
pub fn spread(left: &str, right: &str, width: u16) -> Line<'static> {
    let width = usize::from(width);
    let used = self::width(left) + self::width(right);
    if used < width {
        Line::from(format!("{left}{}{right}", " ".repeat(width - used)))
    } else {
        Line::from(fit(left, width))
    }
}

/// The part of `s` that starts `skip` columns in and fills at most `cols` columns. A wide
/// character cut by either edge is left out rather than drawn half.
pub fn window(s: &str, skip: usize, cols: usize) -> String {
    let mut out = String::new();
    let mut at = 0;
    for c in s.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if at >= skip && at + w <= skip + cols {
            out.push(c);
        }
        at += w;
    }
    out
}

/// Rows the lines take once word-wrapped at `cols` columns, as a paragraph will.
pub fn wrapped_rows(lines: &[Line], cols: u16) -> u16 {
    let rows = Paragraph::new(lines.to_vec())
        .wrap(Wrap { trim: false })
        .line_count(cols.max(1));
    u16::try_from(rows).unwrap_or(u16::MAX)
}

/// `s` cut to `cols` columns, with an ellipsis when something was cut.
pub fn fit(s: &str, cols: usize) -> String {
    if width(s) <= cols {
        return s.to_string();
    }
    let mut out = window(s, 0, cols.saturating_sub(1));
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_counts_columns_not_chars() {
        assert_eq!(window("山田太郎", 2, 4), "田太");
        assert_eq!(window("山田太郎", 1, 4), "田");
        assert_eq!(window("abcdef", 2, 3), "cde");
    }

    #[test]
    fn fit_marks_the_cut() {
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(fit("abc", 4), "abc");
    }
}
