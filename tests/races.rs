//! What the user does while a request is in flight: each test feeds the unlucky
//! interleaving of keys and results, then checks what is sent and what stays in the form.

mod common;
use common::ada;
use common::app::*;

use crossterm::event::KeyCode;
use linq_contact::api::{ApiError, ErrorBody};
use linq_contact::app::{Activity, App, Effect, Msg, Overlay, Status};
use linq_contact::dialogs::confirm::Confirm;
use linq_contact::form::Field;
use std::time::Duration;

/// The generation of the one read among `effects`.
fn read_of(effects: &[Effect]) -> u64 {
    match effects {
        [.., Effect::Load { generation, .. }] => *generation,
        other => panic!("expected a read, got {other:?}"),
    }
}

fn answer(app: &mut App, generation: u64, contact: linq_contact::api::Contact) -> Vec<Effect> {
    app.update(Msg::Loaded {
        generation,
        result: Ok(contact),
    })
}

/// A loaded app with its title changed and Ctrl-S pressed, and the generation of the
/// check that went out before the review.
fn checking() -> (App, u64) {
    let mut app = loaded();
    replace(&mut app, Field::Title, "Countess");
    let check = read_of(&app.update(ctrl('s')));
    (app, check)
}

fn no_save(effects: &[Effect]) -> bool {
    !effects.iter().any(|e| matches!(e, Effect::Save { .. }))
}

// 1. A result never replaces an open dialog.

#[test]
fn a_review_that_comes_back_under_the_quit_question_waits_and_y_quits() {
    let (mut app, check) = checking();
    app.update(ctrl('q'));
    assert!(matches!(
        app.overlay(),
        Some(Overlay::Confirm(Confirm::Quit))
    ));
    answer(&mut app, check, ada());
    // The question the user is reading stays; their `y` answers it, not the review.
    assert!(matches!(
        app.overlay(),
        Some(Overlay::Confirm(Confirm::Quit))
    ));
    let effects = app.update(key(KeyCode::Char('y')));
    assert!(no_save(&effects), "{effects:?}");
    assert!(effects.contains(&Effect::Quit), "{effects:?}");
}

#[test]
fn a_review_waits_behind_the_quit_question_and_shows_after_no() {
    let (mut app, check) = checking();
    app.update(ctrl('q'));
    answer(&mut app, check, ada());
    let effects = app.update(key(KeyCode::Char('n')));
    assert!(effects.is_empty(), "{effects:?}");
    assert!(matches!(app.overlay(), Some(Overlay::Review(_))));
    // Only now, with the review on screen, does Enter start sending.
    let effects = app.update(key(KeyCode::Enter));
    assert!(matches!(effects[..], [Effect::Load { .. }]), "{effects:?}");
}

#[test]
fn help_picker_and_prompts_are_not_replaced_by_a_review() {
    for (open, answer_key) in [
        (key(KeyCode::F(1)), KeyCode::Esc),
        (ctrl('o'), KeyCode::Esc),
        (ctrl('p'), KeyCode::Esc),
        (ctrl('r'), KeyCode::Char('n')),
    ] {
        let (mut app, check) = checking();
        app.update(open.clone());
        let before = format!("{:?}", app.overlay().map(std::mem::discriminant));
        answer(&mut app, check, ada());
        assert_eq!(
            before,
            format!("{:?}", app.overlay().map(std::mem::discriminant)),
            "{open:?} was replaced"
        );
        app.update(key(answer_key));
        assert!(
            matches!(app.overlay(), Some(Overlay::Review(_))),
            "after closing {open:?}: {:?}",
            app.overlay()
        );
    }
}

#[test]
fn a_review_for_a_contact_being_left_is_dropped() {
    let (mut app, check) = checking();
    app.update(ctrl('o'));
    answer(&mut app, check, ada());
    type_text(&mut app, "1007");
    app.update(key(KeyCode::Enter));
    // Leaving with unsaved changes asks; the answer is to leave.
    assert!(matches!(
        app.overlay(),
        Some(Overlay::Confirm(Confirm::Leave(_)))
    ));
    let effects = app.update(key(KeyCode::Char('y')));
    assert!(no_save(&effects));
    assert!(app.overlay().is_none(), "{:?}", app.overlay());
}

#[test]
fn a_review_does_not_pop_up_over_typing() {
    let (mut app, check) = checking();
    // Still typing when the check comes back: the next key is meant for the field.
    type_text(&mut app, "y");
    answer(&mut app, check, ada());
    assert!(app.overlay().is_none());
    assert!(matches!(app.status(), Status::TypedDuringCheck));
    let effects = app.update(key(KeyCode::Enter));
    assert!(no_save(&effects) && effects.is_empty(), "{effects:?}");
    assert_eq!(app.form().unwrap().value(Field::Title), "Countessy");
}

