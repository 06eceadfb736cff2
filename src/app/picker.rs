//! The contact picker: recently opened contacts first, then the organisation's contacts,
//! fetched a page at a time as the selection nears them. Only a window of pages is kept,
//! so memory stays bounded however many contacts the organisation has.

use crate::api::{ApiError, ContactPage, Pagination};
use crate::recent::Summary;
use std::collections::BTreeMap;
use tui_input::Input;

pub const PAGE_SIZE: u32 = 100;
/// Pages kept at once: 500 rows.
pub const MAX_PAGES: usize = 5;
/// Start fetching the next page this many rows before the loaded ones run out.
const PREFETCH_ROWS: usize = 20;

/// One line of the picker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Row<'a> {
    Recent(&'a Summary),
    Listed(&'a Summary),
    /// A row whose page is not loaded (yet, or any more).
    Missing,
}

impl<'a> Row<'a> {
    pub fn summary(self) -> Option<&'a Summary> {
        match self {
            Row::Recent(s) | Row::Listed(s) => Some(s),
            Row::Missing => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Picker {
    pub filter: Input,
    recent: Vec<Summary>,
    pages: BTreeMap<u32, Vec<Summary>>,
    total: Option<Pagination>,
    selected: usize,
    /// The page request in flight: (generation, page).
    pub loading: Option<(u64, u32)>,
    pub error: Option<ApiError>,
}

impl Picker {
    pub fn new(recent: Vec<Summary>) -> Self {
        Self {
            filter: Input::default(),
            recent,
            pages: BTreeMap::new(),
            total: None,
            selected: 0,
            loading: None,
            error: None,
        }
    }

    fn filtering(&self) -> bool {
        !self.filter.value().trim().is_empty()
    }

    pub fn total_count(&self) -> Option<u64> {
        self.total.map(|p| p.total_count)
    }

    pub fn loaded_pages(&self) -> impl Iterator<Item = u32> + '_ {
        self.pages.keys().copied()
    }

    /// Rows matching the filter, over what is loaded (recent first).
    fn filtered(&self) -> Vec<Row<'_>> {
        let f = self.filter.value();
        self.recent
            .iter()
            .filter(|s| s.matches(f))
            .map(Row::Recent)
            .chain(
                self.pages
                    .values()
                    .flatten()
                    .filter(|s| s.matches(f))
                    .map(Row::Listed),
            )
            .collect()
    }

    fn listed_len(&self) -> usize {
        match self.total {
            Some(p) => usize::try_from(p.total_count).unwrap_or(usize::MAX),
            None => self.pages.values().map(Vec::len).sum(),
        }
    }

    pub fn len(&self) -> usize {
        if self.filtering() {
            self.filtered().len()
        } else {
            self.recent.len() + self.listed_len()
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn selected(&self) -> usize {
        self.selected
    }

    /// Row `i` of the visible list.
    pub fn row(&self, i: usize) -> Option<Row<'_>> {
        if self.filtering() {
            return self.filtered().get(i).copied();
        }
        if let Some(s) = self.recent.get(i) {
            return Some(Row::Recent(s));
        }
        let g = i - self.recent.len();
        if g >= self.listed_len() {
            return None;
        }
        let page = u32::try_from(g / PAGE_SIZE as usize + 1).ok()?;
        Some(
            self.pages
                .get(&page)
                .and_then(|rows| rows.get(g % PAGE_SIZE as usize))
                .map_or(Row::Missing, Row::Listed),
        )
    }

    /// Rows `from..from + count`, for drawing (cheap even with a filter).
    pub fn rows(&self, from: usize, count: usize) -> Vec<Row<'_>> {
        if self.filtering() {
            return self.filtered().into_iter().skip(from).take(count).collect();
        }
        (from..from + count).map_while(|i| self.row(i)).collect()
    }

    pub fn move_by(&mut self, delta: isize) {
        let last = self.len().saturating_sub(1);
        self.selected = self.selected.saturating_add_signed(delta).min(last);
    }

    pub fn move_to(&mut self, i: usize) {
        self.selected = i.min(self.len().saturating_sub(1));
    }

    /// The filter changed: the selection goes back to the top.
    pub fn filter_changed(&mut self) {
        self.selected = 0;
    }

    fn more_pages(&self, after: u32) -> bool {
        self.total.is_none_or(|p| after < p.total_pages)
    }

    /// The page to fetch now, if any.
    pub fn needed_page(&self) -> Option<u32> {
        if self.loading.is_some() {
            return None;
        }
        if self.total.is_none() {
            return (!self.pages.contains_key(&1) && self.error.is_none()).then_some(1);
        }
        if self.filtering() {
            // Keep loading forward while the filtered list is short of the selection.
            let last = self.pages.keys().next_back().copied().unwrap_or(0);
            let near_end = self.selected + PREFETCH_ROWS >= self.filtered().len();
            return (near_end && self.more_pages(last) && self.error.is_none()).then_some(last + 1);
        }
        let g = self.selected.saturating_sub(self.recent.len());
        let page = u32::try_from(g / PAGE_SIZE as usize + 1).ok()?;
        if !self.pages.contains_key(&page) {
            return Some(page);
        }
        let next_starts = page as usize * PAGE_SIZE as usize;
        (g + PREFETCH_ROWS >= next_starts
            && self.more_pages(page)
            && !self.pages.contains_key(&(page + 1)))
        .then_some(page + 1)
    }

    /// Stores a fetched page, dropping the page farthest from it when over the window.
    pub fn accept_page(&mut self, page: u32, result: Result<ContactPage, ApiError>) {
        self.loading = None;
        match result {
            Ok(p) => {
                self.error = None;
                self.total = Some(p.pagination);
                self.pages
                    .insert(page, p.contacts.iter().map(Summary::from).collect());
                while self.pages.len() > MAX_PAGES {
                    let farthest = self.pages.keys().copied().max_by_key(|&k| k.abs_diff(page));
                    if let Some(k) = farthest {
                        self.pages.remove(&k);
                    }
                }
            }
            Err(e) => self.error = Some(e),
        }
    }

    pub fn chosen(&self) -> Option<&Summary> {
        self.row(self.selected).and_then(Row::summary)
    }
}
