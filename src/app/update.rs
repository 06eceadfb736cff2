//! Message handling: results from the server and the simple messages.

use super::{App, Effect, InFlight, Msg, Overlay, Pending, Sent, Status};
use crate::api::{ApiError, Contact, ContactPatch};
use crate::drafts::Draft;
use crate::form::{Field, Form, Plan, PlanError};
use crate::target::Target;
use crossterm::event::KeyCode;

impl App {
    /// The single entry point of the core.
    pub fn update(&mut self, msg: Msg) -> Vec<Effect> {
        // New text in the status pane starts at its top; scrolling and ticks keep the place.
        let keeps_scroll = match &msg {
            Msg::Tick | Msg::Resize(..) | Msg::Scroll(_) => true,
            Msg::Key(k) => matches!(k.code, KeyCode::PageUp | KeyCode::PageDown),
            _ => false,
        };
        if !keeps_scroll {
            self.status_scroll = 0;
        }
        // Server text never reaches the form with control characters in it: what is
        // shown, compared and sent is the same string.
        let msg = match msg {
            Msg::Loaded { generation, result } => Msg::Loaded {
                generation,
                result: result.map(|raw| self.clean(raw)),
            },
            Msg::Saved { generation, result } => Msg::Saved {
                generation,
                result: result.map(|raw| self.clean(raw)),
            },
            Msg::Found { generation, result } => Msg::Found {
                generation,
                result: result.map(|c| c.map(|raw| self.clean(raw))),
            },
            other => other,
        };
        let overlay_before = self.overlay.as_ref().map(std::mem::discriminant);
        let effects = self.dispatch(msg);
        if self.overlay.as_ref().map(std::mem::discriminant) != overlay_before {
            self.overlay_scroll = 0;
        }
        effects
    }

    /// The record without control characters; notes which fields had some.
    fn clean(&mut self, raw: Contact) -> Contact {
        let clean = raw.clone().sanitized();
        self.cleaned = Field::ALL
            .into_iter()
            .filter(|f| f.of(&raw) != f.of(&clean))
            .collect();
        clean
    }

    fn dispatch(&mut self, msg: Msg) -> Vec<Effect> {
        match msg {
            Msg::Key(key) => self.on_key(key),
            Msg::Paste(text) => {
                self.on_paste(&text);
                Vec::new()
            }
            Msg::Resize(w, h) => {
                self.size = Some((w, h));
                Vec::new()
            }
            Msg::Tick => {
                if self.is_busy() {
                    self.spinner = self.spinner.wrapping_add(1);
                }
                Vec::new()
            }
            Msg::Retrying {
                generation,
                attempt,
                delay,
                reason,
            } => {
                if self
                    .in_flight
                    .as_ref()
                    .is_some_and(|f| f.generation == generation)
                {
                    self.retry = Some((attempt, delay, reason));
                }
                Vec::new()
            }
            Msg::Found { generation, result } => {
                match self.take_in_flight(generation, |p| matches!(p, Pending::Find(_))) {
                    Some(Pending::Find(target)) => self.on_found(&target, result),
                    _ => Vec::new(),
                }
            }
            Msg::Page {
                generation,
                page,
                result,
            } => self.on_page(generation, page, result),
            Msg::Click(crate::ui::Hit::Field(f)) if self.overlay.is_none() => {
                self.history.break_run();
                self.focus = f;
                Vec::new()
            }
            Msg::Click(_) => Vec::new(),
            Msg::Scroll(lines) => self.on_scroll(lines),
            Msg::Notice(text) => {
                if !self.options.notices.contains(&text) {
                    self.options.notices.push(text);
                }
                Vec::new()
            }
            Msg::DraftFound { id, draft } => {
                self.on_draft_found(id, draft);
                Vec::new()
            }
            Msg::Loaded { generation, result } => {
                match self.take_in_flight(generation, Pending::is_read) {
                    Some(Pending::Load) => self.on_loaded(result),
                    Some(Pending::Open(target)) => self.on_opened(target, result),
                    Some(Pending::Confirm(plan)) => self.on_confirmed(result, *plan),
                    Some(Pending::Check) => self.on_checked(result),
                    Some(Pending::Verify(sent, why)) => self.on_verified(result, &sent, why),
                    _ => Vec::new(),
                }
            }
            Msg::Saved { generation, result } => {
                match self.take_in_flight(generation, |p| matches!(p, Pending::Save(_))) {
                    Some(Pending::Save(sent)) => self.on_saved(result, sent),
                    _ => Vec::new(),
                }
            }
        }
    }

