//! A stand-in for the Linq contacts endpoints: a real HTTP server on loopback with its
//! state in memory.
//!
//! `--demo` runs the editor against it so the tool can be tried without a token, and the
//! tests talk to it over real HTTP so that what they check is what goes over the wire.
//! It follows the documented behaviour and, where the reference is silent, picks the
//! stricter plausible answer so that client bugs surface here rather than in production:
//!
//! - an update must hold an identity field (first_name, last_name, email, phone_number)
//!   with a non-blank value: `""` does not count (422);
//! - an update's body must be JSON sent as `Content-Type: application/json` (else 415)
//!   holding a `contact` object (else 400);
//! - `user_email` is read inside `contact` only; at the top level, where an older copy
//!   of the reference put it, it is ignored;
//! - a write that changes nothing leaves `updated_at` alone;
//! - `DELETE` answers 204 with no body (404 when there is no such contact), and a
//!   deleted contact's id is never given to a new one.
//!
//! # Faults and latency
//!
//! Real deployments also fail in ways the reference never describes, so the demo can
//! be told to misbehave, from code through [`DemoServer::set_latency`],
//! [`DemoServer::fail_next`], [`DemoServer::fail_next_for`],
//! [`DemoServer::drop_field_next`] and [`DemoServer::clear_faults`], or over HTTP:
//!
//! | request | effect |
//! |---|---|
//! | `GET /__demo` | this usage, as plain text |
//! | `POST /__demo/latency?ms=2000` | every request waits 2 s before it is handled (`ms=0`: none) |
//! | `POST /__demo/fail?kind=K&count=N&method=M&retry_after=S` | the next N (default 1) API requests (of method M only, if given) get fault K |
//! | `POST /__demo/drop-field?name=F` | the next update naming field F answers 200 but does not store F |
//! | `POST /__demo/clear` | no more latency, pending faults and dropped fields forgotten |
//! | `POST /__demo/edit/{id}` with `{"contact": {...}}` | a colleague saves the contact |
//!
//! Fault kinds (`K`):
//! - `500`: 500 with a standard-shape body, `error_code` `INTERNAL_ERROR`;
//! - `502`: 502 with nginx's HTML error page (`text/html`);
//! - `429`: 429 with `Retry-After: S` (default 5) and a JSON:API-shape body, code
//!   `RATE_LIMITED`;
//! - `422`: 422 in the standard shape whose `errors` holds an object,
//!   `{"field": F, "message": T}`; `field=F` (default `email`) and `message=T` (default
//!   `has already been taken`) choose them;
//! - `stall`: 200, headers and half a body sent, then nothing until the client gives up;
//! - `oversized`: 200 with valid JSON over 2 MiB (the contact plus a `padding` field);
//! - `truncated`: 200 with JSON cut in half and an honest `Content-Length`;
//! - `stored-500` / `stored-hangup`: the request is handled (a write stored, a delete
//!   done), then answered 500 / cut before any body: an answer lost after the server
//!   acted (these two are the faulted requests that do change something).
//!
//! Successive `fail` calls queue up rather than replace each other. A fault is used up by
//! any request under `/api/`, with or without a valid token: it stands for trouble in
//! front of the application (a proxy, a rate limiter), which answers before the token is
//! looked at. Faulted requests are recorded like any other but change nothing. Latency
//! applies to every request except control ones.
//!
//! A dropped field stands for a server that accepts an attribute and silently ignores
//! it. It waits for the next update (PUT or PATCH) that names the field and is valid;
//! that update is stored except for the field, and its answer shows the field's stored,
//! unchanged value. `F` is a field of an update body: `first_name`, `last_name`,
//! `email`, `phone_number`, `company`, `title`, `location` or `user_email`.
//!
//! An edit takes the same body as a PUT and follows the same rules (phone numbers are
//! normalised, `user_email` must name a user), except that it need not name an identity
//! field; it moves `updated_at` forward when it changes something and answers
//! `{"data": contact}`, or 404 / 422.
//!
//! Control requests need no token, are never recorded, delayed or faulted, and answer
//! JSON (400 with this usage when a parameter is wrong).

mod answers;
mod control;
mod faults;
mod gauge;
mod seed;
mod server;
mod shared;
mod store;

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::api::model::{Contact, ContactPatch};
pub use faults::Fault;
use shared::Shared;
use store::Store;

/// The only token the demo accepts. Not a secret: the demo holds made-up data.
pub const DEMO_TOKEN: &str = "demo-token-0000";

/// Curl examples of the control surface, for `demo-server` to print under the URL.
/// `$URL` stands for the demo's base URL and `$ID` for a contact id;
/// [`DemoServer::control_help`] fills both in.
pub const CONTROL_HELP: &str = "\
Misbehave on demand (no token needed):
  curl -X POST \"$URL/__demo/latency?ms=2000\"        # every request waits 2 s
  curl -X POST \"$URL/__demo/fail?kind=500&count=2\"  # next 2 API requests fail
  curl -X POST \"$URL/__demo/fail?kind=429&retry_after=7\"
  curl -X POST \"$URL/__demo/fail?kind=422&method=PUT&field=email\"
       # next PUT: 422 with {\"field\":\"email\",\"message\":...} in errors[]
       # other kinds: 502 (HTML page), stall, oversized, truncated,
       # stored-500 (stores, then answers 500), hangup (cut before the body),
       # stored-hangup (stores or deletes, then cut), other-record, 403
  curl -X POST \"$URL/__demo/fail?kind=stored-hangup&method=DELETE\"
       # next DELETE: done, then its answer is lost
  curl -X POST \"$URL/__demo/drop-field?name=title\"  # next save of title: 200, not stored
  curl -X POST \"$URL/__demo/edit/$ID\" -d '{\"contact\":{\"title\":\"CEO\"}}'  # a colleague's save
  curl -X POST \"$URL/__demo/clear\"                  # back to normal
