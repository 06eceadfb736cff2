//! Whole flows of the editor, driven by messages and drawn into an 80×24 `TestBackend`.
//! The snapshots are the screens a user would see.

mod common;
use common::app::*;
use common::{ada, first_load};

use crossterm::event::KeyCode;
use insta::assert_snapshot;
use linq_contact::api::{ApiError, Contact, ErrorBody};
use linq_contact::app::{Activity, App, AppOptions, Effect, Msg, Overlay, Status};
use linq_contact::dialogs::{confirm::Confirm, open::OpenPrompt, review::Review};
use linq_contact::form::Field;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

#[test]
fn loading_then_loaded_form() {
    let (app, _) = App::new(options(), 1001);
    assert_snapshot!("loading", screen(&app));
    let app = loaded();
    assert_eq!(app.focus(), Field::FirstName);
    assert_snapshot!("loaded", screen(&app));
}

#[test]
fn dirty_form_marks_changed_fields() {
    let mut app = loaded();
    replace(&mut app, Field::Email, "ada@new.example");
    app.update(key(KeyCode::Tab));
    app.update(key(KeyCode::Tab));
    app.update(key(KeyCode::End));
    type_text(&mut app, " Ltd");
    assert!(app.has_unsaved_changes());
    assert_snapshot!("dirty", screen(&app));
}

#[test]
fn review_shows_changes_and_exact_body() {
    let mut app = loaded();
    replace(&mut app, Field::Title, "Countess");
    review_against(&mut app, ada());
    assert!(matches!(app.overlay(), Some(Overlay::Review { .. })));
    assert_snapshot!("review", screen(&app));
    // Esc goes back with the edit intact and nothing sent.
    assert!(app.update(key(KeyCode::Esc)).is_empty());
    assert!(app.overlay().is_none());
    assert_eq!(app.form().unwrap().value(Field::Title), "Countess");
}

#[test]
fn saved_record_becomes_the_baseline() {
    let mut app = loaded();
    let (generation, patch) = saving(&mut app);
    assert_eq!(
        serde_json::to_value(&patch).unwrap(),
        serde_json::json!({"email": "ada@new.example"})
    );
    let mut server = ada();
    server.email = "ada@new.example".into();
    server.updated_at = "2025-08-01T09:30:00.000-05:00".into();
    app.update(Msg::Saved {
        generation,
        result: Ok(server),
    });
    assert!(!app.has_unsaved_changes());
    assert!(
        matches!(app.status(), Status::Saved { changed, taken, unapplied } if changed == &[Field::Email] && taken.is_empty() && unapplied.is_empty())
    );
    assert_snapshot!("saved", screen(&app));
}

#[test]
fn validation_error_422_keeps_the_edits() {
    let (app, _) = save_answered(Err(ApiError::Http {
        status: 422,
        body: ErrorBody::Standard {
            error_code: Some("VALIDATION_ERROR".into()),
            message: Some("Validation failed".into()),
            errors: vec![
                "Email has already been taken".into(),
                "Phone number is invalid".into(),
            ],
        },
        retry_after: None,
    }));
    assert!(app.form().unwrap().is_dirty(Field::Email));
    assert_snapshot!("error_422", screen(&app));
}

#[test]
fn not_found_404_on_open() {
    let (mut app, generation) = opening(99);
    app.update(Msg::Loaded {
        generation,
        result: Err(ApiError::Http {
            status: 404,
            body: ErrorBody::Standard {
                error_code: Some("CONTACT_NOT_FOUND".into()),
                message: Some("Contact not found".into()),
                errors: vec![
                    "The requested contact does not exist or is not accessible to your organization"
                        .into(),
                ],
            },
            retry_after: None,
        }),
    });
    assert_snapshot!("not_found_404", screen(&app));
}

#[test]
fn network_error_on_save_keeps_the_edits() {
    let (app, _) = save_answered(Err(ApiError::Connect {
        url: "https://api.example.test".into(),
        reason: "connection refused".into(),
    }));
    assert_eq!(app.form().unwrap().value(Field::Email), "ada@new.example");
    assert_snapshot!("network_error", screen(&app));
}

#[test]
fn stale_results_are_dropped() {
    let (mut app, generation) = opening(1001);
    app.update(Msg::Loaded {
        generation: generation + 7,
        result: Ok(ada()),
    });
    assert!(
        app.form().is_none(),
        "a result for another request was applied"
    );
    assert!(app.is_busy());
}