    /// Takes the in-flight request if `generation` is the one awaited and the answer is
    /// of the kind it expects; stale results are dropped.
    fn take_in_flight(
        &mut self,
        generation: u64,
        expects: impl Fn(&Pending) -> bool,
    ) -> Option<Pending> {
        match &self.in_flight {
            Some(f) if f.generation == generation && expects(&f.what) => {
                self.retry = None;
                self.in_flight.take().map(|f| f.what)
            }
            _ => None,
        }
    }

    pub(super) fn on_loaded(&mut self, result: Result<Contact, ApiError>) -> Vec<Effect> {
        let contact = match result {
            Ok(c) => c,
            // The form, if any, stays: a failed reload must not cost the user their edits.
            Err(e) => {
                self.status = Status::LoadFailed(e);
                return Vec::new();
            }
        };
        let newly_opened = self.record.as_ref().is_none_or(|r| r.id != contact.id);
        self.history.clear();
        self.server_problems.clear();
        self.taken_meanwhile.clear();
        self.form = Some(Form::new(&contact, self.options.region));
        self.contact_id = contact.id;
        self.target = Target::Id(contact.id);
        crate::recent::push(&mut self.recent, crate::recent::Summary::from(&contact));
        self.record = Some(contact);
        self.focus = Field::FirstName;
        self.status = Status::Loaded;
        let mut effects = vec![Effect::SaveRecent(self.recent.clone())];
        if let Some(draft) = self.draft.take() {
            self.overlay = Some(Overlay::RestoreDraft(draft));
        } else if newly_opened {
            effects.push(Effect::CheckDraft {
                id: self.contact_id,
            });
        }
        effects
    }

    /// The re-read before the review: take what others changed, then review.
    fn on_checked(&mut self, result: Result<Contact, ApiError>) -> Vec<Effect> {
        let theirs = match result {
            Ok(c) => c,
            Err(e) => {
                self.status = Status::CheckFailed(e);
                return Vec::new();
            }
        };
        let Some(form) = &mut self.form else {
            return Vec::new();
        };
        let merge = form.merge_remote(&theirs);
        for f in &merge.taken {
            if !self.taken_meanwhile.contains(f) {
                self.taken_meanwhile.push(*f);
            }
        }
        self.record = Some(theirs);
        let conflict_fields: Vec<Field> = merge.conflicts.iter().map(|c| c.field).collect();
        self.status = if merge.taken.is_empty() && merge.conflicts.is_empty() {
            Status::Loaded
        } else {
            Status::Merged {
                taken: merge.taken,
                conflicts: conflict_fields,
            }
        };
        match form.plan_avoiding(&self.cleaned) {
            Ok(plan) => {
                let skip_review = !self.options.confirm_before_save && merge.conflicts.is_empty();
                self.overlay = Some(Overlay::Review {
                    plan: Box::new(plan),
                    conflicts: merge.conflicts,
                });
                if skip_review {
                    // Just checked: no second look needed.
                    if let Some(Overlay::Review { plan, .. }) = self.overlay.take() {
                        return self.send_now(*plan);
                    }
                }
            }
            Err(PlanError::NothingChanged) => {
                self.status = Status::Info(
                    "Nothing left to send: the server already has these values.".into(),
                );
            }
            Err(e) => self.status = Status::Blocked(e),
        }
        Vec::new()
    }

    fn on_saved(&mut self, result: Result<Contact, ApiError>, sent: Box<Sent>) -> Vec<Effect> {
        match result {
            Ok(contact) => self.accept_saved(contact, &sent.values),
            // The request may have reached the server (no answer, or an answer that could
            // not be read): never re-send blindly, find out.
            Err(e @ (ApiError::Timeout { .. } | ApiError::Decode { .. })) => {
                self.start_verify(sent, e.headline())
            }
            Err(e) => {
                if let ApiError::Http {
                    status: 422,
                    body:
                        crate::api::ErrorBody::Standard {
                            message, errors, ..
                        },
                    ..
                } = &e
                {
                    self.server_problems = errors
                        .iter()
                        .chain(message)
                        .filter_map(|m| crate::form::field_named_in(m).map(|f| (f, m.clone())))
                        .collect();
                }
                self.status = Status::SaveFailed(e);
                Vec::new()
            }
        }
    }

