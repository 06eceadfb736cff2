//! One contact in the index: its id and the text it is shown and found by, in one
//! string, so that 100,000 contacts take a few tens of bytes each beyond their text.

use crate::api::Contact;
use crate::text::sanitize;
use nucleo_matcher::Utf32Str;

/// The columns of an entry, in the order they are kept.
pub const COLUMNS: [&str; 6] = [
    "name",
    "email",
    "phone_number",
    "company",
    "title",
    "location",
];

/// Between two columns in [`Entry::text`]. The text is cleaned of control characters,
/// tabs included, so no column holds one; the matcher reads it as white space, a word
/// boundary.
const SEP: char = '\t';

/// The columns the matcher reads: the six, and the phone's digits.
const HAYSTACKS: usize = COLUMNS.len() + 1;

/// One contact: what a search shows and what it matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    id: u64,
    /// The [`COLUMNS`] joined by tabs, then (when the phone is written with more than
    /// digits and a leading `+`) the phone's digits alone, so a number typed in any
    /// format finds it.
    text: Box<str>,
    /// The text as the matcher reads it (one character per grapheme), kept only when
    /// it is not ASCII: ASCII text is matched as it is.
    wide: Option<Box<[char]>>,
    /// The letters and digits in each column the matcher reads ([`letters`]), so that
    /// most columns are passed over without reading them.
    masks: [u32; HAYSTACKS],
}

/// A bit for each letter (case folded) and each digit (six bits shared by the ten) in
/// a column. Anything not ASCII may stand for any letter once normalised (é for e), so
/// it sets every bit.
pub(crate) fn letters(column: &str) -> u32 {
    column
        .chars()
        .fold(0, |mask, c| mask | letter_bit(c, u32::MAX))
}

/// The bits a word needs in a column. A character not ASCII needs none: what it
/// matches is the matcher's to say.
pub(crate) fn needed(word: impl Iterator<Item = char>) -> u32 {
    word.fold(0, |mask, c| mask | letter_bit(c, 0))
}

fn letter_bit(c: char, other: u32) -> u32 {
    match c {
        'a'..='z' => 1 << (c as u32 - 'a' as u32),
        'A'..='Z' => 1 << (c as u32 - 'A' as u32),
        '0'..='9' => 1 << (26 + (c as u32 - '0' as u32) % 6),
        c if c.is_ascii() => 0,
        _ => other,
    }
}

impl Entry {
    /// An entry from its columns (in [`COLUMNS`] order), each cleaned of control
    /// characters.
    pub fn new(id: u64, columns: [&str; 6]) -> Self {
        let mut text = String::with_capacity(columns.iter().map(|c| c.len() + 1).sum());
        for (i, column) in columns.iter().enumerate() {
            if i > 0 {
                text.push(SEP);
            }
            text.push_str(sanitize(column.trim()).trim());
        }
        let phone = columns[2].trim();
        let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
        if !digits.is_empty() && phone.trim_start_matches('+') != digits {
            text.push(SEP);
            text.push_str(&digits);
        }
        let wide = (!text.is_ascii()).then(|| nucleo_matcher::chars::graphemes(&text).collect());
        let mut masks = [0; HAYSTACKS];
        for (mask, column) in masks.iter_mut().zip(text.split(SEP)) {
            *mask = letters(column);
        }
        Self {
            id,
            text: text.into_boxed_str(),
            wide,
            masks,
        }
    }

    /// The entry of a contact as the list endpoint returns it. The name is the server's
    /// full name, else the first and last names.
    pub fn of(contact: &Contact) -> Self {
        let name = if contact.full_name.trim().is_empty() {
            format!("{} {}", contact.first_name.trim(), contact.last_name.trim())
        } else {
            contact.full_name.clone()
        };
        Self::new(
            contact.id,
            [
                &name,
                &contact.email,
                &contact.phone_number,
                &contact.company,
                &contact.title,
                &contact.location,
            ],
        )
    }

    pub fn id(&self) -> u64 {
        self.id
    }

    /// Column `i` of [`COLUMNS`].
    pub fn column(&self, i: usize) -> &str {
        self.text.split(SEP).nth(i).unwrap_or("")
    }

    pub fn name(&self) -> &str {
        self.column(0)
    }

    pub fn email(&self) -> &str {
        self.column(1)
    }

    pub fn phone(&self) -> &str {
        self.column(2)
    }

    pub fn company(&self) -> &str {
        self.column(3)
    }

    pub fn title(&self) -> &str {
        self.column(4)
    }

    pub fn location(&self) -> &str {
        self.column(5)
    }

    /// Every column, in [`COLUMNS`] order.
    pub fn columns(&self) -> [&str; 6] {
        std::array::from_fn(|i| self.column(i))
    }

