//! The call loop: snapshot the target, resolve credentials, attempt, classify, back off,
//! retry, under the whole-operation timeout. Each attempt is signed afresh.

use std::sync::atomic::Ordering;
use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;

use super::attempt::{send_attempt, AttemptError, AttemptRequest, RawResponse};
use super::output::{parse_output, OperationOutput};
use super::{Client, PreparedCall};
use crate::error::{Error, Outcome, ResponseMeta};
use crate::retry::{backoff, classify_service, is_clock_skew_code, RetryKind};
use crate::service_error::parse_service_error;

/// Skew under this is noise from the Date header's one-second resolution and network delay.
const SKEW_THRESHOLD_SECS: i64 = 60;
/// The largest clock offset ever learned. SigV4 tolerates 15 minutes; a host clock that is
/// hours off (a time zone mistaken for UTC is at most 14 h) is worth correcting, but a `Date`
/// days away is a broken or hostile server, and believing it would sign every later request
/// of the client in that year.
const MAX_LEARNED_SKEW_SECS: i64 = 24 * 3600;

impl Client {
    /// Sends a prepared call with the client's retry policy and timeouts.
    pub async fn send(&self, call: &PreparedCall) -> Outcome<OperationOutput> {
        // Counts the call's end, as cancelled if this future is dropped first.
        let counted = self.inner.metrics.start();
        let mut meta = ResponseMeta::default();
        // Whose secrets to take out of the error, which leaves the core here (core::redact).
        let credentials = self.target().credentials.clone();
        let limit = self.inner.config.timeouts.operation;
        let result =
            match tokio::time::timeout(limit, self.send_with_retries(call, &mut meta)).await {
                Ok(r) => r,
                Err(_) => Err(Error::Timeout(format!(
                    "{} did not complete within the operation timeout of {} ms",
                    call.op.name(),
                    limit.as_millis()
                ))),
            };
        let result = result.map_err(|e| credentials.redact_error(e));
        counted.finish(result.as_ref().err());
        match &result {
            Ok(_) => tracing::debug!(
                operation = call.op.name(),
                attempts = meta.attempts,
                request_id = meta.request_id.as_deref().unwrap_or(""),
                "call succeeded"
            ),
            Err(e) => tracing::warn!(
                operation = call.op.name(),
                attempts = meta.attempts,
                status = meta.http_status,
                request_id = meta.request_id.as_deref().unwrap_or(""),
                error = %e,
                "call failed"
            ),
        }
        Outcome { result, meta }
    }

    fn signing_time(&self) -> SystemTime {
        let skew = self.inner.skew_seconds.load(Ordering::Relaxed);
        if skew >= 0 {
            SystemTime::now() + Duration::from_secs(skew as u64)
        } else {
            SystemTime::now() - Duration::from_secs(skew.unsigned_abs())
        }
    }

    /// Learns the clock offset from an answer's Date header; true when it changed enough to
    /// matter. An offset beyond `MAX_LEARNED_SKEW_SECS` is ignored and the old one kept.
    fn learn_skew(&self, date: Option<SystemTime>) -> bool {
        let Some(server) = date else { return false };
        let local = SystemTime::now();
        let skew = match server.duration_since(local) {
            Ok(ahead) => i64::try_from(ahead.as_secs()).unwrap_or(i64::MAX),
            Err(behind) => -i64::try_from(behind.duration().as_secs()).unwrap_or(i64::MAX),
        };
        if skew.abs() > MAX_LEARNED_SKEW_SECS {
            return false;
        }
        let applied = if skew.abs() >= SKEW_THRESHOLD_SECS {
            skew
        } else {
            0
        };
        let old = self.inner.skew_seconds.swap(applied, Ordering::Relaxed);
        let changed = (old - applied).abs() >= SKEW_THRESHOLD_SECS;
        if changed {
            tracing::info!(
                skew_seconds = applied,
                previous_seconds = old,
                "clock skew correction: signing with the service's time"
            );
        }
        changed
    }

