//! The save protocol, top to bottom:
//!
//! 1. Ctrl-S refuses what the client can see is wrong, then re-reads the contact
//!    ([`App::open_review`] → [`App::on_checked`]): others' changes to untouched fields
//!    are taken, a field changed on both sides is a conflict.
//! 2. The review shows every change and the exact body; a conflict needs an explicit
//!    overwrite or take-theirs.
//! 3. Sending re-reads once more ([`App::on_confirmed`]): a save made by a colleague
//!    while the review stood open brings the review back instead of being overwritten.
//! 4. The PUT ([`App::on_saved`]): a 200 is checked against what was sent; a failure
//!    after which the server may have acted is never re-sent but verified.
//! 5. Verify ([`App::on_verified`]): re-read and compare; if the change is not there,
//!    say so with the time, and look once more a few seconds later.

use super::requests::Pending;
use super::{App, Departure, Effect, Overlay, Status};
use crate::api::{ApiError, Contact, ErrorBody};
use crate::dialogs::review::Review;
use crate::form::{Conflict, Field, Plan, PlanError};
use crate::protocol::{AfterFailure, Settled, Verdict, after_failure};
use std::time::Duration;

/// When the second look at an uncertain save goes out: long enough for a slow server to
/// finish, short enough that the user is still there.
pub const SECOND_LOOK: Duration = Duration::from_secs(3);

impl App {
    /// Step 1: Ctrl-S.
    pub(super) fn open_review(&mut self) -> Vec<Effect> {
        let Some(form) = self.form() else {
            return Vec::new();
        };
        if self.is_busy() {
            self.status = Status::Busy;
            return Vec::new();
        }
        if self.is_new_contact() {
            return self.review_new();
        }
        if let Err(e) = form.plan() {
            self.status = Status::Blocked(e);
            return Vec::new();
        }
        self.start_read(Pending::Check)
    }

    /// Step 1: The re-read before the review: take what others changed, then review.
    pub(super) fn on_checked(&mut self, result: Result<Contact, ApiError>) -> Vec<Effect> {
        let theirs = match result {
            Ok(c) => c,
            Err(e) => {
                self.status = Status::CheckFailed(e);
                return Vec::new();
            }
        };
        let cleaned = std::mem::take(&mut self.cleaned_now);
        let Some(editing) = &mut self.editing else {
            return Vec::new();
        };
        let (merge, plan) = editing.form.check_against(&theirs, &cleaned);
        for f in &merge.taken {
            if !editing.taken_meanwhile.contains(f) {
                editing.taken_meanwhile.push(*f);
            }
        }
        editing.record = theirs;
        editing.cleaned = cleaned;
        self.status = if merge.taken.is_empty() && merge.conflicts.is_empty() {
            Status::Loaded
        } else {
            Status::Merged {
                taken: merge.taken,
                conflicts: merge.conflicts.iter().map(|c| c.field).collect(),
            }
        };
        match plan {
            Ok(plan) => {
                let unattended = !self.dialogs.is_open() && !self.requests.typed_since_request;
                if !self.options.confirm_before_save && merge.conflicts.is_empty() && unattended {
                    // Just checked: no second look needed.
                    return self.send_now(plan);
                }
                self.offer(Overlay::Review(Review::new(plan, merge.conflicts)));
            }
            Err(PlanError::NothingChanged) => self.status = Status::NothingLeft,
            Err(e) => self.status = Status::Blocked(e),
        }
        Vec::new()
    }

    /// Step 2: A review (of a save or of a create) appears only where the user is waiting
    /// for it: behind a dialog they opened meanwhile it waits its turn, and over typing done
    /// since Ctrl-S it does not pop up at all (the next key was meant for the field).
    pub(super) fn offer(&mut self, review: Overlay) {
        if self.requests.typed_since_request && !self.dialogs.is_open() {
            self.status = Status::TypedDuringCheck;
            return;
        }
        self.dialogs.show(review);
    }

    /// Step 2: `r` over a conflict: the conflicting fields take the server's values (the form
    /// is already based on the fresh record); every other edit stays.
    pub(super) fn take_theirs(&mut self, conflicts: &[Conflict]) {
        let Some(editing) = &mut self.editing else {
            return;
        };
        for c in conflicts {
            editing
                .history
                .record(c.field, editing.form.input(c.field).clone(), false);
            editing.form.revert(c.field);
        }
        self.status = Status::TookTheirs {
            fields: conflicts.iter().map(|c| c.field).collect(),
            rest: editing.form.is_any_dirty(),
        };
    }

