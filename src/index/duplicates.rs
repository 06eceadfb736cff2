//! Contacts that look like one person, found over the index: two contacts are alike
//! when they share a bare e-mail (ignoring case), a phone (compared as E.164, read with
//! the configured region when it has no country code), or a full name and a company
//! (both non-empty; ignoring case, accents and spacing). Alike is followed through: when
//! A shares an e-mail with B and B a phone with C, the three are one group, since a
//! merge of any two leaves the third alike. Pure: entries in, groups out.

use super::Entry;
use phonenumber::country::Id as Region;
use std::borrow::Borrow;
use std::collections::{BTreeMap, HashMap};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// What two contacts of a group share.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Shared {
    Email,
    Phone,
    NameAndCompany,
}

impl Shared {
    /// The name in `--json`: `email`, `phone_number`, `name_and_company`.
    pub fn name(self) -> &'static str {
        match self {
            Shared::Email => "email",
            Shared::Phone => "phone_number",
            Shared::NameAndCompany => "name_and_company",
        }
    }
}

/// One value shared within a group: as the lowest id of those sharing it writes it (a
/// name and company as `name, company`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Reason {
    pub shared: Shared,
    pub value: String,
}

/// Contacts that look like one person: two or more ids, ascending, and what they share.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub ids: Vec<u64>,
    pub reasons: Vec<Reason>,
}

impl Group {
    /// What its contacts share, in words: `same e-mail ana@example.com; same phone …`
    /// (`;` since a name and company holds a comma; the values as stored: the caller
    /// makes them safe to show).
    pub fn said(&self) -> String {
        let said: Vec<String> = self
            .reasons
            .iter()
            .map(|r| {
                let what = match r.shared {
                    Shared::Email => "e-mail",
                    Shared::Phone => "phone",
                    Shared::NameAndCompany => "name and company",
                };
                format!("same {what} {}", r.value)
            })
            .collect();
        said.join("; ")
    }
}

/// The groups among `entries`, ordered by their lowest id.
pub fn groups<E: Borrow<Entry>>(entries: &[E], region: Region) -> Vec<Group> {
    let entries: Vec<&Entry> = entries.iter().map(Borrow::borrow).collect();
    // Each key: the entries holding it, in order.
    let mut holders: HashMap<(Shared, String), Vec<usize>> = HashMap::new();
    for (i, entry) in entries.iter().enumerate() {
        for key in keys(entry, region) {
            holders.entry(key).or_default().push(i);
        }
    }
    let mut sets = Sets::new(entries.len());
    for members in holders.values() {
        for (a, b) in members.iter().zip(members.iter().skip(1)) {
            sets.join(*a, *b);
        }
    }
    let mut by_root: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for i in 0..entries.len() {
        by_root.entry(sets.root(i)).or_default().push(i);
    }
    let mut reasons: HashMap<usize, Vec<Reason>> = HashMap::new();
    for ((shared, _), members) in holders.iter().filter(|(_, m)| m.len() > 1) {
        let Some(first) = members.iter().min_by_key(|i| entries[**i].id()).copied() else {
            continue;
        };
        reasons.entry(sets.root(first)).or_default().push(Reason {
            shared: *shared,
            value: shown(entries[first], *shared),
        });
    }
    let mut out: Vec<Group> = by_root
        .into_iter()
        .filter(|(_, members)| members.len() > 1)
        .map(|(root, members)| {
            let mut ids: Vec<u64> = members.iter().map(|i| entries[*i].id()).collect();
            ids.sort_unstable();
            ids.dedup();
            let mut reasons = reasons.remove(&root).unwrap_or_default();
            reasons.sort();
            reasons.dedup();
            Group { ids, reasons }
        })
        .filter(|g| g.ids.len() > 1)
        .collect();
    out.sort_by_key(|g| g.ids.first().copied());
    out
}

/// What `entry` can share, each as the rules compare it.
fn keys(entry: &Entry, region: Region) -> Vec<(Shared, String)> {
    let mut keys = Vec::with_capacity(3);
    let email = entry.email().trim();
    if !email.is_empty() && crate::form::check_email(email).is_ok() {
        keys.push((Shared::Email, email.to_lowercase()));
    }
    let phone = entry.phone().trim();
    if !phone.is_empty()
        && let Ok(e164) = crate::form::normalise_phone_for_lookup(phone, region)
    {
        keys.push((Shared::Phone, e164));
    }
    let (name, company) = (folded(entry.name()), folded(entry.company()));
    if !name.is_empty() && !company.is_empty() {
        keys.push((Shared::NameAndCompany, format!("{name}\t{company}")));
    }
    keys
}

/// Lower case, without accents (decomposed, the combining marks dropped) or spaces.
pub fn folded(text: &str) -> String {
    text.nfkd()
        .filter(|c| !is_combining_mark(*c) && !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

fn shown(entry: &Entry, shared: Shared) -> String {
    match shared {
        Shared::Email => entry.email().trim().to_string(),
        Shared::Phone => entry.phone().trim().to_string(),
        Shared::NameAndCompany => format!("{}, {}", entry.name().trim(), entry.company().trim()),
    }
}

/// Disjoint sets over `0..n` (union by size, paths halved).
struct Sets {
    parent: Vec<usize>,
    size: Vec<usize>,
}

impl Sets {
    fn new(n: usize) -> Self {
        Self {
            parent: (0..n).collect(),
            size: vec![1; n],
        }
    }

    fn root(&mut self, mut i: usize) -> usize {
        while self.parent[i] != i {
            self.parent[i] = self.parent[self.parent[i]];
            i = self.parent[i];
        }
        i
    }

    fn join(&mut self, a: usize, b: usize) {
        let (a, b) = (self.root(a), self.root(b));
        if a == b {
            return;
        }
        let (big, small) = if self.size[a] >= self.size[b] {
            (a, b)
        } else {
            (b, a)
        };
        self.parent[small] = big;
        self.size[big] += self.size[small];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: u64, name: &str, email: &str, phone: &str, company: &str) -> Entry {
        Entry::new(id, [name, email, phone, company, "", ""])
    }

    #[test]
    fn a_group_follows_each_rule_through_and_says_what_is_shared() {
        let entries = [
            entry(1, "Ana Lima", "Ana@Example.com", "", ""),
            entry(2, "A. Lima", "ana@example.COM", "(415) 555-0100", ""),
            entry(3, "Someone", "", "+1 415 555 0100", ""),
            entry(4, "José Núñez", "", "", "Société Générale"),
            entry(5, "JOSE  NUNEZ", "", "", "societe generale"),
            entry(6, "José Núñez", "", "", ""),
            entry(7, "Ana Lima", "ana <ana@example.com>", "not a phone", ""),
        ];
        let found = groups(&entries, Region::US);
        assert_eq!(
            found,
            vec![
                Group {
                    ids: vec![1, 2, 3],
                    reasons: vec![
                        Reason {
                            shared: Shared::Email,
                            value: "Ana@Example.com".into()
                        },
                        Reason {
                            shared: Shared::Phone,
                            value: "(415) 555-0100".into()
                        },
                    ],
                },
                Group {
                    ids: vec![4, 5],
                    reasons: vec![Reason {
                        shared: Shared::NameAndCompany,
                        value: "José Núñez, Société Générale".into()
                    }],
                },
            ]
        );
    }
}
