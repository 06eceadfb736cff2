//! What a failed write means. A write is never sent twice unless the server said it
//! did not act (a 429 asks for a pause, and is honoured once when the pause is short);
//! every other failure after which the server may have acted is found out by reading.

use crate::api::ApiError;
use std::time::Duration;

/// The longest pause a save or create waits out before sending once more: the same as
/// for a read.
pub use crate::api::retry::LONGEST_WAIT;

/// The pause taken when a 429 names none (the API documents no `Retry-After`).
pub const DEFAULT_WAIT: Duration = Duration::from_secs(2);

/// What to do after a write failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterFailure {
    /// The server did not act (it refused, or the request never left): nothing changed,
    /// the edits stay for another try.
    Refused,
    /// The server asked for a pause (429): wait this long, then send the same body once
    /// more. Only the first 429 of a write is waited out.
    WaitAndResend(Duration),
    /// A 429 asking for a longer pause than is waited out, or a second 429: not sent;
    /// the time to come back, when the server named one.
    ComeBack(Option<Duration>),
    /// The server may have acted: never re-sent, read back to find out.
    Verify,
}

/// Classifies a failed write. `resent`: this answer is to the one repeat after a pause.
/// Only a 4xx (other than 408 and 429) is a refusal, and a connection that never opened
/// means nothing was sent; any other answer (1xx, 3xx, 5xx, 6xx and beyond, a timeout,
/// an unreadable body) may come after the server acted.
pub fn after_failure(e: &ApiError, resent: bool) -> AfterFailure {
    match e {
        ApiError::Http {
            status: 429,
            retry_after,
            ..
        } => {
            let wait = retry_after.unwrap_or(DEFAULT_WAIT);
            if !resent && wait <= LONGEST_WAIT {
                AfterFailure::WaitAndResend(wait)
            } else {
                AfterFailure::ComeBack(*retry_after)
            }
        }
        ApiError::Http { status: 408, .. } => AfterFailure::Verify,
        ApiError::Http { status, .. } if (400..500).contains(status) => AfterFailure::Refused,
        ApiError::Http { .. }
        | ApiError::Timeout { .. }
        | ApiError::Decode { .. }
        | ApiError::Other { .. } => AfterFailure::Verify,
        ApiError::Connect { .. }
        | ApiError::Tls { .. }
        | ApiError::InsecureUrl { .. }
        | ApiError::InvalidUrl { .. } => AfterFailure::Refused,
    }
}

/// How a write ended, before anything is read back.
#[derive(Debug, Clone)]
pub enum Written<T> {
    /// A 2xx, with what it carried.
    Done(T),
    /// The server did not act (a refusal, or the request never left).
    Refused(ApiError),
    /// The server asked for a longer pause than is waited out, or asked twice.
    ComeBack {
        error: ApiError,
        after: Option<Duration>,
    },
    /// The server may have acted: find out by reading, never by sending again.
    Lost(ApiError),
}

/// Sends a write (`send`: one PUT, POST or DELETE) as [`after_failure`] says, for every
/// front end: each try waits at `gate`; a short pause asked by a 429 is held there (so
/// every request sharing it waits too), told to `on_pause`, and the same request sent
/// once more; any other failure ends it, classified. Reading back a lost answer is the
/// caller's.
pub async fn write<T, F, Fut>(
    gate: &crate::api::retry::Gate,
    on_pause: impl Fn(&ApiError, Duration),
    send: F,
) -> Written<T>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<T, ApiError>>,
{
    let mut resent = false;
    loop {
        gate.wait().await;
        let e = match send().await {
            Ok(value) => return Written::Done(value),
            Err(e) => e,
        };
        match after_failure(&e, resent) {
            AfterFailure::Refused => return Written::Refused(e),
            AfterFailure::ComeBack(after) => return Written::ComeBack { error: e, after },
            AfterFailure::WaitAndResend(wait) => {
                on_pause(&e, wait);
                gate.hold(wait);
                resent = true;
            }
            AfterFailure::Verify => return Written::Lost(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::error::http_error;

    #[test]
    fn only_a_4xx_or_an_unopened_connection_is_a_refusal() {
        for status in [400, 401, 403, 404, 409, 422, 499] {
            assert_eq!(
                after_failure(&http_error(status, None), false),
                AfterFailure::Refused
            );
        }
        for status in [100, 199, 302, 304, 408, 500, 503, 599, 600, 999] {
            assert_eq!(
                after_failure(&http_error(status, None), false),
                AfterFailure::Verify,
                "{status}"
            );
        }
        let timeout = ApiError::Timeout {
            after: Duration::from_secs(30),
        };
        assert_eq!(after_failure(&timeout, false), AfterFailure::Verify);
        let refused = ApiError::Connect {
            url: "http://127.0.0.1:1".into(),
            reason: "connection refused".into(),
        };
        assert_eq!(after_failure(&refused, false), AfterFailure::Refused);
    }

    #[test]
    fn a_short_pause_is_waited_out_once() {
        let s = Duration::from_secs;
        assert_eq!(
            after_failure(&http_error(429, Some(2)), false),
            AfterFailure::WaitAndResend(s(2))
        );
        assert_eq!(
            after_failure(&http_error(429, Some(60)), false),
            AfterFailure::WaitAndResend(s(60))
        );
        assert_eq!(
            after_failure(&http_error(429, None), false),
            AfterFailure::WaitAndResend(DEFAULT_WAIT)
        );
        assert_eq!(
            after_failure(&http_error(429, Some(61)), false),
            AfterFailure::ComeBack(Some(s(61)))
        );
        assert_eq!(
            after_failure(&http_error(429, Some(2)), true),
            AfterFailure::ComeBack(Some(s(2)))
        );
    }
}
