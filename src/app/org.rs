//! The organisation's contacts as the editor holds them, for the picker: the index from
//! disk, or read page by page in the background (the first results show while the pages
//! arrive), read again when older than `index_max_age`, and kept up to date with every
//! save and create made here. Asked for at the first Ctrl-P, not at start-up: opening a
//! contact by id never waits for it.

use super::{App, Effect, Overlay};
use crate::api::ApiError;
use crate::dialogs::picker::{Picker, Source};
use crate::index::{Entry, Index, Shelf};
use std::time::Duration;

#[derive(Debug, Clone, Default)]
pub(super) struct Org {
    /// The complete index (perhaps old), or what has arrived of the first reading.
    list: Shelf,
    /// When the complete index was read (seconds since the epoch); `None` until one is
    /// in `list`.
    built_at: Option<u64>,
    reading: Option<Reading>,
    failed: Option<ApiError>,
    /// The index was asked for (from disk, then the server).
    asked: bool,
    /// Seconds since the epoch, as the runtime last told.
    pub now: u64,
}

/// A reading of every page under way.
#[derive(Debug, Clone)]
struct Reading {
    generation: u64,
    /// The pages arrived so far, while `list` keeps the older complete index.
    arrived: Shelf,
    pages: (u32, u32),
    /// Contacts saved or created here since the reading began: a page may have been
    /// read before the change, so they are put in again at its end.
    changed: Vec<Entry>,
    /// Contacts deleted here since the reading began, taken out again at its end.
    gone: Vec<u64>,
}

impl Org {
    /// What the picker tells about where its list comes from.
    pub fn source(&self) -> Source {
        Source {
            built_at: self.built_at,
            reading: self.reading.as_ref().map(|r| r.pages),
            failed: self.failed.clone(),
        }
    }

    /// The list the picker shows: the complete index, else what has arrived.
    fn shown(&self) -> Shelf {
        match (&self.built_at, &self.reading) {
            (None, Some(reading)) => reading.arrived.clone(),
            _ => self.list.clone(),
        }
    }

    /// Whether the index is missing, or older than `max_age`. Without the time (the
    /// runtime has not told it yet) an index is not judged old.
    fn is_stale(&self, max_age: Duration) -> bool {
        self.built_at.is_none_or(|at| {
            self.now != 0
                && crate::index::age(at, std::time::UNIX_EPOCH + Duration::from_secs(self.now))
                    .is_none_or(|age| age > max_age)
        })
    }
}

impl App {
    pub(super) fn open_picker(&mut self) -> Vec<Effect> {
        let picker = Picker::new(self.recent.clone(), self.org.shown(), self.org.source());
        self.dialogs.show(Overlay::Picker(Box::new(picker)));
        if !self.org.asked {
            self.org.asked = true;
            return vec![Effect::LoadIndex];
        }
        self.refresh_if_stale()
    }

    /// Reads every page again in the background, unless a reading is under way.
    pub(super) fn read_index(&mut self) -> Vec<Effect> {
        if self.org.reading.is_some() {
            return Vec::new();
        }
        let generation = self.requests.next_generation();
        self.org.failed = None;
        self.org.reading = Some(Reading {
            generation,
            arrived: Shelf::default(),
            pages: (0, 0),
            changed: Vec::new(),
            gone: Vec::new(),
        });
        self.tell_picker(false);
        vec![Effect::ReadIndex { generation }]
    }

    fn refresh_if_stale(&mut self) -> Vec<Effect> {
        if self.org.failed.is_none() && self.org.is_stale(self.options.index_max_age) {
            self.read_index()
        } else {
            Vec::new()
        }
    }

    /// The index on disk, if there is one: listed at once, and read again when old.
    pub(super) fn on_index_loaded(&mut self, index: Option<Box<Index>>) -> Vec<Effect> {
        if let Some(index) = index
            && self.org.built_at.is_none()
        {
            self.org.built_at = Some(index.built_at());
            self.org.list = Shelf::whole(index.into_entries());
            self.tell_picker(true);
        }
        self.refresh_if_stale()
    }

    pub(super) fn on_index_page(
        &mut self,
        generation: u64,
        entries: Vec<Entry>,
        pages: (u32, u32),
    ) -> Vec<Effect> {
        let Some(reading) = self
            .org
            .reading
            .as_mut()
            .filter(|r| r.generation == generation)
        else {
            return Vec::new();
        };
        reading.arrived.push(entries);
        reading.pages = pages;
        let first = self.org.built_at.is_none();
        self.tell_picker(false);
        if first && let Some(Overlay::Picker(picker)) = self.dialogs.open_mut() {
            picker.list_grew(self.org.shown());
        }
        Vec::new()
    }

    pub(super) fn on_index_read(&mut self, generation: u64, result: Result<Box<Index>, ApiError>) {
        let Some(reading) = self.org.reading.take_if(|r| r.generation == generation) else {
            return;
        };
        match result {
            Ok(index) => {
                self.org.built_at = Some(index.built_at());
                self.org.list = Shelf::whole(index.into_entries());
                for entry in reading.changed {
                    self.org.list.upsert(entry);
                }
                for id in reading.gone {
                    self.org.list.remove(id);
                }
                self.tell_picker(true);
            }
            Err(e) => {
                self.org.failed = Some(e);
                self.tell_picker(false);
            }
        }
    }

    /// A contact saved or created here: the index shows it as it now is, in memory at
    /// once and on disk by the runtime.
    pub(super) fn index_changed(&mut self, contact: &crate::api::Contact) -> Vec<Effect> {
        let entry = Entry::of(contact);
        if let Some(reading) = &mut self.org.reading {
            reading.changed.push(entry.clone());
            if self.org.built_at.is_none() {
                reading.arrived.upsert(entry.clone());
            }
        }
        if self.org.built_at.is_some() {
            self.org.list.upsert(entry.clone());
        }
        self.tell_picker(true);
        vec![Effect::KeepInIndex(Box::new(entry))]
    }

    /// A contact deleted here: out of the index, in memory at once and on disk by the
    /// runtime (and out of a reading under way, whose pages may have been read before).
    pub(super) fn index_dropped(&mut self, id: u64) -> Vec<Effect> {
        if let Some(reading) = &mut self.org.reading {
            reading.changed.retain(|e| e.id() != id);
            reading.gone.push(id);
            reading.arrived.remove(id);
        }
        self.org.list.remove(id);
        self.recent.retain(|s| s.id != id);
        self.tell_picker(true);
        vec![Effect::DropFromIndex(id)]
    }

    /// Tells an open picker where its list stands; with `list`, gives it the list anew.
    fn tell_picker(&mut self, list: bool) {
        let shown = list.then(|| self.org.shown());
        let source = self.org.source();
        if let Some(Overlay::Picker(picker)) = self.dialogs.open_mut() {
            picker.source = source;
            if let Some(shown) = shown {
                picker.list_replaced(shown);
            }
        }
    }

    /// Seconds since the epoch, as the runtime tells before each message: the picker
    /// says how old the index is.
    pub fn observe_now(&mut self, seconds: u64) {
        self.org.now = seconds;
    }

    pub fn now(&self) -> u64 {
        self.org.now
    }
}
