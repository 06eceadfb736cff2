//! The picker over the organisation's index, driven through `App` with messages; the
//! pages are read from the demo API on loopback, one request each.

mod common;

use common::effects::Runner;
use common::paths_where;
use linq_contact::api::LinqClient;
use linq_contact::app::{App, AppOptions, Effect, Msg, Overlay};
use linq_contact::demo::{DemoServer, Fault};
use linq_contact::dialogs::picker::{MAX_HITS, Picker, Row};
use linq_contact::index::Entry;
use linq_contact::keymap::{KeyCode, KeyEvent, KeyModifiers};
use linq_contact::target::Target;
use std::collections::BTreeMap;
use std::time::Duration;

async fn open(server: &DemoServer, options: AppOptions) -> Runner {
    let options = AppOptions {
        api_url: server.url(),
        ..options
    };
    Runner::start(
        &server.url(),
        server.token(),
        App::open(options, Target::Id(server.first_id())),
    )
    .await
}

fn picker(h: &Runner) -> &Picker {
    match h.app.overlay() {
        Some(Overlay::Picker(p)) => p,
        other => panic!("expected the picker, got {other:?}"),
    }
}

/// The ids the picker lists, in order, and which of them are recent.
fn listed(h: &Runner) -> Vec<(u64, bool)> {
    let p = picker(h);
    (0..p.len())
        .filter_map(|i| p.row(i))
        .map(|r| (r.id(), matches!(r, Row::Recent(_))))
        .collect()
}

