//! What a save achieved, once the server's record is known: the answer to the PUT, or
//! a read after an answer that never came. Every front end reports the same verdict,
//! keeps the same fields as unsaved, and journals the same entry.

use crate::api::{Contact, ContactPatch};
use crate::form::{Field, Unapplied, holds, unapplied};
use crate::journal::Entry;

/// How much of a save the server holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Every sent field holds what was sent.
    Stored,
    /// The server holds some of what was sent and not the rest (a 200 that dropped a
    /// field counts here too): the rest is still to be saved.
    Partial,
    /// Read back after an uncertain answer: none of the changed fields holds what was
    /// sent. Not re-sent; as of the read, the save did not happen.
    NotStored,
}

/// The outcome of a save against the server's record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settled {
    pub verdict: Verdict,
    /// Fields this save changed that the server now holds as sent (an identity field
    /// echoed unchanged is not among them).
    pub stored: Vec<Field>,
    /// Sent fields the server does not hold as sent.
    pub not_stored: Vec<Unapplied>,
    /// An owner that changed although none was sent: worth a warning, not a failure.
    pub owner_unasked: Option<Unapplied>,
}

impl Settled {
    /// A 2xx carrying the stored record: the server says it saved, so every sent field
    /// it does not hold makes the save partial.
    pub fn after_answer(patch: &ContactPatch, before: &Contact, stored: &Contact) -> Self {
        let mut settled = Self::compare(patch, before, stored);
        settled.verdict = if settled.not_stored.is_empty() {
            Verdict::Stored
        } else {
            Verdict::Partial
        };
        settled
    }

    /// A read after an answer that never came (or came unreadable, or a 5xx): the save
    /// happened if some field it changed now holds the sent value.
    pub fn after_reread(patch: &ContactPatch, before: &Contact, now: &Contact) -> Self {
        let mut settled = Self::compare(patch, before, now);
        let landed = !settled.stored.is_empty();
        settled.verdict = match (settled.not_stored.is_empty(), landed) {
            (true, _) => Verdict::Stored,
            (false, true) => Verdict::Partial,
            (false, false) => Verdict::NotStored,
        };
        settled
    }

    fn compare(patch: &ContactPatch, before: &Contact, after: &Contact) -> Self {
        let mut not_stored = Vec::new();
        let mut owner_unasked = None;
        for u in unapplied(patch, before, after) {
            if u.sent.is_some() {
                not_stored.push(u);
            } else {
                owner_unasked = Some(u);
            }
        }
        let stored = Field::ALL
            .into_iter()
            .filter(|f| {
                f.in_patch(patch)
                    .is_some_and(|sent| !holds(*f, sent, f.of(before)))
                    && !not_stored.iter().any(|u| u.field == *f)
            })
            .collect();
        Self {
            verdict: Verdict::Stored,
            stored,
            not_stored,
            owner_unasked,
        }
    }

    /// The fields still to be saved.
    pub fn not_stored_fields(&self) -> Vec<Field> {
        self.not_stored.iter().map(|u| u.field).collect()
    }

    /// Everything worth a "not applied by the server" line: the fields not stored, then
    /// an owner that moved unasked.
    pub fn warnings(&self) -> Vec<Unapplied> {
        self.not_stored
            .iter()
            .chain(&self.owner_unasked)
            .cloned()
            .collect()
    }

    /// What the journal records: the sent fields the server holds as sent (the echoed
    /// identity field too, marked so by `history`), from what it held before. Nothing
    /// when no change was stored.
    pub fn journal(
        &self,
        patch: &ContactPatch,
        before: &Contact,
        after: &Contact,
    ) -> Option<Entry> {
        if self.stored.is_empty() {
            return None;
        }
        let mut kept = ContactPatch::default();
        for f in Field::ALL {
            if let Some(v) = f.in_patch(patch)
                && !self.not_stored.iter().any(|u| u.field == f)
            {
                f.set_in(&mut kept, v.to_string());
            }
        }
        Some(Entry::of_save("", "", &kept, before, after))
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// Ana, contact 7, with this title and company (the protocol's tests share her).
    pub(in crate::protocol) fn contact(title: &str, company: &str) -> Contact {
        Contact {
            id: 7,
            first_name: "Ana".into(),
            title: title.into(),
            company: company.into(),
            ..Contact::default()
        }
    }

    fn patch(title: &str, company: &str) -> ContactPatch {
        ContactPatch {
            title: Some(title.into()),
            company: Some(company.into()),
            ..ContactPatch::default()
        }
    }

    #[test]
    fn a_200_that_dropped_a_field_is_partial() {
        let before = contact("Old", "OldCo");
        let sent = patch("New", "NewCo");
        let s = Settled::after_answer(&sent, &before, &contact("New", "OldCo"));
        assert_eq!(s.verdict, Verdict::Partial);
        assert_eq!(s.stored, vec![Field::Title]);
        assert_eq!(s.not_stored_fields(), vec![Field::Company]);
        let all = Settled::after_answer(&sent, &before, &contact("New", "NewCo"));
        assert_eq!(all.verdict, Verdict::Stored);
        assert!(all.not_stored.is_empty());
    }

    #[test]
    fn a_reread_tells_stored_partial_and_not_stored_apart() {
        let before = contact("Old", "OldCo");
        let sent = patch("New", "NewCo");
        let verdict = |now| Settled::after_reread(&sent, &before, &now).verdict;
        assert_eq!(verdict(contact("New", "NewCo")), Verdict::Stored);
        assert_eq!(verdict(contact("New", "OldCo")), Verdict::Partial);
        assert_eq!(verdict(contact("Old", "OldCo")), Verdict::NotStored);
        // A colleague's value is not this save's.
        assert_eq!(verdict(contact("Other", "OldCo")), Verdict::NotStored);
    }

    #[test]
    fn the_journal_holds_only_what_was_stored() {
        let before = contact("Old", "OldCo");
        let sent = patch("New", "NewCo");
        let after = contact("New", "OldCo");
        let s = Settled::after_reread(&sent, &before, &after);
        let entry = s.journal(&sent, &before, &after).unwrap();
        let fields: Vec<&str> = entry.fields.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(fields, ["title"]);
        let none = Settled::after_reread(&sent, &before, &before);
        assert!(none.journal(&sent, &before, &before).is_none());
    }
}
