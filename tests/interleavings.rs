//! Random interleavings of what the user presses and what the server answers, in any
//! order. Two promises are checked after every step:
//! - every PUT body was on screen in a review that the user then confirmed;
//! - no character typed into a field is lost unless the user discarded it (Esc, or
//!   answering yes to a discard question, or taking theirs in a conflict).

mod common;
use common::ada;
use common::app::{ctrl, key, loaded};

use linq_contact::api::{ApiError, Contact, ContactPage, ContactPatch, ErrorBody};
use linq_contact::app::{App, Effect, Msg, Overlay};
use linq_contact::dialogs::{confirm::Confirm, review::Review};
use linq_contact::form::Field;
use linq_contact::keymap::KeyCode;
use proptest::prelude::*;
use std::time::Duration;

#[derive(Debug, Clone)]
enum Step {
    Type(char),
    Tab,
    CtrlS,
    Enter,
    Esc,
    CtrlQ,
    CtrlO,
    CtrlR,
    F1,
    Yes,
    No,
    Overwrite,
    TakeTheirs,
    Leave,
    /// A colleague saves the title.
    Colleague(String),
    /// The answer to one of the requests in flight.
    Answer {
        pick: usize,
        how: How,
    },
    /// An answer carrying a generation nobody waits for.
    Stale {
        pick: usize,
    },
}

#[derive(Debug, Clone, Copy)]
enum How {
    Ok,
    ServerError,
    /// No answer in time; for a PUT, the server may or may not have stored it.
    Timeout {
        stored: bool,
    },
    /// A record of another contact.
    AnotherId,
}

fn step() -> impl Strategy<Value = Step> {
    let how = prop_oneof![
        4 => Just(How::Ok),
        1 => Just(How::ServerError),
        1 => any::<bool>().prop_map(|stored| How::Timeout { stored }),
        1 => Just(How::AnotherId),
    ];
    prop_oneof![
        6 => prop::sample::select(vec!['a', 'b', 'z', 'y', 'n', 'o', 'r', 'l', 'c'])
            .prop_map(Step::Type),
        2 => Just(Step::Tab),
        3 => Just(Step::CtrlS),
        3 => Just(Step::Enter),
        1 => Just(Step::Esc),
        1 => Just(Step::CtrlQ),
        1 => Just(Step::CtrlO),
        1 => Just(Step::CtrlR),
        1 => Just(Step::F1),
        2 => Just(Step::Yes),
        1 => Just(Step::No),
        1 => Just(Step::Overwrite),
        1 => Just(Step::TakeTheirs),
        1 => Just(Step::Leave),
        1 => "[A-Z][a-z]{1,5}".prop_map(Step::Colleague),
        8 => (any::<usize>(), how).prop_map(|(pick, how)| Step::Answer { pick, how }),
        1 => any::<usize>().prop_map(|pick| Step::Stale { pick }),
    ]
}

/// The fields the user types into: plain text, so what is typed is what is stored.
const TEXT_FIELDS: [Field; 5] = [
    Field::FirstName,
    Field::LastName,
    Field::Company,
    Field::Title,
    Field::Location,
];

struct World {
    app: App,
    server: Contact,
    /// Requests in flight, as the app asked for them.
    pending: Vec<Effect>,
    /// Bodies of the reviews the user confirmed while they were on screen.
    confirmed: Vec<ContactPatch>,
    /// What each field must hold: set by typing, cleared by a discard.
    typed: [Option<String>; 8],
    quit: bool,
}

fn apply(server: &mut Contact, patch: &ContactPatch) {
    for f in TEXT_FIELDS {
        if let Some(v) = f.in_patch(patch) {
            let slot = match f {
                Field::FirstName => &mut server.first_name,
                Field::LastName => &mut server.last_name,
                Field::Company => &mut server.company,
                Field::Title => &mut server.title,
                _ => &mut server.location,
            };
            *slot = v.to_string();
        }
    }
}

impl World {
    fn new() -> World {
        World {
            app: loaded(),
            server: ada(),
            pending: Vec::new(),
            confirmed: Vec::new(),
            typed: Default::default(),
            quit: false,
        }
    }

    fn forget_all(&mut self) {
        self.typed = Default::default();
    }

    fn send(&mut self, msg: Msg) {
        let effects = self.app.update(msg);
        for e in effects {
            match e {
                Effect::Quit => self.quit = true,
                Effect::Cancel { generation } => {
                    self.pending.retain(|p| gen_of(p) != Some(generation))
                }
                e @ (Effect::Load { .. }
                | Effect::LoadLater { .. }
                | Effect::Save { .. }
                | Effect::Find { .. }
                | Effect::ListPage { .. }) => {
                    if let Effect::Save { patch, .. } = &e {
                        assert!(
                            self.confirmed.contains(patch),
                            "a PUT of {patch:?} that no confirmed review showed (confirmed: {:?})",
                            self.confirmed
                        );
                    }
                    self.pending.push(e)
                }
                _ => {}
            }
        }
    }

