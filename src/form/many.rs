//! A change typed once for several contacts, worked out for each of them as the form
//! works out one save: what would be sent, what the contact already holds, and what a
//! colleague changed since the contacts were read (a conflict: not sent).

use super::{Field, Form, Plan, PlanError};
use crate::api::Contact;
use phonenumber::country::Id as Region;

/// One contact of several, before sending.
#[derive(Debug, Clone)]
pub struct OneOfMany {
    /// The contact as it is now (read again before the review).
    pub now: Contact,
    /// What will be sent to it; `None` when nothing is (all already so, or conflicts).
    pub plan: Option<Plan>,
    /// Typed fields it already holds: nothing is sent for them.
    pub already: Vec<Field>,
    /// Typed fields a colleague changed since the contacts were read: (field, the value
    /// read then, the value now). Not sent.
    pub conflicts: Vec<(Field, String, String)>,
    /// Why no body can be built for it (a value the form refuses), if so.
    pub refused: Option<PlanError>,
}

/// The typed `values` for the contact read as `then` and read again as `now`.
pub fn plan_one(
    values: &[(Field, String)],
    then: &Contact,
    now: &Contact,
    region: Region,
) -> OneOfMany {
    let mut form = Form::new(now, region);
    let mut already = Vec::new();
    let mut conflicts = Vec::new();
    for (f, value) in values {
        form.set_value(*f, value.clone());
        if !form.is_dirty(*f) {
            already.push(*f);
        } else if f.of(then) != f.of(now) {
            conflicts.push((*f, f.of(then).to_string(), f.of(now).to_string()));
            form.revert(*f);
        }
    }
    let (plan, refused) = match form.plan() {
        Ok(plan) => (Some(plan), None),
        Err(PlanError::NothingChanged) => (None, None),
        Err(e) => (None, Some(e)),
    };
    OneOfMany {
        now: now.clone(),
        plan,
        already,
        conflicts,
        refused,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contact(id: u64, title: &str, location: &str) -> Contact {
        Contact {
            id,
            first_name: "Ann".into(),
            email: format!("ann{id}@example.com"),
            title: title.into(),
            location: location.into(),
            ..Default::default()
        }
    }

    fn typed() -> Vec<(Field, String)> {
        vec![
            (Field::Title, "Engineer".into()),
            (Field::Location, "Berlin".into()),
        ]
    }

    #[test]
    fn only_what_differs_is_sent_and_what_is_already_so_is_said() {
        let c = contact(1, "Engineer", "Paris");
        let one = plan_one(&typed(), &c, &c, Region::US);
        let plan = one.plan.unwrap();
        assert_eq!(plan.patch.location.as_deref(), Some("Berlin"));
        assert_eq!(plan.patch.title, None);
        assert_eq!(one.already, vec![Field::Title]);
        assert!(one.conflicts.is_empty());
    }

    #[test]
    fn a_field_a_colleague_changed_since_the_read_is_a_conflict_and_not_sent() {
        let then = contact(1, "Clerk", "Paris");
        let now = contact(1, "Manager", "Paris");
        let one = plan_one(&typed(), &then, &now, Region::US);
        let plan = one.plan.unwrap();
        assert_eq!(plan.patch.title, None);
        assert_eq!(plan.patch.location.as_deref(), Some("Berlin"));
        assert_eq!(
            one.conflicts,
            vec![(Field::Title, "Clerk".into(), "Manager".into())]
        );
        // Changed by a colleague to the very value typed: already so, no conflict.
        let now = contact(1, "Engineer", "Berlin");
        let one = plan_one(&typed(), &then, &now, Region::US);
        assert!(one.plan.is_none() && one.conflicts.is_empty());
        assert_eq!(one.already, vec![Field::Title, Field::Location]);
    }
}
