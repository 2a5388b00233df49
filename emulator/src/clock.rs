//! The emulator's clock: the system clock shifted by a configurable offset,
//! so tests can put client and "service" out of step (clock-skew handling).
//! Every time-based rule and the `Date` response header read this clock.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

#[derive(Debug, Default)]
pub struct Clock {
    offset_ms: AtomicI64,
}

impl Clock {
    pub fn set_offset_seconds(&self, secs: i64) {
        self.offset_ms.store(secs * 1000, Ordering::Relaxed);
    }

    pub fn offset_seconds(&self) -> i64 {
        self.offset_ms.load(Ordering::Relaxed) / 1000
    }

    pub fn now_ms(&self) -> i64 {
        let sys = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0);
        sys + self.offset_ms.load(Ordering::Relaxed)
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
