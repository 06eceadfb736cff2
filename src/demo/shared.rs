//! The demo's state shared by every handler and by the `DemoServer` handle the tests
//! hold: the store, the request log and the fault plan.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::response::Response;
use tokio::sync::watch;

use super::RecordedRequest;
use super::faults::{self, Fault, FaultPlan};
use super::gauge::Gauge;
use super::store::{Refusal, Store};
use crate::api::model::{Contact, ContactPatch};

const CONTACTS_PREFIX: &str = "/api/partner/v2/contacts/";

/// State shared between the handlers and the `DemoServer` handle the tests hold.
#[derive(Clone)]
pub(crate) struct Shared {
    store: Arc<Mutex<Store>>,
    log: Arc<Mutex<Vec<RecordedRequest>>>,
    faults: Arc<Mutex<FaultPlan>>,
    /// The API requests being served now, and the most at once.
    gauge: Arc<Gauge>,
    /// Never sent on: it reports an error once the `DemoServer` holding the sender is
    /// dropped, which is what ends stalled bodies and pending delays.
    shutdown: watch::Receiver<()>,
}

impl Shared {
    pub(crate) fn new(store: Store, shutdown: watch::Receiver<()>) -> Self {
        Shared {
            store: Arc::new(Mutex::new(store)),
            log: Arc::default(),
            faults: Arc::default(),
            gauge: Arc::default(),
            shutdown,
        }
    }

    /// A panic in one handler must not take the whole demo down with a poisoned lock;
    /// every write is validated before it starts, so the data is still consistent.
    pub(crate) fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn requests(&self) -> Vec<RecordedRequest> {
        self.log.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    pub(crate) fn record(&self, request: RecordedRequest) {
        self.log
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(request);
    }

    pub(crate) fn gauge(&self) -> &Gauge {
        &self.gauge
    }

    /// Same poisoning argument as [`Shared::store`]: the plan is a few plain values.
    pub(crate) fn faults(&self) -> MutexGuard<'_, FaultPlan> {
        self.faults.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Applies a colleague's edit straight to the store: nothing is recorded or faulted.
    pub(crate) fn edit_externally(
        &self,
        id: u64,
        patch: &ContactPatch,
    ) -> Result<Contact, Refusal> {
        self.store().edit_externally(id, patch)
    }

    /// Waits out the configured latency, or less if the demo is dropped meanwhile, so
    /// a long delay cannot keep a connection task alive after the server is gone.
    pub(crate) async fn delay(&self) {
        let latency = self.faults().latency();
        if latency == Duration::ZERO {
            return;
        }
        let mut shutdown = self.shutdown.clone();
        tokio::select! {
            () = tokio::time::sleep(latency) => {}
            () = async { while shutdown.changed().await.is_ok() {} } => {}
        }
    }

    /// The contact a faulted answer pretends to be about: the one the path names, else
    /// the first, so that bodies posing as a success look like one.
    pub(crate) fn contact_for(&self, path: &str) -> Contact {
        let store = self.store();
        let named = path
            .strip_prefix(CONTACTS_PREFIX)
            .and_then(|id| id.parse().ok())
            .and_then(|id| store.get(id));
        named
            .or_else(|| store.first_id().and_then(|id| store.get(id)))
            .cloned()
            .unwrap_or_default()
    }

    pub(crate) fn fault_response(&self, fault: &Fault, path: &str) -> Response {
        faults::respond(fault, &self.contact_for(path), self.shutdown.clone())
    }
}
