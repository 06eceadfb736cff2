//! Key and paste handling. Modeless: typing always edits the focused field, and plain
//! letters only act inside dialogs. A key is resolved to its action here, once, in the
//! scope of what is on screen (the form, or the open dialog); a key in a dialog then goes
//! to the dialog (`dialogs/`), and what the dialog answers is acted on here, in
//! [`App::act`].

use super::{App, Departure, Effect, Overlay, Status};
use crate::dialogs::{KeyContext, Outcome};
use crate::keymap::{Action, KeyCode, KeyEvent, Nav, Scope};

impl App {
    pub(super) fn on_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        let scope = self
            .dialogs
            .open()
            .map_or(Scope::Form, |o| o.dialog().handling().scope);
        let action = self.options.keymap.action_in(&key, scope);
        match action {
            // Nothing can be asked on a screen too small to show the question.
            Some(Action::Quit) if self.too_small() && self.has_unsaved_changes() => {
                return Vec::new();
            }
            // The open dialog decides (in the quit prompt, pressing it twice quits).
            Some(Action::Quit) => {
                let outcome = self
                    .dialogs
                    .open()
                    .map_or(Outcome::AskToQuit, |o| o.dialog().on_quit());
                return self.act(outcome);
            }
            Some(Action::Redraw) => return vec![Effect::ClearScreen],
            _ => {}
        }
        if self.too_small() {
            return Vec::new();
        }
        let page = self.screen.dialog_page();
        if let Some(overlay) = self.dialogs.open_mut() {
            let cx = KeyContext {
                region: self.options.region,
                open: self.editing.is_some().then_some(self.contact_id),
                page,
            };
            let outcome = overlay.on_key(action, &key, &cx);
            return self.act(outcome);
        }
        if self.requests.in_flight.is_some()
            && (key.code == KeyCode::Esc || action == Some(Action::Revert))
        {
            return self.cancel_in_flight();
        }
        if let Some(dialog) = action.and_then(Overlay::opened_by) {
            self.dialogs.show(dialog);
            return Vec::new();
        }
        match action {
            Some(Action::Reload) => return self.request_reload(),
            Some(Action::Open) => {
                self.open_prompt();
                return Vec::new();
            }
            Some(Action::Picker) => return self.open_picker(),
            Some(Action::Review) => return self.open_review(),
            Some(Action::New) => return self.new_contact(),
            Some(Action::History) => return self.open_history(),
            _ => {}
        }
        if self.requests.opening() {
            // This contact is being left: typing into it now would be thrown away.
            self.status = Status::Opening;
            return Vec::new();
        }
        match Nav::of(&key) {
            Some(Nav::PageDown) => {
                self.screen.scroll_status_by(3);
                return Vec::new();
            }
            Some(Nav::PageUp) => {
                self.screen.scroll_status_by(-3);
                return Vec::new();
            }
            _ => {}
        }
        let Some(editing) = &mut self.editing else {
            return Vec::new();
        };
        self.requests.typed_since_request = true;
        match action {
            Some(Action::NextField) => editing.next_field(),
            Some(Action::PrevField) => editing.prev_field(),
            Some(Action::Revert) => editing.revert_focused(),
            Some(Action::Undo) => {
                if !editing.undo() {
                    self.status = Status::NothingToUndo;
                }
            }
            _ => editing.edit_key(key),
        }
        Vec::new()
    }

    /// What a dialog answered, acted on: the one place where a dialog's outcome reaches
    /// the rest of the app.
    pub(super) fn act(&mut self, outcome: Outcome) -> Vec<Effect> {
        match outcome {
            Outcome::Stay => Vec::new(),
            Outcome::Scroll(rows) => {
                self.screen.scroll_dialog_by(rows);
                Vec::new()
            }
            Outcome::Close => {
                self.dialogs.close();
                Vec::new()
            }
            Outcome::Send { overwrite } => self.send_reviewed(overwrite),
            Outcome::CopyCurl => {
                let Some(Overlay::Review(review)) = self.dialogs.open() else {
                    return Vec::new();
                };
                let curl =
                    self.curl_command(&crate::api::LinqClient::update_body(&review.plan.patch));
                self.status = Status::Copied;
                vec![Effect::Copy(curl)]
            }
            Outcome::TakeTheirs => {
                if let Some(Overlay::Review(review)) = self.dialogs.close() {
                    self.take_theirs(&review.conflicts);
                }
                Vec::new()
            }
            Outcome::DiscardAndLeave(target) => self.discard_then(|app| app.go(target)),
            Outcome::DiscardAndQuit => self.discard_then(App::quit),
            Outcome::DiscardAndReload => self.discard_then(App::start_load),
            Outcome::DiscardAndNew => self.discard_then(App::open_blank),
            Outcome::Quit => self.quit(),
            Outcome::AskToQuit => {
                self.dialogs.close();
                self.request_quit()
            }
            // The edits now live in the form (and in a new draft if the session dies).
            Outcome::RestoreDraft => {
                let Some(Overlay::RestoreDraft(draft)) = self.dialogs.close() else {
                    return Vec::new();
                };
                self.restore_draft(&draft);
                vec![Effect::DeleteDraft {
                    id: draft.contact_id,
                }]
            }
            Outcome::DiscardDraft => {
                let Some(Overlay::RestoreDraft(draft)) = self.dialogs.close() else {
                    return Vec::new();
                };
                vec![Effect::DeleteDraft {
                    id: draft.contact_id,
                }]
            }
            Outcome::LeaveNow => {
                let Some(Overlay::SaveInFlight(departure)) = self.dialogs.close() else {
                    return Vec::new();
                };
                self.leave_while_saving(departure)
            }
            Outcome::Open(target) => {
                self.dialogs.close();
                self.leave_to(target)
            }
            Outcome::ReadIndex => self.read_index(),
            Outcome::OpenMany(ids) => self.open_many(ids),
            Outcome::SendMany => self.send_many(),
            Outcome::Merge(ids) => self.open_merge(ids),
            Outcome::SendMerge => self.confirm_merge(),
            Outcome::UndoBatch(batch) => self.take_back_batch(batch),
            Outcome::Create => self.send_create(),
            Outcome::UndoSave(entry) => {
                self.put_back(&entry);
                Vec::new()
            }
        }
    }

    /// "Leave now" in the "save in flight" question: the PUT is abandoned (its outcome
    /// unknown) and the user goes where they asked.
    fn leave_while_saving(&mut self, departure: Departure) -> Vec<Effect> {
        let id = self.contact_id;
        let mut effects = self.requests.drop_in_flight();
        self.requests.left_saving = Some(id);
        self.status = Status::LeftWhileSaving(id);
        effects.extend(match departure {
            Departure::Open(target) => self.leave_to(target),
            Departure::Reload => self.request_reload(),
            Departure::Quit => self.request_quit(),
        });
        effects
    }

    /// A paste is one edit into the focused field (or the open prompt, or the picker's
    /// filter). Behind the "too small" notice nothing is shown, so nothing is pasted.
    pub(super) fn on_paste(&mut self, text: &str) {
        if self.too_small() {
            return;
        }
        match self.dialogs.open_mut() {
            Some(overlay) => {
                let dialog = overlay.dialog_mut();
                if let Some(input) = dialog.text_input() {
                    *input = crate::form::line::with_pasted(input, text);
                    dialog.text_changed();
                }
            }
            None => {
                if self.requests.opening() {
                    self.status = Status::Opening;
                    return;
                }
                if let Some(editing) = &mut self.editing {
                    self.requests.typed_since_request = true;
                    editing.paste(text);
                }
            }
        }
    }
}