// 2. Typing after Enter in the review is kept when the save lands.

#[test]
fn typing_after_enter_in_the_review_survives_the_save() {
    let mut app = loaded();
    replace(&mut app, Field::Email, "ada@new.example");
    let check = read_of(&app.update(ctrl('s')));
    answer(&mut app, check, ada());
    let confirm = read_of(&app.update(key(KeyCode::Enter)));
    // While "Checking for changes…": to another field, and type.
    replace(&mut app, Field::Title, "Typed meanwhile");
    let effects = answer(&mut app, confirm, ada());
    let [
        Effect::Save {
            generation, patch, ..
        },
    ] = &effects[..]
    else {
        panic!("expected the save, got {effects:?}");
    };
    assert_eq!(patch.title, None, "only what was reviewed is sent");
    let mut stored = ada();
    stored.email = "ada@new.example".into();
    app.update(Msg::Saved {
        generation: *generation,
        result: Ok(stored),
    });
    let form = app.form().unwrap();
    assert_eq!(form.value(Field::Title), "Typed meanwhile");
    assert!(form.is_dirty(Field::Title));
    assert!(!form.is_dirty(Field::Email));
}

#[test]
fn a_sent_field_typed_into_during_the_save_keeps_the_newer_text() {
    let mut app = loaded();
    let (generation, _) = saving(&mut app);
    replace(&mut app, Field::Email, "newer@example.com");
    let mut stored = ada();
    stored.email = "ada@new.example".into();
    app.update(Msg::Saved {
        generation,
        result: Ok(stored),
    });
    let form = app.form().unwrap();
    assert_eq!(form.loaded(Field::Email), "ada@new.example");
    assert_eq!(form.value(Field::Email), "newer@example.com");
    assert!(form.is_dirty(Field::Email));
}

// 3. Typing during a reload or its retry countdown is kept.

#[test]
fn typing_during_a_reload_is_kept_and_merged() {
    let mut app = loaded();
    let reload = read_of(&app.update(ctrl('r')));
    app.update(Msg::Retrying {
        generation: reload,
        attempt: 2,
        delay: Duration::from_secs(2),
        reason: "server error".into(),
    });
    replace(&mut app, Field::Title, "Typed while reloading");
    app.update(Msg::Paste(" and pasted".into()));
    let mut server = ada();
    server.location = "Paris".into();
    server.title = "Their title".into();
    answer(&mut app, reload, server);
    let form = app.form().unwrap();
    assert_eq!(form.value(Field::Title), "Typed while reloading and pasted");
    assert_eq!(form.value(Field::Location), "Paris");
    assert_eq!(form.loaded(Field::Title), "Their title");
    assert_eq!(
        form.conflicts().len(),
        1,
        "the server changed the same field"
    );
    assert!(matches!(app.status(), Status::Reloaded { .. }));
}

#[test]
fn a_discarding_reload_drops_the_old_edits_but_not_new_typing() {
    let mut app = loaded();
    replace(&mut app, Field::Company, "To be discarded");
    app.update(ctrl('r'));
    let effects = app.update(key(KeyCode::Char('y')));
    let reload = read_of(&effects);
    replace(&mut app, Field::Title, "Typed after");
    answer(&mut app, reload, ada());
    let form = app.form().unwrap();
    assert_eq!(form.value(Field::Company), ada().company);
    assert_eq!(form.value(Field::Title), "Typed after");
}

// 4. A record of another contact is an error and changes nothing.

#[test]
fn a_record_with_another_id_is_refused_and_never_merged() {
    let (mut app, check) = checking();
    let mut other = ada();
    other.id = 1002;
    other.first_name = "Someone else".into();
    let effects = answer(&mut app, check, other);
    assert!(effects.is_empty());
    assert!(app.overlay().is_none());
    assert_eq!(app.form().unwrap().value(Field::FirstName), "Ada");
    assert_eq!(app.record().unwrap().id, 1001);
    assert!(
        matches!(app.status(), Status::CheckFailed(e) if e.headline().contains("contact 1002 for contact 1001"))
    );
    // Saving later sends nothing of the other record.
    let check = read_of(&app.update(ctrl('s')));
    answer(&mut app, check, ada());
    let confirm = read_of(&app.update(key(KeyCode::Enter)));
    let effects = answer(&mut app, confirm, ada());
    let [Effect::Save { patch, .. }] = &effects[..] else {
        panic!("{effects:?}");
    };
    // The identity echo is this contact's own first name, not the other record's.
    assert_eq!(patch.first_name.as_deref(), Some("Ada"));
    assert_eq!(patch.title.as_deref(), Some("Countess"));
}

