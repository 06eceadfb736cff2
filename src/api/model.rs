//! Wire types of the contacts endpoints.
//!
//! The reference does not mark the string fields nullable, but real responses (and older
//! copies of the spec) carry `null` or omit them, so every string is read leniently:
//! `null` and absence both become `""`. Ids may come as numbers or numeric strings.
//! Fields the editor only shows (full name, times, image URL, the owner's names) are
//! read whatever their type, so one odd value never makes a contact unreadable; the
//! fields it edits and sends back stay strict, since guessing there would send a guess.

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

fn null_as_empty<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(Option::<String>::deserialize(d)?.unwrap_or_default())
}

/// A shown-only value as text: strings as they are, numbers and booleans as written;
/// `null`, objects and arrays as `None` (there is no sensible line to show for them).
fn loose_text(v: Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Null | Value::Array(_) | Value::Object(_) => None,
    }
}

fn lenient_string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(loose_text(Value::deserialize(d)?).unwrap_or_default())
}

fn lenient_option<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(loose_text(Value::deserialize(d)?))
}

/// A non-negative whole number, written as a number or as a string of digits.
fn id_of(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// The contact's id is what every later request is addressed to: it must be readable.
fn contact_id<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    let v = Value::deserialize(d)?;
    id_of(&v).ok_or_else(|| D::Error::custom(format!("id is not a whole number: {v}")))
}

/// The owner's id is only shown; an unreadable one is as good as none.
fn owner_id<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    Ok(id_of(&Value::deserialize(d)?))
}

/// The user who owns a contact.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactOwner {
    #[serde(default, deserialize_with = "owner_id")]
    pub id: Option<u64>,
    /// Edited (as the contact's `user_email`), so read strictly.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub email: String,
    #[serde(default, deserialize_with = "lenient_string")]
    pub first_name: String,
    #[serde(default, deserialize_with = "lenient_string")]
    pub last_name: String,
    #[serde(default, deserialize_with = "lenient_string")]
    pub name: String,
}

/// A contact as the server returns it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    #[serde(deserialize_with = "contact_id")]
    pub id: u64,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub first_name: String,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub last_name: String,
    #[serde(default, deserialize_with = "lenient_string")]
    pub full_name: String,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub email: String,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub phone_number: String,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub company: String,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub title: String,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub location: String,
    #[serde(default, deserialize_with = "lenient_option")]
    pub image_url: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub created_at: String,
    #[serde(default, deserialize_with = "lenient_string")]
    pub updated_at: String,
    #[serde(default)]
    pub contact_owner: Option<ContactOwner>,
}

impl Contact {
    /// The owner's e-mail, or `""` when the contact has no owner.
    pub fn owner_email(&self) -> &str {
        self.contact_owner.as_ref().map_or("", |o| o.email.as_str())
    }

    /// Every text field with control characters removed (see [`crate::text::sanitize`]).
    pub fn sanitized(mut self) -> Contact {
        use crate::text::sanitize;
        for s in [
            &mut self.first_name,
            &mut self.last_name,
            &mut self.full_name,
            &mut self.email,
            &mut self.phone_number,
            &mut self.company,
            &mut self.title,
            &mut self.location,
            &mut self.created_at,
            &mut self.updated_at,
        ] {
            *s = sanitize(s);
        }
        if let Some(o) = &mut self.contact_owner {
            for s in [
                &mut o.email,
                &mut o.first_name,
                &mut o.last_name,
                &mut o.name,
            ] {
                *s = sanitize(s);
            }
        }
        self.image_url = self.image_url.map(|u| sanitize(&u));
        self
    }

    /// The owner's display name, or `""` when unknown.
    pub fn owner_name(&self) -> &str {
        self.contact_owner.as_ref().map_or("", |o| o.name.as_str())
    }
}

/// The fields of an update; `None` means "not sent". Field order is the wire order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_email: Option<String>,
}

impl ContactPatch {
    /// True when the patch names at least one of the identity fields, even with an empty
    /// value. The API counts only non-blank ones: see
    /// [`ContactPatch::has_filled_identity_field`].
    pub fn has_identity_field(&self) -> bool {
        self.identity_values().any(|_| true)
    }

    /// True when the patch holds at least one identity field with a non-blank value,
    /// which is what the API requires of every update (`""` does not count).
    pub fn has_filled_identity_field(&self) -> bool {
        self.identity_values().any(|v| !v.trim().is_empty())
    }

