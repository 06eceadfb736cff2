//! The decisions of a create: what a new contact is looked up by (before it is made, so
//! no duplicate is made by mistake, and after an answer that never came, so it is never
//! made twice), and which contact found afterwards is the one created.

use crate::api::{Contact, ContactPatch};
use crate::form::{Field, Unapplied, unapplied};
use crate::target::Target;

/// The e-mail and phone being sent: what a duplicate, or a create whose answer was
/// lost, is found by.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Keys {
    pub email: Option<String>,
    pub phone: Option<String>,
}

impl Keys {
    pub fn of(patch: &ContactPatch) -> Self {
        let given = |v: &Option<String>| v.clone().filter(|s| !s.trim().is_empty());
        Self {
            email: given(&patch.email),
            phone: given(&patch.phone_number),
        }
    }

    /// One lookup per key, e-mail first, each alone: a match on either is found however
    /// the server combines two parameters.
    pub fn lookups(&self) -> Vec<Target> {
        let email = self.email.clone().map(Target::Email);
        let phone = self.phone.clone().map(Target::Phone);
        email.into_iter().chain(phone).collect()
    }

    /// Nothing to look the contact up by (a contact with names only).
    pub fn is_empty(&self) -> bool {
        self.email.is_none() && self.phone.is_none()
    }

    /// `e-mail ana@example.com and phone +15550100`.
    pub fn describe(&self) -> String {
        match (&self.email, &self.phone) {
            (Some(e), Some(p)) => format!("e-mail {e} and phone {p}"),
            (Some(e), None) => format!("e-mail {e}"),
            (None, Some(p)) => format!("phone {p}"),
            (None, None) => "nothing".to_string(),
        }
    }
}

/// Adds `found` to `into` unless a contact of the same id is there already.
pub fn gather(into: &mut Vec<Contact>, found: Option<Contact>) {
    if let Some(c) = found
        && !into.iter().any(|f| f.id == c.id)
    {
        into.push(c);
    }
}

/// After a create with no usable answer: the contact it made, if the lookup found one
/// that did not exist before the create and holds every value sent (the owner aside:
/// the server may assign another, which is said after the create, not a reason to
/// think it was not made).
pub fn created_among<'a>(
    patch: &ContactPatch,
    existing: &[Contact],
    found: &'a [Contact],
) -> Option<&'a Contact> {
    found
        .iter()
        .filter(|c| !existing.iter().any(|e| e.id == c.id))
        .find(|c| not_stored(patch, c).iter().all(|u| u.field == Field::Owner))
}

/// The values sent that the new contact does not hold as sent. An owner the server
/// assigned when none was sent is what no owner asks for, not a difference.
pub fn not_stored(patch: &ContactPatch, created: &Contact) -> Vec<Unapplied> {
    unapplied(patch, &Contact::default(), created)
        .into_iter()
        .filter(|u| u.sent.is_some())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(id: u64, email: &str, title: &str) -> Contact {
        Contact {
            id,
            email: email.into(),
            title: title.into(),
            ..Contact::default()
        }
    }

    #[test]
    fn the_created_contact_is_new_and_holds_what_was_sent() {
        let patch = ContactPatch {
            email: Some("a@b.co".into()),
            title: Some("CEO".into()),
            ..ContactPatch::default()
        };
        let old = with(1, "a@b.co", "CEO");
        let other = with(2, "a@b.co", "Intern");
        let made = with(3, "a@b.co", "CEO");
        let existing = std::slice::from_ref(&old);
        assert_eq!(created_among(&patch, existing, existing), None);
        assert_eq!(
            created_among(&patch, &[], std::slice::from_ref(&other)),
            None
        );
        let found = [old.clone(), other, made.clone()];
        assert_eq!(created_among(&patch, existing, &found), Some(&made));
    }

    #[test]
    fn keys_are_looked_up_one_at_a_time_email_first() {
        let patch = ContactPatch {
            email: Some("a@b.co".into()),
            phone_number: Some("+12125550100".into()),
            ..ContactPatch::default()
        };
        assert_eq!(
            Keys::of(&patch).lookups(),
            vec![
                Target::Email("a@b.co".into()),
                Target::Phone("+12125550100".into())
            ]
        );
        assert!(Keys::of(&ContactPatch::default()).is_empty());
    }
}