// 5 and 6. A save the server may have stored is checked, never reported as failed.

#[test]
fn a_5xx_a_proxy_page_or_a_dropped_connection_after_a_put_are_verified() {
    for error in [
        ApiError::Http {
            status: 500,
            body: ErrorBody::Empty,
            retry_after: None,
        },
        ApiError::Http {
            status: 502,
            body: ErrorBody::Html {
                title: Some("502 Bad Gateway".into()),
            },
            retry_after: None,
        },
        ApiError::Other {
            reason: "connection closed before message completed".into(),
        },
    ] {
        let (mut app, effects) = save_answered(Err(error.clone()));
        assert!(
            matches!(effects[..], [Effect::Load { .. }]),
            "{error:?}: {effects:?}"
        );
        assert!(matches!(app.activity(), Some(Activity::Verifying(_))));
        // The re-read finds the change stored: it was a save after all.
        let mut stored = ada();
        stored.email = "ada@new.example".into();
        answer(&mut app, read_of(&effects), stored);
        assert!(
            matches!(app.status(), Status::Verified { landed: true, .. }),
            "{error:?}: {:?}",
            app.status()
        );
        assert!(!app.has_unsaved_changes());
    }
}

#[test]
fn a_refused_put_is_a_failure_not_a_mystery() {
    for status in [400, 403, 409, 422] {
        let (app, effects) = save_answered(Err(ApiError::Http {
            status,
            body: ErrorBody::Empty,
            retry_after: None,
        }));
        assert!(effects.is_empty(), "{status}: {effects:?}");
        assert!(matches!(app.status(), Status::SaveFailed(_)), "{status}");
        assert_eq!(app.form().unwrap().value(Field::Email), "ada@new.example");
    }
}

fn told_to_wait(seconds: u64) -> Result<linq_contact::api::Contact, ApiError> {
    Err(ApiError::Http {
        status: 429,
        body: ErrorBody::Empty,
        retry_after: Some(Duration::from_secs(seconds)),
    })
}

/// The one wait among `effects`: its generation and length.
fn wait_of(effects: &[Effect]) -> (u64, Duration) {
    match effects {
        [Effect::Wait { generation, delay }] => (*generation, *delay),
        other => panic!("expected a wait, got {other:?}"),
    }
}

#[test]
fn a_short_429_on_a_put_is_waited_out_and_sent_once_more() {
    let mut app = loaded();
    let (generation, patch) = saving(&mut app);
    let effects = app.update(Msg::Saved {
        generation,
        result: told_to_wait(2),
    });
    let (wait, delay) = wait_of(&effects);
    assert_eq!(delay, Duration::from_secs(2));
    assert!(matches!(app.activity(), Some(Activity::Pausing)));
    assert_eq!(app.retry().map(|r| r.1), Some(Duration::from_secs(2)));
    app.update(Msg::Counted {
        generation: wait,
        left: Duration::from_secs(1),
    });
    assert_eq!(app.retry().map(|r| r.1), Some(Duration::from_secs(1)));
    let effects = app.update(Msg::Waited { generation: wait });
    let again = match &effects[..] {
        [
            Effect::Save {
                generation,
                id: 1001,
                patch: sent,
            },
        ] if *sent == patch => *generation,
        other => panic!("expected the same PUT once more, got {other:?}"),
    };
    // A second 429 is not waited out again: the edit stays for the user to send.
    let effects = app.update(Msg::Saved {
        generation: again,
        result: told_to_wait(2),
    });
    assert!(effects.is_empty(), "{effects:?}");
    assert!(matches!(app.status(), Status::SaveFailed(_)));
    assert_eq!(app.form().unwrap().value(Field::Email), "ada@new.example");
}

#[test]
fn esc_during_the_pause_sends_nothing_and_keeps_the_edit() {
    let (mut app, effects) = save_answered(told_to_wait(5));
    let (wait, _) = wait_of(&effects);
    let effects = app.update(key(KeyCode::Esc));
    assert_eq!(effects, vec![Effect::Cancel { generation: wait }]);
    assert!(matches!(app.status(), Status::Cancelled(_)));
    // The pause's end, had it been delivered after all, sends nothing.
    assert!(no_save(&app.update(Msg::Waited { generation: wait })));
    assert_eq!(app.form().unwrap().value(Field::Email), "ada@new.example");
    assert!(app.has_unsaved_changes());
}

