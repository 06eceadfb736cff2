//! The contact picker over the organisation's index: recently opened contacts first,
//! then everyone the index holds. Typing searches the whole index (fuzzy, best first);
//! while the index is still being read, what has arrived is listed and searched, and
//! each page that arrives joins the results. Opening a contact always reads it fresh:
//! the index only finds it.

use super::contract::{Dialog, Handling, KeyContext, Outcome};
use crate::api::ApiError;
use crate::form::line;
use crate::index::duplicates::{self, Group};
use crate::index::{Entry, Scored, Shelf, best_first};
use crate::keymap::{Action, KeyEvent, Nav, Scope};
use crate::recent::Summary;
use crate::target::Target;
use tui_input::Input;

/// Rows PgUp/PgDn move the selection by.
const PAGE: isize = 10;
/// The most matches listed: more than anyone reads through; typing more narrows them.
pub const MAX_HITS: usize = 1_000;
/// The most contacts the merge view shows side by side and still shows their values;
/// `linq-contact merge` takes any number.
pub const MAX_MERGED: usize = 6;

/// One line of the picker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Row<'a> {
    Recent(&'a Summary),
    Listed(&'a Entry),
}

impl Row<'_> {
    pub fn id(self) -> u64 {
        match self {
            Row::Recent(s) => s.id,
            Row::Listed(e) => e.id(),
        }
    }
}

/// Where the list comes from, as the picker tells it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Source {
    /// When the complete index was read (seconds since the epoch); `None` while the
    /// first reading is still under way.
    pub built_at: Option<u64>,
    /// Pages read of all, while a reading is under way (a refresh, or the first one).
    pub reading: Option<(u32, u32)>,
    /// Why the last reading failed; the reload key tries again.
    pub failed: Option<ApiError>,
}

#[derive(Debug, Clone)]
pub struct Picker {
    /// Edit it only together with [`Picker::filter_changed`].
    pub filter: Input,
    recent: Vec<Summary>,
    /// Everyone the picker lists after the recent ones.
    list: Shelf,
    pub source: Source,
    /// The recent contacts matching the filter.
    recent_hits: Vec<usize>,
    /// The best matches of the list, best first; recomputed when the filter or the list
    /// changes, so drawing and keys never search.
    hits: Vec<Scored>,
    /// How many entries of the list match in all.
    matched: usize,
    selected: usize,
    /// The contacts marked to be changed together, in the order they were marked.
    marked: Vec<u64>,
    /// Listing only look-alikes, group by group.
    alike: Option<Box<Alike>>,
    /// The merge key was pressed with nothing it can merge: the note says what to do.
    pub cannot_merge: Option<CannotMerge>,
}

/// The look-alikes view: what it hides, to give back when it is left, and its groups.
#[derive(Debug, Clone)]
struct Alike {
    list: Shelf,
    recent: Vec<Summary>,
    groups: Vec<Group>,
    /// Each listed contact's group, by id: drawing asks for every row of every frame.
    group_at: std::collections::HashMap<u64, usize>,
    region: phonenumber::country::Id,
}

/// Why the merge key merged nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CannotMerge {
    /// Fewer than two marked, and the selected contact has no look-alike listed.
    Nothing,
    /// More than [`MAX_MERGED`] contacts.
    TooMany(usize),
}

/// Where a row stands in its group of look-alikes, for the bracket drawn beside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InGroup {
    First,
    Middle,
    Last,
}

impl Picker {
    pub fn new(recent: Vec<Summary>, list: Shelf, source: Source) -> Self {
        Self {
            filter: Input::default(),
            recent,
            list,
            source,
            recent_hits: Vec::new(),
            hits: Vec::new(),
            matched: 0,
            selected: 0,
            marked: Vec::new(),
            alike: None,
            cannot_merge: None,
        }
    }

    /// How many groups of look-alikes are listed, while only they are.
    pub fn look_alikes(&self) -> Option<usize> {
        self.alike.as_ref().map(|a| a.groups.len())
    }

    /// Lists only the contacts that look like another (by e-mail, phone, or name and
    /// company: `index::duplicates`), group by group; pressed again, everyone.
    pub fn toggle_look_alikes(&mut self, region: phonenumber::country::Id) {
        match self.alike.take() {
            Some(alike) => {
                self.list = alike.list;
                self.recent = alike.recent;
            }
            None => {
                let list = std::mem::take(&mut self.list);
                let recent = std::mem::take(&mut self.recent);
                let (alike, shown) = Alike::of(list, recent, region);
                self.list = shown;
                self.alike = Some(Box::new(alike));
            }
        }
        self.filter_changed();
    }

