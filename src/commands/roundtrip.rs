//! An export's file back through `apply`: only the cells the user changed since the
//! export are sent, and a colleague's change made meanwhile is never reverted.
//!
//! A row `export` wrote carries its contact's `updated_at`; with it, what the export
//! wrote is found in what the export kept ([`crate::index::kept`]). A row equal to that
//! (by the form's rules: spaces around a value, a phone in another format are no
//! change) costs nothing. For a changed row, the form is loaded with the exported
//! record, filled with the changed cells and merged with the server's record as the
//! editor merges a fresh read before a save: a cell only the server changed follows the
//! server, a cell only the user changed is sent, a cell both changed to different values
//! is a conflict and is not sent, a cell the user changed to what the server now holds
//! anyway is already so.
//!
//! When nothing was kept (an export made elsewhere, or `index = "memory"`), the server's
//! record is the base while its `updated_at` is the row's; once it moved on, which side
//! changed a differing cell cannot be told, and every such cell is a conflict.
//!
//! The server's records of the changed rows are read before any row is sent: page by
//! page when the list has fewer pages than there are such rows, else one read per row
//! as the row comes.

use super::edit::{self, Edits, Prepared};
use super::exit::{Failure, one_line};
use super::input::{self, Row, Rules};
use super::paging::{self, PageBar};
use super::read::Api;
use super::report::Conflict;
use crate::api::Contact;
use crate::cli::InputFormat;
use crate::form::{PlanError, clean_record};
use crate::index::kept::{self, Kept};
use crate::index::{PER_PAGE, Page, Stop, pages, store};
use crate::target::Target;
use phonenumber::country::Id as Region;
use std::collections::{HashMap, HashSet};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

/// Where what an export of the server in use is kept: `None` when the config keeps
/// contact data in memory only, or there is no cache directory.
pub fn kept_path(ctx: &super::Context) -> Option<PathBuf> {
    let server = ctx.journal.server();
    let index = store::place(ctx.index, server)?;
    Some(kept::path_in(index.parent()?, server))
}

/// The contact and version a row of an export names; `None` for a row written by hand,
/// which `apply` treats as it always has.
pub fn exported(row: &Row) -> Option<(u64, &str)> {
    match (&row.target, &row.updated_at) {
        (Target::Id(id), Some(at)) => Some((*id, at)),
        _ => None,
    }
}

/// What the rows of one run share.
pub struct RoundTrip {
    path: Option<PathBuf>,
    server: String,
    region: Region,
    /// Read at the first row that needs it, so a file written by hand never reads it.
    kept: OnceLock<Option<Kept>>,
    /// Server records read from the list ahead of the rows, each taken by the first row
    /// for its contact (a later row for it reads afresh: the earlier one may have
    /// changed it).
    read_ahead: Mutex<HashMap<u64, Contact>>,
}

impl RoundTrip {
    pub fn new(path: Option<PathBuf>, server: String, region: Region) -> Self {
        Self {
            path,
            server,
            region,
            kept: OnceLock::new(),
            read_ahead: Mutex::default(),
        }
    }

    fn kept(&self) -> Option<&Kept> {
        self.kept
            .get_or_init(|| {
                let path = self.path.as_ref()?;
                Kept::load(path, &self.server).unwrap_or_else(|e| {
                    eprintln!(
                        "linq-contact: warning: {e}; the file is compared with the server alone"
                    );
                    None
                })
            })
            .as_ref()
    }

    /// Reads what an export kept now (said before any progress bar is drawn).
    pub fn load(&self) {
        self.kept();
    }

    /// The row's contact as the export wrote it, when that is kept. A line that cannot
    /// be read back is no base: the row is then compared with the server alone.
    pub fn base(&self, row: &Row) -> Option<Contact> {
        let (id, at) = exported(row)?;
        let base = self.kept()?.base(id, at).ok()??;
        Some(base.contact(id))
    }

    /// Whether a row of an export changes nothing since it was exported.
    pub fn unchanged(&self, row: &Row, base: &Contact) -> bool {
        changed(base, &row.edits, self.region).is_empty()
    }