    /// Step 3: Enter/y (or `o` over a conflict): one more read, and the save goes out only
    /// if nobody changed the contact while the review was open.
    pub(super) fn send_reviewed(&mut self, overwrite: bool) -> Vec<Effect> {
        let Some(Overlay::Review(Review { plan, .. })) = self.dialogs.close() else {
            return Vec::new();
        };
        if overwrite && let Some(editing) = &mut self.editing {
            editing.form.overwrite_conflicts();
        }
        self.start_read(Pending::Confirm(plan))
    }

    /// Step 3: The last look's answer.
    pub(super) fn on_confirmed(
        &mut self,
        result: Result<Contact, ApiError>,
        plan: Plan,
    ) -> Vec<Effect> {
        match result {
            Ok(theirs) if self.record().is_some_and(|r| *r == theirs) => self.send_now(plan),
            // Changed again: merge once more and show the review afresh (it names what
            // was taken over).
            Ok(theirs) => {
                let effects = self.on_checked(Ok(theirs));
                if let Status::Loaded = self.status {
                    self.status = Status::ChangedDuringReview;
                }
                effects
            }
            Err(e) => {
                self.status = Status::CheckFailed(e);
                Vec::new()
            }
        }
    }

    /// Step 4: The PUT.
    fn send_now(&mut self, plan: Plan) -> Vec<Effect> {
        self.send_put(plan, false)
    }

    /// Step 4: The PUT; `resent`: the one repeat after a pause the server asked for.
    pub(super) fn send_put(&mut self, plan: Plan, resent: bool) -> Vec<Effect> {
        let Some(editing) = &mut self.editing else {
            return Vec::new();
        };
        editing.server_problems.clear();
        let patch = plan.patch.clone();
        let id = self.contact_id;
        let what = Pending::Save {
            plan: Box::new(plan),
            resent,
        };
        let (generation, mut effects) = self.requests.begin(id, what);
        effects.push(Effect::Save {
            generation,
            id,
            patch,
        });
        effects
    }

    /// Step 4: The PUT's answer.
    pub(super) fn on_saved(
        &mut self,
        result: Result<Contact, ApiError>,
        plan: Plan,
        resent: bool,
    ) -> Vec<Effect> {
        let e = match result {
            Ok(contact) => {
                let before = self.record().cloned().unwrap_or_default();
                let settled = Settled::after_answer(&plan.patch, &before, &contact);
                return self.accept_saved(contact, &plan, &settled);
            }
            Err(e) => e,
        };
        self.write_failed(
            e,
            resent,
            plan,
            |plan| Pending::PauseSave(Box::new(plan)),
            |app, plan, why| app.start_verify(plan, why, false),
        )
    }

    /// A write (the PUT or the POST) that failed; `held`: what it sent. Refused before
    /// the server acted: the edits stay for another try. A pause the server asked for:
    /// `pause` makes `held` the write that goes out once more after it. Anything else
    /// may have reached the server: never re-sent blindly, `verify` finds out.
    pub(super) fn write_failed<T>(
        &mut self,
        e: ApiError,
        resent: bool,
        held: T,
        pause: impl FnOnce(T) -> Pending,
        verify: impl FnOnce(&mut App, T, String) -> Vec<Effect>,
    ) -> Vec<Effect> {
        match after_failure(&e, resent) {
            AfterFailure::Refused | AfterFailure::ComeBack(_) => {
                self.refused(e);
                Vec::new()
            }
            AfterFailure::WaitAndResend(delay) => self.pause(pause(held), delay, &e),
            AfterFailure::Verify => verify(self, held, e.headline()),
        }
    }

    /// The pause a 429 asked for, counted down in the status pane; the write goes out
    /// once more when it ends ([`App::on_waited`]), and Esc cancels it with nothing sent.
    pub(super) fn pause(&mut self, what: Pending, delay: Duration, e: &ApiError) -> Vec<Effect> {
        let id = self.contact_id;
        let (generation, mut effects) = self.requests.begin(id, what);
        self.requests.retry = Some((2, delay, e.headline()));
        effects.push(Effect::Wait { generation, delay });
        effects
    }

    /// The pause is over: the same body goes out once more.
    pub(super) fn on_waited(&mut self, generation: u64) -> Vec<Effect> {
        let awaited = self.requests.in_flight.as_ref().is_some_and(|f| {
            f.generation == generation
                && matches!(f.what, Pending::PauseSave(_) | Pending::PauseCreate { .. })
        });
        if !awaited {
            return Vec::new();
        }
        let Some(f) = self.requests.in_flight.take() else {
            return Vec::new();
        };
        self.requests.retry = None;
        match f.what {
            Pending::PauseSave(plan) => self.send_put(*plan, true),
            Pending::PauseCreate { plan, existing } => self.post(*plan, existing, true),
            _ => Vec::new(),
        }
    }