    fn accept_saved(&mut self, contact: Contact, sent_values: &[String; 8]) -> Vec<Effect> {
        let changed = match &self.record {
            Some(old) => Field::ALL
                .into_iter()
                .filter(|f| f.of(old) != f.of(&contact))
                .collect(),
            None => Vec::new(),
        };
        if let Some(form) = &mut self.form {
            form.rebase(&contact, Some(sent_values));
        }
        // Undo stops at a save: stepping back past it would resurrect sent values.
        self.history.clear();
        let id = contact.id;
        crate::recent::push(&mut self.recent, crate::recent::Summary::from(&contact));
        self.record = Some(contact);
        self.status = Status::Saved {
            changed,
            taken: std::mem::take(&mut self.taken_meanwhile),
        };
        vec![
            Effect::DeleteDraft { id },
            Effect::SaveRecent(self.recent.clone()),
        ]
    }

    /// `why`: what made the outcome unknown, for the status pane.
    fn start_verify(&mut self, sent: Box<Sent>, why: String) -> Vec<Effect> {
        self.status = Status::Verifying(why.clone());
        self.start_read(Pending::Verify(sent, why))
    }

    /// After an uncertain save: the change landed when every sent field holds what was
    /// sent (phones and e-mails compared as the server may have normalised them).
    fn on_verified(
        &mut self,
        result: Result<Contact, ApiError>,
        sent: &Sent,
        why: String,
    ) -> Vec<Effect> {
        match result {
            Ok(server) => {
                if patch_landed(&sent.patch, &server) {
                    let effects = self.accept_saved(server, &sent.values);
                    self.status = Status::Verified { landed: true, why };
                    effects
                } else {
                    self.status = Status::Verified { landed: false, why };
                    Vec::new()
                }
            }
            Err(e) => {
                self.status = Status::CheckFailed(e);
                Vec::new()
            }
        }
    }

    /// Esc while a request is in flight: abandon it. An abandoned save may still have
    /// reached the server, so its outcome is checked with a read.
    pub(super) fn cancel_in_flight(&mut self) -> Vec<Effect> {
        let Some(InFlight { generation, what }) = self.in_flight.take() else {
            return Vec::new();
        };
        self.retry = None;
        let mut effects = vec![Effect::Cancel { generation }];
        match what {
            Pending::Load => self.status = Status::Cancelled("Loading cancelled"),
            Pending::Check | Pending::Confirm(_) => {
                self.status = Status::Cancelled("Cancelled before sending: nothing was sent")
            }
            Pending::Find(_) | Pending::Open(_) => {
                self.status = Status::Cancelled("Lookup cancelled")
            }
            Pending::Verify(..) => {
                self.status = Status::Cancelled(
                    "Check cancelled: whether the save landed is unknown; Ctrl-R shows what the server has",
                )
            }
            Pending::Save(sent) => {
                effects.extend(self.start_verify(sent, "you cancelled it".into()))
            }
        }
        effects
    }

    pub(super) fn request_quit(&mut self) -> Vec<Effect> {
        if self.has_unsaved_changes() {
            self.overlay = Some(Overlay::ConfirmQuit);
            Vec::new()
        } else {
            self.quit()
        }
    }

    pub(super) fn quit(&mut self) -> Vec<Effect> {
        self.quitting = true;
        vec![Effect::Quit]
    }

    pub(super) fn request_reload(&mut self) -> Vec<Effect> {
        if self.has_unsaved_changes() {
            self.overlay = Some(Overlay::ConfirmReload);
            Vec::new()
        } else if self.record.is_none() && !matches!(self.target, Target::Id(_)) {
            // Nothing was found yet: "again" means the same lookup.
            self.start_find(self.target.clone())
        } else {
            self.start_load()
        }
    }

    /// `r` over a conflict: the conflicting fields take the server's values (the form is
    /// already based on the fresh record); every other edit stays.
    pub(super) fn take_theirs(&mut self, conflicts: &[crate::form::Conflict]) {
        let Some(form) = &mut self.form else { return };
        for c in conflicts {
            self.history
                .record(c.field, form.input(c.field).clone(), false);
            form.revert(c.field);
        }
        let names: Vec<&str> = conflicts.iter().map(|c| c.field.label()).collect();
        let rest = if form.is_any_dirty() {
            "; your other edits are still here."
        } else {
            "; nothing of yours is left to send."
        };
        self.status = Status::Info(format!("Took their {}{rest}", names.join(", ")));
    }

