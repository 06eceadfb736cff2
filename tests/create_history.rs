//! `create` and `history`, and the journal that `set` and `apply` now write too: the real
//! binary against the demo API (wiremock where the demo cannot lose an answer after
//! storing), with the exact requests, stdout, stderr, exit codes and journal lines.

mod common;

use common::cli::Out::{self, Any, EndsWith, StartsWith};
use common::cli::{CONTACTS, NO_ONE_TO_ASK, NOWHERE, World, answer, given, log, reply};
use linq_contact::demo::{DEMO_TOKEN, DemoServer, Fault};
use serde_json::{Value, json};
use std::os::unix::fs::PermissionsExt;
use wiremock::matchers::query_param;

fn find_email(email: &str) -> String {
    format!("{CONTACTS}/find?email={}", email.replace('@', "%40"))
}

fn find_phone(e164: &str) -> String {
    format!("{CONTACTS}/find?phone_number={}", e164.replace('+', "%2B"))
}

/// `(method, path)` of every request, and the bodies of the POSTs.
fn requests(demo: &DemoServer) -> (Vec<(String, String)>, Vec<String>) {
    let all = log(demo);
    let posts = all
        .iter()
        .filter(|(m, _, _)| m == "POST")
        .map(|(_, _, b)| b.clone())
        .collect();
    (all.into_iter().map(|(m, p, _)| (m, p)).collect(), posts)
}

fn req(m: &str, p: String) -> (String, String) {
    (m.to_string(), p)
}

fn field(name: &str, before: &str, after: &str) -> Value {
    json!({"field": name, "before": before, "after": after})
}

/// `create` with `fields` (`name=value`) and `flags` after them.
fn create(w: &World, url: &str, fields: &[&str], flags: &[&str]) -> common::cli::Run {
    w.run(url, &[&["create"][..], fields, flags].concat())
}

// ------------------------------------------------------------------------------- create

#[test]
fn create_sends_the_forms_body_prints_only_the_id_and_journals_it() {
    let w = World::new();
    let demo = w.demo();
    let next = demo.last_id() + 1;
    let fields = [
        "first_name= Ana ",
        "last_name=Lima",
        "email=ana.lima@example.com",
        "phone_number=(415) 555-2671",
        "company=",
        "user_email=priya.raman@example.com",
    ];
    let run = create(&w, &demo.url(), &fields, &["--yes"]);
    let said = format!(
        "\
New contact:
  First name: \"Ana\"
  Last name: \"Lima\"
  E-mail: \"ana.lima@example.com\"
  Phone: \"+14155552671\" (typed \"(415) 555-2671\")
  Owner: \"priya.raman@example.com\"
Created contact {next} (Ana Lima).
"
    );
    run.expect(0, &format!("{next}\n"), &said);
    // Duplicates first, one lookup per key; then the one POST, with only the values given.
    let (sent, posts) = requests(&demo);
    assert_eq!(
        sent,
        [
            req("GET", find_email("ana.lima@example.com")),
            req("GET", find_phone("+14155552671")),
            req("POST", CONTACTS.to_string()),
        ]
    );
    assert_eq!(
        posts,
        [
            r#"{"contact":{"first_name":"Ana","last_name":"Lima","email":"ana.lima@example.com","phone_number":"+14155552671","user_email":"priya.raman@example.com"}}"#
        ]
    );
    let stored = demo.contact(next).unwrap();
    assert_eq!(stored.owner_email(), "priya.raman@example.com");

    // One private journal line: the server, the new id, each field sent from nothing.
    assert_eq!(w.journal_mode(), 0o600);
    let text = std::fs::read_to_string(w.journal_path()).unwrap();
    assert!(!text.contains(DEMO_TOKEN), "the token is never journalled");
    let lines = w.journal();
    assert_eq!(lines.len(), 1, "{text}");
    let entry = &lines[0];
    assert_eq!(entry["server"], json!(demo.url()));
    assert_eq!(entry["contact_id"], json!(next));
    assert_eq!(entry["kind"], json!("create"));
    assert_eq!(
        entry["fields"],
        json!([
            field("first_name", "", "Ana"),
            field("last_name", "", "Lima"),
            field("email", "", "ana.lima@example.com"),
            field("phone_number", "", "+14155552671"),
            field("user_email", "", "priya.raman@example.com"),
        ])
    );
    let when = entry["at"].as_str().unwrap();
    assert!(chrono::DateTime::parse_from_rfc3339(when).is_ok(), "{when}");
}

