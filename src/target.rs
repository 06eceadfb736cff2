//! What the user typed to open a contact: an id, an e-mail or a phone number.

use phonenumber::country::Id as Region;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Id(u64),
    Email(String),
    /// Already normalised to E.164.
    Phone(String),
}

impl Target {
    /// "contact 42", "user@example.com", "+15551234567": for status lines.
    pub fn describe(&self) -> String {
        match self {
            Target::Id(id) => format!("contact {id}"),
            Target::Email(e) => e.clone(),
            Target::Phone(p) => p.clone(),
        }
    }
}

/// Digits (optionally `#`-prefixed) are an id; text with `@` an e-mail; anything else
/// must parse as a phone number in any common format.
pub fn parse_target(raw: &str, region: Region) -> Result<Target, String> {
    let s = raw.trim();
    if s.is_empty() {
        return Err("type an id, an e-mail or a phone number".into());
    }
    let digits = s.strip_prefix('#').unwrap_or(s);
    if !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()) && !s.starts_with('0') {
        // Ten or more digits read as a phone number: ids are not that long in practice,
        // and "5551234567" is far more likely a number typed without punctuation.
        if digits.len() < 10 || s.starts_with('#') {
            return digits
                .parse::<u64>()
                .ok()
                .filter(|&id| id > 0)
                .map(Target::Id)
                .ok_or_else(|| format!("\"{s}\" is not a contact id"));
        }
    }
    if s.contains('@') {
        return if email_address::EmailAddress::is_valid(s) {
            Ok(Target::Email(s.to_string()))
        } else {
            Err(format!("\"{s}\" is not a valid e-mail address"))
        };
    }
    crate::form::normalise_phone_for_lookup(s, region)
        .map(Target::Phone)
        .map_err(|_| format!("\"{s}\" is not an id, an e-mail or a phone number"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_ids_emails_and_phones() {
        let p = |s| parse_target(s, Region::US);
        assert_eq!(p("42"), Ok(Target::Id(42)));
        assert_eq!(p(" #1001 "), Ok(Target::Id(1001)));
        assert_eq!(p("a@b.co"), Ok(Target::Email("a@b.co".into())));
        assert_eq!(
            p("+1 555 123 4567"),
            Ok(Target::Phone("+15551234567".into()))
        );
        assert_eq!(
            p("(555) 123-4567"),
            Ok(Target::Phone("+15551234567".into()))
        );
        assert_eq!(p("5551234567"), Ok(Target::Phone("+15551234567".into())));
        assert!(p("").is_err());
        assert!(p("bob@").is_err());
        assert!(p("hello").is_err());
        assert!(p("0").is_err());
    }
}
