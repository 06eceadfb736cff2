//! The demo's in-memory organisation: its users, its contacts, and the rules the real
//! API applies to them. Nothing here knows about HTTP, so the rules can be read (and
//! changed) in one place.

use std::collections::BTreeMap;

use chrono::{DateTime, SubsecRound, TimeDelta, Utc};

use crate::api::model::{Contact, ContactOwner, ContactPage, ContactPatch, Pagination};
use crate::form::Field;

pub(crate) const DEFAULT_PER_PAGE: u32 = 25;
pub(crate) const MAX_PER_PAGE: u32 = 100;

pub(crate) const MSG_IDENTITY_REQUIRED: &str =
    "At least one of first_name, last_name, email, phone_number is required";
pub(crate) const MSG_UNKNOWN_USER: &str =
    "User email does not belong to a user of this organization";
pub(crate) const MSG_EMAIL_INVALID: &str = "Email is invalid";
pub(crate) const MSG_PHONE_INVALID: &str = "Phone number is invalid";

/// Why the store refused a write; the server turns this into the API's error bodies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Refusal {
    NotFound,
    /// One sentence per problem, each naming the field, as the API lists them.
    Invalid(Vec<String>),
}

#[derive(Debug, Default)]
pub(crate) struct Store {
    users: Vec<ContactOwner>,
    contacts: BTreeMap<u64, Contact>,
    /// The last `updated_at` handed out. Writes within one millisecond would otherwise
    /// share a stamp, and tests (and the editor's conflict check) rely on every write
    /// moving `updated_at` forward.
    last_stamp: Option<DateTime<Utc>>,
    /// The highest id a deleted contact had: a new contact never takes the id of one
    /// deleted, as a database sequence would not.
    highest_id: u64,
}

impl Store {
    pub(crate) fn new(users: Vec<ContactOwner>, contacts: Vec<Contact>) -> Self {
        Store {
            users,
            contacts: contacts.into_iter().map(|c| (c.id, c)).collect(),
            last_stamp: None,
            highest_id: 0,
        }
    }

    pub(crate) fn users(&self) -> &[ContactOwner] {
        &self.users
    }

    pub(crate) fn get(&self, id: u64) -> Option<&Contact> {
        self.contacts.get(&id)
    }

    pub(crate) fn first_id(&self) -> Option<u64> {
        self.contacts.keys().next().copied()
    }

    pub(crate) fn last_id(&self) -> Option<u64> {
        self.contacts.keys().next_back().copied()
    }

    pub(crate) fn insert(&mut self, contact: Contact) {
        self.contacts.insert(contact.id, contact);
    }

    /// Stores a record as if someone else had saved it through the API: the server
    /// still owns `full_name` and `updated_at`.
    pub(crate) fn replace(&mut self, mut contact: Contact) {
        contact.full_name = full_name(&contact.first_name, &contact.last_name);
        contact.updated_at = self.stamp();
        self.insert(contact);
    }

    /// Creates a contact (POST): the same field rules as an update, an identity field
    /// with a value required, ids given in order, both timestamps set. Without
    /// `user_email` the organisation's first user owns the contact.
    pub(crate) fn create(&mut self, patch: &ContactPatch) -> Result<Contact, Refusal> {
        let checked = self.check(patch, true)?;
        let now = self.stamp();
        let mut contact = Contact {
            id: self.last_id().unwrap_or(0).max(self.highest_id) + 1,
            created_at: now.clone(),
            updated_at: now,
            contact_owner: self.users.first().cloned(),
            ..Contact::default()
        };
        write_fields(&mut contact, patch, checked);
        self.insert(contact.clone());
        Ok(contact)
    }

    /// Applies an update (PUT and PATCH behave the same): only the fields present in the
    /// patch change. Nothing is written unless the whole patch is valid.
    pub(crate) fn update(&mut self, id: u64, patch: &ContactPatch) -> Result<Contact, Refusal> {
        self.apply(id, patch, true, None)
    }

