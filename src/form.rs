//! The edit form: loaded values, edited values, validation, and the minimal patch.
//!
//! "Dirty" is derived from the two values on every call, never stored, so it can never
//! disagree with what is on screen or what would be sent.

use crate::api::{Contact, ContactPatch};
use phonenumber::country::Id as Region;
use tui_input::Input;

/// The editable fields, in display order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    FirstName,
    LastName,
    Email,
    Phone,
    Company,
    Title,
    Location,
    Owner,
}

impl Field {
    pub const ALL: [Field; 8] = [
        Field::FirstName,
        Field::LastName,
        Field::Email,
        Field::Phone,
        Field::Company,
        Field::Title,
        Field::Location,
        Field::Owner,
    ];

    /// The fields of which the API wants at least one in every update, in the order the
    /// identity rule picks them.
    pub const IDENTITY: [Field; 4] = [
        Field::FirstName,
        Field::LastName,
        Field::Email,
        Field::Phone,
    ];

    pub fn index(self) -> usize {
        self as usize
    }

    pub fn label(self) -> &'static str {
        match self {
            Field::FirstName => "First name",
            Field::LastName => "Last name",
            Field::Email => "E-mail",
            Field::Phone => "Phone",
            Field::Company => "Company",
            Field::Title => "Title",
            Field::Location => "Location",
            Field::Owner => "Owner",
        }
    }

    /// The key this field has in the request body.
    pub fn api_name(self) -> &'static str {
        match self {
            Field::FirstName => "first_name",
            Field::LastName => "last_name",
            Field::Email => "email",
            Field::Phone => "phone_number",
            Field::Company => "company",
            Field::Title => "title",
            Field::Location => "location",
            Field::Owner => "user_email",
        }
    }

    pub fn is_identity(self) -> bool {
        Self::IDENTITY.contains(&self)
    }

    /// This field's value in a server record.
    pub fn of(self, c: &Contact) -> &str {
        match self {
            Field::FirstName => &c.first_name,
            Field::LastName => &c.last_name,
            Field::Email => &c.email,
            Field::Phone => &c.phone_number,
            Field::Company => &c.company,
            Field::Title => &c.title,
            Field::Location => &c.location,
            Field::Owner => c.owner_email(),
        }
    }

    pub fn next(self) -> Field {
        Self::ALL[(self.index() + 1) % Self::ALL.len()]
    }

    pub fn prev(self) -> Field {
        Self::ALL[(self.index() + Self::ALL.len() - 1) % Self::ALL.len()]
    }

    /// This field's value in a patch, if the patch sends it.
    pub fn in_patch(self, patch: &ContactPatch) -> Option<&str> {
        match self {
            Field::FirstName => patch.first_name.as_deref(),
            Field::LastName => patch.last_name.as_deref(),
            Field::Email => patch.email.as_deref(),
            Field::Phone => patch.phone_number.as_deref(),
            Field::Company => patch.company.as_deref(),
            Field::Title => patch.title.as_deref(),
            Field::Location => patch.location.as_deref(),
            Field::Owner => patch.user_email.as_deref(),
        }
    }

    fn set_in(self, patch: &mut ContactPatch, value: String) {
        let slot = match self {
            Field::FirstName => &mut patch.first_name,
            Field::LastName => &mut patch.last_name,
            Field::Email => &mut patch.email,
            Field::Phone => &mut patch.phone_number,
            Field::Company => &mut patch.company,
            Field::Title => &mut patch.title,
            Field::Location => &mut patch.location,
            Field::Owner => &mut patch.user_email,
        };
        *slot = Some(value);
    }
}

/// A problem the client can see before sending anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// `None` for a problem of the whole form (no identity field left).
    pub field: Option<Field>,
    pub message: String,
}

/// One line of the review: what the field was and what will be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub field: Field,
    pub old: String,
    pub new: String,
    /// What the user typed, when it differs from what is sent (phone normalisation).
    pub typed: Option<String>,
}

/// Everything the review shows and the save sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub changes: Vec<Change>,
    /// The identity field added unchanged because the API requires one.
    pub required_unchanged: Option<(Field, String)>,
    pub patch: ContactPatch,
}

/// Why no request can be built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanError {
    NothingChanged,
    Invalid(Vec<Problem>),
}

impl PlanError {
    pub fn summary(&self) -> String {
        match self {
            PlanError::NothingChanged => "nothing to send: no field has changed".into(),
            PlanError::Invalid(problems) => problems
                .iter()
                .map(|p| match p.field {
                    Some(f) => format!("{}: {}", f.label(), p.message),
                    None => p.message.clone(),
                })
                .collect::<Vec<_>>()
                .join("; "),
        }
    }
}