#[test]
fn quit_asks_first_with_unsaved_changes() {
    let mut app = loaded();
    assert_eq!(app.update(ctrl('q')), vec![Effect::Quit]);
    let mut app = loaded();
    type_text(&mut app, "x");
    assert!(app.update(ctrl('q')).is_empty());
    assert!(matches!(
        app.overlay(),
        Some(Overlay::Confirm(Confirm::Quit))
    ));
    assert_snapshot!("confirm_quit", screen(&app));
    assert!(app.update(key(KeyCode::Char('n'))).is_empty());
    assert!(!app.should_quit());
    app.update(ctrl('c'));
    // Discarding on purpose also drops any draft of these edits.
    assert_eq!(
        app.update(key(KeyCode::Char('y'))),
        vec![Effect::DeleteDraft { id: 1001 }, Effect::Quit]
    );
}

#[test]
fn esc_reverts_only_the_focused_field() {
    let mut app = loaded();
    type_text(&mut app, "X");
    app.update(key(KeyCode::Tab));
    type_text(&mut app, "Y");
    app.update(key(KeyCode::Esc));
    let form = app.form().unwrap();
    assert_eq!(form.value(Field::LastName), "Lovelace");
    assert_eq!(form.value(Field::FirstName), "AdaX");
}

#[test]
fn paste_is_one_edit_and_never_submits() {
    let mut app = loaded();
    app.update(ctrl('u'));
    let effects = app.update(Msg::Paste("Ada\r\nMarie\tX\u{1b}[2J".into()));
    assert!(effects.is_empty());
    assert!(app.overlay().is_none());
    assert_eq!(
        app.form().unwrap().value(Field::FirstName),
        "Ada Marie X[2J"
    );
    assert_eq!(app.focus(), Field::FirstName);
}

#[test]
fn blocked_review_says_why() {
    let mut app = loaded();
    replace(&mut app, Field::Email, "not-an-email");
    assert!(app.update(ctrl('s')).is_empty());
    assert!(app.overlay().is_none());
    assert_snapshot!("blocked", screen(&app));
}

#[test]
fn hostile_server_text_is_inert_and_wide_text_fits() {
    let (mut app, generation) = opening(7);
    let mut c = ada();
    c.id = 7;
    c.first_name = "\u{1b}]0;owned\u{7}Eve".into();
    c.last_name = "山田 太郎".into();
    c.full_name = "\u{1b}[2J山田".into();
    c.company = "Zoe\u{308} 🧑‍💻 Café".into();
    app.update(Msg::Loaded {
        generation,
        result: Ok(c),
    });
    let text = screen(&app);
    assert!(!text.contains('\u{1b}'));
    assert_snapshot!("hostile_and_wide", text);
}

#[test]
fn wide_layout_puts_status_beside_the_form() {
    let app = loaded();
    assert_snapshot!("loaded_120x30", screen_at(&app, 120, 30));
}

#[test]
fn tiny_terminal_shows_a_notice() {
    let app = loaded();
    assert_snapshot!("too_small", screen_at(&app, 20, 6));
}

// ---- issue: never lose an edit, never send the wrong thing ----

/// Contact 1001 as a colleague saved it after it was loaded here, with `change` made.
fn a_colleagues(change: impl FnOnce(&mut Contact)) -> Contact {
    let mut theirs = ada();
    change(&mut theirs);
    theirs.updated_at = "2025-07-31T08:00:00.000-05:00".into();
    theirs
}

#[test]
fn colleagues_change_to_another_field_is_taken_silently() {
    let mut app = loaded();
    replace(&mut app, Field::Title, "Countess");
    review_against(&mut app, a_colleagues(|c| c.location = "Paris".into()));
    let Some(Overlay::Review(Review { plan, conflicts })) = app.overlay() else {
        panic!("expected the review");
    };
    assert!(conflicts.is_empty());
    assert_eq!(
        serde_json::to_value(&plan.patch).unwrap(),
        serde_json::json!({"first_name": "Ada", "title": "Countess"})
    );
    assert_eq!(app.form().unwrap().value(Field::Location), "Paris");
    app.update(key(KeyCode::Esc));
    assert_snapshot!("merged_silently", screen(&app));
}

