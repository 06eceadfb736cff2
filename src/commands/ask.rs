//! Asking a person before anything is sent: only when one can answer, on a terminal.

use super::exit::Failure;
use std::io::{BufRead, IsTerminal, Write};

/// Refuses (exit 2) when stdin is not a terminal: a script that forgot `--yes` must not
/// have its next line of input taken for an answer.
pub fn can_ask() -> Result<(), Failure> {
    if std::io::stdin().is_terminal() {
        Ok(())
    } else {
        Err(Failure::usage(
            "nothing sent: stdin is not a terminal, so there is no one to ask; add --yes to \
             send without asking",
        ))
    }
}

/// `question [y/N]` on stderr; only "y" or "yes" is a yes.
pub fn confirm(question: &str) -> Result<bool, Failure> {
    eprint!("{question} [y/N] ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|e| Failure::usage(format!("cannot read the answer: {e}")))?;
    Ok(matches!(
        answer.trim().to_ascii_lowercase().as_str(),
        "y" | "yes"
    ))
}