    fn press(&mut self, step: &Step) {
        let overlay = self.app.overlay().cloned();
        let review = match &overlay {
            Some(Overlay::Review(Review { plan, conflicts })) => {
                Some((plan.patch.clone(), conflicts.is_empty()))
            }
            _ => None,
        };
        let msg = match step {
            Step::Type(c) => key(KeyCode::Char(*c)),
            Step::Tab => key(KeyCode::Tab),
            Step::CtrlS => ctrl('s'),
            Step::Enter => key(KeyCode::Enter),
            Step::Esc => key(KeyCode::Esc),
            Step::CtrlQ => ctrl('q'),
            Step::CtrlO => ctrl('o'),
            Step::CtrlR => ctrl('r'),
            Step::F1 => key(KeyCode::F(1)),
            Step::Yes => key(KeyCode::Char('y')),
            Step::No => key(KeyCode::Char('n')),
            Step::Overwrite => key(KeyCode::Char('o')),
            Step::TakeTheirs => key(KeyCode::Char('r')),
            Step::Leave => key(KeyCode::Char('l')),
            _ => unreachable!("not a key"),
        };
        // A key that confirms the review on screen: its body may now be sent.
        if let Some((patch, clean)) = review {
            let sends = match &msg {
                Msg::Key(k) if k.code == KeyCode::Enter || k.code == KeyCode::Char('y') => clean,
                Msg::Key(k) if k.code == KeyCode::Char('o') => !clean,
                _ => false,
            };
            if sends {
                self.confirmed.push(patch);
            }
        }
        let focus = self.app.focus();
        let typing_into_form = overlay.is_none();
        let letter = match &msg {
            Msg::Key(k) if k.modifiers.is_empty() => match k.code {
                KeyCode::Char(c) => Some(c),
                _ => None,
            },
            _ => None,
        };
        let discards = match (&overlay, step) {
            (None, Step::Esc) => true,
            // Pressing quit twice quits without keeping anything.
            (Some(Overlay::Confirm(Confirm::Quit)), Step::CtrlQ) => true,
            (
                Some(
                    Overlay::Confirm(Confirm::Quit)
                    | Overlay::Confirm(Confirm::Reload)
                    | Overlay::Confirm(Confirm::Leave(_)),
                ),
                _,
            ) => letter == Some('y'),
            (Some(Overlay::Review(Review { conflicts, .. })), _) => {
                letter == Some('r') && !conflicts.is_empty()
            }
            _ => false,
        };
        self.send(msg);
        if discards {
            self.forget_all();
        }
        let types = matches!(
            step,
            Step::Type(_) | Step::Yes | Step::No | Step::Overwrite | Step::TakeTheirs | Step::Leave
        );
        if typing_into_form
            && types
            && TEXT_FIELDS.contains(&focus)
            && let Some(form) = self.app.form()
        {
            self.typed[focus.index()] = Some(form.value(focus).to_string());
        }
    }

    fn answer(&mut self, pick: usize, how: How) {
        if self.pending.is_empty() {
            return;
        }
        let effect = self.pending.remove(pick % self.pending.len());
        let server_error = || ApiError::Http {
            status: 500,
            body: ErrorBody::Empty,
            retry_after: None,
        };
        let timeout = || ApiError::Timeout {
            after: Duration::from_secs(15),
        };
        let record = |server: &Contact, how: How| match how {
            How::Ok => Ok(server.clone()),
            How::ServerError => Err(server_error()),
            How::Timeout { .. } => Err(timeout()),
            How::AnotherId => Ok(Contact {
                id: 4242,
                first_name: "Other".into(),
                ..server.clone()
            }),
        };
        let msg = match effect {
            Effect::Load { generation, .. } | Effect::LoadLater { generation, .. } => Msg::Loaded {
                generation,
                result: record(&self.server, how),
            },
            Effect::Save {
                generation, patch, ..
            } => {
                let stored = match how {
                    How::Ok | How::AnotherId => true,
                    How::Timeout { stored } => stored,
                    How::ServerError => false,
                };
                if stored {
                    apply(&mut self.server, &patch);
                }
                Msg::Saved {
                    generation,
                    result: record(&self.server, how),
                }
            }
            Effect::Find { generation, .. } => Msg::Found {
                generation,
                result: Ok(None),
            },
            Effect::ListPage { generation, page } => Msg::Page {
                generation,
                page,
                result: Ok(ContactPage::default()),
            },
            _ => return,
        };
        self.send(msg);
    }

    fn stale(&mut self, pick: usize) {
        let Some(e) =
            (!self.pending.is_empty()).then(|| self.pending[pick % self.pending.len()].clone())
        else {
            return;
        };
        if let Some(generation) = gen_of(&e) {
            self.send(Msg::Loaded {
                generation: generation + 1000,
                result: Ok(self.server.clone()),
            });
        }
    }

    /// Every field the user typed into still holds exactly what they typed.
    fn check_typing_kept(&self) {
        let Some(form) = self.app.form() else { return };
        if self.app.record().is_some_and(|r| r.id != 1001) {
            return;
        }
        for f in TEXT_FIELDS {
            if let Some(expected) = &self.typed[f.index()] {
                assert_eq!(form.value(f), expected, "{f:?} lost what was typed into it");
            }
        }
    }
}

fn gen_of(e: &Effect) -> Option<u64> {
    match e {
        Effect::Load { generation, .. }
        | Effect::LoadLater { generation, .. }
        | Effect::Save { generation, .. }
        | Effect::Find { generation, .. }
        | Effect::ListPage { generation, .. } => Some(*generation),
        _ => None,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(600))]

    #[test]
    fn what_is_sent_was_confirmed_and_what_is_typed_is_kept(steps in prop::collection::vec(step(), 1..60)) {
        let mut w = World::new();
        for step in &steps {
            match step {
                Step::Answer { pick, how } => w.answer(*pick, *how),
                Step::Stale { pick } => w.stale(*pick),
                Step::Colleague(title) => w.server.title = title.clone(),
                key_step => w.press(key_step),
            }
            if w.quit {
                break;
            }
            w.check_typing_kept();
        }
    }
}