#[test]
fn conflict_sends_nothing_until_overwrite() {
    let mut app = loaded();
    replace(&mut app, Field::Email, "mine@example.com");
    let theirs = a_colleagues(|c| c.email = "theirs@example.com".into());
    review_against(&mut app, theirs.clone());
    assert_snapshot!("conflict_review", screen(&app));
    assert!(
        app.update(key(KeyCode::Enter)).is_empty(),
        "Enter must not send over a conflict"
    );
    assert!(app.update(key(KeyCode::Char('y'))).is_empty());
    let effects = confirm(&mut app, KeyCode::Char('o'), theirs);
    let [Effect::Save { patch, .. }] = &effects[..] else {
        panic!("o must overwrite, got {effects:?}");
    };
    assert_eq!(
        serde_json::to_value(patch).unwrap(),
        serde_json::json!({"email": "mine@example.com"})
    );
}

#[test]
fn conflict_r_takes_theirs_and_keeps_other_edits() {
    let mut app = loaded();
    replace(&mut app, Field::Email, "mine@example.com");
    replace(&mut app, Field::Title, "Countess");
    let mut theirs = ada();
    theirs.email = "theirs@example.com".into();
    review_against(&mut app, theirs);
    assert!(
        app.update(key(KeyCode::Char('r'))).is_empty(),
        "nothing is sent"
    );
    assert!(app.overlay().is_none());
    let form = app.form().unwrap();
    assert_eq!(form.value(Field::Email), "theirs@example.com");
    assert!(!form.is_dirty(Field::Email));
    assert_eq!(form.value(Field::Title), "Countess");
    assert!(form.is_dirty(Field::Title));
}

#[test]
fn cancelled_save_is_checked_and_reported() {
    let mut app = loaded();
    let (generation, _) = saving(&mut app);
    let effects = app.update(key(KeyCode::Esc));
    let [
        Effect::Cancel {
            generation: cancelled,
        },
        Effect::Load {
            generation: check, ..
        },
    ] = effects[..]
    else {
        panic!("Esc must cancel the save and re-read, got {effects:?}");
    };
    assert_eq!(cancelled, generation);
    assert!(matches!(app.activity(), Some(Activity::Verifying(_))));
    assert_snapshot!("verifying", screen(&app));
    // The late answer of the cancelled save is ignored.
    app.update(Msg::Saved {
        generation,
        result: Ok(ada()),
    });
    assert!(matches!(app.activity(), Some(Activity::Verifying(_))));
    // The server still has the old e-mail: the save did not land, the edit stays.
    app.update(Msg::Loaded {
        generation: check,
        result: Ok(ada()),
    });
    assert!(matches!(
        app.status(),
        Status::Verified { landed: false, .. }
    ));
    assert!(app.form().unwrap().is_dirty(Field::Email));
}

#[test]
fn timed_out_save_that_landed_becomes_the_baseline() {
    let (mut app, effects) = save_answered(Err(ApiError::Timeout {
        after: std::time::Duration::from_secs(15),
    }));
    let [
        Effect::Load {
            generation: check, ..
        },
    ] = effects[..]
    else {
        panic!("a timed-out save must be checked, got {effects:?}");
    };
    let mut server = ada();
    server.email = "ada@new.example".into();
    let effects = app.update(Msg::Loaded {
        generation: check,
        result: Ok(server),
    });
    assert!(
        effects.contains(&Effect::DeleteDraft { id: 1001 }),
        "{effects:?}"
    );
    assert!(matches!(
        app.status(),
        Status::Verified { landed: true, .. }
    ));
    assert!(!app.has_unsaved_changes());
    assert_snapshot!("verified_landed", screen(&app));
}

#[test]
fn retry_wait_is_shown() {
    let (mut app, generation) = opening(1001);
    app.update(Msg::Retrying {
        generation,
        attempt: 2,
        delay: std::time::Duration::from_secs(3),
        reason: "too many requests (HTTP 429)".into(),
    });
    assert!(
        screen(&app).contains("too many requests (HTTP 429); retrying in 3s (attempt 2)"),
        "{}",
        screen(&app)
    );
}

/// The app after contact 1001 (now `current` on the server) loaded with a draft of
/// `values` made against `loaded` on offer.
fn with_draft_offered(values: &[(&str, &str)], loaded: Contact, current: Contact) -> App {
    with_draft_offered_using(options(), values, loaded, current)
}