    /// [`Store::update`], except that the field named `dropped` is validated but not
    /// stored, as a server that silently ignores one attribute would do. The answer
    /// shows the stored value of that field.
    pub(crate) fn update_dropping(
        &mut self,
        id: u64,
        patch: &ContactPatch,
        dropped: &str,
    ) -> Result<Contact, Refusal> {
        self.apply(id, patch, true, Some(dropped))
    }

    /// Applies a patch as a colleague's save in Linq's own app would: the same field
    /// rules as [`Store::update`], except that a patch need not name an identity field,
    /// because that requirement belongs to the partner API, not to the data.
    pub(crate) fn edit_externally(
        &mut self,
        id: u64,
        patch: &ContactPatch,
    ) -> Result<Contact, Refusal> {
        self.apply(id, patch, false, None)
    }

    /// Deletes a contact (DELETE): gone for good, as the API says; its id is never
    /// handed out again, since ids are given after the highest ever used.
    pub(crate) fn delete(&mut self, id: u64) -> Result<Contact, Refusal> {
        let removed = self.contacts.remove(&id).ok_or(Refusal::NotFound)?;
        self.highest_id = self.highest_id.max(id);
        Ok(removed)
    }

    /// Validates the whole patch, writes it less the `dropped` field, and moves
    /// `updated_at` only when something really changed.
    fn apply(
        &mut self,
        id: u64,
        patch: &ContactPatch,
        require_identity: bool,
        dropped: Option<&str>,
    ) -> Result<Contact, Refusal> {
        let Some(current) = self.contacts.get(&id).cloned() else {
            return Err(Refusal::NotFound);
        };
        let mut checked = self.check(patch, require_identity)?;
        let mut kept = patch.clone();
        if let Some(field) =
            dropped.and_then(|name| Field::ALL.into_iter().find(|f| f.api_name() == name))
        {
            *(field.spec().slot)(&mut kept) = None;
            match field {
                Field::Phone => checked.phone = None,
                Field::Owner => checked.owner = None,
                _ => {}
            }
        }
        let mut next = current.clone();
        write_fields(&mut next, &kept, checked);
        if next != current {
            next.updated_at = self.stamp();
            self.contacts.insert(id, next.clone());
        }
        Ok(next)
    }

    /// Validates a patch and resolves what the server derives from it, reporting every
    /// problem at once, as the API lists them.
    fn check(&self, patch: &ContactPatch, require_identity: bool) -> Result<Checked, Refusal> {
        let mut problems = Vec::new();
        // The strictest reading of the rule: an identity field counts only with a value.
        if require_identity && !patch.has_filled_identity_field() {
            problems.push(MSG_IDENTITY_REQUIRED.to_string());
        }
        if let Some(email) = &patch.email
            && !email.is_empty()
            && !is_valid_email(email)
        {
            problems.push(MSG_EMAIL_INVALID.to_string());
        }
        let phone = match patch.phone_number.as_deref() {
            None => None,
            Some("") => Some(String::new()),
            Some(raw) => {
                let normalised = normalise_phone(raw);
                if normalised.is_none() {
                    problems.push(MSG_PHONE_INVALID.to_string());
                }
                normalised
            }
        };
        let owner = match &patch.user_email {
            None => None,
            Some(email) => {
                let found = self.user_by_email(email).cloned();
                if found.is_none() {
                    problems.push(MSG_UNKNOWN_USER.to_string());
                }
                found
            }
        };
        if problems.is_empty() {
            Ok(Checked { phone, owner })
        } else {
            Err(Refusal::Invalid(problems))
        }
    }

