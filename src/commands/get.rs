//! `get`: one contact as a readable table, or as the API's contact object in JSON.

use super::Context;
use super::exit::{Code, Failure};
use crate::api::Contact;
use crate::cli::GetArgs;
use crate::form::Field;
use crate::target::Target;

pub(super) async fn run(ctx: &Context, args: &GetArgs) -> Result<Code, Failure> {
    let target = ctx
        .target
        .as_ref()
        .ok_or_else(|| Failure::usage("no contact given"))?;
    let contact = find(ctx, target).await?;
    let text = if args.json {
        json(&contact)?
    } else {
        table(&contact.sanitized())
    };
    println!("{text}");
    Ok(Code::Ok)
}

/// The contact `target` names; "not found" is exit code 4.
pub(super) async fn find(ctx: &Context, target: &Target) -> Result<Contact, Failure> {
    match ctx.api.resolve(target).await {
        Ok(Some(contact)) => Ok(contact),
        Ok(None) => Err(Failure::new(Code::NotFound, super::read::not_found(target))),
        Err(e) => Err(Failure::api(&e)),
    }
}

/// The record as the API sent it, pretty-printed. JSON escapes C0 controls but not DEL
/// or the C1 range, which some terminals obey; those are escaped too, so the text is the
/// same JSON and safe to print.
fn json(contact: &Contact) -> Result<String, Failure> {
    let text = serde_json::to_string_pretty(contact)
        .map_err(|e| Failure::new(Code::Api, format!("cannot encode the contact: {e}")))?;
    Ok(escape_c1(&text))
}

/// JSON text with DEL and the C1 range escaped as well (serde_json escapes only C0).
pub(super) fn escape_c1(json: &str) -> String {
    json.chars()
        .map(|c| match c {
            '\u{7f}'..='\u{9f}' => format!("\\u{:04x}", u32::from(c)),
            c => c.to_string(),
        })
        .collect()
}

/// Label and value per line, the editable fields in the editor's order between the
/// read-only ones.
pub(super) fn table(c: &Contact) -> String {
    let owner = match (c.owner_email(), c.owner_name()) {
        ("", _) => String::new(),
        (email, "") => email.to_string(),
        (email, name) => format!("{email} ({name})"),
    };
    let mut rows: Vec<(&str, String)> =
        vec![("ID", c.id.to_string()), ("Name", c.full_name.clone())];
    rows.extend(Field::ALL.into_iter().map(|f| {
        let value = if f == Field::Owner {
            owner.clone()
        } else {
            f.of(c).to_string()
        };
        (f.label(), value)
    }));
    rows.push(("Created", c.created_at.clone()));
    rows.push(("Updated", c.updated_at.clone()));
    if let Some(url) = c.image_url.as_deref().filter(|u| !u.is_empty()) {
        rows.push(("Image", url.to_string()));
    }
    let width = rows
        .iter()
        .map(|(label, _)| label.chars().count())
        .max()
        .unwrap_or(0);
    rows.iter()
        .map(|(label, value)| format!("{label:<width$}  {value}").trim_end().to_string())
        .collect::<Vec<_>>()
        .join("\n")
}