fn with_draft_offered_using(
    options: AppOptions,
    values: &[(&str, &str)],
    loaded: Contact,
    current: Contact,
) -> App {
    let draft = linq_contact::drafts::Draft {
        api_url: "https://api.example.test".into(),
        contact_id: 1001,
        saved_at: "2025-07-30T18:00:00+00:00".into(),
        loaded,
        values: values
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    };
    let (app, effects) = App::new(options, 1001);
    let mut app = app.with_draft(Some(draft));
    let generation = first_load(&effects);
    app.update(Msg::Loaded {
        generation,
        result: Ok(current),
    });
    assert!(matches!(app.overlay(), Some(Overlay::RestoreDraft(_))));
    app
}

#[test]
fn draft_is_offered_and_restored_over_the_current_record() {
    let mut current = ada();
    current.title = "Analyst".into(); // changed on the server since the draft
    let mut app = with_draft_offered(
        &[("email", "draft@example.com"), ("title", "Countess")],
        ada(),
        current,
    );
    assert_snapshot!("draft_offer", screen(&app));
    app.update(key(KeyCode::Char('y')));
    let form = app.form().unwrap();
    assert_eq!(form.value(Field::Email), "draft@example.com");
    assert!(form.is_dirty(Field::Email));
    assert_eq!(form.value(Field::Title), "Countess");
    assert!(matches!(app.status(), Status::Restored { conflicts } if conflicts == &[Field::Title]));
    assert_snapshot!("draft_restored", screen(&app));
}

#[test]
fn discarding_a_draft_deletes_it() {
    let mut app = with_draft_offered(&[("title", "Countess")], ada(), ada());
    assert_eq!(
        app.update(key(KeyCode::Char('n'))),
        vec![Effect::DeleteDraft { id: 1001 }]
    );
    assert!(!app.has_unsaved_changes());
}

#[test]
fn the_cursor_sits_on_the_right_column_in_wide_text() {
    let mut c = ada();
    c.last_name = "山田 太郎".into();
    c.company = "Zoe\u{308}!".into();
    let mut app = loaded_with(options(), c);
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    let mut cursor = |app: &App| {
        terminal
            .draw(|f| {
                linq_contact::ui::draw(app, f);
            })
            .unwrap();
        terminal.get_cursor_position().unwrap()
    };
    app.update(key(KeyCode::Tab));
    app.update(key(KeyCode::End));
    // Values start at column 17 (border, marker, label, dirty marker); row 3 is the
    // second field. "山田 太郎" is 9 columns wide.
    assert_eq!(cursor(&app), (17 + 9, 3).into());
    app.update(key(KeyCode::Left));
    assert_eq!(cursor(&app), (17 + 7, 3).into());
    // A combining accent takes no column: "Zoë!" is 4 columns.
    for _ in 0..3 {
        app.update(key(KeyCode::Tab));
    }
    app.update(key(KeyCode::End));
    assert_eq!(cursor(&app), (17 + 4, 6).into());
}

#[test]
fn resizing_back_from_tiny_restores_the_full_view() {
    let mut app = loaded();
    app.update(Msg::Resize(20, 6));
    assert!(screen_at(&app, 20, 6).contains("too small"));
    type_text(&mut app, "x");
    app.update(Msg::Resize(80, 24));
    // Nothing typed while hidden; the form is back and takes keys again.
    assert_eq!(screen(&app), screen(&loaded()));
    type_text(&mut app, "y");
    assert_eq!(app.form().unwrap().value(Field::FirstName), "Aday");
}

#[test]
fn clicks_map_to_the_field_drawn_there() {
    use linq_contact::app::Hit;
    let mut app = loaded();
    let drawn = |app: &App, w: u16, h: u16| {
        let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
        let mut drawn = linq_contact::ui::Drawn::default();
        terminal
            .draw(|f| drawn = linq_contact::ui::draw(app, f))
            .unwrap();
        drawn
    };
    let d = drawn(&app, 80, 24);
    // Header, top border, then one row per field.
    assert_eq!(d.hit(&app, 10, 2), Some(Hit::Field(Field::FirstName)));
    assert_eq!(d.hit(&app, 10, 5), Some(Hit::Field(Field::Phone)));
    assert_eq!(d.hit(&app, 10, 16), None, "the status pane");
    // A note under the focused field shifts the rows below it.
    replace(&mut app, Field::Email, "bad");
    let d = drawn(&app, 80, 24);
    assert_eq!(d.hit(&app, 10, 5), None, "the note row");
    assert_eq!(d.hit(&app, 10, 6), Some(Hit::Field(Field::Phone)));
    app.update(Msg::Click(Hit::Field(Field::Phone)));
    assert_eq!(app.focus(), Field::Phone);
    let tiny = drawn(&app, 20, 6);
    assert_eq!(tiny.hit(&app, 1, 1), None);
}