    fn identity_values(&self) -> impl Iterator<Item = &str> {
        [
            &self.first_name,
            &self.last_name,
            &self.email,
            &self.phone_number,
        ]
        .into_iter()
        .flatten()
        .map(String::as_str)
    }

    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// The request body, indented for the review screen (same keys, order and values as
    /// the compact body that is sent).
    pub fn body_pretty(&self) -> String {
        // A struct of strings always serialises; the fallback is unreachable in practice.
        serde_json::to_string_pretty(&UpdateRequest {
            contact: self.clone(),
        })
        .unwrap_or_default()
    }
}

/// The body of `PUT /api/partner/v2/contacts/{id}`: `{"contact": {...}}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateRequest {
    pub contact: ContactPatch,
}

/// `{"data": Contact}`, the envelope of get / update responses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataEnvelope {
    pub data: Contact,
}

/// The `pagination` object of the list endpoint.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pagination {
    pub current_page: u32,
    pub per_page: u32,
    pub total_pages: u32,
    pub total_count: u64,
}

/// One page of `GET /api/partner/v2/contacts`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactPage {
    pub contacts: Vec<Contact>,
    pub pagination: Pagination,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn null_and_missing_strings_read_as_empty() {
        let c: Contact = serde_json::from_str(
            r#"{"id":7,"first_name":null,"email":"a@b.c","contact_owner":null}"#,
        )
        .unwrap();
        assert_eq!(c.first_name, "");
        assert_eq!(c.last_name, "");
        assert_eq!(c.email, "a@b.c");
        assert_eq!(c.owner_email(), "");
    }

    #[test]
    fn ids_may_be_numeric_strings_and_shown_only_fields_any_type() {
        let c: Contact = serde_json::from_str(
            r#"{"id":"42","first_name":"Ada","full_name":{"given":"Ada"},"image_url":17,
                "created_at":1722337200,"updated_at":true,"extra":[1,2],
                "contact_owner":{"id":"3","email":"o@x.io","first_name":5,"last_name":null,
                                 "name":["O"],"role":"admin"}}"#,
        )
        .unwrap();
        assert_eq!(c.id, 42);
        assert_eq!(c.full_name, "");
        assert_eq!(c.image_url.as_deref(), Some("17"));
        assert_eq!(c.created_at, "1722337200");
        assert_eq!(c.updated_at, "true");
        let owner = c.contact_owner.unwrap();
        assert_eq!(owner.id, Some(3));
        assert_eq!(owner.first_name, "5");
        assert_eq!((owner.last_name.as_str(), owner.name.as_str()), ("", ""));

        let c: Contact =
            serde_json::from_str(r#"{"id":7,"contact_owner":{"id":"n/a","email":"o@x.io"}}"#)
                .unwrap();
        assert_eq!(c.contact_owner.unwrap().id, None);
    }

    #[test]
    fn an_unreadable_id_or_edited_field_is_still_an_error() {
        for bad in [
            r#"{"id":"abc"}"#,
            r#"{"id":-1}"#,
            r#"{"id":null}"#,
            r#"{"first_name":"Ada"}"#,
            r#"{"id":1,"email":{"a":1}}"#,
            r#"{"id":1,"phone_number":15551234567}"#,
        ] {
            assert!(serde_json::from_str::<Contact>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn only_a_filled_identity_field_satisfies_the_api() {
        let blank = ContactPatch {
            first_name: Some(String::new()),
            email: Some("  ".into()),
            title: Some("CTO".into()),
            ..Default::default()
        };
        assert!(blank.has_identity_field());
        assert!(!blank.has_filled_identity_field());
        let filled = ContactPatch {
            phone_number: Some("+15550100".into()),
            ..blank
        };
        assert!(filled.has_filled_identity_field());
        assert!(!ContactPatch::default().has_identity_field());
    }

    #[test]
    fn patch_serialises_only_present_fields_in_wire_order() {
        let body = UpdateRequest {
            contact: ContactPatch {
                user_email: Some("o@x.io".into()),
                email: Some("e@x.io".into()),
                ..Default::default()
            },
        };
        assert_eq!(
            serde_json::to_string(&body).unwrap(),
            r#"{"contact":{"email":"e@x.io","user_email":"o@x.io"}}"#
        );
    }
}
