//! Fuzzy search over the index with `nucleo-matcher` (the matcher of the helix editor):
//! every word of the query must match within one of a contact's name, e-mail, phone
//! (its digits too), company, title or location (the letters in order, gaps allowed);
//! case and accents are ignored ("muller" finds "Müller"); a contact's score is the sum
//! of each word's best column, and the best contacts come first.
//!
//! The query syntax is fzf's, as `Pattern::parse` reads it: `'word` matches the word
//! exactly, `^word` at the start, `word$` at the end, `!word` excludes it.

use super::Entry;
use nucleo_matcher::pattern::{Atom, AtomKind, CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Below this many entries, one thread does the whole search.
const PARALLEL_FROM: usize = 20_000;

/// One contact found, with the matcher's score (higher is better).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit<'a> {
    pub entry: &'a Entry,
    pub score: u32,
}

/// The best hits, best first, and how many entries matched in all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found<'a> {
    pub hits: Vec<Hit<'a>>,
    pub matched: usize,
}

/// The pattern for `query`. A query that is only a phone number, in any format
/// ("(415) 555-2671", "+1 415 555 2671"), is read as its digits, as the index keeps
/// them beside the number.
pub fn pattern(query: &str) -> Pattern {
    let trimmed = query.trim();
    let digits: String = trimmed.chars().filter(char::is_ascii_digit).collect();
    let phone_like = digits.len() >= 3
        && trimmed
            .chars()
            .all(|c| c.is_ascii_digit() || " +-().".contains(c));
    let text = if phone_like { digits.as_str() } else { trimmed };
    Pattern::parse(text, CaseMatching::Ignore, Normalization::Smart)
}

/// The entries that match `query`, the best `limit` of them first (equal scores by
/// id). The work is shared between the machine's cores when there are many entries.
pub fn search<'a>(entries: &'a [Entry], query: &str, limit: usize) -> Found<'a> {
    let pattern = pattern(query);
    let words: Vec<Word<'_>> = pattern.atoms.iter().map(Word::new).collect();
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .clamp(1, 8);
    let (mut hits, matched) = if threads == 1 || entries.len() < PARALLEL_FROM {
        best_of(entries, &words, limit)
    } else {
        let chunk = entries.len().div_ceil(threads);
        std::thread::scope(|scope| {
            let workers: Vec<_> = entries
                .chunks(chunk)
                .map(|part| {
                    let words = &words;
                    scope.spawn(move || best_of(part, words, limit))
                })
                .collect();
            let mut all = (Vec::new(), 0);
            for worker in workers {
                let (hits, matched) = worker
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                all.0.extend(hits);
                all.1 += matched;
            }
            all
        })
    };
    hits.sort_unstable_by_key(rank);
    hits.truncate(limit);
    Found { hits, matched }
}

/// Where a query matches in text, for highlighting what was found.
pub struct Highlighter {
    pattern: Pattern,
    matcher: Matcher,
    buf: Vec<char>,
}

impl Highlighter {
    pub fn new(query: &str) -> Self {
        Self {
            pattern: pattern(query),
            matcher: Matcher::new(Config::DEFAULT),
            buf: Vec::new(),
        }
    }

    /// The positions in `text` of the characters the query's words match there
    /// (counted as the matcher counts them, one per grapheme), in order, each once.
    pub fn positions(&mut self, text: &str) -> Vec<u32> {
        let haystack = Utf32Str::new(text, &mut self.buf);
        let mut all = Vec::new();
        let mut found = Vec::new();
        for atom in self.pattern.atoms.iter().filter(|a| !a.negative) {
            found.clear();
            if atom
                .indices(haystack, &mut self.matcher, &mut found)
                .is_some()
            {
                all.extend_from_slice(&found);
            }
        }
        all.sort_unstable();
        all.dedup();
        all
    }
}

/// Best first: the higher score, then the lower id.
fn rank(hit: &Hit<'_>) -> (Reverse<u32>, u64) {
    (Reverse(hit.score), hit.entry.id())
}

/// One word of the query, with what is worked out once for every entry.
struct Word<'p> {
    atom: &'p Atom,
    /// The letters and digits it needs in a column ([`super::entry::needed`]).
    needs: u32,
    /// Whether [`may_match`] answers exactly for it in an ASCII column: a fuzzy word of
    /// ASCII letters matches where its letters are there in order.
    plain: bool,
    /// The most it can score in any column, for fuzzy and substring words.
    best: Option<u32>,
}

