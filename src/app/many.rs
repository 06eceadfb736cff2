//! Several contacts changed together: the contacts marked in the picker are read fresh
//! and an empty form titled "N contacts" opens; only the fields typed are changed. Ctrl-S
//! reads them all again and reviews each (old → new per field, "already so", and a
//! conflict where a colleague changed a typed field since they were read); Enter sends
//! the PUTs, several at once, each judged by the protocol as a single save is.

use super::requests::{OneSave, Pending, Sent};
use super::{App, Editing, Effect, Overlay, Status};
use crate::api::{ApiError, Contact};
use crate::dialogs::many::{Change, Item, ManyReview};
use crate::form::Field;
use crate::form::many::plan_one;
use crate::protocol::{Settled, Verdict};

/// The contacts being changed together.
#[derive(Debug, Clone)]
pub struct Many {
    /// As read when they were opened together, in the order they were marked.
    pub read: Vec<Contact>,
}

/// How one contact's write ended, as the runtime found it following the protocol.
// It travels boxed in its message, once per write: the size of a variant costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum WriteEnd<T = Contact> {
    /// The server's answer, with what it carried (the record stored, for a save).
    Answered(T),
    /// No usable answer (`lost`): the contact read back instead, or why it could not be.
    Reread {
        lost: ApiError,
        result: Result<Contact, ApiError>,
    },
    /// Not sent, or refused: nothing changed.
    Failed(ApiError),
}

/// One write of several, ended.
#[derive(Debug, Clone)]
pub struct OneSaved {
    pub generation: u64,
    pub id: u64,
    /// Names the send, for the journal (the runtime makes it: the core makes no ids).
    pub batch: String,
    pub end: WriteEnd,
}

impl App {
    pub fn is_many(&self) -> bool {
        self.editing.as_ref().is_some_and(|e| e.many.is_some())
    }

    /// Enter in the picker with contacts marked.
    pub(super) fn open_many(&mut self, ids: Vec<u64>) -> Vec<Effect> {
        self.dialogs.close();
        if self.has_unsaved_changes() || self.is_saving() {
            self.status = Status::ManyBlocked;
            return Vec::new();
        }
        self.requests
            .start(0, Pending::OpenMany(ids.clone()), |generation| {
                Effect::LoadMany { generation, ids }
            })
    }

    pub(super) fn on_loaded_many(
        &mut self,
        generation: u64,
        result: Result<Vec<Contact>, ApiError>,
    ) -> Vec<Effect> {
        let Some(what) = self.requests.take_many(generation) else {
            return Vec::new();
        };
        let contacts = match result {
            Ok(contacts) => contacts,
            Err(e) => {
                self.status = Status::LoadFailed(e);
                return Vec::new();
            }
        };
        match what {
            Pending::OpenMany(_) => {
                let mut editing = Editing::new(Contact::default(), Vec::new(), self.options.region);
                editing.many = Some(Box::new(Many { read: contacts }));
                self.contact_id = 0;
                self.editing = Some(editing);
                self.status = Status::ManyOpen;
                Vec::new()
            }
            Pending::CheckMany => self.review_many(contacts),
            Pending::CheckBatch { batch, entries } => {
                self.review_take_back(batch, &entries, contacts)
            }
            Pending::OpenMerge(_) => self.on_merge_read(None, contacts),
            Pending::CheckMerge(view) => self.on_merge_read(Some(view), contacts),
            _ => Vec::new(),
        }
    }

    /// Ctrl-S over several contacts: read them all again first.
    pub(super) fn check_many(&mut self) -> Vec<Effect> {
        let Some(many) = self.editing.as_ref().and_then(|e| e.many.as_ref()) else {
            return Vec::new();
        };
        if self.typed_values().is_empty() {
            self.status = Status::Blocked(crate::form::PlanError::NothingChanged);
            return Vec::new();
        }
        let ids = many.read.iter().map(|c| c.id).collect();
        self.requests
            .start(0, Pending::CheckMany, |generation| Effect::LoadMany {
                generation,
                ids,
            })
    }

