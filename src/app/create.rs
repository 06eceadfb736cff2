//! A contact that does not exist yet, top to bottom:
//!
//! 1. Ctrl-N opens an empty form (prefilled with the e-mail or phone a lookup just
//!    failed to find), and offers back a new contact's draft from an earlier session.
//! 2. Ctrl-S refuses what the client can see is wrong, then looks the e-mail and phone up
//!    ([`App::on_duplicates`]): a match is named in the review, and creating anyway needs
//!    its own key.
//! 3. The `POST` ([`App::on_created`]): 201 switches to the new contact; a refusal keeps
//!    the form; an answer that never came is checked with the same lookup, never re-sent.
//!
//! The journal of what each save changed is here too: F3 lists this contact's saves made
//! from this machine, and `u` puts the values from before one back as ordinary edits.

use super::requests::Pending;
use super::{App, Editing, Effect, Overlay, Status};
use crate::api::{ApiError, Contact};
use crate::dialogs::create::CreateReview;
use crate::dialogs::history::History;
use crate::form::{Field, Form, Plan};
use crate::journal::Entry;
use crate::protocol::{Keys, created_among};
use crate::target::Target;

impl App {
    /// Step 1: Ctrl-N.
    pub(super) fn new_contact(&mut self) -> Vec<Effect> {
        if self.is_busy() {
            self.status = Status::NewBlocked;
            return Vec::new();
        }
        if self.has_unsaved_changes() {
            self.dialogs
                .show(Overlay::Confirm(crate::dialogs::confirm::Confirm::New));
            return Vec::new();
        }
        self.open_blank()
    }

    /// The empty form, replacing the open contact.
    pub(super) fn open_blank(&mut self) -> Vec<Effect> {
        let mut editing = Editing::new(Contact::default(), Vec::new(), self.options.region);
        // "No contact with e-mail …" a moment ago: that is what the new one needs.
        if let Status::NoMatch(target) = &self.status {
            match target {
                Target::Email(e) => editing.form.set_value(Field::Email, e.clone()),
                Target::Phone(p) => editing.form.set_value(Field::Phone, p.clone()),
                Target::Id(_) => {}
            }
        }
        let prefilled = editing.form.is_any_dirty();
        self.editing = Some(editing);
        self.contact_id = 0;
        self.status = Status::NewContact;
        if prefilled {
            Vec::new()
        } else {
            vec![Effect::CheckDraft { id: 0 }]
        }
    }

    /// Whether the open form is a contact that does not exist yet.
    pub fn is_new_contact(&self) -> bool {
        self.editing
            .as_ref()
            .is_some_and(|e| e.record.id == 0 && e.many.is_none())
    }

    /// Step 2: Ctrl-S on a new contact.
    pub(super) fn review_new(&mut self) -> Vec<Effect> {
        let Some(editing) = &self.editing else {
            return Vec::new();
        };
        let plan = match editing.form.create_plan() {
            Ok(plan) => plan,
            Err(e) => {
                self.status = Status::Blocked(e);
                return Vec::new();
            }
        };
        let keys = Keys::of(&plan.patch);
        if keys.is_empty() {
            // Nothing to look up: the review opens at once, under the key that asked.
            self.dialogs
                .show(Overlay::Create(CreateReview::new(plan, Vec::new())));
            return Vec::new();
        }
        self.requests
            .start(0, Pending::Duplicates(Box::new(plan)), |generation| {
                Effect::Lookup {
                    generation,
                    targets: keys.lookups(),
                }
            })
    }

    /// Step 2: the lookup's answer.
    pub(super) fn on_duplicates(
        &mut self,
        plan: Plan,
        result: Result<Vec<Contact>, ApiError>,
    ) -> Vec<Effect> {
        match result {
            Ok(found) => self.offer(Overlay::Create(CreateReview::new(plan, found))),
            Err(e) => self.status = Status::CheckFailed(e),
        }
        Vec::new()
    }

    /// Step 3: the `POST`.
    pub(super) fn send_create(&mut self) -> Vec<Effect> {
        let Some(Overlay::Create(review)) = self.dialogs.close() else {
            return Vec::new();
        };
        self.post(*review.plan, review.found, false)
    }

    /// Step 3: the `POST`; `resent`: the one repeat after a pause the server asked for.
    /// The new contact's draft is settled as it goes out: from here on, whether the
    /// contact exists is found out by looking it up, never by posting a draft again.
    pub(super) fn post(&mut self, plan: Plan, existing: Vec<Contact>, resent: bool) -> Vec<Effect> {
        if let Some(editing) = &mut self.editing {
            editing.server_problems.clear();
        }
        let patch = plan.patch.clone();
        let what = Pending::Create {
            plan: Box::new(plan),
            existing,
            resent,
        };
        let (generation, mut effects) = self.requests.begin(0, what);
        effects.push(Effect::DeleteDraft { id: 0 });
        effects.push(Effect::Create { generation, patch });
        effects
    }

