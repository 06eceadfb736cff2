//! When to try a read again, and after how long. Only reads are retried: a save may have
//! reached the server even when its answer did not, so it is never re-sent blindly.

use super::ApiError;
use std::future::Future;
use std::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

/// The longest pause a server's `Retry-After` is waited out, for a read or a write:
/// beyond it the user is better served by being told when to come back.
pub const LONGEST_WAIT: Duration = Duration::from_secs(60);

/// Capped exponential backoff that honours the server's `Retry-After`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// Attempts in all, the first included.
    pub max_attempts: u32,
    pub base: Duration,
    pub cap: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            base: Duration::from_millis(500),
            cap: Duration::from_secs(8),
        }
    }
}

/// Worth another try: the server was unreachable, overloaded or failing.
pub fn is_transient(err: &ApiError) -> bool {
    match err {
        ApiError::Connect { .. } | ApiError::Timeout { .. } => true,
        ApiError::Http { status, .. } => *status == 429 || (500..=599).contains(status),
        _ => false,
    }
}

impl Backoff {
    /// The wait before attempt `failed + 1`, or `None` to give up. A `Retry-After` longer
    /// than a minute is not waited out: the user is better served by the error.
    pub fn delay(&self, failed: u32, err: &ApiError) -> Option<Duration> {
        if failed >= self.max_attempts || !is_transient(err) {
            return None;
        }
        if let ApiError::Http {
            retry_after: Some(wait),
            ..
        } = err
        {
            return (*wait <= LONGEST_WAIT).then_some(*wait);
        }
        let factor = 2u32.saturating_pow(failed.saturating_sub(1));
        Some(self.base.saturating_mul(factor).min(self.cap))
    }
}

/// "Not before": a 429's `Retry-After` speaks to the whole client, not to the one
/// request that happened to get it, so every worker waits here before its next request.
#[derive(Debug, Default)]
pub struct Gate {
    not_before: Mutex<Option<Instant>>,
}

impl Gate {
    pub async fn wait(&self) {
        loop {
            let until = *self.not_before.lock().unwrap_or_else(|e| e.into_inner());
            match until {
                Some(t) if t > Instant::now() => tokio::time::sleep_until(t).await,
                _ => return,
            }
        }
    }

    /// Closes the gate for `wait` from now, unless it is already closed for longer.
    pub fn hold(&self, wait: Duration) {
        let until = Instant::now() + wait;
        let mut slot = self.not_before.lock().unwrap_or_else(|e| e.into_inner());
        *slot = Some(slot.map_or(until, |t| t.max(until)));
    }
}

/// A read through [`with_retry`] that says nothing of its waits (a background read, or
/// one whose caller reports only the outcome).
pub async fn quietly<T, F, Fut>(backoff: Backoff, gate: &Gate, request: F) -> Result<T, ApiError>
where
    F: Fn() -> Fut,
    Fut: Future<Output = Result<T, ApiError>>,
{
    with_retry(backoff, gate, |_, _| {}, request).await
}

/// Runs `request`, waiting at `gate` before each attempt; on failure waits as
/// [`Backoff::delay`] says (told to `on_retry` first) and tries again while attempts
/// remain. A 429's pause closes the gate for every request that shares it.
pub async fn with_retry<T, F, Fut>(
    backoff: Backoff,
    gate: &Gate,
    on_retry: impl Fn(&ApiError, Duration),
    request: F,
) -> Result<T, ApiError>
where
    F: Fn() -> Fut,
    Fut: Future<Output = Result<T, ApiError>>,
{
    let wait = |e: &ApiError, delay: Duration, _attempt: u32| {
        on_retry(e, delay);
        tokio::time::sleep(delay)
    };
    retry_waiting(backoff, gate, wait, request).await
}

/// The one retry loop: [`with_retry`], with `wait` spending each pause (given the
/// failure, the pause and the number of the attempt that follows), so that a front end
/// can count it down on screen.
pub async fn retry_waiting<T, F, Fut, W, Pause>(
    backoff: Backoff,
    gate: &Gate,
    wait: W,
    request: F,
) -> Result<T, ApiError>
where
    F: Fn() -> Fut,
    Fut: Future<Output = Result<T, ApiError>>,
    W: Fn(&ApiError, Duration, u32) -> Pause,
    Pause: Future<Output = ()>,
{
    let mut failed = 0;
    loop {
        gate.wait().await;
        let e = match request().await {
            Ok(value) => return Ok(value),
            Err(e) => e,
        };
        failed += 1;
        let Some(delay) = backoff.delay(failed, &e) else {
            return Err(e);
        };
        if e.status() == Some(429) {
            gate.hold(delay);
        }
        wait(&e, delay, failed + 1).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::error::http_error;
    use std::sync::Arc;

    #[test]
    fn doubles_up_to_the_cap_then_gives_up() {
        let b = Backoff {
            max_attempts: 6,
            base: Duration::from_secs(1),
            cap: Duration::from_secs(5),
        };
        let e = http_error(503, None);
        let delays: Vec<_> = (1..=6).map(|n| b.delay(n, &e)).collect();
        let s = Duration::from_secs;
        assert_eq!(
            delays,
            vec![
                Some(s(1)),
                Some(s(2)),
                Some(s(4)),
                Some(s(5)),
                Some(s(5)),
                None
            ]
        );
    }

    #[test]
    fn honours_retry_after_and_skips_permanent_errors() {
        let b = Backoff::default();
        assert_eq!(
            b.delay(1, &http_error(429, Some(7))),
            Some(Duration::from_secs(7))
        );
        assert_eq!(b.delay(1, &http_error(429, Some(3600))), None);
        assert_eq!(b.delay(1, &http_error(404, None)), None);
        assert_eq!(b.delay(1, &http_error(422, None)), None);
        let refused = ApiError::Connect {
            url: "http://127.0.0.1:1".into(),
            reason: "connection refused".into(),
        };
        assert_eq!(b.delay(1, &refused), Some(Duration::from_millis(500)));
    }

    fn deadline(gate: &Gate) -> Option<Instant> {
        *gate.not_before.lock().unwrap()
    }

    #[tokio::test]
    async fn every_waiter_waits_out_the_longest_hold() {
        let gate = Arc::new(Gate::default());
        gate.hold(Duration::from_millis(150));
        let longest = deadline(&gate).unwrap();
        gate.hold(Duration::from_millis(10));
        assert_eq!(
            deadline(&gate),
            Some(longest),
            "a shorter hold never shortens it"
        );
        let waiters: Vec<_> = (0..3)
            .map(|_| {
                let gate = gate.clone();
                tokio::spawn(async move {
                    gate.wait().await;
                    Instant::now()
                })
            })
            .collect();
        for waiter in waiters {
            assert!(waiter.await.unwrap() >= longest);
        }
    }
}
