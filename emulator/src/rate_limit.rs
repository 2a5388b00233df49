//! The service's request rate limit: "at most 10 requests a second per account and region"
//! (BatchMeterUsage and MeterUsage quotas). Off unless `--rate-limit N` or
//! `POST /__mpm/rate_limit {"per_second": N}` turns it on, so other tests are unaffected.
//!
//! A token bucket per (account, region) of capacity N refilled at N tokens a second, on the
//! **real** (monotonic) clock, not the emulator's: the emulator's clock may stand still or jump
//! hours, while a client's rate limiter waits in real time, and "a second" is what both must
//! agree on. A request that finds the bucket empty is answered `ThrottlingException` and does not
//! take a token (it did nothing). Admin routes are never limited.

use std::collections::HashMap;
use std::time::Instant;

#[derive(Debug, Default)]
pub struct RateLimiter {
    per_second: u32,
    buckets: HashMap<(String, String), Bucket>,
    throttled: u64,
}

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

impl RateLimiter {
    pub fn new(per_second: u32) -> RateLimiter {
        RateLimiter {
            per_second,
            ..RateLimiter::default()
        }
    }

    /// 0: no limit.
    pub fn per_second(&self) -> u32 {
        self.per_second
    }

    /// Requests refused by the limit since it was last set or reset.
    pub fn throttled(&self) -> u64 {
        self.throttled
    }

    /// Sets the limit (0 turns it off) and starts every bucket full.
    pub fn set(&mut self, per_second: u32) {
        self.per_second = per_second;
        self.buckets.clear();
        self.throttled = 0;
    }

    /// Refills every bucket and forgets the count (the limit itself is kept, like the config).
    pub fn reset(&mut self) {
        let n = self.per_second;
        self.set(n);
    }

    /// True when a request of `account` in `region` may go on now (and takes a token).
    pub fn admit(&mut self, account: &str, region: &str) -> bool {
        self.admit_at(account, region, Instant::now())
    }

    pub fn admit_at(&mut self, account: &str, region: &str, now: Instant) -> bool {
        if self.per_second == 0 {
            return true;
        }
        let cap = self.per_second as f64;
        let b = self
            .buckets
            .entry((account.to_string(), region.to_string()))
            .or_insert(Bucket {
                tokens: cap,
                at: now,
            });
        let elapsed = now.saturating_duration_since(b.at).as_secs_f64();
        b.tokens = (b.tokens + elapsed * cap).min(cap);
        b.at = now;
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            true
        } else {
            self.throttled += 1;
            false
        }
    }
}

/// The region of the SigV4 credential scope (`Credential=AKID/DATE/REGION/...`), if readable.
pub fn region_of(headers: &http::HeaderMap) -> Option<String> {
    let auth = headers.get("authorization")?.to_str().ok()?;
    let cred = auth.split("Credential=").nth(1)?;
    let scope = cred.split([',', ' ']).next()?;
    let mut parts = scope.split('/');
    parts.nth(2).map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn ten_a_second_per_account_and_region() {
        let mut r = RateLimiter::new(10);
        let t0 = Instant::now();
        for _ in 0..10 {
            assert!(r.admit_at("a", "us-east-1", t0));
        }
        assert!(!r.admit_at("a", "us-east-1", t0));
        // Other account, other region: their own buckets.
        assert!(r.admit_at("b", "us-east-1", t0));
        assert!(r.admit_at("a", "eu-west-1", t0));
        // 100 ms refill one token.
        assert!(r.admit_at("a", "us-east-1", t0 + Duration::from_millis(100)));
        assert!(!r.admit_at("a", "us-east-1", t0 + Duration::from_millis(100)));
        assert_eq!(r.throttled(), 2);
        // Off: everything passes.
        r.set(0);
        for _ in 0..100 {
            assert!(r.admit_at("a", "us-east-1", t0));
        }
    }

    #[test]
    fn region_from_the_credential_scope() {
        let mut h = http::HeaderMap::new();
        h.insert(
            "authorization",
            "AWS4-HMAC-SHA256 Credential=AKID/20260101/eu-west-1/aws-marketplace/aws4_request, SignedHeaders=host, Signature=00"
                .parse()
                .unwrap(),
        );
        assert_eq!(region_of(&h).as_deref(), Some("eu-west-1"));
        assert_eq!(region_of(&http::HeaderMap::new()), None);
    }
}
