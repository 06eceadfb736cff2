//! Moving between contacts: the open prompt, the picker, find by e-mail or phone, and
//! the question before leaving unsaved changes.

use super::requests::Pending;
use super::{App, Departure, Effect, Overlay, Status};
use crate::api::{ApiError, Contact};
use crate::dialogs::confirm::Confirm;
use crate::dialogs::open::OpenPrompt;
use crate::target::Target;

impl App {
    pub(super) fn start_find(&mut self, target: Target) -> Vec<Effect> {
        let (email, phone) = match &target {
            Target::Email(e) => (Some(e.clone()), None),
            Target::Phone(p) => (None, Some(p.clone())),
            Target::Id(_) => return self.go(target),
        };
        if self.editing.is_none() {
            self.target = target.clone();
        }
        let (generation, mut effects) = self.requests.begin(0, Pending::Find(target));
        effects.push(Effect::Find {
            generation,
            email,
            phone,
        });
        effects
    }

    /// Leaves the current contact for `target`, asking first when a save is in flight
    /// or edits would be lost.
    pub(super) fn leave_to(&mut self, target: Target) -> Vec<Effect> {
        self.ask_before_leaving(Departure::Open(target.clone()))
            .unwrap_or_else(|| self.go(target))
    }

    /// Opening another contact, reloading or quitting: a save in flight is asked about
    /// first, and edits that would be lost need a yes; `None` when nothing stands in the
    /// way of leaving at once.
    pub(super) fn ask_before_leaving(&mut self, departure: Departure) -> Option<Vec<Effect>> {
        if self.is_saving() {
            return Some(self.ask_while_saving(departure));
        }
        if !self.has_unsaved_changes() {
            return None;
        }
        let confirm = match departure {
            Departure::Open(target) => Confirm::Leave(target),
            Departure::Reload => Confirm::Reload,
            Departure::Quit => Confirm::Quit,
        };
        self.dialogs.show(Overlay::Confirm(confirm));
        Some(Vec::new())
    }

    /// Opens `target` now. The current contact stays on screen (edits included) until
    /// the new one has arrived: a mistyped id or a missing contact costs nothing.
    pub(super) fn go(&mut self, target: Target) -> Vec<Effect> {
        self.dialogs.close();
        // A review or draft question about the contact being left is moot.
        self.dialogs.forget_waiting();
        match target {
            Target::Id(id) if self.editing.is_none() => {
                self.contact_id = id;
                self.target = Target::Id(id);
                self.start_load()
            }
            Target::Id(id) => {
                self.requests
                    .start(id, Pending::Open(Target::Id(id)), |generation| {
                        Effect::Load { generation, id }
                    })
            }
            other => self.start_find(other),
        }
    }

    /// The answer for a contact opened by id while another one is on screen.
    pub(super) fn on_opened(
        &mut self,
        target: Target,
        result: Result<Contact, ApiError>,
    ) -> Vec<Effect> {
        match result {
            Ok(contact) => self.take_contact(contact),
            Err(e) if e.is_not_found() => {
                self.status = Status::NoMatch(target);
                Vec::new()
            }
            Err(e) => {
                self.status = Status::OpenFailed(target, e);
                Vec::new()
            }
        }
    }

    pub(super) fn on_found(
        &mut self,
        target: &Target,
        result: Result<Option<Contact>, ApiError>,
    ) -> Vec<Effect> {
        match result {
            Ok(Some(contact)) => self.take_contact(contact),
            Ok(None) => {
                self.status = Status::NoMatch(target.clone());
                Vec::new()
            }
            Err(e) if self.editing.is_some() => {
                self.status = Status::OpenFailed(target.clone(), e);
                Vec::new()
            }
            Err(e) => {
                self.status = Status::LoadFailed(e);
                Vec::new()
            }
        }
    }

    pub(super) fn open_prompt(&mut self) {
        self.dialogs.show(Overlay::Open(OpenPrompt::default()));
    }

    pub(super) fn on_scroll(&mut self, lines: i16) -> Vec<Effect> {
        match self.dialogs.open_mut() {
            Some(overlay) => {
                let outcome = overlay.dialog_mut().on_wheel(lines);
                self.act(outcome)
            }
            None => {
                self.screen.scroll_status_by(lines);
                Vec::new()
            }
        }
    }

    /// The review's copy: the same request as a curl command, token left to the shell.
    pub(super) fn curl_command(&self, body: &str) -> String {
        let url = format!(
            "{}/api/partner/v2/contacts/{}",
            self.options.api_url.trim_end_matches('/'),
            self.contact_id
        );
        format!(
            "curl -X PUT {} -H \"X-LINQ-INTEGRATION-TOKEN: $LINQ_INTEGRATION_TOKEN\" \
             -H 'Content-Type: application/json' --data {}",
            shell_quote(&url),
            shell_quote(body)
        )
    }
}

/// Single-quotes `s` for a POSIX shell.
fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}
