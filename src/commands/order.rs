//! Rows for the same contact run one after another, in file order, so the last row wins
//! and each row reads what the one before it stored (its journal entry's "before" is
//! that row's "after"); rows for other contacts still run side by side.
//!
//! Each row's turn is taken as the rows are started, which happens in file order: it
//! waits for the signal of the latest earlier row with the same key and leaves its own
//! signal for the next one. The key is what the row names: its id, its e-mail (lower
//! case) or its phone (E.164). Not covered: a row found by e-mail or phone and a row
//! naming the id that e-mail or phone turns out to belong to, since that is only known
//! after the read; such rows may still run at the same time.

use super::input::Item;
use crate::target::Target;
use std::collections::HashMap;
use tokio::sync::oneshot;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Id(u64),
    Email(String),
    Phone(String),
}

impl Key {
    fn of(target: &Target) -> Self {
        match target {
            Target::Id(id) => Key::Id(*id),
            Target::Email(email) => Key::Email(email.to_lowercase()),
            Target::Phone(phone) => Key::Phone(phone.clone()),
        }
    }
}

/// The latest row started for each key, as the receiving end of a signal that fires
/// when that row is done.
#[derive(Debug)]
pub struct Queue {
    last: HashMap<Key, oneshot::Receiver<()>>,
    /// The size at which finished rows are forgotten.
    prune_at: usize,
}

impl Default for Queue {
    fn default() -> Self {
        Self {
            last: HashMap::new(),
            prune_at: Self::MIN_PRUNE,
        }
    }
}

/// A row's place in its contact's queue: [`Turn::wait`] returns once the row before it
/// is done; dropping the turn lets the next one go, however the row ended.
#[derive(Debug)]
pub struct Turn {
    after: Option<oneshot::Receiver<()>>,
    /// Never sent on: dropping it is the signal.
    _done: Option<oneshot::Sender<()>>,
}

impl Turn {
    pub async fn wait(&mut self) {
        if let Some(before) = &mut self.after {
            // Sent or dropped, the row before is done.
            let _ = before.await;
            self.after = None;
        }
    }
}

impl Queue {
    const MIN_PRUNE: usize = 64;

    /// The turn of the next row in file order. A row that cannot be read names no
    /// contact and sends nothing: it waits for no one.
    pub fn turn(&mut self, item: &Item) -> Turn {
        let Ok(row) = item else {
            return Turn {
                after: None,
                _done: None,
            };
        };
        let (done, signal) = oneshot::channel();
        let after = self.last.insert(Key::of(&row.target), signal);
        if self.last.len() >= self.prune_at {
            self.forget_finished();
        }
        Turn {
            after,
            _done: Some(done),
        }
    }

    /// Drops the signals of rows that are done, so the map holds about as many keys as
    /// there are rows in flight, not one per contact in the file.
    fn forget_finished(&mut self) {
        self.last.retain(|_, signal| {
            matches!(signal.try_recv(), Err(oneshot::error::TryRecvError::Empty))
        });
        self.prune_at = (self.last.len() * 2).max(Self::MIN_PRUNE);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::input::Row;
    use futures::FutureExt;

    fn row(target: Target) -> Item {
        Ok(Row {
            line: 1,
            target,
            edits: Vec::new(),
            fingerprint: String::new(),
            updated_at: None,
        })
    }

    fn ready(turn: &mut Turn) -> bool {
        turn.wait().now_or_never().is_some()
    }

    #[test]
    fn a_row_waits_for_the_row_before_it_on_the_same_contact_only() {
        let mut queue = Queue::default();
        let mut first = queue.turn(&row(Target::Id(7)));
        let mut second = queue.turn(&row(Target::Id(7)));
        let mut third = queue.turn(&row(Target::Id(7)));
        let mut other = queue.turn(&row(Target::Id(8)));
        let mut by_mail = queue.turn(&row(Target::Email("Ana@Example.com".into())));
        let mut by_mail_again = queue.turn(&row(Target::Email("ana@example.COM".into())));
        assert!(ready(&mut first));
        assert!(ready(&mut other), "another contact does not wait");
        assert!(ready(&mut by_mail));
        assert!(!ready(&mut second));
        assert!(!ready(&mut third));
        assert!(!ready(&mut by_mail_again), "the same e-mail in other case");
        drop(first);
        assert!(ready(&mut second));
        assert!(!ready(&mut third), "waits for the row right before it");
        drop(second);
        assert!(ready(&mut third));
        drop(by_mail);
        assert!(ready(&mut by_mail_again));
        let mut bad = queue.turn(&Err(crate::commands::input::BadRow {
            line: 2,
            id: Some(7),
            message: String::new(),
            fingerprint: None,
        }));
        assert!(ready(&mut bad), "a bad row waits for no one");
    }

    #[test]
    fn done_rows_are_forgotten() {
        let mut queue = Queue::default();
        let mut live = Vec::new();
        for id in 0..1000 {
            let turn = queue.turn(&row(Target::Id(id)));
            if id % 100 == 0 {
                live.push(turn);
            }
        }
        assert!(
            queue.last.len() < 2 * Queue::MIN_PRUNE,
            "{}",
            queue.last.len()
        );
        // A row still in flight keeps its place.
        let mut next = queue.turn(&row(Target::Id(900)));
        assert!(!ready(&mut next));
        live.clear();
        assert!(ready(&mut next));
    }
}
