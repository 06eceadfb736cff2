//! The index as the editor holds it while it lists and searches it: entries in pieces
//! that are shared rather than copied. A build adds a piece per page, and the picker
//! holds a clone of the shelf: a clone copies a pointer per piece, never an entry, so
//! the first results can show while the pages still arrive.

use super::Entry;
use std::cmp::Reverse;
use std::sync::Arc;

/// Entries in shared pieces, in the order they were put on the shelf.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Shelf {
    pieces: Vec<Arc<[Entry]>>,
    /// Where each piece starts among all the entries.
    starts: Vec<usize>,
    len: usize,
}

/// An entry found by a search, with its score (higher is better).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scored {
    pub entry: Entry,
    pub score: u32,
}

impl Shelf {
    /// A shelf of one piece: a whole index.
    pub fn whole(entries: Vec<Entry>) -> Self {
        let mut shelf = Self::default();
        shelf.push(entries);
        shelf
    }

    /// Puts `entries` at the end (a page that has arrived). Nothing for none.
    pub fn push(&mut self, entries: Vec<Entry>) {
        if entries.is_empty() {
            return;
        }
        self.starts.push(self.len);
        self.len += entries.len();
        self.pieces.push(Arc::from(entries));
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// How many pieces it holds: a shelf that grew from another holds its pieces first.
    pub fn piece_count(&self) -> usize {
        self.pieces.len()
    }

    /// Entry `i`, in shelf order.
    pub fn get(&self, i: usize) -> Option<&Entry> {
        let piece = self.starts.partition_point(|&s| s <= i).checked_sub(1)?;
        self.pieces.get(piece)?.get(i - self.starts[piece])
    }

    /// Every entry, in shelf order.
    pub fn iter(&self) -> impl Iterator<Item = &Entry> {
        self.pieces.iter().flat_map(|p| p.iter())
    }

    /// Where the entry of contact `id` stands, if it is here.
    pub fn position(&self, id: u64) -> Option<usize> {
        self.pieces
            .iter()
            .zip(&self.starts)
            .find_map(|(piece, start)| Some(start + piece.iter().position(|e| e.id() == id)?))
    }

    /// Puts `entry` in place of the one with its id (copying that piece only if someone
    /// else holds it), or at the end when it is new.
    pub fn upsert(&mut self, entry: Entry) {
        for piece in &mut self.pieces {
            if let Some(at) = piece.iter().position(|e| e.id() == entry.id()) {
                Arc::make_mut(piece)[at] = entry;
                return;
            }
        }
        self.push(vec![entry]);
    }

    /// Takes the entry of contact `id` off the shelf, if it is there: its piece is made
    /// anew without it (a clone of the shelf keeps the old piece whole).
    pub fn remove(&mut self, id: u64) {
        let Some(piece) = self
            .pieces
            .iter()
            .position(|p| p.iter().any(|e| e.id() == id))
        else {
            return;
        };
        let kept: Vec<Entry> = self.pieces[piece]
            .iter()
            .filter(|e| e.id() != id)
            .cloned()
            .collect();
        self.pieces[piece] = Arc::from(kept);
        for start in &mut self.starts[piece + 1..] {
            *start -= 1;
        }
        self.len -= 1;
    }

    /// The entries matching `query`, the best `limit` first (equal scores by id), and
    /// how many match in all; only the pieces from `from_piece` on are searched.
    pub fn search(&self, query: &str, limit: usize, from_piece: usize) -> (Vec<Scored>, usize) {
        let mut hits = Vec::new();
        let mut matched = 0;
        for piece in self.pieces.iter().skip(from_piece) {
            let found = super::search::search(piece, query, limit);
            matched += found.matched;
            hits.extend(found.hits.iter().map(|h| Scored {
                entry: h.entry.clone(),
                score: h.score,
            }));
        }
        best_first(&mut hits, limit);
        (hits, matched)
    }
}

/// Sorts `hits` best first (the higher score, then the lower id) and keeps `limit`.
pub fn best_first(hits: &mut Vec<Scored>, limit: usize) {
    hits.sort_unstable_by_key(|h| (Reverse(h.score), h.entry.id()));
    hits.truncate(limit);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: u64, name: &str) -> Entry {
        Entry::new(id, [name, "", "", "", "", ""])
    }

    #[test]
    fn entries_are_read_across_pieces_in_order() {
        let mut shelf = Shelf::default();
        shelf.push(vec![entry(5, "a"), entry(6, "b")]);
        shelf.push(Vec::new());
        shelf.push(vec![entry(1, "c")]);
        let ids: Vec<u64> = (0..4).map_while(|i| shelf.get(i)).map(Entry::id).collect();
        assert_eq!(ids, vec![5, 6, 1]);
        assert_eq!((shelf.len(), shelf.piece_count()), (3, 2));
        assert_eq!(shelf.position(1), Some(2));
        assert_eq!(shelf.position(9), None);
    }

    #[test]
    fn an_upsert_replaces_in_place_without_touching_a_clone() {
        let mut shelf = Shelf::whole(vec![entry(1, "Ann"), entry(2, "Bob")]);
        let held = shelf.clone();
        shelf.upsert(entry(2, "Bea"));
        shelf.upsert(entry(3, "Cy"));
        let names = |s: &Shelf| -> Vec<String> {
            (0..s.len())
                .filter_map(|i| s.get(i))
                .map(|e| e.name().to_string())
                .collect()
        };
        assert_eq!(names(&shelf), ["Ann", "Bea", "Cy"]);
        assert_eq!(names(&held), ["Ann", "Bob"]);
    }

    #[test]
    fn a_search_over_pieces_ranks_them_together() {
        let mut shelf = Shelf::default();
        shelf.push(vec![entry(1, "Nadine Edle"), entry(2, "Needle")]);
        shelf.push(vec![entry(3, "Needle"), entry(4, "Other")]);
        let (hits, matched) = shelf.search("needle", 10, 0);
        let ids: Vec<u64> = hits.iter().map(|h| h.entry.id()).collect();
        // The two exact names first (by id at an equal score), the scattered one last.
        assert_eq!(ids, vec![2, 3, 1]);
        assert_eq!(matched, 3);
        let (later, _) = shelf.search("needle", 10, 1);
        assert_eq!(later.len(), 1);
    }
}
