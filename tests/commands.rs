//! The scripting commands run as the real binary against an API on loopback (the demo,
//! or wiremock where the demo cannot misbehave the way a test needs): the exact bodies
//! sent, stdout, stderr and the exit codes.

use linq_contact::api::{Contact, ContactPatch};
use linq_contact::demo::{DemoServer, Fault};
use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

mod common;

use common::cli::{BIN, CONTACTS, World, at, log, puts};

/// The report's lines, parsed, in input order.
fn report(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l:?}")))
        .collect();
    lines.sort_by_key(|v| v["line"].as_u64());
    lines
}

fn statuses(lines: &[Value]) -> Vec<(u64, String)> {
    lines
        .iter()
        .map(|v| {
            (
                v["line"].as_u64().unwrap(),
                v["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

// ---------------------------------------------------------------------------------- get

#[test]
fn get_prints_a_table_or_the_api_object_and_nothing_else() {
    let w = World::new();
    let demo = w.demo();
    let run = w.run(&demo.url(), &["get", "1002"], None);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(run.stderr, "");
    assert_eq!(
        run.stdout,
        "\
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
"
    );

    let run = w.run(
        &demo.url(),
        &["get", "jordan.blake@example.com", "--json"],
        None,
    );
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(run.stderr, "");
    let printed: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        printed,
        serde_json::to_value(demo.contact(1002).unwrap()).unwrap()
    );
    assert_eq!(
        log(&demo).last().map(|(m, p, _)| (m.as_str(), p.as_str())),
        Some((
            "GET",
            "/api/partner/v2/contacts/find?email=jordan.blake%40example.com"
        ))
    );
}

#[test]
fn get_keeps_control_characters_off_the_terminal() {
    let w = World::new();
    let demo = w.demo();
    let table = w.run(&demo.url(), &["get", "1018"], None);
    assert_eq!(table.code, Some(0), "{table:?}");
    assert!(table.stdout.contains("Title       Head of [2JSecurity\n"));
    let json = w.run(&demo.url(), &["get", "1018", "--json"], None);
    assert!(!json.stdout.contains('\u{1b}'), "{}", json.stdout);
    let printed: Contact = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(printed, demo.contact(1018).unwrap(), "same data, escaped");
}

#[test]
fn get_exits_4_when_not_found_and_2_for_what_names_no_contact() {
    let w = World::new();
    let demo = w.demo();
    let run = w.run(&demo.url(), &["get", "99999"], None);
    assert_eq!(
        (run.code, run.stdout.as_str(), run.stderr.as_str()),
        (Some(4), "", "linq-contact: contact 99999 not found\n")
    );
    let run = w.run(&demo.url(), &["get", "nobody@example.com"], None);
    assert_eq!(run.code, Some(4), "{run:?}");
    assert_eq!(
        run.stderr,
        "linq-contact: no contact with e-mail nobody@example.com\n"
    );
    let before = demo.requests().len();
    let run = w.run(&demo.url(), &["get", "hello"], None);
    assert_eq!(
        (run.code, run.stdout.as_str(), run.stderr.as_str()),
        (
            Some(2),
            "",
            "linq-contact: \"hello\" is not an id, an e-mail or a phone number\n"
        )
    );
    assert_eq!(demo.requests().len(), before, "nothing sent");
}

// ---------------------------------------------------------------------------------- set

#[test]
fn set_with_yes_sends_the_editors_minimal_body_and_says_what_changed() {
    let w = World::new();
    let demo = w.demo();
    let run = w.run(
        &demo.url(),
        &[
            "set",
            "1002",
            "title=CTO",
            "location=",
            "company=Contoso Logistics",
            "--yes",
        ],
        None,
    );
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(run.stdout, "");
    let stored = demo.contact(1002).unwrap();
    assert_eq!(
        run.stderr,
        format!(
            "\
contact 1002 (Jordan Blake), updated 2025-05-02T08:30:00.000-05:00:
  Title: \"Operations Manager\" → \"CTO\"
  Location: \"Chicago, IL\" → \"\"
  First name: \"Jordan\" (sent unchanged: required by the API)
Saved contact 1002 (Jordan Blake): title, location; updated {}.
",
            stored.updated_at
        )
    );
    // The unchanged company is not sent; the identity rule adds the first name.
    assert_eq!(
        puts(&demo),
        vec![(
            at(1002),
            r#"{"contact":{"first_name":"Jordan","title":"CTO","location":""}}"#.to_string()
        )]
    );
    assert_eq!(
        (stored.title.as_str(), stored.location.as_str()),
        ("CTO", "")
    );
}

#[test]
fn set_normalises_phones_and_finds_contacts_like_the_editor() {
    let w = World::new();
    let demo = w.demo();
    let run = w.run(
        &demo.url(),
        &[
            "set",
            "+1 (555) 010-2000",
            "phone_number=(415) 555-2671",
            "-y",
        ],
        None,
    );
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(
        run.stderr
            .contains("  Phone: \"+15550102000\" → \"+14155552671\" (typed \"(415) 555-2671\")\n"),
        "{}",
        run.stderr
    );
    assert_eq!(
        puts(&demo),
        vec![(
            at(1002),
            r#"{"contact":{"phone_number":"+14155552671"}}"#.to_string()
        )]
    );
}

#[test]
fn set_never_echoes_a_value_cleaned_of_control_characters() {
    let w = World::new();
    let demo = w.demo();
    // 1018's first name holds an escape sequence: the identity rule takes the last name.
    let run = w.run(
        &demo.url(),
        &["set", "1018", "location=Salem, OR", "-y"],
        None,
    );
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(
        puts(&demo),
        vec![(
            at(1018),
            r#"{"contact":{"last_name":"Mallory","location":"Salem, OR"}}"#.to_string()
        )]
    );
    assert!(demo.contact(1018).unwrap().first_name.contains('\u{1b}'));
}

/// The binary on a pseudo-terminal, for the question `set` asks a person.
struct Pty {
    screen: Arc<Mutex<vt100::Parser>>,
    reader: Option<std::thread::JoinHandle<()>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
}

impl Pty {
    fn start(w: &World, url: &str, args: &[&str]) -> Pty {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows: 24,
                cols: 120,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut cmd = CommandBuilder::new(BIN);
        cmd.args(args);
        cmd.cwd(&w.dir);
        cmd.env("LINQ_API_URL", url);
        cmd.env("LINQ_INTEGRATION_TOKEN", "demo-token-0000");
        cmd.env("HOME", &w.dir);
        cmd.env("XDG_STATE_HOME", w.dir.join("state"));
        cmd.env("XDG_CONFIG_HOME", w.dir.join("config"));
        cmd.env_remove("LINQ_CONTACT_CONFIG");
        let child = pty.slave.spawn_command(cmd).unwrap();
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().unwrap();
        let writer = pty.master.take_writer().unwrap();
        let screen = Arc::new(Mutex::new(vt100::Parser::new(24, 120, 0)));
        let sink = Arc::clone(&screen);
        let reader = std::thread::spawn(move || {
            let _master = pty.master;
            let mut buf = [0u8; 4096];
            while let Ok(n) = std::io::Read::read(&mut reader, &mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().process(&buf[..n]);
            }
        });
        Pty {
            screen,
            reader: Some(reader),
            writer,
            child,
        }
    }

    fn contents(&self) -> String {
        self.screen.lock().unwrap().screen().contents()
    }

    /// Waits until the screen shows `text`; the deadline only bounds a failing run.
    fn wait_for(&self, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while !self.contents().contains(text) {
            assert!(
                Instant::now() < deadline,
                "never showed {text:?}:\n{}",
                self.contents()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    /// The exit code, once everything the program wrote is on the screen.
    fn wait_exit(&mut self) -> u32 {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                if let Some(reader) = self.reader.take() {
                    reader.join().unwrap();
                }
                return status.exit_code();
            }
            assert!(
                Instant::now() < deadline,
                "did not exit:\n{}",
                self.contents()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

#[test]
fn set_asks_a_person_and_looks_again_before_sending() {
    let w = World::new();
    let demo = w.demo();
    let mut yes = Pty::start(&w, &demo.url(), &["set", "1002", "title=CTO"]);
    yes.wait_for("Send these changes to contact 1002 (Jordan Blake)? [y/N]");
    yes.send("y\r");
    assert_eq!(yes.wait_exit(), 0, "{}", yes.contents());
    assert!(
        yes.contents().contains("Saved contact 1002"),
        "{}",
        yes.contents()
    );
    assert_eq!(puts(&demo).len(), 1);

    let mut no = Pty::start(&w, &demo.url(), &["set", "1004", "title=CTO"]);
    no.wait_for("[y/N]");
    no.send("\r");
    assert_eq!(no.wait_exit(), 0);
    assert!(no.contents().contains("Nothing sent."), "{}", no.contents());
    assert_eq!(puts(&demo).len(), 1);

    // A colleague saves while the question is open: nothing is sent, exit 3.
    let mut late = Pty::start(&w, &demo.url(), &["set", "1003", "title=CMO"]);
    late.wait_for("[y/N]");
    let colleague = ContactPatch {
        location: Some("Boston, MA".into()),
        ..Default::default()
    };
    assert!(demo.external_edit(1003, &colleague).is_some());
    late.send("yes\r");
    assert_eq!(late.wait_exit(), 3, "{}", late.contents());
    assert!(
        late.contents()
            .contains("changed on the server while you were asked"),
        "{}",
        late.contents()
    );
    assert_eq!(puts(&demo).len(), 1);
    assert_eq!(demo.contact(1003).unwrap().title, "Chief Medical Officer");
}

#[test]
fn set_refuses_to_guess_without_a_terminal_or_yes() {
    let w = World::new();
    let demo = w.demo();
    let run = w.run(&demo.url(), &["set", "1002", "title=CTO"], Some("y\n"));
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(
        run.stderr.ends_with(
            "linq-contact: nothing sent: stdin is not a terminal, so there is no one to ask; \
             add --yes to send without asking\n"
        ),
        "{}",
        run.stderr
    );
    assert!(puts(&demo).is_empty());
}

#[test]
fn set_dry_run_prints_the_exact_body_and_sends_nothing() {
    let w = World::new();
    let demo = w.demo();
    let run = w.run(
        &demo.url(),
        &[
            "set",
            "1002",
            "email=new@example.com",
            "user_email=priya.raman@example.com",
            "--dry-run",
        ],
        None,
    );
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(
        run.stdout,
        "{\"contact\":{\"email\":\"new@example.com\",\"user_email\":\"priya.raman@example.com\"}}\n"
    );
    assert!(
        run.stderr.ends_with("Dry run: nothing sent.\n"),
        "{}",
        run.stderr
    );
    assert!(puts(&demo).is_empty());
}

#[test]
fn set_sends_nothing_when_the_values_are_already_stored() {
    let w = World::new();
    let demo = w.demo();
    let run = w.run(
        &demo.url(),
        &[
            "set",
            "1008",
            "title= Editor-in-Chief ",
            "phone_number=+44 20 7946 0958",
            "--yes",
        ],
        None,
    );
    assert_eq!(
        (run.code, run.stdout.as_str(), run.stderr.as_str()),
        (
            Some(0),
            "",
            "Nothing to send: contact 1008 (Olivia Grant) already has these values.\n"
        )
    );
    assert!(puts(&demo).is_empty());
}

#[test]
fn set_usage_and_validation_errors_exit_2_before_anything_is_sent() {
    let w = World::new();
    let demo = w.demo();
    let run = w.run(&demo.url(), &["set", "1002", "titel=CTO", "--yes"], None);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert_eq!(
        run.stderr,
        "linq-contact: unknown field \"titel\"; valid fields: first_name, last_name, email, \
         phone_number, company, title, location, user_email\n"
    );
    assert!(demo.requests().is_empty(), "not even a read");

    let run = w.run(&demo.url(), &["set", "1002", "email=ana@", "--yes"], None);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert_eq!(
        run.stderr,
        "linq-contact: nothing sent: E-mail: \"ana@\" is not a valid e-mail address\n"
    );
    let run = w.run(
        &demo.url(),
        &["set", "1009", "company=Globex", "--yes"],
        None,
    );
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(
        run.stderr
            .contains("the API needs one of them in every update"),
        "{}",
        run.stderr
    );
    // The server's own refusal is a validation error too.
    let run = w.run(
        &demo.url(),
        &["set", "1002", "user_email=nobody@example.com", "--yes"],
        None,
    );
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(
        run.stderr
            .contains("linq-contact: User email does not belong to a user of this organization\n"),
        "{}",
        run.stderr
    );
    assert_eq!(puts(&demo).len(), 1, "only the one the server refused");
}

#[test]
fn set_if_unchanged_since_refuses_a_newer_contact_with_exit_3() {
    let w = World::new();
    let demo = w.demo();
    let stamp = demo.contact(1002).unwrap().updated_at;
    let older = "2025-05-02T08:29:59.999-05:00";
    let run = w.run(
        &demo.url(),
        &[
            "set",
            "1002",
            "title=CTO",
            "--yes",
            "--if-unchanged-since",
            older,
        ],
        None,
    );
    assert_eq!(run.code, Some(3), "{run:?}");
    assert_eq!(
        run.stderr,
        "linq-contact: nothing sent: contact 1002 (Jordan Blake) changed on the server at \
         2025-05-02T08:30:00.000-05:00, after 2025-05-02T08:29:59.999-05:00\n"
    );
    assert!(puts(&demo).is_empty());
    // The same instant in another offset is not newer.
    let same = "2025-05-02T13:30:00Z";
    let run = w.run(
        &demo.url(),
        &[
            "set",
            "1002",
            "title=CTO",
            "--yes",
            "--if-unchanged-since",
            same,
        ],
        None,
    );
    assert_eq!(run.code, Some(0), "{run:?} {stamp}");
    assert_eq!(puts(&demo).len(), 1);
    let run = w.run(
        &demo.url(),
        &[
            "set",
            "1002",
            "title=CEO",
            "--yes",
            "--if-unchanged-since",
            "yesterday",
        ],
        None,
    );
    assert_eq!(run.code, Some(2), "{run:?}");
}

#[test]
fn set_after_a_500_on_the_put_reads_back_and_never_resends() {
    let w = World::new();
    let demo = w.demo();
    demo.fail_next_for("PUT", 1, Fault::ServerError);
    let run = w.run(&demo.url(), &["set", "1002", "title=CTO", "--yes"], None);
    assert_eq!(run.code, Some(1), "{run:?}");
    // "as of" is the time of the check (HH:MM:SS), not the record's updated_at.
    let last = run.stderr.lines().last().unwrap_or_default();
    let (head, tail) = last
        .split_once(": not stored as of ")
        .unwrap_or_else(|| panic!("{}", run.stderr));
    assert_eq!(
        head,
        "linq-contact: outcome unknown (server error (HTTP 500) — the service may be down; \
         try again shortly)"
    );
    let time = tail
        .strip_suffix("; it was not re-sent")
        .unwrap_or_else(|| panic!("{}", run.stderr));
    assert!(
        chrono::NaiveTime::parse_from_str(time, "%H:%M:%S").is_ok(),
        "{time}"
    );
    let methods: Vec<String> = log(&demo).into_iter().map(|(m, _, _)| m).collect();
    assert_eq!(methods, ["GET", "PUT", "GET"]);
}

#[test]
fn set_says_what_the_server_did_not_store() {
    let w = World::new();
    let server = w.rt.block_on(MockServer::start());
    let before = json!({"id": 7, "first_name": "Ada", "title": "Engineer",
        "updated_at": "2025-07-30T10:00:00.000-05:00"});
    let after = json!({"id": 7, "first_name": "Ada", "title": "cto",
        "updated_at": "2025-07-30T11:00:00.000-05:00"});
    w.rt.block_on(async {
        Mock::given(method("GET"))
            .and(path(at(7)))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": before})))
            .mount(&server)
            .await;
        Mock::given(method("PUT"))
            .and(path(at(7)))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": after})))
            .mount(&server)
            .await;
    });
    let run = w.run(&server.uri(), &["set", "7", "title=CTO", "--yes"], None);
    // A 200 that did not store what was sent is not a save: exit 1, the field named.
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(
        run.stderr.ends_with(
            "contact 7 answered the save without storing what was sent; updated \
             2025-07-30T11:00:00.000-05:00.\n\
             ⚠ not applied by the server: Title (sent \"CTO\", stored \"cto\")\n\
             linq-contact: not stored: title; run the command again to send them\n"
        ),
        "{}",
        run.stderr
    );
    let sent = w.rt.block_on(server.received_requests()).unwrap();
    let put = sent.iter().find(|r| r.method.as_str() == "PUT").unwrap();
    assert_eq!(
        String::from_utf8_lossy(&put.body),
        r#"{"contact":{"first_name":"Ada","title":"CTO"}}"#
    );
}

#[test]
fn set_names_an_owner_the_server_changed_although_none_was_sent() {
    let w = World::new();
    let server = w.rt.block_on(MockServer::start());
    let owner = |email: &str, name: &str| json!({"id": 3, "email": email, "name": name});
    let before = json!({"id": 7, "first_name": "Ada", "title": "Engineer",
        "updated_at": "2025-07-30T10:00:00.000-05:00",
        "contact_owner": owner("grace@example.com", "Grace Hopper")});
    // The title is stored as sent; the owner moved to someone nobody here named.
    let after = json!({"id": 7, "first_name": "Ada", "title": "CTO",
        "updated_at": "2025-07-30T11:00:00.000-05:00",
        "contact_owner": owner("bob@example.com", "Bob Smith")});
    w.rt.block_on(async {
        Mock::given(method("GET"))
            .and(path(at(7)))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": before})))
            .mount(&server)
            .await;
        Mock::given(method("PUT"))
            .and(path(at(7)))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": after})))
            .mount(&server)
            .await;
    });
    let run = w.run(&server.uri(), &["set", "7", "title=CTO", "--yes"], None);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(
        run.stderr.ends_with(
            "⚠ not applied by the server: Owner (not sent, but now \"bob@example.com\")\n"
        ),
        "{}",
        run.stderr
    );
    let sent = w.rt.block_on(server.received_requests()).unwrap();
    let put = sent.iter().find(|r| r.method.as_str() == "PUT").unwrap();
    assert_eq!(
        String::from_utf8_lossy(&put.body),
        r#"{"contact":{"first_name":"Ada","title":"CTO"}}"#
    );
}

// -------------------------------------------------------------------------------- apply

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
    let run = w.run(
        &demo.url(),
        &["apply", input.to_str().unwrap(), "--report", "report.jsonl"],
        None,
    );
    assert_eq!(run.code, Some(1), "a row failed: {run:?}");
    assert_eq!(run.stdout, "");
    let lines = report(&w.dir.join("report.jsonl"));
    assert_eq!(
        statuses(&lines),
        [
            (1, "updated".into()),
            (2, "updated".into()),
            (4, "failed".into()),
            (5, "failed".into()),
            (6, "failed".into()),
            (7, "unchanged".into()),
            (8, "updated".into()),
        ]
    );
    assert_eq!(
        lines[0]["sent"],
        json!({"contact": {"first_name": "Jordan", "title": "CTO"}})
    );
    assert_eq!(lines[0]["stored"]["title"], "CTO");
    assert_eq!(lines[1]["id"], 1001);
    assert_eq!(
        lines[2]["error"],
        "unknown key \"titel\"; valid: id, first_name, last_name, email, phone_number, \
         company, title, location, user_email"
    );
    assert_eq!(lines[3]["error"], "id \"abc\" is not a contact id");
    assert_eq!(
        lines[4]["error"],
        "contact 1004: nothing sent: E-mail: \"not-an-address\" is not an e-mail address (no @)"
    );
    assert_eq!(lines[6]["id"], 1005);
    let mut sent = puts(&demo);
    sent.sort();
    assert_eq!(
        sent,
        vec![
            (
                at(1001),
                r#"{"contact":{"first_name":"Avery","company":"Northwind, Inc."}}"#.into()
            ),
            (
                at(1002),
                r#"{"contact":{"first_name":"Jordan","title":"CTO"}}"#.into()
            ),
            (
                at(1005),
                r#"{"contact":{"phone_number":"+12125550199","location":"NYC"}}"#.into()
            ),
        ]
    );
    assert!(
        run.stderr
            .contains(" rows/s): 3 updated, 0 partial, 1 unchanged, 3 failed, 0 skipped.\n"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("line 5: failed: id \"abc\" is not a contact id\n"),
        "{}",
        run.stderr
    );
}

#[test]
fn apply_csv_reads_quotes_bom_and_crlf_and_leaves_empty_cells_and_missing_columns() {
    let w = World::new();
    let demo = w.demo();
    let input = w.file(
        "fixes.csv",
        "\u{feff}id,company,title\r\n1006,\"Adventure Works, GmbH\",\r\n\"1007\",,\"Account \"\"Exec\"\"\"\r\n"
            .as_bytes(),
    );
    let run = w.run(
        &demo.url(),
        &["apply", input.to_str().unwrap(), "--report", "r.jsonl"],
        None,
    );
    assert_eq!(run.code, Some(0), "{run:?}");
    let mut sent = puts(&demo);
    sent.sort();
    // An empty cell leaves the field, as location, which has no column, is left.
    assert_eq!(
        sent,
        vec![
            (
                at(1006),
                r#"{"contact":{"first_name":"Hannah","company":"Adventure Works, GmbH"}}"#.into()
            ),
            (
                at(1007),
                r#"{"contact":{"first_name":"Marcus","title":"Account \"Exec\""}}"#.into()
            ),
        ]
    );
    assert_eq!(demo.contact(1006).unwrap().title, "Einkaufsleiterin");
    assert_eq!(demo.contact(1007).unwrap().company, "Wide World Importers");
    assert_eq!(demo.contact(1006).unwrap().location, "Berlin, Deutschland");
    // Lines are counted as an editor shows them, CRLF or not.
    assert_eq!(
        statuses(&report(&w.dir.join("r.jsonl"))),
        [(2, "updated".into()), (3, "updated".into())]
    );
}

#[test]
fn apply_dry_run_reads_and_prints_the_bodies_without_sending() {
    let w = World::new();
    let demo = w.demo();
    let input = "{\"id\": 1002, \"title\": \"CTO\"}\n{\"id\": 1003, \"title\": \"Chief Medical Officer\"}\n{\"id\": 4242, \"title\": \"x\"}\n";
    let run = w.run(&demo.url(), &["apply", "-", "--dry-run"], Some(input));
    assert_eq!(run.code, Some(1), "the missing contact fails: {run:?}");
    assert_eq!(
        run.stdout,
        "{\"line\":1,\"id\":1002,\"body\":{\"contact\":{\"first_name\":\"Jordan\",\"title\":\"CTO\"}}}\n"
    );
    assert!(
        run.stderr.ends_with(
            "Dry run: 3 rows: 1 would be updated, 1 unchanged, 1 failed; nothing was sent.\n"
        ),
        "{}",
        run.stderr
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
    let file = input.to_str().unwrap();
    let run = w.run(
        &demo.url(),
        &["apply", file, "--concurrency", "1", "--report", "r1.jsonl"],
        None,
    );
    assert_eq!(run.code, Some(1), "{run:?}");
    let r1 = report(&w.dir.join("r1.jsonl"));
    assert_eq!(
        statuses(&r1),
        [
            (1, "updated".into()),
            (2, "failed".into()),
            (3, "updated".into()),
            (4, "failed".into()),
            (5, "failed".into()),
            (6, "updated".into()),
        ]
    );
    assert_eq!(
        untimed(r1[1]["error"].as_str().unwrap_or_default()),
        "contact 1003: outcome unknown (server error (HTTP 500) — the service may be down; \
         try again shortly; INTERNAL_ERROR: Internal server error; Something went wrong on \
         our side; please try again later): not stored as of HH:MM:SS; not re-sent"
    );
    assert_eq!(r1[1]["stored"]["title"], "Chief Medical Officer");
    assert!(
        r1[3]["error"]
            .as_str()
            .unwrap()
            .ends_with("User email does not belong to a user of this organization"),
        "{}",
        r1[3]
    );
    assert_eq!(r1[4]["error"], "contact 99999 not found");
    let requests: Vec<(String, String)> = log(&demo).into_iter().map(|(m, p, _)| (m, p)).collect();
    let r = |m: &str, p: String| (m.to_string(), p);
    assert_eq!(
        requests,
        vec![
            r("GET", at(1002)), // 429
            r("GET", at(1002)),
            r("PUT", at(1002)), // 429: refused before acting, so sent again
            r("PUT", at(1002)),
            r("GET", at(1003)), // 500, retried
            r("GET", at(1003)),
            r("PUT", at(1003)), // 500: outcome unknown, so read, never re-sent
            r("GET", at(1003)),
            r("GET", at(1004)),
            r("PUT", at(1004)),
            r("GET", at(1006)),
            r("PUT", at(1006)), // 422
            r("GET", at(99999)),
            r(
                "GET",
                format!("{CONTACTS}/find?email=marcus.reed%40example.com")
            ),
            r("PUT", at(1007)),
        ]
    );
    assert!(
        run.stderr
            .contains("too many requests (HTTP 429) — wait 1 s and retry; trying again in 1.0 s\n"),
        "{}",
        run.stderr
    );

    let first_run = demo.requests().len();
    let run = w.run(
        &demo.url(),
        &[
            "apply", file, "--resume", "r1.jsonl", "--report", "r2.jsonl",
        ],
        None,
    );
    assert_eq!(run.code, Some(1), "rows 4 and 5 fail again: {run:?}");
    assert_eq!(
        statuses(&report(&w.dir.join("r2.jsonl"))),
        [
            (1, "skipped".into()),
            (2, "updated".into()),
            (3, "skipped".into()),
            (4, "failed".into()),
            (5, "failed".into()),
            (6, "skipped".into()),
        ]
    );
    let mut again: Vec<(String, String)> = demo.requests()[first_run..]
        .iter()
        .filter(|q| q.method == "PUT")
        .map(|q| (q.path.clone(), q.body.clone()))
        .collect();
    again.sort();
    assert_eq!(
        again,
        vec![
            (
                at(1003),
                r#"{"contact":{"first_name":"Samira","title":"T2"}}"#.into()
            ),
            (
                at(1006),
                r#"{"contact":{"first_name":"Hannah","user_email":"nobody@example.com"}}"#.into()
            ),
        ]
    );
}

#[test]
fn apply_after_a_lost_answer_marks_the_row_by_what_the_server_holds() {
    let w = World::new();
    let server = w.rt.block_on(MockServer::start());
    let before = json!({"id": 7, "first_name": "Ada", "title": "Engineer",
        "updated_at": "2025-07-30T10:00:00.000-05:00"});
    let after = json!({"id": 7, "first_name": "Ada", "title": "CTO",
        "updated_at": "2025-07-30T11:00:00.000-05:00"});
    w.rt.block_on(async {
        Mock::given(method("GET"))
            .and(path(at(7)))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": before})))
            .up_to_n_times(1)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path(at(7)))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": after})))
            .mount(&server)
            .await;
        Mock::given(method("PUT"))
            .and(path(at(7)))
            .respond_with(ResponseTemplate::new(502))
            .mount(&server)
            .await;
    });
    let run = w.run(
        &server.uri(),
        &["apply", "-", "--report", "r.jsonl"],
        Some("{\"id\": 7, \"title\": \"CTO\"}\n"),
    );
    assert_eq!(run.code, Some(0), "{run:?}");
    let lines = report(&w.dir.join("r.jsonl"));
    assert_eq!(statuses(&lines), [(1, "updated".into())]);
    assert_eq!(lines[0]["stored"]["title"], "CTO");
    assert!(
        untimed(&run.stderr).contains(
            "line 1: contact 7 updated (title); the answer was lost (server error (HTTP 502) \
             — the service may be down; try again shortly), reading it back at HH:MM:SS shows \
             the values stored\n"
        ),
        "{}",
        run.stderr
    );
    let sent = w.rt.block_on(server.received_requests()).unwrap();
    let methods: Vec<&str> = sent.iter().map(|r| r.method.as_str()).collect();
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
    let mut child = w
        .command(
            &demo.url(),
            &[
                "apply",
                input.to_str().unwrap(),
                "--concurrency",
                "2",
                "--report",
                "r1.jsonl",
            ],
        )
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
    let r1 = report(&w.dir.join("r1.jsonl"));
    assert!(!r1.is_empty() && r1.len() < ids.len(), "{} rows", r1.len());
    assert!(r1.iter().all(|l| l["status"] == "updated"), "{r1:?}");
    // Every row that finished was written; nothing else was sent.
    assert_eq!(puts(&demo).len(), r1.len());

    demo.set_latency(Duration::ZERO);
    let run = w.run(
        &demo.url(),
        &[
            "apply",
            input.to_str().unwrap(),
            "--resume",
            "r1.jsonl",
            "--report",
            "r2.jsonl",
        ],
        None,
    );
    assert_eq!(run.code, Some(0), "{run:?}");
    let r2 = report(&w.dir.join("r2.jsonl"));
    assert_eq!(r2.len(), ids.len());
    let skipped = r2.iter().filter(|l| l["status"] == "skipped").count();
    assert_eq!(skipped, r1.len());
    let mut put_paths: Vec<String> = puts(&demo).into_iter().map(|(p, _)| p).collect();
    put_paths.sort();
    let mut expected: Vec<String> = ids.iter().map(|id| at(*id)).collect();
    expected.sort();
    assert_eq!(put_paths, expected, "each contact saved exactly once");
    for id in &ids {
        assert_eq!(demo.contact(*id).unwrap().title, format!("Batch {id}"));
    }
}

#[test]
fn apply_refuses_unreadable_input_and_one_file_for_report_and_resume() {
    let w = World::new();
    let demo = w.demo();
    let run = w.run(&demo.url(), &["apply", "missing.csv"], None);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(
        run.stderr
            .starts_with("linq-contact: cannot read missing.csv: "),
        "{}",
        run.stderr
    );
    w.file("r.jsonl", b"");
    let input = w.file("in.csv", b"id,title\n1002,x\n");
    let run = w.run(
        &demo.url(),
        &[
            "apply",
            input.to_str().unwrap(),
            "--report",
            "r.jsonl",
            "--resume",
            "r.jsonl",
        ],
        None,
    );
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(demo.requests().is_empty());
}

/// `apply FILE` run with `args` after it, to the end.
fn apply(w: &World, url: &str, file: &Path, args: &[&str]) -> common::cli::Run {
    let mut all = vec!["apply", file.to_str().unwrap()];
    all.extend_from_slice(args);
    w.run(url, &all, None)
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
        assert_eq!(run.code, Some(2), "{report}: {run:?}");
        assert_eq!(
            run.stderr,
            format!(
                "linq-contact: --report {report} is the input {}: writing the report would \
                 destroy the rows it reads; name another file\n",
                input.display()
            )
        );
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
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(
        run.stderr
            .starts_with("linq-contact: --resume sub/link.csv is the input"),
        "{}",
        run.stderr
    );
    assert!(demo.requests().is_empty(), "nothing was sent");
    // Another file is fine.
    let run = apply(&w, &demo.url(), &input, &["--report", "sub/r.jsonl"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(std::fs::read(&input).unwrap(), rows);
    assert_eq!(report(&w.dir.join("sub/r.jsonl")).len(), 2);
}

#[test]
fn apply_refuses_a_report_that_is_the_resume_report_behind_a_symlink() {
    let w = World::new();
    let demo = w.demo();
    let input = w.file("in.jsonl", b"{\"id\": 1002, \"title\": \"CTO\"}\n");
    let run = apply(&w, &demo.url(), &input, &["--report", "r1.jsonl"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    let r1 = std::fs::read(w.dir.join("r1.jsonl")).unwrap();
    let sent = demo.requests().len();
    std::os::unix::fs::symlink(w.dir.join("r1.jsonl"), w.dir.join("link.jsonl")).unwrap();
    let run = apply(
        &w,
        &demo.url(),
        &input,
        &["--resume", "r1.jsonl", "--report", "link.jsonl"],
    );
    assert_eq!(run.code, Some(2), "{run:?}");
    assert_eq!(
        run.stderr,
        "linq-contact: --report and --resume must be different files: the new report is \
         written while the old one is read\n"
    );
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
    let run = apply(&w, &demo.url(), &first, &["--report", "r1.jsonl"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    let before = demo.requests().len();
    // Same lines, same shape, other rows: one of them even the same contact.
    let second = w.file(
        "second.jsonl",
        b"{\"id\": 1002, \"title\": \"Other\"}\n{\"id\": 1004, \"title\": \"T2\"}\n",
    );
    let run = apply(
        &w,
        &demo.url(),
        &second,
        &["--resume", "r1.jsonl", "--report", "r2.jsonl"],
    );
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(
        statuses(&report(&w.dir.join("r2.jsonl"))),
        [(1, "updated".into()), (2, "updated".into())]
    );
    let again: Vec<(String, String)> = demo.requests()[before..]
        .iter()
        .filter(|q| q.method == "PUT")
        .map(|q| (q.path.clone(), q.body.clone()))
        .collect();
    assert_eq!(again.len(), 2, "both rows sent: {again:?}\n{}", run.stderr);
    assert!(again.contains(&(
        at(1002),
        r#"{"contact":{"first_name":"Jordan","title":"Other"}}"#.into()
    )));
    assert!(again.contains(&(
        at(1004),
        r#"{"contact":{"first_name":"Liam","title":"T2"}}"#.into()
    )));
    assert!(
        run.stderr.contains(
            "linq-contact: no row matched a done row of r1.jsonl (same line, id and cells): \
             nothing was skipped\n"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn apply_resume_after_a_row_is_inserted_skips_only_the_rows_it_proves_done() {
    let w = World::new();
    let demo = w.demo();
    let v1 = "id,title\n1002,T1\n1003,T2\n1004,T3\n";
    let input = w.file("rows.csv", v1.as_bytes());
    let run = apply(&w, &demo.url(), &input, &["--report", "r1.jsonl"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(
        report(&w.dir.join("r1.jsonl"))
            .iter()
            .all(|e| e["fingerprint"].as_str().is_some_and(|f| f.len() == 16)),
        "every entry has its row's fingerprint"
    );
    // A row is inserted at line 3, for the contact of the row it pushes down a line:
    // line 3 has the same id as before, but not the same cells.
    std::fs::write(
        &input,
        "id,title\n1002,T1\n1003,Interim\n1003,T2\n1004,T3\n",
    )
    .unwrap();
    let before = demo.requests().len();
    let run = apply(
        &w,
        &demo.url(),
        &input,
        &["--resume", "r1.jsonl", "--report", "r2.jsonl"],
    );
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(
        statuses(&report(&w.dir.join("r2.jsonl"))),
        [
            (2, "skipped".into()),
            (3, "updated".into()),
            (4, "updated".into()),
            (5, "unchanged".into()),
        ]
    );
    let again: Vec<(String, String)> = demo.requests()[before..]
        .iter()
        .filter(|q| q.method == "PUT")
        .map(|q| (q.path.clone(), q.body.clone()))
        .collect();
    assert_eq!(
        again,
        vec![
            (
                at(1003),
                r#"{"contact":{"first_name":"Samira","title":"Interim"}}"#.into()
            ),
            (
                at(1003),
                r#"{"contact":{"first_name":"Samira","title":"T2"}}"#.into()
            ),
        ]
    );
    assert_eq!(demo.contact(1003).unwrap().title, "T2");
    // The skipped row is still skipped by a report of the resumed run.
    let run = apply(
        &w,
        &demo.url(),
        &input,
        &["--resume", "r2.jsonl", "--report", "r3.jsonl"],
    );
    assert_eq!(run.code, Some(0), "{run:?}");
    let r3 = report(&w.dir.join("r3.jsonl"));
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
        assert_eq!(run.code, Some(2), "{run:?}");
        assert!(run.stderr.contains(why), "{}", run.stderr);
    }
    assert!(other.exists());
    assert!(demo.requests().is_empty(), "nothing was sent");
    // A report of an older version: the lines, no fingerprints; its torn last line is
    // what a crash leaves.
    w.file(
        "old.jsonl",
        b"{\"line\":2,\"id\":1002,\"status\":\"updated\"}\n{\"line\":3,\"id\":1003,\"status\":\"upd",
    );
    let run = apply(
        &w,
        &demo.url(),
        &input,
        &["--resume", "old.jsonl", "--report", "r.jsonl"],
    );
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(
        statuses(&report(&w.dir.join("r.jsonl"))),
        [(2, "updated".into()), (3, "updated".into())]
    );
    assert_eq!(
        run.stderr
            .matches("linq-contact: warning: old.jsonl has no row fingerprints")
            .count(),
        1,
        "{}",
        run.stderr
    );
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
    let run = apply(
        &w,
        &demo.url(),
        &input,
        &["--concurrency", "4", "--report", "r.jsonl"],
    );
    assert_eq!(run.code, Some(0), "{run:?}");
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
    let journal = std::fs::read_to_string(w.journal_path()).unwrap();
    let chain: Vec<(String, String)> = journal
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|e| e["contact_id"] == 1002)
        .map(|e| {
            let title = e["fields"]
                .as_array()
                .unwrap()
                .iter()
                .find(|f| f["field"] == "title")
                .unwrap()
                .clone();
            (
                title["before"].as_str().unwrap().to_string(),
                title["after"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expected: Vec<(String, String)> = [
        (original.as_str(), "T1"),
        ("T1", "T2"),
        ("T2", "T3"),
        ("T3", "T4"),
    ]
    .iter()
    .map(|(b, a)| (b.to_string(), a.to_string()))
    .collect();
    assert_eq!(chain, expected);
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
    assert_eq!(run.code, Some(0), "{run:?}");
    let lines = report(&w.dir.join("r1.jsonl"));
    assert_eq!(
        statuses(&lines),
        [(2, "updated".into()), (3, "unchanged".into())]
    );
    assert!(
        run.stderr.contains(
            "line 3: contact 1008 unchanged (nothing to send: the row has no value to set)\n"
        ),
        "{}",
        run.stderr
    );
    // Only the row with a value was read and sent; the empty cells are not in the body.
    let requests: Vec<(String, String, String)> = log(&demo);
    assert_eq!(
        requests,
        vec![
            ("GET".into(), at(1006), String::new()),
            (
                "PUT".into(),
                at(1006),
                r#"{"contact":{"first_name":"Hannah","title":"Buyer"}}"#.into()
            ),
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
    let run = apply(
        &w,
        &demo.url(),
        &input,
        &[
            "--empty-clears",
            "--concurrency",
            "1",
            "--report",
            "r2.jsonl",
        ],
    );
    assert_eq!(run.code, Some(0), "{run:?}");
    let sent: Vec<(String, String)> = demo.requests()[before..]
        .iter()
        .filter(|q| q.method == "PUT")
        .map(|q| (q.path.clone(), q.body.clone()))
        .collect();
    assert_eq!(
        sent,
        vec![
            (
                at(1006),
                r#"{"contact":{"first_name":"Hannah","email":"","phone_number":"","company":"","title":"Head Buyer"}}"#
                    .into()
            ),
            (
                at(1007),
                r#"{"contact":{"first_name":"Marcus","company":"","title":"Lead"}}"#.into()
            ),
        ]
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
    let run = apply(&w, &demo.url(), &csv, &["--report", "r1.jsonl"]);
    assert_eq!(run.code, Some(1), "the last row has no valid id: {run:?}");
    assert_eq!(
        statuses(&report(&w.dir.join("r1.jsonl"))),
        [
            (5, "updated".into()),
            (8, "updated".into()),
            (11, "updated".into()),
            (13, "failed".into()),
        ]
    );
    assert!(
        run.stderr
            .contains("line 13: failed: id \"1099x\" is not a contact id\n"),
        "{}",
        run.stderr
    );
    let jsonl = w.file(
        "blank.jsonl",
        b"\n{\"id\": 1002, \"title\": \"A2\"}\r\n\r\n\n{\"id\": 1003, \"title\": \"B2\"}\n",
    );
    let run = apply(&w, &demo.url(), &jsonl, &["--report", "r2.jsonl"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(
        statuses(&report(&w.dir.join("r2.jsonl"))),
        [(2, "updated".into()), (5, "updated".into())]
    );
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
    let mut pty = Pty::start(
        &w,
        &demo.url(),
        &["apply", input.to_str().unwrap(), "--concurrency", "1"],
    );
    pty.wait_for("/3 rows ·");
    pty.send("\x03");
    pty.wait_for("Ctrl-C: taking no more rows");
    // The note is said once the bar is gone: nothing frozen is left under it.
    assert!(!pty.contents().contains("rows ·"), "{}", pty.contents());
    assert_eq!(pty.wait_exit(), 130);
    let screen = pty.contents();
    assert!(!screen.contains("rows ·"), "{screen}");
    assert!(screen.contains("1 rows in "), "{screen}");
    assert!(
        screen.contains("Interrupted: rows not started were not sent."),
        "{screen}"
    );
}

// ------------------------------------------------------------------ completions and man

#[test]
fn completions_man_and_help_come_from_the_clap_definitions() {
    let w = World::new();
    let unused = "http://127.0.0.1:9";
    let run = w.run(unused, &["completions", "bash"], None);
    assert_eq!(run.code, Some(0), "{run:?}");
    for word in [
        "linq-contact",
        "apply",
        "--if-unchanged-since",
        "--concurrency",
    ] {
        assert!(run.stdout.contains(word), "{word} missing");
    }
    let run = w.run(unused, &["man"], None);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(run.stdout.starts_with(".ie"), "{}", &run.stdout[..80]);
    for word in [
        ".TH linq-contact 1",
        ".TH linq-contact-apply 1",
        "EXIT CODES",
    ] {
        assert!(run.stdout.contains(word), "{word} missing");
    }
    for command in ["get", "set", "apply"] {
        let run = w.run(unused, &[command, "--help"], None);
        assert_eq!(run.code, Some(0), "{run:?}");
        assert!(run.stdout.contains("EXIT CODES:\n  0  "), "{}", run.stdout);
    }
    let run = w.run(unused, &["apply", "--help"], None);
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
    let run = w.run(unused, &["apply", "x.csv", "--concurrency", "65"], None);
    assert_eq!(run.code, Some(2), "{run:?}");
}

#[test]
fn help_names_the_editors_keys_from_the_keymap() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_linq-contact"))
        .arg("--help")
        .output()
        .unwrap();
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout).unwrap();
    let keymap = linq_contact::keymap::Keymap::default();
    for action in [
        linq_contact::keymap::Action::Review,
        linq_contact::keymap::Action::New,
        linq_contact::keymap::Action::History,
    ] {
        let line = format!("{:<24}{}", keymap.label(action), action.describe());
        assert!(help.contains(&line), "{line:?} missing from:\n{help}");
    }
}

/// `text` with every clock time (HH:MM:SS) written as `HH:MM:SS`: a check's time is the
/// local time it ran.
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
            out.push_str("HH:MM:SS");
            i += 8;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
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
    let file = input.to_str().unwrap();
    let run = w.run(&demo.url(), &["apply", file, "--report", "r1.jsonl"], None);
    assert_eq!(run.code, Some(1), "{run:?}");
    let r1 = report(&w.dir.join("r1.jsonl"));
    assert_eq!(statuses(&r1), [(1, "partial".into())]);
    assert_eq!(r1[0]["not_stored"], serde_json::json!(["company"]));
    assert!(
        run.stderr
            .contains("line 1: contact 1002 partly saved: not stored: company"),
        "{}",
        run.stderr
    );
    // The journal holds what was stored, not what was only sent.
    let journal = std::fs::read_to_string(w.journal_path()).unwrap();
    assert!(
        journal.contains("Partial Title") && !journal.contains("Partial Co"),
        "{journal}"
    );

    let run = w.run(
        &demo.url(),
        &[
            "apply", file, "--resume", "r1.jsonl", "--report", "r2.jsonl",
        ],
        None,
    );
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(
        statuses(&report(&w.dir.join("r2.jsonl"))),
        [(1, "updated".into())]
    );
    let sent = puts(&demo);
    assert_eq!(sent.len(), 2, "{sent:?}");
    assert_eq!(
        sent[1].1,
        r#"{"contact":{"first_name":"Jordan","company":"Partial Co"}}"#
    );
    assert_eq!(demo.contact(1002).unwrap().company, "Partial Co");
}
