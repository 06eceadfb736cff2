//! E-mail addresses as the API stores them: a bare `local@domain`, nothing else.

/// `Ok` for a bare address. A display name (`Ana <ana@x.io>`), a domain literal
/// (`a@[1.2.3.4]`) or a quoted local part (`"a b"@x.io`) is refused with the reason:
/// the standard allows them, but the API stores an address, and sending the decorated
/// form would store the decoration.
pub fn check_bare(value: &str) -> Result<(), String> {
    if value.contains('<') || value.contains('>') {
        return Err(format!(
            "\"{value}\" has a display name: enter only the address (name@example.com)"
        ));
    }
    if value.chars().any(char::is_whitespace) {
        return Err(format!(
            "\"{value}\" has spaces in it: enter only the address"
        ));
    }
    let Some((local, domain)) = value.rsplit_once('@') else {
        return Err(format!("\"{value}\" is not an e-mail address (no @)"));
    };
    if domain.starts_with('[') {
        return Err(format!(
            "\"{value}\" has a domain literal ({domain}): enter an address with a domain name"
        ));
    }
    if local.starts_with('"') {
        return Err(format!(
            "\"{value}\" has a quoted local part: enter an address without quotes"
        ));
    }
    if email_address::EmailAddress::is_valid(value) {
        Ok(())
    } else {
        Err(format!("\"{value}\" is not a valid e-mail address"))
    }
}

/// The domain case-folded (the local part is case-sensitive by the standard): how two
/// spellings of one address are compared.
pub fn fold_domain(address: &str) -> String {
    match address.rsplit_once('@') {
        Some((local, domain)) => format!("{local}@{}", domain.to_lowercase()),
        None => address.to_string(),
    }
}
