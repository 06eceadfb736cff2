//! Key and paste handling. Modeless: typing always edits the focused field, and plain
//! letters only act inside overlays.

use super::{App, Effect, InFlight, Overlay, Pending, Status};
use crate::keymap::Action;
use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use tui_input::backend::crossterm::EventHandler;

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
                    _ => {
                        self.overlay = None;
                        self.request_quit()
                    }
                };
            }
            Some(Action::Redraw) => return vec![Effect::ClearScreen],
            _ => {}
        }
        // Below the minimum size only a notice is drawn: a key must not act unseen.
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
        if matches!(
            self.in_flight,
            Some(InFlight {
                what: Pending::Open(_) | Pending::Find(_),
                ..
            })
        ) {
            // This contact is being left: typing into it now would be thrown away.
            self.status =
                Status::Info("Opening another contact: Esc cancels and keeps this one.".into());
            return Vec::new();
        }
        let focus = self.focus;
        let Some(form) = &mut self.form else {
            return Vec::new();
        };
        match action {
            Some(Action::NextField) => {
                self.history.break_run();
                self.focus = focus.next();
            }
            Some(Action::PrevField) => {
                self.history.break_run();
                self.focus = focus.prev();
            }
            Some(Action::Revert) => {
                if form.value(focus) != form.loaded(focus) {
                    self.history.record(focus, form.input(focus).clone(), false);
                    form.revert(focus);
                    self.server_problems.retain(|(f, _)| *f != focus);
                }
            }
            Some(Action::Undo) => self.undo(),
            _ if key.code == KeyCode::PageDown => {
                self.scroll_status_by(3);
            }
            _ if key.code == KeyCode::PageUp => {
                self.scroll_status_by(-3);
            }
            _ => {
                let before = form.input(focus).clone();
                let changed = form
                    .input_mut(focus)
                    .handle_event(&Event::Key(readline_alt(key)))
                    .is_some_and(|c| c.value);
                if changed {
                    let typing = !key.modifiers.contains(KeyModifiers::CONTROL)
                        && matches!(
                            key.code,
                            KeyCode::Char(_) | KeyCode::Backspace | KeyCode::Delete
                        );
                    self.history.record(focus, before, typing);
                    // What the server said was about the old value.
                    self.server_problems.retain(|(f, _)| *f != focus);
                }
            }
        }
        Vec::new()
    }

    /// A page in an overlay: most of its visible rows, so nothing is skipped.
    fn overlay_page(&self) -> i32 {
        let rows = self.size.map_or(24, |(_, h)| h);
        i32::from(rows.saturating_sub(8).max(2))
    }

    fn too_small(&self) -> bool {
        self.size
            .is_some_and(|(w, h)| w < crate::ui::MIN_WIDTH || h < crate::ui::MIN_HEIGHT)
    }

    fn undo(&mut self) {
        let (Some(form), Some(step)) = (&mut self.form, self.history.pop()) else {
            self.status = Status::Info("Nothing to undo.".into());
            return;
        };
        *form.input_mut(step.field) = step.before;
        self.focus = step.field;
        self.server_problems.retain(|(f, _)| *f != step.field);
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
                // Clamped when drawn, where the overlay's height is known.
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
                if overwrite && let Some(form) = &mut self.form {
                    form.overwrite_conflicts();
                }
                self.overlay = Some(Overlay::Review { plan, conflicts });
                if send || overwrite {
                    return self.send_reviewed();
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
            Some(_) if no => {}
            other => self.overlay = other,
        }
        Vec::new()
    }

    /// A paste is one edit into the focused field (or the open prompt, or the picker's
    /// filter): newlines and tabs become spaces (a pasted line break must never act as
    /// Enter), other control characters are dropped.
    pub(super) fn on_paste(&mut self, text: &str) {
        match &mut self.overlay {
            Some(Overlay::Open { input, error }) => {
                *input = with_pasted(input, text);
                *error = None;
            }
            Some(Overlay::Picker(picker)) => {
                picker.filter = with_pasted(&picker.filter, text);
                picker.filter_changed();
            }
            Some(_) => {}
            None => {
                let focus = self.focus;
                let Some(form) = &mut self.form else { return };
                let before = form.input(focus).clone();
                *form.input_mut(focus) = with_pasted(&before, text);
                self.history.record(focus, before, false);
            }
        }
    }
}

/// `input` with `text` inserted at the cursor, cleaned to one line.
fn with_pasted(input: &tui_input::Input, text: &str) -> tui_input::Input {
    // A Windows line end is one break, so one space.
    let clean = crate::text::sanitize(&text.replace("\r\n", "\n"));
    let (value, cursor) = (input.value(), input.cursor());
    let split = value
        .char_indices()
        .nth(cursor)
        .map_or(value.len(), |(i, _)| i);
    let new_value = format!("{}{}{}", &value[..split], clean, &value[split..]);
    tui_input::Input::new(new_value).with_cursor(cursor + clean.chars().count())
}

/// Terminals report Alt as ALT; the readline bindings of the input widget expect META.
fn readline_alt(mut key: KeyEvent) -> KeyEvent {
    if key.modifiers == KeyModifiers::ALT
        && matches!(
            key.code,
            KeyCode::Char('b' | 'f' | 'd') | KeyCode::Backspace
        )
    {
        key.modifiers = KeyModifiers::META;
    }
    key
}
