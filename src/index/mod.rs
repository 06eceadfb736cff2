//! The organisation's contacts, for finding anyone fast: read page by page from the
//! list endpoint (several pages at once), kept compact in memory (one [`Entry`] per
//! contact: its id and one string), cached on disk per server ([`store`]) and searched
//! with a fuzzy matcher ([`search`]).
//!
//! The index is a cache, not a truth: what it shows may be minutes old, so opening or
//! saving a contact always reads it fresh. It holds only what a search shows and
//! matches (name, e-mail, phone, company, title, location), never the token. What an
//! export wrote is kept apart, for `apply` ([`kept`]).

mod entry;
pub mod kept;
pub mod pages;
pub mod search;
mod shelf;
pub mod store;

pub use entry::{COLUMNS, Entry};
pub use pages::{DEFAULT_CONCURRENCY, PER_PAGE, Page, Stop};
pub use search::{Found, Highlighter, Hit};
pub use shelf::{Scored, Shelf, best_first};

use crate::api::{ApiError, ContactPage};
use std::future::Future;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The contacts of one server, sorted by id, each once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Index {
    server: String,
    /// When the first page was asked for, in seconds since the epoch.
    built_at: u64,
    entries: Vec<Entry>,
}

impl Index {
    /// An index of `entries` (sorted by id here; of two with one id, the later wins).
    pub fn new(server: String, built_at: u64, mut entries: Vec<Entry>) -> Self {
        entries.reverse();
        entries.sort_by_key(Entry::id);
        entries.dedup_by_key(|e| e.id());
        entries.shrink_to_fit();
        Self {
            server,
            built_at,
            entries,
        }
    }

    /// Which server it was read from (a server key: the base URL, or `demo`).
    pub fn server(&self) -> &str {
        &self.server
    }

    /// Seconds since the epoch.
    pub fn built_at(&self) -> u64 {
        self.built_at
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Its entries, sorted by id.
    pub fn into_entries(self) -> Vec<Entry> {
        self.entries
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// How old the index is at `now`; `None` when it claims to come from the future (a
    /// clock put back), which no one should trust.
    pub fn age(&self, now: SystemTime) -> Option<Duration> {
        age(self.built_at, now)
    }

    /// Whether it is recent enough to answer a search without asking the server.
    pub fn is_fresh(&self, max_age: Duration, now: SystemTime) -> bool {
        self.age(now).is_some_and(|age| age <= max_age)
    }

    /// The entries matching `query`, the best `limit` first ([`search::search`]).
    pub fn search(&self, query: &str, limit: usize) -> Found<'_> {
        search::search(&self.entries, query, limit)
    }

    /// Bytes the entries take in memory.
    pub fn footprint(&self) -> usize {
        self.entries.iter().map(Entry::footprint).sum::<usize>()
            + (self.entries.capacity() - self.entries.len()) * std::mem::size_of::<Entry>()
    }
}

/// How long ago `built_at` (seconds since the epoch) was at `now`.
pub fn age(built_at: u64, now: SystemTime) -> Option<Duration> {
    now.duration_since(UNIX_EPOCH + Duration::from_secs(built_at))
        .ok()
}

/// Seconds since the epoch.
pub fn seconds(at: SystemTime) -> u64 {
    at.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// Reads every page of `server`'s contacts with `fetch`, `concurrency` pages at once,
/// into an index; `progress` is told of each page (pages read, pages in all). Each page
/// becomes entries as it arrives, so no more than `concurrency` pages of full records
/// are held at once. A page that fails (after `fetch`'s own retries) fails the whole
/// build: an index missing a page would miss contacts without saying so.
pub async fn build<F, Fut>(
    server: &str,
    fetch: F,
    concurrency: usize,
    mut progress: impl FnMut(u32, u32),
) -> Result<Index, (u32, ApiError)>
where
    F: Fn(u32) -> Fut,
    Fut: Future<Output = Result<ContactPage, ApiError>>,
{
    let started = seconds(SystemTime::now());
    let mut entries = Vec::new();
    let mut read = 0;
    let sink = |page: Page| -> Result<(), std::convert::Infallible> {
        if entries.is_empty() {
            let expected = u64::from(page.total_pages) * u64::from(PER_PAGE);
            entries.reserve(usize::try_from(expected.min(1 << 22)).unwrap_or(0));
        }
        entries.extend(page.contacts.iter().map(Entry::of));
        read += 1;
        progress(read, page.total_pages);
        Ok(())
    };
    match pages::read_all(fetch, concurrency, false, sink).await {
        Ok(_) => Ok(Index::new(server.to_string(), started, entries)),
        Err(Stop::Api { page, error }) => Err((page, error)),
        Err(Stop::Sink(never)) => match never {},
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{Contact, Pagination};

    #[test]
    fn entries_are_kept_by_id_each_once_the_later_winning() {
        let index = Index::new(
            "demo".into(),
            0,
            vec![
                Entry::new(3, ["Old", "", "", "", "", ""]),
                Entry::new(1, ["One", "", "", "", "", ""]),
                Entry::new(3, ["New", "", "", "", "", ""]),
            ],
        );
        let names: Vec<(u64, &str)> = index.entries().iter().map(|e| (e.id(), e.name())).collect();
        assert_eq!(names, vec![(1, "One"), (3, "New")]);
    }

    #[test]
    fn fresh_means_no_older_than_the_limit_and_never_from_the_future() {
        let index = Index::new("demo".into(), 1_000, vec![]);
        let at = |s| UNIX_EPOCH + Duration::from_secs(s);
        let limit = Duration::from_secs(600);
        assert!(index.is_fresh(limit, at(1_000)));
        assert!(index.is_fresh(limit, at(1_600)));
        assert!(!index.is_fresh(limit, at(1_601)));
        assert!(!index.is_fresh(limit, at(999)));
        assert!(!index.is_fresh(Duration::ZERO, at(1_001)));
    }

    #[tokio::test]
    async fn a_build_reads_every_page_and_reports_each() {
        let fetch = |n: u32| async move {
            let first = u64::from(n - 1) * 2;
            Ok(ContactPage {
                contacts: (first..first + 2)
                    .map(|id| Contact {
                        id: id + 1,
                        first_name: format!("P{}", id + 1),
                        ..Default::default()
                    })
                    .collect(),
                pagination: Pagination {
                    current_page: n,
                    per_page: 2,
                    total_pages: 3,
                    total_count: 6,
                },
            })
        };
        let mut seen = Vec::new();
        let index = build("demo", fetch, 2, |done, all| seen.push((done, all)))
            .await
            .unwrap();
        assert_eq!(seen, vec![(1, 3), (2, 3), (3, 3)]);
        let ids: Vec<u64> = index.entries().iter().map(Entry::id).collect();
        assert_eq!(ids, vec![1, 2, 3, 4, 5, 6]);
        assert_eq!(index.search("p5", 10).hits[0].entry.id(), 5);

        let failing = |n: u32| async move {
            match n {
                1 => fetch(1).await,
                _ => Err(ApiError::Other {
                    reason: "down".into(),
                }),
            }
        };
        let (page, _) = build("demo", failing, 2, |_, _| {}).await.unwrap_err();
        assert!(page == 2 || page == 3, "{page}");
    }
}
