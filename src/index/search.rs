//! Fuzzy search over the index with `nucleo-matcher` (the matcher of the helix editor):
//! every word of the query must match within one of a contact's name, e-mail, phone
//! (its digits too), company, title or location (the letters in order, gaps allowed);
//! case and accents are ignored ("muller" finds "Müller"); a contact's score is the sum
//! of each word's best column, and the best contacts come first.
//!
//! The query syntax is fzf's, as `Pattern::parse` reads it: `'word` matches the word
//! exactly, `^word` at the start, `word$` at the end, `!word` excludes it.

use super::Entry;
use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher};
use std::cmp::Reverse;

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
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .clamp(1, 8);
    let mut hits: Vec<Hit<'a>> = if threads == 1 || entries.len() < PARALLEL_FROM {
        score_all(entries, &pattern)
    } else {
        let chunk = entries.len().div_ceil(threads);
        std::thread::scope(|scope| {
            let workers: Vec<_> = entries
                .chunks(chunk)
                .map(|part| {
                    let pattern = &pattern;
                    scope.spawn(move || score_all(part, pattern))
                })
                .collect();
            workers
                .into_iter()
                .flat_map(|w| {
                    w.join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                })
                .collect()
        })
    };
    let matched = hits.len();
    let key = |h: &Hit<'_>| (Reverse(h.score), h.entry.id());
    if limit < hits.len() {
        if limit == 0 {
            hits.clear();
        } else {
            hits.select_nth_unstable_by_key(limit - 1, key);
            hits.truncate(limit);
        }
    }
    hits.sort_unstable_by_key(key);
    Found { hits, matched }
}

fn score_all<'a>(entries: &'a [Entry], pattern: &Pattern) -> Vec<Hit<'a>> {
    let mut matcher = Matcher::new(Config::DEFAULT);
    entries
        .iter()
        .filter_map(|entry| score(pattern, entry, &mut matcher).map(|score| Hit { entry, score }))
        .collect()
}

/// The sum of each word's best score in one column; `None` when a word matches no
/// column, or an excluded word (`!word`) matches one.
fn score(pattern: &Pattern, entry: &Entry, matcher: &mut Matcher) -> Option<u32> {
    let mut total = 0;
    for atom in &pattern.atoms {
        if atom.negative {
            // A negative atom scores `None` where its word is found.
            for column in entry.haystacks() {
                atom.score(column, matcher)?;
            }
        } else {
            let best = entry
                .haystacks()
                .filter_map(|column| atom.score(column, matcher))
                .max()?;
            total += u32::from(best);
        }
    }
    Some(total)
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
        let sequential = score_all(&many, &pattern("person 2499"));
        assert_eq!(found.matched, sequential.len());
        assert_eq!(found.hits.len(), 5);
        let all = search(&many, "acme", usize::MAX);
        assert_eq!(all.matched, many.len());
        let in_order: Vec<u64> = (0..many.len() as u64).collect();
        assert_eq!(ids(&all), in_order, "equal scores by id");
    }
}
