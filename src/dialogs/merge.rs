//! The merge view: contacts that are one person, one column each. The user chooses the
//! contact that stays and, field by field, whose value it ends with; the plan is the
//! core's (`protocol::merge`), worked out again after every choice, so what is shown is
//! what will be sent. Then the review: the survivor's PUT, each DELETE, what cannot be
//! undone, and the number of contacts to delete, typed to confirm.

use super::contract::{Dialog, Handling, KeyContext, Outcome};
use crate::api::Contact;
use crate::form::{Field, line};
use crate::keymap::{Action, KeyCode, KeyEvent, Nav, Scope};
use crate::protocol::merge::{self, MergeError, MergePlan};
use phonenumber::country::Id as Region;
use tui_input::Input;

#[derive(Debug, Clone)]
pub struct MergeView {
    /// As read, in the order they were marked (a group: by id).
    pub contacts: Vec<Contact>,
    /// The contact that stays.
    pub keep: u64,
    /// Fields whose value is chosen from a contact, over the default rule (the survivor
    /// keeps its non-empty values, and the others fill its empty ones in order).
    pub takes: Vec<(Field, u64)>,
    /// The cell under the cursor: a field (row) and a contact (column).
    pub field: Field,
    pub column: usize,
    pub stage: Stage,
    /// What the choices make, worked out after each one.
    pub plan: Result<MergePlan, MergeError>,
    /// Contacts found changed on the server when the merge was about to be sent: shown
    /// afresh, to be looked at again.
    pub changed: Vec<u64>,
    region: Region,
}

/// Where the merge view stands.
#[derive(Debug, Clone)]
pub enum Stage {
    /// Choosing the survivor and the values.
    Choosing,
    /// The review; sending needs the number of contacts to delete typed here.
    Review { typed: Input },
}

impl MergeView {
    /// The view of `contacts` (two or more), the first of them kept.
    pub fn new(contacts: Vec<Contact>, region: Region) -> Self {
        let keep = contacts.first().map_or(0, |c| c.id);
        let mut view = Self {
            contacts,
            keep,
            takes: Vec::new(),
            field: Field::FirstName,
            column: 0,
            stage: Stage::Choosing,
            plan: Err(MergeError::TooFew),
            changed: Vec::new(),
            region,
        };
        view.replan();
        view
    }

    /// The same choices over the contacts as read again (some changed meanwhile).
    pub fn read_again(&self, contacts: Vec<Contact>) -> Self {
        let changed = contacts
            .iter()
            .filter(|c| !self.contacts.contains(c))
            .map(|c| c.id)
            .collect();
        let mut view = Self {
            contacts,
            stage: Stage::Choosing,
            changed,
            ..self.clone()
        };
        view.replan();
        view
    }

    pub fn ids(&self) -> Vec<u64> {
        self.contacts.iter().map(|c| c.id).collect()
    }

    /// How many contacts the merge deletes.
    pub fn deletes(&self) -> usize {
        self.contacts.len().saturating_sub(1)
    }

    fn replan(&mut self) {
        self.plan = merge::plan(&self.contacts, self.keep, &self.takes, self.region);
    }

    fn selected(&self) -> Option<u64> {
        self.contacts.get(self.column).map(|c| c.id)
    }

    /// Where the value of `field` comes from: the contact chosen for it, else (by the
    /// default rule) the one it is filled from, else the survivor.
    pub fn source(&self, field: Field) -> u64 {
        if let Some((_, from)) = self.takes.iter().find(|(f, _)| *f == field) {
            return *from;
        }
        self.plan
            .as_ref()
            .ok()
            .and_then(|p| p.source(field))
            .map_or(self.keep, |t| t.from)
    }

    /// Whether the value of `field` was chosen (rather than left to the default rule).
    pub fn is_chosen(&self, field: Field) -> bool {
        self.takes.iter().any(|(f, _)| *f == field)
    }

    /// The survivor takes the selected contact's value for the selected field; taking
    /// the same one again goes back to the default rule.
    fn take(&mut self) {
        let (field, Some(from)) = (self.field, self.selected()) else {
            return;
        };
        match self.takes.iter().position(|(f, _)| *f == field) {
            Some(at) if self.takes[at].1 == from => {
                self.takes.remove(at);
            }
            Some(at) => self.takes[at].1 = from,
            None => self.takes.push((field, from)),
        }
        self.replan();
    }

    fn keep_selected(&mut self) {
        if let Some(id) = self.selected() {
            self.keep = id;
            self.replan();
        }
    }

    /// The number typed in the review, when it is the number of contacts to delete.
    pub fn confirmed(&self) -> bool {
        match &self.stage {
            Stage::Review { typed } => typed.value().trim() == self.deletes().to_string(),
            Stage::Choosing => false,
        }
    }