#[test]
fn a_429_asking_for_more_than_a_minute_is_refused_with_the_time() {
    let (app, effects) = save_answered(told_to_wait(61));
    assert!(effects.is_empty(), "{effects:?}");
    assert!(matches!(app.status(), Status::SaveFailed(_)));
    assert!(app.has_unsaved_changes());
}

#[test]
fn after_a_timeout_not_stored_is_said_with_the_time_and_looked_at_again() {
    let (mut app, effects) = save_answered(Err(ApiError::Timeout {
        after: Duration::from_secs(15),
    }));
    let first = read_of(&effects);
    app.observe_time("10:42:07");
    let effects = answer(&mut app, first, ada());
    // Not there yet: said with the time, and one more look is scheduled, nothing sent.
    let [
        Effect::LoadLater {
            generation: second,
            id: 1001,
            ..
        },
    ] = effects[..]
    else {
        panic!("expected a later look, got {effects:?}");
    };
    let text = screen(&app);
    assert!(text.contains("not stored as of 10:42:07"), "{text}");
    assert!(text.contains("Looking again"), "{text}");
    // The server applied it late: the second look finds it.
    let mut stored = ada();
    stored.email = "ada@new.example".into();
    let effects = answer(&mut app, second, stored);
    assert!(no_save(&effects));
    assert!(matches!(
        app.status(),
        Status::Verified { landed: true, .. }
    ));
}

#[test]
fn the_second_look_that_still_finds_nothing_leaves_it_to_the_user() {
    let (mut app, effects) = save_answered(Err(ApiError::Timeout {
        after: Duration::from_secs(15),
    }));
    let effects = answer(&mut app, read_of(&effects), ada());
    let [Effect::LoadLater { generation, .. }] = effects[..] else {
        panic!("{effects:?}");
    };
    let effects = answer(&mut app, generation, ada());
    assert!(effects.is_empty(), "never re-sent: {effects:?}");
    assert!(matches!(
        app.status(),
        Status::Verified {
            landed: false,
            again: false,
            ..
        }
    ));
    assert!(app.form().unwrap().is_dirty(Field::Email));
}

// 7. Leaving while saving asks, and waiting is the default.

#[test]
fn leaving_during_a_save_asks_and_waits_by_default() {
    for leave in [ctrl('q'), ctrl('r')] {
        let mut app = loaded();
        let (generation, _) = saving(&mut app);
        let effects = app.update(leave.clone());
        assert!(effects.is_empty(), "{leave:?}: {effects:?}");
        assert!(matches!(app.overlay(), Some(Overlay::SaveInFlight(_))));
        // Enter (and Esc) keep waiting.
        assert!(app.update(key(KeyCode::Enter)).is_empty());
        assert!(app.is_saving());
        let mut stored = ada();
        stored.email = "ada@new.example".into();
        app.update(Msg::Saved {
            generation,
            result: Ok(stored),
        });
        assert!(matches!(app.status(), Status::Saved { .. }));
    }
}

#[test]
fn leaving_during_a_save_on_purpose_cancels_it_and_says_so() {
    let mut app = loaded();
    let (generation, _) = saving(&mut app);
    app.update(ctrl('o'));
    type_text(&mut app, "1007");
    app.update(key(KeyCode::Enter));
    assert!(matches!(app.overlay(), Some(Overlay::SaveInFlight(_))));
    let effects = app.update(key(KeyCode::Char('l')));
    assert!(
        effects.contains(&Effect::Cancel { generation }),
        "{effects:?}"
    );
    // The sent edit is still unsaved here, so leaving asks about it as always.
    assert!(matches!(
        app.overlay(),
        Some(Overlay::Confirm(Confirm::Leave(_)))
    ));
    let effects = app.update(key(KeyCode::Char('y')));
    let open = read_of(&effects);
    let mut next = ada();
    next.id = 1007;
    answer(&mut app, open, next);
    assert!(matches!(app.status(), Status::LeftWhileSaving(1001)));
    assert!(screen(&app).contains("contact 1001"));
}

// 13. Nothing acts behind the "too small" notice.

#[test]
fn a_paste_behind_the_too_small_notice_changes_nothing() {
    let mut app = loaded();
    app.update(Msg::Resize(20, 6));
    app.update(Msg::Paste("hidden".into()));
    app.update(Msg::Resize(80, 24));
    assert!(!app.has_unsaved_changes());
}
