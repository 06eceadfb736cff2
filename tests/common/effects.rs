//! The app's effects answered in tests, one at a time and each exactly once: the message
//! that carries a request's answer, and a runner that performs the requests against a
//! real server on loopback and feeds the answers back in.
#![allow(dead_code)]

use linq_contact::api::{ApiError, Contact, LinqClient};
use linq_contact::app::{App, Effect, Msg};
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

/// Sends the request `effect` asks for through `client` (a page is 100 contacts) and
/// returns the message its answer becomes; none for what is no request.
pub async fn perform(client: &LinqClient, effect: &Effect) -> Option<Msg> {
    match effect {
        Effect::Load { id, .. } => reply(effect, client.get_contact(*id).await),
        Effect::Save { id, patch, .. } => reply(effect, client.update_contact(*id, patch).await),
        Effect::ListPage { generation, page } => Some(Msg::Page {
            generation: *generation,
            page: *page,
            result: client.list_contacts(*page, 100).await,
        }),
        _ => None,
    }
}

/// The app and a client for its requests; what it copies is kept.
pub struct Runner {
    pub app: App,
    pub client: LinqClient,
    pub copied: Vec<String>,
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
        };
        runner.settle(effects).await;
        runner
    }

    /// Performs one effect and returns what the app does next.
    pub async fn perform(&mut self, effect: Effect) -> Vec<Effect> {
        if let Effect::Copy(text) = &effect {
            self.copied.push(text.clone());
        }
        match perform(&self.client, &effect).await {
            Some(msg) => self.app.update(msg),
            None => Vec::new(),
        }
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
}
