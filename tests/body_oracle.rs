//! The request body against an oracle written here from the rules, not from the code:
//! its own trimming, its own identity order, its own cleaning of server text, and phones
//! and e-mails from literal tables of typed value → what must be sent. Nothing below
//! calls the crate's helpers; the form is driven through the function the app calls at
//! Ctrl-S (`Form::check_against`, the merge with a re-read record included).

use linq_contact::api::Contact;
use linq_contact::form::{Field, Form, PlanError};
use phonenumber::country::Id as Region;
use proptest::prelude::*;
use serde_json::{Map, Value, json};

/// The oracle's field table: wire name, and whether the API counts it as identity. The
/// order is the display order and, for identity fields, the order of the echo rule.
const FIELDS: [(&str, bool); 8] = [
    ("first_name", true),
    ("last_name", true),
    ("email", true),
    ("phone_number", true),
    ("company", false),
    ("title", false),
    ("location", false),
    ("user_email", false),
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
            prop::sample::select(OWNERS).prop_map(String::from),
            prop::sample::select(EMAILS).prop_map(|(t, _)| t.to_string()),
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
    for (i, (name, _)) in FIELDS.iter().enumerate() {
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

#[derive(Debug, PartialEq)]
enum Expected {
    NothingToSend,
    Refused,
    Body {
        body: Map<String, Value>,
        echo: Option<&'static str>,
        conflicts: Vec<&'static str>,
    },
}

fn oracle(case: &Case) -> Expected {
    let loaded: Vec<String> = case
        .loaded
        .iter()
        .map(|v| clean(v.as_deref().unwrap_or("")))
        .collect();
    let raw_server: Vec<Option<String>> = (0..8)
        .map(|i| {
            case.meanwhile[i]
                .clone()
                .unwrap_or_else(|| case.loaded[i].clone())
        })
        .collect();
    let server: Vec<String> = raw_server
        .iter()
        .map(|v| clean(v.as_deref().unwrap_or("")))
        .collect();
    let mut body = Map::new();
    let mut refused = false;
    let mut conflicts = Vec::new();
    let mut final_values: Vec<String> = server.clone();
    for (i, (name, _)) in FIELDS.iter().enumerate() {
        let Some(t) = &case.edits[i] else { continue };
        let out = expected_out(name, t);
        // Changed by the user: the typed text differs and so does what it would send.
        let changed = *t != loaded[i] && out.as_deref() != Ok(loaded[i].as_str());
        if !changed {
            continue;
        }
        // Against the record as it is now, the edit is a change unless it matches it.
        if *t == server[i] || out.as_deref() == Ok(server[i].as_str()) {
            continue;
        }
        match out {
            Ok(v) => {
                if server[i] != loaded[i] {
                    conflicts.push(*name);
                }
                final_values[i] = v.clone();
                body.insert((*name).into(), json!(v));
            }
            Err(()) => {
                // The owner's empty value and unreadable phones/e-mails stop the save.
                refused = true;
                final_values[i] = trim(t).to_string();
            }
        }
    }
    if body.is_empty() && !refused {
        return Expected::NothingToSend;
    }
    let identity_left = FIELDS
        .iter()
        .enumerate()
        .any(|(i, (_, identity))| *identity && !final_values[i].is_empty());
    if refused || !identity_left {
        return Expected::Refused;
    }
    let counts = FIELDS
        .iter()
        .any(|(name, identity)| *identity && body.get(*name).is_some_and(|v| v != &json!("")));
    let mut echo = None;
    if !counts {
        let had_controls = |i: usize| raw_server[i].as_deref().unwrap_or("") != server[i];
        let candidates: Vec<usize> = (0..8)
            .filter(|&i| FIELDS[i].1 && !body.contains_key(FIELDS[i].0) && !server[i].is_empty())
            .collect();
        let pick = candidates
            .iter()
            .find(|&&i| !had_controls(i))
            .or(candidates.first())
            .copied()
            .expect("a non-empty identity value is left");
        body.insert(FIELDS[pick].0.into(), json!(server[pick]));
        echo = Some(FIELDS[pick].0);
    }
    Expected::Body {
        body,
        echo,
        conflicts,
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

fn run(case: &Case) -> Expected {
    let loaded = record(&case.loaded).sanitized();
    let raw_server = record(
        &(0..8)
            .map(|i| {
                case.meanwhile[i]
                    .clone()
                    .unwrap_or_else(|| case.loaded[i].clone())
            })
            .collect::<Vec<_>>(),
    );
    let server = raw_server.clone().sanitized();
    // The fields whose stored value lost control characters, as the app notes them.
    let avoid: Vec<Field> = FIELDS
        .iter()
        .enumerate()
        .filter(|(i, _)| {
            let raw = case.meanwhile[*i]
                .clone()
                .unwrap_or_else(|| case.loaded[*i].clone())
                .unwrap_or_default();
            raw != clean(&raw)
        })
        .map(|(_, (name, _))| field(name))
        .collect();
    let mut form = Form::new(&loaded, Region::US);
    for (i, (name, _)) in FIELDS.iter().enumerate() {
        if let Some(t) = &case.edits[i] {
            form.set_value(field(name), t.clone());
        }
    }
    let (merge, plan) = form.check_against(&server, &avoid);
    match plan {
        Err(PlanError::NothingChanged) => Expected::NothingToSend,
        Err(PlanError::Invalid(_)) => Expected::Refused,
        Ok(plan) => {
            let Value::Object(body) = serde_json::to_value(&plan.patch).unwrap() else {
                unreachable!("a patch is an object")
            };
            Expected::Body {
                body,
                echo: plan
                    .required_unchanged
                    .map(|(f, _)| FIELDS.iter().find(|(n, _)| field(n) == f).unwrap().0),
                conflicts: merge
                    .conflicts
                    .iter()
                    .map(|c| FIELDS.iter().find(|(n, _)| field(n) == c.field).unwrap().0)
                    .collect(),
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn the_body_is_what_the_rules_say(case in case()) {
        let expected = oracle(&case);
        // Never a body without a non-empty identity field.
        if let Expected::Body { body, .. } = &expected {
            prop_assert!(FIELDS.iter().any(|(n, id)| *id && body.get(*n).is_some_and(|v| v != &json!(""))));
        }
        prop_assert_eq!(run(&case), expected);
    }
}

#[test]
fn the_api_references_own_example_number_is_sent_with_a_warning() {
    let case = Case {
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
        edits: vec![
            None,
            None,
            None,
            Some("+15551234567".into()),
            None,
            None,
            None,
            None,
        ],
    };
    let Expected::Body { body, .. } = run(&case) else {
        panic!("not sent: {:?}", run(&case));
    };
    assert_eq!(body.get("phone_number"), Some(&json!("+15551234567")));
    let loaded = record(&case.loaded);
    let mut form = Form::new(&loaded, Region::US);
    form.set_value(Field::Phone, "+15551234567");
    let plan = form.plan().unwrap();
    assert_eq!(plan.warnings.len(), 1, "{:?}", plan.warnings);
    assert!(form.warning(Field::Phone).is_some());
}
