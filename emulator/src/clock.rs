//! The emulator's clock: a base instant plus a configurable offset. The base
//! is the system clock, or an instant pinned by `--clock-now` /
//! `POST /__mpm/clock {"now": ...}`, where the clock then stands still, so
//! tests can run the time rules at a chosen instant (the last hour of a month,
//! New Year, 29 February) on any date. The offset puts client and "service"
//! out of step (clock-skew handling). Every time-based rule and the `Date`
//! response header read this clock.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// `pinned_ms` when the clock follows the system clock.
const NOT_PINNED: i64 = i64::MIN;

#[derive(Debug)]
pub struct Clock {
    offset_ms: AtomicI64,
    pinned_ms: AtomicI64,
}

impl Default for Clock {
    fn default() -> Clock {
        Clock {
            offset_ms: AtomicI64::new(0),
            pinned_ms: AtomicI64::new(NOT_PINNED),
        }
    }
}

impl Clock {
    pub fn set_offset_seconds(&self, secs: i64) {
        self.offset_ms
            .store(secs.saturating_mul(1000), Ordering::Relaxed);
    }

    pub fn offset_seconds(&self) -> i64 {
        self.offset_ms.load(Ordering::Relaxed) / 1000
    }

    /// Stops the clock at `epoch_ms` (before the offset), or with None lets it
    /// follow the system clock again.
    pub fn pin_ms(&self, epoch_ms: Option<i64>) {
        let v = epoch_ms.map_or(NOT_PINNED, |ms| ms.max(NOT_PINNED + 1));
        self.pinned_ms.store(v, Ordering::Relaxed);
    }

    /// The pinned instant (before the offset), if any.
    pub fn pinned_ms(&self) -> Option<i64> {
        match self.pinned_ms.load(Ordering::Relaxed) {
            NOT_PINNED => None,
            ms => Some(ms),
        }
    }

    pub fn now_ms(&self) -> i64 {
        let base = self.pinned_ms().unwrap_or_else(|| {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_millis() as i64)
                .unwrap_or(0)
        });
        base.saturating_add(self.offset_ms.load(Ordering::Relaxed))
    }

    pub fn now_secs(&self) -> i64 {
        self.now_ms().div_euclid(1000)
    }

    /// RFC 7231 date for the `Date` header, on the shifted clock so that
    /// SDKs estimating skew from it see the emulator's notion of time.
    pub fn http_date(&self) -> String {
        let t = UNIX_EPOCH + std::time::Duration::from_secs(self.now_secs().max(0) as u64);
        httpdate::fmt_http_date(t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pinned_clock_stands_still_and_takes_the_offset() {
        let c = Clock::default();
        assert_eq!(c.pinned_ms(), None);
        // 2026-12-01T06:00:00Z
        c.pin_ms(Some(1_796_104_800_000));
        assert_eq!(c.now_ms(), 1_796_104_800_000);
        std::thread::sleep(std::time::Duration::from_millis(5));
        assert_eq!(c.now_ms(), 1_796_104_800_000);
        c.set_offset_seconds(-1);
        assert_eq!(c.now_secs(), 1_796_104_799);
        assert_eq!(c.http_date(), "Tue, 01 Dec 2026 05:59:59 GMT");
        c.pin_ms(None);
        c.set_offset_seconds(0);
        let sys = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_millis() as i64;
        assert!((c.now_ms() - sys).abs() < 5_000);
    }
}
