//! The contact's editable fields in one table: what each is called on screen and on the
//! wire, whether it counts as identity, how its value is checked, and where it sits in
//! a record and in a request body (and, from the labels, how wide the label column is).
//! Every list of fields in the program (the form, the review, the command line's help and
//! columns, the demo's store) is read from here, so a new field is a new row.

use crate::api::{Contact, ContactPatch};

/// The editable fields, in display order (the order of [`TABLE`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    FirstName,
    LastName,
    Email,
    Phone,
    Company,
    Title,
    Location,
    Owner,
}

/// How a field's value is checked and normalised before it is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Free text, trimmed.
    Text,
    /// A bare e-mail address (no display name, no domain literal, no quoted local part).
    Email,
    /// A phone number, sent as E.164.
    Phone,
    /// The e-mail of a user of the organisation: never empty.
    User,
}

/// One row of the table.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    pub field: Field,
    /// On screen: the form, the review, messages.
    pub label: &'static str,
    /// The key in a request body (and a CSV column, a JSON Lines key).
    pub api_name: &'static str,
    /// Other names a server message may use for it (lower case, `_` and `-` as spaces).
    pub words: &'static [&'static str],
    /// One of the fields of which the API wants a non-empty one in every update; the
    /// identity rule picks them in table order.
    pub identity: bool,
    pub kind: Kind,
    /// Its value in a server record.
    pub of: fn(&Contact) -> &str,
    /// Its text in a record, to write (the demo's store); `None` for the owner, which is
    /// a user, not text.
    pub text: fn(&mut Contact) -> Option<&mut String>,
    /// Its place in a request body.
    pub slot: fn(&mut ContactPatch) -> &mut Option<String>,
    /// The same place, to read.
    pub sent: fn(&ContactPatch) -> &Option<String>,
}

/// The fields' values, one per field in table order (a snapshot of a form).
pub type Values = [String; Field::COUNT];

/// A row for a field of text: `$name` is its key on the wire and its name in a record and
/// in a request body alike, so its four places there are found from that one name.
macro_rules! text {
    ($field:ident, $label:literal, $name:ident, $words:expr, $identity:expr, $kind:ident) => {
        Spec {
            field: Field::$field,
            label: $label,
            api_name: stringify!($name),
            words: $words,
            identity: $identity,
            kind: Kind::$kind,
            of: |c| &c.$name,
            text: |c| Some(&mut c.$name),
            slot: |p| &mut p.$name,
            sent: |p| &p.$name,
        }
    };
}

const IDENTITY: bool = true;
const OTHER: bool = false;

#[rustfmt::skip]
pub const TABLE: [Spec; 8] = [
    // field, label, API name, other words a server message may use, identity, kind
    text!(FirstName, "First name", first_name,   &["first name", "first_name"], IDENTITY, Text),
    text!(LastName,  "Last name",  last_name,    &["last name"],                IDENTITY, Text),
    text!(Email,     "E-mail",     email,        &["email", "e mail"],          IDENTITY, Email),
    text!(Phone,     "Phone",      phone_number, &["phone"],                    IDENTITY, Phone),
    text!(Company,   "Company",    company,      &["company"],                  OTHER,    Text),
    text!(Title,     "Title",      title,        &["title"],                    OTHER,    Text),
    text!(Location,  "Location",   location,     &["location"],                 OTHER,    Text),
    // The owner is a user, not text: read from the record's owner, never written there.
    Spec {
        field: Field::Owner,
        label: "Owner",
        api_name: "user_email",
        words: &["owner", "user email", "contact owner"],
        identity: OTHER,
        kind: Kind::User,
        of: Contact::owner_email,
        text: |_| None,
        slot: |p| &mut p.user_email,
        sent: |p| &p.user_email,
    },
];

/// The columns a label takes where labels stand in a column (the form, the review, the
/// status pane): the widest label and one space.
pub const LABEL_WIDTH: usize = {
    let mut widest = 0;
    let mut i = 0;
    while i < TABLE.len() {
        if TABLE[i].label.len() > widest {
            widest = TABLE[i].label.len();
        }
        i += 1;
    }
    widest + 1
};

impl Field {
    pub const COUNT: usize = TABLE.len();

    /// Every field, in table order.
    pub const ALL: [Field; Field::COUNT] = {
        let mut all = [Field::FirstName; Field::COUNT];
        let mut i = 0;
        while i < Field::COUNT {
            all[i] = TABLE[i].field;
            i += 1;
        }
        all
    };

    /// The fields of which the API wants at least one in every update, in the order the
    /// identity rule picks them.
    pub fn identity() -> impl Iterator<Item = Field> {
        TABLE.iter().filter(|s| s.identity).map(|s| s.field)
    }

    /// This field's row.
    pub fn spec(self) -> &'static Spec {
        &TABLE[self.index()]
    }

    pub fn index(self) -> usize {
        self as usize
    }

    pub fn label(self) -> &'static str {
        self.spec().label
    }

    /// The key this field has in the request body.
    pub fn api_name(self) -> &'static str {
        self.spec().api_name
    }

    /// The field the API calls `name`, leniently as to case and spacing; the owner also
    /// answers to `contact_owner` and `owner`.
    pub fn from_api_name(name: &str) -> Option<Field> {
        let name = name.trim().to_ascii_lowercase();
        let spoken = name.replace('_', " ");
        Self::ALL
            .into_iter()
            .find(|f| f.api_name() == name || f.spec().words.contains(&spoken.as_str()))
    }

    pub fn is_identity(self) -> bool {
        self.spec().identity
    }

    /// This field's value in a server record.
    pub fn of(self, c: &Contact) -> &str {
        (self.spec().of)(c)
    }

    pub fn next(self) -> Field {
        Self::ALL[(self.index() + 1) % Self::COUNT]
    }

    pub fn prev(self) -> Field {
        Self::ALL[(self.index() + Self::COUNT - 1) % Self::COUNT]
    }

    /// This field's value in a patch, if the patch sends it.
    pub fn in_patch(self, patch: &ContactPatch) -> Option<&str> {
        (self.spec().sent)(patch).as_deref()
    }

    /// Puts `value` into the patch under this field.
    pub fn set_in(self, patch: &mut ContactPatch, value: String) {
        *(self.spec().slot)(patch) = Some(value);
    }
}

/// The identity fields as a list in words, each named by `name`: with labels, `first
/// name, last name, e-mail and phone`; with API names, `first_name, …, phone_number`.
pub fn identity_list(name: impl Fn(Field) -> String, conjunction: &str) -> String {
    let words: Vec<String> = Field::identity().map(name).collect();
    match words.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} {conjunction} {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// The identity fields' labels as words: `first name, last name, e-mail and phone`.
pub fn identity_words(conjunction: &str) -> String {
    identity_list(|f| f.label().to_lowercase(), conjunction)
}

/// The API names of every field, for messages and help: `first_name, last_name, …`.
pub fn api_names(separator: &str) -> String {
    Field::ALL.map(Field::api_name).join(separator)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_in_the_enum_order_and_names_are_unique() {
        for (i, spec) in TABLE.iter().enumerate() {
            assert_eq!(spec.field.index(), i, "{:?}", spec.field);
        }
        for (i, a) in TABLE.iter().enumerate() {
            for b in &TABLE[i + 1..] {
                assert_ne!(a.api_name, b.api_name);
                assert_ne!(a.label, b.label);
            }
        }
    }
}
