//! Time as the outbox sees it. Every rule (sealing, windows, late usage, backoff, expiry) reads
//! an injectable clock, so tests and simulations run them at pinned instants.

use std::sync::atomic::{AtomicI64, Ordering};

/// A source of the current time in Unix milliseconds (UTC).
pub trait Clock: Send + Sync {
    /// Now, in Unix milliseconds; read once per store transaction, so one transaction's rules
    /// all see the same instant.
    fn now_ms(&self) -> i64;
    /// Whether this is the real time. A shared store (PostgreSQL) then takes the database's
    /// clock instead, so servers whose clocks differ agree; any other clock (a test's, a
    /// simulation's) is followed as it is, so rules run at pinned instants there too.
    fn is_system(&self) -> bool {
        false
    }
}

/// The system clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0)
    }
    fn is_system(&self) -> bool {
        true
    }
}

/// A clock that stands still until moved: for tests and simulations.
#[derive(Debug, Default)]
pub struct ManualClock(AtomicI64);

impl ManualClock {
    /// A clock standing at `unix_seconds`.
    pub fn at_secs(unix_seconds: i64) -> Self {
        Self(AtomicI64::new(unix_seconds * 1000))
    }
    /// Moves the clock to `unix_seconds` (backwards too).
    pub fn set_secs(&self, unix_seconds: i64) {
        self.0.store(unix_seconds * 1000, Ordering::SeqCst);
    }
    /// Moves the clock on by `seconds`.
    pub fn advance_secs(&self, seconds: i64) {
        self.0.fetch_add(seconds * 1000, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

impl<C: Clock + ?Sized> Clock for std::sync::Arc<C> {
    fn now_ms(&self) -> i64 {
        (**self).now_ms()
    }
    fn is_system(&self) -> bool {
        (**self).is_system()
    }
}