#[test]
fn an_unreadable_answer_to_a_save_is_checked_not_assumed() {
    let (app, effects) = save_answered(Err(ApiError::Decode {
        status: 200,
        reason: "the body ended early".into(),
    }));
    assert!(matches!(effects[..], [Effect::Load { .. }]), "{effects:?}");
    assert!(matches!(app.activity(), Some(Activity::Verifying(_))));
}

#[test]
fn review_copies_the_request_as_curl_without_the_token() {
    let mut app = loaded();
    replace(&mut app, Field::Title, "O'Brien & Co");
    review_against(&mut app, ada());
    let effects = app.update(key(KeyCode::Char('c')));
    assert_eq!(
        effects,
        vec![Effect::Copy(
            "curl -X PUT 'https://api.linqapp.com/api/partner/v2/contacts/1001' \
             -H \"X-LINQ-INTEGRATION-TOKEN: $LINQ_INTEGRATION_TOKEN\" \
             -H 'Content-Type: application/json' \
             --data '{\"contact\":{\"first_name\":\"Ada\",\"title\":\"O'\\''Brien & Co\"}}'"
                .into()
        )]
    );
    assert!(
        matches!(app.overlay(), Some(Overlay::Review { .. })),
        "the review stays open"
    );
}

#[test]
fn config_problems_are_shown_and_the_editor_goes_on() {
    let options = AppOptions {
        notices: vec!["config.toml:3:1: unknown field `colour`; defaults used".into()],
        ..options()
    };
    let app = loaded_with(options, ada());
    let text = screen(&app);
    assert!(
        text.contains("! config.toml:3:1: unknown field `colour`"),
        "{text}"
    );
    assert!(text.contains("Loaded contact 1001"));
}

#[test]
fn paste_goes_into_the_open_prompt() {
    let mut app = loaded();
    app.update(ctrl('o'));
    app.update(Msg::Paste(" ana@example.com\n".into()));
    let Some(Overlay::Open(OpenPrompt { input, .. })) = app.overlay() else {
        panic!("the prompt closed");
    };
    assert_eq!(input.value(), " ana@example.com ");
    assert_eq!(app.form().unwrap().value(Field::FirstName), "Ada");
}

#[test]
fn a_save_made_while_the_review_was_open_is_not_overwritten() {
    let mut app = loaded();
    replace(&mut app, Field::Title, "Mine");
    review_against(&mut app, ada());
    // A colleague saves the same field while the review is on screen.
    let theirs = a_colleagues(|c| c.title = "Theirs".into());
    let effects = confirm(&mut app, KeyCode::Enter, theirs);
    assert!(effects.is_empty(), "sent over a fresh change: {effects:?}");
    let Some(Overlay::Review(Review { conflicts, .. })) = app.overlay() else {
        panic!("the review must come back with the conflict");
    };
    assert_eq!(conflicts.len(), 1);
    assert_eq!(conflicts[0].theirs, "Theirs");
}

#[test]
fn typing_while_another_contact_opens_is_refused_not_lost() {
    let mut app = loaded();
    app.update(ctrl('o'));
    type_text(&mut app, "1007");
    let effects = app.update(key(KeyCode::Enter));
    assert!(matches!(effects[..], [Effect::Load { id: 1007, .. }]));
    type_text(&mut app, "zz");
    assert_eq!(app.form().unwrap().value(Field::FirstName), "Ada");
    assert!(matches!(app.status(), Status::Opening));
    assert!(screen(&app).contains("Esc cancels"));
}

#[test]
fn restoring_a_draft_removes_its_file_and_the_question_needs_an_answer() {
    let mut app = with_draft_offered(&[("title", "Countess")], ada(), ada());
    assert!(app.update(key(KeyCode::Esc)).is_empty());
    assert!(matches!(app.overlay(), Some(Overlay::RestoreDraft(_))));
    assert_eq!(
        app.update(key(KeyCode::Char('y'))),
        vec![Effect::DeleteDraft { id: 1001 }]
    );
    assert_eq!(app.form().unwrap().value(Field::Title), "Countess");
    // The restore can be taken back.
    app.update(ctrl('z'));
    assert!(!app.has_unsaved_changes());
}

