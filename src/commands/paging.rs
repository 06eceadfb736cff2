//! What `search` and `export` share: reading the list endpoint through the commands'
//! [`Api`] (reads retried with the editor's backoff, every page waiting at the one 429
//! gate), and a progress bar of pages on stderr when it is a terminal, with the waits
//! before retries said above it.

use super::exit::{Code, Failure};
use super::progress::Notes;
use super::read::{Api, RetryNote};
use crate::api::{ApiError, ContactPage};
use crate::index::PER_PAGE;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::time::Duration;

/// Page `page` of the list, read as the commands read: retried on 429, 5xx, timeouts
/// and refused connections, after any pause the server asked of this client.
pub(super) async fn page(api: &Api, page: u32) -> Result<ContactPage, ApiError> {
    api.read(|| api.client.list_contacts(page, PER_PAGE)).await
}

/// A page that failed after its retries, as the commands report it: always exit 1 (a
/// 404 here is a wrong address, not a contact that is not found).
pub(super) fn page_failed(page: u32, e: &ApiError) -> Failure {
    let detail = Failure::api(e).message;
    Failure::new(
        Code::Api,
        format!("cannot read page {page} of the contact list: {detail}"),
    )
}

/// A bar of pages read, created at the first page, when stderr is a terminal; messages
/// and retry notes go above it through the commands' [`Notes`].
#[derive(Clone)]
pub(super) struct PageBar {
    show: bool,
    notes: Notes,
}

impl PageBar {
    /// `show`: whether a bar may be drawn (stderr is a terminal, and nothing else is
    /// being written there).
    pub fn new(show: bool) -> Self {
        Self {
            show,
            notes: Notes::without_bar(),
        }
    }

    /// Each wait before a retry, said on stderr as the other commands say it.
    pub fn retry_note(&self) -> RetryNote {
        self.notes.retry_note()
    }

    /// `done` of `total` pages read; `message` follows the count.
    pub fn pages(&self, done: u32, total: u32, message: String) {
        if !self.show {
            return;
        }
        let mut slot = self.notes.bar();
        let bar = slot.get_or_insert_with(|| {
            let bar =
                ProgressBar::with_draw_target(Some(u64::from(total)), ProgressDrawTarget::stderr());
            if let Ok(style) =
                ProgressStyle::with_template("{bar:30} {pos}/{len} pages · {msg} · ETA {eta}")
            {
                bar.set_style(style.progress_chars("█▌ "));
            }
            bar.enable_steady_tick(Duration::from_millis(250));
            bar
        });
        bar.set_length(u64::from(total));
        bar.set_position(u64::from(done));
        bar.set_message(message);
    }

    /// Takes the bar off the terminal.
    pub fn finish(&self) {
        self.notes.drop_bar();
    }
}

/// `n` with thousands separated: 20,000.
pub(super) fn count(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A length of time in a word or two: "42 s", "3 min", "2 h 5 min", "3 d 4 h".
pub(super) fn age(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0..60 => format!("{s} s"),
        60..3600 => format!("{} min", s / 60),
        3600..86_400 => match (s / 3600, s % 3600 / 60) {
            (h, 0) => format!("{h} h"),
            (h, m) => format!("{h} h {m} min"),
        },
        _ => match (s / 86_400, s % 86_400 / 3600) {
            (d, 0) => format!("{d} d"),
            (d, h) => format!("{d} d {h} h"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_ages_read_as_words() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(20_000), "20,000");
        assert_eq!(count(1_234_567), "1,234,567");
        let secs = Duration::from_secs;
        assert_eq!(age(secs(42)), "42 s");
        assert_eq!(age(secs(185)), "3 min");
        assert_eq!(age(secs(7200)), "2 h");
        assert_eq!(age(secs(7500)), "2 h 5 min");
        assert_eq!(age(secs(3 * 86_400 + 4 * 3600 + 5)), "3 d 4 h");
    }
}
