//! The AWS SDKs' "standard" retry mode: capped exponential backoff with full jitter, a
//! client-wide retry quota (token bucket) so a failing service is not hammered, and the
//! classification of which failures are worth another attempt.

use std::sync::Mutex;
use std::time::Duration;

use super::service_error::is_throttling_code;

/// Attempts per operation unless configured (AWS_MAX_ATTEMPTS, `set_max_attempts`), the
/// first included: the SDKs' standard mode.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 3;
const THROTTLE_BASE: Duration = Duration::from_secs(1);
const OTHER_BASE: Duration = Duration::from_millis(50);
const MAX_BACKOFF: Duration = Duration::from_secs(20);
const INITIAL_TOKENS: u32 = 500;
const RETRY_COST: u32 = 5;
const TIMEOUT_RETRY_COST: u32 = 10;
const NO_RETRY_INCREMENT: u32 = 1;

/// Why an attempt failed, as far as retrying is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryKind {
    /// 429 or a throttling code: retried after a longer backoff (base 1 s).
    Throttling,
    /// 5xx, connection errors: worth another try after a short pause.
    Transient,
    /// The attempt timed out: retried, at twice the quota cost of other retries.
    Timeout,
    /// The clock was off; retried once at once with the corrected time.
    ClockSkew,
    /// Anything else (a 4xx the caller must fix, a service refusal): the call ends.
    NotRetryable,
}

/// Codes the SDKs treat as transient whatever the HTTP status.
fn is_transient_code(code: &str) -> bool {
    matches!(
        code,
        "RequestTimeout" | "RequestTimeoutException" | "InternalError" | "InternalServiceError"
    )
}

/// Codes that say the request's time was off.
pub fn is_clock_skew_code(code: &str, message: Option<&str>) -> bool {
    match code {
        "RequestTimeTooSkewed" | "RequestExpired" | "RequestInTheFuture" => true,
        "InvalidSignatureException" | "SignatureDoesNotMatch" | "AuthFailure" => message
            .map(|m| m.contains("Signature expired") || m.contains("Signature not yet current"))
            .unwrap_or(false),
        _ => false,
    }
}

/// Classifies a service answer by code and HTTP status.
pub fn classify_service(code: &str, status: u16) -> RetryKind {
    if is_throttling_code(code) || status == 429 {
        RetryKind::Throttling
    } else if is_transient_code(code) || matches!(status, 500 | 502 | 503 | 504) {
        RetryKind::Transient
    } else {
        RetryKind::NotRetryable
    }
}

/// Retry settings of a client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryConfig {
    /// Attempts in all, first included; 1 turns retries off.
    pub max_attempts: u32,
}

impl Default for RetryConfig {
    fn default() -> Self {
        Self {
            max_attempts: DEFAULT_MAX_ATTEMPTS,
        }
    }
}

/// The client-wide retry quota.
#[derive(Debug)]
pub struct RetryQuota {
    tokens: Mutex<u32>,
}

impl Default for RetryQuota {
    fn default() -> Self {
        Self {
            tokens: Mutex::new(INITIAL_TOKENS),
        }
    }
}

impl RetryQuota {
    /// Takes the cost of a retry (5 tokens, 10 after a timeout, of 500) and returns it; None
    /// when the quota is spent and the call should stop.
    pub fn acquire(&self, kind: RetryKind) -> Option<u32> {
        let cost = if kind == RetryKind::Timeout {
            TIMEOUT_RETRY_COST
        } else {
            RETRY_COST
        };
        let mut t = self.tokens.lock().unwrap_or_else(|p| p.into_inner());
        if *t < cost {
            return None;
        }
        *t -= cost;
        Some(cost)
    }

    /// Gives back what a successful call's retries took, or a little for a first-try success.
    pub fn release(&self, retry_cost: u32) {
        let mut t = self.tokens.lock().unwrap_or_else(|p| p.into_inner());
        let back = if retry_cost == 0 {
            NO_RETRY_INCREMENT
        } else {
            retry_cost
        };
        *t = (*t + back).min(INITIAL_TOKENS);
    }

    /// Tokens left, 0 to 500.
    pub fn available(&self) -> u32 {
        *self.tokens.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// How long to wait before attempt `attempt + 1` (`attempt` counts from 1).
/// `retry_after` is the service's `x-amz-retry-after` hint, honoured up to the cap.
pub fn backoff(kind: RetryKind, attempt: u32, retry_after: Option<Duration>) -> Duration {
    if kind == RetryKind::ClockSkew {
        return Duration::ZERO;
    }
    if let Some(hint) = retry_after {
        return hint.min(MAX_BACKOFF);
    }
    let base = if kind == RetryKind::Throttling {
        THROTTLE_BASE
    } else {
        OTHER_BASE
    };
    let exp = 2u32.saturating_pow(attempt.saturating_sub(1).min(30));
    let ceiling = base.saturating_mul(exp).min(MAX_BACKOFF);
    ceiling.mul_f64(fastrand::f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classification() {
        assert_eq!(
            classify_service("ThrottlingException", 400),
            RetryKind::Throttling
        );
        assert_eq!(classify_service("Whatever", 429), RetryKind::Throttling);
        assert_eq!(
            classify_service("InternalServiceErrorException", 500),
            RetryKind::Transient
        );
        assert_eq!(classify_service("", 503), RetryKind::Transient);
        assert_eq!(
            classify_service("InvalidTokenException", 400),
            RetryKind::NotRetryable
        );
        assert_eq!(
            classify_service("DuplicateRequestException", 400),
            RetryKind::NotRetryable
        );
    }

    #[test]
    fn skew_codes() {
        assert!(is_clock_skew_code("RequestTimeTooSkewed", None));
        assert!(is_clock_skew_code(
            "InvalidSignatureException",
            Some("Signature expired: 20260101T000000Z is now earlier than ...")
        ));
        assert!(!is_clock_skew_code(
            "InvalidSignatureException",
            Some("does not match")
        ));
    }

    #[test]
    fn backoff_is_capped_jittered() {
        for attempt in 1..40 {
            let d = backoff(RetryKind::Throttling, attempt, None);
            assert!(d <= MAX_BACKOFF);
            let d = backoff(RetryKind::Transient, attempt, None);
            assert!(
                d <= OTHER_BASE
                    .saturating_mul(2u32.saturating_pow(attempt - 1))
                    .min(MAX_BACKOFF)
            );
        }
        assert_eq!(
            backoff(RetryKind::Transient, 1, Some(Duration::from_millis(70))),
            Duration::from_millis(70)
        );
        assert_eq!(
            backoff(RetryKind::Transient, 1, Some(Duration::from_secs(99))),
            MAX_BACKOFF
        );
    }

    #[test]
    fn quota_drains_and_refills() {
        let q = RetryQuota::default();
        let mut n = 0;
        while q.acquire(RetryKind::Transient).is_some() {
            n += 1;
        }
        assert_eq!(n, 100);
        q.release(5);
        assert!(q.acquire(RetryKind::Transient).is_some());
        assert!(q.acquire(RetryKind::Transient).is_none());
    }
}