#[test]
fn undo_stops_at_a_save() {
    let (mut app, _) = save_answered(Ok(ada_saved()));
    type_text(&mut app, "x");
    app.update(ctrl('z'));
    app.update(ctrl('z'));
    assert_eq!(app.form().unwrap().value(Field::Email), "ada@new.example");
    assert!(!app.has_unsaved_changes());
}

#[test]
fn no_key_acts_on_a_screen_too_small_to_show_it() {
    let mut app = loaded();
    type_text(&mut app, "x");
    app.update(Msg::Resize(20, 6));
    assert!(app.update(ctrl('q')).is_empty());
    assert!(app.overlay().is_none(), "a question nobody can see");
    assert!(app.update(ctrl('s')).is_empty());
    app.update(Msg::Resize(80, 24));
    app.update(ctrl('q'));
    assert!(matches!(
        app.overlay(),
        Some(Overlay::Confirm(Confirm::Quit))
    ));
}

#[test]
fn fields_taken_from_a_colleague_are_named_after_the_save() {
    let options = AppOptions {
        confirm_before_save: false,
        ..options()
    };
    let mut app = loaded_with(options, ada());
    replace(&mut app, Field::Title, "Countess");
    let mut theirs = ada();
    theirs.location = "Paris".into();
    let effects = app.update(ctrl('s'));
    let generation = first_load(&effects);
    // Without the review, the check leads straight to the save.
    let effects = app.update(Msg::Loaded {
        generation,
        result: Ok(theirs.clone()),
    });
    let [Effect::Save { generation, .. }] = effects[..] else {
        panic!("expected the save, got {effects:?}");
    };
    theirs.title = "Countess".into();
    app.update(Msg::Saved {
        generation,
        result: Ok(theirs),
    });
    assert!(matches!(app.status(), Status::Saved { taken, .. } if taken == &[Field::Location]));
    let text = screen_at(&app, 120, 40);
    assert!(text.contains("a colleague had changed Location"), "{text}");
    assert!(text.contains("+ Location"), "{text}");
}

#[test]
fn scrolling_stops_at_the_end_so_the_way_back_is_immediate() {
    let (mut app, _) = save_answered(Ok(ada_saved()));
    // Drawing learns how far the status pane can scroll, and tells the app.
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    linq_contact::ui::render(&mut app, &mut terminal).unwrap();
    for _ in 0..5 {
        app.update(key(KeyCode::PageDown));
    }
    let bottom = app.status_scroll();
    assert!(bottom > 0 && bottom < 5, "clamped to the content: {bottom}");
    app.update(key(KeyCode::PageUp));
    assert!(app.status_scroll() < bottom, "one PgUp moves at once");
}

#[test]
fn the_identity_rule_does_not_echo_a_cleaned_value() {
    let hostile = Contact {
        first_name: "\u{1b}]0;owned\u{7}Eve".into(),
        ..ada()
    };
    let mut app = loaded_with(options(), hostile.clone());
    replace(&mut app, Field::Title, "Countess");
    review_against(&mut app, hostile);
    let Some(Overlay::Review(Review { plan, .. })) = app.overlay() else {
        panic!("expected the review");
    };
    assert_eq!(
        serde_json::to_value(&plan.patch).unwrap(),
        serde_json::json!({"last_name": "Lovelace", "title": "Countess"})
    );
}

#[test]
fn a_restored_draft_over_a_colleagues_change_is_a_conflict_even_without_the_review() {
    // The colleague changed the title after the draft was written.
    let mut current = ada();
    current.title = "Theirs".into();
    let no_review = AppOptions {
        confirm_before_save: false,
        ..options()
    };
    let mut app = with_draft_offered_using(no_review, &[("title", "Mine")], ada(), current.clone());
    app.update(key(KeyCode::Char('y')));
    assert_eq!(app.form().unwrap().value(Field::Title), "Mine");
    // Ctrl-S re-reads and finds the record as it was restored over: without the gate,
    // confirm_before_save = false would send "Mine" over "Theirs" at once.
    let effects = app.update(ctrl('s'));
    let [Effect::Load { generation, .. }] = effects[..] else {
        panic!("{effects:?}");
    };
    let effects = app.update(Msg::Loaded {
        generation,
        result: Ok(current),
    });
    assert!(effects.is_empty(), "sent over a conflict: {effects:?}");
    let Some(Overlay::Review(Review { conflicts, .. })) = app.overlay() else {
        panic!("the conflict must be shown: {:?}", app.overlay());
    };
    assert_eq!(conflicts[0].theirs, "Theirs");
    assert_eq!(conflicts[0].yours, "Mine");
}
