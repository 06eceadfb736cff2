//! Many contacts at once through the real binary against the demo API: `duplicates`
//! over the index, `merge` (the survivor's PUT, then each DELETE, one journal batch),
//! a DELETE whose answer is lost, `history` of what a merge did, and `revert` of a
//! merge and of a save, with the exact requests and bodies in the order sent.

mod common;

use common::cli::{CONTACTS, NO_ONE_TO_ASK, World, at, log};
use linq_contact::demo::{DemoServer, Fault};
use serde_json::{Value, json};

/// `(method, path, body)` of the requests after the first `since`.
fn sent_since(demo: &DemoServer, since: usize) -> Vec<(String, String, String)> {
    log(demo).split_off(since)
}

fn req(method: &str, path: &str, body: &str) -> (String, String, String) {
    (method.to_string(), path.to_string(), body.to_string())
}

fn find(query: &str) -> String {
    format!("{CONTACTS}/find?{query}")
}

/// The demo with the look-alikes support finds in real lists (`--demo-look-alikes`):
/// Jordan Blake (1002) again with the e-mail in capitals and a title of its own (1033),
/// Marcus Reed's phone written another way (1034), and Zoë Lefèvre without accents,
/// company in capitals (1035).
fn planted() -> (World, DemoServer) {
    let w = World::new();
    let demo = w.demo();
    assert_eq!(demo.plant_look_alikes(), [1033, 1034, 1035]);
    (w, demo)
}

/// The survivor's PUT when 1033 keeps itself and takes the rest of 1002 (its e-mail as
/// 1002 writes it, by --take).
const MERGE_PUT: &str = r#"{"contact":{"email":"jordan.blake@example.com","phone_number":"+15550102000","company":"Contoso Logistics","location":"Chicago, IL"}}"#;

/// The requests of that merge, in order: both contacts read in the order named, the
/// survivor's PUT, then the DELETE.
fn merged() -> Vec<(String, String, String)> {
    vec![
        req("GET", &at(1002), ""),
        req("GET", &at(1033), ""),
        req("PUT", &at(1033), MERGE_PUT),
        req("DELETE", &at(1002), ""),
    ]
}

fn merge(w: &World, demo: &DemoServer, extra: &[&str]) -> common::cli::Run {
    let args = [
        &[
            "merge",
            "1002",
            "1033",
            "--keep",
            "1033",
            "--take",
            "email=1002",
        ][..],
        extra,
    ]
    .concat();
    w.run(&demo.url(), &args)
}

#[test]
fn duplicates_groups_planted_contacts_by_email_phone_and_name_with_company() {
    let (w, demo) = planted();
    let run = w.run(&demo.url(), &["duplicates", "--json"]);
    let expected = concat!(
        r#"{"ids":[1002,1033],"shared":[{"field":"email","value":"jordan.blake@example.com"}]}"#,
        "\n",
        r#"{"ids":[1007,1034],"shared":[{"field":"phone_number","value":"+13125550187"}]}"#,
        "\n",
        // The seed writes her name with a combining diaeresis.
        "{\"ids\":[1011,1035],\"shared\":[{\"field\":\"name_and_company\",\"value\":\"Zoe\u{308} \
         Lefèvre, Maison Lefèvre\"}]}",
        "\n",
    );
    run.expect(0, expected, "3 groups of duplicates among 35 contacts.\n");
    // Only the list was read: one page of 100 holds them all.
    let requests: Vec<(String, String)> = log(&demo).into_iter().map(|(m, p, _)| (m, p)).collect();
    assert_eq!(
        requests,
        [("GET".to_string(), format!("{CONTACTS}?page=1&per_page=100"))]
    );
    // The table, from the index now kept: no request at all.
    let table = w.run(&demo.url(), &["duplicates"]);
    table.code(0);
    assert!(
        table.stdout.starts_with(
            "2 contacts: same e-mail jordan.blake@example.com\n\
             ID    NAME          E-MAIL                    PHONE         COMPANY\n\
             1002  Jordan Blake  jordan.blake@example.com  +15550102000  Contoso Logistics\n\
             1033  Jordan Blake  JORDAN.BLAKE@example.com\n\
             merge: linq-contact merge 1002 1033 --keep 1002\n\n"
        ),
        "{}",
        table.stdout
    );
    assert_eq!(log(&demo).len(), 1);
    // A merge keeps the index on disk true: the deleted contact leaves it, and the
    // group is gone with no list read again.
    merge(&w, &demo, &["--yes"]).code(0);
    let since = log(&demo).len();
    let after = w.run(&demo.url(), &["duplicates", "--json"]);
    let rest: Vec<&str> = expected.lines().skip(1).collect();
    after.expect(
        0,
        &format!("{}\n", rest.join("\n")),
        "2 groups of duplicates among 34 contacts.\n",
    );
    assert_eq!(log(&demo).len(), since, "no request");
}

