//! The scripting commands run as the real binary against an API on loopback (the demo,
//! or wiremock where the demo cannot misbehave the way a test needs): the exact bodies
//! sent, stdout, stderr and the exit codes.

use linq_contact::api::{Contact, ContactPatch};
use linq_contact::demo::{DemoServer, Fault};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

mod common;

use common::cli::Out::{self, Any, EndsWith, StartsWith};
use common::cli::{
    CONTACTS, NO_ONE_TO_ASK, NOWHERE, Run, World, answer, assert_sent, at, log, puts, puts_since,
    sorted, statuses,
};

// ---------------------------------------------------------------------------------- get

#[test]
fn get_prints_a_table_or_the_api_object_and_nothing_else() {
    let w = World::new();
    let demo = w.demo();
    let table = "\
ID          1002
Name        Jordan Blake
First name  Jordan
Last name   Blake
E-mail      jordan.blake@example.com
Phone       +15550102000
Company     Contoso Logistics
Title       Operations Manager
Location    Chicago, IL
Owner       dana.whitfield@example.com (Dana Whitfield)
Created     2024-11-05T10:00:00.000-06:00
Updated     2025-05-02T08:30:00.000-05:00
";
    w.run(&demo.url(), &["get", "1002"]).expect(0, table, "");

    let run = w.run(&demo.url(), &["get", "jordan.blake@example.com", "--json"]);
    run.expect(0, Any, "");
    let printed: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        printed,
        serde_json::to_value(demo.contact(1002).unwrap()).unwrap()
    );
    let find = "/api/partner/v2/contacts/find?email=jordan.blake%40example.com";
    let last = log(&demo).last().map(|(m, p, _)| (m.clone(), p.clone()));
    assert_eq!(last, Some(("GET".into(), find.into())));
}

#[test]
fn get_keeps_control_characters_off_the_terminal() {
    let w = World::new();
    let demo = w.demo();
    let table = w.run(&demo.url(), &["get", "1018"]);
    table.code(0).out_has("Title       Head of [2JSecurity\n");
    let json = w.run(&demo.url(), &["get", "1018", "--json"]);
    assert!(!json.stdout.contains('\u{1b}'), "{}", json.stdout);
    let printed: Contact = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(printed, demo.contact(1018).unwrap(), "same data, escaped");
}

#[test]
fn get_exits_4_when_not_found_and_2_for_what_names_no_contact() {
    let w = World::new();
    let demo = w.demo();
    for (target, code, message) in [
        ("99999", 4, "contact 99999 not found"),
        (
            "nobody@example.com",
            4,
            "no contact with e-mail nobody@example.com",
        ),
        (
            "hello",
            2,
            "\"hello\" is not an id, an e-mail or a phone number",
        ),
    ] {
        let before = demo.requests().len();
        let run = w.run(&demo.url(), &["get", target]);
        run.expect(code, "", &format!("linq-contact: {message}\n"));
        if code == 2 {
            assert_eq!(demo.requests().len(), before, "nothing sent");
        }
    }
}

