//! The form's rules: dirty detection, validation, and the minimal request body.

mod common;
use common::ada;

use linq_contact::api::{Contact, ContactPatch};
use linq_contact::form::{Field, Form, PlanError};
use phonenumber::country::Id as Region;
use serde_json::{Value, json};

fn body(patch: &ContactPatch) -> Value {
    serde_json::to_value(patch).unwrap()
}

/// Ada's record in the form, with `edits` typed in.
fn ada_with(edits: &[(Field, &str)]) -> Form {
    let mut form = Form::new(&ada(), Region::US);
    for (field, text) in edits {
        form.set_value(*field, *text);
    }
    form
}

/// The body the form's plan would send.
fn sent(form: &Form) -> Value {
    body(&form.plan().unwrap().patch)
}

#[test]
fn untouched_form_has_nothing_to_send() {
    let form = Form::new(&ada(), Region::US);
    assert!(!form.is_any_dirty());
    assert_eq!(form.plan(), Err(PlanError::NothingChanged));
}

#[test]
fn only_dirty_fields_are_sent_trimmed() {
    let form = ada_with(&[(Field::Email, "  ada@new.example  ")]);
    let plan = form.plan().unwrap();
    assert_eq!(body(&plan.patch), json!({"email": "ada@new.example"}));
    assert_eq!(plan.changes.len(), 1);
    assert_eq!(plan.changes[0].old, "ada@example.com");
    assert_eq!(plan.required_unchanged, None);
}

#[test]
fn surrounding_space_alone_is_not_a_change() {
    let form = ada_with(&[(Field::Company, " Analytical Engines ")]);
    assert!(!form.is_dirty(Field::Company));
    assert_eq!(form.plan(), Err(PlanError::NothingChanged));
}

#[test]
fn identity_field_is_added_when_only_optional_fields_change() {
    let form = ada_with(&[(Field::Title, "Countess")]);
    let plan = form.plan().unwrap();
    assert_eq!(
        body(&plan.patch),
        json!({"first_name": "Ada", "title": "Countess"})
    );
    assert_eq!(
        plan.required_unchanged,
        Some((Field::FirstName, "Ada".into()))
    );
}

#[test]
fn identity_rule_skips_empty_loaded_values_in_order() {
    let mut c = ada();
    c.first_name.clear();
    c.last_name.clear();
    let mut form = Form::new(&c, Region::US);
    form.set_value(Field::Location, "Paris");
    let plan = form.plan().unwrap();
    assert_eq!(
        body(&plan.patch),
        json!({"email": "ada@example.com", "location": "Paris"})
    );
}

#[test]
fn a_contact_without_identity_cannot_be_updated() {
    let c = Contact {
        id: 5,
        company: "Nameless Ltd".into(),
        ..Default::default()
    };
    let mut form = Form::new(&c, Region::US);
    form.set_value(Field::Company, "Nameless plc");
    let Err(PlanError::Invalid(problems)) = form.plan() else {
        panic!("expected a validation error");
    };
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].field, None);
    assert!(problems[0].message.contains("fill one in"));
}

#[test]
fn clearing_all_identity_fields_is_refused() {
    let mut form = Form::new(&ada(), Region::US);
    for f in [
        Field::FirstName,
        Field::LastName,
        Field::Email,
        Field::Phone,
    ] {
        form.set_value(f, "");
    }
    let Err(PlanError::Invalid(problems)) = form.plan() else {
        panic!("expected a validation error");
    };
    assert!(problems[0].message.contains("cannot all be empty"));
}

#[test]
fn clearing_one_field_sends_an_empty_string() {
    let form = ada_with(&[(Field::Title, "   ")]);
    assert_eq!(sent(&form), json!({"first_name": "Ada", "title": ""}));
}

#[test]
fn phone_is_normalised_to_e164() {
    let form = ada_with(&[(Field::Phone, "(212) 555-0199")]);
    let plan = form.plan().unwrap();
    assert_eq!(body(&plan.patch), json!({"phone_number": "+12125550199"}));
    assert_eq!(plan.changes[0].typed.as_deref(), Some("(212) 555-0199"));
}

