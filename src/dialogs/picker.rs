//! The contact picker: recently opened contacts first, then the organisation's contacts,
//! fetched a page at a time as the selection nears them. Only a window of pages is kept,
//! so memory stays bounded however many contacts the organisation has. Its keys move the
//! selection and type into the filter; the app fetches the pages it asks for.

use super::contract::{Dialog, Handling, KeyContext, Outcome};
use crate::api::{ApiError, ContactPage, Pagination};
use crate::form::line;
use crate::keymap::{Action, KeyEvent, Nav, Scope};
use crate::recent::Summary;
use crate::target::Target;
use std::collections::BTreeMap;
use tui_input::Input;

pub const PAGE_SIZE: u32 = 100;
/// Pages kept at once: 500 rows.
pub const MAX_PAGES: usize = 5;
/// Start fetching the next page this many rows before the loaded ones run out.
const PREFETCH_ROWS: usize = 20;
/// Rows PgUp/PgDn move the selection by.
const PAGE: isize = 10;
/// Matches of evicted pages kept while a filter is typed: enough for any search a person
/// reads through, small enough to stay bounded in an organisation of millions.
pub const MAX_KEPT: usize = 2_000;

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

/// A row matching the filter, by where it lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hit {
    Recent(usize),
    /// Row `.1` of loaded page `.0`.
    Loaded(u32, usize),
    /// Row `.1` of the matches kept from evicted page `.0`.
    Kept(u32, usize),
}

#[derive(Debug, Clone)]
pub struct Picker {
    /// Edit it only together with [`Picker::filter_changed`].
    pub filter: Input,
    recent: Vec<Summary>,
    pages: BTreeMap<u32, Vec<Summary>>,
    /// Rows matching the filter whose page has been evicted: what the filter found stays
    /// listed however far the window moves on.
    kept: BTreeMap<u32, Vec<Summary>>,
    /// Matches of evicted pages were dropped because [`MAX_KEPT`] were already kept.
    kept_full: bool,
    /// The rows matching the filter, in list order; recomputed when the filter or the
    /// loaded pages change, so drawing and keys never re-run the filter.
    hits: Vec<Hit>,
    total: Option<Pagination>,
    selected: usize,
    /// The page request in flight: (generation, page).
    pub loading: Option<(u64, u32)>,
    /// Why the last page could not be read. While set no page is requested: the runtime
    /// has already retried, and only the user's retry key clears it.
    pub error: Option<ApiError>,
}

