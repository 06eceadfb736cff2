//! The integration token as a type that cannot leak by accident.

use std::fmt;

/// A secret string. `Debug` and `Display` print a placeholder; the value is reachable only
/// through [`Token::expose`], which is called where the header is built and nowhere else.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formatting_never_shows_the_value() {
        let t = Token::new("s3cret-value");
        assert!(!format!("{t:?} {t} {t:#?}").contains("s3cret"));
        assert_eq!(t.expose(), "s3cret-value");
    }
}