#[test]
fn merge_puts_the_survivor_then_deletes_and_journals_one_batch_that_revert_takes_back() {
    let (w, demo) = planted();
    let before_1002 = demo.contact(1002).unwrap();
    let run = merge(&w, &demo, &["--yes"]);
    run.code(0)
        .err_has("Merge into contact 1033 (Jordan Blake), updated ")
        .err_has(&format!("  PUT {}{}\n", demo.url(), at(1033)))
        .err_has(
            "    E-mail: \"JORDAN.BLAKE@example.com\" → \"jordan.blake@example.com\" (from \
             contact 1002, --take)\n    Phone: \"\" → \"+15550102000\" (from contact 1002)\n",
        )
        .err_has(&format!("    {MERGE_PUT}\n"))
        .err_has(&format!(
            "  DELETE {}{}  contact 1002 (Jordan Blake, jordan.blake@example.com, +15550102000)\n",
            demo.url(),
            at(1002)
        ))
        .err_has("The API cannot undo a delete: a deleted contact's id and its linked user contacts cannot be restored.")
        .err_has("Deleted contact 1002 (Jordan Blake).\n");
    assert_eq!(log(&demo), merged());
    assert_eq!(demo.contact(1002), None);
    let survivor = demo.contact(1033).unwrap();
    assert_eq!(
        (
            survivor.title.as_str(),
            survivor.company.as_str(),
            survivor.owner_email()
        ),
        (
            "Head of Ops",
            "Contoso Logistics",
            "priya.raman@example.com"
        )
    );

    // One batch: the survivor's save and the delete, which keeps the whole record.
    let batch = run.stdout.trim().to_string();
    let journal = w.journal();
    assert_eq!(journal.len(), 2);
    for line in &journal {
        assert_eq!(line["batch"], json!(batch));
    }
    assert_eq!(
        (&journal[0]["kind"], &journal[0]["contact_id"]),
        (&json!("save"), &json!(1033))
    );
    assert_eq!(
        (&journal[1]["kind"], &journal[1]["contact_id"]),
        (&json!("delete"), &json!(1002))
    );
    assert_eq!(journal[1]["merged_into"], json!(1033));
    assert_eq!(
        journal[1]["record"],
        serde_json::to_value(&before_1002).unwrap()
    );

    // history: JSON Lines with id and batch; the table says where 1002 went.
    let listed = w.run(&demo.url(), &["history", "--json"]);
    let lines = common::cli::json_lines(&listed.stdout);
    assert_eq!(lines, [journal[1].clone(), journal[0].clone()]);
    for line in &lines {
        assert!(
            line["id"].as_str().is_some_and(|id| id.len() == 12),
            "{line}"
        );
    }
    let of_1002 = w.run(&demo.url(), &["history", "1002"]);
    assert!(
        of_1002
            .stdout
            .ends_with("  contact 1002  deleted  merged into 1033 (deleted)\n"),
        "{}",
        of_1002.stdout
    );

    // revert --batch: the survivor's old values first, then 1002 made again (a new id).
    let since = log(&demo).len();
    let back = w.run(&demo.url(), &["revert", "--batch", &batch, "--yes"]);
    back.code(0)
        .err_has("Contact 1002 is back as contact 1036 (a new id; its linked user contacts are not restored).\n");
    let record_body = r#"{"contact":{"first_name":"Jordan","last_name":"Blake","email":"jordan.blake@example.com","phone_number":"+15550102000","company":"Contoso Logistics","title":"Operations Manager","location":"Chicago, IL","user_email":"dana.whitfield@example.com"}}"#;
    assert_eq!(
        sent_since(&demo, since),
        [
            req("GET", &at(1033), ""),
            req(
                "PUT",
                &at(1033),
                r#"{"contact":{"email":"JORDAN.BLAKE@example.com","phone_number":"","company":"","location":""}}"#
            ),
            req("GET", &find("email=jordan.blake%40example.com"), ""),
            req("GET", &find("phone_number=%2B15550102000"), ""),
            req("POST", CONTACTS, record_body),
        ]
    );
    let survivor = demo.contact(1033).unwrap();
    assert_eq!(
        (
            survivor.email.as_str(),
            survivor.phone_number.as_str(),
            survivor.title.as_str()
        ),
        ("JORDAN.BLAKE@example.com", "", "Head of Ops")
    );
    let again = demo.contact(1036).unwrap();
    assert_eq!(
        (
            again.first_name.as_str(),
            again.title.as_str(),
            again.owner_email()
        ),
        ("Jordan", "Operations Manager", "dana.whitfield@example.com")
    );
    let journal = w.journal();
    let revert_batch = back.stdout.trim();
    assert_ne!(revert_batch, batch);
    let kinds: Vec<(Value, Value, Value)> = journal[2..]
        .iter()
        .map(|l| {
            (
                l["kind"].clone(),
                l["contact_id"].clone(),
                l["batch"].clone(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            (json!("save"), json!(1033), json!(revert_batch)),
            (json!("create"), json!(1036), json!(revert_batch)),
        ]
    );
}

#[test]
fn merge_on_a_pipe_without_yes_exits_2_and_sends_nothing() {
    let (w, demo) = planted();
    merge(&w, &demo, &[]).expect(2, "", NO_ONE_TO_ASK);
    assert!(log(&demo).is_empty());
    assert!(w.journal().is_empty());
    // A dry run reads and shows the body, and sends nothing.
    let dry = merge(&w, &demo, &["--dry-run"]);
    dry.expect(
        0,
        &format!("{MERGE_PUT}\n"),
        common::cli::Out::EndsWith("Dry run: nothing sent.\n"),
    );
    assert!(log(&demo).iter().all(|(m, _, _)| m == "GET"));
}

#[test]
fn a_delete_whose_answer_is_lost_is_read_again_never_sent_again() {
    // Done, then the answer lost: the read finds none, so it is deleted.
    let (w, demo) = planted();
    demo.fail_next_for("DELETE", 1, Fault::StoredThenHangup);
    let run = merge(&w, &demo, &["--yes"]);
    run.code(0)
        .err_has("The answer to the delete of contact 1002 (Jordan Blake) was lost (");
    assert!(
        run.stderr.contains("finds none: deleted.\n"),
        "{}",
        run.stderr
    );
    let mut expected = merged();
    expected.push(req("GET", &at(1002), ""));
    assert_eq!(log(&demo), expected);
    let kinds: Vec<Value> = w.journal().iter().map(|l| l["kind"].clone()).collect();
    assert_eq!(kinds, [json!("save"), json!("delete")]);

    // Cut before it was done: the read finds it, so it is not deleted, and not re-sent.
    let (w, demo) = planted();
    demo.fail_next_for("DELETE", 1, Fault::Hangup);
    let run = merge(&w, &demo, &["--yes"]);
    run.code(1)
        .err_has("finds it still there: not deleted, and not sent again");
    let deletes = log(&demo).iter().filter(|(m, _, _)| m == "DELETE").count();
    assert_eq!(deletes, 1);
    assert!(demo.contact(1002).is_some());
    let kinds: Vec<Value> = w.journal().iter().map(|l| l["kind"].clone()).collect();
    assert_eq!(kinds, [json!("save")]);
}

#[test]
fn revert_of_a_save_sends_the_old_values_but_not_a_field_a_colleague_changed_since() {
    let w = World::new();
    let demo = w.demo();
    w.run(
        &demo.url(),
        &["set", "1002", "title=CTO", "location=Paris", "-y"],
    )
    .code(0);
    let listed = w.run(&demo.url(), &["history", "--json"]);
    let entry = common::cli::json_lines(&listed.stdout)[0].clone();
    assert_eq!(entry["batch"], Value::Null);
    let id = entry["id"].as_str().unwrap().to_string();
    // A colleague moves the contact to Berlin afterwards.
    let patch = linq_contact::api::ContactPatch {
        location: Some("Berlin".into()),
        ..Default::default()
    };
    demo.external_edit(1002, &patch).unwrap();
    let since = log(&demo).len();
    let run = w.run(&demo.url(), &["revert", &id, "--yes"]);
    run.code(3)
        .err_has("  Title: \"CTO\" → \"Operations Manager\"\n")
        .err_has(
            "  conflict, not sent: Location was changed since by someone else to \"Berlin\" \
             (this save stored \"Paris\", before it \"Chicago, IL\")\n",
        );
    assert_eq!(
        sent_since(&demo, since),
        [
            req("GET", &at(1002), ""),
            req(
                "PUT",
                &at(1002),
                r#"{"contact":{"first_name":"Jordan","title":"Operations Manager"}}"#
            ),
        ]
    );
    let now = demo.contact(1002).unwrap();
    assert_eq!(
        (now.title.as_str(), now.location.as_str()),
        ("Operations Manager", "Berlin")
    );
    // Nothing is left to take back: nothing sent.
    let since = log(&demo).len();
    w.run(&demo.url(), &["revert", &id, "--yes"]).code(3);
    assert!(sent_since(&demo, since).iter().all(|(m, _, _)| m == "GET"));
    // An entry that is not in the journal.
    w.run(&demo.url(), &["revert", "000000000000", "--yes"])
        .code(2)
        .err_has("no journal entry 000000000000");
}

#[test]
fn merge_asks_a_person_and_deletes_nothing_changed_while_they_were_asked() {
    let (w, demo) = planted();
    let args = ["merge", "1002", "1033", "--keep", "1033"];
    let mut no = w.pty(&demo.url(), &args);
    no.wait_for("Save contact 1033 and delete 1 contact? [y/N]");
    no.send("\r");
    no.exits_showing(0, "Nothing sent.");
    assert!(log(&demo).iter().all(|(m, _, _)| m == "GET"));

    // A colleague saves the contact to be deleted while the question is open.
    let mut late = w.pty(&demo.url(), &args);
    late.wait_for("[y/N]");
    let colleague = linq_contact::api::ContactPatch {
        title: Some("Director".into()),
        ..Default::default()
    };
    assert!(demo.external_edit(1002, &colleague).is_some());
    late.send("y\r");
    late.exits_showing(3, "changed on the server while you were asked");
    assert!(
        log(&demo).iter().all(|(m, _, _)| m == "GET"),
        "nothing sent"
    );
    assert!(demo.contact(1002).is_some());
    assert!(w.journal().is_empty());

    let mut yes = w.pty(&demo.url(), &args);
    yes.wait_for("[y/N]");
    yes.send("y\r");
    yes.exits_showing(0, "Deleted contact 1002 (Jordan Blake).");
    assert_eq!(demo.contact(1002), None);
}

#[test]
fn merge_deletes_nothing_when_the_survivor_did_not_store_every_value() {
    let (w, demo) = planted();
    assert!(demo.drop_field_next("company"));
    let run = merge(&w, &demo, &["--yes"]);
    run.code(1)
        .err_has("⚠ not applied by the server: Company (sent \"Contoso Logistics\", stored \"\")\n")
        .err_has("linq-contact: contact 1033 (Jordan Blake) did not store company; nothing was deleted\n");
    let mut expected = merged();
    expected.pop();
    assert_eq!(log(&demo), expected, "no DELETE");
    assert!(demo.contact(1002).is_some());
    // What was stored is journalled, in the batch printed.
    let journal = w.journal();
    assert_eq!(journal.len(), 1);
    assert_eq!(journal[0]["batch"], json!(run.stdout.trim()));
}

/// The editor on the planted demo, run to the end of `keys`: Ctrl-P, the look-alikes,
/// then the keys given.
async fn editor(demo: &DemoServer) -> common::effects::Runner {
    use linq_contact::app::{App, AppOptions};
    use linq_contact::target::Target;
    let options = AppOptions {
        api_url: demo.url(),
        ..AppOptions::default()
    };
    let mut h = common::effects::Runner::start(
        &demo.url(),
        demo.token(),
        App::open(options, Target::Id(1001)),
    )
    .await;
    h.ctrl('p').await;
    h.ctrl('d').await;
    h
}

/// The editor merges a group of look-alikes as `merge` does: keep 1033, take 1002's
/// e-mail; the same PUT body, the same DELETE, the same survivor, and one batch in the
/// journal holding the save and the deleted contact's whole record.
#[test]
fn the_editor_merges_look_alikes_as_the_command_line_does() {
    use linq_contact::app::{Overlay, Removed, Status};
    use linq_contact::keymap::KeyCode;
    // The command line, on one demo.
    let (w, demo) = planted();
    merge(&w, &demo, &["--yes"]).code(0);
    let by_command = demo.contact(1033).unwrap();

    // The editor, on another.
    let (w, demo) = planted();
    let before_1002 = demo.contact(1002).unwrap();
    w.rt.block_on(async {
        let mut h = editor(&demo).await;
        let picker = h.screen(100, 30);
        assert!(picker.contains("Look-alikes: 3 groups"), "{picker}");
        assert!(
            picker.contains("same e-mail jordan.blake@example.com"),
            "{picker}"
        );
        insta::assert_snapshot!("picker_look_alikes_80x24", h.screen(80, 24));
        // The first group (1002, 1033) is selected: merge it.
        h.ctrl('t').await;
        let Some(Overlay::Merge(view)) = h.app.overlay() else {
            panic!("{:?}", h.app.overlay());
        };
        assert_eq!(view.ids(), [1002, 1033]);
        // Keep 1033; its e-mail from 1002 (first name, last name, then e-mail).
        h.key(KeyCode::Right).await;
        h.key(KeyCode::Char('k')).await;
        h.key(KeyCode::Down).await;
        h.key(KeyCode::Down).await;
        h.key(KeyCode::Left).await;
        h.key(KeyCode::Char(' ')).await;
        insta::assert_snapshot!("merge_view_80x24", h.screen(80, 24));
        h.key(KeyCode::Enter).await;
        let review = h.screen(100, 40);
        assert!(
            review.contains("The API cannot undo a delete: a deleted contact's id and its"),
            "{review}"
        );
        insta::assert_snapshot!("merge_review_80x24", h.screen(80, 24));
        // Enter alone sends nothing: the number of contacts to delete must be typed.
        let before = log(&demo).len();
        h.key(KeyCode::Enter).await;
        assert_eq!(log(&demo).len(), before);
        h.type_text("1").await;
        h.key(KeyCode::Enter).await;
        // Both contacts read again, then the survivor's PUT, then the DELETE.
        assert_eq!(
            sent_since(&demo, before),
            [
                req("GET", &at(1002), ""),
                req("GET", &at(1033), ""),
                req("PUT", &at(1033), MERGE_PUT),
                req("DELETE", &at(1002), ""),
            ]
        );
        let Status::MergeEnded {
            keep,
            removed,
            batch,
        } = h.app.status()
        else {
            panic!("{:?}", h.app.status());
        };
        assert_eq!(
            (*keep, removed.as_slice()),
            (1033, &[(1002, Removed::Deleted { read_back: false })][..])
        );
        // One batch: the save, then the delete with the whole record.
        let kinds: Vec<(&str, u64, Option<&str>)> = h
            .journal
            .iter()
            .map(|e| (e.kind.as_str(), e.contact_id, e.batch.as_deref()))
            .collect();
        assert_eq!(
            kinds,
            [
                ("save", 1033, Some(batch.as_str())),
                ("delete", 1002, Some(batch.as_str()))
            ]
        );
        assert_eq!(h.journal[1].merged_into, Some(1033));
        assert_eq!(h.journal[1].record.as_ref(), Some(&before_1002));
        // The survivor is open in the form; the deleted contact left the index.
        assert_eq!(h.app.record().map(|r| r.id), Some(1033));
        let status = h.screen(100, 30);
        assert!(
            status.contains("Merged 1 of 1 contacts into 1033."),
            "{status}"
        );
        h.ctrl('p').await;
        let picker = h.screen(100, 40);
        assert!(picker.contains("34 contacts"), "{picker}");
    });
    let mut by_editor = demo.contact(1033).unwrap();
    by_editor.updated_at = by_command.updated_at.clone();
    assert_eq!(by_editor, by_command);
    assert_eq!(demo.contact(1002), None);
}

/// A colleague's change between the review and sending: nothing is sent, and the view
/// comes back with the contacts as they are now, saying which changed.
#[test]
fn the_editor_sends_no_merge_over_a_change_made_while_it_was_reviewed() {
    use linq_contact::app::Overlay;
    use linq_contact::keymap::KeyCode;
    let (w, demo) = planted();
    w.rt.block_on(async {
        let mut h = editor(&demo).await;
        h.ctrl('t').await;
        h.key(KeyCode::Enter).await;
        h.type_text("1").await;
        let mut changed = demo.contact(1033).unwrap();
        changed.title = "COO".into();
        demo.set_contact(changed);
        let before = log(&demo).len();
        h.key(KeyCode::Enter).await;
        assert_eq!(
            sent_since(&demo, before),
            [req("GET", &at(1002), ""), req("GET", &at(1033), "")],
            "read again, nothing written"
        );
        let Some(Overlay::Merge(view)) = h.app.overlay() else {
            panic!("{:?}", h.app.overlay());
        };
        assert_eq!(view.changed, [1033]);
        let screen = h.screen(100, 30);
        assert!(
            screen.contains("Changed on the server since they were read: 1033"),
            "{screen}"
        );
        assert!(screen.contains("COO"), "{screen}");
    });
    assert!(demo.contact(1002).is_some());
}
