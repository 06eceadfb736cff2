//! Phone numbers as the API stores them: E.164.
//!
//! A number is sent when it parses and has a *possible* length for its country; the
//! numbering plan's stricter "valid" (assigned ranges) only warns, because real records
//! hold numbers the plan calls invalid (the API reference's own `+15551234567`).

use phonenumber::country::Id as Region;
use unicode_normalization::UnicodeNormalization;

/// The characters that introduce an extension in the usual spellings
/// (`x12`, `ext. 12`, `#12`, `,12` and `;12` for dialers, `~` for a wait).
const EXTENSION_MARKS: [char; 5] = ['x', '#', ',', ';', '~'];

/// E.164 for `value`, assuming `region` when it has no country code.
pub fn normalise(value: &str, region: Region) -> Result<String, String> {
    let number = parse(value, region)?;
    if !has_possible_length(&number) {
        return Err(
            if value.trim_start().starts_with('+') || value.trim_start().starts_with("00") {
                format!("\"{value}\" is not a possible phone number (wrong length)")
            } else {
                format!(
                    "\"{value}\" is not a possible phone number for {region:?}; include the \
                     country code (+44 …) for other countries"
                )
            },
        );
    }
    Ok(e164(&number))
}

/// A warning for a number that will be sent but that the numbering plan calls invalid
/// (an unassigned area code, a reserved range).
pub fn warning(value: &str, region: Region) -> Option<String> {
    let number = parse(value, region).ok()?;
    (has_possible_length(&number) && !phonenumber::is_valid(&number)).then(|| {
        format!(
            "{} is outside the assigned ranges; check it (sent anyway)",
            e164(&number)
        )
    })
}

/// [`normalise`] without the length check: for looking contacts up, where the server
/// decides and a stored number may be fictional.
pub fn normalise_for_lookup(value: &str, region: Region) -> Result<String, String> {
    parse(value, region).map(|n| e164(&n))
}

fn e164(number: &phonenumber::PhoneNumber) -> String {
    number.format().mode(phonenumber::Mode::E164).to_string()
}

fn parse(value: &str, region: Region) -> Result<phonenumber::PhoneNumber, String> {
    let plain = ascii_digits(value);
    let lower = plain.to_lowercase();
    if lower.contains("ext") || lower.contains(EXTENSION_MARKS) {
        return Err(format!(
            "the API stores no extension: \"{value}\" has one; enter the number alone"
        ));
    }
    if plain.chars().any(char::is_alphabetic) {
        return Err(format!(
            "\"{value}\" has letters in it: phone numbers are digits only"
        ));
    }
    phonenumber::parse(Some(region), &plain)
        .map_err(|_| format!("\"{value}\" is not a phone number"))
}

/// Full-width forms (and other compatibility characters) folded by NFKC, then every
/// decimal digit of another script read as its ASCII digit.
fn ascii_digits(value: &str) -> String {
    value
        .nfkc()
        .map(|c| match unicode_digit(c) {
            Some(d) => char::from(b'0' + d),
            None => c,
        })
        .collect()
}

/// The value of `c` when it is a decimal digit (Unicode category Nd) of a script other
/// than ASCII. Nd digits come in runs of ten starting at zero, so a table of the zeros
/// is enough.
fn unicode_digit(c: char) -> Option<u8> {
    const ZEROS: [u32; 38] = [
        0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6, 0x0C66, 0x0CE6,
        0x0D66, 0x0DE6, 0x0E50, 0x0ED0, 0x0F20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0,
        0x1A80, 0x1A90, 0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0,
        0xAA50, 0xABF0, 0xFF10, 0x104A0, 0x11066,
    ];
    let code = u32::from(c);
    ZEROS
        .iter()
        .find(|&&zero| (zero..zero + 10).contains(&code))
        .and_then(|zero| u8::try_from(code - zero).ok())
}

/// The national number's length is one the numbering plan allows for its country code.
fn has_possible_length(number: &phonenumber::PhoneNumber) -> bool {
    let code = number.code().value();
    let national = number.national();
    let digits = national.value().to_string().len() + usize::from(national.zeros());
    let Ok(len) = u16::try_from(digits) else {
        return false;
    };
    // The metadata lists lengths per kind of number (the general entry is often empty).
    phonenumber::metadata::DATABASE
        .by_code(&code)
        .is_some_and(|metas| {
            metas.iter().any(|m| {
                let d = m.descriptors();
                [
                    Some(d.general()),
                    d.fixed_line(),
                    d.mobile(),
                    d.toll_free(),
                    d.premium_rate(),
                    d.shared_cost(),
                    d.personal_number(),
                    d.voip(),
                    d.pager(),
                    d.uan(),
                    d.voicemail(),
                ]
                .into_iter()
                .flatten()
                .any(|kind| kind.possible_length().contains(&len))
            })
        })
}
