//! Random interleavings of what the user presses, what a colleague saves and what the
//! server answers, in any order, checked after every step against a model the test
//! keeps itself:
//! - a PUT goes out only as the answer to the last look taken after the user confirmed
//!   a review, carries that review's body, and uses the confirmation up: one
//!   confirmation, one PUT at most; and a confirmed review whose last look finds the
//!   contact as reviewed is sent, once;
//! - a colleague's save between the review and the PUT brings the review back (or the
//!   status says why it did not come up), and is never overwritten;
//! - every character typed into a field is there, in the order typed, unless the user
//!   threw it away: Esc reverts the focused field only (and, while a request is out,
//!   cancels it instead), yes to a discard question drops every edit, taking theirs drops
//!   the conflicting fields; leaving a contact or quitting without a question loses
//!   nothing the server does not hold;
//! - answers nobody waits for (cancelled, answered already, or never asked for) change
//!   nothing at all;
//! - an answer never closes or replaces an open dialog, and a review it brings back
//!   comes up once that dialog is answered;
//! - at most one request is in flight.

mod common;
use common::ada;
use common::app::{ctrl, key, loaded};

use linq_contact::api::{ApiError, Contact, ContactOwner, ContactPatch, ErrorBody};
use linq_contact::app::{App, Departure, Effect, Msg, Overlay, Status};
use linq_contact::dialogs::{confirm::Confirm, review::Review};
use linq_contact::form::Field;
use linq_contact::keymap::KeyCode;
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::time::Duration;

/// The contact the app opens; the other one can be opened by id.
const FIRST: u64 = 1001;
const SECOND: u64 = 1002;

#[derive(Debug, Clone, Copy)]
enum Press {
    Char(char),
    Tab,
    Enter,
    Esc,
    CtrlS,
    CtrlQ,
    CtrlO,
    CtrlR,
    F1,
}

impl Press {
    fn msg(self) -> Msg {
        match self {
            Press::Char(c) => key(KeyCode::Char(c)),
            Press::Tab => key(KeyCode::Tab),
            Press::Enter => key(KeyCode::Enter),
            Press::Esc => key(KeyCode::Esc),
            Press::CtrlS => ctrl('s'),
            Press::CtrlQ => ctrl('q'),
            Press::CtrlO => ctrl('o'),
            Press::CtrlR => ctrl('r'),
            Press::F1 => key(KeyCode::F(1)),
        }
    }
}

