//! `mpm_client_metrics`: a client's counters and call latency as a plain C struct.

use super::client::mpm_client;
use super::error::{mpm_result, to_code, FfiError, FfiResult};
use super::handle::try_ref;
use super::panic::ffi_boundary;
use mpmeter_core::metrics::{MetricsSnapshot, LATENCY_BUCKET_COUNT};

/// Buckets of `mpm_client_metrics.latency_buckets`.
pub const MPM_LATENCY_BUCKETS: usize = 12;
const _: () = assert!(MPM_LATENCY_BUCKETS == LATENCY_BUCKET_COUNT);

/// A client's counters since it was made (relaxed: each counter exact, not a consistent cut
/// across them), filled by `mpm_client_get_metrics`. Set `size` to
/// `sizeof(mpm_client_metrics)` before the call: fields are only ever added at the end, so
/// a program built against an older header gets the fields it knows.
#[repr(C)]
#[allow(non_camel_case_types)]
#[derive(Debug, Clone, Copy, Default)]
pub struct mpm_client_metrics {
    /// In: the struct's size as the caller knows it. Out: the bytes filled.
    pub size: u64,
    /// Calls started, those refused before sending (invalid input) included.
    pub calls: u64,
    /// Calls that succeeded.
    pub succeeded: u64,
    /// Calls that ended in an error (the sum of the failed_* counters).
    pub failed: u64,
    /// Calls started and not yet ended.
    pub in_flight: u64,
    /// HTTP attempts sent, retries and clock-skew resends included.
    pub attempts: u64,
    /// Retries after a throttled attempt.
    pub retries_throttling: u64,
    /// Retries after a 5xx or a connection error.
    pub retries_transient: u64,
    /// Retries after an attempt that timed out.
    pub retries_timeout: u64,
    /// Resends with the clock corrected after a clock-skew answer.
    pub retries_clock_skew: u64,
    /// Attempts answered with throttling (HTTP 429 or a throttling code).
    pub throttles: u64,
    /// Retries not made because the client's retry quota was spent.
    pub quota_exhausted: u64,
    /// Failed calls, by the `mpm_result` they ended with: MPM_ERR_INVALID_REQUEST.
    pub failed_invalid_request: u64,
    /// MPM_ERR_ENDPOINT.
    pub failed_endpoint: u64,
    /// MPM_ERR_CREDENTIALS.
    pub failed_credentials: u64,
    /// MPM_ERR_SIGNING.
    pub failed_signing: u64,
    /// MPM_ERR_TRANSPORT.
    pub failed_transport: u64,
    /// MPM_ERR_TIMEOUT.
    pub failed_timeout: u64,
    /// MPM_ERR_SERVICE.
    pub failed_service: u64,
    /// MPM_ERR_INVALID_RESPONSE.
    pub failed_invalid_response: u64,
    /// MPM_ERR_CANCELLED.
    pub failed_cancelled: u64,
    /// Completed calls timed (cancelled ones are not).
    pub latency_count: u64,
    /// Their total latency, in microseconds.
    pub latency_sum_us: u64,
    /// The slowest, in microseconds.
    pub latency_max_us: u64,
    /// Calls by latency: at most 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000 ms,
    /// and slower.
    pub latency_buckets: [u64; MPM_LATENCY_BUCKETS],
}

impl From<&MetricsSnapshot> for mpm_client_metrics {
    fn from(s: &MetricsSnapshot) -> Self {
        Self {
            size: std::mem::size_of::<Self>() as u64,
            calls: s.calls,
            succeeded: s.succeeded,
            failed: s.failed,
            in_flight: s.in_flight,
            attempts: s.attempts,
            retries_throttling: s.retries_throttling,
            retries_transient: s.retries_transient,
            retries_timeout: s.retries_timeout,
            retries_clock_skew: s.retries_clock_skew,
            throttles: s.throttles,
            quota_exhausted: s.quota_exhausted,
            failed_invalid_request: s.failed_invalid_request,
            failed_endpoint: s.failed_endpoint,
            failed_credentials: s.failed_credentials,
            failed_signing: s.failed_signing,
            failed_transport: s.failed_transport,
            failed_timeout: s.failed_timeout,
            failed_service: s.failed_service,
            failed_invalid_response: s.failed_invalid_response,
            failed_cancelled: s.failed_cancelled,
            latency_count: s.latency_count,
            latency_sum_us: s.latency_sum_us,
            latency_max_us: s.latency_max_us,
            latency_buckets: s.latency_buckets,
        }
    }
}

fn get_metrics(client: *const mpm_client, out: *mut mpm_client_metrics) -> FfiResult<()> {
    let client = try_ref(client, "client")?;
    if out.is_null() {
        return Err(FfiError::new(
            mpm_result::MPM_ERR_NULL_ARGUMENT,
            "out is NULL (an mpm_client_metrics to fill)",
        ));
    }
    // SAFETY: `out` points to at least `size` writable bytes, as the caller said, and the
    // size field comes first.
    let asked = unsafe { std::ptr::addr_of!((*out).size).read_unaligned() };
    let ours = std::mem::size_of::<mpm_client_metrics>();
    if asked < 8 {
        return Err(FfiError::new(
            mpm_result::MPM_ERR_INVALID_ARGUMENT,
            format!("out->size is {asked}: set it to sizeof(mpm_client_metrics)"),
        ));
    }
    let n = usize::try_from(asked).unwrap_or(usize::MAX).min(ours);
    let mut m = mpm_client_metrics::from(&client.metrics());
    m.size = n as u64;
    // SAFETY: as above; `n` is at most both sizes.
    unsafe {
        std::ptr::copy_nonoverlapping(
            (&m as *const mpm_client_metrics).cast::<u8>(),
            out.cast::<u8>(),
            n,
        )
    };
    Ok(())
}

/// Fills `out` with the client's counters so far; `out->size` must be set first (see
/// `mpm_client_metrics`). Cheap (a few atomic loads) and callable from any thread, log
/// callbacks and response callbacks included. MPM_ERR_NULL_ARGUMENT for a NULL client or
/// out, MPM_ERR_INVALID_ARGUMENT when `out->size` is under 8.
#[no_mangle]
pub extern "C" fn mpm_client_get_metrics(
    client: *const mpm_client,
    out: *mut mpm_client_metrics,
) -> mpm_result {
    ffi_boundary! { to_code(get_metrics(client, out)) }
}
