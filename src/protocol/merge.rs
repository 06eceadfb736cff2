//! The plan of a merge, for every front end: which contact stays, the value each of its
//! fields ends with and where it comes from, the survivor's save (built by the form, as
//! every body is) and the deletes that follow it, and what the journal keeps of them.
//!
//! By default the survivor keeps its non-empty values and each empty one is filled from
//! the other contacts, in the order they were named; a field may be taken from a chosen
//! contact instead (an empty value taken clears the field). Pure: records in, a plan out.

use crate::api::Contact;
use crate::form::{Field, Form, Plan, PlanError, clean_record};
use crate::journal::Entry;
use phonenumber::country::Id as Region;

/// Said in every review of a merge, in every front end, since no one can take it back.
pub const CANNOT_UNDO: &str = "The API cannot undo a delete: a deleted contact's id and its \
linked user contacts cannot be restored. The journal keeps each deleted contact's full \
record; `linq-contact revert --batch` makes it again, under a new id.";

/// A field whose value the survivor takes from another contact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Taken {
    pub field: Field,
    pub value: String,
    pub from: u64,
    /// Chosen (`--take`, or in a merge view), rather than filling an empty field.
    pub chosen: bool,
}

/// Everything a merge will send, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergePlan {
    /// The survivor as read (cleaned of control characters).
    pub keep: Contact,
    /// The values it takes from the others, in field order.
    pub taken: Vec<Taken>,
    /// Its PUT; `None` when it already holds every value it ends with.
    pub save: Option<Plan>,
    /// The contacts deleted after the save, in the order named, as read (cleaned): the
    /// records the journal keeps.
    pub deletes: Vec<Contact>,
}

/// Why a merge cannot be planned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MergeError {
    /// Fewer than two different contacts.
    TooFew,
    /// An id named twice.
    Twice(u64),
    /// The survivor is not among the contacts.
    KeepNotAmong(u64),
    /// A field is to be taken from a contact not among them.
    TakeNotAmong(Field, u64),
    /// A field is to be taken twice.
    TakenTwice(Field),
    /// The values chosen do not make a valid save (the form's reasons).
    Invalid(PlanError),
}

impl MergeError {
    pub fn describe(&self) -> String {
        match self {
            MergeError::TooFew => "a merge needs two or more different contacts".into(),
            MergeError::Twice(id) => format!("contact {id} is named twice"),
            MergeError::KeepNotAmong(id) => {
                format!("the contact to keep ({id}) must be one of those merged")
            }
            MergeError::TakeNotAmong(f, id) => format!(
                "{} is to be taken from contact {id}, which is not one of those merged",
                f.api_name()
            ),
            MergeError::TakenTwice(f) => format!("{} is taken twice", f.api_name()),
            MergeError::Invalid(e) => format!("the merged values cannot be saved: {}", e.summary()),
        }
    }
}

/// Plans the merge of `contacts` (as read, in the order named) into the one with id
/// `keep`, with `takes` (a field, the id to take it from) over the default rule.
pub fn plan(
    contacts: &[Contact],
    keep: u64,
    takes: &[(Field, u64)],
    region: Region,
) -> Result<MergePlan, MergeError> {
    let ids: Vec<u64> = contacts.iter().map(|c| c.id).collect();
    for (i, id) in ids.iter().enumerate() {
        if ids[..i].contains(id) {
            return Err(MergeError::Twice(*id));
        }
    }
    if ids.len() < 2 {
        return Err(MergeError::TooFew);
    }
    let Some(raw_keep) = contacts.iter().find(|c| c.id == keep) else {
        return Err(MergeError::KeepNotAmong(keep));
    };
    for (i, (field, from)) in takes.iter().enumerate() {
        if !ids.contains(from) {
            return Err(MergeError::TakeNotAmong(*field, *from));
        }
        if takes[..i].iter().any(|(f, _)| f == field) {
            return Err(MergeError::TakenTwice(*field));
        }
    }
    let (survivor, cleaned) = clean_record(raw_keep);
    let others: Vec<Contact> = contacts
        .iter()
        .filter(|c| c.id != keep)
        .map(|c| c.clone().sanitized())
        .collect();
    let taken = choose(&survivor, &others, takes);
    let mut form = Form::new(&survivor, region);
    for t in &taken {
        form.set_value(t.field, t.value.clone());
    }
    let save = match form.plan_avoiding(&cleaned) {
        Ok(plan) => Some(plan),
        Err(PlanError::NothingChanged) => None,
        Err(e) => return Err(MergeError::Invalid(e)),
    };
    Ok(MergePlan {
        keep: survivor,
        taken,
        save,
        deletes: others,
    })
}

