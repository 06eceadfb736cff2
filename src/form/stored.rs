//! Believing only what the server stored: after a save, each sent field is compared
//! with the stored value, as the server may have normalised it.

use super::email::fold_domain;
use super::{Field, Kind};
use crate::api::{Contact, ContactPatch};

/// A sent field the server did not store as sent (or an owner change nobody sent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unapplied {
    pub field: Field,
    /// `None` when the field was not in the body (an owner that changed unasked).
    pub sent: Option<String>,
    pub stored: String,
}

impl Unapplied {
    /// `E-mail (sent "a@x.io", stored "b@x.io")`, for the status pane and the command line.
    pub fn describe(&self) -> String {
        match &self.sent {
            Some(sent) => format!(
                "{} (sent \"{sent}\", stored \"{}\")",
                self.field.label(),
                self.stored
            ),
            None => format!(
                "{} (not sent, but now \"{}\")",
                self.field.label(),
                self.stored
            ),
        }
    }
}

/// Compares what a save sent with what the server says it stored: phones as E.164,
/// e-mails with the domain case-folded, text trimmed. `before` is the record the save was
/// built against: an owner that changed although no owner was sent is reported too.
pub fn unapplied(patch: &ContactPatch, before: &Contact, stored: &Contact) -> Vec<Unapplied> {
    let mut out = Vec::new();
    for f in Field::ALL {
        let now = f.of(stored);
        match f.in_patch(patch) {
            Some(sent) if !holds(f, sent, now) => out.push(Unapplied {
                field: f,
                sent: Some(sent.to_string()),
                stored: now.to_string(),
            }),
            None if f == Field::Owner && !holds(f, f.of(before), now) => out.push(Unapplied {
                field: f,
                sent: None,
                stored: now.to_string(),
            }),
            _ => {}
        }
    }
    out
}

/// Whether `stored` is `sent` as the server keeps it: phones compared as E.164, e-mails
/// with the domain case-folded, text trimmed.
pub fn holds(f: Field, sent: &str, stored: &str) -> bool {
    let (sent, stored) = (sent.trim(), stored.trim());
    match f.spec().kind {
        Kind::Email | Kind::User => fold_domain(sent) == fold_domain(stored),
        Kind::Phone if !sent.is_empty() => {
            let e164 = |s: &str| {
                phonenumber::parse(None, s)
                    .map(|n| n.format().mode(phonenumber::Mode::E164).to_string())
                    .unwrap_or_else(|_| s.to_string())
            };
            e164(sent) == e164(stored)
        }
        _ => sent == stored,
    }
}
