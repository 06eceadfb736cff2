//! Reading a contact in: the first load, a reload (typing during it is kept), and a
//! draft from an earlier session put back over the current record.

use super::requests::Pending;
use super::{App, Editing, Effect, Overlay, Status};
use crate::api::{ApiError, Contact};
use crate::drafts::Draft;
use crate::form::{Field, Form};

impl App {
    pub(super) fn start_load(&mut self) -> Vec<Effect> {
        let before = self.form().map(Form::values);
        self.start_read(Pending::Load { before })
    }

    pub(super) fn request_reload(&mut self) -> Vec<Effect> {
        if let Some(asked) = self.ask_before_leaving(super::Departure::Reload) {
            asked
        } else if self.editing.is_none() && !matches!(self.target, crate::target::Target::Id(_)) {
            // Nothing was found yet: "again" means the same lookup.
            self.start_find(self.target.clone())
        } else {
            self.start_load()
        }
    }

    /// The user said yes to throwing the edits away and moving on (reload, quit, open
    /// another contact, start a new one): the question closes, the dialogs waiting about
    /// the contact being left are moot, and a draft of the edits must not come back;
    /// then `next`. On a reload the edits are dropped when the fresh record arrives, not
    /// before: a failed or cancelled reload leaves them in place.
    pub(super) fn discard_then(
        &mut self,
        next: impl FnOnce(&mut App) -> Vec<Effect>,
    ) -> Vec<Effect> {
        self.dialogs.close();
        self.dialogs.forget_waiting();
        let mut effects = self.discard_draft();
        effects.extend(next(self));
        effects
    }

    /// The user threw the edits away: a draft of them must not come back.
    fn discard_draft(&self) -> Vec<Effect> {
        if self.has_unsaved_changes() {
            vec![Effect::DeleteDraft {
                id: self.contact_id,
            }]
        } else {
            Vec::new()
        }
    }

    /// A load's answer. `before`: the form's text when a reload was asked for; what was
    /// typed since is kept.
    pub(super) fn on_loaded(
        &mut self,
        result: Result<Contact, ApiError>,
        before: Option<crate::form::Values>,
    ) -> Vec<Effect> {
        let contact = match result {
            Ok(c) => c,
            // The form, if any, stays: a failed reload must not cost the user their edits.
            Err(e) => {
                self.status = Status::LoadFailed(e);
                return Vec::new();
            }
        };
        let same_contact = self.record().is_some_and(|r| r.id == contact.id);
        if same_contact
            && let (Some(before), Some(editing)) = (before, &mut self.editing)
            && Field::ALL
                .iter()
                .any(|f| editing.form.value(*f) != before[f.index()])
        {
            let (form, merge) = editing.form.reload(&contact, &before);
            let kept = form.dirty_fields();
            editing.replace_form(form);
            editing.record = contact;
            editing.cleaned = std::mem::take(&mut self.cleaned_now);
            editing.server_problems.clear();
            self.status = Status::Reloaded {
                kept,
                conflicts: merge.conflicts.iter().map(|c| c.field).collect(),
            };
            return Vec::new();
        }
        self.take_contact(contact)
    }

    /// `contact` becomes the open contact, replacing whatever was being edited.
    pub(super) fn take_contact(&mut self, contact: Contact) -> Vec<Effect> {
        let newly_opened = self.record().is_none_or(|r| r.id != contact.id);
        self.contact_id = contact.id;
        self.target = crate::target::Target::Id(contact.id);
        crate::recent::push(&mut self.recent, crate::recent::Summary::from(&contact));
        let cleaned = std::mem::take(&mut self.cleaned_now);
        let left = self
            .requests
            .left_saving
            .take()
            .filter(|id| *id != contact.id);
        self.editing = Some(Editing::new(contact, cleaned, self.options.region));
        self.status = left.map_or(Status::Loaded, Status::LeftWhileSaving);
        let mut effects = vec![Effect::SaveRecent(self.recent.clone())];
        if let Some(draft) = self.draft.take() {
            self.dialogs.show(Overlay::RestoreDraft(draft));
        } else if newly_opened {
            effects.push(Effect::CheckDraft {
                id: self.contact_id,
            });
        }
        effects
    }

    pub(super) fn on_draft_found(&mut self, id: u64, draft: Option<Box<Draft>>) {
        if id == self.contact_id
            && !self.dialogs.is_open()
            && !self.has_unsaved_changes()
            && let Some(d) = draft
        {
            self.dialogs.show(Overlay::RestoreDraft(d));
        }
    }

    /// Puts a draft's edits back over the current record; fields the server changed
    /// since the draft was written, to something else, are conflicts that stand until
    /// the user overwrites or takes theirs.
    pub(super) fn restore_draft(&mut self, draft: &Draft) {
        let Some(editing) = &mut self.editing else {
            return;
        };
        let mut form = Form::new(&draft.loaded, self.options.region);
        for f in Field::ALL {
            if let Some(v) = draft.values.get(f.api_name()) {
                form.set_value(f, v.clone());
            }
        }
        let merge = form.merge_remote(&editing.record);
        editing.forget_history();
        editing.replace_form(form);
        self.status = Status::Restored {
            conflicts: merge.conflicts.iter().map(|c| c.field).collect(),
        };
    }
}
