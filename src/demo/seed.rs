//! The demo's starting data: the hand-written seed (chosen to include the records that
//! break naive editors) plus, for paging tests, any number of plain generated contacts.

use chrono::{DateTime, TimeDelta};
use serde::Deserialize;

use super::store::{format_timestamp, full_name};
use crate::api::model::{Contact, ContactOwner};

const SEED_JSON: &str = include_str!("../../assets/demo-contacts.json");

#[derive(Debug, Deserialize)]
pub(crate) struct Seed {
    pub(crate) users: Vec<ContactOwner>,
    pub(crate) contacts: Vec<Contact>,
}

pub(crate) fn load() -> serde_json::Result<Seed> {
    serde_json::from_str(SEED_JSON)
}

const FIRST_NAMES: [&str; 20] = [
    "Alex", "Blair", "Casey", "Devon", "Elena", "Farah", "Gavin", "Helena", "Ivan", "Jasmine",
    "Kofi", "Lena", "Mason", "Nadia", "Owen", "Paula", "Quinn", "Rosa", "Stefan", "Tara",
];
const LAST_NAMES: [&str; 20] = [
    "Abbott", "Barnes", "Castillo", "Dawson", "Ellis", "Ferreira", "Goldberg", "Hughes", "Ibrahim",
    "Jensen", "Kaur", "Lambert", "Mendoza", "Novak", "Osei", "Price", "Quintero", "Rahman", "Sato",
    "Turner",
];
const COMPANIES: [&str; 10] = [
    "Northwind Traders",
    "Contoso Ltd.",
    "Fabrikam, Inc.",
    "Adventure Works",
    "Tailspin Toys",
    "Wide World Importers",
    "Litware, Inc.",
    "Proseware, Inc.",
    "Woodgrove Bank",
    "Coho Vineyard",
];
const TITLES: [&str; 8] = [
    "Account Manager",
    "Sales Director",
    "Office Manager",
    "Procurement Specialist",
    "Marketing Lead",
    "Software Engineer",
    "Operations Analyst",
    "Chief Financial Officer",
];
const PLACES: [(&str, &str); 8] = [
    ("Portland, OR", "503"),
    ("Denver, CO", "303"),
    ("Austin, TX", "512"),
    ("Boston, MA", "617"),
    ("Miami, FL", "305"),
    ("Phoenix, AZ", "602"),
    ("Columbus, OH", "614"),
    ("Nashville, TN", "615"),
];

/// `count` ordinary contacts with ids from `first_id`. Deterministic, so a failing
/// paging test shows the same data on every run. Phones stay in the fictional 555-01xx
/// range; e-mails are made unique by the id.
pub(crate) fn generate(first_id: u64, count: usize, owners: &[ContactOwner]) -> Vec<Contact> {
    // 2025-01-01T00:00:00Z: a fixed origin keeps the generated records stable.
    let origin = DateTime::from_timestamp(1_735_689_600, 0).unwrap_or_default();
    (0..count)
        .map(|i| {
            let id = first_id + i as u64;
            let first = FIRST_NAMES[i % FIRST_NAMES.len()];
            let last = LAST_NAMES[(i / FIRST_NAMES.len() + i) % LAST_NAMES.len()];
            let (location, area) = PLACES[i % PLACES.len()];
            let created = format_timestamp(origin + TimeDelta::hours(i as i64));
            Contact {
                id,
                first_name: first.to_string(),
                last_name: last.to_string(),
                full_name: full_name(first, last),
                email: format!(
                    "{}.{}.{id}@example.net",
                    first.to_lowercase(),
                    last.to_lowercase()
                ),
                phone_number: format!("+1{area}55501{:02}", i % 100),
                company: COMPANIES[i % COMPANIES.len()].to_string(),
                title: TITLES[i % TITLES.len()].to_string(),
                location: location.to_string(),
                image_url: None,
                created_at: created.clone(),
                updated_at: created,
                contact_owner: (!owners.is_empty()).then(|| owners[i % owners.len()].clone()),
            }
        })
        .collect()
}

