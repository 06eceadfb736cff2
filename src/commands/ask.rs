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
    let answer = answer(&format!("{question} [y/N] "))?;
    Ok(matches!(
        answer.trim().to_ascii_lowercase().as_str(),
        "y" | "yes"
    ))
}

/// `prompt` on stderr, then the line typed on stdin.
fn answer(prompt: &str) -> Result<String, Failure> {
    eprint!("{prompt}");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|e| Failure::usage(format!("cannot read the answer: {e}")))?;
    Ok(answer)
}

/// Before a command sends a batch with a production profile: the user types the
/// profile's name, as a deliberate act that a reflexive "y" is not. `yes` (the command's
/// `--yes`) goes on without asking; so does any profile that is not production. Without
/// a terminal on stdin nothing is sent (exit 2): a script must say `--yes` itself. `what`
/// names the command in the messages (`apply`, `merge`).
pub fn confirm_production(
    profile: &crate::config::Profile,
    api_url: &str,
    yes: bool,
    what: &str,
) -> Result<(), Failure> {
    if !profile.production || yes {
        return Ok(());
    }
    let name = &profile.name;
    if !std::io::stdin().is_terminal() {
        return Err(Failure::usage(format!(
            "nothing sent: profile `{name}` is production, and stdin is not a terminal on \
             which to type its name; add --yes to {what} without asking"
        )));
    }
    let typed = answer(&format!(
        "Profile `{name}` is production ({}). Type its name to {what}: ",
        crate::text::sanitize(api_url)
    ))?;
    production_answer(name, &typed, what)
}

/// Whether `answer` (a line as typed) is the profile's name.
fn production_answer(name: &str, answer: &str, what: &str) -> Result<(), Failure> {
    if answer.trim() == name {
        Ok(())
    } else {
        Err(Failure::usage(format!(
            "nothing sent: `{}` is not `{name}`; type the profile's name to {what}",
            crate::text::sanitize_snippet(answer.trim(), 64)
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Profile;

    #[test]
    fn only_the_exact_name_lets_a_production_batch_go() {
        assert_eq!(production_answer("prod", "prod\n", "apply"), Ok(()));
        assert_eq!(production_answer("prod", "  prod \r\n", "apply"), Ok(()));
        for wrong in ["y\n", "yes\n", "Prod\n", "\n", "pro\n"] {
            let err = production_answer("prod", wrong, "apply").unwrap_err();
            assert_eq!(err.code, super::super::exit::Code::Usage, "{wrong:?}");
            assert!(err.message.starts_with("nothing sent: "), "{}", err.message);
        }
    }

    #[test]
    fn a_profile_that_is_not_production_or_yes_asks_nothing() {
        let staging = Profile {
            name: "staging".into(),
            ..Profile::default()
        };
        // Neither reads stdin, which in a test is no terminal.
        assert_eq!(
            confirm_production(&staging, "https://s", false, "apply"),
            Ok(())
        );
        let prod = Profile {
            name: "prod".into(),
            production: true,
            ..Profile::default()
        };
        assert_eq!(
            confirm_production(&prod, "https://p", true, "apply"),
            Ok(())
        );
    }
}