#[derive(Debug, Clone)]
enum Step {
    Press(Press),
    /// Ctrl-O, the id's digits, Enter: each key goes wherever the screen sends it.
    Open(u64),
    /// Ctrl-S, the check answered, Enter, the last look answered: the straight path to
    /// a PUT, each part still going wherever the screen sends it.
    Save,
    /// A colleague saves a new title for the contact.
    Colleague {
        id: u64,
        title: String,
    },
    /// The answer to one of the requests in flight.
    Answer {
        pick: usize,
        how: How,
    },
    /// An answer, arriving late, to a request that was cancelled or answered already.
    Late {
        pick: usize,
        how: How,
    },
    /// An answer carrying a generation no request ever had.
    Stale {
        pick: usize,
        how: How,
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
    let how = || {
        prop_oneof![
            4 => Just(How::Ok),
            1 => Just(How::ServerError),
            1 => any::<bool>().prop_map(|stored| How::Timeout { stored }),
            1 => Just(How::AnotherId),
        ]
    };
    let press = |p: Press| Just(Step::Press(p));
    prop_oneof![
        // Letters type into a field; in dialogs, y / n / o / r / l / c answer.
        6 => prop::sample::select(vec!['a', 'b', 'z', 'c']).prop_map(|c| Step::Press(Press::Char(c))),
        3 => press(Press::Char('y')),
        1 => press(Press::Char('n')),
        1 => press(Press::Char('o')),
        1 => press(Press::Char('r')),
        1 => press(Press::Char('l')),
        2 => press(Press::Tab),
        4 => press(Press::CtrlS),
        3 => press(Press::Enter),
        1 => press(Press::Esc),
        1 => press(Press::CtrlQ),
        1 => press(Press::CtrlO),
        1 => press(Press::CtrlR),
        1 => press(Press::F1),
        1 => prop::sample::select(vec![FIRST, SECOND]).prop_map(Step::Open),
        2 => Just(Step::Save),
        2 => (prop::sample::select(vec![FIRST, SECOND]), "[A-Z][a-z]{1,5}")
            .prop_map(|(id, title)| Step::Colleague { id, title }),
        10 => (any::<usize>(), how()).prop_map(|(pick, how)| Step::Answer { pick, how }),
        1 => (any::<usize>(), how()).prop_map(|(pick, how)| Step::Late { pick, how }),
        1 => (any::<usize>(), how()).prop_map(|(pick, how)| Step::Stale { pick, how }),
    ]
}

fn second_contact() -> Contact {
    Contact {
        id: SECOND,
        first_name: "Grace".into(),
        last_name: "Hopper".into(),
        full_name: "Grace Hopper".into(),
        email: "grace@example.com".into(),
        phone_number: "+15550102001".into(),
        company: "Navy".into(),
        title: "Admiral".into(),
        location: "Arlington".into(),
        created_at: "2025-07-30T10:00:00.000-05:00".into(),
        updated_at: "2025-07-30T10:00:00.000-05:00".into(),
        contact_owner: Some(ContactOwner {
            id: Some(2),
            email: "ada@example.com".into(),
            first_name: "Ada".into(),
            last_name: "Lovelace".into(),
            name: "Ada Lovelace".into(),
        }),
        ..Default::default()
    }
}

/// The test's own copy of the server's field for `f`.
fn slot(c: &mut Contact, f: Field) -> &mut String {
    match f {
        Field::FirstName => &mut c.first_name,
        Field::LastName => &mut c.last_name,
        Field::Email => &mut c.email,
        Field::Phone => &mut c.phone_number,
        Field::Company => &mut c.company,
        Field::Title => &mut c.title,
        Field::Location => &mut c.location,
        Field::Owner => &mut c.contact_owner.get_or_insert_with(Default::default).email,
    }
}

/// What the server holds for `f`, read without the crate's accessors.
fn stored(c: &Contact, f: Field) -> String {
    slot(&mut c.clone(), f).clone()
}

/// A PUT as the server stores it: every sent value, as sent.
fn apply(server: &mut Contact, patch: &ContactPatch) {
    let sent = [
        (Field::FirstName, &patch.first_name),
        (Field::LastName, &patch.last_name),
        (Field::Email, &patch.email),
        (Field::Phone, &patch.phone_number),
        (Field::Company, &patch.company),
        (Field::Title, &patch.title),
        (Field::Location, &patch.location),
        (Field::Owner, &patch.user_email),
    ];
    for (f, value) in sent {
        if let Some(v) = value {
            *slot(server, f) = v.clone();
        }
    }
}

fn generation_of(e: &Effect) -> Option<u64> {
    match e {
        Effect::Load { generation, .. }
        | Effect::LoadLater { generation, .. }
        | Effect::Save { generation, .. }
        | Effect::Find { generation, .. }
        | Effect::ReadIndex { generation } => Some(*generation),
        _ => None,
    }
}

/// A request that occupies the app's one slot (the picker's reading does not).
fn occupies(e: &Effect) -> bool {
    !matches!(e, Effect::ReadIndex { .. })
}

/// The user confirmed a review: the read that takes the last look, the body the review
/// showed, and the record the review was built on.
#[derive(Debug, Clone)]
struct Confirmation {
    generation: u64,
    patch: ContactPatch,
    basis: Contact,
}

/// What the app may do about a confirmation while an answer is handled.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Put {
    /// No PUT may go out.
    Forbidden,
    /// The last look found the contact as reviewed: exactly this one PUT.
    Due,
}

