//! Wire types of the contacts endpoints.
//!
//! The reference does not mark the string fields nullable, but real responses (and older
//! copies of the spec) carry `null` or omit them, so every string is read leniently:
//! `null` and absence both become `""`.

use serde::{Deserialize, Deserializer, Serialize};

fn null_as_empty<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(Option::<String>::deserialize(d)?.unwrap_or_default())
}

/// The user who owns a contact.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactOwner {
    #[serde(default)]
    pub id: Option<u64>,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub email: String,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub first_name: String,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub last_name: String,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub name: String,
}

/// A contact as the server returns it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub id: u64,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub first_name: String,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub last_name: String,
    #[serde(default, deserialize_with = "null_as_empty")]
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
    #[serde(default)]
    pub image_url: Option<String>,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub created_at: String,
    #[serde(default, deserialize_with = "null_as_empty")]
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
    /// True when the patch names at least one of the identity fields the API requires.
    pub fn has_identity_field(&self) -> bool {
        self.first_name.is_some()
            || self.last_name.is_some()
            || self.email.is_some()
            || self.phone_number.is_some()
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