fn plain(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn ctrl(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
}

fn list_requests(server: &DemoServer) -> usize {
    paths_where(server, |p| p.starts_with("/api/partner/v2/contacts?")).len()
}

/// Every contact of the server, page by page, read here without the crate's index.
async fn everyone(client: &LinqClient) -> Vec<linq_contact::api::Contact> {
    let mut all = Vec::new();
    for page in 1.. {
        let p = client.list_contacts(page, 100).await.unwrap();
        all.extend(p.contacts);
        if page >= p.pagination.total_pages {
            break;
        }
    }
    all
}

/// Whether `word` is in one of the columns a search reads, ignoring case: what an
/// exact-word search (`'word`) finds.
fn holds(c: &linq_contact::api::Contact, word: &str) -> bool {
    let name = format!("{} {} {}", c.full_name, c.first_name, c.last_name);
    [
        &name,
        &c.email,
        &c.phone_number,
        &c.company,
        &c.title,
        &c.location,
    ]
    .iter()
    .any(|col| col.to_lowercase().contains(word))
}

#[tokio::test]
async fn ctrl_p_reads_the_whole_organisation_once_and_searches_all_of_it() {
    let server = DemoServer::start_with_generated(0, 868).await.unwrap();
    let mut h = open(&server, AppOptions::default()).await;
    let all = everyone(&h.client).await;
    let before = list_requests(&server);
    h.press(ctrl('p')).await;
    let pages = list_requests(&server);
    assert_eq!(pages - before, 9, "every page once");
    assert_eq!(picker(&h).listed(), all.len());

    // An exact word: the matches are every contact holding it, wherever it is listed.
    h.type_text("'kofi").await;
    let mut expected: Vec<u64> = all
        .iter()
        .filter(|c| holds(c, "kofi"))
        .map(|c| c.id)
        .collect();
    assert!(expected.len() > 20, "{expected:?}");
    let mut found: Vec<u64> = listed(&h).into_iter().map(|(id, _)| id).collect();
    found.sort_unstable();
    expected.sort_unstable();
    assert_eq!(found, expected);
    let text = h.screen(100, 30);
    assert!(text.contains(&format!("{} contacts", all.len())), "{text}");

    // Closed and opened again: the index is kept, nothing is read again.
    h.press(plain(KeyCode::Esc)).await;
    h.press(ctrl('p')).await;
    assert_eq!(list_requests(&server), pages);
    assert_eq!(picker(&h).listed(), all.len());
}

#[tokio::test]
async fn the_best_match_comes_first_and_its_letters_are_marked() {
    let server = DemoServer::start_with_generated(0, 300).await.unwrap();
    let mut h = open(&server, AppOptions::default()).await;
    h.press(ctrl('p')).await;
    let all = everyone(&h.client).await;
    let wanted = all
        .iter()
        .find(|c| c.email == "jordan.blake@example.com")
        .unwrap();
    h.type_text("jordan.blake@example.com").await;
    assert_eq!(picker(&h).chosen(), Some(wanted.id), "{:?}", listed(&h));
    // The matched letters are drawn apart from the rest of the row.
    let buffer = h.buffer(100, 30);
    let row = (0..30)
        .find(|&y| row_text(&buffer, y).contains("jordan.blake@example.com"))
        .unwrap();
    let x = row_text(&buffer, row)
        .find("jordan.blake@example.com")
        .unwrap();
    let x = u16::try_from(row_text(&buffer, row)[..x].chars().count()).unwrap();
    let marked = buffer[(x, row)].modifier;
    let unmarked = buffer[(x - 2, row)].modifier;
    assert_ne!(marked, unmarked, "{}", row_text(&buffer, row));
}

fn row_text(buffer: &ratatui::buffer::Buffer, y: u16) -> String {
    (0..buffer.area.width)
        .map(|x| buffer[(x, y)].symbol().to_string())
        .collect()
}

#[tokio::test]
async fn more_matches_than_are_listed_say_so() {
    let server = DemoServer::start_with_generated(0, 2968).await.unwrap();
    let mut h = open(&server, AppOptions::default()).await;
    h.press(ctrl('p')).await;
    h.type_text("example.net").await;
    let (matched, all_shown) = picker(&h).matched();
    assert!(!all_shown);
    assert!(matched > MAX_HITS, "{matched}");
    assert_eq!(listed(&h).len(), MAX_HITS);
    let text = h.screen(100, 30);
    assert!(
        text.contains(&format!("The best {MAX_HITS} of 2,9")),
        "{text}"
    );
}

#[tokio::test]
async fn results_show_while_the_pages_still_arrive() {
    let server = DemoServer::start_with_generated(0, 868).await.unwrap();
    let mut h = open(&server, AppOptions::default()).await;
    let effects = h.app.update(Msg::Key(ctrl('p')));
    assert_eq!(effects, vec![Effect::LoadIndex]);
    let effects = h.app.update(Msg::IndexLoaded(None));
    let [Effect::ReadIndex { generation }] = effects[..] else {
        panic!("{effects:?}");
    };
    h.type_text("'kofi").await;
    let first = h.client.list_contacts(1, 100).await.unwrap();
    let in_first: Vec<u64> = first
        .contacts
        .iter()
        .filter(|c| holds(c, "kofi"))
        .map(|c| c.id)
        .collect();
    assert!(!in_first.is_empty());
    h.app.update(Msg::IndexPage {
        generation,
        entries: first.contacts.iter().map(Entry::of).collect(),
        pages: (1, 9),
    });
    let mut found: Vec<u64> = listed(&h).into_iter().map(|(id, _)| id).collect();
    found.sort_unstable();
    assert_eq!(found, in_first);
    let text = h.screen(100, 30);
    assert!(text.contains("100 contacts · reading 1/9 pages"), "{text}");
}

#[tokio::test]
async fn a_failed_reading_waits_for_the_retry_key() {
    let server = DemoServer::start(0).await.unwrap();
    let mut h = open(&server, AppOptions::default()).await;
    server.fail_next(1, Fault::ServerError);
    h.press(ctrl('p')).await;
    assert_eq!(list_requests(&server), 1);
    let text = h.screen(100, 30);
    assert!(text.contains("cannot read the contacts"), "{text}");
    assert!(text.contains("HTTP 500"), "{text}");
    assert!(text.contains("Ctrl-R to try again"), "{text}");
    // Nothing the user does, short of the retry key, reads again.
    for key in [
        plain(KeyCode::Down),
        plain(KeyCode::PageDown),
        plain(KeyCode::Char('a')),
        plain(KeyCode::Backspace),
    ] {
        assert_eq!(h.app.update(Msg::Key(key)), vec![], "{key:?}");
    }
    h.press(plain(KeyCode::Esc)).await;
    h.press(ctrl('p')).await;
    assert_eq!(list_requests(&server), 1, "opening again is no retry");
    h.press(ctrl('r')).await;
    assert_eq!(list_requests(&server), 2);
    assert!(picker(&h).source.failed.is_none());
    assert!(picker(&h).listed() > 0);
}

#[tokio::test]
async fn the_retry_key_is_the_configured_reload_key() {
    let server = DemoServer::start(0).await.unwrap();
    let (keymap, errors) = linq_contact::keymap::Keymap::default()
        .with_overrides(&BTreeMap::from([("reload".into(), vec!["f5".into()])]));
    assert!(errors.is_empty(), "{errors:?}");
    let mut h = open(
        &server,
        AppOptions {
            keymap,
            ..AppOptions::default()
        },
    )
    .await;
    server.fail_next(1, Fault::ServerError);
    h.press(ctrl('p')).await;
    let text = h.screen(100, 30);
    assert!(text.contains("F5 to try again"), "{text}");
    assert_eq!(h.app.update(Msg::Key(ctrl('r'))), vec![]);
    let effects = h.app.update(Msg::Key(plain(KeyCode::F(5))));
    assert!(
        matches!(effects[..], [Effect::ReadIndex { .. }]),
        "{effects:?}"
    );
}

#[tokio::test]
async fn an_old_index_is_listed_at_once_and_read_again_behind_it() {
    let server = DemoServer::start(0).await.unwrap();
    let options = AppOptions {
        index_max_age: Duration::from_secs(600),
        ..AppOptions::default()
    };
    let mut h = open(&server, options).await;
    let now = linq_contact::index::seconds(std::time::SystemTime::now());
    h.app.observe_now(now);
    let old = linq_contact::index::Index::new(
        "demo".into(),
        now - 601,
        vec![Entry::new(7, ["Old Name", "", "", "", "", ""])],
    );
    assert_eq!(h.app.update(Msg::Key(ctrl('p'))), vec![Effect::LoadIndex]);
    let effects = h.app.update(Msg::IndexLoaded(Some(Box::new(old))));
    assert!(
        matches!(effects[..], [Effect::ReadIndex { .. }]),
        "{effects:?}"
    );
    let recent = server.first_id();
    assert_eq!(
        listed(&h),
        vec![(recent, true), (7, false)],
        "the old index, listed at once"
    );
    let text = h.screen(100, 30);
    assert!(text.contains("1 contacts · 10 min old · reading"), "{text}");
    h.settle(effects).await;
    assert!(picker(&h).listed() > 1, "the new index took its place");

    // Younger than the limit: opened again, nothing is read.
    h.press(plain(KeyCode::Esc)).await;
    h.app.observe_now(now + 300);
    assert_eq!(h.app.update(Msg::Key(ctrl('p'))), vec![]);
}

#[tokio::test]
async fn a_save_made_here_is_in_the_index_at_once() {
    let server = DemoServer::start(0).await.unwrap();
    let mut h = open(&server, AppOptions::default()).await;
    h.press(ctrl('p')).await;
    h.press(plain(KeyCode::Esc)).await;
    let reads = list_requests(&server);
    // The first field is the first name.
    for _ in 0..20 {
        h.press(plain(KeyCode::Backspace)).await;
    }
    h.type_text("Zebulon").await;
    let effects = h.app.update(Msg::Key(ctrl('s')));
    h.settle(effects).await;
    h.press(plain(KeyCode::Enter)).await;
    h.press(ctrl('p')).await;
    h.type_text("zebulon").await;
    assert_eq!(
        listed(&h).into_iter().map(|(id, _)| id).collect::<Vec<_>>(),
        vec![server.first_id(), server.first_id()],
        "recent, and in the index"
    );
    assert_eq!(list_requests(&server), reads, "nothing read again");
}
