//! Message handling: results from the server and the simple messages.

use super::{App, Effect, InFlight, Msg, Overlay, Pending, Status};
use crate::api::{ApiError, Contact};
use crate::form::{Field, Form};

impl App {
    /// The single entry point of the core.
    pub fn update(&mut self, msg: Msg) -> Vec<Effect> {
        match msg {
            Msg::Key(key) => self.on_key(key),
            Msg::Paste(text) => {
                self.on_paste(&text);
                Vec::new()
            }
            // Layout is derived from the frame size at draw time; nothing to store.
            Msg::Resize(..) => Vec::new(),
            Msg::Tick => {
                if self.is_busy() {
                    self.spinner = self.spinner.wrapping_add(1);
                }
                Vec::new()
            }
            Msg::Loaded { generation, result } => {
                if let Some(InFlight {
                    what: Pending::Load,
                    ..
                }) = self.take_in_flight(generation)
                {
                    self.on_loaded(result);
                }
                Vec::new()
            }
            Msg::Saved { generation, result } => {
                if let Some(InFlight {
                    what: Pending::Save(sent),
                    ..
                }) = self.take_in_flight(generation)
                {
                    self.on_saved(result, &sent);
                }
                Vec::new()
            }
        }
    }

    /// Takes the in-flight request if `generation` is the one awaited; stale results are dropped.
    fn take_in_flight(&mut self, generation: u64) -> Option<InFlight> {
        match &self.in_flight {
            Some(f) if f.generation == generation => self.in_flight.take(),
            _ => None,
        }
    }

    fn on_loaded(&mut self, result: Result<Contact, ApiError>) {
        match result {
            Ok(contact) => {
                self.form = Some(Form::new(&contact, self.options.region));
                self.contact_id = contact.id;
                self.record = Some(contact);
                self.focus = Field::FirstName;
                self.status = Status::Loaded;
            }
            // The form, if any, stays: a failed reload must not cost the user their edits.
            Err(e) => self.status = Status::LoadFailed(e),
        }
    }

    fn on_saved(&mut self, result: Result<Contact, ApiError>, sent: &[String; 8]) {
        match result {
            Ok(contact) => {
                let changed = match &self.record {
                    Some(old) => Field::ALL
                        .into_iter()
                        .filter(|f| f.of(old) != f.of(&contact))
                        .collect(),
                    None => Vec::new(),
                };
                if let Some(form) = &mut self.form {
                    form.rebase(&contact, Some(sent));
                }
                self.record = Some(contact);
                self.status = Status::Saved { changed };
            }
            Err(e) => self.status = Status::SaveFailed(e),
        }
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
        } else {
            self.start_load()
        }
    }

    pub(super) fn open_review(&mut self) {
        let Some(form) = &self.form else { return };
        if self.is_busy() {
            self.status = Status::Info("wait for the current request to finish".into());
            return;
        }
        match form.plan() {
            Ok(plan) => self.overlay = Some(Overlay::Review(Box::new(plan))),
            Err(e) => self.status = Status::Blocked(e),
        }
    }

    pub(super) fn send_reviewed(&mut self) -> Vec<Effect> {
        let (Some(Overlay::Review(plan)), Some(form)) = (self.overlay.take(), &self.form) else {
            return Vec::new();
        };
        let sent = Box::new(form.values());
        let generation = self.next_generation();
        self.in_flight = Some(InFlight {
            generation,
            what: Pending::Save(sent),
        });
        self.status = Status::Saving;
        vec![Effect::Save {
            generation,
            id: self.contact_id,
            patch: plan.patch,
        }]
    }
}