    /// The group of look-alikes contact `id` is in, while they are listed.
    pub fn group_of(&self, id: u64) -> Option<&Group> {
        let alike = self.alike.as_ref()?;
        alike.groups.get(*alike.group_at.get(&id)?)
    }

    /// Where contact `id` stands in its group of look-alikes, while they are listed.
    pub fn place_in_group(&self, id: u64) -> Option<InGroup> {
        let ids = &self.group_of(id)?.ids;
        Some(if ids.first() == Some(&id) {
            InGroup::First
        } else if ids.last() == Some(&id) {
            InGroup::Last
        } else {
            InGroup::Middle
        })
    }

    /// What the merge key merges: the marked contacts (two or more), else the selected
    /// contact's group of look-alikes.
    pub fn to_merge(&self) -> Option<Vec<u64>> {
        if self.marked.len() >= 2 {
            return Some(self.marked.clone());
        }
        let id = self.chosen()?;
        self.group_of(id).map(|g| g.ids.clone())
    }

    /// The contacts marked, in the order they were marked.
    pub fn marked(&self) -> &[u64] {
        &self.marked
    }

    pub fn is_marked(&self, id: u64) -> bool {
        self.marked.contains(&id)
    }

    /// Marks the selected contact, or unmarks it, and moves down (fzf's Tab).
    pub fn toggle_mark(&mut self) {
        let Some(id) = self.chosen() else { return };
        match self.marked.iter().position(|&m| m == id) {
            Some(at) => {
                self.marked.remove(at);
            }
            None => self.marked.push(id),
        }
        self.move_by(1);
    }

    pub fn filtering(&self) -> bool {
        !self.filter.value().trim().is_empty()
    }

    /// How many contacts the index holds (the look-alikes listed are some of them).
    pub fn listed(&self) -> usize {
        self.alike.as_ref().map_or(&self.list, |a| &a.list).len()
    }

    /// How many of the listed contacts match the filter, and whether all are shown.
    pub fn matched(&self) -> (usize, bool) {
        (self.matched, self.hits.len() == self.matched)
    }

    pub fn len(&self) -> usize {
        if self.filtering() {
            self.recent_hits.len() + self.hits.len()
        } else {
            self.recent.len() + self.list.len()
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
            return match self.recent_hits.get(i) {
                Some(&r) => self.recent.get(r).map(Row::Recent),
                None => self
                    .hits
                    .get(i - self.recent_hits.len())
                    .map(|h| Row::Listed(&h.entry)),
            };
        }
        match self.recent.get(i) {
            Some(s) => Some(Row::Recent(s)),
            None => self.list.get(i - self.recent.len()).map(Row::Listed),
        }
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

    /// The filter changed: search again, and go back to the top.
    pub fn filter_changed(&mut self) {
        self.selected = 0;
        self.search();
    }

    fn search(&mut self) {
        self.recent_hits.clear();
        self.hits.clear();
        self.matched = 0;
        if !self.filtering() {
            return;
        }
        let f = self.filter.value();
        self.recent_hits = (0..self.recent.len())
            .filter(|&i| self.recent[i].matches(f))
            .collect();
        (self.hits, self.matched) = self.list.search(f, MAX_HITS, 0);
    }

    /// The list grew (pages of a reading arrived): only what is new is searched, and
    /// the selection stays on its contact.
    pub fn list_grew(&mut self, list: Shelf) {
        // The look-alikes are found again once the reading is complete (the list is
        // then replaced), not at every page.
        if let Some(alike) = &mut self.alike {
            alike.list = list;
            return;
        }
        let known = self.list.piece_count();
        self.list = list;
        if !self.filtering() {
            return;
        }
        let chosen = self.chosen();
        let (more, matched) = self.list.search(self.filter.value(), MAX_HITS, known);
        self.hits.extend(more);
        best_first(&mut self.hits, MAX_HITS);
        self.matched += matched;
        self.select(chosen);
    }

    /// Another list took this one's place (a reading finished, a save changed an
    /// entry): searched again, the selection staying on its contact where it can.
    pub fn list_replaced(&mut self, list: Shelf) {
        let chosen = self.chosen();
        self.list = match self.alike.take() {
            Some(old) => {
                let (alike, shown) = Alike::of(list, old.recent, old.region);
                self.alike = Some(Box::new(alike));
                shown
            }
            None => list,
        };
        self.search();
        self.select(chosen);
    }

    /// Selects the row of contact `id` (a recent row first), else keeps the place.
    fn select(&mut self, id: Option<u64>) {
        let found = id.and_then(|id| {
            let recent = if self.filtering() {
                self.recent_hits.len()
            } else {
                self.recent.len()
            };
            (0..recent)
                .find(|&i| self.row(i).is_some_and(|r| r.id() == id))
                .or_else(|| match self.filtering() {
                    true => (0..self.hits.len())
                        .find(|&i| self.hits[i].entry.id() == id)
                        .map(|i| recent + i),
                    false => self.list.position(id).map(|i| recent + i),
                })
        });
        self.selected = found
            .unwrap_or(self.selected)
            .min(self.len().saturating_sub(1));
    }

    /// The contact of the selected row.
    pub fn chosen(&self) -> Option<u64> {
        self.row(self.selected).map(Row::id)
    }
}

impl Dialog for Picker {
    fn handling(&self) -> Handling {
        Handling::closes(Scope::Picker, "close")
    }