    /// The server's record read ahead for `id`, once.
    pub fn take(&self, id: u64) -> Option<Contact> {
        self.read_ahead
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&id)
    }

    /// Looks through the file before anything is sent, for the rows of an export that
    /// will need their contact's server record (those changed since the export, and all
    /// those with something to set when nothing was kept). When they outnumber the
    /// list's pages, the pages are read (`concurrency` at once, waiting at the one 429
    /// gate) and the records kept for those rows. A page that cannot be read is a
    /// warning: those rows read their contact one by one instead.
    pub async fn look_ahead(
        &self,
        api: &Api,
        path: &Path,
        format: Option<InputFormat>,
        rules: Rules,
        concurrency: usize,
    ) -> Result<(), Failure> {
        let mut wanted = HashSet::new();
        let mut rows = 0_usize;
        for row in input::scan(path, format, rules)?.flatten() {
            let Some((id, _)) = exported(&row) else {
                continue;
            };
            rows += 1;
            let changed = match self.base(&row) {
                Some(base) => !self.unchanged(&row, &base),
                None => !row.edits.is_empty(),
            };
            if changed {
                wanted.insert(id);
            }
        }
        // The organisation holds at least what was exported.
        let contacts = rows.max(self.kept().map_or(0, Kept::len));
        let pages = contacts.div_ceil(PER_PAGE as usize).max(1);
        if wanted.len() <= pages {
            return Ok(());
        }
        let bar = PageBar::new(std::io::stderr().is_terminal());
        let api = Api {
            on_retry: bar.retry_note(),
            ..api.clone()
        };
        let mut kept = HashMap::with_capacity(wanted.len());
        let read = pages::read_all(
            |n| paging::page(&api, n),
            concurrency,
            false,
            |page: Page| -> Result<(), std::convert::Infallible> {
                let total = page.total_pages;
                kept.extend(
                    page.contacts
                        .into_iter()
                        .filter(|c| wanted.contains(&c.id))
                        .map(|c| (c.id, c)),
                );
                bar.pages(
                    page.number,
                    total,
                    "reading the contacts changed in the file".into(),
                );
                Ok(())
            },
        )
        .await;
        bar.finish();
        if let Err(Stop::Api { page, error }) = read {
            eprintln!(
                "linq-contact: warning: cannot read page {page} of the contact list ({}); \
                 the changed rows read their contacts one by one",
                one_line(&error)
            );
        }
        *self.read_ahead.lock().unwrap_or_else(|e| e.into_inner()) = kept;
        Ok(())
    }
}

/// The edits whose values differ from the record's, as the form tells a change.
fn changed(record: &Contact, edits: &Edits, region: Region) -> Edits {
    let form = edit::edited(record, edits, region);
    edits
        .iter()
        .filter(|(f, _)| form.is_dirty(*f))
        .cloned()
        .collect()
}

/// A row of an export planned against the server's record.
#[derive(Debug)]
pub struct Decision {
    pub prepared: Prepared,
    /// The cells not sent because both sides changed them.
    pub conflicts: Vec<Conflict>,
}

/// Plans the row against `raw`, the server's record now: what to send, and what not to
/// because it changed on both sides. `base`: the record as exported, when kept.
pub fn decide(base: Option<&Contact>, row: &Row, raw: &Contact, region: Region) -> Decision {
    let (before, cleaned) = clean_record(raw);
    match base {
        Some(base) => {
            let mut form = edit::edited(base, &changed(base, &row.edits, region), region);
            let merge = form.merge_remote(&before);
            for c in &merge.conflicts {
                form.revert(c.field);
            }
            let conflicts = merge
                .conflicts
                .into_iter()
                .map(|c| Conflict {
                    field: c.field.api_name().to_string(),
                    exported: Some(c.loaded),
                    server: c.theirs,
                    yours: c.yours,
                })
                .collect();
            Decision {
                prepared: Prepared {
                    plan: form.plan_avoiding(&cleaned),
                    before,
                },
                conflicts,
            }
        }
        // Nothing kept, and the contact is as exported: it is the base.
        None if row.updated_at.as_deref() == Some(&before.updated_at) => Decision {
            prepared: edit::prepare(raw, &row.edits, region),
            conflicts: Vec::new(),
        },
        None => {
            let form = edit::edited(&before, &row.edits, region);
            let conflicts = form
                .dirty_fields()
                .into_iter()
                .map(|f| Conflict {
                    field: f.api_name().to_string(),
                    exported: None,
                    server: form.loaded(f).to_string(),
                    yours: form.value(f).to_string(),
                })
                .collect();
            Decision {
                prepared: Prepared {
                    plan: Err(PlanError::NothingChanged),
                    before,
                },
                conflicts,
            }
        }
    }
}

