//! Taking journal entries back, for every front end, with the editor's rules (F3, `u`):
//! a save's fields get back the values they had before it, measured against the record
//! as it is now, and a field a colleague changed since that save is a conflict, never
//! silently undone; a delete is taken back by making the contact again from the record
//! the journal kept (the API gives it a new id). A create cannot be taken back this way.
//! Pure: entries and records in, plans out.

use crate::api::Contact;
use crate::form::{Conflict, Field, Form, Plan, PlanError, clean_record};
use crate::journal::Entry;
use phonenumber::country::Id as Region;

/// A save taken back against the record as it is now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TakeBack {
    /// The record now, cleaned: what the plan is measured against.
    pub now: Contact,
    /// The save that puts back what can be put back; `NothingChanged` when every field
    /// holds its old value already (or is in conflict).
    pub plan: Result<Plan, PlanError>,
    /// Fields changed by someone else since the save: left as they are now, not sent.
    pub conflicts: Vec<Conflict>,
}

/// The save `entry` recorded, taken back from `now` (the contact as read now). Fields
/// the save sent unchanged (the identity rule's echo) are nothing to take back, and
/// neither is an owner given to a contact that had none.
pub fn take_back(entry: &Entry, now: &Contact, region: Region) -> TakeBack {
    let (now, cleaned) = clean_record(now);
    let mut form = Form::new(&now, region);
    for change in entry.fields.iter().filter(|c| c.before != c.after) {
        // A contact without an owner cannot be given none again: the API has no way to
        // clear one, so an owner the save gave stays.
        match Entry::field_of(change) {
            Some(Field::Owner) if change.before.trim().is_empty() => {}
            Some(field) => form.put_back(field, &change.before, &change.after),
            None => {}
        }
    }
    let conflicts = form.conflicts();
    // Theirs stands: the editor's "take theirs", which keeps the other edits.
    for c in &conflicts {
        form.revert(c.field);
    }
    TakeBack {
        plan: form.plan_avoiding(&cleaned),
        now,
        conflicts,
    }
}

/// The create that makes a deleted contact again from the record the journal kept:
/// each field that had a value, as a new contact (the owner only when it had one).
/// `None` when the entry kept no record.
pub fn recreate(entry: &Entry, region: Region) -> Option<Result<Plan, PlanError>> {
    let record = entry.record.as_ref()?.clone().sanitized();
    let mut form = Form::blank(region);
    for field in Field::ALL {
        form.set_value(field, field.of(&record).to_string());
    }
    Some(form.create_plan())
}

/// The order a batch is taken back in: saves first, newest first (a merge's survivor
/// gives back the values it took before the contacts they came from exist again), then
/// the deletes. `entries` newest first, as the journal reads them.
pub fn order(entries: &[Entry]) -> Vec<&Entry> {
    let (deletes, rest): (Vec<&Entry>, Vec<&Entry>) = entries.iter().partition(|e| e.is_delete());
    rest.into_iter().chain(deletes).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::FieldChange;

    fn saved(changes: &[(&str, &str, &str)]) -> Entry {
        Entry {
            contact_id: 7,
            kind: "save".into(),
            fields: changes
                .iter()
                .map(|(field, before, after)| FieldChange {
                    field: (*field).into(),
                    before: (*before).into(),
                    after: (*after).into(),
                })
                .collect(),
            ..Entry::default()
        }
    }

    #[test]
    fn a_colleagues_later_change_is_a_conflict_and_the_rest_goes_back() {
        let entry = saved(&[
            ("first_name", "Ana", "Ana"),
            ("title", "Clerk", "CEO"),
            ("company", "Old", "New"),
        ]);
        let back = take_back(
            &entry,
            &super::super::save::tests::contact("CEO", "Theirs"),
            Region::US,
        );
        let plan = back.plan.unwrap();
        assert_eq!(plan.patch.title.as_deref(), Some("Clerk"));
        assert_eq!(plan.patch.company, None, "theirs stands");
        assert_eq!(back.conflicts.len(), 1);
        assert_eq!(back.conflicts[0].field, Field::Company);
        assert_eq!(back.conflicts[0].theirs, "Theirs");
        let already = take_back(
            &entry,
            &super::super::save::tests::contact("Clerk", "Old"),
            Region::US,
        );
        assert_eq!(already.plan, Err(PlanError::NothingChanged));
        assert!(already.conflicts.is_empty());
    }

    #[test]
    fn a_deleted_contact_is_made_again_from_its_record_and_deletes_go_last() {
        let record = Contact {
            id: 9,
            first_name: "Ana".into(),
            email: "ana@example.com".into(),
            ..Contact::default()
        };
        let deleted = Entry::of_delete(&record, Some(7));
        let plan = recreate(&deleted, Region::US).unwrap().unwrap();
        assert_eq!(plan.patch.first_name.as_deref(), Some("Ana"));
        assert_eq!(plan.patch.email.as_deref(), Some("ana@example.com"));
        assert_eq!(plan.patch.title, None);
        assert!(recreate(&saved(&[]), Region::US).is_none());
        let save = saved(&[("title", "A", "B")]);
        let entries = [deleted.clone(), save.clone()];
        let ordered: Vec<&str> = order(&entries).iter().map(|e| e.kind.as_str()).collect();
        assert_eq!(ordered, ["save", "delete"]);
    }
}