/// The value each field of `survivor` ends with, where it differs from its own: a field
/// taken as chosen, else an empty one filled from the first other contact that has it.
fn choose(survivor: &Contact, others: &[Contact], takes: &[(Field, u64)]) -> Vec<Taken> {
    Field::ALL
        .into_iter()
        .filter_map(|field| {
            if let Some((_, from)) = takes.iter().find(|(f, _)| *f == field) {
                if *from == survivor.id {
                    return None;
                }
                let source = others.iter().find(|c| c.id == *from)?;
                return Some(Taken {
                    field,
                    value: field.of(source).to_string(),
                    from: *from,
                    chosen: true,
                });
            }
            if !field.of(survivor).trim().is_empty() {
                return None;
            }
            others
                .iter()
                .find(|c| !field.of(c).trim().is_empty())
                .map(|c| Taken {
                    field,
                    value: field.of(c).to_string(),
                    from: c.id,
                    chosen: false,
                })
        })
        .collect()
}

impl MergePlan {
    /// What the journal keeps of a contact this merge deleted: its whole record, and
    /// the contact it was merged into, in the merge's batch.
    pub fn deleted_entry(&self, deleted: &Contact, batch: &str) -> Entry {
        Entry::of_delete(deleted, Some(self.keep.id)).in_batch(Some(batch))
    }

    /// Where the value of `field` comes from, when not from the survivor.
    pub fn source(&self, field: Field) -> Option<&Taken> {
        self.taken.iter().find(|t| t.field == field)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contact(id: u64, first: &str, email: &str, phone: &str, title: &str) -> Contact {
        Contact {
            id,
            first_name: first.into(),
            email: email.into(),
            phone_number: phone.into(),
            title: title.into(),
            ..Contact::default()
        }
    }

    #[test]
    fn the_survivor_keeps_its_values_and_fills_empty_ones_in_order() {
        let a = contact(1, "Ana", "", "", "CEO");
        let b = contact(2, "Ann", "", "+14155550100", "");
        let c = contact(3, "", "ana@example.com", "+14155550199", "CTO");
        let plan = plan(&[a, b, c], 1, &[], Region::US).unwrap();
        let taken: Vec<(Field, &str, u64)> = plan
            .taken
            .iter()
            .map(|t| (t.field, t.value.as_str(), t.from))
            .collect();
        assert_eq!(
            taken,
            [
                (Field::Email, "ana@example.com", 3),
                (Field::Phone, "+14155550100", 2)
            ]
        );
        let body = plan.save.unwrap().patch;
        assert_eq!(body.email.as_deref(), Some("ana@example.com"));
        assert_eq!(body.phone_number.as_deref(), Some("+14155550100"));
        assert_eq!(body.title, None);
        let deleted: Vec<u64> = plan.deletes.iter().map(|c| c.id).collect();
        assert_eq!(deleted, [2, 3]);
    }

    #[test]
    fn a_chosen_field_wins_and_a_survivor_holding_everything_needs_no_save() {
        let a = contact(1, "Ana", "ana@example.com", "", "CEO");
        let b = contact(2, "Ann", "", "", "");
        let chosen = plan(&[a.clone(), b.clone()], 1, &[(Field::Title, 2)], Region::US).unwrap();
        assert_eq!(chosen.save.unwrap().patch.title.as_deref(), Some(""));
        let none = plan(&[a.clone(), b.clone()], 1, &[], Region::US).unwrap();
        assert_eq!(none.save, None);
        assert_eq!(
            plan(&[a.clone(), b.clone()], 3, &[], Region::US),
            Err(MergeError::KeepNotAmong(3))
        );
        assert_eq!(
            plan(&[a.clone(), a.clone()], 1, &[], Region::US),
            Err(MergeError::Twice(1))
        );
        assert_eq!(
            plan(&[a, b], 1, &[(Field::Title, 9)], Region::US),
            Err(MergeError::TakeNotAmong(Field::Title, 9))
        );
    }
}
