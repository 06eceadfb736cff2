//! Merging in the editor: the contacts marked in the picker (or a group of look-alikes)
//! are read fresh and shown side by side; once the user has chosen and typed the number
//! of contacts to delete, they are read once more (a colleague's change since is never
//! overwritten or deleted unseen), then the survivor's PUT goes out and, only when the
//! server holds all of it, each DELETE, one after another. Every step is judged by the
//! protocol as the command line's `merge` is, and journalled under one batch.

use super::many::WriteEnd;
use super::requests::Pending;
use super::{App, Effect, Overlay, Status};
use crate::api::{ApiError, Contact};
use crate::dialogs::merge::MergeView;
use crate::protocol::merge::MergePlan;
use crate::protocol::{Settled, Verdict, delete};

/// One delete of a merge, ended.
#[derive(Debug, Clone)]
pub struct OneDeleted {
    pub generation: u64,
    pub id: u64,
    /// The merge's batch (the runtime makes it when no save went before).
    pub batch: String,
    pub end: WriteEnd<()>,
}

/// What became of one contact a merge was to delete.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Removed {
    /// Deleted; `read_back`: its answer was lost and a read found it gone.
    Deleted { read_back: bool },
    /// Its answer was lost and a read found it still there: not deleted, not sent again.
    StillThere,
    /// Refused, or never sent (the save before it did not store everything).
    Failed(ApiError),
    /// Its answer was lost and the read after failed too: unknown, and not sent again.
    Unknown(ApiError),
}

impl App {
    /// The picker's merge key: the contacts are read fresh, then shown side by side.
    pub(super) fn open_merge(&mut self, ids: Vec<u64>) -> Vec<Effect> {
        self.dialogs.close();
        if self.has_unsaved_changes() || self.is_saving() {
            self.status = Status::ManyBlocked;
            return Vec::new();
        }
        self.requests
            .start(0, Pending::OpenMerge(ids.clone()), |generation| {
                Effect::LoadMany { generation, ids }
            })
    }

    /// The contacts of a merge, read: to be shown, or (`check`) compared with what the
    /// view showed before anything is sent.
    pub(super) fn on_merge_read(
        &mut self,
        check: Option<Box<MergeView>>,
        contacts: Vec<Contact>,
    ) -> Vec<Effect> {
        match check {
            None => {
                let view = MergeView::new(contacts, self.options.region);
                self.dialogs.show(Overlay::Merge(Box::new(view)));
                Vec::new()
            }
            Some(view) if view.contacts == contacts => match view.plan {
                Ok(plan) => self.send_merge(plan),
                Err(_) => Vec::new(),
            },
            Some(view) => {
                let again = view.read_again(contacts);
                self.dialogs.show(Overlay::Merge(Box::new(again)));
                Vec::new()
            }
        }
    }

    /// The number typed and Enter: one last look at the server first.
    pub(super) fn confirm_merge(&mut self) -> Vec<Effect> {
        let Some(Overlay::Merge(view)) = self.dialogs.close() else {
            return Vec::new();
        };
        if self.is_busy() {
            self.status = Status::Busy;
            self.dialogs.show(Overlay::Merge(view));
            return Vec::new();
        }
        let ids = view.ids();
        self.requests
            .start(0, Pending::CheckMerge(view), |generation| {
                Effect::LoadMany { generation, ids }
            })
    }

    /// The survivor's save (when it needs one), else straight to the deletes.
    fn send_merge(&mut self, plan: MergePlan) -> Vec<Effect> {
        let Some(save) = &plan.save else {
            let survivor = plan.keep.clone();
            return self.delete_merged(plan, survivor, None);
        };
        let saves = vec![(plan.keep.id, save.patch.clone())];
        let id = plan.keep.id;
        self.requests
            .start(id, Pending::MergeSave(Box::new(plan)), |generation| {
                Effect::SaveMany { generation, saves }
            })
    }

