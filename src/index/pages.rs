//! Reading every page of the list endpoint, several at a time. The list has no filter
//! and no "changed since", so finding anyone by name, or exporting everyone, means
//! reading every page; pages are independent (`page=N`), so up to `concurrency` of
//! them are asked for at once. Page 1 comes first, alone: it says how many there are.
//!
//! How a page is fetched (and retried) is the caller's: the commands pass a read that
//! waits at the shared 429 gate, so a `Retry-After` pauses every page in flight.

use crate::api::{ApiError, Contact, ContactPage, Pagination};
use futures::StreamExt;
use std::future::Future;

/// The most the API serves in one page, so the fewest requests.
pub const PER_PAGE: u32 = 100;

/// Pages in flight at once unless told otherwise.
pub const DEFAULT_CONCURRENCY: usize = 8;

/// One page, as it arrives.
#[derive(Debug)]
pub struct Page {
    /// 1-based.
    pub number: u32,
    /// How many pages the first one announced: all that are read.
    pub total_pages: u32,
    pub contacts: Vec<Contact>,
}

/// Why reading stopped: a page failed (after the fetcher's own retries), or the
/// caller's sink refused a page.
#[derive(Debug)]
pub enum Stop<E> {
    Api { page: u32, error: ApiError },
    Sink(E),
}

/// Reads every page with `fetch` (page number → page), up to `concurrency` at once,
/// and hands each to `sink`: in page order when `ordered` (a page that arrives early
/// waits for those before it; no more than `concurrency` are held), else as they come.
/// Returns the first page's pagination.
pub async fn read_all<F, Fut, E>(
    fetch: F,
    concurrency: usize,
    ordered: bool,
    mut sink: impl FnMut(Page) -> Result<(), E>,
) -> Result<Pagination, Stop<E>>
where
    F: Fn(u32) -> Fut,
    Fut: Future<Output = Result<ContactPage, ApiError>>,
{
    let first = fetch(1)
        .await
        .map_err(|error| Stop::Api { page: 1, error })?;
    let pagination = first.pagination;
    let total_pages = pagination.total_pages.max(1);
    sink(Page {
        number: 1,
        total_pages,
        contacts: first.contacts,
    })
    .map_err(Stop::Sink)?;
    let fetch = &fetch;
    let rest = futures::stream::iter(2..=total_pages)
        .map(|number| async move { (number, fetch(number).await) });
    let concurrency = concurrency.max(1);
    let mut pages = if ordered {
        rest.buffered(concurrency).left_stream()
    } else {
        rest.buffer_unordered(concurrency).right_stream()
    };
    while let Some((number, page)) = pages.next().await {
        let page = page.map_err(|error| Stop::Api {
            page: number,
            error,
        })?;
        sink(Page {
            number,
            total_pages,
            contacts: page.contacts,
        })
        .map_err(Stop::Sink)?;
    }
    Ok(pagination)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;
    use std::time::Duration;

    fn page(number: u32, total_pages: u32) -> ContactPage {
        ContactPage {
            contacts: vec![Contact {
                id: u64::from(number),
                ..Default::default()
            }],
            pagination: Pagination {
                current_page: number,
                per_page: 1,
                total_pages,
                total_count: u64::from(total_pages),
            },
        }
    }

    /// Later pages answer sooner, so arrival order is the reverse of page order.
    async fn slow_early(number: u32, asked: &Mutex<Vec<u32>>) -> Result<ContactPage, ApiError> {
        asked.lock().unwrap().push(number);
        tokio::time::sleep(Duration::from_millis(u64::from(10 - number) * 5)).await;
        Ok(page(number, 9))
    }

    #[tokio::test]
    async fn ordered_pages_reach_the_sink_in_page_order_and_every_page_is_read_once() {
        for ordered in [true, false] {
            let asked = Mutex::new(Vec::new());
            let mut seen = Vec::new();
            let pagination = read_all(
                |n| slow_early(n, &asked),
                4,
                ordered,
                |p: Page| -> Result<(), ()> {
                    assert_eq!(p.total_pages, 9);
                    seen.push(p.number);
                    Ok(())
                },
            )
            .await
            .unwrap();
            assert_eq!(pagination.total_pages, 9);
            let mut asked = asked.into_inner().unwrap();
            asked.sort_unstable();
            assert_eq!(asked, (1..=9).collect::<Vec<_>>());
            if ordered {
                assert_eq!(seen, (1..=9).collect::<Vec<_>>());
            } else {
                assert_eq!(seen[0], 1);
                assert_ne!(seen, (1..=9).collect::<Vec<_>>(), "arrival order");
            }
        }
    }

    #[tokio::test]
    async fn a_failed_page_or_a_refusing_sink_stops_the_reading() {
        let failing = |n: u32| async move {
            if n == 3 {
                Err(ApiError::Other {
                    reason: "down".into(),
                })
            } else {
                Ok(page(n, 5))
            }
        };
        let stop = read_all(failing, 2, true, |_| -> Result<(), ()> { Ok(()) })
            .await
            .unwrap_err();
        assert!(matches!(stop, Stop::Api { page: 3, .. }), "{stop:?}");

        let stop = read_all(
            |n| async move { Ok(page(n, 5)) },
            2,
            true,
            |p: Page| if p.number == 2 { Err("full") } else { Ok(()) },
        )
        .await
        .unwrap_err();
        assert!(matches!(stop, Stop::Sink("full")), "{stop:?}");
    }

    #[tokio::test]
    async fn an_empty_organisation_is_one_empty_page() {
        let empty = |_| async {
            Ok(ContactPage {
                contacts: vec![],
                pagination: Pagination::default(),
            })
        };
        let mut pages = 0;
        read_all(empty, 8, true, |p: Page| -> Result<(), ()> {
            pages += 1;
            assert!(p.contacts.is_empty());
            Ok(())
        })
        .await
        .unwrap();
        assert_eq!(pages, 1);
    }
}
