//! Per-client counters and call latency: atomics only (relaxed; a snapshot is a set of
//! counters each exact, not a consistent cut across them), no lock, no allocation.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::Duration;

use crate::error::Error;
use crate::retry::RetryKind;

/// Upper bounds (inclusive, milliseconds) of the latency histogram's buckets; one more bucket
/// counts everything slower.
pub const LATENCY_BUCKETS_MS: [u64; 11] = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];
/// Buckets of the histogram: one per bound and the overflow bucket.
pub const LATENCY_BUCKET_COUNT: usize = LATENCY_BUCKETS_MS.len() + 1;

/// Why a call failed, as counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// `Error::InvalidRequest`: refused before sending.
    InvalidRequest,
    /// `Error::Endpoint`: no URL for the call (the region was to come from IMDS, which gave
    /// none).
    Endpoint,
    /// `Error::Credentials`: no provider gave credentials.
    Credentials,
    /// `Error::Signing`.
    Signing,
    /// `Error::Transport`: connecting, sending or receiving failed on the last attempt.
    Transport,
    /// `Error::Timeout`: the operation timeout, or the last attempt's.
    Timeout,
    /// The service answered with an error (throttling included once retries ran out).
    Service,
    /// `Error::InvalidResponse`: an answer that proves nothing (unreadable, or without the
    /// member that proves the operation happened).
    InvalidResponse,
    /// The call was dropped (cancelled) before it completed.
    Cancelled,
}

impl FailureKind {
    /// The kind an error is counted under.
    pub fn of(e: &Error) -> Self {
        match e {
            Error::InvalidRequest(_) => Self::InvalidRequest,
            Error::Endpoint(_) => Self::Endpoint,
            Error::Credentials(_) => Self::Credentials,
            Error::Signing(_) => Self::Signing,
            Error::Transport(_) => Self::Transport,
            Error::Timeout(_) => Self::Timeout,
            Error::Service(_) => Self::Service,
            Error::InvalidResponse(_) => Self::InvalidResponse,
            Error::Cancelled => Self::Cancelled,
        }
    }
}

/// A copy of a client's counters at one moment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MetricsSnapshot {
    /// Calls started (validation failures included).
    pub calls: u64,
    /// Calls that ended with the operation's output.
    pub succeeded: u64,
    /// Calls that ended in an error, all kinds.
    pub failed: u64,
    /// Calls started and not yet ended.
    pub in_flight: u64,
    /// HTTP attempts sent (clock-skew resends included).
    pub attempts: u64,
    /// Retries after a throttled attempt (429 or a throttling code).
    pub retries_throttling: u64,
    /// Retries after a 5xx, a transient code or a connection error.
    pub retries_transient: u64,
    /// Retries after an attempt that timed out.
    pub retries_timeout: u64,
    /// Immediate resends after a clock-skew error, with the corrected clock.
    pub retries_clock_skew: u64,
    /// Attempts the service answered with throttling (429 or a throttling code).
    pub throttles: u64,
    /// Retries not made because the client's retry quota was spent.
    pub quota_exhausted: u64,
    /// Failed calls by kind (`FailureKind`); they add up to `failed`. Refused before sending.
    pub failed_invalid_request: u64,
    /// Failed without an endpoint.
    pub failed_endpoint: u64,
    /// Failed without credentials.
    pub failed_credentials: u64,
    /// Failed to sign.
    pub failed_signing: u64,
    /// Failed on the network.
    pub failed_transport: u64,
    /// Failed on a timeout.
    pub failed_timeout: u64,
    /// Failed with the service's error answer.
    pub failed_service: u64,
    /// Failed on an answer that proves nothing.
    pub failed_invalid_response: u64,
    /// Dropped before they ended.
    pub failed_cancelled: u64,
    /// Latency of completed calls (cancelled ones excluded): count, sum and maximum in
    /// microseconds, and a histogram by `LATENCY_BUCKETS_MS`. Calls measured.
    pub latency_count: u64,
    /// Their summed latency, µs (mean = sum / count).
    pub latency_sum_us: u64,
    /// The slowest, µs.
    pub latency_max_us: u64,
    /// How many took at most `LATENCY_BUCKETS_MS[i]` (and more than the bound before); the
    /// last bucket counts those slower than 10 s.
    pub latency_buckets: [u64; LATENCY_BUCKET_COUNT],
}

/// The live counters of a client.
#[derive(Debug, Default)]
pub struct ClientMetrics {
    calls: AtomicU64,
    succeeded: AtomicU64,
    ended: AtomicU64,
    attempts: AtomicU64,
    retries: [AtomicU64; 4],
    throttles: AtomicU64,
    quota_exhausted: AtomicU64,
    failed: [AtomicU64; 9],
    latency_count: AtomicU64,
    latency_sum_us: AtomicU64,
    latency_max_us: AtomicU64,
    latency_buckets: [AtomicU64; LATENCY_BUCKET_COUNT],
}