#[derive(Debug, Clone)]
struct FieldState {
    loaded: String,
    input: Input,
}

/// The form for one contact.
#[derive(Debug, Clone)]
pub struct Form {
    fields: [FieldState; 8],
    region: Region,
}

impl Form {
    pub fn new(contact: &Contact, region: Region) -> Self {
        let fields = Field::ALL.map(|f| FieldState {
            loaded: f.of(contact).to_string(),
            input: Input::new(f.of(contact).to_string()),
        });
        Self { fields, region }
    }

    pub fn region(&self) -> Region {
        self.region
    }

    pub fn loaded(&self, f: Field) -> &str {
        &self.fields[f.index()].loaded
    }

    pub fn value(&self, f: Field) -> &str {
        self.fields[f.index()].input.value()
    }

    pub fn input(&self, f: Field) -> &Input {
        &self.fields[f.index()].input
    }

    pub fn input_mut(&mut self, f: Field) -> &mut Input {
        &mut self.fields[f.index()].input
    }

    /// Replaces a field's text, cursor at the end.
    pub fn set_value(&mut self, f: Field, value: impl Into<String>) {
        self.fields[f.index()].input = Input::new(value.into());
    }

    pub fn revert(&mut self, f: Field) {
        let loaded = self.loaded(f).to_string();
        self.set_value(f, loaded);
    }

    /// Makes `contact` the new baseline. Fields whose text is still `sent_values` (what
    /// went out with the save) take the server's value, so normalised values show and
    /// the markers clear; fields typed into while the save was in flight keep their text.
    pub fn rebase(&mut self, contact: &Contact, sent_values: Option<&[String; 8]>) {
        for f in Field::ALL {
            let server = f.of(contact).to_string();
            let untouched_since_send = sent_values.is_none_or(|s| s[f.index()] == self.value(f));
            let state = &mut self.fields[f.index()];
            state.loaded = server.clone();
            if untouched_since_send {
                state.input = Input::new(server);
            }
        }
    }

    /// All edited values, in field order (a snapshot taken when a save goes out).
    pub fn values(&self) -> [String; 8] {
        Field::ALL.map(|f| self.value(f).to_string())
    }

    /// The value that would be sent for `f`: trimmed, and for the phone normalised to
    /// E.164. `Err` carries the validation message.
    pub fn outgoing(&self, f: Field) -> Result<String, String> {
        outgoing_value(f, self.value(f), self.region)
    }

    /// Edited differs from loaded in what would actually be sent: typing surrounding
    /// spaces, or the same phone number in another format, is not a change.
    pub fn is_dirty(&self, f: Field) -> bool {
        let (value, loaded) = (self.value(f), self.loaded(f));
        value != loaded && self.outgoing(f).as_deref() != Ok(loaded)
    }

    pub fn dirty_fields(&self) -> Vec<Field> {
        Field::ALL
            .into_iter()
            .filter(|&f| self.is_dirty(f))
            .collect()
    }

    pub fn is_any_dirty(&self) -> bool {
        Field::ALL.into_iter().any(|f| self.is_dirty(f))
    }

    /// Problems visible without asking the server, for dirty fields only: an untouched
    /// field is the server's business.
    pub fn problems(&self) -> Vec<Problem> {
        let mut problems: Vec<Problem> = self
            .dirty_fields()
            .into_iter()
            .filter_map(|f| {
                self.outgoing(f).err().map(|message| Problem {
                    field: Some(f),
                    message,
                })
            })
            .collect();
        let identity_dirty = Field::IDENTITY.iter().any(|&f| self.is_dirty(f));
        let final_value = |f: Field| {
            if self.is_dirty(f) {
                self.value(f).trim().to_string()
            } else {
                self.loaded(f).to_string()
            }
        };
        if Field::IDENTITY.iter().all(|&f| final_value(f).is_empty()) {
            let message = if identity_dirty {
                "first name, last name, e-mail and phone cannot all be empty"
            } else {
                "this contact has no first name, last name, e-mail or phone, and the API \
                 needs one of them in every update: fill one in"
            };
            problems.push(Problem {
                field: None,
                message: message.into(),
            });
        }
        problems
    }

    /// Builds the smallest valid request from the form.
    pub fn plan(&self) -> Result<Plan, PlanError> {
        self.plan_avoiding(&[])
    }

