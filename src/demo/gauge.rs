//! How many API requests the demo is serving at once, and the most so far, so tests
//! can check that a client keeps to its concurrency (the request log says what was
//! asked, not what overlapped).

use std::sync::atomic::{AtomicUsize, Ordering};

#[derive(Debug, Default)]
pub(crate) struct Gauge {
    now: AtomicUsize,
    peak: AtomicUsize,
}

impl Gauge {
    /// A request came in; it counts until the returned guard is dropped (its answer is
    /// sent, or the connection is gone).
    pub(crate) fn enter(&self) -> InFlight<'_> {
        let now = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak.fetch_max(now, Ordering::SeqCst);
        InFlight(self)
    }

    pub(crate) fn peak(&self) -> usize {
        self.peak.load(Ordering::SeqCst)
    }

    /// Starts counting the peak again from the requests in flight now.
    pub(crate) fn reset_peak(&self) {
        self.peak
            .store(self.now.load(Ordering::SeqCst), Ordering::SeqCst);
    }
}

/// One request in flight.
pub(crate) struct InFlight<'a>(&'a Gauge);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.now.fetch_sub(1, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_peak_is_the_most_at_once_until_reset() {
        let gauge = Gauge::default();
        let a = gauge.enter();
        let b = gauge.enter();
        drop(a);
        let c = gauge.enter();
        assert_eq!(gauge.peak(), 2);
        drop((b, c));
        assert_eq!(gauge.peak(), 2);
        gauge.reset_peak();
        assert_eq!(gauge.peak(), 0);
        let _d = gauge.enter();
        assert_eq!(gauge.peak(), 1);
    }
}