impl<'p> Word<'p> {
    fn new(atom: &'p Atom) -> Self {
        let needle = atom.needle_text();
        let chars = needle.chars();
        let ascii = matches!(needle, Utf32Str::Ascii(_));
        let n = u32::try_from(needle.len()).unwrap_or(u32::MAX);
        let bounded = matches!(atom.kind, AtomKind::Fuzzy | AtomKind::Substring);
        Self {
            atom,
            needs: super::entry::needed(chars),
            plain: ascii && atom.kind == AtomKind::Fuzzy,
            best: (bounded && n > 0).then(|| best_score(n)),
        }
    }

    /// Whether the word is found in `column` (whose letters are `letters`).
    fn found(&self, column: Utf32Str<'_>, letters: u32, matcher: &mut Matcher) -> bool {
        if letters & self.needs != self.needs {
            return false;
        }
        if self.plain && matches!(column, Utf32Str::Ascii(_)) {
            return may_match(column, self.atom.needle_text());
        }
        // A negative atom scores where its word is not found.
        self.atom.score(column, matcher).is_some() != self.atom.negative
    }

    /// Its best score in a column of `entry`, if it is found in one.
    fn score(&self, entry: &Entry, matcher: &mut Matcher, indices: &mut Vec<u32>) -> Option<u16> {
        let needle = self.atom.needle_text();
        // One letter: its best place in the whole text is in one column, and scores
        // there as in that column alone (the tab before a column is a word boundary,
        // as the start of a text is), so one look at the whole text does.
        if needle.len() == 1 && matches!(self.atom.kind, AtomKind::Fuzzy | AtomKind::Substring) {
            indices.clear();
            let best = self.atom.indices(entry.haystack(), matcher, indices)?;
            if entry.in_one_column(indices) {
                return Some(best);
            }
        }
        entry
            .haystacks()
            .filter(|(column, letters)| {
                letters & self.needs == self.needs && may_match(*column, needle)
            })
            .filter_map(|(column, _)| self.atom.score(column, matcher))
            .max()
    }
}

/// The most a word of `n` characters scores in nucleo's scoring: 16 a character, plus
/// a bonus of at most 10 (a word's start after white space), doubled for the first
/// character. A column that starts with the word reaches it.
fn best_score(n: u32) -> u32 {
    const MATCH: u32 = 16;
    const MOST_BONUS: u32 = 10;
    (MATCH + MOST_BONUS) * n + MOST_BONUS
}

/// The `limit` best hits among `entries` (in id order) and how many match in all.
///
/// Once `limit` hits are held, an entry that could not beat the worst of them even at
/// its words' best scores ([`best_score`]) is only checked for a match, which is far
/// cheaper than scoring it: it comes after them by id, so at an equal score it loses.
fn best_of<'a>(entries: &'a [Entry], words: &[Word<'_>], limit: usize) -> (Vec<Hit<'a>>, usize) {
    let mut matcher = Matcher::new(Config::DEFAULT);
    let mut indices = Vec::new();
    let ceiling: Option<u32> = words
        .iter()
        .filter(|w| !w.atom.negative)
        .map(|w| w.best)
        .sum();
    // The worst held on top.
    let mut held: BinaryHeap<(Reverse<u32>, u64, usize)> = BinaryHeap::new();
    let mut matched = 0;
    for (at, entry) in entries.iter().enumerate() {
        let beaten = match (ceiling, held.peek()) {
            (Some(ceiling), Some(&(Reverse(worst), _, _))) => {
                held.len() >= limit && ceiling <= worst
            }
            _ => limit == 0,
        };
        if beaten {
            matched += usize::from(matches(words, entry, &mut matcher));
            continue;
        }
        let Some(score) = score(words, entry, &mut matcher, &mut indices) else {
            continue;
        };
        matched += 1;
        held.push((Reverse(score), entry.id(), at));
        if held.len() > limit {
            held.pop();
        }
    }
    let hits = held
        .into_iter()
        .map(|(Reverse(score), _, at)| Hit {
            entry: &entries[at],
            score,
        })
        .collect();
    (hits, matched)
}