/// What the row's line says of its conflicts: each cell, and why it was not sent.
pub fn describe(conflicts: &[Conflict], row: &Row, now: &Contact) -> String {
    let quoted = |s: &str| format!("\"{}\"", crate::text::sanitize_snippet(s, 60));
    let cells: Vec<String> = conflicts
        .iter()
        .map(|c| match &c.exported {
            Some(exported) => format!(
                "{} (exported {}, now {} on the server, {} in the file)",
                c.field,
                quoted(exported),
                quoted(&c.server),
                quoted(&c.yours)
            ),
            None => format!(
                "{} ({} on the server, {} in the file)",
                c.field,
                quoted(&c.server),
                quoted(&c.yours)
            ),
        })
        .collect();
    let cells = cells.join(", ");
    if conflicts.iter().all(|c| c.exported.is_some()) {
        format!("conflict, not sent: changed on both sides since the export: {cells}")
    } else {
        format!(
            "conflict, not sent: {cells}: changed on the server since the export (updated_at \
             {} then, {} now) and what was exported is not kept here, so which side changed \
             it cannot be told; export again",
            row.updated_at.as_deref().unwrap_or(""),
            now.updated_at
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form::{Field, PlanError};

    fn record(title: &str, company: &str, updated_at: &str) -> Contact {
        Contact {
            id: 7,
            first_name: "Ana".into(),
            title: title.into(),
            company: company.into(),
            phone_number: "+14155552671".into(),
            updated_at: updated_at.into(),
            ..Contact::default()
        }
    }

    fn row(edits: &[(Field, &str)]) -> Row {
        Row {
            line: 2,
            target: Target::Id(7),
            edits: edits.iter().map(|(f, v)| (*f, v.to_string())).collect(),
            fingerprint: String::new(),
            updated_at: Some("T1".into()),
        }
    }

    fn sent(d: &Decision) -> Vec<(Field, String)> {
        match &d.prepared.plan {
            Ok(plan) => plan
                .changes
                .iter()
                .map(|c| (c.field, c.new.clone()))
                .collect(),
            Err(PlanError::NothingChanged) => Vec::new(),
            Err(e) => panic!("{e:?}"),
        }
    }

    fn fields(d: &Decision) -> Vec<&str> {
        d.conflicts.iter().map(|c| c.field.as_str()).collect()
    }

    #[test]
    fn only_cells_changed_since_the_export_go_and_a_colleagues_change_stays() {
        let exported = record("Manager", "Contoso", "T1");
        // The file as exported, a phone retyped in another format, one title changed.
        let file = row(&[
            (Field::Title, "CTO"),
            (Field::Company, "Contoso"),
            (Field::Phone, "(415) 555-2671"),
        ]);
        // A colleague changed the company meanwhile.
        let server = record("Manager", "Fabrikam", "T2");
        let d = decide(Some(&exported), &file, &server, Region::US);
        assert_eq!(sent(&d), vec![(Field::Title, "CTO".to_string())]);
        assert!(d.conflicts.is_empty());
        let body = d.prepared.plan.as_ref().unwrap().patch.clone();
        assert_eq!(
            body.company, None,
            "the colleague's company is not reverted"
        );
    }

    #[test]
    fn a_cell_changed_on_both_sides_is_a_conflict_unless_both_agree() {
        let exported = record("Manager", "Contoso", "T1");
        let server = record("COO", "Fabrikam", "T2");
        let d = decide(
            Some(&exported),
            &row(&[(Field::Title, "CTO"), (Field::Company, "Fabrikam")]),
            &server,
            Region::US,
        );
        assert_eq!(sent(&d), Vec::new(), "the company is already so");
        assert_eq!(
            d.conflicts,
            vec![Conflict {
                field: "title".into(),
                exported: Some("Manager".into()),
                server: "COO".into(),
                yours: "CTO".into(),
            }]
        );
        let line = describe(&d.conflicts, &row(&[]), &server);
        assert_eq!(
            line,
            "conflict, not sent: changed on both sides since the export: title (exported \
             \"Manager\", now \"COO\" on the server, \"CTO\" in the file)"
        );
    }

    #[test]
    fn without_what_was_exported_the_servers_version_decides() {
        let file = row(&[(Field::Title, "CTO"), (Field::Company, "Contoso")]);
        // Still the version exported: the server's record is the base.
        let same = record("Manager", "Contoso", "T1");
        let d = decide(None, &file, &same, Region::US);
        assert_eq!(sent(&d), vec![(Field::Title, "CTO".to_string())]);
        // Moved on: a differing cell cannot be told apart from a colleague's change.
        let moved = record("Manager", "Contoso", "T2");
        let d = decide(None, &file, &moved, Region::US);
        assert_eq!(sent(&d), Vec::new());
        assert_eq!(fields(&d), ["title"]);
        assert_eq!(d.conflicts[0].exported, None);
        assert!(describe(&d.conflicts, &file, &moved).ends_with(
            "changed on the server since the export (updated_at T1 then, T2 now) and \
                 what was exported is not kept here, so which side changed it cannot be \
                 told; export again"
        ));
        // The cells the server holds anyway are no conflict.
        let agreed = record("CTO", "Contoso", "T2");
        assert!(
            decide(None, &file, &agreed, Region::US)
                .conflicts
                .is_empty()
        );
    }
}