struct World {
    app: App,
    servers: BTreeMap<u64, Contact>,
    /// Requests the app is waiting for, as it asked for them.
    pending: Vec<Effect>,
    /// Requests cancelled or answered: their answers may still arrive, late.
    retired: Vec<Effect>,
    /// Generations of the loads that open another contact (typing waits meanwhile).
    opens: Vec<u64>,
    highest_generation: u64,
    confirmation: Option<Confirmation>,
    /// The record of the last read the app took in.
    last_read: Contact,
    /// The contact whose typing is tracked, and what each of its fields must hold.
    tracked: u64,
    typed: [Option<String>; 8],
    /// A key has acted on the form since the last confirmation.
    typed_since_confirm: bool,
    /// A review was brought back while a dialog was open: it must come up after it.
    owed_review: bool,
    colleague_saves: u32,
    quit: bool,
}

impl World {
    fn new() -> World {
        World {
            app: loaded(),
            servers: BTreeMap::from([(FIRST, ada()), (SECOND, second_contact())]),
            pending: Vec::new(),
            retired: Vec::new(),
            opens: Vec::new(),
            highest_generation: 1,
            confirmation: None,
            last_read: ada(),
            tracked: FIRST,
            typed: Default::default(),
            typed_since_confirm: false,
            owed_review: false,
            colleague_saves: 0,
            quit: false,
        }
    }

    fn open_id(&self) -> u64 {
        self.app.record().expect("a contact is always open").id
    }

    fn in_flight(&self) -> Option<&Effect> {
        self.pending.iter().find(|e| occupies(e))
    }

    fn opening(&self) -> bool {
        self.in_flight()
            .and_then(generation_of)
            .is_some_and(|g| self.opens.contains(&g))
    }

    fn forget_all(&mut self) {
        self.typed = Default::default();
    }

    /// Takes the effects of one message in; `send` says whether a PUT may be among them.
    fn take(&mut self, effects: Vec<Effect>, send: Put, opening: bool) {
        let puts = effects
            .iter()
            .filter(|e| matches!(e, Effect::Save { .. }))
            .count();
        match send {
            Put::Forbidden => assert_eq!(
                puts, 0,
                "a PUT that no confirmed review allowed now: {effects:?} (confirmation: {:?})",
                self.confirmation
            ),
            Put::Due => assert_eq!(
                puts, 1,
                "a confirmed review whose last look found the contact unchanged must be sent \
                 once: {effects:?}"
            ),
        }
        for e in effects {
            match e {
                Effect::Cancel { generation } => {
                    if let Some(at) = self
                        .pending
                        .iter()
                        .position(|p| generation_of(p) == Some(generation))
                    {
                        self.retired.push(self.pending.remove(at));
                    }
                    if self
                        .confirmation
                        .as_ref()
                        .is_some_and(|c| c.generation == generation)
                    {
                        self.confirmation = None;
                    }
                }
                Effect::Quit => {
                    self.nothing_unstored_is_lost(self.tracked, "quitting without a question");
                    self.quit = true;
                }
                e if generation_of(&e).is_some() => {
                    let generation = generation_of(&e).unwrap_or_default();
                    self.highest_generation = self.highest_generation.max(generation);
                    if let Effect::Save { patch, id, .. } = &e {
                        let c = self
                            .confirmation
                            .take()
                            .expect("a PUT uses up the confirmation it answers");
                        assert_eq!(*patch, c.patch, "the PUT is not the body reviewed");
                        assert_eq!(*id, c.basis.id, "the PUT is for another contact");
                    }
                    if opening && matches!(e, Effect::Load { .. } | Effect::Find { .. }) {
                        self.opens.push(generation);
                    }
                    self.pending.push(e);
                }
                _ => {}
            }
        }
        assert!(
            self.pending.iter().filter(|e| occupies(e)).count() <= 1,
            "more than one request in flight: {:?}",
            self.pending
        );
    }