/// `w`'s run of `args` against `url` on a machine whose CA store is empty.
fn without_a_ca_store(w: &World, url: &str, args: &[&str]) -> std::process::Output {
    let nowhere = w.dir.join("no-such-ca-store");
    w.command(url, args)
        .env("SSL_CERT_FILE", &nowhere)
        .env("SSL_CERT_DIR", &nowhere)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

#[test]
fn plain_http_on_loopback_needs_no_ca_store_and_https_still_does() {
    let w = World::new();
    let demo = w.demo();
    let id = demo.first_id().to_string();
    let out = without_a_ca_store(&w, &demo.url(), &["get", &id, "--json"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let printed: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(printed["id"].to_string(), id);

    let out = without_a_ca_store(&w, "https://127.0.0.1:9", &["get", &id]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("No CA certificates"), "{stderr}");
}

// ---------------------------------------------------------------------------------- set

#[test]
fn set_with_yes_sends_the_editors_minimal_body_and_says_what_changed() {
    let w = World::new();
    let demo = w.demo();
    let args = [
        "title=CTO",
        "location=",
        "company=Contoso Logistics",
        "--yes",
    ];
    let run = w.run(&demo.url(), &[&["set", "1002"][..], &args].concat());
    let stored = demo.contact(1002).unwrap();
    let said = format!(
        "\
contact 1002 (Jordan Blake), updated 2025-05-02T08:30:00.000-05:00:
  Title: \"Operations Manager\" → \"CTO\"
  Location: \"Chicago, IL\" → \"\"
  First name: \"Jordan\" (sent unchanged: required by the API)
Saved contact 1002 (Jordan Blake): title, location; updated {}.
",
        stored.updated_at
    );
    run.expect(0, "", &said);
    // The unchanged company is not sent; the identity rule adds the first name.
    let body = r#"{"contact":{"first_name":"Jordan","title":"CTO","location":""}}"#;
    assert_sent(puts(&demo), &[(1002, body)]);
    let title_and_location = (stored.title.as_str(), stored.location.as_str());
    assert_eq!(title_and_location, ("CTO", ""));
}

#[test]
fn set_normalises_phones_and_finds_contacts_like_the_editor() {
    let w = World::new();
    let demo = w.demo();
    let args = [
        "set",
        "+1 (555) 010-2000",
        "phone_number=(415) 555-2671",
        "-y",
    ];
    let run = w.run(&demo.url(), &args);
    let said = "  Phone: \"+15550102000\" → \"+14155552671\" (typed \"(415) 555-2671\")\n";
    run.code(0).err_has(said);
    let body = r#"{"contact":{"phone_number":"+14155552671"}}"#;
    assert_sent(puts(&demo), &[(1002, body)]);
}

#[test]
fn set_never_echoes_a_value_cleaned_of_control_characters() {
    let w = World::new();
    let demo = w.demo();
    // 1018's first name holds an escape sequence: the identity rule takes the last name.
    let run = w.run(&demo.url(), &["set", "1018", "location=Salem, OR", "-y"]);
    run.code(0);
    let body = r#"{"contact":{"last_name":"Mallory","location":"Salem, OR"}}"#;
    assert_sent(puts(&demo), &[(1018, body)]);
    assert!(demo.contact(1018).unwrap().first_name.contains('\u{1b}'));
}

#[test]
fn set_asks_a_person_and_looks_again_before_sending() {
    let w = World::new();
    let demo = w.demo();
    let mut yes = w.pty(&demo.url(), &["set", "1002", "title=CTO"]);
    yes.wait_for("Send these changes to contact 1002 (Jordan Blake)? [y/N]");
    yes.send("y\r");
    yes.exits_showing(0, "Saved contact 1002");
    assert_eq!(puts(&demo).len(), 1);

    let mut no = w.pty(&demo.url(), &["set", "1004", "title=CTO"]);
    no.wait_for("[y/N]");
    no.send("\r");
    no.exits_showing(0, "Nothing sent.");
    assert_eq!(puts(&demo).len(), 1);

    // A colleague saves while the question is open: nothing is sent, exit 3.
    let mut late = w.pty(&demo.url(), &["set", "1003", "title=CMO"]);
    late.wait_for("[y/N]");
    let colleague = ContactPatch {
        location: Some("Boston, MA".into()),
        ..Default::default()
    };
    assert!(demo.external_edit(1003, &colleague).is_some());
    late.send("yes\r");
    late.exits_showing(3, "changed on the server while you were asked");
    assert_eq!(puts(&demo).len(), 1);
    assert_eq!(demo.contact(1003).unwrap().title, "Chief Medical Officer");
}

#[test]
fn set_refuses_to_guess_without_a_terminal_or_yes() {
    let w = World::new();
    let demo = w.demo();
    let run = w.run_input(&demo.url(), &["set", "1002", "title=CTO"], "y\n");
    run.expect(2, Any, EndsWith(NO_ONE_TO_ASK));
    assert!(puts(&demo).is_empty());
}

#[test]
fn set_dry_run_prints_the_exact_body_and_sends_nothing() {
    let w = World::new();
    let demo = w.demo();
    let args = [
        "email=new@example.com",
        "user_email=priya.raman@example.com",
    ];
    let run = w.run(
        &demo.url(),
        &[&["set", "1002"][..], &args, &["--dry-run"]].concat(),
    );
    let body = r#"{"contact":{"email":"new@example.com","user_email":"priya.raman@example.com"}}"#;
    run.expect(
        0,
        &format!("{body}\n"),
        EndsWith("Dry run: nothing sent.\n"),
    );
    assert!(puts(&demo).is_empty());
}

#[test]
fn set_sends_nothing_when_the_values_are_already_stored() {
    let w = World::new();
    let demo = w.demo();
    let args = [
        "title= Editor-in-Chief ",
        "phone_number=+44 20 7946 0958",
        "--yes",
    ];
    let run = w.run(&demo.url(), &[&["set", "1008"][..], &args].concat());
    let said = "Nothing to send: contact 1008 (Olivia Grant) already has these values.\n";
    run.expect(0, "", said);
    assert!(puts(&demo).is_empty());
}

#[test]
fn set_usage_and_validation_errors_exit_2_before_anything_is_sent() {
    let w = World::new();
    let demo = w.demo();
    let run = w.run(&demo.url(), &["set", "1002", "titel=CTO", "--yes"]);
    let said = "linq-contact: unknown field \"titel\"; valid fields: first_name, last_name, \
                email, phone_number, company, title, location, user_email\n";
    run.expect(2, Any, said);
    assert!(demo.requests().is_empty(), "not even a read");

    let run = w.run(&demo.url(), &["set", "1002", "email=ana@", "--yes"]);
    let said = "linq-contact: nothing sent: E-mail: \"ana@\" is not a valid e-mail address\n";
    run.expect(2, Any, said);
    let run = w.run(&demo.url(), &["set", "1009", "company=Globex", "--yes"]);
    run.code(2)
        .err_has("the API needs one of them in every update");
    // The server's own refusal is a validation error too.
    let args = ["set", "1002", "user_email=nobody@example.com", "--yes"];
    let run = w.run(&demo.url(), &args);
    let said = "linq-contact: User email does not belong to a user of this organization\n";
    run.code(2).err_has(said);
    assert_eq!(puts(&demo).len(), 1, "only the one the server refused");
}

#[test]
fn set_if_unchanged_since_refuses_a_newer_contact_with_exit_3() {
    let w = World::new();
    let demo = w.demo();
    let newer = "linq-contact: nothing sent: contact 1002 (Jordan Blake) changed on the server \
                 at 2025-05-02T08:30:00.000-05:00, after 2025-05-02T08:29:59.999-05:00\n";
    for (title, since, code, stderr, puts_after) in [
        ("CTO", "2025-05-02T08:29:59.999-05:00", 3, Out::Is(newer), 0),
        // The same instant in another offset is not newer.
        ("CTO", "2025-05-02T13:30:00Z", 0, Any, 1),
        ("CEO", "yesterday", 2, Any, 1),
    ] {
        let title = format!("title={title}");
        let args = [
            "set",
            "1002",
            &title,
            "--yes",
            "--if-unchanged-since",
            since,
        ];
        w.run(&demo.url(), &args).expect(code, Any, stderr);
        assert_eq!(puts(&demo).len(), puts_after, "{since}");
    }
}

#[test]
fn set_after_a_500_on_the_put_reads_back_and_never_resends() {
    let w = World::new();
    let demo = w.demo();
    demo.fail_next_for("PUT", 1, Fault::ServerError);
    let run = w.run(&demo.url(), &["set", "1002", "title=CTO", "--yes"]);
    // "as of" is the time of the check (HH:MM:SS), not the record's updated_at.
    let said = "linq-contact: outcome unknown (server error (HTTP 500) — the service may be \
                down; try again shortly): not stored as of HH:MM:SS; it was not re-sent";
    run.code(1);
    assert_eq!(untimed(run.stderr.lines().last().unwrap_or_default()), said);
    let methods: Vec<String> = log(&demo).into_iter().map(|(m, _, _)| m).collect();
    assert_eq!(methods, ["GET", "PUT", "GET"]);
}

/// `set 7 title=CTO --yes` against a contact 7 that reads as `before` and whose save
/// answers `after`; the body sent is checked.
fn set_title_of_7(w: &World, before: Value, after: Value) -> Run {
    let server = w.mock(vec![
        answer("GET", &at(7), 200, Some(json!({"data": before}))),
        answer("PUT", &at(7), 200, Some(json!({"data": after}))),
    ]);
    let run = w.run(&server.uri(), &["set", "7", "title=CTO", "--yes"]);
    let put = w.received(&server).into_iter().find(|(m, _)| m == "PUT");
    let body = r#"{"contact":{"first_name":"Ada","title":"CTO"}}"#;
    assert_eq!(put, Some(("PUT".into(), body.into())));
    run
}

#[test]
fn set_says_what_the_server_did_not_store() {
    let w = World::new();
    let before = json!({"id": 7, "first_name": "Ada", "title": "Engineer",
        "updated_at": "2025-07-30T10:00:00.000-05:00"});
    let after = json!({"id": 7, "first_name": "Ada", "title": "cto",
        "updated_at": "2025-07-30T11:00:00.000-05:00"});
    let run = set_title_of_7(&w, before, after);
    // A 200 that did not store what was sent is not a save: exit 1, the field named.
    let said = "contact 7 answered the save without storing what was sent; updated \
                2025-07-30T11:00:00.000-05:00.\n\
                ⚠ not applied by the server: Title (sent \"CTO\", stored \"cto\")\n\
                linq-contact: not stored: title; run the command again to send them\n";
    run.expect(1, Any, EndsWith(said));
}

#[test]
fn set_names_an_owner_the_server_changed_although_none_was_sent() {
    let w = World::new();
    let owner = |email: &str, name: &str| json!({"id": 3, "email": email, "name": name});
    let before = json!({"id": 7, "first_name": "Ada", "title": "Engineer",
        "updated_at": "2025-07-30T10:00:00.000-05:00",
        "contact_owner": owner("grace@example.com", "Grace Hopper")});
    // The title is stored as sent; the owner moved to someone nobody here named.
    let after = json!({"id": 7, "first_name": "Ada", "title": "CTO",
        "updated_at": "2025-07-30T11:00:00.000-05:00",
        "contact_owner": owner("bob@example.com", "Bob Smith")});
    let run = set_title_of_7(&w, before, after);
    let said = "⚠ not applied by the server: Owner (not sent, but now \"bob@example.com\")\n";
    run.expect(0, Any, EndsWith(said));
}

// -------------------------------------------------------------------------------- apply

/// `apply FILE` run with `args` after it, to the end.
fn apply(w: &World, url: &str, file: &Path, args: &[&str]) -> Run {
    let mut all = vec!["apply", file.to_str().unwrap()];
    all.extend_from_slice(args);
    w.run(url, &all)
}

#[test]
fn apply_json_lines_rows_are_independent() {
    let w = World::new();
    let demo = w.demo();
    let input = w.file(
        "fixes.jsonl",
        br#"{"id": 1002, "title": "CTO"}
{"email": "avery.chen@example.com", "company": "Northwind, Inc."}

{"id": 1003, "titel": "x"}
{"id": "abc", "title": "x"}
{"id": 1004, "email": "not-an-address"}
{"id": 1005, "title": "   "}
{"phone_number": "+1 212 555 0199", "location": "NYC"}
"#,
    );
    let run = apply(&w, &demo.url(), &input, &["--report", "report.jsonl"]);
    // A row failed.
    run.expect(1, "", Any);
    let lines = w.report("report.jsonl");
    assert_eq!(
        statuses(&lines),
        "1 updated, 2 updated, 4 failed, 5 failed, 6 failed, 7 unchanged, 8 updated"
    );
    let jordan = json!({"contact": {"first_name": "Jordan", "title": "CTO"}});
    assert_eq!(lines[0]["sent"], jordan);
    assert_eq!(lines[0]["stored"]["title"], "CTO");
    assert_eq!(lines[1]["id"], 1001);
    let unknown = "unknown key \"titel\"; valid: id, first_name, last_name, email, \
                   phone_number, company, title, location, user_email";
    assert_eq!(lines[2]["error"], unknown);
    assert_eq!(lines[3]["error"], "id \"abc\" is not a contact id");
    let invalid = "contact 1004: nothing sent: E-mail: \"not-an-address\" is not an e-mail \
                   address (no @)";
    assert_eq!(lines[4]["error"], invalid);
    assert_eq!(lines[6]["id"], 1005);
    assert_sent(
        sorted(puts(&demo)),
        &[
            (
                1001,
                r#"{"contact":{"first_name":"Avery","company":"Northwind, Inc."}}"#,
            ),
            (1002, r#"{"contact":{"first_name":"Jordan","title":"CTO"}}"#),
            (
                1005,
                r#"{"contact":{"phone_number":"+12125550199","location":"NYC"}}"#,
            ),
        ],
    );
    run.err_has(" rows/s): 3 updated, 0 partial, 1 unchanged, 3 failed, 0 skipped.\n")
        .err_has("line 5: failed: id \"abc\" is not a contact id\n");
}

#[test]
fn apply_csv_reads_quotes_bom_and_crlf_and_leaves_empty_cells_and_missing_columns() {
    let w = World::new();
    let demo = w.demo();
    let csv = "\u{feff}id,company,title\r\n1006,\"Adventure Works, GmbH\",\r\n\
               \"1007\",,\"Account \"\"Exec\"\"\"\r\n";
    let input = w.file("fixes.csv", csv.as_bytes());
    apply(&w, &demo.url(), &input, &["--report", "r.jsonl"]).code(0);
    // An empty cell leaves the field, as location, which has no column, is left.
    assert_sent(
        sorted(puts(&demo)),
        &[
            (
                1006,
                r#"{"contact":{"first_name":"Hannah","company":"Adventure Works, GmbH"}}"#,
            ),
            (
                1007,
                r#"{"contact":{"first_name":"Marcus","title":"Account \"Exec\""}}"#,
            ),
        ],
    );
    assert_eq!(demo.contact(1006).unwrap().title, "Einkaufsleiterin");
    assert_eq!(demo.contact(1007).unwrap().company, "Wide World Importers");
    assert_eq!(demo.contact(1006).unwrap().location, "Berlin, Deutschland");
    // Lines are counted as an editor shows them, CRLF or not.
    assert_eq!(statuses(&w.report("r.jsonl")), "2 updated, 3 updated");
}

#[test]
fn apply_dry_run_reads_and_prints_the_bodies_without_sending() {
    let w = World::new();
    let demo = w.demo();
    let input = "{\"id\": 1002, \"title\": \"CTO\"}\n\
                 {\"id\": 1003, \"title\": \"Chief Medical Officer\"}\n\
                 {\"id\": 4242, \"title\": \"x\"}\n";
    let run = w.run_input(&demo.url(), &["apply", "-", "--dry-run"], input);
    let body = r#"{"contact":{"first_name":"Jordan","title":"CTO"}}"#;
    let said = "Dry run: 3 rows: 1 would be updated, 1 unchanged, 1 failed; nothing was sent.\n";
    // The missing contact fails.
    run.expect(
        1,
        &format!("{{\"line\":1,\"id\":1002,\"body\":{body}}}\n"),
        EndsWith(said),
    );
    assert!(puts(&demo).is_empty());
    assert_eq!(log(&demo).len(), 3, "one read per row");
}

#[test]
fn apply_through_faults_reports_every_row_and_resume_sends_nothing_twice() {
    let w = World::new();
    let demo = w.demo();
    let input = w.file(
        "rows.jsonl",
        br#"{"id": 1002, "title": "T1"}
{"id": 1003, "title": "T2"}
{"id": 1004, "title": "T3"}
{"id": 1006, "user_email": "nobody@example.com"}
{"id": 99999, "title": "x"}
{"email": "marcus.reed@example.com", "company": "WWI"}
"#,
    );
    // One row at a time, so each fault meets a known request: row 1 is refused (429)
    // once on its read and once on its save; row 2 gets a 500 on its read, then a 500 on
    // its save, whose outcome is therefore unknown.
    let retry = Fault::TooManyRequests {
        retry_after_secs: 1,
    };
    demo.fail_next_for("GET", 1, retry.clone());
    demo.fail_next_for("PUT", 1, retry);
    demo.fail_next_for("GET", 1, Fault::ServerError);
    demo.fail_next_for("PUT", 1, Fault::ServerError);
    let args = ["--concurrency", "1", "--report", "r1.jsonl"];
    let run = apply(&w, &demo.url(), &input, &args);
    run.code(1);
    let r1 = w.report("r1.jsonl");
    assert_eq!(
        statuses(&r1),
        "1 updated, 2 failed, 3 updated, 4 failed, 5 failed, 6 updated"
    );
    assert_eq!(
        untimed(r1[1]["error"].as_str().unwrap_or_default()),
        "contact 1003: outcome unknown (server error (HTTP 500) — the service may be down; \
         try again shortly; INTERNAL_ERROR: Internal server error; Something went wrong on \
         our side; please try again later): not stored as of HH:MM:SS; not re-sent"
    );
    assert_eq!(r1[1]["stored"]["title"], "Chief Medical Officer");
    let refused = r1[3]["error"].as_str().unwrap();
    let owner = "User email does not belong to a user of this organization";
    assert!(refused.ends_with(owner), "{}", r1[3]);
    assert_eq!(r1[4]["error"], "contact 99999 not found");
    let requests: Vec<String> = log(&demo)
        .into_iter()
        .map(|(m, p, _)| format!("{m} {p}"))
        .collect();
    let find = format!("{CONTACTS}/find?email=marcus.reed%40example.com");
    let c = |id: u64| at(id);
    assert_eq!(
        requests,
        [
            format!("GET {}", c(1002)), // 429
            format!("GET {}", c(1002)),
            format!("PUT {}", c(1002)), // 429: refused before acting, so sent again
            format!("PUT {}", c(1002)),
            format!("GET {}", c(1003)), // 500, retried
            format!("GET {}", c(1003)),
            format!("PUT {}", c(1003)), // 500: outcome unknown, so read, never re-sent
            format!("GET {}", c(1003)),
            format!("GET {}", c(1004)),
            format!("PUT {}", c(1004)),
            format!("GET {}", c(1006)),
            format!("PUT {}", c(1006)), // 422
            format!("GET {}", c(99999)),
            format!("GET {find}"),
            format!("PUT {}", c(1007)),
        ]
    );
    run.err_has("too many requests (HTTP 429) — wait 1 s and retry; trying again in 1.0 s\n");

    let first_run = demo.requests().len();
    let args = ["--resume", "r1.jsonl", "--report", "r2.jsonl"];
    // Rows 4 and 5 fail again.
    apply(&w, &demo.url(), &input, &args).code(1);
    assert_eq!(
        statuses(&w.report("r2.jsonl")),
        "1 skipped, 2 updated, 3 skipped, 4 failed, 5 failed, 6 skipped"
    );
    let user = r#"{"contact":{"first_name":"Hannah","user_email":"nobody@example.com"}}"#;
    assert_sent(
        sorted(puts_since(&demo, first_run)),
        &[
            (1003, r#"{"contact":{"first_name":"Samira","title":"T2"}}"#),
            (1006, user),
        ],
    );
}

#[test]
fn apply_after_a_lost_answer_marks_the_row_by_what_the_server_holds() {
    let w = World::new();
    let before = json!({"id": 7, "first_name": "Ada", "title": "Engineer",
        "updated_at": "2025-07-30T10:00:00.000-05:00"});
    let after = json!({"id": 7, "first_name": "Ada", "title": "CTO",
        "updated_at": "2025-07-30T11:00:00.000-05:00"});
    let server = w.mock(vec![
        answer("GET", &at(7), 200, Some(json!({"data": before}))).up_to_n_times(1),
        answer("GET", &at(7), 200, Some(json!({"data": after}))),
        answer("PUT", &at(7), 502, None),
    ]);
    let row = "{\"id\": 7, \"title\": \"CTO\"}\n";
    let run = w.run_input(&server.uri(), &["apply", "-", "--report", "r.jsonl"], row);
    run.code(0);
    let lines = w.report("r.jsonl");
    assert_eq!(statuses(&lines), "1 updated");
    assert_eq!(lines[0]["stored"]["title"], "CTO");
    let said = "line 1: contact 7 updated (title); the answer was lost (server error (HTTP 502) \
                — the service may be down; try again shortly), reading it back at HH:MM:SS \
                shows the values stored\n";
    assert!(untimed(&run.stderr).contains(said), "{}", run.stderr);
    let methods: Vec<String> = w.received(&server).into_iter().map(|(m, _)| m).collect();
    assert_eq!(methods, ["GET", "PUT", "GET"], "never re-sent");
}

#[test]
fn apply_stops_on_ctrl_c_with_a_report_that_resume_completes() {
    let w = World::new();
    let demo =
        w.rt.block_on(DemoServer::start_with_generated(0, 40))
            .unwrap();
    let first = demo.first_id();
    let ids: Vec<u64> = (0..200)
        .map(|i| first + i)
        .filter(|id| demo.contact(*id).is_some())
        .filter(|id| !demo.contact(*id).unwrap().first_name.is_empty())
        .take(40)
        .collect();
    assert_eq!(ids.len(), 40);
    let rows: String = ids
        .iter()
        .map(|id| format!("{{\"id\": {id}, \"title\": \"Batch {id}\"}}\n"))
        .collect();
    let input = w.file("batch.jsonl", rows.as_bytes());
    // Slow enough that the batch is far from done when the first row finishes.
    demo.set_latency(Duration::from_millis(300));
    let file = input.to_str().unwrap();
    let args = ["apply", file, "--concurrency", "2", "--report", "r1.jsonl"];
    let mut child = w
        .command(&demo.url(), &args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut seen = String::new();
    // A plain line per finished row: the first one means the report has a line too.
    while !seen.starts_with("line ") {
        seen.clear();
        assert_ne!(stderr.read_line(&mut seen).unwrap(), 0, "ended early");
    }
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut rest).unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130), "{rest}");
    assert!(rest.contains("Ctrl-C: taking no more rows"), "{rest}");
    assert!(rest.contains("To finish: linq-contact apply "), "{rest}");
    let r1 = w.report("r1.jsonl");
    assert!(!r1.is_empty() && r1.len() < ids.len(), "{} rows", r1.len());
    assert!(r1.iter().all(|l| l["status"] == "updated"), "{r1:?}");
    // Every row that finished was written; nothing else was sent.
    assert_eq!(puts(&demo).len(), r1.len());

    demo.set_latency(Duration::ZERO);
    let args = ["--resume", "r1.jsonl", "--report", "r2.jsonl"];
    apply(&w, &demo.url(), &input, &args).code(0);
    let r2 = w.report("r2.jsonl");
    assert_eq!(r2.len(), ids.len());
    let skipped = r2.iter().filter(|l| l["status"] == "skipped").count();
    assert_eq!(skipped, r1.len());
    let put_paths: Vec<String> = puts(&demo).into_iter().map(|(p, _)| p).collect();
    let expected: Vec<String> = ids.iter().map(|id| at(*id)).collect();
    assert_eq!(
        sorted(put_paths),
        sorted(expected),
        "each contact saved exactly once"
    );
    for id in &ids {
        assert_eq!(demo.contact(*id).unwrap().title, format!("Batch {id}"));
    }
}

#[test]
fn apply_refuses_unreadable_input_and_one_file_for_report_and_resume() {
    let w = World::new();
    let demo = w.demo();
    let run = w.run(&demo.url(), &["apply", "missing.csv"]);
    run.expect(
        2,
        Any,
        StartsWith("linq-contact: cannot read missing.csv: "),
    );
    w.file("r.jsonl", b"");
    let input = w.file("in.csv", b"id,title\n1002,x\n");
    let args = ["--report", "r.jsonl", "--resume", "r.jsonl"];
    apply(&w, &demo.url(), &input, &args).code(2);
    assert!(demo.requests().is_empty());
}

#[test]
fn apply_refuses_a_report_that_is_the_input_and_leaves_the_input_as_it_was() {
    let w = World::new();
    let demo = w.demo();
    let rows = b"id,title\n1002,CTO\n1003,COO\n";
    let input = w.file("in.csv", rows);
    std::fs::create_dir(w.dir.join("sub")).unwrap();
    std::fs::hard_link(&input, w.dir.join("hard.csv")).unwrap();
    std::os::unix::fs::symlink(&input, w.dir.join("sub/link.csv")).unwrap();
    for report in ["in.csv", "./sub/../in.csv", "hard.csv", "sub/link.csv"] {
        let run = apply(&w, &demo.url(), &input, &["--report", report]);
        let said = format!(
            "linq-contact: --report {report} is the input {}: writing the report would \
             destroy the rows it reads; name another file\n",
            input.display()
        );
        run.expect(2, Any, &said);
        assert_eq!(std::fs::read(&input).unwrap(), rows, "{report}");
    }
    // The input read from stdin, redirected from the file the report names.
    let out = w
        .command(&demo.url(), &["apply", "-", "--report", "in.csv"])
        .stdin(std::fs::File::open(&input).unwrap())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert_eq!(std::fs::read(&input).unwrap(), rows);
    // A --resume that is the input is no report of it either.
    let run = apply(&w, &demo.url(), &input, &["--resume", "sub/link.csv"]);
    let said = "linq-contact: --resume sub/link.csv is the input";
    run.expect(2, Any, StartsWith(said));
    assert!(demo.requests().is_empty(), "nothing was sent");
    // Another file is fine.
    apply(&w, &demo.url(), &input, &["--report", "sub/r.jsonl"]).code(0);
    assert_eq!(std::fs::read(&input).unwrap(), rows);
    assert_eq!(w.report("sub/r.jsonl").len(), 2);
}

#[test]
fn apply_refuses_a_report_that_is_the_resume_report_behind_a_symlink() {
    let w = World::new();
    let demo = w.demo();
    let input = w.file("in.jsonl", b"{\"id\": 1002, \"title\": \"CTO\"}\n");
    apply(&w, &demo.url(), &input, &["--report", "r1.jsonl"]).code(0);
    let r1 = std::fs::read(w.dir.join("r1.jsonl")).unwrap();
    let sent = demo.requests().len();
    std::os::unix::fs::symlink(w.dir.join("r1.jsonl"), w.dir.join("link.jsonl")).unwrap();
    let args = ["--resume", "r1.jsonl", "--report", "link.jsonl"];
    let run = apply(&w, &demo.url(), &input, &args);
    let said = "linq-contact: --report and --resume must be different files: the new report \
                is written while the old one is read\n";
    run.expect(2, Any, said);
    assert_eq!(std::fs::read(w.dir.join("r1.jsonl")).unwrap(), r1);
    assert_eq!(demo.requests().len(), sent, "nothing more was sent");
}

#[test]
fn apply_resume_with_a_report_of_another_file_skips_nothing() {
    let w = World::new();
    let demo = w.demo();
    let first = w.file(
        "first.jsonl",
        b"{\"id\": 1002, \"title\": \"T1\"}\n{\"id\": 1003, \"title\": \"T2\"}\n",
    );
    apply(&w, &demo.url(), &first, &["--report", "r1.jsonl"]).code(0);
    let before = demo.requests().len();
    // Same lines, same shape, other rows: one of them even the same contact.
    let second = w.file(
        "second.jsonl",
        b"{\"id\": 1002, \"title\": \"Other\"}\n{\"id\": 1004, \"title\": \"T2\"}\n",
    );
    let args = ["--resume", "r1.jsonl", "--report", "r2.jsonl"];
    let run = apply(&w, &demo.url(), &second, &args);
    run.code(0);
    assert_eq!(statuses(&w.report("r2.jsonl")), "1 updated, 2 updated");
    // Both rows sent.
    assert_sent(
        sorted(puts_since(&demo, before)),
        &[
            (
                1002,
                r#"{"contact":{"first_name":"Jordan","title":"Other"}}"#,
            ),
            (1004, r#"{"contact":{"first_name":"Liam","title":"T2"}}"#),
        ],
    );
    run.err_has(
        "linq-contact: no row matched a done row of r1.jsonl (same line, id and cells): \
         nothing was skipped\n",
    );
}

#[test]
fn apply_resume_after_a_row_is_inserted_skips_only_the_rows_it_proves_done() {
    let w = World::new();
    let demo = w.demo();
    let v1 = "id,title\n1002,T1\n1003,T2\n1004,T3\n";
    let input = w.file("rows.csv", v1.as_bytes());
    apply(&w, &demo.url(), &input, &["--report", "r1.jsonl"]).code(0);
    let fingerprinted = |e: &Value| e["fingerprint"].as_str().is_some_and(|f| f.len() == 16);
    assert!(
        w.report("r1.jsonl").iter().all(fingerprinted),
        "every entry has its row's fingerprint"
    );
    // A row is inserted at line 3, for the contact of the row it pushes down a line:
    // line 3 has the same id as before, but not the same cells.
    let v2 = "id,title\n1002,T1\n1003,Interim\n1003,T2\n1004,T3\n";
    std::fs::write(&input, v2).unwrap();
    let before = demo.requests().len();
    let args = ["--resume", "r1.jsonl", "--report", "r2.jsonl"];
    apply(&w, &demo.url(), &input, &args).code(0);
    assert_eq!(
        statuses(&w.report("r2.jsonl")),
        "2 skipped, 3 updated, 4 updated, 5 unchanged"
    );
    assert_sent(
        puts_since(&demo, before),
        &[
            (
                1003,
                r#"{"contact":{"first_name":"Samira","title":"Interim"}}"#,
            ),
            (1003, r#"{"contact":{"first_name":"Samira","title":"T2"}}"#),
        ],
    );
    assert_eq!(demo.contact(1003).unwrap().title, "T2");
    // The skipped row is still skipped by a report of the resumed run.
    let args = ["--resume", "r2.jsonl", "--report", "r3.jsonl"];
    apply(&w, &demo.url(), &input, &args).code(0);
    let r3 = w.report("r3.jsonl");
    assert!(r3.iter().all(|e| e["status"] == "skipped"), "{r3:?}");
    assert_eq!(r3[0]["id"], 1002);
}

#[test]
fn apply_resume_refuses_what_is_not_a_report_and_an_old_report_skips_nothing() {
    let w = World::new();
    let demo = w.demo();
    let input = w.file("rows.csv", b"id,title\n1002,T1\n1003,T2\n");
    let other = w.file("other.csv", b"id,title\n1002,T1\n");
    for (resume, why) in [
        ("other.csv", "its line 1 is not a report entry"),
        ("missing.jsonl", "cannot read the report missing.jsonl: "),
    ] {
        let run = apply(&w, &demo.url(), &input, &["--resume", resume]);
        run.code(2).err_has(why);
    }
    assert!(other.exists());
    assert!(demo.requests().is_empty(), "nothing was sent");
    // A report of an older version: the lines, no fingerprints; its torn last line is
    // what a crash leaves.
    w.file(
        "old.jsonl",
        b"{\"line\":2,\"id\":1002,\"status\":\"updated\"}\n{\"line\":3,\"id\":1003,\"status\":\"upd",
    );
    let args = ["--resume", "old.jsonl", "--report", "r.jsonl"];
    let run = apply(&w, &demo.url(), &input, &args);
    run.code(0);
    assert_eq!(statuses(&w.report("r.jsonl")), "2 updated, 3 updated");
    let warning = "linq-contact: warning: old.jsonl has no row fingerprints";
    assert_eq!(run.stderr.matches(warning).count(), 1, "{}", run.stderr);
    assert_eq!(puts(&demo).len(), 2);
}

#[test]
fn apply_runs_the_rows_of_one_contact_in_file_order() {
    let w = World::new();
    let demo = w.demo();
    let original = demo.contact(1002).unwrap().title;
    let input = w.file(
        "same.jsonl",
        b"{\"id\": 1002, \"title\": \"T1\"}\n{\"id\": 1003, \"title\": \"Other\"}\n\
          {\"id\": 1002, \"title\": \"T2\"}\n{\"id\": 1002, \"title\": \"T3\"}\n\
          {\"id\": 1002, \"title\": \"T4\"}\n",
    );
    // Slow answers: rows that were not ordered would all read the contact before any
    // of them saved it.
    demo.set_latency(Duration::from_millis(100));
    let args = ["--concurrency", "4", "--report", "r.jsonl"];
    apply(&w, &demo.url(), &input, &args).code(0);
    let titles: Vec<String> = puts(&demo)
        .into_iter()
        .filter(|(p, _)| *p == at(1002))
        .map(|(_, body)| {
            let body: Value = serde_json::from_str(&body).unwrap();
            body["contact"]["title"].as_str().unwrap().to_string()
        })
        .collect();
    assert_eq!(titles, ["T1", "T2", "T3", "T4"], "sent in file order");
    assert_eq!(demo.contact(1002).unwrap().title, "T4", "the last row wins");
    // Each save's "before" is what the save before it stored.
    let chain: Vec<String> = w
        .journal()
        .iter()
        .filter(|e| e["contact_id"] == 1002)
        .map(|e| {
            let fields = e["fields"].as_array().unwrap();
            let title = fields.iter().find(|f| f["field"] == "title").unwrap();
            let text = |v: &Value| v.as_str().unwrap().to_string();
            format!("{} → {}", text(&title["before"]), text(&title["after"]))
        })
        .collect();
    let first = format!("{original} → T1");
    assert_eq!(chain, [first.as_str(), "T1 → T2", "T2 → T3", "T3 → T4"]);
}

#[test]
fn apply_empty_cells_leave_fields_unless_empty_clears_and_never_clear_a_find_column() {
    let w = World::new();
    let demo = w.demo();
    let input = w.file(
        "rows.csv",
        b"id,company,title,location\n1006,,Buyer,\n1008,, ,\n",
    );
    let run = apply(&w, &demo.url(), &input, &["--report", "r1.jsonl"]);
    run.code(0)
        .err_has("line 3: contact 1008 unchanged (nothing to send: the row has no value to set)\n");
    let lines = w.report("r1.jsonl");
    assert_eq!(statuses(&lines), "2 updated, 3 unchanged");
    // Only the row with a value was read and sent; the empty cells are not in the body.
    let hannah = r#"{"contact":{"first_name":"Hannah","title":"Buyer"}}"#;
    assert_eq!(
        log(&demo),
        [
            ("GET".into(), at(1006), String::new()),
            ("PUT".into(), at(1006), hannah.into()),
        ]
    );
    let hannah = demo.contact(1006).unwrap();
    assert_eq!(
        (hannah.company.as_str(), hannah.location.as_str()),
        ("Adventure Works GmbH", "Berlin, Deutschland")
    );

    // --empty-clears: an empty cell clears; but the e-mail of a row found by its phone
    // is never cleared by it.
    let input = w.file(
        "clears.csv",
        b"id,phone_number,email,company,title\n1006,,,,Head Buyer\n,(312) 555-0187,,,Lead\n",
    );
    let before = demo.requests().len();
    let args = [
        "--empty-clears",
        "--concurrency",
        "1",
        "--report",
        "r2.jsonl",
    ];
    apply(&w, &demo.url(), &input, &args).code(0);
    assert_sent(
        puts_since(&demo, before),
        &[
            (
                1006,
                r#"{"contact":{"first_name":"Hannah","email":"","phone_number":"","company":"","title":"Head Buyer"}}"#,
            ),
            (
                1007,
                r#"{"contact":{"first_name":"Marcus","company":"","title":"Lead"}}"#,
            ),
        ],
    );
    assert_eq!(
        demo.contact(1007).unwrap().email,
        "marcus.reed@example.com",
        "found by phone, its e-mail kept"
    );
}

#[test]
fn apply_reports_the_files_own_line_numbers_across_blank_lines() {
    let w = World::new();
    let demo = w.demo();
    let csv = w.file(
        "blank.csv",
        b"\n\nid,title\n\n1002,A\n\n\n1003,\"two\r\nlines\"\r\n\r\n1004,B\r\n\n1099x,C\n",
    );
    // The last row has no valid id.
    let run = apply(&w, &demo.url(), &csv, &["--report", "r1.jsonl"]);
    run.code(1)
        .err_has("line 13: failed: id \"1099x\" is not a contact id\n");
    assert_eq!(
        statuses(&w.report("r1.jsonl")),
        "5 updated, 8 updated, 11 updated, 13 failed"
    );
    let jsonl = w.file(
        "blank.jsonl",
        b"\n{\"id\": 1002, \"title\": \"A2\"}\r\n\r\n\n{\"id\": 1003, \"title\": \"B2\"}\n",
    );
    apply(&w, &demo.url(), &jsonl, &["--report", "r2.jsonl"]).code(0);
    assert_eq!(statuses(&w.report("r2.jsonl")), "2 updated, 5 updated");
}

#[test]
fn apply_clears_its_progress_bar_at_the_first_ctrl_c() {
    let w = World::new();
    let demo = w.demo();
    let input = w.file(
        "rows.jsonl",
        b"{\"id\": 1002, \"title\": \"T1\"}\n{\"id\": 1003, \"title\": \"T2\"}\n\
          {\"id\": 1004, \"title\": \"T3\"}\n",
    );
    // Every request takes a while, so the first row is in flight when Ctrl-C comes.
    demo.set_latency(Duration::from_secs(1));
    let file = input.to_str().unwrap();
    let mut pty = w.pty(&demo.url(), &["apply", file, "--concurrency", "1"]);
    pty.wait_for("/3 rows ·");
    pty.send("\x03");
    pty.wait_for("Ctrl-C: taking no more rows");
    // The note is said once the bar is gone: nothing frozen is left under it.
    assert!(!pty.contents().contains("rows ·"), "{}", pty.contents());
    pty.exits_showing(130, "Interrupted: rows not started were not sent.");
    let screen = pty.contents();
    assert!(!screen.contains("rows ·"), "{screen}");
    assert!(screen.contains("1 rows in "), "{screen}");
}

#[test]
fn apply_reports_a_partly_stored_row_as_partial_and_resume_sends_only_the_rest() {
    let w = World::new();
    let demo = w.demo();
    let input = w.file(
        "rows.jsonl",
        b"{\"id\": 1002, \"title\": \"Partial Title\", \"company\": \"Partial Co\"}\n",
    );
    assert!(demo.drop_field_next("company"));
    let run = apply(&w, &demo.url(), &input, &["--report", "r1.jsonl"]);
    run.code(1)
        .err_has("line 1: contact 1002 partly saved: not stored: company");
    let r1 = w.report("r1.jsonl");
    assert_eq!(statuses(&r1), "1 partial");
    assert_eq!(r1[0]["not_stored"], json!(["company"]));
    // The journal holds what was stored, not what was only sent.
    let journal = std::fs::read_to_string(w.journal_path()).unwrap();
    assert!(
        journal.contains("Partial Title") && !journal.contains("Partial Co"),
        "{journal}"
    );

    let args = ["--resume", "r1.jsonl", "--report", "r2.jsonl"];
    apply(&w, &demo.url(), &input, &args).code(0);
    assert_eq!(statuses(&w.report("r2.jsonl")), "1 updated");
    let sent = puts(&demo);
    assert_eq!(sent.len(), 2, "{sent:?}");
    assert_eq!(
        sent[1].1,
        r#"{"contact":{"first_name":"Jordan","company":"Partial Co"}}"#
    );
    assert_eq!(demo.contact(1002).unwrap().company, "Partial Co");
}

// ------------------------------------------------------------------ completions and man

#[test]
fn completions_man_and_help_come_from_the_clap_definitions() {
    let w = World::new();
    let run = w.run(NOWHERE, &["completions", "bash"]);
    run.code(0);
    for word in [
        "linq-contact",
        "apply",
        "--if-unchanged-since",
        "--concurrency",
    ] {
        run.out_has(word);
    }
    let run = w.run(NOWHERE, &["man"]);
    run.expect(0, StartsWith(".ie"), Any);
    for word in [
        ".TH linq-contact 1",
        ".TH linq-contact-apply 1",
        "EXIT CODES",
    ] {
        run.out_has(word);
    }
    for command in ["get", "set", "apply"] {
        let run = w.run(NOWHERE, &[command, "--help"]);
        run.code(0).out_has("EXIT CODES:\n  0  ");
    }
    let run = w.run(NOWHERE, &["apply", "--help"]);
    let help = run.stdout.split_whitespace().collect::<Vec<_>>().join(" ");
    for words in [
        "--concurrency <N> Rows in flight at once, over one connection pool: 1 to 64.",
        "--empty-clears In CSV, an empty cell clears its field",
        "partial",
    ] {
        assert!(
            help.contains(words),
            "{words:?} missing from:\n{}",
            run.stdout
        );
    }
    let run = w.run(NOWHERE, &["apply", "x.csv", "--concurrency", "65"]);
    run.code(2);
}

#[test]
fn help_names_the_editors_keys_from_the_keymap() {
    let w = World::new();
    let run = w.run(NOWHERE, &["--help"]);
    run.code(0);
    let keymap = linq_contact::keymap::Keymap::default();
    for action in [
        linq_contact::keymap::Action::Review,
        linq_contact::keymap::Action::New,
        linq_contact::keymap::Action::History,
    ] {
        run.out_has(&format!(
            "{:<24}{}",
            keymap.label(action),
            action.describe()
        ));
    }
}

/// `text` with every clock time (HH:MM:SS) written as `HH:MM:SS`: a check's time is the
/// local time it ran. Each must be a valid time of day.
fn untimed(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let window = &chars[i..(i + 8).min(chars.len())];
        let shape = |j: usize, c: &char| {
            if j == 2 || j == 5 {
                *c == ':'
            } else {
                c.is_ascii_digit()
            }
        };
        if window.len() == 8 && window.iter().enumerate().all(|(j, c)| shape(j, c)) {
            let time: String = window.iter().collect();
            let valid = chrono::NaiveTime::parse_from_str(&time, "%H:%M:%S");
            assert!(valid.is_ok(), "{time} is no time of day");
            out.push_str("HH:MM:SS");
            i += 8;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}