    /// The fields typed into the form, with their values.
    fn typed_values(&self) -> Vec<(Field, String)> {
        self.form().map_or_else(Vec::new, |form| {
            form.dirty_fields()
                .into_iter()
                .map(|f| (f, form.value(f).to_string()))
                .collect()
        })
    }

    fn review_many(&mut self, now: Vec<Contact>) -> Vec<Effect> {
        let typed = self.typed_values();
        let Some(many) = self.editing.as_ref().and_then(|e| e.many.as_ref()) else {
            return Vec::new();
        };
        let items = many
            .read
            .iter()
            .filter_map(|then| {
                let now = now.iter().find(|c| c.id == then.id)?;
                Some(Item {
                    then: then.clone(),
                    one: plan_one(&typed, then, now, self.options.region),
                })
            })
            .collect();
        self.dialogs.show(Overlay::Many(Box::new(ManyReview::new(
            Change::Typed(typed),
            items,
        ))));
        Vec::new()
    }

    /// Says `status` in the status pane; nothing more happens.
    fn say(&mut self, status: Status) -> Vec<Effect> {
        self.status = status;
        Vec::new()
    }

    /// F3's `b`: every save of the batch taken back, reviewed first like a change to
    /// several contacts. Its entries are read from the journal.
    pub(super) fn take_back_batch(&mut self, batch: String) -> Vec<Effect> {
        self.dialogs.close();
        if self.is_busy() {
            self.status = Status::Busy;
            return Vec::new();
        }
        vec![Effect::ReadBatch { batch }]
    }

    pub(super) fn on_batch_read(
        &mut self,
        batch: String,
        result: Result<Vec<crate::journal::Entry>, String>,
    ) -> Vec<Effect> {
        let entries = match result {
            Ok(entries) => entries,
            Err(reason) => return self.say(Status::JournalUnreadable(reason)),
        };
        // A merge's deletes are made again, under new ids, by the command line; a create
        // cannot be taken back.
        if entries.is_empty() {
            let reason = format!("the journal holds no entry of batch {batch}");
            return self.say(Status::JournalUnreadable(reason));
        }
        if entries.iter().any(|e| e.kind != "save") {
            return self.say(Status::BatchNeedsCommand(batch));
        }
        let mut ids: Vec<u64> = entries.iter().map(|e| e.contact_id).collect();
        ids.sort_unstable();
        ids.dedup();
        self.requests
            .start(0, Pending::CheckBatch { batch, entries }, |generation| {
                Effect::LoadMany { generation, ids }
            })
    }

    /// Each save of the batch against its contact as it is now (`protocol::revert`, the
    /// rules of F3's `u`): a field changed since by someone else is a conflict, not sent.
    fn review_take_back(
        &mut self,
        batch: String,
        entries: &[crate::journal::Entry],
        now: Vec<Contact>,
    ) -> Vec<Effect> {
        let mut seen = Vec::new();
        let items = crate::protocol::revert::order(entries)
            .into_iter()
            .filter_map(|entry| {
                // The newest save of a contact in the batch is the one taken back.
                if seen.contains(&entry.contact_id) {
                    return None;
                }
                seen.push(entry.contact_id);
                let now = now.iter().find(|c| c.id == entry.contact_id)?;
                let back = crate::protocol::revert::take_back(entry, now, self.options.region);
                let conflicts = back
                    .conflicts
                    .iter()
                    .map(|c| (c.field, c.yours.clone(), c.theirs.clone()))
                    .collect();
                let (plan, refused) = match back.plan {
                    Ok(plan) => (Some(plan), None),
                    Err(crate::form::PlanError::NothingChanged) => (None, None),
                    Err(e) => (None, Some(e)),
                };
                Some(Item {
                    then: back.now.clone(),
                    one: crate::form::many::OneOfMany {
                        now: back.now,
                        plan,
                        already: Vec::new(),
                        conflicts,
                        refused,
                    },
                })
            })
            .collect();
        self.dialogs.show(Overlay::Many(Box::new(ManyReview::new(
            Change::TakeBack { batch },
            items,
        ))));
        Vec::new()
    }

