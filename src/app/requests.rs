//! The one request in flight: what it is for, the generation its answer must carry, and
//! the contact it asked about, with what goes with it (the retry countdown, whether the
//! user typed since it began). Every answer passes [`Requests::take_answer`], the single
//! place where stale answers, answers of another kind and records of another contact are
//! turned away.

use super::{App, Effect};
use crate::api::{ApiError, Contact};
use crate::form::{Field, Plan};
use crate::target::Target;

/// One contact's outcome, for the status pane.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sent {
    Stored,
    /// Some of the fields sent are not stored as sent.
    Partial(Vec<Field>),
    /// Read back after a lost answer: the change is not there.
    NotStored,
    Failed(ApiError),
}

/// A save of one of several, in flight.
#[derive(Debug, Clone)]
pub struct OneSave {
    pub before: Contact,
    pub plan: Plan,
}

/// What a request in flight is for.
#[derive(Debug, Clone)]
pub(super) enum Pending {
    /// A first load, or a reload. `before`: the form's text when the reload was asked
    /// for, so typing that arrives while it is in flight is kept.
    Load {
        before: Option<crate::form::Values>,
    },
    Find(Target),
    /// A load by id while another contact stays on screen until it arrives.
    Open(Target),
    /// The re-read before the review.
    Check,
    /// The last look at the server between "send" and sending: the review may have
    /// stood open while a colleague saved.
    Confirm(Box<Plan>),
    /// The PUT; `resent`: the one repeat after a pause the server asked for.
    Save {
        plan: Box<Plan>,
        resent: bool,
    },
    /// The pause a 429 asked for before the PUT goes out once more.
    PauseSave(Box<Plan>),
    /// A new contact: the lookup of its e-mail and phone before the review.
    Duplicates(Box<Plan>),
    /// The `POST` of a new contact; `existing`: what the lookup before it found, so
    /// that a later lookup can tell the new contact from them.
    Create {
        plan: Box<Plan>,
        existing: Vec<Contact>,
        resent: bool,
    },
    /// The pause a 429 asked for before the POST goes out once more.
    PauseCreate {
        plan: Box<Plan>,
        existing: Vec<Contact>,
    },
    /// A create whose answer was lost: the lookup that tells whether it happened.
    VerifyCreate {
        plan: Box<Plan>,
        existing: Vec<Contact>,
        why: String,
    },
    /// Contacts marked in the picker, read to be changed together.
    OpenMany(Vec<u64>),
    /// The re-read of several contacts before their review.
    CheckMany,
    /// The read of the contacts of a batch before it is taken back; its saves.
    CheckBatch {
        batch: String,
        entries: Vec<crate::journal::Entry>,
    },
    /// Contacts read to be shown side by side, to merge them.
    OpenMerge(Vec<u64>),
    /// The last look at the server before a confirmed merge is sent: the contacts must
    /// be as the view showed them.
    CheckMerge(Box<crate::dialogs::merge::MergeView>),
    /// The survivor's PUT of a merge.
    MergeSave(Box<crate::protocol::merge::MergePlan>),
    /// The deletes of a merge, after its save; the survivor as the server holds it, and
    /// each delete's outcome so far.
    MergeDeletes {
        plan: Box<crate::protocol::merge::MergePlan>,
        survivor: Box<Contact>,
        done: Vec<(u64, super::Removed)>,
    },
    /// The PUTs of a change to several contacts, and each one's outcome so far.
    SaveMany {
        saves: Vec<OneSave>,
        done: Vec<(u64, Sent)>,
    },
    /// The re-read after a save whose outcome is unknown; `second` is the later look.
    Verify {
        plan: Box<Plan>,
        why: String,
        second: bool,
    },
}

impl Pending {
    /// Answered by a read of the contact (`Msg::Loaded`).
    pub(super) fn is_read(&self) -> bool {
        matches!(
            self,
            Pending::Load { .. }
                | Pending::Open(_)
                | Pending::Check
                | Pending::Confirm(_)
                | Pending::Verify { .. }
        )
    }
}

/// The request in flight and what goes with it.
#[derive(Debug, Clone, Default)]
pub(super) struct Requests {
    pub in_flight: Option<InFlight>,
    /// The generation of the latest request; each new one takes the next.
    last_generation: u64,
    /// "retrying in Ns (attempt k)" while a read waits to be tried again.
    pub retry: Option<(u32, std::time::Duration, String)>,
    /// A key acted on the form since the request in flight began: a review that becomes
    /// ready now must not pop up under the user's fingers.
    pub typed_since_request: bool,
    /// The wall-clock time (HH:MM:SS) of the latest result, as the runtime observed it.
    pub clock: Option<String>,
    /// A contact left while its save was in flight, to mention once the next one is open.
    pub left_saving: Option<u64>,
}

#[derive(Debug, Clone)]
pub(super) struct InFlight {
    pub generation: u64,
    /// The contact asked about (0 for a find by e-mail or phone).
    pub id: u64,
    pub what: Pending,
}

