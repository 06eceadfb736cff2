//! `completions` and `man`: both generated from the clap definitions, so they can never
//! disagree with `--help`.

use super::exit::{Code, Failure};
use std::io::Write;

/// The completion script for `shell`, on stdout.
pub fn completions(shell: clap_complete::Shell) -> Result<Code, Failure> {
    let mut command = crate::cli::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut command, "linq-contact", &mut out);
    write_stdout(&out)
}

/// The man page (roff) on stdout: the main page, then a page per command.
pub fn man() -> Result<Code, Failure> {
    let command = crate::cli::command();
    let mut out = Vec::new();
    let mut pages = vec![command.clone()];
    pages.extend(command.get_subcommands().map(|sub| {
        let name = format!("linq-contact-{}", sub.get_name());
        sub.clone().name(name.clone()).display_name(name)
    }));
    for page in pages {
        clap_mangen::Man::new(page)
            .render(&mut out)
            .map_err(|e| Failure::new(Code::Api, format!("cannot render the man page: {e}")))?;
    }
    write_stdout(&out)
}

fn write_stdout(bytes: &[u8]) -> Result<Code, Failure> {
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(bytes)
        .and_then(|()| stdout.flush())
        .map_err(|e| Failure::new(Code::Api, format!("cannot write to stdout: {e}")))?;
    Ok(Code::Ok)
}
