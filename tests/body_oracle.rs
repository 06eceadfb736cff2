//! The request body and the review against an oracle written here from the rules of
//! DESIGN.md ("The form"), not from the code: its own trimming, its own notion of a
//! change, its own identity rule, its own cleaning of server and pasted text, and phones
//! and e-mails from literal tables of typed value → what must be sent. Nothing below
//! calls the crate's helpers: the app itself is driven, as a user drives it (the contact
//! loaded, each edit pasted into its field, Ctrl-S, the re-read answered), and what it
//! does is read back from its status and from the lines of the review it puts up.

mod common;
use common::app::{ctrl, key, options};

use crossterm::event::KeyCode;
use linq_contact::api::Contact;
use linq_contact::app::{App, Effect, Msg, Overlay, Status};
use linq_contact::dialogs::review::Review;
use linq_contact::form::{Field, PlanError};
use linq_contact::ui::dialogs::{Body, View, look};
use linq_contact::ui::theme::Theme;
use proptest::prelude::*;
use serde_json::{Map, Value, json};

/// The oracle's field table: wire name, whether the API counts it as identity, and the
/// label the review shows. The order is the display order and, for identity fields, the
/// order of the echo rule.
const FIELDS: [(&str, bool, &str); 8] = [
    ("first_name", true, "First name"),
    ("last_name", true, "Last name"),
    ("email", true, "E-mail"),
    ("phone_number", true, "Phone"),
    ("company", false, "Company"),
    ("title", false, "Title"),
    ("location", false, "Location"),
    ("user_email", false, "Owner"),
];

/// Unicode White_Space, written out: what "trimmed" means here.
const SPACES: [char; 25] = [
    '\u{9}', '\u{A}', '\u{B}', '\u{C}', '\u{D}', '\u{20}', '\u{85}', '\u{A0}', '\u{1680}',
    '\u{2000}', '\u{2001}', '\u{2002}', '\u{2003}', '\u{2004}', '\u{2005}', '\u{2006}', '\u{2007}',
    '\u{2008}', '\u{2009}', '\u{200A}', '\u{2028}', '\u{2029}', '\u{202F}', '\u{205F}', '\u{3000}',
];

fn trim(s: &str) -> &str {
    s.trim_matches(|c| SPACES.contains(&c))
}