#[test]
fn phone_region_is_configurable() {
    let mut form = Form::new(&ada(), Region::GB);
    form.set_value(Field::Phone, "020 7946 0958");
    let plan = form.plan().unwrap();
    assert_eq!(body(&plan.patch), json!({"phone_number": "+442079460958"}));
}

#[test]
fn the_same_number_in_another_format_is_not_a_change() {
    let c = Contact {
        phone_number: "+12125550100".into(),
        ..ada()
    };
    let mut form = Form::new(&c, Region::US);
    form.set_value(Field::Phone, "(212) 555-0100");
    assert!(!form.is_dirty(Field::Phone));
}

#[test]
fn bad_email_phone_and_owner_are_caught_before_sending() {
    let form = ada_with(&[
        (Field::Email, "not an email"),
        (Field::Phone, "call me maybe"),
        (Field::Owner, ""),
    ]);
    let Err(PlanError::Invalid(problems)) = form.plan() else {
        panic!("expected validation errors");
    };
    let fields: Vec<_> = problems.iter().map(|p| p.field).collect();
    assert_eq!(
        fields,
        vec![Some(Field::Email), Some(Field::Phone), Some(Field::Owner)]
    );
}

#[test]
fn owner_change_is_sent_as_user_email() {
    let form = ada_with(&[(Field::Owner, "alan@example.com")]);
    let plan = form.plan().unwrap();
    assert_eq!(
        serde_json::to_value(linq_contact::api::UpdateRequest {
            contact: plan.patch
        })
        .unwrap(),
        json!({"contact": {"first_name": "Ada", "user_email": "alan@example.com"}})
    );
}

#[test]
fn revert_restores_the_loaded_value() {
    let mut form = ada_with(&[(Field::Email, "x@y.z")]);
    form.revert(Field::Email);
    assert_eq!(form.value(Field::Email), "ada@example.com");
    assert!(!form.is_any_dirty());
}

#[test]
fn rebase_takes_server_values_but_keeps_text_typed_during_the_save() {
    let mut form = ada_with(&[
        (Field::Email, "ADA@new.example"),
        (Field::Company, "Reviewed Co"),
    ]);
    let plan = form.plan().unwrap();
    form.set_value(Field::Title, "typed while saving");
    form.set_value(Field::Company, "Typed after the review");
    let mut server = ada();
    server.email = "ada@new.example".into();
    server.company = "Reviewed Co".into();
    form.rebase_after_save(&server, &plan, &[]);
    assert_eq!(form.value(Field::Email), "ada@new.example");
    assert!(!form.is_dirty(Field::Email));
    // Not sent, typed during the save: still an edit.
    assert!(form.is_dirty(Field::Title));
    // Sent, then typed into again: the newer text stays, dirty against what was stored.
    assert_eq!(form.loaded(Field::Company), "Reviewed Co");
    assert_eq!(form.value(Field::Company), "Typed after the review");
    assert!(form.is_dirty(Field::Company));
}

#[test]
fn merge_takes_untouched_server_changes_and_flags_real_conflicts() {
    let mut form = ada_with(&[
        (Field::Email, "mine@example.com"),
        (Field::Title, "Countess"),
        (Field::Company, "Same Co"),
    ]);
    let mut theirs = ada();
    theirs.location = "Paris".into(); // untouched here: taken
    theirs.email = "theirs@example.com".into(); // edited on both sides: conflict
    theirs.company = "Same Co".into(); // both made the same change: no conflict
    let merge = form.merge_remote(&theirs);
    assert_eq!(merge.taken, vec![Field::Location]);
    assert_eq!(
        merge.conflicts,
        vec![linq_contact::form::Conflict {
            field: Field::Email,
            loaded: "ada@example.com".into(),
            theirs: "theirs@example.com".into(),
            yours: "mine@example.com".into(),
        }]
    );
    assert_eq!(form.value(Field::Location), "Paris");
    assert!(!form.is_dirty(Field::Company));
    assert_eq!(
        sent(&form),
        json!({"email": "mine@example.com", "title": "Countess"})
    );
}

#[test]
fn impossible_phone_numbers_are_refused() {
    for bad in [
        "555 12",
        "020 7946 0958",
        "00442079460958x",
        "+14155550142y",
        "(212) 555-0199 ext 12",
    ] {
        let form = ada_with(&[(Field::Phone, bad)]);
        let plan = form.plan();
        assert!(
            matches!(plan, Err(PlanError::Invalid(_))),
            "{bad}: {plan:?}"
        );
    }
}