    /// One page of the list, ordered by id. Out-of-range pages are empty rather than an
    /// error, as with the usual Rails paginators.
    pub(crate) fn page(&self, page: u32, per_page: u32) -> ContactPage {
        let page = page.max(1);
        let per_page = per_page.clamp(1, MAX_PER_PAGE);
        let total = self.contacts.len() as u64;
        let skip = usize::try_from(u64::from(page - 1) * u64::from(per_page)).unwrap_or(usize::MAX);
        ContactPage {
            contacts: self
                .contacts
                .values()
                .skip(skip)
                .take(per_page as usize)
                .cloned()
                .collect(),
            pagination: Pagination {
                current_page: page,
                per_page,
                total_pages: u32::try_from(total.div_ceil(u64::from(per_page))).unwrap_or(u32::MAX),
                total_count: total,
            },
        }
    }

    /// The lowest-id contact matching either criterion (the API ORs them). Both
    /// arguments must already be normalised: a lower-case e-mail and an E.164 phone.
    pub(crate) fn find(&self, email: Option<&str>, phone: Option<&str>) -> Option<&Contact> {
        self.contacts.values().find(|c| {
            let email_hit =
                email.is_some_and(|e| !c.email.is_empty() && c.email.to_lowercase() == e);
            let phone_hit = phone.is_some_and(|p| {
                !c.phone_number.is_empty()
                    && normalise_phone(&c.phone_number)
                        .as_deref()
                        .unwrap_or(&c.phone_number)
                        == p
            });
            email_hit || phone_hit
        })
    }

    fn user_by_email(&self, email: &str) -> Option<&ContactOwner> {
        let wanted = email.trim().to_lowercase();
        self.users
            .iter()
            .find(|u| !u.email.is_empty() && u.email.to_lowercase() == wanted)
    }

    /// "Now" in the API's timestamp format, strictly later than any stamp given before.
    fn stamp(&mut self) -> String {
        let mut now = Utc::now().trunc_subsecs(3);
        if let Some(last) = self.last_stamp
            && now <= last
        {
            now = last + TimeDelta::milliseconds(1);
        }
        self.last_stamp = Some(now);
        format_timestamp(now)
    }
}

/// What the server derives from a valid patch: the normalised phone and the new owner.
struct Checked {
    phone: Option<String>,
    owner: Option<ContactOwner>,
}

/// Whether `name` is a field an update body may hold.
pub(crate) fn is_patch_field(name: &str) -> bool {
    Field::ALL.iter().any(|f| f.api_name() == name)
}

/// The names of the fields an update body may hold, in wire order, for messages.
pub(crate) fn patch_field_names() -> String {
    crate::form::api_names(", ")
}

/// Writes the fields a patch names; `full_name` follows the names, as the server
/// computes it.
fn write_fields(contact: &mut Contact, patch: &ContactPatch, checked: Checked) {
    // The phone and the owner are written as checked (normalised, a known user).
    for f in Field::ALL
        .into_iter()
        .filter(|f| !matches!(f, Field::Phone | Field::Owner))
    {
        if let (Some(value), Some(field)) = (f.in_patch(patch), (f.spec().text)(contact)) {
            *field = value.to_string();
        }
    }
    if let Some(phone) = checked.phone {
        contact.phone_number = phone;
    }
    if checked.owner.is_some() {
        contact.contact_owner = checked.owner;
    }
    contact.full_name = full_name(&contact.first_name, &contact.last_name);
}

/// The documented shape, e.g. `2025-07-30T10:00:00.000+00:00`: milliseconds and an
/// explicit offset, never `Z`.
pub(crate) fn format_timestamp(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.3f%:z").to_string()
}

pub(crate) fn full_name(first: &str, last: &str) -> String {
    format!("{first} {last}").trim().to_string()
}

/// Deliberately loose, like most server-side checks: one `@`, something on both sides,
/// no white space. Stricter rules would reject addresses real users have.
pub(crate) fn is_valid_email(email: &str) -> bool {
    let mut parts = email.split('@');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(local), Some(domain), None) => {
            !local.is_empty() && !domain.is_empty() && !email.chars().any(char::is_whitespace)
        }
        _ => false,
    }
}