/// Server text as the app receives it: controls removed, tab and line breaks as spaces.
/// A paste is cleaned the same way, a Windows line end counting as one break.
fn clean(s: &str) -> String {
    s.chars()
        .filter_map(|c| match c {
            '\t' | '\n' | '\r' => Some(' '),
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect()
}

/// Typed phone → the E.164 the API must get (`Some`), or refused (`None`). Region US.
const PHONES: &[(&str, Option<&str>)] = &[
    ("+1 212 555 0100", Some("+12125550100")),
    ("(212) 555-0100", Some("+12125550100")),
    ("212.555.0100", Some("+12125550100")),
    ("＋１ (２１２) ５５５-０１００", Some("+12125550100")),
    ("٢١٢٥٥٥٠١٠٠", Some("+12125550100")),
    ("+44 20 7946 0958", Some("+442079460958")),
    ("+15551234567", Some("+15551234567")),
    ("(415) 555-0199", Some("+14155550199")),
    ("+1 212 555 0100 x12", None),
    ("212-555-0100 ext 5", None),
    ("212 555 0100#5", None),
    ("212 555 0100,5", None),
    ("212 555 0100;5", None),
    ("555 12", None),
    ("1-800-FLOWERS", None),
    ("", Some("")),
];

/// Numbers the North American plan has not assigned (area code 555): sent, with a
/// warning in the review.
const UNASSIGNED: &[&str] = &["+15551234567"];

/// Typed e-mail → accepted as a bare address (`true`) or refused.
const EMAILS: &[(&str, bool)] = &[
    ("ana@example.com", true),
    ("Ana.Li+tag@Example.COM", true),
    ("o'brien@x.io", true),
    ("Ana <ana@x.com>", false),
    ("a@[1.2.3.4]", false),
    ("\"a b\"@x.io", false),
    ("no-at-sign", false),
    ("@x.io", false),
];

/// Values a server may hold (stored formats; some with control characters).
const STORED_PHONES: &[&str] = &["", "+12125550100", "+442079460958", "+15551234567"];
const STORED_EMAILS: &[&str] = &["", "ana@example.com", "old@x.io", "Ana.Li+tag@example.com"];
const OWNERS: &[&str] = &["owner@example.com", "other@example.com", "ana@example.com"];

fn wide_text() -> impl Strategy<Value = String> {
    let atom = prop_oneof![
        "[A-Za-z]{1,4}",
        Just("日本語".to_string()),
        Just("김".to_string()),
        Just("🧑‍💻".to_string()),
        Just("e\u{301}".to_string()),
        Just("שלום".to_string()),
        Just("مرحبا".to_string()),
        Just("\u{200B}".to_string()),
        Just("Ω".to_string()),
    ];
    prop::collection::vec(atom, 1..4).prop_map(|v| v.join(" "))
}

/// Surrounding white space of many kinds, so trimming is really tested.
fn padded(inner: impl Strategy<Value = String>) -> impl Strategy<Value = String> {
    let pad = prop::collection::vec(prop::sample::select(SPACES.to_vec()), 0..3)
        .prop_map(|v| v.into_iter().collect::<String>());
    (pad.clone(), inner, pad).prop_map(|(a, m, b)| format!("{a}{m}{b}"))
}

/// A stored value for field `i`: realistic for e-mail, phone and owner, wide text
/// elsewhere; sometimes null/empty, sometimes with control characters in it.
fn stored(i: usize) -> BoxedStrategy<Option<String>> {
    let text = match FIELDS[i].0 {
        "phone_number" => prop::sample::select(STORED_PHONES)
            .prop_map(String::from)
            .boxed(),
        "email" => prop::sample::select(STORED_EMAILS)
            .prop_map(String::from)
            .boxed(),
        "user_email" => prop::sample::select(OWNERS).prop_map(String::from).boxed(),
        _ => prop_oneof![
            3 => wide_text(),
            1 => wide_text().prop_map(|t| format!("{t}\u{1b}]0;x\u{7}")),
            1 => Just(String::new()),
        ]
        .boxed(),
    };
    if FIELDS[i].0 == "user_email" {
        return text.prop_map(Some).boxed();
    }
    prop_oneof![4 => text.prop_map(Some), 1 => Just(None)].boxed()
}

/// What the user types into field `i`.
fn typed(i: usize) -> BoxedStrategy<String> {
    match FIELDS[i].0 {
        "phone_number" => {
            padded(prop::sample::select(PHONES).prop_map(|(t, _)| t.to_string())).boxed()
        }
        "email" => prop_oneof![
            padded(prop::sample::select(EMAILS).prop_map(|(t, _)| t.to_string())),
            Just(String::new()),
        ]
        .boxed(),
        "user_email" => padded(prop_oneof![
            3 => prop::sample::select(OWNERS).prop_map(String::from),
            3 => prop::sample::select(EMAILS).prop_map(|(t, _)| t.to_string()),
            // An empty owner: refused before anything is sent.
            1 => Just(String::new()),
        ])
        .boxed(),
        _ => prop_oneof![
            padded(wide_text()),
            Just(String::new()),
            Just(" \u{A0}".to_string())
        ]
        .boxed(),
    }
}

#[derive(Debug, Clone)]
struct Case {
    loaded: Vec<Option<String>>,
    /// The record as the re-read at Ctrl-S finds it: `Some` where a colleague saved.
    meanwhile: Vec<Option<Option<String>>>,
    edits: Vec<Option<String>>,
}

fn case() -> impl Strategy<Value = Case> {
    let loaded: Vec<_> = (0..8).map(stored).collect();
    let meanwhile: Vec<_> = (0..8)
        .map(|i| prop::option::weighted(0.25, stored(i)))
        .collect();
    let edits: Vec<_> = (0..8)
        .map(|i| prop::option::weighted(0.5, typed(i)))
        .collect();
    (loaded, meanwhile, edits).prop_map(|(loaded, meanwhile, edits)| Case {
        loaded,
        meanwhile,
        edits,
    })
}

/// A record as JSON, the way the server sends it (nulls included), read by the client's
/// own model.
fn record(values: &[Option<String>]) -> Contact {
    let mut obj = Map::new();
    obj.insert("id".into(), json!(7));
    for (i, (name, _, _)) in FIELDS.iter().enumerate() {
        if *name == "user_email" {
            obj.insert("contact_owner".into(), json!({"id": 3, "email": values[i]}));
        } else {
            obj.insert((*name).into(), json!(values[i]));
        }
    }
    serde_json::from_value(Value::Object(obj)).unwrap()
}

/// What the API must receive for a typed value: `Err` when it must be refused.
fn expected_out(name: &str, typed: &str) -> Result<String, ()> {
    let t = trim(typed);
    match name {
        "phone_number" => PHONES
            .iter()
            .find(|(p, _)| trim(p) == t)
            .map(|(_, e164)| e164.map(String::from).ok_or(()))
            .expect("typed phones come from the table"),
        "email" if t.is_empty() => Ok(String::new()),
        "email" | "user_email" => {
            let known = EMAILS.iter().find(|(e, _)| *e == t).map(|(_, ok)| *ok);
            let ok = known.unwrap_or_else(|| OWNERS.contains(&t));
            if ok { Ok(t.to_string()) } else { Err(()) }
        }
        _ => Ok(t.to_string()),
    }
}

/// What the app must do with a case.
#[derive(Debug, PartialEq)]
enum Expected {
    /// No field is a change: refused at Ctrl-S (`checked`: false), or found by the
    /// re-read to hold every edit already.
    NothingToSend { checked: bool },
    /// Refused on what the client can see: an unsendable value, or no identity value
    /// left; `empty_owner`: among the reasons, an owner left empty.
    Refused { checked: bool, empty_owner: bool },
    /// The review: the body it shows (and the PUT would carry), the identity field
    /// echoed, the fields in conflict, and its lines above the request (for a conflict,
    /// the loaded / theirs / yours block of each field).
    Body {
        body: Map<String, Value>,
        echo: Option<&'static str>,
        conflicts: Vec<&'static str>,
        review: Vec<String>,
    },
}

/// How the review shows a value.
fn shown(v: &str) -> String {
    if v.is_empty() {
        "(empty)".into()
    } else {
        v.to_string()
    }
}

/// The rule for a change: what the field would send (trimmed, a phone as E.164)
/// differs from the stored value; a value that cannot be sent is a change when its
/// trimmed text differs ("a field whose trimmed value equals the loaded one is not
/// dirty").
fn is_change(out: &Result<String, ()>, text: &str, stored: &str) -> bool {
    match out {
        Ok(sent) => sent != stored,
        Err(()) => trim(text) != stored,
    }
}

/// Which fields are changes against `base`, whether one of them cannot be sent or no
/// identity value would be left, and whether the owner was emptied.
struct Judgement {
    changes: Vec<usize>,
    refused: bool,
    empty_owner: bool,
}

impl Judgement {
    /// Where the save stops at this look (`checked`: the re-read's), if it does: with
    /// nothing to send, or refused.
    fn stops(&self, checked: bool) -> Option<Expected> {
        if self.changes.is_empty() {
            return Some(Expected::NothingToSend { checked });
        }
        self.refused.then_some(Expected::Refused {
            checked,
            empty_owner: self.empty_owner,
        })
    }
}

fn judge(text: &[Option<String>], base: &[String], changed: impl Fn(usize) -> bool) -> Judgement {
    let changes: Vec<usize> = (0..8).filter(|&i| changed(i)).collect();
    let out = |i: usize| expected_out(FIELDS[i].0, text[i].as_deref().unwrap_or(""));
    let unsendable = changes.iter().any(|&i| out(i).is_err());
    // What each identity field would hold after the save.
    let after = |i: usize| {
        if changes.contains(&i) {
            trim(text[i].as_deref().unwrap_or("")).to_string()
        } else {
            base[i].clone()
        }
    };
    let identity_left = (0..8).any(|i| FIELDS[i].1 && !after(i).is_empty());
    let empty_owner = changes
        .iter()
        .any(|&i| FIELDS[i].0 == "user_email" && trim(text[i].as_deref().unwrap_or("")).is_empty());
    Judgement {
        changes,
        refused: unsendable || !identity_left,
        empty_owner,
    }
}

fn oracle(case: &Case) -> Expected {
    let loaded: Vec<String> = case
        .loaded
        .iter()
        .map(|v| clean(v.as_deref().unwrap_or("")))
        .collect();
    let raw_server: Vec<String> = (0..8)
        .map(|i| {
            case.meanwhile[i]
                .clone()
                .unwrap_or_else(|| case.loaded[i].clone())
                .unwrap_or_default()
        })
        .collect();
    let server: Vec<String> = raw_server.iter().map(|v| clean(v)).collect();
    // What each edited field holds once the edit is pasted in.
    let text: Vec<Option<String>> = case
        .edits
        .iter()
        .map(|e| e.as_deref().map(|t| clean(&t.replace("\r\n", "\n"))))
        .collect();
    let out = |i: usize| expected_out(FIELDS[i].0, text[i].as_deref().unwrap_or(""));
    let change_against = |i: usize, stored: &[String]| {
        text[i]
            .as_deref()
            .is_some_and(|t| is_change(&out(i), t, &stored[i]))
    };

    // Ctrl-S: the form as loaded.
    let first = judge(&text, &loaded, |i| change_against(i, &loaded));
    if let Some(stop) = first.stops(false) {
        return stop;
    }

    // The re-read: a colleague's change to a field not edited here is taken; an edit
    // still differing from what the server now holds is sent, and if the server changed
    // that field too, it is a conflict.
    let second = judge(&text, &server, |i| {
        change_against(i, &loaded) && change_against(i, &server)
    });
    if let Some(stop) = second.stops(true) {
        return stop;
    }
    let mut body = Map::new();
    for &i in &second.changes {
        body.insert(FIELDS[i].0.into(), json!(out(i).expect("sendable")));
    }
    let conflicts: Vec<&'static str> = second
        .changes
        .iter()
        .filter(|&&i| server[i] != loaded[i])
        .map(|&i| FIELDS[i].0)
        .collect();

    // The API needs a non-empty identity value in the body. When none is sent, one is
    // added unchanged: it must not change what the server holds, so a value that lost
    // control characters on the way in (its stored form cannot be sent back) goes only
    // when nothing else can; otherwise the first in order.
    let counts =
        (0..8).any(|i| FIELDS[i].1 && body.get(FIELDS[i].0).is_some_and(|v| v != &json!("")));
    let echo = (!counts).then(|| {
        (0..8)
            .filter(|&i| FIELDS[i].1 && !body.contains_key(FIELDS[i].0) && !server[i].is_empty())
            .min_by_key(|&i| (raw_server[i] != server[i], i))
            .expect("an identity value is left")
    });
    if let Some(i) = echo {
        body.insert(FIELDS[i].0.into(), json!(server[i]));
    }

    let review = if conflicts.is_empty() {
        let mut lines = Vec::new();
        let taken: Vec<&str> = (0..8)
            .filter(|&i| server[i] != loaded[i] && !change_against(i, &loaded))
            .map(|i| FIELDS[i].2)
            .collect();
        if !taken.is_empty() {
            lines.push(format!(
                "A colleague changed {} meanwhile; taken into your form, not sent.",
                taken.join(", ")
            ));
            lines.push(String::new());
        }
        for &i in &second.changes {
            let sent = out(i).expect("sendable");
            let typed = trim(text[i].as_deref().unwrap_or(""));
            lines.push(format!(
                "{:<11} {} → {}",
                FIELDS[i].2,
                shown(&server[i]),
                shown(&sent)
            ));
            if typed != sent {
                lines.push(format!("{:12}typed \"{typed}\", sent as {sent}", ""));
            }
            if FIELDS[i].0 == "phone_number" && UNASSIGNED.contains(&sent.as_str()) {
                lines.push(format!(
                    "{:12}⚠ {sent} is outside the assigned ranges; check it (sent anyway)",
                    ""
                ));
            }
        }
        if let Some(i) = echo {
            lines.push(format!(
                "{:<11} {}  sent unchanged: required by the API",
                FIELDS[i].2, server[i]
            ));
        }
        lines.push(String::new());
        lines
    } else {
        second
            .changes
            .iter()
            .filter(|&&i| server[i] != loaded[i])
            .flat_map(|&i| {
                [
                    FIELDS[i].2.to_string(),
                    format!("  loaded {}", shown(&loaded[i])),
                    format!("  theirs {}", shown(&server[i])),
                    format!("  yours  {}", shown(text[i].as_deref().unwrap_or(""))),
                ]
            })
            .collect()
    };
    Expected::Body {
        body,
        echo: echo.map(|i| FIELDS[i].0),
        conflicts,
        review,
    }
}

fn field(name: &str) -> Field {
    match name {
        "first_name" => Field::FirstName,
        "last_name" => Field::LastName,
        "email" => Field::Email,
        "phone_number" => Field::Phone,
        "company" => Field::Company,
        "title" => Field::Title,
        "location" => Field::Location,
        _ => Field::Owner,
    }
}

fn name_of(f: Field) -> &'static str {
    FIELDS
        .iter()
        .find(|(n, _, _)| field(n) == f)
        .map(|(n, _, _)| *n)
        .expect("every field is in the table")
}

/// The review's lines as text, as the dialog lays them out (before wrapping).
fn review_lines(app: &App) -> Vec<String> {
    let overlay = app.overlay().expect("a review is up");
    let theme = Theme::new(true);
    let view = View {
        keymap: &app.options().keymap,
        theme: &theme,
        contact_id: app.contact_id(),
        status: app.status(),
        saving: false,
        paths: &app.options().paths,
        scroll: 0,
        now: 0,
    };
    let Body::Text(lines) = look(overlay, &view).body else {
        panic!("the review is text")
    };
    lines
        .iter()
        .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
        .collect()
}

/// The user's way through the case: the contact opens, each edit is pasted into its
/// field over what was there, Ctrl-S, and the re-read finds the server's record.
fn run(case: &Case) -> Expected {
    let (mut app, effects) = App::new(options(), 7);
    let [Effect::Load { generation, id: 7 }] = effects[..] else {
        panic!("expected the contact to be loaded, got {effects:?}")
    };
    app.update(Msg::Loaded {
        generation,
        result: Ok(record(&case.loaded)),
    });
    for (i, (name, _, _)) in FIELDS.iter().enumerate() {
        if let Some(t) = &case.edits[i] {
            while app.focus() != field(name) {
                app.update(key(KeyCode::Tab));
            }
            app.update(ctrl('u'));
            app.update(Msg::Paste(t.clone()));
        }
    }
    let server = record(
        &(0..8)
            .map(|i| {
                case.meanwhile[i]
                    .clone()
                    .unwrap_or_else(|| case.loaded[i].clone())
            })
            .collect::<Vec<_>>(),
    );
    let effects = app.update(ctrl('s'));
    let checked = match effects[..] {
        [] => false,
        [Effect::Load { generation, id: 7 }] => {
            let after = app.update(Msg::Loaded {
                generation,
                result: Ok(server),
            });
            assert!(
                !after.iter().any(|e| matches!(e, Effect::Save { .. })),
                "sent without a review: {after:?}"
            );
            true
        }
        _ => panic!("Ctrl-S asked for {effects:?}"),
    };
    match (app.status(), app.overlay()) {
        (Status::Blocked(PlanError::NothingChanged), None) if !checked => {
            Expected::NothingToSend { checked }
        }
        (Status::NothingLeft, None) if checked => Expected::NothingToSend { checked },
        (Status::Blocked(PlanError::Invalid(problems)), None) => Expected::Refused {
            checked,
            empty_owner: problems
                .iter()
                .any(|p| p.field == Some(Field::Owner) && p.message.contains("empty")),
        },
        (_, Some(Overlay::Review(Review { plan, conflicts }))) if checked => {
            let Value::Object(body) = serde_json::to_value(&plan.patch).unwrap() else {
                unreachable!("a patch is an object")
            };
            let lines = review_lines(&app);
            let put = lines
                .iter()
                .position(|l| l == "PUT /api/partner/v2/contacts/7")
                .expect("the review shows the request");
            let shown: Value = serde_json::from_str(&lines[put + 1..].join("\n"))
                .expect("the review shows the body as JSON");
            assert_eq!(
                shown,
                json!({ "contact": body }),
                "the review shows another body than the one sent"
            );
            let review = if conflicts.is_empty() {
                lines[..put].to_vec()
            } else {
                // After the heading and a blank line, four lines per conflict.
                lines[2..2 + 4 * conflicts.len()].to_vec()
            };
            Expected::Body {
                body,
                echo: plan.required_unchanged.as_ref().map(|(f, _)| name_of(*f)),
                conflicts: conflicts.iter().map(|c| name_of(c.field)).collect(),
                review,
            }
        }
        other => panic!("unexpected outcome: {other:?}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn the_body_is_what_the_rules_say(case in case()) {
        let expected = oracle(&case);
        // Never a body without a non-empty identity field.
        if let Expected::Body { body, .. } = &expected {
            prop_assert!(FIELDS.iter().any(|(n, id, _)| *id && body.get(*n).is_some_and(|v| v != &json!(""))));
        }
        prop_assert_eq!(run(&case), expected);
    }
}

/// A case with one contact as stored, nothing changed meanwhile, and these edits.
fn only(edits: &[(usize, &str)]) -> Case {
    let mut case = Case {
        loaded: vec![
            Some("Ana".into()),
            None,
            None,
            None,
            None,
            None,
            None,
            Some("owner@example.com".into()),
        ],
        meanwhile: vec![None; 8],
        edits: vec![None; 8],
    };
    for (i, t) in edits {
        case.edits[*i] = Some((*t).to_string());
    }
    case
}

/// `edits` over the loaded contact go out, with no conflict, as `body` (`echo` added
/// unchanged) under the review's `lines`: the oracle and the editor agree on it.
#[track_caller]
fn sends(edits: &[(usize, &str)], body: Value, echo: Option<&'static str>, lines: &[&str]) {
    let case = only(edits);
    let expected = Expected::Body {
        body: body.as_object().unwrap().clone(),
        echo,
        conflicts: vec![],
        review: lines.iter().map(|l| l.to_string()).collect(),
    };
    assert_eq!(oracle(&case), expected);
    assert_eq!(run(&case), expected);
}

#[test]
fn the_api_references_own_example_number_is_sent_with_a_warning() {
    sends(
        &[(3, "+15551234567")],
        json!({"phone_number": "+15551234567"}),
        None,
        &[
            "Phone       (empty) → +15551234567",
            "            ⚠ +15551234567 is outside the assigned ranges; check it (sent anyway)",
            "",
        ],
    );
}

#[test]
fn an_identity_value_is_echoed_only_when_none_is_sent() {
    // The e-mail is identity: nothing is echoed.
    sends(
        &[(5, "  Head of Sales "), (2, "ana@example.com")],
        json!({"email": "ana@example.com", "title": "Head of Sales"}),
        None,
        &[
            "E-mail      (empty) → ana@example.com",
            "Title       (empty) → Head of Sales",
            "",
        ],
    );
    sends(
        &[(5, "CTO")],
        json!({"first_name": "Ana", "title": "CTO"}),
        Some("first_name"),
        &[
            "Title       (empty) → CTO",
            "First name  Ana  sent unchanged: required by the API",
            "",
        ],
    );
}

#[test]
fn an_emptied_owner_is_refused_before_anything_is_sent() {
    for owner in ["", "  ", "\u{A0}"] {
        let case = only(&[(5, "CTO"), (7, owner)]);
        let expected = Expected::Refused {
            checked: false,
            empty_owner: true,
        };
        assert_eq!(oracle(&case), expected, "{owner:?}");
        assert_eq!(run(&case), expected, "{owner:?}");
    }
}
