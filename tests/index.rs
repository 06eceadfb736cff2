//! `search`, `export` and `cache` run as the real binary against the demo API on
//! loopback: the requests each run sends (none for a warm search), how many pages are in
//! flight at once, the private cache file, and the exported file read back by `apply`.

use linq_contact::demo::{DemoServer, Fault};
use serde_json::Value;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::Duration;

mod common;

use common::cli::Out::{Any, Has, StartsWith};
use common::cli::{NOWHERE, World, json_lines, log};

/// The demo's seed (32 contacts, ids 1001–1032) and `extra` generated ones after it.
fn demo_with(w: &World, extra: usize) -> DemoServer {
    w.rt.block_on(DemoServer::start_with_generated(0, extra))
        .unwrap()
}

/// The list pages asked for, in arrival order: `page` of each `GET …/contacts?page=…`.
fn pages_asked(demo: &DemoServer, since: usize) -> Vec<u32> {
    log(demo)[since..]
        .iter()
        .map(|(method, path, _)| {
            assert_eq!(method, "GET", "{path}");
            let query = path
                .strip_prefix("/api/partner/v2/contacts?")
                .unwrap_or_else(|| panic!("not a list request: {path}"));
            assert!(query.ends_with("&per_page=100"), "{path}");
            query
                .strip_prefix("page=")
                .and_then(|q| q.split('&').next())
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| panic!("no page in {path}"))
        })
        .collect()
}

fn sorted(mut pages: Vec<u32>) -> Vec<u32> {
    pages.sort_unstable();
    pages
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// Makes the index at `path` look `secs` seconds older.
fn age_index(path: &Path, secs: u64) {
    let text = std::fs::read_to_string(path).unwrap();
    let (header, rest) = text.split_once('\n').unwrap();
    let mut header: Value = serde_json::from_str(header).unwrap();
    let built = header["built_at"].as_u64().unwrap();
    header["built_at"] = (built - secs).into();
    std::fs::write(path, format!("{header}\n{rest}")).unwrap();
}

const JORDAN: &str = "\
ID    NAME          E-MAIL                    PHONE         COMPANY
1002  Jordan Blake  jordan.blake@example.com  +15550102000  Contoso Logistics
";

// ------------------------------------------------------------------------------ search

#[test]
fn a_cold_search_reads_every_page_once_and_a_warm_one_sends_nothing() {
    let w = World::new();
    let demo = demo_with(&w, 450);
    let url = demo.url();
    w.run(&url, &["search", "jordan", "blake"])
        .expect(0, JORDAN, "");
    assert_eq!(sorted(pages_asked(&demo, 0)), vec![1, 2, 3, 4, 5]);
    assert_eq!(
        pages_asked(&demo, 0)[0],
        1,
        "page 1 first: it says how many"
    );

    let before = log(&demo).len();
    w.run(&url, &["search", "jordan", "blake"])
        .expect(0, JORDAN, "");
    w.run(&url, &["search", "contoso logistics", "--json"])
        .expect(0, StartsWith("{\"id\":1002,\"name\":\"Jordan Blake\""), "");
    assert_eq!(log(&demo).len(), before, "a warm index answers alone");

    // Older than index_max_age (10 minutes by default): read again first.
    age_index(&w.index_path(&url), 601);
    w.run(&url, &["search", "jordan", "blake"])
        .expect(0, JORDAN, "");
    assert_eq!(sorted(pages_asked(&demo, before)), vec![1, 2, 3, 4, 5]);
    let before = log(&demo).len();
    w.run(&url, &["search", "jordan", "--refresh"]).code(0);
    assert_eq!(sorted(pages_asked(&demo, before)), vec![1, 2, 3, 4, 5]);
}

#[test]
fn a_warm_search_needs_no_token_and_no_server() {
    let w = World::new();
    let demo = demo_with(&w, 0);
    let url = demo.url();
    w.run(&url, &["search", "jordan"]).code(0);
    let requests = log(&demo).len();
    let out = w
        .command(&url, &["search", "jordan", "blake"])
        .env_remove("LINQ_INTEGRATION_TOKEN")
        .output()
        .unwrap();
    assert_eq!(
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).as_ref()
        ),
        (Some(0), JORDAN)
    );
    assert_eq!(log(&demo).len(), requests);
}