/// Contacts that look like three of the seed's, as support finds them in real lists,
/// from id `next_id` on: Jordan Blake again with the e-mail in capitals and a title of
/// his own, Marcus Reed's phone written another way, and Zoë Lefèvre without accents,
/// her company in capitals (`--demo-look-alikes`, and the tests of merging).
pub fn look_alikes(next_id: u64) -> Vec<Contact> {
    let owner = Some(ContactOwner {
        id: Some(503),
        email: "priya.raman@example.com".into(),
        name: "Priya Raman".into(),
        ..ContactOwner::default()
    });
    let alike = |n: u64, first: &str, last: &str| Contact {
        id: next_id + n,
        first_name: first.into(),
        last_name: last.into(),
        contact_owner: owner.clone(),
        ..Contact::default()
    };
    vec![
        Contact {
            email: "JORDAN.BLAKE@example.com".into(),
            title: "Head of Ops".into(),
            ..alike(0, "Jordan", "Blake")
        },
        Contact {
            phone_number: "(312) 555-0187".into(),
            ..alike(1, "M.", "Reed")
        },
        Contact {
            company: "MAISON LEFÈVRE".into(),
            ..alike(2, "Zoe", "Lefevre")
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seed() -> Seed {
        load().expect("the bundled seed must parse")
    }

    fn any(seed: &Seed, pred: impl Fn(&Contact) -> bool) -> bool {
        seed.contacts.iter().any(pred)
    }

    fn text_fields(c: &Contact) -> [&str; 7] {
        [
            &c.first_name,
            &c.last_name,
            &c.email,
            &c.phone_number,
            &c.company,
            &c.title,
            &c.location,
        ]
    }

    #[test]
    fn seed_parses_with_enough_contacts_and_owners() {
        let s = seed();
        assert!(s.contacts.len() >= 30, "only {} contacts", s.contacts.len());
        assert!((3..=4).contains(&s.users.len()));
        let mut ids: Vec<u64> = s.contacts.iter().map(|c| c.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), s.contacts.len(), "ids must be unique");
    }

    #[test]
    fn first_contact_is_clean_and_complete() {
        let s = seed();
        let first = s.contacts.iter().min_by_key(|c| c.id).unwrap();
        assert!(text_fields(first).iter().all(|f| !f.is_empty()));
        assert!(
            text_fields(first)
                .iter()
                .all(|f| f.chars().all(|ch| !ch.is_control()))
        );
        assert!(first.contact_owner.is_some());
    }

    #[test]
    fn seed_holds_the_awkward_cases() {
        let s = seed();
        let only_phone = |c: &Contact| {
            c.first_name.is_empty()
                && c.last_name.is_empty()
                && c.email.is_empty()
                && !c.phone_number.is_empty()
        };
        assert!(any(&s, only_phone), "a contact with only a phone");
        assert!(
            any(&s, |c| text_fields(c)[..4].iter().all(|f| f.is_empty())
                && !c.company.is_empty()),
            "a contact with no identity field but a company"
        );
        assert!(any(&s, |c| c.last_name == "山田"), "a CJK name");
        assert!(
            any(&s, |c| c.company.chars().any(|ch| ch as u32 >= 0x1F300)),
            "an emoji"
        );
        assert!(
            any(&s, |c| c.first_name == "Zoe\u{308}"),
            "a combining accent"
        );
        assert!(
            any(&s, |c| c
                .first_name
                .chars()
                .any(|ch| ('\u{590}'..='\u{6FF}').contains(&ch))),
            "a right-to-left name"
        );
        assert!(
            any(&s, |c| c.location.chars().count() > 120),
            "a very long location"
        );
        assert!(any(&s, |c| c.phone_number.starts_with("+44")), "a UK phone");
        assert!(
            any(&s, |c| c.phone_number.starts_with("+81")),
            "a Japanese phone"
        );
        assert!(
            any(&s, |c| c.contact_owner.is_none()),
            "a contact without owner"
        );
        assert!(
            any(&s, |c| c.first_name == "\u{1b}]0;owned\u{7}Eve"),
            "control characters"
        );
    }

    #[test]
    fn seed_emails_use_reserved_domains() {
        let s = seed();
        let reserved = |e: &str| {
            let domain = e.rsplit('@').next().unwrap_or_default().to_lowercase();
            ["example.com", "example.org", "example.net"].contains(&domain.as_str())
        };
        for c in &s.contacts {
            assert!(c.email.is_empty() || reserved(&c.email), "{}", c.email);
        }
        for u in &s.users {
            assert!(reserved(&u.email), "{}", u.email);
        }
    }

    #[test]
    fn generated_contacts_follow_the_seed() {
        let s = seed();
        let made = generate(2000, 250, &s.users);
        assert_eq!(made.len(), 250);
        assert_eq!(made[0].id, 2000);
        assert_eq!(made[249].id, 2249);
        assert!(made.iter().all(|c| c.email.ends_with("@example.net")));
        assert!(made.iter().all(|c| c.phone_number.len() == 12));
        assert!(made.iter().all(|c| c.contact_owner.is_some()));
    }
}