#[test]
fn create_refuses_an_existing_email_or_phone_with_exit_3_unless_allowed() {
    let w = World::new();
    let demo = w.demo();
    let next = demo.last_id() + 1;
    let jordan = "contact 1002 (Jordan Blake, jordan.blake@example.com, +15550102000)";

    let by_email = ["first_name=Jo", "email=Jordan.Blake@example.com"];
    let said = format!(
        "linq-contact: already exists: {jordan}\nlinq-contact: nothing sent; \
         --allow-duplicate creates another contact all the same\n"
    );
    create(&w, &demo.url(), &by_email, &["-y"]).expect(3, "", EndsWith(&said));

    // The phone as typed locally is normalised before the lookup.
    let by_phone = ["last_name=Blake", "phone_number=+1 (555) 010-2000"];
    let run = create(&w, &demo.url(), &by_phone, &["-y"]);
    run.code(3)
        .err_has(&format!("linq-contact: already exists: {jordan}\n"));
    let (sent, posts) = requests(&demo);
    assert!(posts.is_empty(), "{sent:?}");
    assert!(w.journal().is_empty());

    let run = create(&w, &demo.url(), &by_phone, &["-y", "--allow-duplicate"]);
    let said = format!("Note: already exists: {jordan}; creating another (--allow-duplicate).\n");
    run.expect(0, &format!("{next}\n"), Out::Has(&said));
    let (_, posts) = requests(&demo);
    assert_eq!(
        posts,
        [r#"{"contact":{"last_name":"Blake","phone_number":"+15550102000"}}"#]
    );
    assert_eq!(w.journal().len(), 1);
}

#[test]
fn create_dry_run_looks_up_prints_the_exact_body_and_sends_nothing() {
    let w = World::new();
    let demo = w.demo();
    let fields = ["email=new.person@example.com", "title=CTO"];
    let run = create(&w, &demo.url(), &fields, &["--dry-run"]);
    let body = "{\"contact\":{\"email\":\"new.person@example.com\",\"title\":\"CTO\"}}\n";
    run.expect(0, body, EndsWith("Dry run: nothing sent.\n"));
    let (sent, _) = requests(&demo);
    assert_eq!(sent, [req("GET", find_email("new.person@example.com"))]);
    assert!(w.journal().is_empty());

    // A dry run answers what the real run would do, duplicates included.
    let fields = ["email=jordan.blake@example.com"];
    create(&w, &demo.url(), &fields, &["--dry-run"]).expect(3, "", Any);
}

#[test]
fn create_usage_and_validation_errors_exit_2_and_the_servers_422_is_kept() {
    let w = World::new();
    let demo = w.demo();
    for (field, message) in [
        (
            "company=Globex",
            "linq-contact: nothing sent: a new contact needs a first name, last name, e-mail or phone\n",
        ),
        (
            "first_name=",
            "linq-contact: nothing sent: every value given is empty; a new contact needs a \
             first name, last name, e-mail or phone\n",
        ),
        (
            "email=ana@",
            "linq-contact: nothing sent: E-mail: \"ana@\" is not a valid e-mail address\n",
        ),
        (
            "nickname=Ana",
            "linq-contact: unknown field \"nickname\"; valid fields: first_name, last_name, \
             email, phone_number, company, title, location, user_email\n",
        ),
    ] {
        create(&w, &demo.url(), &[field], &["-y"]).expect(2, Any, EndsWith(message));
    }
    assert!(demo.requests().is_empty(), "not even a lookup");

    // The server's refusal: every message it gave, exit 2, nothing created or journalled.
    let last = demo.last_id();
    let fields = ["first_name=Ana", "user_email=nobody@example.com"];
    let run = create(&w, &demo.url(), &fields, &["-y"]);
    let said = "linq-contact: nothing created: HTTP 422 Unprocessable Entity — VALIDATION_ERROR: \
                Validation failed\nlinq-contact: User email does not belong to a user of this \
                organization\n";
    run.expect(2, "", Out::Has(said));
    let (_, posts) = requests(&demo);
    assert_eq!(
        posts,
        [r#"{"contact":{"first_name":"Ana","user_email":"nobody@example.com"}}"#]
    );
    assert_eq!(demo.last_id(), last);
    assert!(w.journal().is_empty());
}

#[test]
fn create_asks_a_person_and_refuses_to_guess_without_a_terminal() {
    let w = World::new();
    let demo = w.demo();
    let run = w.run_input(&demo.url(), &["create", "first_name=Ana"], "y\n");
    run.expect(2, Any, EndsWith(NO_ONE_TO_ASK));
    assert!(demo.requests().is_empty());

    let next = demo.last_id() + 1;
    let mut no = w.pty(&demo.url(), &["create", "first_name=Ana"]);
    no.wait_for("Create this contact? [y/N]");
    no.send("\r");
    no.exits_showing(0, "Nothing sent.");
    let mut yes = w.pty(&demo.url(), &["create", "first_name=Ana"]);
    yes.wait_for("Create this contact? [y/N]");
    yes.send("y\r");
    yes.exits_showing(0, &format!("Created contact {next} (Ana)."));
    assert_eq!(requests(&demo).1.len(), 1);
}

#[test]
fn create_after_a_500_looks_it_up_and_never_posts_again() {
    let w = World::new();
    let demo = w.demo();
    let last = demo.last_id();
    demo.fail_next_for("POST", 1, Fault::ServerError);
    let fields = [
        "first_name=Ana",
        "email=ana.lima@example.com",
        "phone_number=+14155552671",
    ];
    let run = create(&w, &demo.url(), &fields, &["-y"]);
    run.expect(1, "", Any);
    let last_line = run.stderr.lines().last().unwrap();
    let rest = last_line
        .strip_prefix(
            "linq-contact: outcome unknown (server error (HTTP 500) — the service may be down; \
             try again shortly): not created as of ",
        )
        .unwrap_or_else(|| panic!("{}", run.stderr));
    let clock = rest
        .strip_suffix("; nothing was re-sent")
        .unwrap_or_else(|| panic!("{}", run.stderr));
    assert!(
        chrono::NaiveTime::parse_from_str(clock, "%H:%M:%S").is_ok(),
        "{clock}"
    );
    let (sent, posts) = requests(&demo);
    let lookups = [
        req("GET", find_email("ana.lima@example.com")),
        req("GET", find_phone("+14155552671")),
    ];
    let mut expected = lookups.to_vec();
    expected.push(req("POST", CONTACTS.to_string()));
    expected.extend(lookups);
    assert_eq!(sent, expected, "looked up before and after, posted once");
    assert_eq!(posts.len(), 1);
    assert_eq!(demo.last_id(), last);
    assert!(w.journal().is_empty());
}

#[test]
fn create_whose_answer_was_lost_counts_when_the_lookup_finds_it() {
    let w = World::new();
    let created = json!({"id": 77, "first_name": "Ana", "last_name": "Lima",
        "full_name": "Ana Lima", "email": "ana.lima@example.com",
        "created_at": "2025-07-30T10:00:00.000-05:00",
        "updated_at": "2025-07-30T10:00:00.000-05:00"});
    let find = format!("{CONTACTS}/find");
    let ana = || given("GET", &find).and(query_param("email", "ana.lima@example.com"));
    // Before the POST no one has the address; after it, the new contact does.
    let server = w.mock(vec![
        reply(ana(), 200, Some(json!({"contact": null})))
            .up_to_n_times(1)
            .with_priority(1),
        reply(ana(), 200, Some(created)),
        answer("POST", CONTACTS, 500, None),
    ]);
    let fields = [
        "first_name=Ana",
        "last_name=Lima",
        "email=ana.lima@example.com",
    ];
    let run = create(&w, &server.uri(), &fields, &["-y"]);
    let said = "; looking up e-mail ana.lima@example.com shows it was created: contact 77 (Ana \
                Lima).\n";
    run.expect(0, "77\n", EndsWith(said))
        .err_has("The answer to the create was lost (server error (HTTP 500)");
    let received = w.received(&server);
    let posts: Vec<&str> = received
        .iter()
        .filter(|(m, _)| m == "POST")
        .map(|(_, b)| b.as_str())
        .collect();
    assert_eq!(
        posts,
        [r#"{"contact":{"first_name":"Ana","last_name":"Lima","email":"ana.lima@example.com"}}"#]
    );
    let lines = w.journal();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["contact_id"], json!(77));
    assert_eq!(lines[0]["kind"], json!("create"));
    assert_eq!(lines[0]["server"], json!(server.uri()));

    // `history` by id reads the journal alone: the server is not asked again.
    let history = w.run(&server.uri(), &["history", "77"]);
    history
        .code(0)
        .out_has("contact 77  created  E-mail: \"\" → \"ana.lima@example.com\"\n");
    assert_eq!(w.received(&server).len(), received.len());
}

// ------------------------------------------------------------ the journal and history

/// The demo after `set 1002 title=CTO -y`.
fn saved_once() -> (World, DemoServer) {
    let w = World::new();
    let demo = w.demo();
    w.run(&demo.url(), &["set", "1002", "title=CTO", "-y"])
        .code(0);
    (w, demo)
}

#[test]
fn set_and_apply_journal_each_save_and_history_lists_them_newest_first() {
    let (w, demo) = saved_once();
    let rows = w.file(
        "rows.jsonl",
        b"{\"id\": 1003, \"title\": \"CMO\"}\n{\"id\": 1004, \"location\": \"Austin, TX\"}\n",
    );
    let rows = rows.display().to_string();
    w.run(&demo.url(), &["apply", &rows, "--dry-run"]).code(0);
    assert_eq!(w.journal().len(), 1, "a dry run journals nothing");
    w.run(&demo.url(), &["apply", &rows, "--concurrency", "1"])
        .code(0);

    let lines = w.journal();
    assert_eq!(w.journal_mode(), 0o600);
    let kinds: Vec<String> = lines
        .iter()
        .map(|l| format!("{} {}", l["contact_id"], l["kind"].as_str().unwrap()))
        .collect();
    assert_eq!(kinds, ["1002 save", "1003 save", "1004 save"]);
    // Every field sent: the identity field the API requires, and the change.
    assert_eq!(
        lines[0]["fields"],
        json!([
            field("first_name", "Jordan", "Jordan"),
            field("title", "Operations Manager", "CTO"),
        ])
    );
    assert_eq!(
        lines[2]["fields"],
        json!([
            field("first_name", "Liam", "Liam"),
            field("location", "Dublin, Ireland", "Austin, TX"),
        ])
    );
    let at = |i: usize| lines[i]["at"].as_str().unwrap().to_string();

    // The table: newest first, one line per field, columns aligned.
    let table = format!(
        "\
{}  contact 1004  saved  First name: \"Liam\" (unchanged)
{}  contact 1004  saved  Location: \"Dublin, Ireland\" → \"Austin, TX\"
{}  contact 1003  saved  First name: \"Samira\" (unchanged)
{}  contact 1003  saved  Title: \"Chief Medical Officer\" → \"CMO\"
{}  contact 1002  saved  First name: \"Jordan\" (unchanged)
{}  contact 1002  saved  Title: \"Operations Manager\" → \"CTO\"
",
        at(2),
        at(2),
        at(1),
        at(1),
        at(0),
        at(0),
    );
    w.run(&demo.url(), &["history"]).expect(0, &table, "");

    // --json: the journal's own lines, newest first; --limit keeps the newest.
    let json_run = w.run(&demo.url(), &["history", "--json", "--limit", "2"]);
    let said = "Showing the newest 2 of 3 entries; --limit N shows more.\n";
    json_run.expect(0, Any, said);
    let printed = common::cli::json_lines(&json_run.stdout);
    assert_eq!(printed, [lines[2].clone(), lines[1].clone()]);

    // One contact: by id, or by e-mail through the find endpoint.
    let one = w.run(&demo.url(), &["history", "1002", "--json"]);
    one.code(0);
    let parsed: Value = serde_json::from_str(&one.stdout).unwrap();
    assert_eq!((parsed, one.stdout.lines().count()), (lines[0].clone(), 1));
    let by_email = w.run(
        &demo.url(),
        &["history", "jordan.blake@example.com", "--json"],
    );
    by_email.expect(0, &one.stdout, Any);
    assert_eq!(
        log(&demo).last().map(|(m, p, _)| (m.clone(), p.clone())),
        Some(req("GET", find_email("jordan.blake@example.com")))
    );
    assert!(at(0) <= at(1) && at(1) <= at(2));
}

#[test]
fn history_by_id_needs_no_network_and_no_token_and_keeps_servers_apart() {
    let w = World::new();
    let demo = w.demo();
    let url = demo.url();
    w.run(&url, &["set", "1002", "title=CTO", "-y"]).code(0);
    drop(demo);

    let mut offline = w.command(&url, &["history", "1002"]);
    offline.env_remove("LINQ_INTEGRATION_TOKEN");
    let out = offline.output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    let saved = "  contact 1002  saved  Title: \"Operations Manager\" → \"CTO\"\n";
    assert!(stdout.ends_with(saved), "{stdout}");

    let said = format!(
        "No saves or creates of contact 1002 on {NOWHERE} are recorded on this machine \
         (journal: {}).\n",
        w.journal_path().display()
    );
    w.run(NOWHERE, &["history", "1002"]).expect(0, "", &said);
}

#[test]
fn history_of_an_address_no_contact_has_now_shows_the_entries_that_changed_it() {
    let w = World::new();
    let demo = w.demo();
    let args = ["set", "1002", "email=jordan@contoso.example", "-y"];
    w.run(&demo.url(), &args).code(0);
    let old = w.run(&demo.url(), &["history", "Jordan.Blake@example.com"]);
    let changed = "  contact 1002  saved  E-mail: \"jordan.blake@example.com\" → \
                   \"jordan@contoso.example\"\n";
    let said = "No contact has Jordan.Blake@example.com now; these entries set it or changed it \
                away:\n";
    old.expect(0, EndsWith(changed), said);

    let unknown = w.run(&demo.url(), &["history", "nobody@example.com"]);
    let said = "linq-contact: no contact with e-mail nobody@example.com, and no journal entry \
                mentions it\n";
    unknown.expect(4, Any, said);
    for args in [
        &["history", "not a contact"][..],
        &["history", "--limit", "0"],
    ] {
        w.run(&demo.url(), args).code(2);
    }
}

#[test]
fn create_and_history_list_their_exit_codes_in_help() {
    let w = World::new();
    for command in ["create", "history"] {
        let run = w.run(NOWHERE, &[command, "--help"]);
        run.code(0).out_has("EXIT CODES:\n  0  ");
    }
    let run = w.run(NOWHERE, &["create", "--help"]);
    run.out_has("  3  a contact with this e-mail or phone exists already");
}

#[test]
fn a_journal_that_cannot_be_written_is_a_warning_not_a_failure() {
    let w = World::new();
    let demo = w.demo();
    // A directory where the file should be: every append fails.
    std::fs::create_dir_all(w.journal_path()).unwrap();
    let run = w.run(&demo.url(), &["set", "1002", "title=CTO", "-y"]);
    let warning = format!(
        "linq-contact: ⚠ this save is not in the journal: cannot write {}: ",
        w.journal_path().display()
    );
    run.code(0).err_has(&warning);
    assert_eq!(demo.contact(1002).unwrap().title, "CTO");

    let next = demo.last_id() + 1;
    let run = create(&w, &demo.url(), &["first_name=Ana"], &["-y"]);
    run.expect(0, &format!("{next}\n"), Out::Has(&warning));
}

#[test]
fn history_of_a_journal_that_cannot_be_read_fails_naming_it() {
    let w = World::new();
    // No journal yet: nothing recorded, and that is no failure.
    w.run(NOWHERE, &["history", "1002"]).code(0);
    // A directory in its place: an error, not an empty history.
    std::fs::create_dir_all(w.journal_path()).unwrap();
    let said = format!(
        "linq-contact: cannot read the journal {}: ",
        w.journal_path().display()
    );
    for args in [&["history"][..], &["history", "1002", "--json"]] {
        w.run(NOWHERE, args).expect(1, "", StartsWith(&said));
    }
}

#[test]
fn a_torn_line_costs_no_later_save_and_history_counts_it() {
    let (w, demo) = saved_once();
    // A full disk tore the next line, and the file was made readable by others since.
    let mut text = std::fs::read_to_string(w.journal_path()).unwrap();
    text.push_str(r#"{"at":"2026-01-01T10:00:00+00:00","server":"#);
    std::fs::write(w.journal_path(), &text).unwrap();
    std::fs::set_permissions(w.journal_path(), std::fs::Permissions::from_mode(0o644)).unwrap();
    let run = w.run(&demo.url(), &["set", "1003", "title=CMO", "-y"]);
    run.code(0);
    assert!(!run.stderr.contains("journal"), "{}", run.stderr);
    assert_eq!(w.journal_mode(), 0o600, "tightened by the append");

    let history = w.run(&demo.url(), &["history"]);
    let said = format!(
        "linq-contact: warning: 1 unreadable journal line skipped ({})\n",
        w.journal_path().display()
    );
    history.expect(0, Any, &said);
    let saved: Vec<&str> = history
        .stdout
        .lines()
        .filter(|l| l.contains("Title:"))
        .map(|l| l.split("  ").nth(1).unwrap_or_default())
        .collect();
    assert_eq!(
        saved,
        ["contact 1003", "contact 1002"],
        "{}",
        history.stdout
    );
}

#[test]
fn history_prints_no_control_or_bidi_character_from_the_journal() {
    let w = World::new();
    // Written by something else (or an older version): ESC, BEL and a right-to-left
    // override in every text.
    let dirty = "Sales\u{1b}]0;owned\u{7}\u{202e}lanif";
    let line = json!({
        "at": format!("2026-01-01T10:00:00+00:00{dirty}"),
        "server": NOWHERE,
        "contact_id": 1002,
        "kind": format!("save{dirty}"),
        "fields": [field(&format!("title{dirty}"), dirty, dirty)],
    });
    std::fs::create_dir_all(w.journal_path().parent().unwrap()).unwrap();
    std::fs::write(w.journal_path(), format!("{line}\n")).unwrap();
    for args in [&["history"][..], &["history", "1002", "--json"]] {
        let run = w.run(NOWHERE, args);
        run.code(0).out_has("Sales]0;ownedlanif");
        for bad in ['\u{1b}', '\u{7}', '\u{202e}'] {
            assert!(!run.stdout.contains(bad), "{bad:?} in {:?}", run.stdout);
        }
        assert!(!run.stdout.contains("\\u001b"), "{:?}", run.stdout);
    }
}