    fn press(&mut self, press: Press) {
        let overlay = self.app.overlay().cloned();
        let focus = self.app.focus();
        let in_flight = self.in_flight().is_some();
        let opening = self.opening();
        let shown = self.app.form().map(|f| f.value(focus).to_string());
        let effects = self.app.update(press.msg());
        let requests = effects
            .iter()
            .filter(|e| matches!(e, Effect::Load { .. } | Effect::Find { .. }))
            .count();
        if requests > 0 {
            // A new request: a review waiting behind a dialog is moot (the user
            // discarded, reloaded or left).
            self.owed_review = false;
        }

        // The review on screen: does this key confirm it?
        if let Some(Overlay::Review(Review { plan, conflicts })) = &overlay {
            let confirms = match press {
                Press::Enter | Press::Char('y') => conflicts.is_empty(),
                Press::Char('o') => !conflicts.is_empty(),
                _ => false,
            };
            if confirms {
                let [Effect::Load { generation, id }] = effects[..] else {
                    panic!("confirming a review must take one last look, got {effects:?}");
                };
                assert_eq!(id, self.open_id());
                self.confirmation = Some(Confirmation {
                    generation,
                    patch: plan.patch.clone(),
                    basis: self.last_read.clone(),
                });
                self.typed_since_confirm = false;
            } else {
                assert_eq!(requests, 0, "{press:?} in a review asked for {effects:?}");
            }
        }

        // The model of the typing.
        match (&overlay, press) {
            (None, _) if opening => {
                // Keys for the form are refused while another contact is being opened.
            }
            (None, Press::Char(c)) => {
                let i = focus.index();
                let mut text = self.typed[i].take().or(shown).expect("a contact is open");
                text.push(c);
                self.typed[i] = Some(text);
                self.typed_since_confirm = true;
            }
            (None, Press::Tab | Press::Enter) => self.typed_since_confirm = true,
            // Esc cancels the request in flight, if any; otherwise it reverts the
            // focused field, and that field only.
            (None, Press::Esc) if !in_flight => {
                self.typed[focus.index()] = None;
                self.typed_since_confirm = true;
            }
            (
                Some(Overlay::Confirm(Confirm::Reload | Confirm::Leave(_) | Confirm::Quit)),
                Press::Char('y'),
            )
            | (Some(Overlay::Confirm(Confirm::Quit)), Press::CtrlQ) => self.forget_all(),
            (Some(Overlay::Review(Review { conflicts, .. })), Press::Char('r'))
                if !conflicts.is_empty() =>
            {
                for c in conflicts {
                    self.typed[c.field.index()] = None;
                }
            }
            _ => {}
        }

        let leaving = matches!(
            overlay,
            Some(
                Overlay::Open(_)
                    | Overlay::Confirm(Confirm::Leave(_))
                    | Overlay::SaveInFlight(Departure::Open(_))
            )
        );
        self.take(effects, Put::Forbidden, leaving);
    }

    /// The answer `how` to `request`; `live`: the server acts on it (a late copy of an
    /// answer does not).
    fn reply(&mut self, request: &Effect, how: How, live: bool) -> Option<(Msg, Option<Contact>)> {
        let error = |status| ApiError::Http {
            status,
            body: ErrorBody::Empty,
            retry_after: None,
        };
        let timeout = || ApiError::Timeout {
            after: Duration::from_secs(15),
        };
        let record = |server: Option<&Contact>| match (how, server) {
            (How::ServerError, _) => Err(error(500)),
            (How::Timeout { .. }, _) => Err(timeout()),
            (_, None) => Err(error(404)),
            (How::Ok, Some(c)) => Ok(c.clone()),
            (How::AnotherId, Some(c)) => Ok(Contact {
                id: 4242,
                first_name: "Other".into(),
                ..c.clone()
            }),
        };
        Some(match request {
            Effect::Load { generation, id } | Effect::LoadLater { generation, id, .. } => {
                let result = record(self.servers.get(id));
                let taken = result.as_ref().ok().filter(|c| c.id == *id).cloned();
                (
                    Msg::Loaded {
                        generation: *generation,
                        result,
                    },
                    taken,
                )
            }
            Effect::Save {
                generation,
                id,
                patch,
            } => {
                let stored = match how {
                    How::Ok | How::AnotherId => true,
                    How::Timeout { stored } => stored,
                    How::ServerError => false,
                };
                if live
                    && stored
                    && let Some(server) = self.servers.get_mut(id)
                {
                    apply(server, patch);
                }
                (
                    Msg::Saved {
                        generation: *generation,
                        result: record(self.servers.get(id)),
                    },
                    None,
                )
            }
            Effect::Find { generation, .. } => (
                Msg::Found {
                    generation: *generation,
                    result: Ok(None),
                },
                None,
            ),
            Effect::ReadIndex { generation } => (
                Msg::IndexRead {
                    generation: *generation,
                    result: Ok(Box::new(linq_contact::index::Index::new(
                        "test".into(),
                        0,
                        Vec::new(),
                    ))),
                },
                None,
            ),
            _ => return None,
        })
    }

