//! The app's effects answered in tests, one at a time and each exactly once: the message
//! that carries a request's answer, and a runner that performs the requests against a
//! real server on loopback and feeds the answers back in.
#![allow(dead_code)]

use linq_contact::api::{ApiError, Contact, LinqClient};
use linq_contact::app::{App, Effect, Msg, OneDeleted, OneSaved, WriteEnd};
use linq_contact::index::{Entry, Index};
use linq_contact::keymap::{KeyCode, KeyEvent, KeyModifiers};
use linq_contact::secret::Token;
use std::collections::VecDeque;
use std::time::Duration;

/// The message that answers the read or save `effect` with `result`; none for any other
/// effect.
pub fn reply(effect: &Effect, result: Result<Contact, ApiError>) -> Option<Msg> {
    match *effect {
        Effect::Load { generation, .. } | Effect::LoadLater { generation, .. } => {
            Some(Msg::Loaded { generation, result })
        }
        Effect::Save { generation, .. } => Some(Msg::Saved { generation, result }),
        _ => None,
    }
}

/// Sends the requests `effect` asks for through `client` and returns the messages their
/// answers become; none for what is no request. The index is never on disk here, and
/// its pages are read one after another (100 contacts each), the new index dated now.
pub async fn perform(client: &LinqClient, effect: &Effect) -> Vec<Msg> {
    match effect {
        Effect::Load { id, .. } => reply(effect, client.get_contact(*id).await)
            .into_iter()
            .collect(),
        Effect::Save { id, patch, .. } => reply(effect, client.update_contact(*id, patch).await)
            .into_iter()
            .collect(),
        Effect::LoadIndex => vec![Msg::IndexLoaded(None)],
        Effect::LoadMany { generation, ids } => {
            let mut result = Ok(Vec::new());
            for id in ids {
                result = match (result, client.get_contact(*id).await) {
                    (Ok(mut all), Ok(c)) => {
                        all.push(c);
                        Ok(all)
                    }
                    (Err(e), _) | (_, Err(e)) => Err(e),
                };
            }
            vec![Msg::LoadedMany {
                generation: *generation,
                result,
            }]
        }
        // One PUT after another, each answer handed over as it is (no pause, no read).
        Effect::SaveMany { generation, saves } => {
            let mut msgs = Vec::new();
            for (id, patch) in saves {
                let end = match client.update_contact(*id, patch).await {
                    Ok(c) => WriteEnd::Answered(c),
                    Err(e) => WriteEnd::Failed(e),
                };
                msgs.push(Msg::SavedOne(Box::new(OneSaved {
                    generation: *generation,
                    id: *id,
                    batch: format!("batch-{generation}"),
                    end,
                })));
            }
            msgs
        }
        // One DELETE after another, each answer handed over as it is.
        Effect::DeleteMany {
            generation,
            ids,
            batch,
        } => {
            let batch = batch.clone().unwrap_or(format!("batch-{generation}"));
            let mut msgs = Vec::new();
            for id in ids {
                let end = match client.delete_contact(*id).await {
                    Ok(()) => WriteEnd::Answered(()),
                    Err(e) => WriteEnd::Failed(e),
                };
                msgs.push(Msg::DeletedOne(Box::new(OneDeleted {
                    generation: *generation,
                    id: *id,
                    batch: batch.clone(),
                    end,
                })));
            }
            msgs
        }
        Effect::ReadIndex { generation } => read_index(client, *generation).await,
        _ => Vec::new(),
    }
}

/// Every page of the list as the runtime hands them over, then the whole index.
async fn read_index(client: &LinqClient, generation: u64) -> Vec<Msg> {
    let mut msgs = Vec::new();
    let mut all = Vec::new();
    let mut page = 1;
    loop {
        let read = match client.list_contacts(page, 100).await {
            Ok(read) => read,
            Err(e) => {
                msgs.push(Msg::IndexRead {
                    generation,
                    result: Err(e),
                });
                return msgs;
            }
        };
        let entries: Vec<Entry> = read.contacts.iter().map(Entry::of).collect();
        all.extend(entries.iter().cloned());
        let total = read.pagination.total_pages.max(1);
        msgs.push(Msg::IndexPage {
            generation,
            entries,
            pages: (page, total),
        });
        if page >= total {
            break;
        }
        page += 1;
    }
    msgs.push(Msg::IndexRead {
        generation,
        result: Ok(Box::new(Index::new(
            "test".into(),
            linq_contact::index::seconds(std::time::SystemTime::now()),
            all,
        ))),
    });
    msgs
}

/// The app and a client for its requests; what it copies and journals is kept.
pub struct Runner {
    pub app: App,
    pub client: LinqClient,
    pub copied: Vec<String>,
    pub journal: Vec<linq_contact::journal::Entry>,
}

impl Runner {
    /// `opened` (a new app and its first effects) against the API at `url`, settled.
    pub async fn start(url: &str, token: &str, opened: (App, Vec<Effect>)) -> Runner {
        let client = LinqClient::new(url, Token::new(token), Duration::from_secs(5)).unwrap();
        let (app, effects) = opened;
        let mut runner = Runner {
            app,
            client,
            copied: Vec::new(),
            journal: Vec::new(),
        };
        runner.settle(effects).await;
        runner
    }

    /// Performs one effect and returns what the app does next.
    pub async fn perform(&mut self, effect: Effect) -> Vec<Effect> {
        match &effect {
            Effect::Copy(text) => self.copied.push(text.clone()),
            Effect::Journal(entry) => self.journal.push((**entry).clone()),
            _ => {}
        }
        let mut next = Vec::new();
        for msg in perform(&self.client, &effect).await {
            next.extend(self.app.update(msg));
        }
        next
    }

    /// Performs effects, and those they lead to, until none is left.
    pub async fn settle(&mut self, effects: Vec<Effect>) {
        let mut queue: VecDeque<Effect> = effects.into();
        while let Some(effect) = queue.pop_front() {
            let more = self.perform(effect).await;
            queue.extend(more);
        }
    }

    /// Hands `msg` to the app and settles what follows.
    pub async fn send(&mut self, msg: Msg) {
        let effects = self.app.update(msg);
        self.settle(effects).await;
    }

    pub async fn press(&mut self, key: KeyEvent) {
        self.send(Msg::Key(key)).await;
    }

    pub async fn key(&mut self, code: KeyCode) {
        self.press(KeyEvent::new(code, KeyModifiers::NONE)).await;
    }

    pub async fn ctrl(&mut self, c: char) {
        self.press(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
            .await;
    }

    pub async fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.key(KeyCode::Char(c)).await;
        }
    }

    /// The app's screen at `w`×`h`.
    pub fn screen(&self, w: u16, h: u16) -> String {
        super::app::screen_at(&self.app, w, h)
    }

    /// The app drawn at `w`×`h`, with its styles.
    pub fn buffer(&self, w: u16, h: u16) -> ratatui::buffer::Buffer {
        super::app::buffer_at(&self.app, w, h)
    }
}