#[test]
fn saves_and_creates_made_here_are_in_the_index_without_reading_it_again() {
    let w = World::new();
    let demo = demo_with(&w, 250);
    let url = demo.url();
    w.run(&url, &["search", "jordan"]).code(0);
    w.run(&url, &["set", "1002", "first_name=Zebulon", "-y"])
        .code(0);
    w.run(
        &url,
        &["create", "first_name=Quincy", "last_name=Marsh", "-y"],
    )
    .code(0);
    let requests = log(&demo).len();
    w.run(&url, &["search", "zebulon", "blake"]).expect(
        0,
        Has("1002  Zebulon Blake  jordan.blake@example.com"),
        "",
    );
    w.run(&url, &["search", "quincy", "marsh"])
        .expect(0, Has("Quincy Marsh"), "");
    assert_eq!(log(&demo).len(), requests, "the index was read again");
    // The rest of the index is as it was: the 282 contacts read, and the new one.
    w.run(&url, &["cache", "status"])
        .expect(0, Has("contacts  283\n"), "");
}

#[test]
fn a_cold_search_keeps_to_its_concurrency() {
    let w = World::new();
    // 21 pages, each held 100 ms, so the pages asked for together overlap.
    let demo = demo_with(&w, 2000);
    demo.set_latency(Duration::from_millis(100));
    let url = demo.url();
    for (flag, limit) in [(Some("1"), 1), (Some("3"), 3), (None, 8)] {
        demo.reset_peak_in_flight();
        let before = log(&demo).len();
        let mut args = vec!["search", "alex", "--refresh"];
        if let Some(n) = flag {
            args.extend(["--concurrency", n]);
        }
        w.run(&url, &args).code(0);
        assert_eq!(
            sorted(pages_asked(&demo, before)),
            (1..=21).collect::<Vec<_>>(),
            "{flag:?}"
        );
        assert_eq!(demo.peak_in_flight(), limit, "{flag:?}");
    }
    for bad in ["0", "65"] {
        w.run(&url, &["search", "alex", "--concurrency", bad])
            .expect(2, "", Has("--concurrency"));
    }
}

#[test]
fn a_rate_limited_page_is_waited_out_and_the_index_is_complete() {
    let w = World::new();
    let demo = demo_with(&w, 250);
    demo.fail_next(
        1,
        Fault::TooManyRequests {
            retry_after_secs: 1,
        },
    );
    let run = w.run(&demo.url(), &["search", "jordan", "blake"]);
    run.expect(0, JORDAN, Has("trying again in 1.0 s"));
    // Page 1 twice (the 429, then the answer), every other page once.
    assert_eq!(sorted(pages_asked(&demo, 0)), vec![1, 1, 2, 3]);
}

#[test]
fn nothing_matched_is_exit_4_and_no_text_is_a_usage_error() {
    let w = World::new();
    let demo = demo_with(&w, 0);
    w.run(&demo.url(), &["search", "zzqqxx"]).expect(
        4,
        "",
        "linq-contact: no contact matches \"zzqqxx\" (among 32 in the index)\n",
    );
    let before = log(&demo).len();
    w.run(&demo.url(), &["search", " "])
        .expect(2, "", "linq-contact: nothing to search for\n");
    w.run(&demo.url(), &["search"]).expect(2, "", Has("TEXT"));
    assert_eq!(log(&demo).len(), before);
}

#[test]
fn more_matches_than_the_limit_are_said_on_stderr() {
    let w = World::new();
    let demo = demo_with(&w, 200);
    let run = w.run(&demo.url(), &["search", "alex", "--limit", "2", "--json"]);
    run.expect(0, Any, StartsWith("Showing the best 2 of "));
    let lines = json_lines(&run.stdout);
    assert_eq!(lines.len(), 2);
    for line in &lines {
        assert!(
            line["name"].as_str().unwrap().starts_with("Alex "),
            "{line}"
        );
    }
}