    fn on_key(&mut self, action: Option<Action>, key: &KeyEvent, cx: &KeyContext) -> Outcome {
        // The reload key reads the index again (a key that types nothing, so the filter
        // never loses a letter to it).
        if action == Some(Action::Reload) {
            return Outcome::ReadIndex;
        }
        self.cannot_merge = None;
        if action == Some(Action::Mark) {
            self.toggle_mark();
            return Outcome::Stay;
        }
        if action == Some(Action::LookAlikes) {
            self.toggle_look_alikes(cx.region);
            return Outcome::Stay;
        }
        if action == Some(Action::Merge) {
            return match self.to_merge() {
                Some(ids) if ids.len() > MAX_MERGED => {
                    self.cannot_merge = Some(CannotMerge::TooMany(ids.len()));
                    Outcome::Stay
                }
                Some(ids) => Outcome::Merge(ids),
                None => {
                    self.cannot_merge = Some(CannotMerge::Nothing);
                    Outcome::Stay
                }
            };
        }
        if action == Some(Action::Choose) && !self.marked.is_empty() {
            return Outcome::OpenMany(self.marked.clone());
        }
        if action == Some(Action::Choose) {
            return match self.chosen() {
                // Already open: nothing to leave.
                Some(id) if Some(id) == cx.open => Outcome::Close,
                Some(id) => Outcome::Open(Target::Id(id)),
                None => Outcome::Stay,
            };
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
        Outcome::Stay
    }

    fn text_input(&mut self) -> Option<&mut Input> {
        Some(&mut self.filter)
    }

    fn text_changed(&mut self) {
        self.filter_changed();
    }

    fn on_wheel(&mut self, lines: i16) -> Outcome {
        self.move_by(isize::from(lines));
        Outcome::Stay
    }
}

impl Alike {
    /// The groups of look-alikes among `list`, and a shelf of their contacts, group by
    /// group; `list` and `recent` are kept to be given back.
    fn of(list: Shelf, recent: Vec<Summary>, region: phonenumber::country::Id) -> (Alike, Shelf) {
        let entries: Vec<&Entry> = list.iter().collect();
        let groups = duplicates::groups(&entries, region);
        let by_id: std::collections::HashMap<u64, &Entry> =
            entries.iter().map(|e| (e.id(), *e)).collect();
        let shown = groups
            .iter()
            .flat_map(|g| g.ids.iter())
            .filter_map(|id| by_id.get(id).map(|e| (*e).clone()))
            .collect();
        let group_at = groups
            .iter()
            .enumerate()
            .flat_map(|(at, g)| g.ids.iter().map(move |id| (*id, at)))
            .collect();
        let alike = Alike {
            list,
            recent,
            groups,
            group_at,
            region,
        };
        (alike, Shelf::whole(shown))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: u64, name: &str) -> Entry {
        Entry::new(id, [name, "", "", "", "", ""])
    }

    fn summary(id: u64, name: &str) -> Summary {
        Summary::from(&crate::api::Contact {
            id,
            first_name: name.into(),
            ..Default::default()
        })
    }

    fn type_in(p: &mut Picker, text: &str) {
        p.filter = Input::new(text.into());
        p.filter_changed();
    }

    fn ids(p: &Picker) -> Vec<u64> {
        (0..p.len()).filter_map(|i| p.row(i)).map(Row::id).collect()
    }