    /// Step 3: the answer.
    pub(super) fn on_created(
        &mut self,
        result: Result<Contact, ApiError>,
        plan: Plan,
        existing: Vec<Contact>,
        resent: bool,
    ) -> Vec<Effect> {
        let e = match result {
            Ok(created) => return self.adopt_created(created, &plan, false),
            Err(e) => e,
        };
        self.write_failed(
            e,
            resent,
            (plan, existing),
            |(plan, existing)| Pending::PauseCreate {
                plan: Box::new(plan),
                existing,
            },
            |app, (plan, existing), why| app.verify_create(plan, existing, why),
        )
    }

    /// A create whose outcome is unknown (no usable answer, or cancelled on its way):
    /// looked up by what was sent, never posted again.
    pub(super) fn verify_create(
        &mut self,
        plan: Plan,
        existing: Vec<Contact>,
        why: String,
    ) -> Vec<Effect> {
        let keys = Keys::of(&plan.patch);
        if keys.is_empty() {
            self.status = Status::NotCreated {
                why: format!("{why}; with no e-mail or phone it cannot be looked up"),
                as_of: None,
            };
            return Vec::new();
        }
        let what = Pending::VerifyCreate {
            plan: Box::new(plan),
            existing,
            why,
        };
        self.requests.start(0, what, |generation| Effect::Lookup {
            generation,
            targets: keys.lookups(),
        })
    }

    /// Step 3: after a lost answer, the lookup. A new contact holding what was sent is
    /// the one created; nothing found means it was not (as of now), and nothing is
    /// re-sent.
    pub(super) fn on_create_verified(
        &mut self,
        plan: Plan,
        existing: &[Contact],
        why: String,
        result: Result<Vec<Contact>, ApiError>,
    ) -> Vec<Effect> {
        match result {
            Ok(found) => match created_among(&plan.patch, existing, &found) {
                Some(made) => self.adopt_created(made.clone(), &plan, true),
                None => {
                    self.status = Status::NotCreated {
                        why,
                        as_of: self.requests.clock.clone(),
                    };
                    Vec::new()
                }
            },
            Err(e) => {
                self.status = Status::CheckFailed(e);
                Vec::new()
            }
        }
    }

    /// The new contact becomes the open one. Typing done while the create was out is
    /// kept: each field whose text moved on since the POST is an edit over the new
    /// contact.
    fn adopt_created(&mut self, created: Contact, plan: &Plan, verified: bool) -> Vec<Effect> {
        let (created, cleaned) = crate::form::clean_record(&created);
        let id = created.id;
        let entry = Entry::of_create("", "", &plan.patch, &created);
        let typed: Vec<(Field, String)> = self
            .form()
            .map(|form| {
                Field::ALL
                    .into_iter()
                    .filter(|f| form.value(*f) != plan.values[f.index()])
                    .map(|f| (f, form.value(f).to_string()))
                    .collect()
            })
            .unwrap_or_default();
        self.cleaned_now = cleaned;
        let mut effects = vec![Effect::DeleteDraft { id: 0 }];
        effects.extend(self.index_changed(&created));
        effects.extend(self.take_contact(created));
        if let Some(editing) = &mut self.editing {
            for (f, value) in typed {
                editing.form.set_value(f, value);
            }
        }
        self.status = Status::Created { id, verified };
        effects.push(Effect::Journal(Box::new(entry)));
        effects
    }

    /// F3.
    pub(super) fn open_history(&mut self) -> Vec<Effect> {
        if self.editing.is_none() || self.is_new_contact() {
            return Vec::new();
        }
        vec![Effect::LoadHistory {
            id: self.contact_id,
        }]
    }

    pub(super) fn on_history(&mut self, id: u64, entries: Vec<Entry>, skipped: usize) {
        if id == self.contact_id && !self.dialogs.is_open() {
            self.dialogs.show(Overlay::History(History {
                entries,
                selected: 0,
                skipped,
            }));
        }
    }

    /// `u` on a history entry: the values from before that save go back into the form as
    /// edits (one undo step each). A field a colleague changed after that save is a
    /// conflict: taking the save back must not silently undo their change too.
    pub(super) fn put_back(&mut self, entry: &Entry) {
        self.dialogs.close();
        let Some(editing) = &mut self.editing else {
            return;
        };
        let mut form: Form = editing.form.clone();
        let mut fields = Vec::new();
        for change in &entry.fields {
            let Some(f) = Entry::field_of(change) else {
                continue;
            };
            form.put_back(f, &change.before, &change.after);
            fields.push(f);
        }
        editing.replace_form(form);
        self.status = Status::PutBack {
            fields,
            at: entry.at.clone(),
        };
    }
}
