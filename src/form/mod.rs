//! The edit form: loaded values, edited values, validation, and the minimal patch.
//!
//! "Dirty" is derived from the two values on every call, never stored, so it can never
//! disagree with what is on screen or what would be sent.

mod email;
mod fields;
pub mod line;
pub mod many;
mod phone;
mod stored;

pub use email::{check_bare as check_email, fold_domain as fold_email_domain};
pub use fields::{
    Field, Kind, LABEL_WIDTH, Spec, TABLE as FIELDS, Values, api_names, identity_list,
};
pub use phone::{normalise as normalise_phone, normalise_for_lookup as normalise_phone_for_lookup};
pub use stored::{Unapplied, holds, unapplied};

use crate::api::{Contact, ContactPatch};
use phonenumber::country::Id as Region;
use tui_input::Input;

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
    /// Values that will be sent but deserve a second look (a phone number outside the
    /// numbering plan's assigned ranges).
    pub warnings: Vec<(Field, String)>,
    /// The form's text when the plan was built: after the save, a field whose text has
    /// moved on since is kept as a new edit.
    pub values: Values,
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
    /// Set when the server changed this field under an edit: the value the edit was
    /// made against. The conflict stands until the user overwrites or takes theirs
    /// (or the edit goes away), however many times the record is re-read.
    conflict_base: Option<String>,
}

/// The form for one contact.
#[derive(Debug, Clone)]
pub struct Form {
    fields: [FieldState; Field::COUNT],
    region: Region,
}

