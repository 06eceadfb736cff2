//! An export edited and applied back, as the real binary does it against the demo API
//! on loopback: the requests each run sends (none for a row the user did not change),
//! the exact bodies, a colleague's change made meanwhile, and cells changed on both
//! sides.

use linq_contact::api::ContactPatch;
use linq_contact::demo::{DemoServer, Fault};
use linq_contact::form::Field;
use serde_json::json;
use std::time::Duration;

mod common;

use common::cli::Out::Has;
use common::cli::{CONTACTS, World, at, log, statuses};

/// The demo's seed (32 contacts, ids 1001–1032) and `extra` generated ones after it.
fn demo_with(w: &World, extra: usize) -> DemoServer {
    w.rt.block_on(DemoServer::start_with_generated(0, extra))
        .unwrap()
}

/// Exports every contact to `name`, then writes `edited` with each `(from, to)` replaced
/// once (each must be there).
fn export_and_edit(w: &World, url: &str, name: &str, edited: &str, edits: &[(&str, &str)]) {
    w.run(url, &["export", "-o", name]).code(0);
    let mut text = std::fs::read_to_string(w.dir.join(name)).unwrap();
    for (from, to) in edits {
        assert!(text.contains(from), "{from:?} is not in the export");
        text = text.replacen(from, to, 1);
    }
    w.file(edited, text.as_bytes());
}

/// `(method, path, body)` of the requests after the first `before`.
fn since(demo: &DemoServer, before: usize) -> Vec<(String, String, String)> {
    log(demo).split_off(before)
}

fn page(n: u32) -> (String, String, String) {
    (
        "GET".into(),
        format!("{CONTACTS}?page={n}&per_page=100"),
        String::new(),
    )
}

fn get(id: u64) -> (String, String, String) {
    ("GET".into(), at(id), String::new())
}

/// A PUT of `body`, exactly as sent (the form's field order).
fn put(id: u64, body: &str) -> (String, String, String) {
    ("PUT".into(), at(id), body.to_string())
}

const TITLE_1002: (&str, &str) = (
    "Contoso Logistics,Operations Manager",
    "Contoso Logistics,CTO",
);

/// A colleague saves `values` on contact `id` elsewhere (`updated_at` moves on).
fn colleague(demo: &DemoServer, id: u64, values: &[(Field, &str)]) {
    let mut patch = ContactPatch::default();
    for (field, value) in values {
        field.set_in(&mut patch, value.to_string());
    }
    assert!(demo.external_edit(id, &patch).is_some(), "edit of {id}");
}