#[test]
fn the_cache_file_is_private_and_holds_no_token() {
    let w = World::new();
    let demo = demo_with(&w, 0);
    w.run(&demo.url(), &["search", "jordan"]).code(0);
    let path = w.index_path(&demo.url());
    assert_eq!(mode(path.parent().unwrap()), 0o700);
    assert_eq!(mode(&path), 0o600);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(!text.contains(demo.token()), "{text}");
    assert!(text.contains("jordan.blake@example.com"));
    let names: Vec<_> = std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        names,
        vec![path.file_name().unwrap()],
        "no temporary file left"
    );

    // A cache directory someone loosened is tightened by the next write.
    std::fs::set_permissions(path.parent().unwrap(), PermissionsExt::from_mode(0o755)).unwrap();
    w.run(&demo.url(), &["search", "jordan", "--refresh"])
        .code(0);
    assert_eq!(mode(path.parent().unwrap()), 0o700);
}

#[test]
fn index_memory_keeps_nothing_on_disk() {
    let w = World::new();
    let demo = demo_with(&w, 0);
    std::fs::create_dir_all(w.dir.join("config/linq-contact")).unwrap();
    w.file("config/linq-contact/config.toml", b"index = \"memory\"\n");
    for _ in 0..2 {
        let before = log(&demo).len();
        w.run(&demo.url(), &["search", "jordan", "blake"])
            .expect(0, JORDAN, "");
        assert_eq!(pages_asked(&demo, before), vec![1], "read every time");
    }
    assert!(
        !w.dir.join("cache").exists(),
        "nothing in the cache directory"
    );
    w.run(&demo.url(), &["cache", "status"])
        .expect(0, Has("kept      memory"), "");
}

#[test]
fn a_stale_index_is_searched_when_the_server_cannot_be_reached() {
    let w = World::new();
    let demo = demo_with(&w, 0);
    let url = demo.url();
    w.run(&url, &["search", "jordan"]).code(0);
    age_index(&w.index_path(&url), 3600);
    drop(demo);
    w.run(&url, &["search", "jordan", "blake"]).expect(
        0,
        JORDAN,
        Has("warning: could not read the contacts again; searching the index of 1 h ago"),
    );
}

#[test]
fn a_cold_search_that_cannot_read_the_list_fails_with_exit_1() {
    let w = World::new();
    let demo = demo_with(&w, 250);
    demo.fail_next_for("GET", 8, Fault::Forbidden);
    w.run(&demo.url(), &["search", "jordan"]).expect(
        1,
        "",
        StartsWith("linq-contact: cannot read page 1 of the contact list: "),
    );
    assert!(!w.index_path(&demo.url()).exists());
}

#[test]
fn the_demo_serves_generated_contacts_on_demand() {
    let w = World::new();
    let run = w.run(
        NOWHERE,
        &[
            "search",
            "--demo",
            "--demo-contacts",
            "250",
            "alex",
            "abbott",
            "--json",
        ],
    );
    run.code(0);
    let first = &json_lines(&run.stdout)[0];
    assert_eq!(first["name"], "Alex Abbott", "{first}");
    assert!(first["id"].as_u64().unwrap() > 1032);
    // The demo's contacts live as long as its run: nothing of them is kept on disk.
    w.run(NOWHERE, &["cache", "status", "--demo"])
        .expect(0, Has("kept      memory"), "");
}

// ------------------------------------------------------------------------------- cache

#[test]
fn cache_status_and_clear_send_nothing() {
    let w = World::new();
    let demo = demo_with(&w, 0);
    let url = demo.url();
    let path = w.index_path(&url);
    w.run(&url, &["cache", "status"]).expect(
        0,
        format!(
            "server    {url}\npath      {}\ncontacts  none: no index yet\n\
             kept      disk, read again when older than 10m\n",
            path.display()
        )
        .as_str(),
        "",
    );
    w.run(&url, &["search", "jordan"]).code(0);
    let requests = log(&demo).len();
    let status = w.run(&url, &["cache", "status"]);
    status.expect(0, Has("contacts  32\nage       "), "");
    assert!(
        status
            .stdout
            .contains(&format!("path      {}\n", path.display()))
    );
    w.run(&url, &["cache", "clear"]).expect(
        0,
        "",
        format!("Removed the index of {url} ({}).\n", path.display()).as_str(),
    );
    assert!(!path.exists());
    w.run(&url, &["cache", "clear"])
        .expect(0, "", StartsWith("No index of "));
    w.run(&url, &["search", "jordan"]).code(0);
    w.run(&url, &["cache", "clear", "--all"]).expect(
        0,
        "",
        StartsWith("Removed 1 index files from "),
    );
    assert!(!path.exists());
    assert_eq!(
        log(&demo).len(),
        requests + 1,
        "only the search read a page"
    );
}