    /// The edits are dropped when the fresh record arrives, not before: a failed or
    /// cancelled reload leaves them in place.
    pub(super) fn reload_discarding(&mut self) -> Vec<Effect> {
        self.overlay = None;
        let mut effects = self.discard_draft();
        effects.extend(self.start_load());
        effects
    }

    /// The user threw the edits away: a draft of them must not come back.
    pub(super) fn discard_draft(&self) -> Vec<Effect> {
        if self.has_unsaved_changes() {
            vec![Effect::DeleteDraft {
                id: self.contact_id,
            }]
        } else {
            Vec::new()
        }
    }

    /// Ctrl-S: refuse what the client can see is wrong, else re-read the contact so the
    /// review is against what the server holds now.
    pub(super) fn open_review(&mut self) -> Vec<Effect> {
        let Some(form) = &self.form else {
            return Vec::new();
        };
        if self.is_busy() {
            self.status =
                Status::Info("Wait for the current request to finish (Esc cancels it).".into());
            return Vec::new();
        }
        if let Err(e) = form.plan() {
            self.status = Status::Blocked(e);
            return Vec::new();
        }
        self.status = Status::Checking;
        self.start_read(Pending::Check)
    }

    /// Enter/y (or `o` over a conflict): one more read, and the save goes out only if
    /// nobody changed the contact while the review was open.
    pub(super) fn send_reviewed(&mut self) -> Vec<Effect> {
        let Some(Overlay::Review { plan, .. }) = self.overlay.take() else {
            return Vec::new();
        };
        self.status = Status::Checking;
        self.start_read(Pending::Confirm(plan))
    }

    fn on_confirmed(&mut self, result: Result<Contact, ApiError>, plan: Plan) -> Vec<Effect> {
        match result {
            Ok(theirs) if self.record.as_ref().is_some_and(|r| *r == theirs) => self.send_now(plan),
            // Changed again: merge once more and show the review afresh (it names what
            // was taken over).
            Ok(theirs) => {
                let effects = self.on_checked(Ok(theirs));
                if let Status::Loaded = self.status {
                    self.status = Status::Info(
                        "The contact changed on the server while you were reviewing (not in \
                         these fields): check the review again."
                            .into(),
                    );
                }
                effects
            }
            Err(e) => {
                self.status = Status::CheckFailed(e);
                Vec::new()
            }
        }
    }

    fn send_now(&mut self, plan: Plan) -> Vec<Effect> {
        let Some(form) = &self.form else {
            return Vec::new();
        };
        let sent = Box::new(Sent {
            values: form.values(),
            patch: plan.patch.clone(),
        });
        let generation = self.begin(Pending::Save(sent));
        self.server_problems.clear();
        self.status = Status::Saving;
        vec![Effect::Save {
            generation,
            id: self.contact_id,
            patch: plan.patch,
        }]
    }

    /// Puts a draft's edits back over the current record; fields the server changed
    /// since the draft was written, to something else, are conflicts.
    pub(super) fn restore_draft(&mut self, draft: &Draft) {
        let Some(current) = self.record.clone() else {
            return;
        };
        let mut form = Form::new(&draft.loaded, self.options.region);
        for f in Field::ALL {
            if let Some(v) = draft.values.get(f.api_name()) {
                form.set_value(f, v.clone());
            }
        }
        let merge = form.merge_remote(&current);
        self.history.clear();
        // Each restored field is a step Ctrl-Z can take back.
        if let Some(before) = &self.form {
            for f in Field::ALL {
                if before.value(f) != form.value(f) {
                    self.history.record(f, before.input(f).clone(), false);
                }
            }
        }
        self.form = Some(form);
        self.status = Status::Restored {
            conflicts: merge.conflicts.iter().map(|c| c.field).collect(),
        };
    }
}

fn patch_landed(patch: &ContactPatch, server: &Contact) -> bool {
    Field::ALL.into_iter().all(|f| match f.in_patch(patch) {
        None => true,
        // E-mail addresses may come back lower-cased; everything else must match exactly.
        Some(sent) if matches!(f, Field::Email | Field::Owner) => {
            sent.eq_ignore_ascii_case(f.of(server))
        }
        Some(sent) => sent == f.of(server),
    })
}