impl Picker {
    pub fn new(recent: Vec<Summary>) -> Self {
        Self {
            filter: Input::default(),
            recent,
            pages: BTreeMap::new(),
            kept: BTreeMap::new(),
            kept_full: false,
            hits: Vec::new(),
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

    /// How many matches of evicted pages are kept.
    pub fn kept_len(&self) -> usize {
        self.kept.values().map(Vec::len).sum()
    }

    /// Some matches were not kept: the list of matches is incomplete.
    pub fn kept_full(&self) -> bool {
        self.kept_full
    }

    /// Recomputes [`Self::hits`]: recent first, then loaded and kept rows in page order.
    fn refresh_hits(&mut self) {
        self.hits.clear();
        if !self.filtering() {
            return;
        }
        let f = self.filter.value();
        self.hits.extend(
            self.recent
                .iter()
                .enumerate()
                .filter(|(_, s)| s.matches(f))
                .map(|(i, _)| Hit::Recent(i)),
        );
        // A page is either loaded or evicted, never both: merge the two by page number.
        let mut sources: Vec<(u32, bool, &Vec<Summary>)> = self
            .pages
            .iter()
            .map(|(&p, rows)| (p, true, rows))
            .chain(self.kept.iter().map(|(&p, rows)| (p, false, rows)))
            .collect();
        sources.sort_by_key(|&(page, _, _)| page);
        for (page, loaded, rows) in sources {
            self.hits
                .extend(
                    rows.iter()
                        .enumerate()
                        .filter(|(_, s)| s.matches(f))
                        .map(|(i, _)| {
                            if loaded {
                                Hit::Loaded(page, i)
                            } else {
                                Hit::Kept(page, i)
                            }
                        }),
                );
        }
    }

    fn hit(&self, hit: Hit) -> Option<Row<'_>> {
        Some(match hit {
            Hit::Recent(i) => Row::Recent(self.recent.get(i)?),
            Hit::Loaded(page, i) => Row::Listed(self.pages.get(&page)?.get(i)?),
            Hit::Kept(page, i) => Row::Listed(self.kept.get(&page)?.get(i)?),
        })
    }

    fn listed_len(&self) -> usize {
        match self.total {
            Some(p) => usize::try_from(p.total_count).unwrap_or(usize::MAX),
            None => self.pages.values().map(Vec::len).sum(),
        }
    }

    pub fn len(&self) -> usize {
        if self.filtering() {
            self.hits.len()
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
            return self.hits.get(i).and_then(|&h| self.hit(h));
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

    /// Rows `from..from + count`, for drawing.
    pub fn rows(&self, from: usize, count: usize) -> Vec<Row<'_>> {
        (from..from.saturating_add(count))
            .map_while(|i| self.row(i))
            .collect()
    }

    pub fn move_by(&mut self, delta: isize) {
        let last = self.len().saturating_sub(1);
        self.selected = self.selected.saturating_add_signed(delta).min(last);
    }

    pub fn move_to(&mut self, i: usize) {
        self.selected = i.min(self.len().saturating_sub(1));
    }

    /// The filter changed: the selection goes back to the top, and the kept matches of
    /// evicted pages are narrowed to those that still match (none without a filter).
    pub fn filter_changed(&mut self) {
        self.selected = 0;
        if self.filtering() {
            let f = self.filter.value();
            for rows in self.kept.values_mut() {
                rows.retain(|s| s.matches(f));
            }
            self.kept.retain(|_, rows| !rows.is_empty());
        } else {
            self.kept.clear();
            self.kept_full = false;
        }
        self.refresh_hits();
    }

    /// The user asked to try the failed page again.
    pub fn retry(&mut self) {
        self.error = None;
    }

    fn more_pages(&self, after: u32) -> bool {
        self.total.is_none_or(|p| after < p.total_pages)
    }

    /// The page to fetch now, if any. Nothing while a request is out or after a failure.
    pub fn needed_page(&self) -> Option<u32> {
        if self.loading.is_some() || self.error.is_some() {
            return None;
        }
        if self.total.is_none() {
            return (!self.pages.contains_key(&1)).then_some(1);
        }
        if self.filtering() {
            // Keep loading forward while the filtered list is short of the selection.
            let last = self
                .pages
                .keys()
                .chain(self.kept.keys())
                .max()
                .copied()
                .unwrap_or(0);
            let near_end = self.selected + PREFETCH_ROWS >= self.hits.len();
            return (near_end && self.more_pages(last)).then_some(last + 1);
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

    /// Stores a fetched page, dropping the page farthest from it when over the window;
    /// the dropped page's rows that match the filter are kept.
    pub fn accept_page(&mut self, page: u32, result: Result<ContactPage, ApiError>) {
        self.loading = None;
        match result {
            Ok(p) => {
                // Matches dropped above the selection must not move it to another row.
                let chosen = self
                    .filtering()
                    .then(|| self.row(self.selected))
                    .flatten()
                    .map(|r| (matches!(r, Row::Recent(_)), r.summary().map(|s| s.id)));
                self.error = None;
                self.total = Some(p.pagination);
                self.kept.remove(&page);
                self.pages
                    .insert(page, p.contacts.iter().map(Summary::from).collect());
                while self.pages.len() > MAX_PAGES {
                    let farthest = self.pages.keys().copied().max_by_key(|&k| k.abs_diff(page));
                    if let Some((k, rows)) =
                        farthest.and_then(|k| self.pages.remove(&k).map(|r| (k, r)))
                    {
                        self.keep_matches(k, rows);
                    }
                }
                self.refresh_hits();
                if let Some((recent, id)) = chosen {
                    let found = (0..self.hits.len()).find(|&i| {
                        self.row(i).is_some_and(|r| {
                            matches!(r, Row::Recent(_)) == recent && r.summary().map(|s| s.id) == id
                        })
                    });
                    self.selected = found.unwrap_or(self.selected);
                }
                self.selected = self.selected.min(self.len().saturating_sub(1));
            }
            Err(e) => self.error = Some(e),
        }
    }

    /// Keeps the rows of evicted `page` that match the filter, up to [`MAX_KEPT`].
    fn keep_matches(&mut self, page: u32, rows: Vec<Summary>) {
        if !self.filtering() {
            return;
        }
        let f = self.filter.value();
        let room = MAX_KEPT.saturating_sub(self.kept_len());
        let mut matching: Vec<Summary> = rows.into_iter().filter(|s| s.matches(f)).collect();
        if matching.len() > room {
            matching.truncate(room);
            self.kept_full = true;
        }
        if !matching.is_empty() {
            self.kept.insert(page, matching);
        }
    }

    pub fn chosen(&self) -> Option<&Summary> {
        self.row(self.selected).and_then(Row::summary)
    }
}

impl Dialog for Picker {
    fn handling(&self) -> Handling {
        Handling::closes(Scope::Picker, "close")
    }

    fn on_key(&mut self, action: Option<Action>, key: &KeyEvent, cx: &KeyContext) -> Outcome {
        // The reload key tries a failed page again (a key that types nothing, so the
        // filter never loses a letter to it).
        if self.error.is_some() && action == Some(Action::Reload) {
            self.retry();
            return Outcome::Fetch;
        }
        if action == Some(Action::Choose) {
            match self.chosen().map(|s| s.id) {
                // Already open: nothing to leave.
                Some(id) if Some(id) == cx.open => return Outcome::Close,
                Some(id) => return Outcome::Open(Target::Id(id)),
                None => return Outcome::Fetch,
            }
        }
        match Nav::of(key) {
            Some(Nav::Up) => self.move_by(-1),
            Some(Nav::Down) => self.move_by(1),
            Some(Nav::PageUp) => self.move_by(-PAGE),
            Some(Nav::PageDown) => self.move_by(PAGE),
            Some(Nav::Top) => self.move_to(0),
            Some(Nav::Bottom) => self.move_to(usize::MAX),
            None => {
                if line::edit(&mut self.filter, key) {
                    self.filter_changed();
                }
            }
        }
        Outcome::Fetch
    }

    fn text_input(&mut self) -> Option<&mut Input> {
        Some(&mut self.filter)
    }

    fn text_changed(&mut self) {
        self.filter_changed();
    }

    fn on_wheel(&mut self, lines: i16) -> Outcome {
        self.move_by(isize::from(lines));
        Outcome::Fetch
    }
}