impl Form {
    pub fn new(contact: &Contact, region: Region) -> Self {
        let fields = Field::ALL.map(|f| FieldState {
            loaded: f.of(contact).to_string(),
            input: Input::new(f.of(contact).to_string()),
            conflict_base: None,
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

    /// Back to the loaded value; a conflict on the field is settled in the server's favour.
    pub fn revert(&mut self, f: Field) {
        let loaded = self.loaded(f).to_string();
        self.set_value(f, loaded);
        self.fields[f.index()].conflict_base = None;
    }

    /// Fields changed both here and on the server, to different values, and not yet
    /// settled: nothing may be sent without an explicit overwrite.
    pub fn conflicts(&self) -> Vec<Conflict> {
        Field::ALL
            .into_iter()
            .filter_map(|f| {
                let base = self.fields[f.index()].conflict_base.as_ref()?;
                (self.is_dirty(f) && self.outgoing(f).as_deref() != Ok(self.loaded(f))).then(|| {
                    Conflict {
                        field: f,
                        loaded: base.clone(),
                        theirs: self.loaded(f).to_string(),
                        yours: self.value(f).to_string(),
                    }
                })
            })
            .collect()
    }

    /// Puts `before` back as the field's text (taking back a save that stored `after`).
    /// When the server now holds something else than `after`, someone changed the field
    /// since that save: the edit is a conflict, not a silent undo of their change.
    pub fn put_back(&mut self, f: Field, before: &str, after: &str) {
        self.set_value(f, before);
        let state = &mut self.fields[f.index()];
        state.conflict_base = (state.loaded != after).then(|| after.to_string());
    }

    /// The user chose their values over the server's for every conflicting field.
    pub fn overwrite_conflicts(&mut self) {
        for state in &mut self.fields {
            state.conflict_base = None;
        }
    }

    /// Makes `contact`, the answer to a save of `plan`, the new baseline. A sent field
    /// whose text is still what was reviewed takes the server's value (normalised values
    /// show, markers clear); text typed since the review stays, now an edit against what
    /// the server stored. Fields that were not sent follow the server unless edited.
    /// `not_stored`: sent fields the server did not store, which stay edits to send again.
    pub fn rebase_after_save(&mut self, contact: &Contact, plan: &Plan, not_stored: &[Field]) {
        for f in Field::ALL {
            let server = f.of(contact).to_string();
            let keep = if not_stored.contains(&f) {
                true
            } else if f.in_patch(&plan.patch).is_some() {
                plan.values[f.index()] != self.value(f)
            } else {
                self.is_dirty(f)
            };
            let state = &mut self.fields[f.index()];
            state.loaded = server.clone();
            if !keep {
                state.input = Input::new(server);
                state.conflict_base = None;
            }
        }
    }

    /// A reload that arrives after the user typed: `contact` replaces the record, and the
    /// fields whose text moved on since `before` (the text when the reload was asked
    /// for) are kept as edits, merged like a restored draft (a field the server also
    /// changed is a conflict). Everything else is dropped for the server's value.
    pub fn reload(&self, contact: &Contact, before: &Values) -> (Form, Merge) {
        let mut old = self.clone();
        for f in Field::ALL {
            if self.value(f) == before[f.index()] {
                old.revert(f);
            }
        }
        let merge = old.merge_remote(contact);
        (old, merge)
    }

    /// All edited values, in field order (a snapshot taken when a save goes out).
    pub fn values(&self) -> Values {
        Field::ALL.map(|f| self.value(f).to_string())
    }

    /// The value that would be sent for `f`: trimmed, and for the phone normalised to
    /// E.164. `Err` carries the validation message.
    pub fn outgoing(&self, f: Field) -> Result<String, String> {
        outgoing_value(f, self.value(f), self.region)
    }

    /// A warning about the value that would be sent for `f`, when it is dirty.
    pub fn warning(&self, f: Field) -> Option<String> {
        if self.is_dirty(f) {
            outgoing_warning(f, self.value(f), self.region)
        } else {
            None
        }
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
        let identity_dirty = Field::identity().any(|f| self.is_dirty(f));
        let final_value = |f: Field| {
            if self.is_dirty(f) {
                self.value(f).trim().to_string()
            } else {
                self.loaded(f).to_string()
            }
        };
        if Field::identity().all(|f| final_value(f).is_empty()) {
            let message = if identity_dirty {
                format!("{} cannot all be empty", fields::identity_words("and"))
            } else {
                format!(
                    "this contact has no {}, and the API needs one of them in every update: \
                     fill one in",
                    fields::identity_words("or")
                )
            };
            problems.push(Problem {
                field: None,
                message,
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
        let (mut patch, changes, warnings) =
            self.body_of(&dirty, |f| self.loaded(f).to_string())?;
        // A clear ("") is sent but does not count for the API's identity rule.
        let counts = |f: &Field| f.in_patch(&patch).is_some_and(|v| !v.is_empty());
        let required_unchanged = if Field::identity().any(|f| counts(&f)) {
            None
        } else {
            // `problems()` guarantees one identity field keeps a non-empty value; only an
            // unchanged one can be echoed (a changed one is in the body already).
            let echoable = |f: &Field| f.in_patch(&patch).is_none() && !self.loaded(*f).is_empty();
            Field::identity()
                .filter(echoable)
                .find(|f| !avoid.contains(f))
                .or_else(|| Field::identity().find(echoable))
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
            warnings,
            values: self.values(),
        })
    }
}

impl Form {
    /// The body that sends `fields` as the form would (trimmed, normalised), each as a
    /// change from `old(field)`, with the warnings of the values sent: the one loop both
    /// an update and a create build their request with.
    #[allow(clippy::type_complexity)]
    fn body_of(
        &self,
        fields: &[Field],
        old: impl Fn(Field) -> String,
    ) -> Result<(ContactPatch, Vec<Change>, Vec<(Field, String)>), PlanError> {
        let mut patch = ContactPatch::default();
        let mut changes = Vec::with_capacity(fields.len());
        let mut warnings = Vec::new();
        for &f in fields {
            let new = self.outgoing(f).map_err(|message| {
                PlanError::Invalid(vec![Problem {
                    field: Some(f),
                    message,
                }])
            })?;
            let typed = self.value(f).trim();
            if let Some(w) = outgoing_warning(f, typed, self.region) {
                warnings.push((f, w));
            }
            changes.push(Change {
                field: f,
                old: old(f),
                typed: (typed != new).then(|| typed.to_string()),
                new: new.clone(),
            });
            f.set_in(&mut patch, new);
        }
        Ok((patch, changes, warnings))
    }

    /// An empty form, for a contact that does not exist yet.
    pub fn blank(region: Region) -> Self {
        Self::new(&Contact::default(), region)
    }

    /// The body that creates a contact from this form: every non-empty field, trimmed
    /// and normalised like an update's; empty fields are not sent (an empty owner lets
    /// the server assign its default). At least one identity field must be non-empty.
    pub fn create_plan(&self) -> Result<Plan, PlanError> {
        let filled: Vec<Field> = Field::ALL
            .into_iter()
            .filter(|&f| !self.value(f).trim().is_empty())
            .collect();
        if filled.is_empty() {
            return Err(PlanError::NothingChanged);
        }
        let mut problems: Vec<Problem> = filled
            .iter()
            .filter_map(|&f| {
                self.outgoing(f).err().map(|message| Problem {
                    field: Some(f),
                    message,
                })
            })
            .collect();
        if !filled.iter().any(|f| f.is_identity()) {
            problems.push(Problem {
                field: None,
                message: "a new contact needs a first name, last name, e-mail or phone".into(),
            });
        }
        if !problems.is_empty() {
            return Err(PlanError::Invalid(problems));
        }
        let (patch, changes, warnings) = self.body_of(&filled, |_| String::new())?;
        Ok(Plan {
            changes,
            required_unchanged: None,
            patch,
            warnings,
            values: self.values(),
        })
    }
}

/// A record from the server with control characters removed, and the fields that had
/// some: what every front end shows, compares and sends is the cleaned text, and the
/// identity rule avoids echoing a field whose stored value was changed by the cleaning.
pub fn clean_record(raw: &Contact) -> (Contact, Vec<Field>) {
    let clean = raw.clone().sanitized();
    let cleaned = Field::ALL
        .into_iter()
        .filter(|f| f.of(raw) != f.of(&clean))
        .collect();
    (clean, cleaned)
}

/// The field a server message is about, when it names one ("Email is invalid",
/// "phone_number must be E.164", "User email does not belong…"): the field whose words
/// match the longest stretch ("user email" is the owner, though it holds "email").
pub fn field_named_in(message: &str) -> Option<Field> {
    let m = message.to_lowercase().replace(['_', '-'], " ");
    Field::ALL
        .into_iter()
        .filter_map(|f| {
            let longest = f
                .spec()
                .words
                .iter()
                .filter(|w| m.contains(*w))
                .map(|w| w.len())
                .max()?;
            Some((longest, f))
        })
        .max_by_key(|(len, f)| (*len, std::cmp::Reverse(*f)))
        .map(|(_, f)| f)
}

/// Trims, then checks and normalises per field. Empty is allowed (clearing a field) except
/// for the owner, which must name a user.
pub fn outgoing_value(f: Field, raw: &str, region: Region) -> Result<String, String> {
    let value = raw.trim();
    match f.spec().kind {
        Kind::Email if !value.is_empty() => check_email(value).map(|()| value.to_string()),
        Kind::Phone if !value.is_empty() => normalise_phone(value, region),
        Kind::User if value.is_empty() => {
            Err("the owner cannot be empty: enter the e-mail of a user".into())
        }
        Kind::User => check_email(value)
            .map(|()| value.to_string())
            .map_err(|why| format!("the owner must be the e-mail of a user: {why}")),
        Kind::Text | Kind::Email | Kind::Phone => Ok(value.to_string()),
    }
}

/// Something worth a second look that does not stop the value from being sent.
pub fn outgoing_warning(f: Field, raw: &str, region: Region) -> Option<String> {
    match f.spec().kind {
        Kind::Phone if !raw.trim().is_empty() => phone::warning(raw.trim(), region),
        _ => None,
    }
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
    /// Every unsettled conflict after the merge (found now or at an earlier read).
    pub conflicts: Vec<Conflict>,
}

impl Form {
    /// Moves the baseline to `theirs`, the record as it is on the server now. Untouched
    /// fields follow the server; edits stay edits, now measured against the server's
    /// value, so the plan built afterwards is minimal against what is really stored. An
    /// edit of a field the server also changed, to another value, is a conflict.
    pub fn merge_remote(&mut self, theirs: &Contact) -> Merge {
        let mut taken = Vec::new();
        for f in Field::ALL {
            let their_value = f.of(theirs);
            if their_value == self.loaded(f) {
                continue;
            }
            if !self.is_dirty(f) {
                taken.push(f);
                self.set_value(f, their_value);
            } else if self.outgoing(f).as_deref() != Ok(their_value) {
                let base = self.loaded(f).to_string();
                self.fields[f.index()].conflict_base.get_or_insert(base);
            }
            self.fields[f.index()].loaded = their_value.to_string();
        }
        Merge {
            taken,
            conflicts: self.conflicts(),
        }
    }

    /// What Ctrl-S does with the record it has just re-read: merge it, then build the
    /// request against it (`avoid`: see [`Form::plan_avoiding`]).
    pub fn check_against(
        &mut self,
        theirs: &Contact,
        avoid: &[Field],
    ) -> (Merge, Result<Plan, PlanError>) {
        let merge = self.merge_remote(theirs);
        (merge, self.plan_avoiding(avoid))
    }
}