/// What the app is waiting for, for the status pane's busy line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activity<'a> {
    Loading(u64),
    Finding(&'a Target),
    Checking,
    Saving,
    Creating,
    /// Waiting out the pause a 429 asked for before sending once more.
    Pausing,
    /// Re-reading after a save whose outcome is unknown, and why it is unknown.
    Verifying(&'a str),
    /// Reading this many contacts, to change them together.
    LoadingMany(usize),
    /// Sending a change to several contacts: how many have answered, of how many.
    SavingMany {
        done: usize,
        of: usize,
    },
    /// Deleting the contacts merged into another: how many have ended, of how many.
    Deleting {
        done: usize,
        of: usize,
    },
}

impl Requests {
    /// A contact is being opened (by id, or found by e-mail or phone): the one on screen
    /// is being left.
    pub(super) fn opening(&self) -> bool {
        self.in_flight
            .as_ref()
            .is_some_and(|f| matches!(f.what, Pending::Open(_) | Pending::Find(_)))
    }

    /// The request of this generation is the one in flight.
    pub(super) fn awaits(&self, generation: u64) -> bool {
        self.in_flight
            .as_ref()
            .is_some_and(|f| f.generation == generation)
    }

    /// [`Requests::begin`], and the effect that sends the request (given its
    /// generation) after those that drop the one it replaces.
    pub(super) fn start(
        &mut self,
        id: u64,
        what: Pending,
        request: impl FnOnce(u64) -> Effect,
    ) -> Vec<Effect> {
        let (generation, mut effects) = self.begin(id, what);
        effects.push(request(generation));
        effects
    }

    /// Takes the reading of several contacts of this generation, if it is awaited.
    pub(super) fn take_many(&mut self, generation: u64) -> Option<Pending> {
        let awaited = self.in_flight.as_ref().is_some_and(|f| {
            f.generation == generation
                && matches!(
                    f.what,
                    Pending::OpenMany(_)
                        | Pending::CheckMany
                        | Pending::CheckBatch { .. }
                        | Pending::OpenMerge(_)
                        | Pending::CheckMerge(_)
                )
        });
        awaited.then(|| self.in_flight.take()).flatten().map(|f| {
            self.retry = None;
            f.what
        })
    }

    /// The request of this generation, if it is the one awaited, to change in place.
    pub(super) fn awaited_mut(&mut self, generation: u64) -> Option<&mut Pending> {
        self.in_flight
            .as_mut()
            .filter(|f| f.generation == generation)
            .map(|f| &mut f.what)
    }

    /// Takes the request of this generation, if it is the one awaited.
    pub(super) fn take_awaited(&mut self, generation: u64) -> Option<Pending> {
        self.in_flight
            .take_if(|f| f.generation == generation)
            .map(|f| f.what)
    }

    pub(super) fn next_generation(&mut self) -> u64 {
        self.last_generation += 1;
        self.last_generation
    }

    /// Awaits a new request of kind `what` about contact `id`; returns the generation
    /// its answer must carry, and the cancel of a request it replaces.
    pub(super) fn begin(&mut self, id: u64, what: Pending) -> (u64, Vec<Effect>) {
        let replaced = self.drop_in_flight();
        let generation = self.next_generation();
        self.in_flight = Some(InFlight {
            generation,
            id,
            what,
        });
        self.typed_since_request = false;
        (generation, replaced)
    }

    /// Takes the request in flight if `generation` is the one awaited and it expects an
    /// answer of this kind. A record of another contact than the one asked about is an
    /// error: it is never merged, compared or shown as this contact.
    pub(super) fn take_answer(
        &mut self,
        generation: u64,
        expects: impl Fn(&Pending) -> bool,
        result: Result<Contact, ApiError>,
    ) -> Option<(Pending, Result<Contact, ApiError>)> {
        let f = self.in_flight.as_ref()?;
        if f.generation != generation || !expects(&f.what) {
            return None;
        }
        let asked = f.id;
        let f = self.in_flight.take()?;
        self.retry = None;
        let result = match result {
            Ok(c) if asked != 0 && c.id != asked => Err(ApiError::Other {
                reason: format!(
                    "the server answered with contact {} for contact {asked}; nothing was \
                     taken from it",
                    c.id
                ),
            }),
            other => other,
        };
        Some((f.what, result))
    }

    /// Abandons the request in flight, if any.
    pub(super) fn drop_in_flight(&mut self) -> Vec<Effect> {
        self.retry = None;
        self.in_flight
            .take()
            .map(|f| Effect::Cancel {
                generation: f.generation,
            })
            .into_iter()
            .collect()
    }
}

impl App {
    /// What is in flight, if anything.
    pub fn activity(&self) -> Option<Activity<'_>> {
        let f = self.requests.in_flight.as_ref()?;
        Some(match &f.what {
            Pending::Load { .. } => Activity::Loading(f.id),
            Pending::Find(t) | Pending::Open(t) => Activity::Finding(t),
            Pending::Check | Pending::Confirm(_) => Activity::Checking,
            Pending::Save { .. } => Activity::Saving,
            Pending::Create { .. } => Activity::Creating,
            Pending::PauseSave(_) | Pending::PauseCreate { .. } => Activity::Pausing,
            Pending::Duplicates(_) => Activity::Checking,
            Pending::VerifyCreate { why, .. } => Activity::Verifying(why),
            Pending::Verify { why, .. } => Activity::Verifying(why),
            Pending::OpenMany(ids) | Pending::OpenMerge(ids) => Activity::LoadingMany(ids.len()),
            Pending::CheckMerge(_) => Activity::Checking,
            Pending::MergeSave(_) => Activity::Saving,
            Pending::MergeDeletes { plan, done, .. } => Activity::Deleting {
                done: done.len(),
                of: plan.deletes.len(),
            },
            Pending::CheckMany | Pending::CheckBatch { .. } => Activity::Checking,
            Pending::SaveMany { saves, done } => Activity::SavingMany {
                done: done.len(),
                of: saves.len(),
            },
        })
    }

    /// Starts a read of the open contact; what its answer means depends on `what`.
    pub(super) fn start_read(&mut self, what: Pending) -> Vec<Effect> {
        let id = self.contact_id;
        self.requests
            .start(id, what, |generation| Effect::Load { generation, id })
    }
}