    #[test]
    fn recent_first_then_the_list_and_a_filter_searches_both() {
        let list = Shelf::whole(vec![
            entry(1, "Nadine Edle"),
            entry(2, "Bob"),
            entry(3, "Needle"),
        ]);
        let mut p = Picker::new(vec![summary(2, "Bob")], list, Source::default());
        assert_eq!(ids(&p), vec![2, 1, 2, 3]);
        type_in(&mut p, "needle");
        assert_eq!(ids(&p), vec![3, 1], "the closer match first");
        assert_eq!(p.matched(), (2, true));
        type_in(&mut p, "bob");
        assert_eq!(ids(&p), vec![2, 2]);
    }

    #[test]
    fn tab_marks_and_moves_down_and_a_second_tab_unmarks() {
        let list = Shelf::whole(vec![entry(1, "A"), entry(2, "B"), entry(3, "C")]);
        let mut p = Picker::new(Vec::new(), list, Source::default());
        p.toggle_mark();
        p.toggle_mark();
        assert_eq!((p.marked(), p.selected()), (&[1, 2][..], 2));
        p.move_by(-1);
        p.toggle_mark();
        assert_eq!(p.marked(), &[1]);
        assert!(p.is_marked(1) && !p.is_marked(2));
    }

    #[test]
    fn pages_that_arrive_join_the_results_and_the_selection_stays_put() {
        let mut list = Shelf::default();
        list.push(vec![entry(1, "Nadine Edle"), entry(2, "Other")]);
        let mut p = Picker::new(Vec::new(), list.clone(), Source::default());
        type_in(&mut p, "needle");
        assert_eq!(ids(&p), vec![1]);
        list.push(vec![entry(3, "Needle")]);
        p.list_grew(list.clone());
        assert_eq!(
            ids(&p),
            vec![3, 1],
            "the better match from the new page first"
        );
        assert_eq!(p.chosen(), Some(1), "the selection followed its contact");
        list.upsert(entry(1, "Renamed"));
        p.list_replaced(list);
        assert_eq!(ids(&p), vec![3]);
        assert_eq!(p.chosen(), Some(3));
    }

    fn full(id: u64, name: &str, email: &str) -> Entry {
        Entry::new(id, [name, email, "", "", "", ""])
    }

    #[test]
    fn look_alikes_are_listed_group_by_group_and_the_merge_key_takes_a_group() {
        let region = phonenumber::country::Id::US;
        let list = Shelf::whole(vec![
            full(1, "Ana", "ana@example.com"),
            full(2, "Bob", "bob@example.com"),
            full(3, "Cy", "cy@example.com"),
            full(4, "Ana B", "ANA@example.com"),
        ]);
        let mut p = Picker::new(vec![summary(2, "Bob")], list, Source::default());
        assert_eq!(p.to_merge(), None, "no marks, no look-alikes listed");
        p.toggle_look_alikes(region);
        assert_eq!(ids(&p), vec![1, 4], "the recent row hidden, one group");
        assert_eq!(p.look_alikes(), Some(1));
        assert_eq!(p.listed(), 4, "the index still holds everyone");
        assert_eq!(
            (p.place_in_group(1), p.place_in_group(4)),
            (Some(InGroup::First), Some(InGroup::Last))
        );
        assert_eq!(p.to_merge(), Some(vec![1, 4]));
        // Marks win over the group, in the order marked.
        p.move_to(1);
        p.toggle_mark();
        p.move_to(0);
        p.toggle_mark();
        assert_eq!(p.to_merge(), Some(vec![4, 1]));
        p.toggle_look_alikes(region);
        assert_eq!(ids(&p), vec![2, 1, 2, 3, 4], "everyone back, recent first");
        assert_eq!(p.place_in_group(1), None);
    }

    #[test]
    fn a_removed_entry_leaves_the_shelf_and_the_others_keep_their_places() {
        let mut list = Shelf::default();
        list.push(vec![entry(1, "A"), entry(2, "B")]);
        list.push(vec![entry(3, "C")]);
        let held = list.clone();
        list.remove(2);
        list.remove(9);
        let listed: Vec<u64> = list.iter().map(Entry::id).collect();
        assert_eq!(listed, [1, 3]);
        assert_eq!((list.len(), list.get(1).map(Entry::id)), (2, Some(3)));
        assert_eq!(list.position(3), Some(1));
        assert_eq!(held.len(), 3, "a clone holding the piece keeps it whole");
    }
}
