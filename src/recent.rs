//! Recently opened contacts, newest first, kept in the state directory so the picker can
//! list them before anything is fetched.

use crate::api::Contact;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// How many are kept.
pub const MAX_RECENT: usize = 20;

/// The columns the picker shows, for one contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub id: u64,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub company: String,
    /// The folded text the filter searches, made once: the picker filters hundreds of
    /// rows on every keystroke.
    #[serde(skip)]
    search_key: std::cell::OnceCell<String>,
}

impl From<&Contact> for Summary {
    fn from(c: &Contact) -> Self {
        let name = if c.full_name.trim().is_empty() {
            format!("{} {}", c.first_name, c.last_name)
                .trim()
                .to_string()
        } else {
            c.full_name.clone()
        };
        Self {
            id: c.id,
            name,
            email: c.email.clone(),
            phone: c.phone_number.clone(),
            company: c.company.clone(),
            search_key: std::cell::OnceCell::new(),
        }
    }
}

impl Summary {
    /// Every word of `filter` appears in some column, ignoring case and accents
    /// ("muller" finds "Müller").
    pub fn matches(&self, filter: &str) -> bool {
        let hay = self.search_key.get_or_init(|| {
            fold(&format!(
                "{} {} {} {} {}",
                self.id, self.name, self.email, self.phone, self.company
            ))
        });
        fold(filter)
            .split_whitespace()
            .all(|word| hay.contains(word))
    }
}

/// Lower case without accents: "Zoë Müller" → "zoe muller".
fn fold(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    use unicode_normalization::char::is_combining_mark;
    s.nfd()
        .filter(|c| !is_combining_mark(*c))
        .collect::<String>()
        .to_lowercase()
}

/// Moves `entry` to the front, dropping its older copy and anything past the limit.
pub fn push(list: &mut Vec<Summary>, entry: Summary) {
    list.retain(|s| s.id != entry.id);
    list.insert(0, entry);
    list.truncate(MAX_RECENT);
}

/// One list per server: contact 1001 of one organisation is not contact 1001 of another.
pub fn path(server_key: &str) -> Option<PathBuf> {
    let name = crate::drafts::file_safe(server_key);
    crate::drafts::state_dir().map(|d| d.join(format!("recent-{name}.json")))
}

/// A missing or unreadable file is an empty list: recents are a convenience.
pub fn load(path: &Path) -> Vec<Summary> {
    std::fs::read(path)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default()
}

pub fn save(path: &Path, list: &[Summary]) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension("json.tmp");
    std::fs::write(
        &tmp,
        serde_json::to_vec(list).map_err(std::io::Error::other)?,
    )?;
    std::fs::rename(tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(id: u64) -> Summary {
        Summary {
            id,
            name: format!("Name {id}"),
            email: format!("p{id}@example.com"),
            phone: String::new(),
            company: "Acme".into(),
            search_key: Default::default(),
        }
    }

    #[test]
    fn push_moves_to_front_and_caps() {
        let mut list = Vec::new();
        for id in 0..25 {
            push(&mut list, s(id));
        }
        push(&mut list, s(10));
        assert_eq!(list.len(), MAX_RECENT);
        assert_eq!(list[0].id, 10);
        assert_eq!(list.iter().filter(|x| x.id == 10).count(), 1);
    }

    #[test]
    fn filter_ignores_accents() {
        let mut m = s(1);
        m.name = "Hannah Müller".into();
        assert!(m.matches("muller"));
        assert!(m.matches("MÜLLER"));
        let mut z = s(2);
        z.name = "Zoe\u{308} Lefèvre".into();
        assert!(z.matches("zoe lefevre"));
    }

    #[test]
    fn filter_matches_all_words_in_any_column() {
        assert!(s(7).matches("acme p7@"));
        assert!(s(7).matches("NAME 7"));
        assert!(!s(7).matches("acme zed"));
    }
}
