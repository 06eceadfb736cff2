//! Finding duplicates over the index, against an oracle written from the rules: each
//! generated contact is built from a known person's e-mail, phone, name and company,
//! each spelled one of several ways the rules say are the same (case, accents,
//! spacing, phone formats), so which contacts are alike is known by construction,
//! without normalising anything.

use linq_contact::index::Entry;
use linq_contact::index::duplicates::groups;
use phonenumber::country::Id as Region;
use proptest::prelude::*;
use std::collections::BTreeSet;

/// Three addresses, each in spellings that differ only in case.
fn email(k: usize, spelling: usize) -> String {
    let spellings = [
        format!("ana.lima{k}@example.com"),
        format!("ANA.LIMA{k}@EXAMPLE.COM"),
        format!("Ana.Lima{k}@Example.Com"),
    ];
    spellings[spelling % spellings.len()].clone()
}

/// Three numbers (US, the region used), each in formats a person types.
fn phone(k: usize, format: usize) -> String {
    let formats = [
        format!("+1415555010{k}"),
        format!("(415) 555-010{k}"),
        format!("415.555.010{k}"),
        format!("+1 415 555 010{k}"),
        format!("1-415-555-010{k}"),
    ];
    formats[format % formats.len()].clone()
}

/// Three people's names, each as written, in capitals, without accents, with accents
/// as combining marks, and with other spacing.
fn name(k: usize, spelling: usize) -> String {
    let spellings: [[&str; 5]; 3] = [
        [
            "José Núñez",
            "JOSÉ NÚÑEZ",
            "Jose Nunez",
            "Jose\u{301} Nu\u{301}n\u{303}ez",
            "  José   Núñez",
        ],
        [
            "Zoë Lefèvre",
            "ZOË LEFÈVRE",
            "Zoe Lefevre",
            "Zoe\u{308} Lefe\u{300}vre",
            "Zoë Lef èvre",
        ],
        ["Ana Lima", "ANA LIMA", "ana lima", "Ana  Lima", "AnaLima"],
    ];
    spellings[k][spelling % 5].to_string()
}

/// Two companies, spelled the same ways.
fn company(k: usize, spelling: usize) -> String {
    let spellings: [[&str; 4]; 2] = [
        [
            "Société Générale",
            "SOCIETE GENERALE",
            "Socie\u{301}te\u{301} Ge\u{301}ne\u{301}rale",
            "Société  Générale ",
        ],
        ["Contoso", "CONTOSO", "contoso", " Con toso"],
    ];
    spellings[k][spelling % 4].to_string()
}

/// One generated contact: which person's e-mail, phone, name and company it has (if
/// any), and how each is spelled.
#[derive(Debug, Clone)]
struct Made {
    email: Option<(usize, usize)>,
    phone: Option<(usize, usize)>,
    name: Option<(usize, usize)>,
    company: Option<(usize, usize)>,
}

fn made() -> impl Strategy<Value = Made> {
    (
        proptest::option::of((0..3usize, 0..3usize)),
        proptest::option::of((0..3usize, 0..5usize)),
        proptest::option::of((0..3usize, 0..5usize)),
        proptest::option::of((0..2usize, 0..4usize)),
    )
        .prop_map(|(email, phone, name, company)| Made {
            email,
            phone,
            name,
            company,
        })
}

fn entry(id: u64, m: &Made) -> Entry {
    let text = |v: Option<String>| v.unwrap_or_default();
    Entry::new(
        id,
        [
            &text(m.name.map(|(k, s)| name(k, s))),
            &text(m.email.map(|(k, s)| email(k, s))),
            &text(m.phone.map(|(k, s)| phone(k, s))),
            &text(m.company.map(|(k, s)| company(k, s))),
            "",
            "",
        ],
    )
}

/// The rules, on what each contact was made of: the same address, the same number, or
/// the same person's name with the same company (both given).
fn alike(a: &Made, b: &Made) -> bool {
    let same = |x: Option<(usize, usize)>, y: Option<(usize, usize)>| match (x, y) {
        (Some((p, _)), Some((q, _))) => p == q,
        _ => false,
    };
    same(a.email, b.email)
        || same(a.phone, b.phone)
        || (same(a.name, b.name) && same(a.company, b.company))
}

/// Contacts alike, followed through: each set of two or more reached from one another.
fn expected(made: &[Made]) -> BTreeSet<Vec<u64>> {
    let mut seen = vec![false; made.len()];
    let mut out = BTreeSet::new();
    for start in 0..made.len() {
        if seen[start] {
            continue;
        }
        seen[start] = true;
        let mut group = vec![start];
        let mut next = 0;
        while next < group.len() {
            let at = group[next];
            for other in 0..made.len() {
                if !seen[other] && alike(&made[at], &made[other]) {
                    seen[other] = true;
                    group.push(other);
                }
            }
            next += 1;
        }
        if group.len() > 1 {
            let mut ids: Vec<u64> = group.iter().map(|i| *i as u64 + 1).collect();
            ids.sort_unstable();
            out.insert(ids);
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn groups_are_the_contacts_alike_by_the_rules(made in proptest::collection::vec(made(), 0..24)) {
        let entries: Vec<Entry> = made
            .iter()
            .enumerate()
            .map(|(i, m)| entry(i as u64 + 1, m))
            .collect();
        let found = groups(&entries, Region::US);
        let ids: Vec<Vec<u64>> = found.iter().map(|g| g.ids.clone()).collect();
        let mut ordered = ids.clone();
        ordered.sort_by_key(|g| g[0]);
        prop_assert_eq!(&ids, &ordered, "by lowest id");
        prop_assert_eq!(ids.into_iter().collect::<BTreeSet<_>>(), expected(&made));
        for g in &found {
            prop_assert!(!g.reasons.is_empty());
        }
    }
}