    async fn send_with_retries(
        &self,
        call: &PreparedCall,
        meta: &mut ResponseMeta,
    ) -> Result<OperationOutput, Error> {
        if self.region_pending() {
            // Boxed: the IMDS lookup's state would otherwise sit in every call's future
            // (tens of KB copied into each spawned task).
            Box::pin(self.resolve_pending_region()).await?;
        }
        let target = self.target();
        let cfg = &self.inner.config;
        let max_attempts = cfg.retry.max_attempts.max(1);
        // Only for the service's logs, so a fast PRNG will do; ClientTokens use the OS RNG.
        let invocation_id = uuid::Builder::from_random_bytes(fastrand::u128(..).to_le_bytes())
            .into_uuid()
            .to_string();
        let mut retry_cost = 0u32;
        let mut skew_retried = false;
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            meta.attempts = attempt;
            // Credentials are asked for on every attempt: a provider may have refreshed them.
            let creds = target
                .credentials
                .resolve()
                .await
                .map_err(Error::Credentials)?;
            let req = AttemptRequest {
                op: call.op,
                url: &target.url,
                signer: &target.signer,
                region: &target.region,
                credentials: creds.as_ref(),
                body: &call.body,
                invocation_id: &invocation_id,
                attempt,
                max_attempts,
                signing_time: self.signing_time(),
            };
            self.inner.metrics.attempt();
            // The connection limit bounds open sockets however many calls are in flight; time
            // spent queueing for it counts against the operation timeout, not the attempt's.
            let permit = self.inner.connections.acquire().await;
            let timed =
                tokio::time::timeout(cfg.timeouts.attempt, send_attempt(&self.inner.http, req))
                    .await;
            drop(permit);
            let (error, kind, retry_after) = match timed {
                Err(_) => {
                    let msg = format!(
                        "attempt {attempt} got no answer within {} ms",
                        cfg.timeouts.attempt.as_millis()
                    );
                    (Error::Timeout(msg), RetryKind::Timeout, None)
                }
                Ok(Err(AttemptError::Signing(m))) => return Err(Error::Signing(m)),
                Ok(Err(AttemptError::Timeout(m))) => (Error::Timeout(m), RetryKind::Timeout, None),
                Ok(Err(AttemptError::Transport(m))) => {
                    (Error::Transport(m), RetryKind::Transient, None)
                }
                Ok(Ok(raw)) => {
                    meta.http_status = raw.status;
                    meta.request_id = raw.request_id.clone();
                    tracing::debug!(
                        operation = call.op.name(),
                        attempt,
                        status = raw.status,
                        request_id = raw.request_id.as_deref().unwrap_or(""),
                        "attempt answered"
                    );
                    // Only an answer that looks like the service's (it carries a request id and
                    // is not a refused redirect) may move the signing clock.
                    let from_service =
                        raw.request_id.is_some() && !(300..400).contains(&raw.status);
                    let skew_changed = from_service && self.learn_skew(raw.date);
                    match self.interpret(call, raw) {
                        Ok(out) => {
                            self.inner.quota.release(retry_cost);
                            return Ok(out);
                        }
                        Err((error, kind, retry_after)) => {
                            let is_skew = matches!(&error, Error::Service(e)
                                if is_clock_skew_code(&e.code, e.message.as_deref()));
                            if is_skew && skew_changed && !skew_retried {
                                // Retried once, at once, with the corrected clock. It is counted
                                // as an attempt but not against max attempts or the quota.
                                skew_retried = true;
                                self.inner.metrics.retry(RetryKind::ClockSkew);
                                tracing::info!(
                                    operation = call.op.name(),
                                    attempt,
                                    reason = "clock_skew",
                                    backoff_ms = 0u64,
                                    "retrying at once with the corrected clock"
                                );
                                continue;
                            }
                            (error, kind, retry_after)
                        }
                    }
                }
            };
            if kind == RetryKind::Throttling {
                self.inner.metrics.throttled();
            }
            let allowed = max_attempts + u32::from(skew_retried);
            if kind == RetryKind::NotRetryable || attempt >= allowed {
                return Err(error);
            }
            match self.inner.quota.acquire(kind) {
                Some(cost) => retry_cost += cost,
                None => {
                    self.inner.metrics.quota_exhausted();
                    tracing::warn!(
                        operation = call.op.name(),
                        attempt,
                        reason = retry_reason(kind),
                        "not retrying: the client's retry quota is spent"
                    );
                    return Err(error);
                }
            }
            let pause = backoff(kind, attempt, retry_after);
            self.inner.metrics.retry(kind);
            tracing::info!(
                operation = call.op.name(),
                attempt,
                status = meta.http_status,
                reason = retry_reason(kind),
                backoff_ms = u64::try_from(pause.as_millis()).unwrap_or(u64::MAX),
                error = %redacted(&error, creds.as_ref()),
                "retrying"
            );
            tokio::time::sleep(pause).await;
        }
    }

    /// Reads an HTTP answer: the output on 2xx, else the error and how to retry it.
    fn interpret(
        &self,
        call: &PreparedCall,
        raw: RawResponse,
    ) -> Result<OperationOutput, (Error, RetryKind, Option<Duration>)> {
        if (200..300).contains(&raw.status) {
            return parse_output(call.op, &raw.body)
                .and_then(|out| super::check_output(&call.sent_records, out))
                .map_err(|m| (Error::InvalidResponse(m), RetryKind::NotRetryable, None));
        }
        if (300..400).contains(&raw.status) {
            let msg = super::redirect_refused(raw.status, raw.location.as_deref());
            tracing::warn!(
                operation = call.op.name(),
                status = raw.status,
                error = %crate::redact::message(&msg, &[]),
                "redirect refused"
            );
            return Err((Error::InvalidResponse(msg), RetryKind::NotRetryable, None));
        }
        match parse_service_error(raw.error_type.as_deref(), &raw.body) {
            Some(e) => {
                let kind = classify_service(&e.code, raw.status);
                Err((Error::Service(e), kind, raw.retry_after))
            }
            None => {
                let kind = classify_service("", raw.status);
                let snippet: String = String::from_utf8_lossy(&raw.body)
                    .chars()
                    .take(120)
                    .collect();
                let msg = format!(
                    "HTTP {} with a body that is not an AWS error: {:?}",
                    raw.status, snippet
                );
                Err((Error::InvalidResponse(msg), kind, raw.retry_after))
            }
        }
    }
}

/// The retry reason as logged: throttling, transient, timeout, clock_skew.
pub(crate) fn retry_reason(kind: RetryKind) -> &'static str {
    match kind {
        RetryKind::Throttling => "throttling",
        RetryKind::Transient => "transient",
        RetryKind::Timeout => "timeout",
        RetryKind::ClockSkew => "clock_skew",
        RetryKind::NotRetryable => "not_retryable",
    }
}

/// An attempt's error for the log, without the secrets of the credentials it was signed with.
fn redacted(e: &Error, credentials: Option<&Credentials>) -> String {
    let known = credentials
        .map(crate::redact::known_secrets)
        .unwrap_or_default();
    crate::redact::message(&e.to_string(), &known)
}