#[test]
fn a_new_contact_sends_only_its_filled_fields() {
    let mut form = Form::blank(Region::US);
    assert_eq!(form.create_plan(), Err(PlanError::NothingChanged));
    form.set_value(Field::Company, "Acme");
    assert!(
        matches!(form.create_plan(), Err(PlanError::Invalid(p)) if p.iter().any(|p| p.field.is_none())),
        "an identity field is required"
    );
    form.set_value(Field::Email, "  new@example.com ");
    form.set_value(Field::Phone, "(212) 555-0100");
    let plan = form.create_plan().unwrap();
    assert_eq!(
        body(&plan.patch),
        json!({"email": "new@example.com", "phone_number": "+12125550100", "company": "Acme"})
    );
    // An empty owner is not sent: the server assigns its default.
    assert!(plan.patch.user_email.is_none());
    form.set_value(Field::Owner, "Bob <bob@x.io>");
    assert!(matches!(form.create_plan(), Err(PlanError::Invalid(_))));
}

#[test]
fn every_extension_spelling_is_refused_as_an_extension() {
    // Each mark that introduces an extension, after a number that is complete without it:
    // sending the number alone would drop the extension silently.
    for (typed, mark) in [
        ("212 555 0100 x5", "x"),
        ("212 555 0100 X5", "X"),
        ("212 555 0100 ext. 5", "ext."),
        ("212 555 0100#5", "#"),
        ("212 555 0100,5", ","),
        ("212 555 0100;5", ";"),
        ("212 555 0100~5", "~"),
    ] {
        let form = ada_with(&[(Field::Phone, typed)]);
        match form.plan() {
            Err(PlanError::Invalid(problems)) => assert!(
                problems.iter().any(|p| p.field == Some(Field::Phone)
                    && p.message.contains("the API stores no extension")),
                "{mark}: {typed:?} refused for another reason: {problems:?}"
            ),
            other => panic!("{mark}: {typed:?} was not refused: {other:?}"),
        }
    }
}

fn with_owner(email: &str) -> Contact {
    let mut c = ada();
    c.contact_owner.as_mut().unwrap().email = email.into();
    c
}

#[test]
fn an_owner_changed_by_the_server_is_reported_even_when_none_was_sent() {
    use linq_contact::form::{Unapplied, unapplied};
    let mut stored = with_owner("bob@example.com");
    let title_only = ContactPatch {
        first_name: Some("Ada".into()),
        title: Some("CTO".into()),
        ..Default::default()
    };
    stored.title = "CTO".into();
    assert_eq!(
        unapplied(&title_only, &ada(), &stored),
        vec![Unapplied {
            field: Field::Owner,
            sent: None,
            stored: "bob@example.com".into(),
        }]
    );
    assert_eq!(
        unapplied(&title_only, &ada(), &stored)[0].describe(),
        "Owner (not sent, but now \"bob@example.com\")"
    );

    // The same owner, its domain spelled in capitals: not a change.
    let mut same = with_owner("grace@EXAMPLE.com");
    same.title = "CTO".into();
    assert_eq!(unapplied(&title_only, &ada(), &same), vec![]);

    // Only the owner is watched unasked: another field the server changed is the
    // colleague's business, not this save's.
    let mut moved = ada();
    moved.title = "CTO".into();
    moved.location = "Paris".into();
    assert_eq!(unapplied(&title_only, &ada(), &moved), vec![]);

    // An owner that was sent and stored is not reported; one stored otherwise is, with
    // what was sent.
    let owner_sent = ContactPatch {
        first_name: Some("Ada".into()),
        user_email: Some("bob@example.com".into()),
        ..Default::default()
    };
    assert_eq!(
        unapplied(&owner_sent, &ada(), &with_owner("bob@example.com")),
        vec![]
    );
    assert_eq!(
        unapplied(&owner_sent, &ada(), &ada()),
        vec![Unapplied {
            field: Field::Owner,
            sent: Some("bob@example.com".into()),
            stored: "grace@example.com".into(),
        }]
    );
}