/// Normalises a phone number to E.164 the way v2 does elsewhere: punctuation is
/// dropped and a number without a country code is taken to be North American.
/// Returns `None` when the result could not be a phone number, so garbage is refused
/// instead of being stored.
pub(crate) fn normalise_phone(raw: &str) -> Option<String> {
    let stripped: String = raw
        .chars()
        .filter(|c| !(c.is_whitespace() || matches!(c, '-' | '(' | ')' | '.')))
        .collect();
    let (international, digits) = match stripped.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, stripped.as_str()),
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    if international {
        return (8..=15)
            .contains(&digits.len())
            .then(|| format!("+{digits}"));
    }
    match digits.len() {
        10 => Some(format!("+1{digits}")),
        11 if digits.starts_with('1') => Some(format!("+{digits}")),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owner(id: u64, email: &str) -> ContactOwner {
        ContactOwner {
            id: Some(id),
            email: email.into(),
            first_name: "Pat".into(),
            last_name: "Owner".into(),
            name: "Pat Owner".into(),
        }
    }

    fn store() -> Store {
        let contact = Contact {
            id: 7,
            first_name: "Ada".into(),
            last_name: "Lovelace".into(),
            full_name: "Ada Lovelace".into(),
            email: "ada@example.com".into(),
            phone_number: "+15550100007".into(),
            ..Default::default()
        };
        Store::new(vec![owner(1, "Owner@Example.com")], vec![contact])
    }

    #[test]
    fn phones_normalise_to_e164() {
        assert_eq!(
            normalise_phone("(555) 010-2000").as_deref(),
            Some("+15550102000")
        );
        assert_eq!(
            normalise_phone("1.555.010.2000").as_deref(),
            Some("+15550102000")
        );
        assert_eq!(
            normalise_phone("+44 20 7946 0958").as_deref(),
            Some("+442079460958")
        );
        assert_eq!(normalise_phone("555-0100"), None);
        assert_eq!(normalise_phone("call me"), None);
        assert_eq!(normalise_phone("+"), None);
    }

    #[test]
    fn emails_need_one_at_with_text_on_both_sides() {
        assert!(is_valid_email("a@b"));
        assert!(!is_valid_email("a@"));
        assert!(!is_valid_email("@b"));
        assert!(!is_valid_email("a@b@c"));
        assert!(!is_valid_email("a b@c"));
        assert!(!is_valid_email("ab"));
    }

    #[test]
    fn stamps_are_strictly_increasing_and_in_the_documented_format() {
        let mut s = store();
        let a = s.stamp();
        let b = s.stamp();
        assert!(b > a, "{b} should follow {a}");
        assert_eq!(a.len(), "2025-07-30T10:00:00.000+00:00".len());
        assert!(a.ends_with("+00:00"));
        assert_eq!(&a[19..20], ".");
    }

    #[test]
    fn invalid_patch_writes_nothing_and_lists_every_problem() {
        for (patch, problems) in [
            (
                ContactPatch {
                    email: Some("nope".into()),
                    user_email: Some("stranger@example.com".into()),
                    ..Default::default()
                },
                vec![MSG_EMAIL_INVALID, MSG_UNKNOWN_USER],
            ),
            // Blank identity fields do not count.
            (
                ContactPatch {
                    first_name: Some(String::new()),
                    last_name: Some("  ".into()),
                    email: Some(String::new()),
                    phone_number: Some(String::new()),
                    title: Some("CTO".into()),
                    ..Default::default()
                },
                vec![MSG_IDENTITY_REQUIRED],
            ),
        ] {
            let mut s = store();
            let before = s.get(7).cloned();
            let problems = problems.into_iter().map(String::from).collect();
            assert_eq!(s.update(7, &patch), Err(Refusal::Invalid(problems)));
            assert_eq!(s.get(7).cloned(), before);
        }
    }

    #[test]
    fn owner_matches_case_insensitively_and_empty_fields_clear() {
        let mut s = store();
        let patch = ContactPatch {
            first_name: Some("Ada".into()),
            last_name: Some(String::new()),
            phone_number: Some(String::new()),
            user_email: Some("owner@example.com".into()),
            ..Default::default()
        };
        let c = s.update(7, &patch).unwrap();
        assert_eq!(c.full_name, "Ada");
        assert_eq!(c.phone_number, "");
        assert_eq!(c.owner_email(), "Owner@Example.com");
        assert_eq!(s.update(8, &patch), Err(Refusal::NotFound));
    }

    #[test]
    fn an_external_edit_needs_no_identity_field_but_is_still_validated() {
        let mut s = store();
        let title_only = ContactPatch {
            title: Some("CTO".into()),
            ..Default::default()
        };
        assert!(matches!(s.update(7, &title_only), Err(Refusal::Invalid(_))));
        let c = s.edit_externally(7, &title_only).unwrap();
        assert_eq!(c.title, "CTO");
        let bad_phone = ContactPatch {
            phone_number: Some("call me".into()),
            ..Default::default()
        };
        assert_eq!(
            s.edit_externally(7, &bad_phone),
            Err(Refusal::Invalid(vec![MSG_PHONE_INVALID.into()]))
        );
        assert_eq!(s.get(7), Some(&c));
    }

    #[test]
    fn a_write_that_changes_nothing_keeps_updated_at() {
        let mut s = store();
        let same = ContactPatch {
            first_name: Some("Ada".into()),
            phone_number: Some("(555) 010-0007".into()),
            ..Default::default()
        };
        let before = s.get(7).cloned().unwrap();
        assert_eq!(s.update(7, &same), Ok(before.clone()));
        assert_eq!(s.get(7), Some(&before));
        let changed = s
            .update(
                7,
                &ContactPatch {
                    title: Some("CTO".into()),
                    ..same
                },
            )
            .unwrap();
        assert_ne!(changed.updated_at, before.updated_at);
    }

    #[test]
    fn a_dropped_field_is_validated_but_not_stored() {
        let mut s = store();
        let patch = ContactPatch {
            first_name: Some("Augusta".into()),
            phone_number: Some("555 010 9999".into()),
            user_email: Some("owner@example.com".into()),
            ..Default::default()
        };
        for field in [Field::FirstName, Field::Phone, Field::Owner] {
            let mut s = store();
            let before = s.get(7).cloned().unwrap();
            let after = s.update_dropping(7, &patch, field.api_name()).unwrap();
            assert_eq!(field.of(&after), field.of(&before), "{field:?}");
            assert_eq!(s.get(7), Some(&after), "{field:?}");
        }
        let after = s.update_dropping(7, &patch, "first_name").unwrap();
        assert_eq!(after.full_name, "Ada Lovelace");
        assert_eq!(after.phone_number, "+15550109999");
        let bad = ContactPatch {
            email: Some("nope".into()),
            ..patch
        };
        assert!(s.update_dropping(7, &bad, "email").is_err());
    }

    #[test]
    fn a_deleted_contact_is_gone_and_its_id_never_comes_back() {
        let mut s = store();
        let gone = s.delete(7).unwrap();
        assert_eq!(gone.id, 7);
        assert_eq!(s.get(7), None);
        assert_eq!(s.delete(7), Err(Refusal::NotFound));
        let patch = ContactPatch {
            first_name: Some("New".into()),
            ..Default::default()
        };
        assert_eq!(s.create(&patch).unwrap().id, 8);
    }

    #[test]
    fn paging_clamps_and_reports_totals() {
        let s = store();
        let p = s.page(0, 1000);
        assert_eq!(p.pagination.current_page, 1);
        assert_eq!(p.pagination.per_page, MAX_PER_PAGE);
        assert_eq!(p.pagination.total_pages, 1);
        assert_eq!(p.contacts.len(), 1);
        assert!(s.page(2, 25).contacts.is_empty());
    }
}
