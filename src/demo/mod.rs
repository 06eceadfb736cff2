//! A stand-in for the Linq contacts endpoints: a real HTTP server on loopback with its
//! state in memory.
//!
//! `--demo` runs the editor against it so the tool can be tried without a token, and the
//! tests talk to it over real HTTP so that what they check is what goes over the wire.
//! It follows the documented behaviour and, where the reference is silent, picks the
//! stricter plausible answer so that client bugs surface here rather than in production.

mod seed;
mod server;
mod store;

use std::net::{Ipv4Addr, SocketAddr};

use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::api::model::Contact;
use server::Shared;
use store::Store;

/// The only token the demo accepts. Not a secret: the demo holds made-up data.
pub const DEMO_TOKEN: &str = "demo-token-0000";

/// One request as the demo received it, so tests can assert on exact bodies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    pub method: String,
    /// Path and query string, e.g. `/api/partner/v2/contacts?page=2`.
    pub path: String,
    /// The body as text (lossily decoded); empty when there was none.
    pub body: String,
}

/// A running demo API. Dropping it stops the server.
pub struct DemoServer {
    addr: SocketAddr,
    shared: Shared,
    task: JoinHandle<()>,
}

impl DemoServer {
    /// Seeds the bundled contacts and serves them on `127.0.0.1:port` (0 picks a free
    /// port). Must be called from within a tokio runtime.
    pub async fn start(port: u16) -> std::io::Result<DemoServer> {
        Self::start_with_generated(port, 0).await
    }

    /// Like [`DemoServer::start`], plus `extra` generated contacts after the seed's ids,
    /// because the seed alone is too small to exercise paging at 100 per page.
    pub async fn start_with_generated(port: u16, extra: usize) -> std::io::Result<DemoServer> {
        let seed =
            seed::load().map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
        let mut store = Store::new(seed.users, seed.contacts);
        let next_id = store.last_id().map_or(1, |id| id + 1);
        for contact in seed::generate(next_id, extra, store.users()) {
            store.insert(contact);
        }
        let shared = Shared::new(store);

        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port)).await?;
        let addr = listener.local_addr()?;
        let app = server::router(shared.clone());
        let task = tokio::spawn(async move {
            // Serving only ends when the task is aborted or the listener fails; there is
            // no one to report a failure to, and the client sees refused connections.
            let _ = axum::serve(listener, app).await;
        });
        Ok(DemoServer { addr, shared, task })
    }

    /// Base URL, e.g. `http://127.0.0.1:41234`, without a trailing slash.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn token(&self) -> &'static str {
        DEMO_TOKEN
    }

    /// The server-side record right now, bypassing HTTP, so tests can check what a
    /// request really changed.
    pub fn contact(&self, id: u64) -> Option<Contact> {
        self.shared.store().get(id).cloned()
    }

    /// The contact `--demo` opens when no other is named: the lowest id, which the seed
    /// keeps clean and complete.
    pub fn first_id(&self) -> u64 {
        self.shared.store().first_id().unwrap_or_default()
    }

    /// Every request received so far, in arrival order, including refused ones.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.requests()
    }

    /// Simulates a colleague saving the contact elsewhere. As with a real save, the
    /// server recomputes `full_name` and moves `updated_at` forward, so a client can
    /// detect the change. A new id adds the contact.
    pub fn set_contact(&self, c: Contact) {
        self.shared.store().replace(c);
    }
}

impl Drop for DemoServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl std::fmt::Debug for DemoServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DemoServer")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}