/// Whether every word is found in some column (and no excluded word in any).
fn matches(words: &[Word<'_>], entry: &Entry, matcher: &mut Matcher) -> bool {
    words.iter().all(|word| {
        let mut columns = entry.haystacks();
        let found = columns.any(|(column, letters)| word.found(column, letters, matcher));
        found != word.atom.negative
    })
}

/// The sum of each word's best score in one column; `None` when a word matches no
/// column, or an excluded word (`!word`) matches one.
fn score(
    words: &[Word<'_>],
    entry: &Entry,
    matcher: &mut Matcher,
    indices: &mut Vec<u32>,
) -> Option<u32> {
    let mut total = 0;
    for word in words {
        if word.atom.negative {
            let mut columns = entry.haystacks();
            if columns.any(|(column, letters)| word.found(column, letters, matcher)) {
                return None;
            }
        } else {
            total += u32::from(word.score(entry, matcher, indices)?);
        }
    }
    Some(total)
}

/// False only when `needle` cannot match `column` however it is matched: an ASCII
/// needle's letters are not all there in order (ignoring case). For a fuzzy word in an
/// ASCII column, that is exactly whether it matches.
fn may_match(column: Utf32Str<'_>, needle: Utf32Str<'_>) -> bool {
    let (Utf32Str::Ascii(hay), Utf32Str::Ascii(needle)) = (column, needle) else {
        return true;
    };
    let mut hay = hay.iter();
    needle
        .iter()
        .all(|n| hay.any(|h| h.eq_ignore_ascii_case(n)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries() -> Vec<Entry> {
        vec![
            Entry::new(
                1,
                [
                    "Ana Lima",
                    "ana@example.com",
                    "+14155552671",
                    "Contoso",
                    "CTO",
                    "Lisbon",
                ],
            ),
            Entry::new(
                2,
                [
                    "Jürgen Müller",
                    "jm@example.org",
                    "+4930123456",
                    "Fabrikam",
                    "Head of Sales",
                    "Berlin",
                ],
            ),
            Entry::new(
                3,
                [
                    "Anabel Costa",
                    "",
                    "(212) 555-0199",
                    "Northwind",
                    "",
                    "New York",
                ],
            ),
            Entry::new(4, ["山田 太郎", "", "", "Woodgrove", "", "東京"]),
        ]
    }

    fn ids(found: &Found<'_>) -> Vec<u64> {
        found.hits.iter().map(|h| h.entry.id()).collect()
    }

    #[test]
    fn every_column_is_searched_ignoring_case_and_accents() {
        let e = entries();
        assert_eq!(ids(&search(&e, "muller", 10)), vec![2]);
        assert_eq!(ids(&search(&e, "MÜLLER", 10)), vec![2]);
        assert_eq!(ids(&search(&e, "jm@example", 10)), vec![2]);
        assert_eq!(ids(&search(&e, "fabrikam", 10)), vec![2]);
        assert_eq!(ids(&search(&e, "head sales", 10)), vec![2]);
        assert_eq!(ids(&search(&e, "berlin", 10)), vec![2]);
        assert_eq!(ids(&search(&e, "山田", 10)), vec![4]);
        assert_eq!(ids(&search(&e, "東京", 10)), vec![4]);
        assert_eq!(search(&e, "nobody-here", 10).matched, 0);
    }

    #[test]
    fn a_word_matches_within_one_column_never_across_them() {
        let e = entries();
        // "l", "i", "s", "b" are in Ana's name and e-mail, but only "Lisbon" holds "lisb".
        assert_eq!(ids(&search(&e, "lisb", 10)), vec![1]);
        // The letters of "salesberlin" are in order across title and location.
        assert_eq!(search(&e, "salesberlin", 10).matched, 0);
        assert_eq!(ids(&search(&e, "sales berlin", 10)), vec![2]);
        // Excluded words and anchors are per column too.
        assert_eq!(ids(&search(&e, "ana !contoso", 10)), vec![3]);
        assert_eq!(ids(&search(&e, "^lisbon", 10)), vec![1]);
        assert_eq!(search(&e, "^sales", 10).matched, 0);
    }

    #[test]
    fn phones_are_found_by_their_digits_in_any_format() {
        let e = entries();
        // Stored without a country code: found by the digits it has.
        for query in ["2125550199", "(212) 555-0199", "212 555 0199", "555-0199"] {
            assert!(ids(&search(&e, query, 10)).contains(&3), "{query}");
        }
        assert_eq!(ids(&search(&e, "+1 (415) 555 2671", 10)), vec![1]);
        assert_eq!(ids(&search(&e, "4930123456", 10)), vec![2]);
    }

    #[test]
    fn the_best_come_first_and_the_limit_keeps_the_best() {
        let e = entries();
        let found = search(&e, "ana", 10);
        assert_eq!(found.matched, 2, "{:?}", ids(&found));
        assert_eq!(
            ids(&found)[0],
            1,
            "a whole word at the start beats a prefix"
        );
        let best = search(&e, "ana", 1);
        assert_eq!((ids(&best), best.matched), (vec![1], 2));
        assert!(search(&e, "ana", 0).hits.is_empty());
        let scores: Vec<u32> = found.hits.iter().map(|h| h.score).collect();
        assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    }

    #[test]
    fn many_entries_are_searched_in_parallel_with_the_same_answer() {
        let many: Vec<Entry> = (0..(PARALLEL_FROM as u64 + 5_000))
            .map(|id| {
                let name = format!("Person {id}");
                Entry::new(id, [&name, "", "", "Acme", "", ""])
            })
            .collect();
        let found = search(&many, "person 2499", 5);
        assert_eq!(ids(&found)[0], 2499);
        let p = pattern("person 2499");
        let words: Vec<Word<'_>> = p.atoms.iter().map(Word::new).collect();
        let (_, sequential) = best_of(&many, &words, usize::MAX);
        assert_eq!(found.matched, sequential);
        assert_eq!(found.hits.len(), 5);
        let all = search(&many, "acme", usize::MAX);
        assert_eq!(all.matched, many.len());
        let in_order: Vec<u64> = (0..many.len() as u64).collect();
        assert_eq!(ids(&all), in_order, "equal scores by id");
    }

    /// Contacts made of a few syllables, so that words match many of them in many ways.
    fn jumble(n: u64) -> Vec<Entry> {
        const PARTS: [&str; 12] = [
            "al", "ex", "ab", "bo", "tt", "ma", "ri", "na", "an", "le", "Ö", " ",
        ];
        let word = |seed: u64, len: u64| -> String {
            (0..len)
                .map(|i| PARTS[((seed * 7 + i * 13 + seed / 3) % PARTS.len() as u64) as usize])
                .collect()
        };
        (0..n)
            .map(|id| {
                let name = word(id, 3 + id % 4);
                let email = format!("{}@{}.net", word(id + 5, 2), word(id / 7, 2));
                let company = word(id % 17, 3);
                Entry::new(
                    id,
                    [&name, &email, "+15550100", &company, "", &word(id % 5, 2)],
                )
            })
            .collect()
    }

    #[test]
    fn the_best_few_are_the_first_few_of_all_and_every_match_is_counted() {
        let entries = jumble(3_000);
        for query in [
            "a", "al", "ale", "alex", "ab bo", "ma !ri", "^al", "'tt", "ö", "na$",
        ] {
            let all = search(&entries, query, usize::MAX);
            for limit in [0, 1, 5, 50] {
                let few = search(&entries, query, limit);
                assert_eq!(few.matched, all.matched, "{query} {limit}");
                let n = limit.min(all.hits.len());
                assert_eq!(ids(&few), ids(&all)[..n].to_vec(), "{query} {limit}");
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn no_word_scores_above_its_best_score(
            column in "[a-zA-Z0-9 ._@,:;/|()+-]{1,40}",
            word in "[a-z0-9]{1,8}",
        ) {
            let p = Pattern::parse(&word, CaseMatching::Ignore, Normalization::Smart);
            let mut matcher = Matcher::new(Config::DEFAULT);
            for atom in &p.atoms {
                let best = Word::new(atom).best.unwrap_or(u32::MAX);
                for hay in [column.as_str(), word.as_str()] {
                    let score = atom.score(Utf32Str::Ascii(hay.as_bytes()), &mut matcher);
                    proptest::prop_assert!(score.map_or(0, u32::from) <= best);
                }
                // The word alone reaches it: the bound is no higher than it must be.
                let alone = atom.score(Utf32Str::Ascii(word.as_bytes()), &mut matcher);
                proptest::prop_assert_eq!(alone.map(u32::from), Some(best));
            }
        }
    }
}