    /// The whole text as the matcher reads it: every column, tabs between them.
    pub(crate) fn haystack(&self) -> Utf32Str<'_> {
        match &self.wide {
            Some(chars) => Utf32Str::Unicode(chars),
            None => Utf32Str::Ascii(self.text.as_bytes()),
        }
    }

    /// Whether the characters at `indices` of [`Entry::haystack`] lie in one column.
    pub(crate) fn in_one_column(&self, indices: &[u32]) -> bool {
        let (Some(&first), Some(&last)) = (indices.iter().min(), indices.iter().max()) else {
            return true;
        };
        let (first, last) = (first as usize, last as usize);
        match &self.wide {
            Some(chars) => chars
                .get(first..=last)
                .is_some_and(|span| !span.contains(&SEP)),
            None => self
                .text
                .as_bytes()
                .get(first..=last)
                .is_some_and(|span| !span.iter().any(|b| char::from(*b) == SEP)),
        }
    }

    /// What the matcher searches: each column on its own (the phone's digits too), so
    /// that a word matches within one column rather than across several; beside each,
    /// its [`letters`].
    pub(crate) fn haystacks(&self) -> impl Iterator<Item = (Utf32Str<'_>, u32)> {
        let columns = match &self.wide {
            Some(chars) => Haystacks::Wide(chars.split(|c| *c == SEP)),
            None => Haystacks::Ascii(self.text.as_bytes().split(|b| char::from(*b) == SEP)),
        };
        columns.zip(self.masks)
    }

    /// Bytes this entry takes in memory, its own size included.
    pub fn footprint(&self) -> usize {
        std::mem::size_of::<Self>()
            + self.text.len()
            + self
                .wide
                .as_ref()
                .map_or(0, |w| w.len() * std::mem::size_of::<char>())
    }
}

/// The columns of an entry as the matcher reads them.
enum Haystacks<'a> {
    Ascii(std::slice::Split<'a, u8, fn(&u8) -> bool>),
    Wide(std::slice::Split<'a, char, fn(&char) -> bool>),
}

impl<'a> Iterator for Haystacks<'a> {
    type Item = nucleo_matcher::Utf32Str<'a>;

    fn next(&mut self) -> Option<Self::Item> {
        match self {
            Haystacks::Ascii(split) => split.next().map(Utf32Str::Ascii),
            Haystacks::Wide(split) => split.next().map(Utf32Str::Unicode),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_columns_come_back_cleaned_and_the_phone_digits_are_searchable() {
        let e = Entry::new(
            7,
            [
                " Ana\u{1b}[2J Lima ",
                "ana@example.com",
                "(415) 555-2671",
                "Contoso\tLtd",
                "",
                "Zoë\nville",
            ],
        );
        assert_eq!(e.id(), 7);
        assert_eq!(
            e.columns(),
            [
                "Ana[2J Lima",
                "ana@example.com",
                "(415) 555-2671",
                "Contoso Ltd",
                "",
                "Zoë ville"
            ]
        );
        assert!(e.text.ends_with("\t4155552671"), "{:?}", e.text);
        assert!(e.wide.is_some());

        let plain = Entry::new(8, ["Bo", "", "+15550102000", "", "", ""]);
        assert_eq!(&*plain.text, "Bo\t\t+15550102000\t\t\t");
        assert!(plain.wide.is_none());
        assert!(plain.footprint() < 110, "{}", plain.footprint());
        assert_eq!(plain.masks[0], letters("Bo"));
        assert_eq!(plain.masks[1], 0);
    }

    #[test]
    fn a_word_needs_its_letters_and_digits_in_a_column() {
        let column = letters("Ana Lima, +1-415");
        for word in ["ana", "LIMA", "al", "41", "+1", "l-", "é"] {
            let need = needed(word.chars());
            assert_eq!(column & need, need, "{word}");
        }
        for word in ["b", "anb", "2"] {
            let need = needed(word.chars());
            assert_ne!(column & need, need, "{word}");
        }
        assert_eq!(letters("Zoë"), u32::MAX, "é may be e once normalised");
    }

    #[test]
    fn the_name_is_the_full_name_else_first_and_last() {
        let mut c = Contact {
            id: 3,
            first_name: "Ada".into(),
            last_name: "Lovelace".into(),
            ..Default::default()
        };
        assert_eq!(Entry::of(&c).name(), "Ada Lovelace");
        c.full_name = "Countess Lovelace".into();
        assert_eq!(Entry::of(&c).name(), "Countess Lovelace");
        c.full_name = String::new();
        c.first_name = String::new();
        assert_eq!(Entry::of(&c).name(), "Lovelace");
    }
}