impl ClientMetrics {
    /// Counts a call as started; the guard counts its end (as cancelled if it is dropped
    /// before `finish`).
    pub fn start(&self) -> CallGuard<'_> {
        self.calls.fetch_add(1, Relaxed);
        CallGuard {
            metrics: self,
            started: std::time::Instant::now(),
            done: false,
        }
    }

    /// Counts one HTTP attempt sent.
    pub fn attempt(&self) {
        self.attempts.fetch_add(1, Relaxed);
    }

    /// Counts one attempt answered with throttling.
    pub fn throttled(&self) {
        self.throttles.fetch_add(1, Relaxed);
    }

    /// Counts a retry not made because the retry quota was spent.
    pub fn quota_exhausted(&self) {
        self.quota_exhausted.fetch_add(1, Relaxed);
    }

    /// Counts a retry by its reason (`NotRetryable` is not counted: no retry follows).
    pub fn retry(&self, kind: RetryKind) {
        let i = match kind {
            RetryKind::Throttling => 0,
            RetryKind::Transient => 1,
            RetryKind::Timeout => 2,
            RetryKind::ClockSkew => 3,
            RetryKind::NotRetryable => return,
        };
        self.retries[i].fetch_add(1, Relaxed);
    }

    fn failure(&self, kind: FailureKind) {
        self.failed[kind as usize].fetch_add(1, Relaxed);
    }

    fn latency(&self, d: Duration) {
        let us = u64::try_from(d.as_micros()).unwrap_or(u64::MAX);
        self.latency_count.fetch_add(1, Relaxed);
        self.latency_sum_us.fetch_add(us, Relaxed);
        self.latency_max_us.fetch_max(us, Relaxed);
        let i = LATENCY_BUCKETS_MS
            .iter()
            .position(|&b| us <= b * 1000)
            .unwrap_or(LATENCY_BUCKETS_MS.len());
        self.latency_buckets[i].fetch_add(1, Relaxed);
    }

    /// The counters now (each exact; not one consistent cut across them).
    pub fn snapshot(&self) -> MetricsSnapshot {
        let l = |a: &AtomicU64| a.load(Relaxed);
        // Ended is read before calls, so in flight never goes below 0.
        let ended = l(&self.ended);
        let calls = l(&self.calls);
        let f = |k: FailureKind| l(&self.failed[k as usize]);
        MetricsSnapshot {
            calls,
            succeeded: l(&self.succeeded),
            failed: self.failed.iter().map(l).sum(),
            in_flight: calls.saturating_sub(ended),
            attempts: l(&self.attempts),
            retries_throttling: l(&self.retries[0]),
            retries_transient: l(&self.retries[1]),
            retries_timeout: l(&self.retries[2]),
            retries_clock_skew: l(&self.retries[3]),
            throttles: l(&self.throttles),
            quota_exhausted: l(&self.quota_exhausted),
            failed_invalid_request: f(FailureKind::InvalidRequest),
            failed_endpoint: f(FailureKind::Endpoint),
            failed_credentials: f(FailureKind::Credentials),
            failed_signing: f(FailureKind::Signing),
            failed_transport: f(FailureKind::Transport),
            failed_timeout: f(FailureKind::Timeout),
            failed_service: f(FailureKind::Service),
            failed_invalid_response: f(FailureKind::InvalidResponse),
            failed_cancelled: f(FailureKind::Cancelled),
            latency_count: l(&self.latency_count),
            latency_sum_us: l(&self.latency_sum_us),
            latency_max_us: l(&self.latency_max_us),
            latency_buckets: std::array::from_fn(|i| l(&self.latency_buckets[i])),
        }
    }
}

/// One call in flight; counts its end when finished or dropped.
pub struct CallGuard<'a> {
    metrics: &'a ClientMetrics,
    started: std::time::Instant,
    done: bool,
}

impl CallGuard<'_> {
    /// Counts the call's outcome and latency.
    pub fn finish(mut self, error: Option<&Error>) {
        self.done = true;
        let m = self.metrics;
        match error {
            None => {
                m.succeeded.fetch_add(1, Relaxed);
            }
            Some(e) => m.failure(FailureKind::of(e)),
        }
        m.latency(self.started.elapsed());
        m.ended.fetch_add(1, Relaxed);
    }
}

impl Drop for CallGuard<'_> {
    fn drop(&mut self) {
        if !self.done {
            self.metrics.failure(FailureKind::Cancelled);
            self.metrics.ended.fetch_add(1, Relaxed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_calls_failures_latency_and_cancellations() {
        let m = ClientMetrics::default();
        let g = m.start();
        assert_eq!(m.snapshot().in_flight, 1);
        g.finish(None);
        m.start().finish(Some(&Error::Timeout("t".into())));
        drop(m.start());
        m.retry(RetryKind::Throttling);
        m.retry(RetryKind::NotRetryable);
        let s = m.snapshot();
        assert_eq!((s.calls, s.succeeded, s.failed, s.in_flight), (3, 1, 2, 0));
        assert_eq!((s.failed_timeout, s.failed_cancelled), (1, 1));
        assert_eq!((s.retries_throttling, s.retries_transient), (1, 0));
        assert_eq!(s.latency_count, 2);
        assert_eq!(s.latency_buckets.iter().sum::<u64>(), 2);
        assert!(s.latency_max_us <= s.latency_sum_us);
    }

    #[test]
    fn buckets_are_inclusive_upper_bounds() {
        let m = ClientMetrics::default();
        m.latency(Duration::from_millis(5));
        m.latency(Duration::from_micros(5001));
        m.latency(Duration::from_secs(60));
        let s = m.snapshot();
        assert_eq!(s.latency_buckets[0], 1);
        assert_eq!(s.latency_buckets[1], 1);
        assert_eq!(s.latency_buckets[LATENCY_BUCKET_COUNT - 1], 1);
    }
}