    fn choose_key(&mut self, action: Option<Action>, key: &KeyEvent) -> Outcome {
        match action {
            Some(Action::Keep) => self.keep_selected(),
            Some(Action::TakeValue) => self.take(),
            Some(Action::Send) if self.plan.is_ok() => {
                self.stage = Stage::Review {
                    typed: Input::default(),
                };
            }
            _ => match (Nav::of(key), key.code) {
                (Some(Nav::Up), _) => self.field = self.field.prev(),
                (Some(Nav::Down), _) => self.field = self.field.next(),
                (_, KeyCode::Left) => self.column = self.column.saturating_sub(1),
                (_, KeyCode::Right) => {
                    self.column = (self.column + 1).min(self.contacts.len().saturating_sub(1));
                }
                _ => {}
            },
        }
        Outcome::Stay
    }
}

impl Dialog for MergeView {
    fn handling(&self) -> Handling {
        match self.stage {
            Stage::Choosing => Handling::closes(Scope::Merge, "close"),
            // Esc goes back to the choices, so the dialog answers it itself.
            Stage::Review { .. } => Handling::needs_an_answer(Scope::Merge).scrolling(),
        }
    }

    fn on_key(&mut self, action: Option<Action>, key: &KeyEvent, _cx: &KeyContext) -> Outcome {
        let confirmed = self.confirmed();
        let Stage::Review { typed } = &mut self.stage else {
            return self.choose_key(action, key);
        };
        match action {
            Some(Action::Deny) => self.stage = Stage::Choosing,
            Some(Action::Send) if confirmed => return Outcome::SendMerge,
            _ => {
                // Only digits are typed here; a letter bound to nothing does nothing.
                let digit_or_edit = match key.code {
                    KeyCode::Char(c) => c.is_ascii_digit(),
                    _ => true,
                };
                if digit_or_edit {
                    line::edit(typed, key);
                }
            }
        }
        Outcome::Stay
    }

    fn text_input(&mut self) -> Option<&mut Input> {
        match &mut self.stage {
            Stage::Review { typed } => Some(typed),
            Stage::Choosing => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keymap::{KeyModifiers, Keymap};

    fn contact(id: u64, first: &str, email: &str, title: &str) -> Contact {
        Contact {
            id,
            first_name: first.into(),
            email: email.into(),
            title: title.into(),
            ..Contact::default()
        }
    }

    fn press(view: &mut MergeView, code: KeyCode) -> Outcome {
        let key = KeyEvent::new(code, KeyModifiers::NONE);
        let action = Keymap::default().action_in(&key, Scope::Merge);
        let cx = KeyContext {
            region: Region::US,
            open: None,
            page: 10,
        };
        view.on_key(action, &key, &cx)
    }

    fn view() -> MergeView {
        MergeView::new(
            vec![
                contact(1, "Ana", "", "CEO"),
                contact(2, "Ann", "ana@example.com", "CTO"),
                contact(3, "", "", "Founder"),
            ],
            Region::US,
        )
    }

    #[test]
    fn the_first_is_kept_and_its_empty_fields_are_filled_from_the_others() {
        let v = view();
        assert_eq!(v.keep, 1);
        assert_eq!(v.source(Field::Email), 2);
        assert_eq!(v.source(Field::Title), 1);
        let plan = v.plan.as_ref().unwrap();
        let patch = &plan.save.as_ref().unwrap().patch;
        assert_eq!(patch.email.as_deref(), Some("ana@example.com"));
        assert_eq!(patch.title, None);
        assert_eq!(v.deletes(), 2);
    }

    #[test]
    fn k_keeps_the_column_and_space_takes_a_value_and_gives_it_back() {
        let mut v = view();
        press(&mut v, KeyCode::Right);
        press(&mut v, KeyCode::Char('k'));
        assert_eq!(v.keep, 2);
        // Title, from contact 3.
        for _ in 0..5 {
            press(&mut v, KeyCode::Down);
        }
        assert_eq!(v.field, Field::Title);
        press(&mut v, KeyCode::Right);
        press(&mut v, KeyCode::Right);
        assert_eq!(v.column, 2, "the last column is as far as it goes");
        press(&mut v, KeyCode::Char(' '));
        assert_eq!(v.source(Field::Title), 3);
        assert!(v.is_chosen(Field::Title));
        let patch = v.plan.as_ref().unwrap().save.clone().unwrap().patch;
        assert_eq!(patch.title.as_deref(), Some("Founder"));
        press(&mut v, KeyCode::Char(' '));
        assert_eq!(v.source(Field::Title), 2, "taken again: back to the rule");
    }

    #[test]
    fn sending_needs_the_number_of_deletes_typed() {
        let mut v = view();
        assert_eq!(press(&mut v, KeyCode::Enter), Outcome::Stay);
        assert!(matches!(v.stage, Stage::Review { .. }));
        assert_eq!(
            press(&mut v, KeyCode::Enter),
            Outcome::Stay,
            "nothing typed"
        );
        press(&mut v, KeyCode::Char('1'));
        assert_eq!(press(&mut v, KeyCode::Enter), Outcome::Stay, "1 is not 2");
        press(&mut v, KeyCode::Backspace);
        press(&mut v, KeyCode::Char('x'));
        press(&mut v, KeyCode::Char('2'));
        assert_eq!(press(&mut v, KeyCode::Enter), Outcome::SendMerge);
        press(&mut v, KeyCode::Esc);
        assert!(
            matches!(v.stage, Stage::Choosing),
            "Esc goes back to the choices"
        );
    }
}
