//! The single entry point of the core: a message in, effects out.

use super::requests::Pending;
use super::{App, Effect, Hit, Msg, Status};
use crate::api::Contact;
use crate::keymap::KeyCode;

impl App {
    pub fn update(&mut self, msg: Msg) -> Vec<Effect> {
        // New text in the status pane starts at its top; scrolling and ticks keep the place.
        let keeps_scroll = match &msg {
            Msg::Tick | Msg::Resize(..) | Msg::Scroll(_) => true,
            Msg::Key(k) => matches!(k.code, KeyCode::PageUp | KeyCode::PageDown),
            _ => false,
        };
        if !keeps_scroll {
            self.screen.status_scroll = 0;
        }
        let overlay_before = self.dialogs.open().map(std::mem::discriminant);
        let status_before = std::mem::discriminant(&self.status);
        let effects = self.dispatch(msg);
        // "Not in the journal" is about the last save: it goes when the status moves on,
        // or when another entry goes to the journal.
        if std::mem::discriminant(&self.status) != status_before
            || effects.iter().any(|e| matches!(e, Effect::Journal(_)))
        {
            self.not_journalled = None;
        }
        // A dialog that waited for another to be answered comes up now.
        self.dialogs.next();
        if self.dialogs.open().map(std::mem::discriminant) != overlay_before {
            self.screen.dialog_scroll = 0;
        }
        effects
    }

