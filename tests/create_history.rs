//! `create` and `history`, and the journal that `set` and `apply` now write too: the real
//! binary against the demo API (wiremock where the demo cannot lose an answer after
//! storing), with the exact requests, stdout, stderr, exit codes and journal lines.

mod common;

use common::cli::{CONTACTS, World, log};
use common::pty::Session;
use linq_contact::demo::{DEMO_TOKEN, DemoServer, Fault};
use serde_json::{Value, json};
use std::os::unix::fs::PermissionsExt;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

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

/// The journal's lines, parsed, oldest first; none when there is no journal.
fn journal(w: &World) -> Vec<Value> {
    match std::fs::read_to_string(w.journal_path()) {
        Ok(text) => text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l:?}")))
            .collect(),
        Err(_) => Vec::new(),
    }
}

fn field(name: &str, before: &str, after: &str) -> Value {
    json!({"field": name, "before": before, "after": after})
}

// ------------------------------------------------------------------------------- create

#[test]
fn create_sends_the_forms_body_prints_only_the_id_and_journals_it() {
    let w = World::new();
    let demo = w.demo();
    let next = demo.last_id() + 1;
    let run = w.run(
        &demo.url(),
        &[
            "create",
            "first_name= Ana ",
            "last_name=Lima",
            "email=ana.lima@example.com",
            "phone_number=(415) 555-2671",
            "company=",
            "user_email=priya.raman@example.com",
            "--yes",
        ],
        None,
    );
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(run.stdout, format!("{next}\n"));
    assert_eq!(
        run.stderr,
        format!(
            "\
New contact:
  First name: \"Ana\"
  Last name: \"Lima\"
  E-mail: \"ana.lima@example.com\"
  Phone: \"+14155552671\" (typed \"(415) 555-2671\")
  Owner: \"priya.raman@example.com\"
Created contact {next} (Ana Lima).
"
        )
    );
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
    let mode = std::fs::metadata(w.journal_path())
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    let text = std::fs::read_to_string(w.journal_path()).unwrap();
    assert!(!text.contains(DEMO_TOKEN), "the token is never journalled");
    let lines = journal(&w);
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

    let by_email = w.run(
        &demo.url(),
        &[
            "create",
            "first_name=Jo",
            "email=Jordan.Blake@example.com",
            "-y",
        ],
        None,
    );
    assert_eq!(by_email.code, Some(3), "{by_email:?}");
    assert_eq!(by_email.stdout, "");
    assert!(
        by_email.stderr.ends_with(&format!(
            "linq-contact: already exists: {jordan}\nlinq-contact: nothing sent; \
             --allow-duplicate creates another contact all the same\n"
        )),
        "{}",
        by_email.stderr
    );

    // The phone as typed locally is normalised before the lookup.
    let by_phone = w.run(
        &demo.url(),
        &[
            "create",
            "last_name=Blake",
            "phone_number=+1 (555) 010-2000",
            "-y",
        ],
        None,
    );
    assert_eq!(by_phone.code, Some(3), "{by_phone:?}");
    assert!(
        by_phone
            .stderr
            .contains(&format!("linq-contact: already exists: {jordan}\n")),
        "{}",
        by_phone.stderr
    );
    let (sent, posts) = requests(&demo);
    assert!(posts.is_empty(), "{sent:?}");
    assert!(journal(&w).is_empty());

    let allowed = w.run(
        &demo.url(),
        &[
            "create",
            "last_name=Blake",
            "phone_number=+1 (555) 010-2000",
            "-y",
            "--allow-duplicate",
        ],
        None,
    );
    assert_eq!(allowed.code, Some(0), "{allowed:?}");
    assert_eq!(allowed.stdout, format!("{next}\n"));
    assert!(
        allowed.stderr.contains(&format!(
            "Note: already exists: {jordan}; creating another (--allow-duplicate).\n"
        )),
        "{}",
        allowed.stderr
    );
    let (_, posts) = requests(&demo);
    assert_eq!(
        posts,
        [r#"{"contact":{"last_name":"Blake","phone_number":"+15550102000"}}"#]
    );
    assert_eq!(journal(&w).len(), 1);
}

#[test]
fn create_dry_run_looks_up_prints_the_exact_body_and_sends_nothing() {
    let w = World::new();
    let demo = w.demo();
    let run = w.run(
        &demo.url(),
        &[
            "create",
            "email=new.person@example.com",
            "title=CTO",
            "--dry-run",
        ],
        None,
    );
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(
        run.stdout,
        "{\"contact\":{\"email\":\"new.person@example.com\",\"title\":\"CTO\"}}\n"
    );
    assert!(
        run.stderr.ends_with("Dry run: nothing sent.\n"),
        "{}",
        run.stderr
    );
    let (sent, _) = requests(&demo);
    assert_eq!(sent, [req("GET", find_email("new.person@example.com"))]);
    assert!(journal(&w).is_empty());

    // A dry run answers what the real run would do, duplicates included.
    let run = w.run(
        &demo.url(),
        &["create", "email=jordan.blake@example.com", "--dry-run"],
        None,
    );
    assert_eq!(run.code, Some(3), "{run:?}");
    assert_eq!(run.stdout, "");
}

#[test]
fn create_usage_and_validation_errors_exit_2_and_the_servers_422_is_kept() {
    let w = World::new();
    let demo = w.demo();
    for (args, message) in [
        (
            &["create", "company=Globex", "-y"][..],
            "linq-contact: nothing sent: a new contact needs a first name, last name, e-mail or phone\n",
        ),
        (
            &["create", "first_name=", "-y"][..],
            "linq-contact: nothing sent: every value given is empty; a new contact needs a \
             first name, last name, e-mail or phone\n",
        ),
        (
            &["create", "email=ana@", "-y"][..],
            "linq-contact: nothing sent: E-mail: \"ana@\" is not a valid e-mail address\n",
        ),
        (
            &["create", "nickname=Ana", "-y"][..],
            "linq-contact: unknown field \"nickname\"; valid fields: first_name, last_name, \
             email, phone_number, company, title, location, user_email\n",
        ),
    ] {
        let run = w.run(&demo.url(), args, None);
        assert_eq!(run.code, Some(2), "{args:?}: {run:?}");
        assert!(run.stderr.ends_with(message), "{args:?}: {}", run.stderr);
    }
    assert!(demo.requests().is_empty(), "not even a lookup");

    // The server's refusal: every message it gave, exit 2, nothing created or journalled.
    let last = demo.last_id();
    let run = w.run(
        &demo.url(),
        &[
            "create",
            "first_name=Ana",
            "user_email=nobody@example.com",
            "-y",
        ],
        None,
    );
    assert_eq!(run.code, Some(2), "{run:?}");
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr.contains(
            "linq-contact: nothing created: HTTP 422 Unprocessable Entity — VALIDATION_ERROR: \
             Validation failed\nlinq-contact: User email does not belong to a user of this \
             organization\n"
        ),
        "{}",
        run.stderr
    );
    let (_, posts) = requests(&demo);
    assert_eq!(
        posts,
        [r#"{"contact":{"first_name":"Ana","user_email":"nobody@example.com"}}"#]
    );
    assert_eq!(demo.last_id(), last);
    assert!(journal(&w).is_empty());
}

#[test]
fn create_asks_a_person_and_refuses_to_guess_without_a_terminal() {
    let w = World::new();
    let demo = w.demo();
    let run = w.run(&demo.url(), &["create", "first_name=Ana"], Some("y\n"));
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(
        run.stderr.ends_with(
            "linq-contact: nothing sent: stdin is not a terminal, so there is no one to ask; \
             add --yes to send without asking\n"
        ),
        "{}",
        run.stderr
    );
    assert!(demo.requests().is_empty());

    let state = w.dir.join("state");
    let env = [
        ("LINQ_API_URL", demo.url()),
        ("LINQ_INTEGRATION_TOKEN", DEMO_TOKEN.to_string()),
        ("XDG_STATE_HOME", state.display().to_string()),
        ("HOME", w.dir.display().to_string()),
    ];
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let next = demo.last_id() + 1;
    let mut no = Session::start(&["create", "first_name=Ana"], &env);
    no.wait_for("Create this contact? [y/N]");
    no.send("\r");
    assert_eq!(no.wait_exit(), 0, "{}", no.contents());
    assert!(no.contents().contains("Nothing sent."), "{}", no.contents());
    let mut yes = Session::start(&["create", "first_name=Ana"], &env);
    yes.wait_for("Create this contact? [y/N]");
    yes.send("y\r");
    assert_eq!(yes.wait_exit(), 0, "{}", yes.contents());
    assert!(
        yes.contents()
            .contains(&format!("Created contact {next} (Ana).")),
        "{}",
        yes.contents()
    );
    assert_eq!(requests(&demo).1.len(), 1);
}

#[test]
fn create_after_a_500_looks_it_up_and_never_posts_again() {
    let w = World::new();
    let demo = w.demo();
    let last = demo.last_id();
    demo.fail_next_for("POST", 1, Fault::ServerError);
    let run = w.run(
        &demo.url(),
        &[
            "create",
            "first_name=Ana",
            "email=ana.lima@example.com",
            "phone_number=+14155552671",
            "-y",
        ],
        None,
    );
    assert_eq!(run.code, Some(1), "{run:?}");
    assert_eq!(run.stdout, "");
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
    assert!(journal(&w).is_empty());
}

#[test]
fn create_whose_answer_was_lost_counts_when_the_lookup_finds_it() {
    let w = World::new();
    let server = w.rt.block_on(MockServer::start());
    let created = json!({"id": 77, "first_name": "Ana", "last_name": "Lima",
        "full_name": "Ana Lima", "email": "ana.lima@example.com",
        "created_at": "2025-07-30T10:00:00.000-05:00",
        "updated_at": "2025-07-30T10:00:00.000-05:00"});
    let find = format!("{CONTACTS}/find");
    w.rt.block_on(async {
        // Before the POST no one has the address; after it, the new contact does.
        Mock::given(method("GET"))
            .and(path(find.as_str()))
            .and(query_param("email", "ana.lima@example.com"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"contact": null})))
            .up_to_n_times(1)
            .with_priority(1)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path(find.as_str()))
            .and(query_param("email", "ana.lima@example.com"))
            .respond_with(ResponseTemplate::new(200).set_body_json(created.clone()))
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path(CONTACTS))
            .respond_with(ResponseTemplate::new(500))
            .mount(&server)
            .await;
    });
    let run = w.run(
        &server.uri(),
        &[
            "create",
            "first_name=Ana",
            "last_name=Lima",
            "email=ana.lima@example.com",
            "-y",
        ],
        None,
    );
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(run.stdout, "77\n");
    assert!(
        run.stderr.ends_with(
            "; looking up e-mail ana.lima@example.com shows it was created: contact 77 (Ana \
             Lima).\n"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("The answer to the create was lost (server error (HTTP 500)"),
        "{}",
        run.stderr
    );
    let received = w.rt.block_on(server.received_requests()).unwrap();
    let posts: Vec<String> = received
        .iter()
        .filter(|r| r.method.as_str() == "POST")
        .map(|r| String::from_utf8_lossy(&r.body).into_owned())
        .collect();
    assert_eq!(
        posts,
        [r#"{"contact":{"first_name":"Ana","last_name":"Lima","email":"ana.lima@example.com"}}"#]
    );
    let lines = journal(&w);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["contact_id"], json!(77));
    assert_eq!(lines[0]["kind"], json!("create"));
    assert_eq!(lines[0]["server"], json!(server.uri()));

    // `history` by id reads the journal alone: the server is not asked again.
    let before = received.len();
    let history = w.run(&server.uri(), &["history", "77"], None);
    assert_eq!(history.code, Some(0), "{history:?}");
    assert!(
        history
            .stdout
            .contains("contact 77  created  E-mail: \"\" → \"ana.lima@example.com\"\n")
    );
    let after = w.rt.block_on(server.received_requests()).unwrap().len();
    assert_eq!(after, before);
}