// ------------------------------------------------------------------------------ export

const HEADER: &str =
    "id,first_name,last_name,email,phone_number,company,title,location,user_email,updated_at";
const ROW_1002: &str = "1002,Jordan,Blake,jordan.blake@example.com,+15550102000,Contoso \
                        Logistics,Operations Manager,\"Chicago, IL\",dana.whitfield@example.com,\
                        2025-05-02T08:30:00.000-05:00";

#[test]
fn export_writes_every_contact_in_order_with_the_fields_of_the_form() {
    let w = World::new();
    let demo = demo_with(&w, 250);
    let run = w.run(&demo.url(), &["export"]);
    run.expect(0, StartsWith(&format!("{HEADER}\r\n")), "");
    let lines: Vec<&str> = run.stdout.split_terminator("\r\n").collect();
    assert_eq!(lines.len(), 1 + 282);
    assert_eq!(lines[2], ROW_1002);
    let ids: Vec<u64> = lines[1..]
        .iter()
        .map(|l| l.split(',').next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(ids, (1001..=1282).collect::<Vec<_>>());
    assert_eq!(sorted(pages_asked(&demo, 0)), vec![1, 2, 3]);

    let json = w.run(
        &demo.url(),
        &["export", "--format", "jsonl", "--fields", "id,title"],
    );
    json.expect(
        0,
        StartsWith("{\"id\":1001,\"title\":\"VP of Partnerships\"}\n"),
        "",
    );
    assert_eq!(json_lines(&json.stdout).len(), 282);
}

#[test]
fn export_to_a_file_is_private_whole_and_in_order_at_any_concurrency() {
    let w = World::new();
    let demo = demo_with(&w, 1500);
    demo.set_latency(Duration::from_millis(100));
    demo.reset_peak_in_flight();
    w.run(
        &demo.url(),
        &["export", "-o", "all.csv", "--concurrency", "4"],
    )
    .expect(0, "", "Exported 1,532 contacts to all.csv.\n");
    assert_eq!(demo.peak_in_flight(), 4);
    let path = w.dir.join("all.csv");
    assert_eq!(mode(&path), 0o600);
    let text = std::fs::read_to_string(&path).unwrap();
    let text = text.strip_prefix('\u{feff}').expect("a byte order mark");
    let ids: Vec<u64> = text
        .split_terminator("\r\n")
        .skip(1)
        .map(|l| l.split(',').next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(
        ids,
        (1001..=2532).collect::<Vec<_>>(),
        "written in page order"
    );
    let leftovers: Vec<_> = std::fs::read_dir(&w.dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn export_refuses_unknown_columns_and_unwritable_files_before_any_request() {
    let w = World::new();
    let demo = demo_with(&w, 0);
    w.run(&demo.url(), &["export", "--fields", "id,emial"])
        .expect(
            2,
            "",
            StartsWith(
                "linq-contact: unknown column \"emial\" in --fields; valid: id, first_name,",
            ),
        );
    w.run(&demo.url(), &["export", "-o", "no/such/dir/x.csv"])
        .expect(
            2,
            "",
            StartsWith("linq-contact: cannot write no/such/dir/x.csv: "),
        );
    assert!(log(&demo).is_empty());
}

#[test]
fn a_failed_export_leaves_no_file() {
    let w = World::new();
    let demo = demo_with(&w, 250);
    w.file("all.csv", b"the old export\n");
    demo.fail_next_for("GET", 8, Fault::Forbidden);
    let run = w.run(&demo.url(), &["export", "-o", "all.csv"]);
    run.expect(
        1,
        "",
        StartsWith("linq-contact: cannot read page 1 of the contact list"),
    );
    assert_eq!(
        std::fs::read_to_string(w.dir.join("all.csv")).unwrap(),
        "the old export\n",
        "the file named is left as it was"
    );
    let leftovers: Vec<_> = std::fs::read_dir(&w.dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn an_unchanged_export_goes_back_into_apply_and_nothing_would_be_sent() {
    let w = World::new();
    let demo = demo_with(&w, 0);
    let url = demo.url();
    for (file, format) in [("all.csv", "csv"), ("all.jsonl", "jsonl")] {
        w.run(&url, &["export", "--format", format, "-o", file])
            .code(0);
        let before = log(&demo).len();
        w.run(&url, &["apply", file, "--dry-run"]).expect(
            0,
            "",
            Has("Dry run: 32 rows: 0 would be updated, 32 unchanged, 0 failed; nothing was sent."),
        );
        // What was exported is kept: an unchanged row costs no request at all.
        assert_eq!(log(&demo)[before..], [], "{format}");
    }

    // One cell changed in the spreadsheet: that change alone would be sent.
    let text = std::fs::read_to_string(w.dir.join("all.csv")).unwrap();
    let edited = text.replace(
        "Contoso Logistics,Operations Manager",
        "Contoso Logistics,CTO",
    );
    assert_ne!(edited, text);
    w.file("edited.csv", edited.as_bytes());
    w.run(&url, &["apply", "edited.csv", "--dry-run"]).expect(
        0,
        "{\"line\":3,\"id\":1002,\"body\":{\"contact\":{\"first_name\":\"Jordan\",\"title\":\"CTO\"}}}\n",
        Has("1 would be updated, 31 unchanged"),
    );
}

#[test]
fn a_contact_shifted_onto_the_next_page_is_written_once_and_a_changed_count_is_said() {
    use wiremock::matchers::query_param;
    let w = World::new();
    let page = |n: &str, ids: std::ops::RangeInclusive<u64>| {
        let contacts: Vec<Value> = ids
            .map(|id| serde_json::json!({"id": id, "first_name": format!("P{id}")}))
            .collect();
        let body = serde_json::json!({
            "contacts": contacts,
            "pagination": {"current_page": 1, "per_page": 100, "total_pages": 2, "total_count": 151},
        });
        common::cli::reply(
            common::cli::given("GET", common::cli::CONTACTS).and(query_param("page", n)),
            200,
            Some(body),
        )
    };
    // Contact 100 was pushed onto page 2 while page 1 was read: one contact deleted or
    // created among the first hundred shifts the pages, and the count changes.
    let server = w.mock(vec![page("1", 1..=100), page("2", 100..=150)]);
    let run = w.run(&server.uri(), &["export", "--fields", "id,first_name"]);
    run.expect(
        0,
        Any,
        "linq-contact: warning: 150 contacts written, but the server counted 151 when the \
         export began: contacts were created or deleted meanwhile\n",
    );
    let ids: Vec<&str> = run
        .stdout
        .split_terminator("\r\n")
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    let expected: Vec<String> = (1..=150).map(|id| id.to_string()).collect();
    assert_eq!(ids, expected, "100 once");
}

#[test]
fn on_a_terminal_a_bar_counts_the_pages_then_goes() {
    let w = World::new();
    let demo = demo_with(&w, 250);
    demo.set_latency(Duration::from_millis(300));
    let mut search = w.pty(
        &demo.url(),
        &["search", "jordan", "blake", "--concurrency", "1"],
    );
    search.exits_showing(0, "1002  Jordan Blake");
    let raw = search.raw();
    assert!(
        raw.contains("/3 pages · reading the organisation's contacts"),
        "{raw:?}"
    );
    assert!(
        !search.contents().contains("pages"),
        "{}",
        search.contents()
    );

    let mut export = w.pty(
        &demo.url(),
        &["export", "-o", "all.csv", "--concurrency", "1"],
    );
    export.exits_showing(0, "Exported 282 contacts to all.csv.");
    assert!(
        export.raw().contains(" contacts · ETA "),
        "{:?}",
        export.raw()
    );
    assert!(
        !export.contents().contains("pages"),
        "{}",
        export.contents()
    );
}
