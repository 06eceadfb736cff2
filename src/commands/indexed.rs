//! The index for a command over the whole organisation (`search`, `duplicates`): a
//! fresh index on disk answers alone (no request, no token, no demo API); a stale or
//! missing one is read again from the list endpoint first (then saved, unless the config
//! keeps the index in memory); when that fails and an older index exists, the older one
//! is used, with a warning saying how old it is.

use super::exit::Failure;
use super::paging::{self, PageBar};
use crate::cli::Cli;
use crate::index::{self, Index, store};
use crate::setup::Setup;
use phonenumber::country::Id as Region;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::SystemTime;

/// The index of the server in use, and the region phones are read with. `using` says
/// what an older index is used for ("searching").
pub(super) async fn index(
    cli: &Cli,
    refresh: bool,
    concurrency: u16,
    using: &str,
) -> Result<(Index, Region), Failure> {
    // The settings and the server key need no token: a fresh index answers offline.
    let offline = Setup::offline(cli)?;
    let region = offline.config.region;
    let server = offline.server_key;
    let path = store::place(offline.config.index, &server);
    let cached = match &path {
        Some(path) if !refresh => store::load(path, &server).unwrap_or_else(|e| {
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
        older => match read_again(cli, concurrency, path).await {
            Ok(index) => index,
            Err(failure) => match older {
                Some(older) => {
                    let age = older.age(SystemTime::now()).unwrap_or_default();
                    eprintln!(
                        "linq-contact: warning: could not read the contacts again; {using} the \
                         index of {} ago instead:",
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
    Ok((index, region))
}

/// Reads every contact from the server in use into a new index, saved to `path` when
/// there is one (a failure to save is a warning: the command goes on).
async fn read_again(cli: &Cli, concurrency: u16, path: Option<PathBuf>) -> Result<Index, Failure> {
    let bar = PageBar::new(std::io::stderr().is_terminal());
    let ctx = super::context(cli, None, bar.retry_note()).await?;
    let server = ctx.journal.server().to_string();
    let built = index::build(
        &server,
        |n| paging::page(&ctx.api, n),
        usize::from(concurrency),
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
