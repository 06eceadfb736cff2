//! `cache status` and `cache clear`: the index `search` keeps on disk for the server in
//! use. Neither sends anything nor needs a token.

use super::exit::{Code, Failure};
use super::paging;
use crate::cli::{CacheArgs, CacheCommand, Cli};
use crate::config::file::{Age, IndexStore};
use crate::index::{self, kept, store};
use crate::setup::Setup;
use std::time::SystemTime;

pub(super) fn run(cli: &Cli, args: &CacheArgs) -> Result<Code, Failure> {
    let offline = Setup::offline(cli)?;
    for warning in &offline.config.warnings {
        eprintln!("linq-contact: warning: {warning}");
    }
    let server = offline.server_key;
    let dir = store::dir().ok_or_else(|| {
        Failure::usage("no cache directory for the index: set XDG_CACHE_HOME or HOME")
    })?;
    let path = store::path_in(&dir, &server);
    let shown = path.display().to_string();
    match args.command {
        CacheCommand::Status => {
            let status = store::status(&path, &server)
                .map_err(|e| Failure::new(Code::Api, e.to_string()))?;
            let kept = match offline.config.index {
                IndexStore::Disk => format!(
                    "disk, read again when older than {}",
                    Age::text(offline.config.index_max_age)
                ),
                IndexStore::Memory => {
                    "memory (index = \"memory\", or the demo: nothing is kept on disk)".to_string()
                }
            };
            let mut lines = vec![("server", server.clone()), ("path", shown.clone())];
            match status {
                Some(status) => {
                    let age = index::age(status.built_at, SystemTime::now())
                        .map_or_else(|| "unknown (built in the future)".into(), paging::age);
                    lines.push(("contacts", paging::count(status.count)));
                    lines.push(("age", age));
                    lines.push((
                        "size",
                        format!("{} bytes", paging::count(status.bytes as usize)),
                    ));
                }
                None => lines.push(("contacts", "none: no index yet".into())),
            }
            lines.push(("kept", kept));
            for (label, value) in lines {
                println!("{label:<9} {}", crate::text::sanitize(&value));
            }
            Ok(Code::Ok)
        }
        CacheCommand::Clear { all } => {
            let cannot = |e: std::io::Error| {
                Failure::new(Code::Api, format!("cannot remove the index: {e}"))
            };
            if all {
                let removed = store::remove_all(&dir).map_err(cannot)?;
                eprintln!("Removed {removed} index files from {}.", dir.display());
            } else {
                if store::remove(&path).map_err(cannot)? {
                    eprintln!("Removed the index of {server} ({shown}).");
                } else {
                    eprintln!("No index of {server} to remove ({shown}).");
                }
                let exported = kept::path_in(&dir, &server);
                if store::remove(&exported).map_err(cannot)? {
                    eprintln!(
                        "Removed what the last export kept ({}).",
                        exported.display()
                    );
                }
            }
            Ok(Code::Ok)
        }
    }
}