    /// The survivor's save ended: judged as every save is; the deletes follow only when
    /// the server holds every value sent.
    pub(super) fn on_merge_saved(
        &mut self,
        plan: MergePlan,
        batch: String,
        end: WriteEnd,
    ) -> Vec<Effect> {
        let Some(save) = &plan.save else {
            return Vec::new();
        };
        let (contact, settled) = match end {
            WriteEnd::Answered(contact) => {
                let settled = Settled::after_answer(&save.patch, &plan.keep, &contact);
                (contact, settled)
            }
            WriteEnd::Reread {
                result: Ok(contact),
                ..
            } => {
                let settled = Settled::after_reread(&save.patch, &plan.keep, &contact);
                (contact, settled)
            }
            WriteEnd::Reread { result: Err(e), .. } | WriteEnd::Failed(e) => {
                self.status = Status::MergeStopped {
                    keep: plan.keep.id,
                    error: Some(e),
                    not_stored: Vec::new(),
                };
                return Vec::new();
            }
        };
        let mut effects = Vec::new();
        if let Some(entry) = settled.journal(&save.patch, &plan.keep, &contact) {
            effects.push(Effect::Journal(Box::new(entry.in_batch(Some(&batch)))));
        }
        effects.extend(self.index_changed(&contact));
        if settled.verdict != Verdict::Stored {
            self.status = Status::MergeStopped {
                keep: plan.keep.id,
                error: None,
                not_stored: settled.not_stored_fields(),
            };
            return effects;
        }
        effects.extend(self.delete_merged(plan, contact, Some(batch)));
        effects
    }

    /// Each contact merged into the survivor (as the server now holds it) is deleted,
    /// one after another.
    fn delete_merged(
        &mut self,
        plan: MergePlan,
        survivor: Contact,
        batch: Option<String>,
    ) -> Vec<Effect> {
        let ids: Vec<u64> = plan.deletes.iter().map(|c| c.id).collect();
        let what = Pending::MergeDeletes {
            plan: Box::new(plan),
            survivor: Box::new(survivor),
            done: Vec::new(),
        };
        self.requests
            .start(0, what, |generation| Effect::DeleteMany {
                generation,
                ids,
                batch,
            })
    }

    /// One delete ended: judged by the protocol (a lost answer was read back, never
    /// sent again); a contact gone is journalled with its whole record and leaves the
    /// index.
    pub(super) fn on_deleted_one(&mut self, one: OneDeleted) -> Vec<Effect> {
        let OneDeleted {
            generation,
            id,
            batch,
            end,
        } = one;
        let Some(Pending::MergeDeletes { plan, done, .. }) = self.requests.awaited_mut(generation)
        else {
            return Vec::new();
        };
        let Some(gone) = plan.deletes.iter().find(|c| c.id == id) else {
            return Vec::new();
        };
        let removed = match end {
            WriteEnd::Answered(()) => Removed::Deleted { read_back: false },
            WriteEnd::Reread { lost, result } => match delete::after_reread(id, &result) {
                Some(delete::Verdict::StillThere) => Removed::StillThere,
                Some(_) => Removed::Deleted { read_back: true },
                None => Removed::Unknown(result.err().unwrap_or(lost)),
            },
            WriteEnd::Failed(e) => Removed::Failed(e),
        };
        let mut effects = Vec::new();
        let deleted = matches!(removed, Removed::Deleted { .. });
        if deleted {
            let entry = plan.deleted_entry(gone, &batch);
            effects.push(Effect::Journal(Box::new(entry)));
        }
        done.push((id, removed));
        let finished = done.len() == plan.deletes.len();
        if deleted {
            effects.extend(self.index_dropped(id));
        }
        if finished
            && let Some(Pending::MergeDeletes {
                plan,
                survivor,
                done,
            }) = self.requests.take_awaited(generation)
        {
            effects.extend(self.merge_ended(&plan, *survivor, done, batch));
        }
        effects
    }

    /// Every delete has ended: the survivor opens in the form, as the server holds it.
    fn merge_ended(
        &mut self,
        plan: &MergePlan,
        survivor: Contact,
        removed: Vec<(u64, Removed)>,
        batch: String,
    ) -> Vec<Effect> {
        let keep = plan.keep.id;
        let effects = if self.has_unsaved_changes() {
            Vec::new()
        } else {
            self.take_contact(survivor)
        };
        self.status = Status::MergeEnded {
            keep,
            removed,
            batch,
        };
        effects
    }
}
