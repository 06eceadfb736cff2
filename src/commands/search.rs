//! `search TEXT`: the organisation's contacts matched fuzzily over the local index,
//! best first, as a table or JSON Lines.
//!
//! A fresh index on disk answers alone: no request, no token, no demo API. A stale or
//! missing one is read again from the list endpoint first (then saved, unless the
//! config keeps the index in memory); when that fails and an older index exists, the
//! older one is searched, with a warning.

use super::exit::{Code, Failure};
use super::get::escape_c1;
use super::paging::{self, PageBar};
use crate::cli::{Cli, SearchArgs};
use crate::index::{self, Hit, Index, store};
use crate::setup::Setup;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::SystemTime;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// The widest a column of the table gets; longer text ends in `…`.
const MAX_COLUMN: usize = 40;

pub(super) async fn run(cli: &Cli, args: &SearchArgs) -> Result<Code, Failure> {
    let query = args.text.join(" ");
    if index::search::pattern(&query).atoms.is_empty() {
        return Err(Failure::usage("nothing to search for"));
    }
    // The settings and the server key need no token: a fresh index answers offline.
    let offline = Setup::offline(cli)?;
    let server = offline.server_key;
    let path = store::place(offline.config.index, &server);
    let cached = match &path {
        Some(path) if !args.refresh => store::load(path, &server).unwrap_or_else(|e| {
            eprintln!("linq-contact: {e}; reading the contacts again");
            None
        }),
        _ => None,
    };
    let index = match cached {
        Some(index) if index.is_fresh(offline.config.index_max_age, SystemTime::now()) => {
            for warning in &offline.config.warnings {
                eprintln!("linq-contact: warning: {warning}");
            }
            index
        }
        older => match refresh(cli, args, path).await {
            Ok(index) => index,
            Err(failure) => match older {
                Some(older) => {
                    let age = older.age(SystemTime::now()).unwrap_or_default();
                    eprintln!(
                        "linq-contact: warning: could not read the contacts again; searching \
                         the index of {} ago instead:",
                        paging::age(age)
                    );
                    for line in failure.message.lines() {
                        eprintln!("linq-contact:   {line}");
                    }
                    older
                }
                None => return Err(failure),
            },
        },
    };
    let limit = usize::try_from(args.limit).unwrap_or(usize::MAX);
    let found = index.search(&query, limit);
    if found.hits.is_empty() {
        return Err(Failure::new(
            Code::NotFound,
            format!(
                "no contact matches \"{}\" (among {} in the index)",
                crate::text::sanitize_snippet(&query, 80),
                paging::count(index.len())
            ),
        ));
    }
    if args.json {
        for hit in &found.hits {
            println!("{}", json(hit)?);
        }
    } else {
        print!("{}", table(&found.hits));
    }
    if found.hits.len() < found.matched {
        eprintln!(
            "Showing the best {} of {} matches; --limit N shows more.",
            found.hits.len(),
            paging::count(found.matched)
        );
    }
    Ok(Code::Ok)
}

/// Reads every contact from the server in use into a new index, saved to `path` when
/// there is one (a failure to save is a warning: the search goes on).
async fn refresh(cli: &Cli, args: &SearchArgs, path: Option<PathBuf>) -> Result<Index, Failure> {
    let bar = PageBar::new(std::io::stderr().is_terminal());
    let ctx = super::context(cli, None, bar.retry_note()).await?;
    let server = ctx.journal.server().to_string();
    let built = index::build(
        &server,
        |n| paging::page(&ctx.api, n),
        usize::from(args.concurrency),
        |done, total| bar.pages(done, total, "reading the organisation's contacts".into()),
    )
    .await;
    bar.finish();
    let index = built.map_err(|(page, e)| paging::page_failed(page, &e))?;
    if let Some(path) = path
        && let Err(e) = store::save(&index, &path)
    {
        eprintln!(
            "linq-contact: warning: cannot keep the index in {}: {e}",
            path.display()
        );
    }
    Ok(index)
}

/// One contact as a JSON line, keys in the table's order, safe for a terminal.
fn json(hit: &Hit<'_>) -> Result<String, Failure> {
    #[derive(serde::Serialize)]
    struct Line<'a> {
        id: u64,
        name: &'a str,
        email: &'a str,
        phone_number: &'a str,
        company: &'a str,
        title: &'a str,
        location: &'a str,
    }
    let e = hit.entry;
    let line = Line {
        id: e.id(),
        name: e.name(),
        email: e.email(),
        phone_number: e.phone(),
        company: e.company(),
        title: e.title(),
        location: e.location(),
    };
    serde_json::to_string(&line)
        .map(|text| escape_c1(&text))
        .map_err(|e| Failure::new(Code::Api, format!("cannot encode a contact: {e}")))
}

/// ID, name, e-mail, phone and company, aligned by display width.
fn table(hits: &[Hit<'_>]) -> String {
    let mut rows: Vec<[String; 5]> = vec![[
        "ID".into(),
        "NAME".into(),
        "E-MAIL".into(),
        "PHONE".into(),
        "COMPANY".into(),
    ]];
    rows.extend(hits.iter().map(|h| {
        let e = h.entry;
        [
            e.id().to_string(),
            clip(e.name()),
            clip(e.email()),
            clip(e.phone()),
            clip(e.company()),
        ]
    }));
    let mut widths = [0; 5];
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.width());
        }
    }
    let mut out = String::new();
    for row in &rows {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            if i > 0 {
                line.push_str("  ");
            }
            line.push_str(cell);
            line.extend(std::iter::repeat_n(' ', widths[i] - cell.width()));
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// At most [`MAX_COLUMN`] columns wide, with `…` when cut.
fn clip(text: &str) -> String {
    if text.width() <= MAX_COLUMN {
        return text.to_string();
    }
    let mut out = String::new();
    let mut width = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if width + w > MAX_COLUMN - 1 {
            break;
        }
        width += w;
        out.push(c);
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::Entry;

    #[test]
    fn the_table_aligns_by_display_width_and_clips_long_text() {
        let entries = [
            Entry::new(
                1002,
                [
                    "Jordan Blake",
                    "jordan@example.com",
                    "+15550102000",
                    "Contoso",
                    "",
                    "",
                ],
            ),
            Entry::new(7, ["山田 太郎", "", "", &"x".repeat(50), "", ""]),
        ];
        let hits: Vec<Hit<'_>> = entries
            .iter()
            .map(|entry| Hit { entry, score: 1 })
            .collect();
        let expected = format!(
            "ID    NAME          E-MAIL              PHONE         COMPANY\n\
             1002  Jordan Blake  jordan@example.com  +15550102000  Contoso\n\
             7     山田 太郎                                       {}…\n",
            "x".repeat(39)
        );
        assert_eq!(table(&hits), expected);
    }
}