    /// Enter in the review: every contact with something to send gets its PUT.
    pub(super) fn send_many(&mut self) -> Vec<Effect> {
        let Some(Overlay::Many(review)) = self.dialogs.close() else {
            return Vec::new();
        };
        let saves: Vec<OneSave> = review
            .items
            .into_iter()
            .filter_map(|item| {
                Some(OneSave {
                    plan: item.one.plan?,
                    before: item.one.now,
                })
            })
            .collect();
        if saves.is_empty() {
            self.status = Status::NothingLeft;
            return Vec::new();
        }
        let bodies = saves
            .iter()
            .map(|s| (s.before.id, s.plan.patch.clone()))
            .collect();
        let (generation, mut effects) = self.requests.begin(
            0,
            Pending::SaveMany {
                saves,
                done: Vec::new(),
            },
        );
        effects.push(Effect::SaveMany {
            generation,
            saves: bodies,
        });
        effects
    }

    /// One contact's write ended: judged as a single save is, journalled under the
    /// send's batch.
    pub(super) fn on_saved_one(&mut self, one: OneSaved) -> Vec<Effect> {
        let OneSaved {
            generation,
            id,
            batch,
            end,
        } = one;
        if let Some(Pending::MergeSave(_)) = self.requests.awaited_mut(generation)
            && let Some(Pending::MergeSave(plan)) = self.requests.take_awaited(generation)
        {
            return self.on_merge_saved(*plan, batch, end);
        }
        let Some(Pending::SaveMany { saves, done }) = self.requests.awaited_mut(generation) else {
            return Vec::new();
        };
        let Some(save) = saves.iter().find(|s| s.before.id == id) else {
            return Vec::new();
        };
        let patch = &save.plan.patch;
        let (sent, stored) = match end {
            WriteEnd::Answered(contact) => {
                let settled = Settled::after_answer(patch, &save.before, &contact);
                (verdict(&settled), Some((contact, settled)))
            }
            WriteEnd::Reread {
                result: Ok(contact),
                ..
            } => {
                let settled = Settled::after_reread(patch, &save.before, &contact);
                (verdict(&settled), Some((contact, settled)))
            }
            WriteEnd::Reread { result: Err(e), .. } | WriteEnd::Failed(e) => {
                (Sent::Failed(e), None)
            }
        };
        let mut effects = Vec::new();
        if let Some((contact, settled)) = &stored
            && let Some(entry) = settled.journal(patch, &save.before, contact)
        {
            effects.push(Effect::Journal(Box::new(entry.in_batch(Some(&batch)))));
        }
        done.push((id, sent));
        let finished = done.len() == saves.len();
        if let Some((contact, _)) = stored {
            effects.extend(self.index_changed(&contact));
            // The contact open in the form (a batch taken back from its history) shows
            // what it now holds, unless the user has edits in it.
            if let Some(editing) = self
                .editing
                .as_mut()
                .filter(|e| e.many.is_none() && e.record.id == contact.id)
                .filter(|e| !e.form.is_any_dirty())
            {
                editing.form = crate::form::Form::new(&contact, self.options.region);
                editing.record = contact;
            }
        }
        if finished
            && let Some(Pending::SaveMany { done, .. }) = self.requests.take_awaited(generation)
        {
            // All stored: the form starts empty again; otherwise what was typed stays,
            // for another review (what is already so is then said so, not sent).
            if done.iter().all(|(_, s)| *s == Sent::Stored)
                && let Some(editing) = self.editing.as_mut().filter(|e| e.many.is_some())
            {
                editing.form = crate::form::Form::new(&editing.record, self.options.region);
            }
            self.status = Status::SentMany { done, batch };
        }
        effects
    }
}

fn verdict(settled: &Settled) -> Sent {
    match settled.verdict {
        Verdict::Stored => Sent::Stored,
        Verdict::Partial => Sent::Partial(settled.not_stored_fields()),
        Verdict::NotStored => Sent::NotStored,
    }
}
