//! Talking to the API for the commands: reads retried with the editor's backoff, saves
//! retried only when the server refused them before acting, and a gate that holds every
//! worker back while the server asks for a pause.

use crate::api::retry::{self, Backoff, Gate};
use crate::api::{ApiError, Contact, ContactPatch, LinqClient};
pub use crate::protocol::answer::Written;
use crate::target::Target;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

/// Told about each wait before a retry: the reason and how long.
pub type RetryNote = Arc<dyn Fn(&ApiError, Duration) + Send + Sync>;

/// The client with the retry rules the editor uses. Cloning is cheap and shares the
/// connection pool and the gate.
#[derive(Clone)]
pub struct Api {
    pub client: LinqClient,
    pub backoff: Backoff,
    pub gate: Arc<Gate>,
    pub on_retry: RetryNote,
}

impl Api {
    pub fn new(client: LinqClient, on_retry: RetryNote) -> Self {
        Self {
            client,
            backoff: Backoff::default(),
            gate: Arc::default(),
            on_retry,
        }
    }

    /// A read, tried again on 429, 5xx, timeouts and refused connections.
    pub async fn read<T, F, Fut>(&self, read: F) -> Result<T, ApiError>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<T, ApiError>>,
    {
        self.with_retry(read).await
    }

    /// Runs `request` with [`retry::with_retry`]: waits as [`Backoff::delay`] says, and a
    /// 429 closes the gate for everyone.
    async fn with_retry<T, F, Fut>(&self, request: F) -> Result<T, ApiError>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<T, ApiError>>,
    {
        retry::with_retry(
            self.backoff,
            &self.gate,
            |e, d| (self.on_retry)(e, d),
            request,
        )
        .await
    }

    /// The contact `target` names, or `None` when there is none. A record other than
    /// the one asked for is an error, never silently used.
    pub async fn resolve(&self, target: &Target) -> Result<Option<Contact>, ApiError> {
        match target {
            Target::Id(id) => match self.read(|| self.client.get_contact(*id)).await {
                Ok(contact) => same_id(*id, contact).map(Some),
                Err(e) if e.is_not_found() => Ok(None),
                Err(e) => Err(e),
            },
            Target::Email(email) => {
                self.read(|| self.client.find_contact(Some(email), None))
                    .await
            }
            Target::Phone(phone) => {
                self.read(|| self.client.find_contact(None, Some(phone)))
                    .await
            }
        }
    }

    /// A fresh read of a contact known by id (after a save whose outcome is unknown).
    pub async fn reread(&self, id: u64) -> Result<Contact, ApiError> {
        let contact = self.read(|| self.client.get_contact(id)).await?;
        same_id(id, contact)
    }

    /// One PUT, after any pause the server asked of this client. Whether to send it
    /// again is the protocol's decision ([`crate::protocol::after_failure`]), never this
    /// layer's.
    pub async fn save(&self, id: u64, patch: &ContactPatch) -> Result<Contact, ApiError> {
        self.gate.wait().await;
        let contact = self.client.update_contact(id, patch).await?;
        same_id(id, contact)
    }

    /// One POST, like [`Api::save`].
    pub async fn create(&self, patch: &ContactPatch) -> Result<Contact, ApiError> {
        self.gate.wait().await;
        self.client.create_contact(patch).await
    }

    /// One DELETE, like [`Api::save`].
    pub async fn delete(&self, id: u64) -> Result<(), ApiError> {
        self.gate.wait().await;
        self.client.delete_contact(id).await
    }

    /// Sends a write (`send`: one PUT, POST or DELETE) as the protocol says: a short
    /// pause asked by a 429 is waited out and the same request sent once more; any
    /// other failure ends it, classified ([`crate::protocol::after_failure`]).
    pub async fn write<T, F, Fut>(&self, send: F) -> Written<T>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<T, ApiError>>,
    {
        crate::protocol::answer::write(&self.gate, |e, wait| (self.on_retry)(e, wait), send).await
    }

    /// Every contact found by any of `targets`, each once (a create's lookups).
    pub async fn lookup(&self, targets: &[Target]) -> Result<Vec<Contact>, ApiError> {
        let mut found = Vec::new();
        for target in targets {
            let contact = self.resolve(target).await?.map(|c| c.sanitized());
            crate::protocol::create::gather(&mut found, contact);
        }
        Ok(found)
    }
}

/// "contact 42 not found", "no contact with e-mail or phone ana@example.com".
pub fn not_found(target: &Target) -> String {
    match target {
        Target::Id(id) => format!("contact {id} not found"),
        Target::Email(email) => format!("no contact with e-mail {email}"),
        Target::Phone(phone) => format!("no contact with phone number {phone}"),
    }
}

fn same_id(id: u64, contact: Contact) -> Result<Contact, ApiError> {
    if contact.id == id {
        Ok(contact)
    } else {
        Err(ApiError::Decode {
            status: 200,
            reason: format!(
                "the answer is about contact {}, not contact {id}",
                contact.id
            ),
        })
    }
}