    /// Server text never reaches the form with control characters in it: what is
    /// shown, compared and sent is the same string. Notes which fields had some.
    fn clean(&mut self, raw: Contact) -> Contact {
        let (clean, cleaned) = crate::form::clean_record(&raw);
        self.cleaned_now = cleaned;
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
                self.screen.size = Some((w, h));
                Vec::new()
            }
            Msg::Tick => {
                if self.is_busy() {
                    self.screen.spinner = self.screen.spinner.wrapping_add(1);
                }
                Vec::new()
            }
            Msg::Retrying {
                generation,
                attempt,
                delay,
                reason,
            } => {
                if self.requests.awaits(generation) {
                    self.requests.retry = Some((attempt, delay, reason));
                }
                Vec::new()
            }
            Msg::Found { generation, result } => {
                let awaited = self.requests.in_flight.as_ref().is_some_and(|f| {
                    f.generation == generation && matches!(f.what, Pending::Find(_))
                });
                if !awaited {
                    return Vec::new();
                }
                let Some(f) = self.requests.in_flight.take() else {
                    return Vec::new();
                };
                self.requests.retry = None;
                let result = result.map(|c| c.map(|raw| self.clean(raw)));
                match f.what {
                    Pending::Find(target) => self.on_found(&target, result),
                    _ => Vec::new(),
                }
            }
            Msg::LookedUp { generation, result } => {
                let awaited = self.requests.in_flight.as_ref().is_some_and(|f| {
                    f.generation == generation
                        && matches!(
                            f.what,
                            Pending::Duplicates(_) | Pending::VerifyCreate { .. }
                        )
                });
                if !awaited {
                    return Vec::new();
                }
                let Some(f) = self.requests.in_flight.take() else {
                    return Vec::new();
                };
                self.requests.retry = None;
                let result = result.map(|found| {
                    found
                        .into_iter()
                        .map(|c| crate::form::clean_record(&c).0)
                        .collect()
                });
                match f.what {
                    Pending::Duplicates(plan) => self.on_duplicates(*plan, result),
                    Pending::VerifyCreate {
                        plan,
                        existing,
                        why,
                    } => self.on_create_verified(*plan, &existing, why, result),
                    _ => Vec::new(),
                }
            }
            Msg::Waited { generation } => self.on_waited(generation),
            Msg::Counted { generation, left } => {
                let awaited = self.requests.awaits(generation);
                if let Some(retry) = self.requests.retry.as_mut()
                    && awaited
                {
                    retry.1 = left;
                }
                Vec::new()
            }
            Msg::Created { generation, result } => {
                let expects = |p: &Pending| matches!(p, Pending::Create { .. });
                // A create has no id to ask about: take_answer's id check does not apply.
                match self.requests.take_answer(generation, expects, result) {
                    Some((
                        Pending::Create {
                            plan,
                            existing,
                            resent,
                        },
                        result,
                    )) => self.on_created(result, *plan, existing, resent),
                    _ => Vec::new(),
                }
            }
            Msg::History {
                id,
                entries,
                skipped,
            } => {
                self.on_history(id, entries, skipped);
                Vec::new()
            }
            Msg::HistoryUnreadable { id, reason } => {
                if id == self.contact_id && !self.dialogs.is_open() {
                    self.status = Status::JournalUnreadable(reason);
                }
                Vec::new()
            }
            Msg::NotJournalled(reason) => {
                self.not_journalled = Some(reason);
                Vec::new()
            }
            Msg::LoadedMany { generation, result } => self.on_loaded_many(generation, result),
            Msg::SavedOne(one) => self.on_saved_one(*one),
            Msg::DeletedOne(one) => self.on_deleted_one(*one),
            Msg::BatchRead { batch, result } => self.on_batch_read(batch, result),
            Msg::IndexLoaded(index) => self.on_index_loaded(index),
            Msg::IndexPage {
                generation,
                entries,
                pages,
            } => self.on_index_page(generation, entries, pages),
            Msg::IndexRead { generation, result } => {
                self.on_index_read(generation, result);
                Vec::new()
            }
            Msg::Click(Hit::Field(f)) if !self.dialogs.is_open() => {
                if let Some(editing) = &mut self.editing {
                    editing.focus_on(f);
                }
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
                let Some((what, result)) =
                    self.requests
                        .take_answer(generation, Pending::is_read, result)
                else {
                    return Vec::new();
                };
                let result = result.map(|raw| self.clean(raw));
                match what {
                    Pending::Load { before } => self.on_loaded(result, before),
                    Pending::Open(target) => self.on_opened(target, result),
                    Pending::Confirm(plan) => self.on_confirmed(result, *plan),
                    Pending::Check => self.on_checked(result),
                    Pending::Verify { plan, why, second } => {
                        self.on_verified(result, *plan, why, second)
                    }
                    // No other kind gets this far (`Pending::is_read`).
                    _ => Vec::new(),
                }
            }
            Msg::Saved { generation, result } => {
                let expects = |p: &Pending| matches!(p, Pending::Save { .. });
                match self.requests.take_answer(generation, expects, result) {
                    Some((Pending::Save { plan, resent }, result)) => {
                        let result = result.map(|raw| self.clean(raw));
                        self.on_saved(result, *plan, resent)
                    }
                    _ => Vec::new(),
                }
            }
        }
    }

    /// Esc while a request is in flight: abandon it. An abandoned save may still have
    /// reached the server, so its outcome is checked with a read.
    pub(super) fn cancel_in_flight(&mut self) -> Vec<Effect> {
        let Some(what) = self.requests.in_flight.as_ref().map(|f| f.what.clone()) else {
            return Vec::new();
        };
        let mut effects = self.requests.drop_in_flight();
        self.status = match what {
            Pending::Save { plan, .. } => {
                effects.extend(self.cancel_save(*plan));
                return effects;
            }
            // The pause before sending once more: the request has not gone out again.
            Pending::PauseSave(_) => Status::Cancelled(
                "Save cancelled during the pause: not sent again; your edits stay",
            ),
            Pending::PauseCreate { .. } => Status::Cancelled(
                "Create cancelled during the pause: not sent again; your form stays",
            ),
            Pending::Load { .. } => Status::Cancelled("Loading cancelled"),
            Pending::Check
            | Pending::Confirm(_)
            | Pending::CheckMany
            | Pending::CheckBatch { .. }
            | Pending::CheckMerge(_) => {
                Status::Cancelled("Cancelled before sending: nothing was sent")
            }
            Pending::Find(_) | Pending::Open(_) | Pending::Duplicates(_) => {
                Status::Cancelled("Lookup cancelled")
            }
            Pending::OpenMany(_) | Pending::OpenMerge(_) => {
                Status::Cancelled("Opening the marked contacts cancelled")
            }
            Pending::MergeSave(_) => Status::Cancelled(
                "Merge cancelled: nothing was deleted; whether the kept contact's save landed \
                 is unknown (F3 or a reload shows it)",
            ),
            Pending::MergeDeletes { .. } => Status::Cancelled(
                "Merge cancelled: no more contacts are deleted; those deleted are in the \
                 journal, and one on its way may or may not be gone",
            ),
            Pending::SaveMany { .. } => Status::Cancelled(
                "Sending cancelled: no more contacts are sent to; those already answered are \
                 in the journal, and one on its way may or may not have changed",
            ),
            // Abandoned on its way: whether the server created it is unknown, and it is
            // looked up rather than posted again.
            Pending::Create { plan, existing, .. } => {
                effects.extend(self.verify_create(*plan, existing, "you cancelled it".into()));
                return effects;
            }
            Pending::VerifyCreate { .. } => {
                Status::Cancelled("Check cancelled: whether the contact was created is unknown")
            }
            Pending::Verify { .. } => Status::Cancelled(
                "Check cancelled: whether the save landed is unknown; reload to see what the \
                 server has",
            ),
        };
        effects
    }

    pub(super) fn request_quit(&mut self) -> Vec<Effect> {
        self.ask_before_leaving(super::Departure::Quit)
            .unwrap_or_else(|| self.quit())
    }

    pub(super) fn quit(&mut self) -> Vec<Effect> {
        self.quitting = true;
        self.dialogs.forget_waiting();
        let mut effects = self.requests.drop_in_flight();
        effects.push(Effect::Quit);
        effects
    }
}