";

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
    /// Never sent on; dropping it tells stalled bodies and pending delays to end, since
    /// aborting the accept loop does not stop connections already being served.
    _shutdown: watch::Sender<()>,
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
        let (shutdown, shutdown_rx) = watch::channel(());
        let shared = Shared::new(store, shutdown_rx);

        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port)).await?;
        let addr = listener.local_addr()?;
        let app = server::router(shared.clone());
        let task = tokio::spawn(async move {
            // Serving only ends when the task is aborted or the listener fails; there is
            // no one to report a failure to, and the client sees refused connections.
            let _ = axum::serve(listener, app).await;
        });
        Ok(DemoServer {
            addr,
            shared,
            task,
            _shutdown: shutdown,
        })
    }

    /// Base URL, e.g. `http://127.0.0.1:41234`, without a trailing slash.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn token(&self) -> &'static str {
        DEMO_TOKEN
    }

    /// [`CONTROL_HELP`] with this server's URL and first contact filled in, so the
    /// examples can be pasted as they are.
    pub fn control_help(&self) -> String {
        CONTROL_HELP
            .replace("$URL", &self.url())
            .replace("$ID", &self.first_id().to_string())
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

    /// The highest id: a created contact gets the next one.
    pub fn last_id(&self) -> u64 {
        self.shared.store().last_id().unwrap_or_default()
    }

    /// Every request received so far, in arrival order, including refused ones.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.requests()
    }

    /// The most API requests served at once (latency and faults included) since the
    /// start or the last [`DemoServer::reset_peak_in_flight`].
    pub fn peak_in_flight(&self) -> usize {
        self.shared.gauge().peak()
    }

    /// Starts counting [`DemoServer::peak_in_flight`] afresh.
    pub fn reset_peak_in_flight(&self) {
        self.shared.gauge().reset_peak();
    }

    /// Adds contacts that look like three of the seed's ([`seed::look_alikes`]), after
    /// the last id; returns their ids.
    pub fn plant_look_alikes(&self) -> Vec<u64> {
        let planted = seed::look_alikes(self.last_id() + 1);
        let ids = planted.iter().map(|c| c.id).collect();
        for contact in planted {
            self.set_contact(contact);
        }
        ids
    }

    /// Simulates a colleague saving the contact elsewhere. As with a real save, the
    /// server recomputes `full_name` and moves `updated_at` forward, so a client can
    /// detect the change. A new id adds the contact. Not recorded in `requests()`.
    pub fn set_contact(&self, c: Contact) {
        self.shared.store().replace(c);
    }

    /// Simulates a colleague changing some fields elsewhere: the patch is applied as a
    /// PUT would apply it, except that it need not name an identity field (that rule is
    /// the partner API's, not the data's). `updated_at` moves forward. Not recorded in
    /// `requests()`. `None` when there is no such contact or the patch holds a value the
    /// API would refuse (then nothing changes).
    pub fn external_edit(&self, id: u64, patch: &ContactPatch) -> Option<Contact> {
        self.shared.edit_externally(id, patch).ok()
    }

    /// Every request, authorised or not, waits this long before it is handled (zero:
    /// no wait). Control requests are exempt.
    pub fn set_latency(&self, latency: Duration) {
        self.shared.faults().set_latency(latency);
    }

    /// The next `count` requests under `/api/` are answered with `fault` instead of
    /// being handled, whatever their token: a fault stands for trouble in front of the
    /// application. Faulted requests are still recorded in `requests()` and change
    /// nothing. Calls queue up: `fail_next(1, A)` then `fail_next(1, B)` gives A, then B.
    pub fn fail_next(&self, count: usize, fault: Fault) {
        self.shared.faults().push(count, fault, None);
    }

    /// Like [`DemoServer::fail_next`], for requests of one HTTP method only ("PUT"):
    /// requests of other methods pass while the run waits at the front of the queue.
    pub fn fail_next_for(&self, method: &str, count: usize, fault: Fault) {
        self.shared
            .faults()
            .push(count, fault, Some(method.to_ascii_uppercase()));
    }

    /// The next update (PUT or PATCH) that names `field` and is valid is answered 200
    /// and stored, except for that field, whose stored (unchanged) value the answer
    /// shows: a server silently ignoring one attribute. Calls queue up. Returns `false`,
    /// arming nothing, when `field` is not a field of an update body (`first_name`,
    /// `last_name`, `email`, `phone_number`, `company`, `title`, `location`,
    /// `user_email`).
    pub fn drop_field_next(&self, field: &str) -> bool {
        let known = store::is_patch_field(field);
        if known {
            self.shared.faults().push_drop(field);
        }
        known
    }

    /// Removes the latency, every pending fault and every pending dropped field. A body
    /// already stalling stays stalled; only new requests are served normally.
    pub fn clear_faults(&self) {
        self.shared.faults().clear();
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