// ------------------------------------------------------------ the journal and history

#[test]
fn set_and_apply_journal_each_save_and_history_lists_them_newest_first() {
    let w = World::new();
    let demo = w.demo();
    let run = w.run(&demo.url(), &["set", "1002", "title=CTO", "-y"], None);
    assert_eq!(run.code, Some(0), "{run:?}");
    let rows = w.file(
        "rows.jsonl",
        b"{\"id\": 1003, \"title\": \"CMO\"}\n{\"id\": 1004, \"location\": \"Austin, TX\"}\n",
    );
    let rows = rows.display().to_string();
    let dry = w.run(&demo.url(), &["apply", &rows, "--dry-run"], None);
    assert_eq!(dry.code, Some(0), "{dry:?}");
    assert_eq!(journal(&w).len(), 1, "a dry run journals nothing");
    let run = w.run(&demo.url(), &["apply", &rows, "--concurrency", "1"], None);
    assert_eq!(run.code, Some(0), "{run:?}");

    let lines = journal(&w);
    let mode = std::fs::metadata(w.journal_path())
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    let kinds: Vec<(u64, &str)> = lines
        .iter()
        .map(|l| {
            (
                l["contact_id"].as_u64().unwrap(),
                l["kind"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(kinds, [(1002, "save"), (1003, "save"), (1004, "save")]);
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
    let all = w.run(&demo.url(), &["history"], None);
    assert_eq!(all.code, Some(0), "{all:?}");
    assert_eq!(
        all.stdout,
        format!(
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
        )
    );
    assert_eq!(all.stderr, "");

    // --json: the journal's own lines, newest first; --limit keeps the newest.
    let json_run = w.run(&demo.url(), &["history", "--json", "--limit", "2"], None);
    assert_eq!(json_run.code, Some(0), "{json_run:?}");
    let printed: Vec<Value> = json_run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(printed, [lines[2].clone(), lines[1].clone()]);
    assert_eq!(
        json_run.stderr,
        "Showing the newest 2 of 3 entries; --limit N shows more.\n"
    );

    // One contact: by id, or by e-mail through the find endpoint.
    let one = w.run(&demo.url(), &["history", "1002", "--json"], None);
    assert_eq!(one.code, Some(0), "{one:?}");
    let parsed: Value = serde_json::from_str(&one.stdout).unwrap();
    assert_eq!((parsed, one.stdout.lines().count()), (lines[0].clone(), 1));
    let by_email = w.run(
        &demo.url(),
        &["history", "jordan.blake@example.com", "--json"],
        None,
    );
    assert_eq!(by_email.code, Some(0), "{by_email:?}");
    assert_eq!(by_email.stdout, one.stdout);
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
    let run = w.run(&url, &["set", "1002", "title=CTO", "-y"], None);
    assert_eq!(run.code, Some(0), "{run:?}");
    drop(demo);

    let mut offline = w.command(&url, &["history", "1002"]);
    offline.env_remove("LINQ_INTEGRATION_TOKEN");
    let out = offline.output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.ends_with("  contact 1002  saved  Title: \"Operations Manager\" → \"CTO\"\n"),
        "{stdout}"
    );

    let elsewhere = "http://127.0.0.1:9";
    let other = w.run(elsewhere, &["history", "1002"], None);
    assert_eq!(other.code, Some(0), "{other:?}");
    assert_eq!(other.stdout, "");
    assert_eq!(
        other.stderr,
        format!(
            "No saves or creates of contact 1002 on {elsewhere} are recorded on this machine \
             (journal: {}).\n",
            w.journal_path().display()
        )
    );
}

#[test]
fn history_of_an_address_no_contact_has_now_shows_the_entries_that_changed_it() {
    let w = World::new();
    let demo = w.demo();
    let run = w.run(
        &demo.url(),
        &["set", "1002", "email=jordan@contoso.example", "-y"],
        None,
    );
    assert_eq!(run.code, Some(0), "{run:?}");
    let old = w.run(&demo.url(), &["history", "Jordan.Blake@example.com"], None);
    assert_eq!(old.code, Some(0), "{old:?}");
    assert!(
        old.stdout.ends_with(
            "  contact 1002  saved  E-mail: \"jordan.blake@example.com\" → \
             \"jordan@contoso.example\"\n"
        ),
        "{}",
        old.stdout
    );
    assert_eq!(
        old.stderr,
        "No contact has Jordan.Blake@example.com now; these entries set it or changed it away:\n"
    );

    let unknown = w.run(&demo.url(), &["history", "nobody@example.com"], None);
    assert_eq!(unknown.code, Some(4), "{unknown:?}");
    assert_eq!(
        unknown.stderr,
        "linq-contact: no contact with e-mail nobody@example.com, and no journal entry \
         mentions it\n"
    );
    let bad = w.run(&demo.url(), &["history", "not a contact"], None);
    assert_eq!(bad.code, Some(2), "{bad:?}");
    let zero = w.run(&demo.url(), &["history", "--limit", "0"], None);
    assert_eq!(zero.code, Some(2), "{zero:?}");
}

#[test]
fn create_and_history_list_their_exit_codes_in_help() {
    let w = World::new();
    for command in ["create", "history"] {
        let run = w.run("http://127.0.0.1:9", &[command, "--help"], None);
        assert_eq!(run.code, Some(0), "{run:?}");
        assert!(run.stdout.contains("EXIT CODES:\n  0  "), "{}", run.stdout);
    }
    let run = w.run("http://127.0.0.1:9", &["create", "--help"], None);
    assert!(
        run.stdout
            .contains("  3  a contact with this e-mail or phone exists already")
    );
}

#[test]
fn a_journal_that_cannot_be_written_is_a_warning_not_a_failure() {
    let w = World::new();
    let demo = w.demo();
    // A directory where the file should be: every append fails.
    std::fs::create_dir_all(w.journal_path()).unwrap();
    let run = w.run(&demo.url(), &["set", "1002", "title=CTO", "-y"], None);
    assert_eq!(run.code, Some(0), "{run:?}");
    let warning = format!(
        "linq-contact: ⚠ this save is not in the journal: cannot write {}: ",
        w.journal_path().display()
    );
    assert!(run.stderr.contains(&warning), "{}", run.stderr);
    assert_eq!(demo.contact(1002).unwrap().title, "CTO");

    let next = demo.last_id() + 1;
    let run = w.run(&demo.url(), &["create", "first_name=Ana", "-y"], None);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(run.stdout, format!("{next}\n"));
    assert!(run.stderr.contains(&warning), "{}", run.stderr);
}

#[test]
fn history_of_a_journal_that_cannot_be_read_fails_naming_it() {
    let w = World::new();
    // No journal yet: nothing recorded, and that is no failure.
    let none = w.run("http://127.0.0.1:9", &["history", "1002"], None);
    assert_eq!(none.code, Some(0), "{none:?}");
    // A directory in its place: an error, not an empty history.
    std::fs::create_dir_all(w.journal_path()).unwrap();
    for args in [&["history"][..], &["history", "1002", "--json"]] {
        let run = w.run("http://127.0.0.1:9", args, None);
        assert_eq!(run.code, Some(1), "{run:?}");
        assert_eq!(run.stdout, "");
        assert!(
            run.stderr.starts_with(&format!(
                "linq-contact: cannot read the journal {}: ",
                w.journal_path().display()
            )),
            "{}",
            run.stderr
        );
    }
}

#[test]
fn a_torn_line_costs_no_later_save_and_history_counts_it() {
    let w = World::new();
    let demo = w.demo();
    let run = w.run(&demo.url(), &["set", "1002", "title=CTO", "-y"], None);
    assert_eq!(run.code, Some(0), "{run:?}");
    // A full disk tore the next line, and the file was made readable by others since.
    let mut text = std::fs::read_to_string(w.journal_path()).unwrap();
    text.push_str(r#"{"at":"2026-01-01T10:00:00+00:00","server":"#);
    std::fs::write(w.journal_path(), &text).unwrap();
    std::fs::set_permissions(w.journal_path(), std::fs::Permissions::from_mode(0o644)).unwrap();
    let run = w.run(&demo.url(), &["set", "1003", "title=CMO", "-y"], None);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(!run.stderr.contains("journal"), "{}", run.stderr);
    let mode = std::fs::metadata(w.journal_path())
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600, "tightened by the append");

    let history = w.run(&demo.url(), &["history"], None);
    assert_eq!(history.code, Some(0), "{history:?}");
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
    assert_eq!(
        history.stderr,
        format!(
            "linq-contact: warning: 1 unreadable journal line skipped ({})\n",
            w.journal_path().display()
        )
    );
}

#[test]
fn history_prints_no_control_or_bidi_character_from_the_journal() {
    let w = World::new();
    let url = "http://127.0.0.1:9";
    // Written by something else (or an older version): ESC, BEL and a right-to-left
    // override in every text.
    let dirty = "Sales\u{1b}]0;owned\u{7}\u{202e}lanif";
    let line = json!({
        "at": format!("2026-01-01T10:00:00+00:00{dirty}"),
        "server": url,
        "contact_id": 1002,
        "kind": format!("save{dirty}"),
        "fields": [field(&format!("title{dirty}"), dirty, dirty)],
    });
    std::fs::create_dir_all(w.journal_path().parent().unwrap()).unwrap();
    std::fs::write(w.journal_path(), format!("{line}\n")).unwrap();
    for args in [&["history"][..], &["history", "1002", "--json"]] {
        let run = w.run(url, args, None);
        assert_eq!(run.code, Some(0), "{run:?}");
        assert!(run.stdout.contains("Sales]0;ownedlanif"), "{run:?}");
        for bad in ['\u{1b}', '\u{7}', '\u{202e}'] {
            assert!(!run.stdout.contains(bad), "{bad:?} in {:?}", run.stdout);
        }
        assert!(!run.stdout.contains("\\u001b"), "{:?}", run.stdout);
    }
}