    /// [`Form::plan`], preferring for the identity rule a field not in `avoid`: fields
    /// whose stored value had control characters removed, since echoing the cleaned
    /// value would quietly change what the server holds.
    pub fn plan_avoiding(&self, avoid: &[Field]) -> Result<Plan, PlanError> {
        let dirty = self.dirty_fields();
        if dirty.is_empty() {
            return Err(PlanError::NothingChanged);
        }
        let problems = self.problems();
        if !problems.is_empty() {
            return Err(PlanError::Invalid(problems));
        }
        let mut patch = ContactPatch::default();
        let mut changes = Vec::with_capacity(dirty.len());
        for f in dirty {
            let new = self.outgoing(f).map_err(|message| {
                PlanError::Invalid(vec![Problem {
                    field: Some(f),
                    message,
                }])
            })?;
            let typed = self.value(f).trim();
            changes.push(Change {
                field: f,
                old: self.loaded(f).to_string(),
                typed: (typed != new).then(|| typed.to_string()),
                new: new.clone(),
            });
            f.set_in(&mut patch, new);
        }
        let required_unchanged = if patch.has_identity_field() {
            None
        } else {
            // `problems()` guarantees one identity field has a loaded value.
            let filled = |f: &Field| !self.loaded(*f).is_empty();
            Field::IDENTITY
                .into_iter()
                .filter(filled)
                .find(|f| !avoid.contains(f))
                .or_else(|| Field::IDENTITY.into_iter().find(filled))
                .map(|f| {
                    let value = self.loaded(f).to_string();
                    f.set_in(&mut patch, value.clone());
                    (f, value)
                })
        };
        Ok(Plan {
            changes,
            required_unchanged,
            patch,
        })
    }
}

/// The field a server message is about, when it names one ("Email is invalid",
/// "phone_number must be E.164", "User email does not belong…").
pub fn field_named_in(message: &str) -> Option<Field> {
    let m = message.to_lowercase().replace(['_', '-'], " ");
    let named = |words: &[&str]| words.iter().any(|w| m.contains(w));
    // The owner first: "user email" also contains "email".
    if named(&["user email", "owner"]) {
        Some(Field::Owner)
    } else if named(&["first name"]) {
        Some(Field::FirstName)
    } else if named(&["last name"]) {
        Some(Field::LastName)
    } else if named(&["email", "e mail"]) {
        Some(Field::Email)
    } else if named(&["phone"]) {
        Some(Field::Phone)
    } else if named(&["company"]) {
        Some(Field::Company)
    } else if named(&["title"]) {
        Some(Field::Title)
    } else if named(&["location"]) {
        Some(Field::Location)
    } else {
        None
    }
}

/// Trims, then checks and normalises per field. Empty is allowed (clearing a field) except
/// for the owner, which must name a user.
pub fn outgoing_value(f: Field, raw: &str, region: Region) -> Result<String, String> {
    let value = raw.trim();
    match f {
        Field::Email if !value.is_empty() => {
            if email_address::EmailAddress::is_valid(value) {
                Ok(value.to_string())
            } else {
                Err(format!("\"{value}\" is not a valid e-mail address"))
            }
        }
        Field::Phone if !value.is_empty() => normalise_phone(value, region),
        Field::Owner if value.is_empty() => {
            Err("the owner cannot be empty: enter the e-mail of a user".into())
        }
        Field::Owner => {
            if email_address::EmailAddress::is_valid(value) {
                Ok(value.to_string())
            } else {
                Err("the owner must be the e-mail of a user".into())
            }
        }
        _ => Ok(value.to_string()),
    }
}

/// E.164, assuming `region` when the number has no country code. Only numbers that are
/// valid for their country pass: "555 12" or a UK number typed without +44 in the US
/// region are refused rather than sent mangled. Letters are refused too: the parser would
/// read them as keypad digits, and an extension would be silently dropped.
pub fn normalise_phone(value: &str, region: Region) -> Result<String, String> {
    let number = parse_phone(value, region)?;
    if phonenumber::is_valid(&number) {
        Ok(number.format().mode(phonenumber::Mode::E164).to_string())
    } else {
        Err(
            if value.trim_start().starts_with('+') || value.trim_start().starts_with("00") {
                format!("\"{value}\" is not a valid phone number")
            } else {
                format!(
                    "\"{value}\" is not a valid phone number for {region:?}; include the country \
                 code (+44 …) for other countries"
                )
            },
        )
    }
}