    /// The server refused a save or a create before acting: its messages that name a
    /// field go under that field, and the edits stay for another try.
    pub(super) fn refused(&mut self, e: ApiError) {
        if let (
            Some(editing),
            ApiError::Http {
                status: 422, body, ..
            },
        ) = (&mut self.editing, &e)
        {
            editing.server_problems = field_problems(body);
        }
        self.status = if self.is_new_contact() {
            Status::CreateFailed(e)
        } else {
            Status::SaveFailed(e)
        };
    }

    /// Step 4: A stored save: the server's record becomes the baseline, and every sent field
    /// is compared with what was stored.
    fn accept_saved(&mut self, contact: Contact, plan: &Plan, settled: &Settled) -> Vec<Effect> {
        let cleaned = std::mem::take(&mut self.cleaned_now);
        let Some(editing) = &mut self.editing else {
            return Vec::new();
        };
        let changed = Field::ALL
            .into_iter()
            .filter(|f| f.of(&editing.record) != f.of(&contact))
            .collect();
        let unapplied = settled.warnings();
        let entry = settled.journal(&plan.patch, &editing.record, &contact);
        // What the server did not store stays in the form, an unsaved edit again.
        editing
            .form
            .rebase_after_save(&contact, plan, &settled.not_stored_fields());
        editing.forget_history();
        editing.cleaned = cleaned;
        let id = contact.id;
        crate::recent::push(&mut self.recent, crate::recent::Summary::from(&contact));
        editing.record = contact.clone();
        self.status = Status::Saved {
            changed,
            taken: std::mem::take(&mut editing.taken_meanwhile),
            unapplied,
        };
        let mut effects = vec![Effect::SaveRecent(self.recent.clone())];
        effects.extend(self.index_changed(&contact));
        if settled.not_stored.is_empty() {
            effects.insert(0, Effect::DeleteDraft { id });
        }
        effects.extend(entry.map(|e| Effect::Journal(Box::new(e))));
        effects
    }

    /// Step 5: Re-read to learn whether an uncertain save landed; `why`: what made it
    /// uncertain. The second look waits a little, for a server that is slow to apply.
    fn start_verify(&mut self, plan: Plan, why: String, second: bool) -> Vec<Effect> {
        let id = self.contact_id;
        let what = Pending::Verify {
            plan: Box::new(plan),
            why,
            second,
        };
        let (generation, mut effects) = self.requests.begin(id, what);
        effects.push(if second {
            Effect::LoadLater {
                generation,
                id,
                delay: SECOND_LOOK,
            }
        } else {
            Effect::Load { generation, id }
        });
        effects
    }

    /// Step 5: The verifying read's answer.
    pub(super) fn on_verified(
        &mut self,
        result: Result<Contact, ApiError>,
        plan: Plan,
        why: String,
        second: bool,
    ) -> Vec<Effect> {
        let server = match result {
            Ok(server) => server,
            Err(e) => {
                self.status = Status::VerifyFailed { why, error: e };
                return Vec::new();
            }
        };
        let as_of = self.requests.clock.clone();
        let before = self.record().cloned().unwrap_or_default();
        let settled = Settled::after_reread(&plan.patch, &before, &server);
        if settled.verdict != Verdict::NotStored {
            let effects = self.accept_saved(server, &plan, &settled);
            self.status = Status::Verified {
                landed: true,
                why,
                unapplied: settled.warnings(),
                as_of,
                again: false,
            };
            return effects;
        }
        self.status = Status::Verified {
            landed: false,
            why: why.clone(),
            unapplied: Vec::new(),
            as_of,
            again: !second,
        };
        if second {
            Vec::new()
        } else {
            self.start_verify(plan, why, true)
        }
    }

    /// Esc during the PUT: the request is abandoned, but it may have reached the server,
    /// so its outcome is checked with a read.
    pub(super) fn cancel_save(&mut self, plan: Plan) -> Vec<Effect> {
        self.start_verify(plan, "you cancelled it".into(), false)
    }

    /// Leaving, reloading or quitting while the PUT is out: ask first (the default waits).
    pub(super) fn ask_while_saving(&mut self, departure: Departure) -> Vec<Effect> {
        self.dialogs.show(Overlay::SaveInFlight(departure));
        Vec::new()
    }
}

/// The messages of a refusal that name a field, for showing under that field.
fn field_problems(body: &ErrorBody) -> Vec<(Field, String)> {
    body.field_messages()
        .into_iter()
        .filter_map(|(named, line)| {
            // An entry that names its field says so; otherwise the words may.
            let field = match named {
                Some(name) => Field::from_api_name(&name),
                None => crate::form::field_named_in(&line),
            }?;
            Some((field, line))
        })
        .collect()
}