    fn answer(&mut self, pick: usize, how: How) {
        if self.pending.is_empty() {
            return;
        }
        let request = self.pending.remove(pick % self.pending.len());
        let Some((msg, taken)) = self.reply(&request, how, true) else {
            return;
        };
        let generation = generation_of(&request);
        self.retired.push(request);
        let overlay = self.app.overlay().cloned();
        let confirming = self
            .confirmation
            .clone()
            .filter(|c| Some(c.generation) == generation);
        // The last look found the contact exactly as it was reviewed: send.
        let send = match (&confirming, &taken) {
            (Some(c), Some(now)) if *now == c.basis => Put::Due,
            _ => Put::Forbidden,
        };
        if confirming.is_some() && send == Put::Forbidden {
            // Not sent: this confirmation is over (a new review needs a new one).
            self.confirmation = None;
        }
        let effects = self.app.update(msg);
        if let Some(now) = &taken {
            self.last_read = now.clone();
        }
        self.take(effects, send, false);

        if let Some(before) = &overlay {
            assert_eq!(
                format!("{:?}", self.app.overlay()),
                format!("{:?}", Some(before)),
                "an answer changed the dialog the user was answering"
            );
        }
        // A colleague saved between the review and the PUT: the review comes back.
        if let (Some(c), Some(now)) = (&confirming, &taken)
            && *now != c.basis
        {
            let nothing_left = [
                Field::FirstName,
                Field::LastName,
                Field::Email,
                Field::Phone,
                Field::Company,
                Field::Title,
                Field::Location,
                Field::Owner,
            ]
            .into_iter()
            .all(|f| f.in_patch(&c.patch).is_none_or(|v| v == stored(now, f)));
            let status = self.app.status();
            if matches!(status, Status::NothingLeft) {
                assert!(
                    nothing_left,
                    "\"nothing left\" while {:?} is not stored",
                    c.patch
                );
            } else if matches!(status, Status::Blocked(_)) {
                // Typed since the review, and not sendable: the status says why.
                assert!(
                    self.typed_since_confirm,
                    "blocked although no key was pressed since the review"
                );
            } else if overlay.is_some() {
                self.owed_review = true;
            } else if matches!(status, Status::TypedDuringCheck) {
                // What was typed since is not reviewed behind the user's back: the
                // status says so instead.
                assert!(
                    self.typed_since_confirm,
                    "no key was pressed since the review"
                );
            } else {
                assert!(
                    matches!(self.app.overlay(), Some(Overlay::Review(_))),
                    "a colleague saved between the review and the PUT: the review must come \
                     back; status {:?}, dialog {:?}",
                    self.app.status(),
                    self.app.overlay()
                );
            }
        }
    }

    /// An answer the app does not wait for must change nothing and do nothing.
    fn unawaited(&mut self, msg: Msg) {
        let before = format!("{:?}", self.app);
        let effects = self.app.update(msg.clone());
        assert!(effects.is_empty(), "{msg:?} led to {effects:?}");
        assert_eq!(
            format!("{:?}", self.app),
            before,
            "an answer nobody waits for changed the app: {msg:?}"
        );
    }