/// Like [`normalise_phone`] but without the validity check: for looking contacts up,
/// where the server decides and a stored number may be fictional.
pub fn normalise_phone_for_lookup(value: &str, region: Region) -> Result<String, String> {
    parse_phone(value, region).map(|n| n.format().mode(phonenumber::Mode::E164).to_string())
}

fn parse_phone(value: &str, region: Region) -> Result<phonenumber::PhoneNumber, String> {
    if value.chars().any(|c| c.is_alphabetic()) {
        return Err(format!(
            "\"{value}\" has letters in it: phone numbers are digits only (no extensions)"
        ));
    }
    phonenumber::parse(Some(region), value)
        .map_err(|_| format!("\"{value}\" is not a phone number"))
}

/// A field both the user and someone else changed since it was loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    pub field: Field,
    pub loaded: String,
    pub theirs: String,
    pub yours: String,
}

/// What a fresh read of the record did to the form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Merge {
    /// Untouched fields the server changed: taken silently.
    pub taken: Vec<Field>,
    /// Fields changed on both sides to different values.
    pub conflicts: Vec<Conflict>,
}

impl Form {
    /// Moves the baseline to `theirs`, the record as it is on the server now. Untouched
    /// fields follow the server; edits stay edits, now measured against the server's
    /// value, so the plan built afterwards is minimal against what is really stored. An
    /// edit of a field the server also changed, to another value, is a conflict.
    pub fn merge_remote(&mut self, theirs: &Contact) -> Merge {
        let mut merge = Merge::default();
        for f in Field::ALL {
            let their_value = f.of(theirs);
            if their_value == self.loaded(f) {
                continue;
            }
            if !self.is_dirty(f) {
                merge.taken.push(f);
                self.set_value(f, their_value);
            } else if self.outgoing(f).as_deref() != Ok(their_value) {
                merge.conflicts.push(Conflict {
                    field: f,
                    loaded: self.loaded(f).to_string(),
                    theirs: their_value.to_string(),
                    yours: self.value(f).to_string(),
                });
            }
            self.fields[f.index()].loaded = their_value.to_string();
        }
        merge
    }
}

/// A sent field the server did not store as sent (or an owner change nobody sent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unapplied {
    pub field: Field,
    /// `None` when the field was not in the body (an owner that changed unasked).
    pub sent: Option<String>,
    pub stored: String,
}

impl Unapplied {
    /// `E-mail (sent "a@x.io", stored "b@x.io")`, for the status pane and the command line.
    pub fn describe(&self) -> String {
        match &self.sent {
            Some(sent) => format!(
                "{} (sent \"{sent}\", stored \"{}\")",
                self.field.label(),
                self.stored
            ),
            None => format!(
                "{} (not sent, but now \"{}\")",
                self.field.label(),
                self.stored
            ),
        }
    }
}

/// Compares what a save sent with what the server says it stored: phones as E.164,
/// e-mails with the domain case-folded, text trimmed. `before` is the record the save was
/// built against: an owner that changed although no owner was sent is reported too.
pub fn unapplied(patch: &ContactPatch, before: &Contact, stored: &Contact) -> Vec<Unapplied> {
    let mut out = Vec::new();
    for f in Field::ALL {
        let now = f.of(stored);
        match f.in_patch(patch) {
            Some(sent) if !same_stored_value(f, sent, now) => out.push(Unapplied {
                field: f,
                sent: Some(sent.to_string()),
                stored: now.to_string(),
            }),
            None if f == Field::Owner && !same_stored_value(f, f.of(before), now) => {
                out.push(Unapplied {
                    field: f,
                    sent: None,
                    stored: now.to_string(),
                })
            }
            _ => {}
        }
    }
    out
}

fn same_stored_value(f: Field, sent: &str, stored: &str) -> bool {
    let (sent, stored) = (sent.trim(), stored.trim());
    match f {
        Field::Email | Field::Owner => fold_email_domain(sent) == fold_email_domain(stored),
        Field::Phone if !sent.is_empty() => {
            let e164 = |s: &str| {
                phonenumber::parse(None, s)
                    .map(|n| n.format().mode(phonenumber::Mode::E164).to_string())
                    .unwrap_or_else(|_| s.to_string())
            };
            e164(sent) == e164(stored)
        }
        _ => sent == stored,
    }
}

/// The local part is case-sensitive by the standard; the domain is not.
fn fold_email_domain(address: &str) -> String {
    match address.rsplit_once('@') {
        Some((local, domain)) => format!("{local}@{}", domain.to_lowercase()),
        None => address.to_string(),
    }
}
