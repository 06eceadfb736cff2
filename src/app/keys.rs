//! Key and paste handling. Modeless: typing always edits the focused field, and plain
//! letters only act inside overlays.

use super::requests::Pending;
use super::{App, Departure, Effect, Overlay, Status};
use crate::keymap::Action;
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

impl App {
    pub(super) fn on_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        if key.kind == KeyEventKind::Release {
            return Vec::new();
        }
        let action = self.options.keymap.action_for(&key);
        match action {
            // Nothing can be asked on a screen too small to show the question.
            Some(Action::Quit) if self.too_small() && self.has_unsaved_changes() => {
                return Vec::new();
            }
            // Quit inside the quit prompt confirms: pressing it twice quits.
            Some(Action::Quit) => {
                return match self.overlay {
                    Some(Overlay::ConfirmQuit) => self.quit(),
                    Some(Overlay::SaveInFlight(_)) => Vec::new(),
                    _ => {
                        self.overlay = None;
                        self.request_quit()
                    }
                };
            }
            Some(Action::Redraw) => return vec![Effect::ClearScreen],
            _ => {}
        }
        if self.too_small() {
            return Vec::new();
        }
        if self.overlay.is_some() {
            return self.on_overlay_key(key);
        }
        if self.in_flight.is_some() && (key.code == KeyCode::Esc || action == Some(Action::Revert))
        {
            return self.cancel_in_flight();
        }
        match action {
            Some(Action::Reload) => return self.request_reload(),
            Some(Action::Open) => {
                self.open_prompt();
                return Vec::new();
            }
            Some(Action::Picker) => return self.open_picker(),
            Some(Action::Help) => {
                self.overlay = Some(Overlay::Help);
                return Vec::new();
            }
            Some(Action::Review) => return self.open_review(),
            _ => {}
        }
        if self
            .in_flight
            .as_ref()
            .is_some_and(|f| matches!(f.what, Pending::Open(_) | Pending::Find(_)))
        {
            // This contact is being left: typing into it now would be thrown away.
            self.status = Status::Opening;
            return Vec::new();
        }
        if key.code == KeyCode::PageDown {
            self.scroll_status_by(3);
            return Vec::new();
        }
        if key.code == KeyCode::PageUp {
            self.scroll_status_by(-3);
            return Vec::new();
        }
        let Some(editing) = &mut self.editing else {
            return Vec::new();
        };
        self.typed_since_request = true;
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

    /// A page in an overlay: most of its visible rows, so nothing is skipped.
    fn overlay_page(&self) -> i32 {
        let rows = self.size.map_or(24, |(_, h)| h);
        i32::from(rows.saturating_sub(8).max(2))
    }

    fn on_overlay_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        let letter = match key.code {
            KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                Some(c.to_ascii_lowercase())
            }
            _ => None,
        };
        let yes = letter == Some('y');
        let no = key.code == KeyCode::Esc || letter == Some('n');
        if matches!(self.overlay, Some(Overlay::Review { .. } | Overlay::Help)) {
            let step: i32 = match key.code {
                KeyCode::Up => -1,
                KeyCode::Down => 1,
                KeyCode::PageUp => -self.overlay_page(),
                KeyCode::PageDown => self.overlay_page(),
                _ => 0,
            };
            if step != 0 {
                self.scroll_overlay_by(step as i16);
                return Vec::new();
            }
        }
        match self.overlay.take() {
            Some(Overlay::Open { input, .. }) => return self.on_open_key(key, input),
            Some(Overlay::Picker(picker)) => return self.on_picker_key(key, picker),
            Some(Overlay::ConfirmLeave(target)) if yes => {
                let mut effects = self.discard_draft();
                effects.extend(self.go(target));
                return effects;
            }
            Some(Overlay::Review { plan, conflicts }) if letter == Some('c') => {
                let curl = self.curl_command(&crate::api::LinqClient::update_body(&plan.patch));
                self.overlay = Some(Overlay::Review { plan, conflicts });
                self.status = Status::Copied;
                return vec![Effect::Copy(curl)];
            }
            Some(Overlay::Review { plan, conflicts }) => {
                let overwrite = letter == Some('o') && !conflicts.is_empty();
                let send = (yes || key.code == KeyCode::Enter) && conflicts.is_empty();
                if letter == Some('r') && !conflicts.is_empty() {
                    self.take_theirs(&conflicts);
                    return Vec::new();
                }
                if no {
                    return Vec::new();
                }
                self.overlay = Some(Overlay::Review { plan, conflicts });
                if send || overwrite {
                    return self.send_reviewed(overwrite);
                }
            }
            Some(Overlay::ConfirmQuit) if yes => {
                let mut effects = self.discard_draft();
                effects.extend(self.quit());
                return effects;
            }
            Some(Overlay::ConfirmReload) if yes => return self.reload_discarding(),
            // The edits now live in the form (and in a new draft if the session dies).
            Some(Overlay::RestoreDraft(draft)) if yes => {
                self.restore_draft(&draft);
                return vec![Effect::DeleteDraft {
                    id: draft.contact_id,
                }];
            }
            Some(Overlay::RestoreDraft(draft)) if letter == Some('n') => {
                return vec![Effect::DeleteDraft {
                    id: draft.contact_id,
                }];
            }
            // The draft question needs an answer: a draft left pending would be
            // overwritten by the next one or deleted by the next save, unseen.
            Some(Overlay::RestoreDraft(draft)) => self.overlay = Some(Overlay::RestoreDraft(draft)),
            // Leaving needs its own key; anything else (Enter, Esc, w) keeps waiting.
            Some(Overlay::SaveInFlight(departure)) if letter == Some('l') => {
                return self.leave_while_saving(departure);
            }
            Some(Overlay::SaveInFlight(_)) => {}
            Some(_) if no => {}
            other => self.overlay = other,
        }
        Vec::new()
    }

    /// `l` in the "save in flight" question: the PUT is abandoned (its outcome unknown)
    /// and the user goes where they asked.
    fn leave_while_saving(&mut self, departure: Departure) -> Vec<Effect> {
        let id = self.contact_id;
        let mut effects = self.drop_in_flight();
        self.left_saving = Some(id);
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
        match &mut self.overlay {
            Some(Overlay::Open { input, error }) => {
                *input = super::editing::with_pasted(input, text);
                *error = None;
            }
            Some(Overlay::Picker(picker)) => {
                picker.filter = super::editing::with_pasted(&picker.filter, text);
                picker.filter_changed();
            }
            Some(_) => {}
            None => {
                let opening = self
                    .in_flight
                    .as_ref()
                    .is_some_and(|f| matches!(f.what, Pending::Open(_) | Pending::Find(_)));
                if opening {
                    self.status = Status::Opening;
                    return;
                }
                if let Some(editing) = &mut self.editing {
                    self.typed_since_request = true;
                    editing.paste(text);
                }
            }
        }
    }
}