    fn late(&mut self, pick: usize, how: How) {
        if self.retired.is_empty() {
            return;
        }
        let request = self.retired[pick % self.retired.len()].clone();
        if let Some((msg, _)) = self.reply(&request, how, false) {
            self.unawaited(msg);
        }
    }

    fn stale(&mut self, pick: usize, how: How) {
        let generation = self.highest_generation + 1 + (pick % 7) as u64;
        let id = self.open_id();
        let request = match pick % 3 {
            0 => Effect::Load { generation, id },
            1 => Effect::Save {
                generation,
                id,
                patch: ContactPatch::default(),
            },
            _ => Effect::Find {
                generation,
                email: None,
                phone: None,
            },
        };
        if let Some((msg, _)) = self.reply(&request, how, false) {
            self.unawaited(msg);
        }
    }

    fn colleague(&mut self, id: u64, title: String) {
        self.colleague_saves += 1;
        let saves = self.colleague_saves;
        let Some(server) = self.servers.get_mut(&id) else {
            return;
        };
        let before = std::mem::replace(&mut server.title, title);
        server.updated_at = format!(
            "2025-07-30T11:{:02}:{:02}.000-05:00",
            saves / 60,
            saves % 60
        );
        // Typed text the server held is the colleague's to change now.
        if id == self.tracked && self.typed[Field::Title.index()].as_ref() == Some(&before) {
            self.typed[Field::Title.index()] = None;
        }
    }

    /// Typed text the user did not throw away is on the server when the app lets it go
    /// without asking.
    fn nothing_unstored_is_lost(&self, id: u64, how: &str) {
        let server = &self.servers[&id];
        for f in Field::ALL {
            if let Some(t) = &self.typed[f.index()] {
                assert_eq!(
                    &stored(server, f),
                    t,
                    "{how} lost what was typed into {f:?} of contact {id}"
                );
            }
        }
    }

    /// After each step: the tracked contact is the open one, every field holds what was
    /// typed into it, and a review owed behind a dialog is up once the dialog is gone.
    fn check(&mut self) {
        if self.quit {
            return;
        }
        let open = self.open_id();
        if open != self.tracked {
            self.nothing_unstored_is_lost(self.tracked, "leaving a contact without a question");
            self.tracked = open;
            self.forget_all();
        }
        let form = self.app.form().expect("a contact is open");
        for f in Field::ALL {
            if let Some(expected) = &self.typed[f.index()] {
                assert_eq!(
                    form.value(f),
                    expected,
                    "{f:?} of contact {open} does not hold what was typed into it"
                );
            }
        }
        match self.app.overlay() {
            Some(Overlay::Review(_)) => self.owed_review = false,
            None => assert!(
                !self.owed_review,
                "the review a colleague's save brought back never came up; status {:?}",
                self.app.status()
            ),
            Some(_) => {}
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn what_is_sent_was_confirmed_and_what_is_typed_is_kept(steps in prop::collection::vec(step(), 1..100)) {
        let mut w = World::new();
        for step in &steps {
            match step {
                Step::Press(p) => w.press(*p),
                Step::Open(id) => {
                    w.press(Press::CtrlO);
                    for d in id.to_string().chars() {
                        if !w.quit {
                            w.press(Press::Char(d));
                        }
                    }
                    if !w.quit {
                        w.press(Press::Enter);
                    }
                }
                Step::Save => {
                    w.press(Press::CtrlS);
                    w.answer(0, How::Ok);
                    if !w.quit {
                        w.press(Press::Enter);
                        w.answer(0, How::Ok);
                    }
                }
                Step::Colleague { id, title } => w.colleague(*id, title.clone()),
                Step::Answer { pick, how } => w.answer(*pick, *how),
                Step::Late { pick, how } => w.late(*pick, *how),
                Step::Stale { pick, how } => w.stale(*pick, *how),
            }
            w.check();
            if w.quit {
                break;
            }
        }
    }
}