#[test]
fn one_changed_cell_in_a_300_row_export_costs_one_read_and_one_put() {
    let w = World::new();
    let demo = demo_with(&w, 268);
    let url = demo.url();
    export_and_edit(&w, &url, "all.csv", "edited.csv", &[TITLE_1002]);
    let before = log(&demo).len();
    w.run(&url, &["apply", "edited.csv", "--report", "run.jsonl"])
        .expect(0, "", Has("300 rows in "))
        .err_has("1 updated, 0 partial, 299 unchanged, 0 failed, 0 skipped.\n")
        .err_has("line 2: contact 1001 unchanged since the export (nothing to send)\n");
    // The changed row's contact is read (a colleague may have changed it), then saved;
    // the 299 others cost nothing.
    assert_eq!(
        since(&demo, before),
        vec![
            get(1002),
            put(1002, r#"{"contact":{"first_name":"Jordan","title":"CTO"}}"#)
        ]
    );
    assert_eq!(demo.contact(1002).unwrap().title, "CTO");
    let report = w.report("run.jsonl");
    assert_eq!(report.len(), 300);
    assert_eq!(report[1]["status"], "updated");
    assert_eq!(
        report[1]["sent"],
        json!({"contact": {"first_name": "Jordan", "title": "CTO"}})
    );

    // The same file again, from stdin this time: the title is already so.
    let before = log(&demo).len();
    let edited = std::fs::read_to_string(w.dir.join("edited.csv")).unwrap();
    w.run_input(&url, &["apply", "-"], &edited)
        .code(0)
        .err_has("line 3: contact 1002 unchanged (it already has these values)\n")
        .err_has("0 updated, 0 partial, 300 unchanged");
    assert_eq!(since(&demo, before), vec![get(1002)]);
}

#[test]
fn a_colleagues_change_to_another_field_is_not_reverted() {
    let w = World::new();
    let demo = demo_with(&w, 0);
    let url = demo.url();
    for (format, file) in [("csv", "all.csv"), ("jsonl", "all.jsonl")] {
        w.run(&url, &["export", "--format", format, "-o", file])
            .code(0);
    }
    colleague(
        &demo,
        1002,
        &[(Field::Location, "Denver, CO"), (Field::FirstName, "Jo")],
    );
    let text = std::fs::read_to_string(w.dir.join("all.jsonl")).unwrap();
    let text = text.replacen("\"Operations Manager\"", "\"CTO\"", 1);
    w.file("edited.jsonl", text.as_bytes());
    let before = log(&demo).len();
    w.run(&url, &["apply", "edited.jsonl", "--report", "run.jsonl"])
        .code(0)
        .err_has("line 2: contact 1002 updated (title)\n");
    assert_eq!(
        since(&demo, before),
        vec![
            get(1002),
            // The identity field the API requires is the server's, the colleague's.
            put(1002, r#"{"contact":{"first_name":"Jo","title":"CTO"}}"#)
        ]
    );
    let now = demo.contact(1002).unwrap();
    assert_eq!(
        (
            now.first_name.as_str(),
            now.location.as_str(),
            now.title.as_str()
        ),
        ("Jo", "Denver, CO", "CTO")
    );
}

#[test]
fn a_cell_changed_on_both_sides_is_a_conflict_and_is_not_sent() {
    let w = World::new();
    let demo = demo_with(&w, 0);
    let url = demo.url();
    export_and_edit(
        &w,
        &url,
        "all.csv",
        "edited.csv",
        &[
            // The title changed here and there; the company only here.
            (
                "Contoso Logistics,Operations Manager",
                "Contoso Freight,CTO",
            ),
            // The same new title on both sides: already so.
            (
                "Fabrikam Health,Chief Medical Officer",
                "Fabrikam Health,CMO",
            ),
        ],
    );
    colleague(&demo, 1002, &[(Field::Title, "COO")]);
    colleague(&demo, 1003, &[(Field::Title, "CMO")]);
    let before = log(&demo).len();
    let run = w.run(&url, &["apply", "edited.csv", "--report", "run.jsonl"]);
    run.code(3)
        .err_has(
            "line 3: contact 1002 updated (company); conflict, not sent: changed on both \
             sides since the export: title (exported \"Operations Manager\", now \"COO\" on \
             the server, \"CTO\" in the file)\n",
        )
        .err_has("line 4: contact 1003 unchanged (it already has these values)\n")
        .err_has("0 failed, 0 skipped, 1 conflict.\n");
    // Two changed rows, one page of contacts: the page is read rather than each
    // contact; only the company is sent.
    assert_eq!(
        since(&demo, before),
        vec![
            page(1),
            put(
                1002,
                r#"{"contact":{"first_name":"Jordan","company":"Contoso Freight"}}"#
            )
        ]
    );
    assert_eq!(
        demo.contact(1002).unwrap().title,
        "COO",
        "the colleague's title stays"
    );
    let report = w.report("run.jsonl");
    assert_eq!(statuses(&report[1..3]), "3 conflict, 4 unchanged");
    assert_eq!(
        report[1]["conflicts"],
        json!([{"field": "title", "exported": "Operations Manager", "server": "COO", "yours": "CTO"}])
    );
    assert_eq!(report[1]["stored"]["company"], "Contoso Freight");
}

#[test]
fn without_what_was_exported_the_pages_are_read_and_the_servers_version_decides() {
    let w = World::new();
    let demo = demo_with(&w, 268);
    let url = demo.url();
    std::fs::create_dir_all(w.dir.join("config/linq-contact")).unwrap();
    w.file("config/linq-contact/config.toml", b"index = \"memory\"\n");
    export_and_edit(
        &w,
        &url,
        "all.csv",
        "edited.csv",
        &[TITLE_1002, ("Fabrikam Health,", "Fabrikam Labs,")],
    );
    assert!(!w.dir.join("cache").exists(), "nothing kept on disk");
    // 1003 changed on the server since: whether the file's company is the user's
    // change or the old value cannot be told.
    colleague(&demo, 1003, &[(Field::Location, "Boston, MA")]);
    let before = log(&demo).len();
    // The pages are read as search reads them: held 100 ms each so that those asked for
    // together overlap, at most --concurrency at once, a 429 waited out by all.
    demo.set_latency(Duration::from_millis(100));
    demo.reset_peak_in_flight();
    demo.fail_next(
        1,
        Fault::TooManyRequests {
            retry_after_secs: 1,
        },
    );
    let run = w.run(&url, &["apply", "edited.csv", "--concurrency", "2"]);
    assert_eq!(demo.peak_in_flight(), 2);
    run.err_has("trying again in 1.0 s");
    run.code(3).err_has(
        "line 4: contact 1003: nothing sent; conflict, not sent: company (\"Fabrikam \
         Health\" on the server, \"Fabrikam Labs\" in the file), location (\"Boston, MA\" on \
         the server, \"New York, NY\" in the file): changed on the server since the export \
         (updated_at 2025-07-30T10:00:00.000-05:00 then, ",
    );
    assert!(run.stderr.contains("; export again\n"), "{}", run.stderr);
    // Every row has values to compare: three pages (the first twice, for the 429)
    // rather than 300 reads, and one PUT.
    let requests = since(&demo, before);
    let (mut pages, others): (Vec<_>, Vec<_>) = requests
        .into_iter()
        .partition(|(m, path, _)| m == "GET" && path.contains("?page="));
    pages.sort();
    assert_eq!(pages, vec![page(1), page(1), page(2), page(3)]);
    assert_eq!(
        others,
        vec![put(
            1002,
            r#"{"contact":{"first_name":"Jordan","title":"CTO"}}"#
        )]
    );
    assert_eq!(demo.contact(1003).unwrap().company, "Fabrikam Health");
}

#[test]
fn cache_clear_removes_what_an_export_kept() {
    let w = World::new();
    let demo = demo_with(&w, 0);
    let url = demo.url();
    w.run(&url, &["export", "-o", "all.csv"])
        .expect(0, "", "Exported 32 contacts to all.csv.\n");
    let kept = w.dir.join(format!(
        "cache/linq-contact/exported-{}.jsonl",
        url.trim_start_matches("http://").replace(':', "_")
    ));
    assert!(kept.exists());
    w.run(&url, &["cache", "clear"]).code(0).err_has(&format!(
        "Removed what the last export kept ({}).\n",
        kept.display()
    ));
    assert!(!kept.exists());
}
