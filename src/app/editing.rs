//! The open contact: its record, the form over it, the focus, the undo history and what
//! the server said about it. A load replaces the whole value, so nothing of one contact
//! can survive into the next by accident.

use super::undo;
use crate::api::Contact;
use crate::form::{Field, Form, line};
use crate::keymap::{KeyCode, KeyEvent, KeyModifiers};
use phonenumber::country::Id as Region;

#[derive(Debug, Clone)]
pub struct Editing {
    /// The record as last read from the server (control characters removed).
    pub record: Contact,
    pub form: Form,
    pub focus: Field,
    pub(super) history: undo::History,
    /// Messages of the last 422 that name a field, shown under that field.
    pub server_problems: Vec<(Field, String)>,
    /// Fields taken from a colleague's save since the contact was loaded or last saved.
    pub taken_meanwhile: Vec<Field>,
    /// Fields of the record that arrived with control characters (now removed): the
    /// identity rule avoids echoing them back.
    pub cleaned: Vec<Field>,
    /// Several contacts open together: the form holds what is typed for all of them.
    pub many: Option<Box<super::Many>>,
}

impl Editing {
    pub fn new(record: Contact, cleaned: Vec<Field>, region: Region) -> Self {
        Self {
            form: Form::new(&record, region),
            record,
            focus: Field::FirstName,
            history: undo::History::default(),
            server_problems: Vec::new(),
            taken_meanwhile: Vec::new(),
            cleaned,
            many: None,
        }
    }

    /// Something changed field `f`: what the server said about its old value is moot.
    fn touched(&mut self, f: Field) {
        self.server_problems.retain(|(g, _)| *g != f);
    }

    pub(super) fn next_field(&mut self) {
        self.history.break_run();
        self.focus = self.focus.next();
    }

    pub(super) fn prev_field(&mut self) {
        self.history.break_run();
        self.focus = self.focus.prev();
    }

    pub(super) fn focus_on(&mut self, f: Field) {
        self.history.break_run();
        self.focus = f;
    }

    /// Esc in a field: back to the loaded value, one undo step.
    pub(super) fn revert_focused(&mut self) {
        let f = self.focus;
        if self.form.value(f) != self.form.loaded(f) {
            self.history.record(f, self.form.input(f).clone(), false);
            self.form.revert(f);
            self.touched(f);
        }
    }

    /// Ctrl-Z; `false` when there is nothing to undo.
    pub(super) fn undo(&mut self) -> bool {
        let Some(step) = self.history.pop() else {
            return false;
        };
        *self.form.input_mut(step.field) = step.before;
        self.focus = step.field;
        self.touched(step.field);
        true
    }

    /// A key for the focused field's line editor (readline keys, typing).
    pub(super) fn edit_key(&mut self, key: KeyEvent) {
        let f = self.focus;
        let before = self.form.input(f).clone();
        if line::edit(self.form.input_mut(f), &key) {
            let typing = !key.modifiers.contains(KeyModifiers::CONTROL)
                && matches!(
                    key.code,
                    KeyCode::Char(_) | KeyCode::Backspace | KeyCode::Delete
                );
            self.history.record(f, before, typing);
            self.touched(f);
        }
    }

    /// A paste into the focused field: one edit, one undo step.
    pub(super) fn paste(&mut self, text: &str) {
        let f = self.focus;
        let before = self.form.input(f).clone();
        *self.form.input_mut(f) = line::with_pasted(&before, text);
        self.history.record(f, before, false);
        self.touched(f);
    }

    /// Replaces the form (a restored draft, a reload that kept typing): every field whose
    /// text changes is a step Ctrl-Z can take back.
    pub(super) fn replace_form(&mut self, form: Form) {
        for f in Field::ALL {
            if self.form.value(f) != form.value(f) {
                self.history.record(f, self.form.input(f).clone(), false);
            }
        }
        self.form = form;
    }

    /// Undo stops at a save: stepping back past it would resurrect sent values.
    pub(super) fn forget_history(&mut self) {
        self.history.clear();
    }
}
