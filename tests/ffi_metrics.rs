//! Per-client metrics (issue 13, item 2) through `mpm_client_get_metrics`, against the
//! emulator and its faults: calls, attempts, retries by reason, throttles, failures by kind,
//! in flight, latency; and the struct's `size` protocol for ABI growth.

mod support;

use mpmeter::ffi::client::*;
use mpmeter::ffi::config::*;
use mpmeter::ffi::credentials::*;
use mpmeter::ffi::error::mpm_result;
use mpmeter::ffi::metrics::*;
use mpmeter::ffi::requests::*;
use mpmeter::ffi::response::*;
use support::capi::*;
use support::emulator::{Emulator, ACCESS_KEY, SECRET_KEY};

fn metrics(client: *const mpm_client) -> mpm_client_metrics {
    let mut m = mpm_client_metrics {
        size: std::mem::size_of::<mpm_client_metrics>() as u64,
        ..Default::default()
    };
    assert_eq!(mpm_client_get_metrics(client, &mut m), mpm_result::MPM_OK);
    assert_eq!(m.size, std::mem::size_of::<mpm_client_metrics>() as u64);
    m
}

fn request(dimension: &str, t: i64) -> *mut mpm_meter_usage_request {
    let req = mpm_meter_usage_request_new();
    mpm_meter_usage_request_set_product_code(req, cs("demo-product").as_ptr());
    mpm_meter_usage_request_set_timestamp(req, t);
    mpm_meter_usage_request_set_usage_dimension(req, cs(dimension).as_ptr());
    mpm_meter_usage_request_set_usage_quantity(req, 1);
    req
}

fn meter(client: *mut mpm_client, dimension: &str, t: i64) -> mpm_result {
    let req = request(dimension, t);
    let resp = mpm_client_meter_usage(client, req);
    let rc = wait(resp);
    mpm_response_free(resp);
    mpm_meter_usage_request_free(req);
    rc
}

/// A client with a 2 s attempt timeout and 3 attempts: long enough for any answer on a loaded
/// machine (a debug build's first call can take several hundred ms), short enough for the test.
fn client(url: &str) -> *mut mpm_client {
    let config = mpm_config_new();
    assert_eq!(
        mpm_config_set_attempt_timeout_ms(config, 2000),
        mpm_result::MPM_OK
    );
    let creds = mpm_credentials_new_basic(
        cs(ACCESS_KEY).as_ptr(),
        cs(SECRET_KEY).as_ptr(),
        std::ptr::null(),
    );
    let c = mpm_client_new_with_config(std::ptr::null(), cs(url).as_ptr(), creds, config);
    mpm_credentials_free(creds);
    mpm_config_free(config);
    assert!(!c.is_null(), "{}", last_message());
    c
}

#[test]
fn counters_follow_the_emulator_faults() {
    let emu = Emulator::start(&[]);
    let c = client(&emu.url);
    let zero = metrics(c);
    assert_eq!((zero.calls, zero.attempts, zero.latency_count), (0, 0, 0));

    assert_eq!(meter(c, "users", past_hour()), mpm_result::MPM_OK);
    let m = metrics(c);
    assert_eq!((m.calls, m.succeeded, m.failed, m.attempts), (1, 1, 0, 1));

    // Throttled twice, then through: 3 attempts, 2 throttling retries.
    emu.fault(r#"{"mode":"retry_after","count":2,"retry_after_ms":10}"#);
    assert_eq!(meter(c, "hosts", past_hour()), mpm_result::MPM_OK);
    // A 500, then a dropped connection, then through.
    emu.fault(r#"{"mode":"internal","count":1}"#);
    emu.fault(r#"{"mode":"drop","count":1}"#);
    assert_eq!(meter(c, "data_gb", past_hour()), mpm_result::MPM_OK);
    // An attempt that times out (2 s), then through.
    emu.fault(r#"{"mode":"delay","count":1,"delay_ms":6000}"#);
    assert_eq!(meter(c, "users", past_hour() - 3600), mpm_result::MPM_OK);
    // Throttled on every attempt: fails as a service error after 3.
    emu.fault(r#"{"mode":"retry_after","count":3,"retry_after_ms":10}"#);
    assert_eq!(
        meter(c, "hosts", past_hour() - 3600),
        mpm_result::MPM_ERR_SERVICE
    );
    // A service error that is not retried. (Invalid input never makes a call in the C API:
    // the operation returns NULL.)
    assert_eq!(
        meter(c, "no-such-dimension", past_hour()),
        mpm_result::MPM_ERR_SERVICE
    );

    let m = metrics(c);
    assert_eq!(m.calls, 6);
    assert_eq!((m.succeeded, m.failed), (4, 2));
    assert_eq!(m.in_flight, 0);
    assert_eq!(m.attempts, 1 + 3 + 3 + 2 + 3 + 1);
    assert_eq!(m.retries_throttling, 2 + 2);
    assert_eq!(m.retries_transient, 2);
    assert_eq!(m.retries_timeout, 1);
    assert_eq!(m.retries_clock_skew, 0);
    assert_eq!(m.throttles, 2 + 3);
    assert_eq!(m.quota_exhausted, 0);
    assert_eq!(m.failed_service, 2);
    assert_eq!(m.failed_invalid_request, 0);
    assert_eq!(
        m.failed_credentials + m.failed_transport + m.failed_timeout + m.failed_cancelled,
        0
    );
    assert_eq!(m.latency_count, 6);
    assert_eq!(m.latency_buckets.iter().sum::<u64>(), 6);
    assert!(m.latency_max_us >= 2_000_000, "the timed-out call: {m:?}");
    assert!(m.latency_sum_us >= m.latency_max_us);
    mpm_client_free(c);
}

/// Polls `f` for up to 5 s.
fn until(f: impl Fn() -> bool) -> bool {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while !f() {
        if std::time::Instant::now() > deadline {
            return false;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    true
}

#[test]
fn in_flight_and_cancelled_calls() {
    let emu = Emulator::start(&[]);
    let c = client(&emu.url);
    emu.fault(r#"{"mode":"delay","count":1,"delay_ms":800}"#);
    let req = request("users", past_hour());
    let resp = mpm_client_meter_usage(c, req);
    assert!(until(|| metrics(c).in_flight == 1), "{:?}", metrics(c));
    assert_eq!(wait(resp), mpm_result::MPM_OK);
    mpm_response_free(resp);
    assert_eq!(metrics(c).in_flight, 0);

    emu.fault(r#"{"mode":"delay","count":1,"delay_ms":3000}"#);
    let resp = mpm_client_meter_usage(c, req);
    // Cancelled once it is on the wire (a call cancelled before it starts is never counted).
    assert!(until(|| metrics(c).in_flight == 1), "{:?}", metrics(c));
    assert_eq!(mpm_response_cancel(resp), mpm_result::MPM_OK);
    mpm_response_wait(resp, 5_000);
    mpm_response_free(resp);
    assert!(until(|| metrics(c).in_flight == 0), "{:?}", metrics(c));
    let m = metrics(c);
    assert_eq!(
        (m.in_flight, m.failed_cancelled, m.failed),
        (0, 1, 1),
        "{m:?}"
    );
    mpm_meter_usage_request_free(req);
    mpm_client_free(c);
}

#[test]
fn an_older_caller_gets_the_prefix_it_knows() {
    let c = client("http://127.0.0.1:1/");
    // A caller whose struct ends after `calls`: only 16 bytes are written.
    let mut small = [u64::MAX; 4];
    small[0] = 16;
    let out = small.as_mut_ptr().cast::<mpm_client_metrics>();
    assert_eq!(mpm_client_get_metrics(c, out), mpm_result::MPM_OK);
    assert_eq!(small, [16, 0, u64::MAX, u64::MAX]);
    let mut bad = mpm_client_metrics::default();
    assert_eq!(
        mpm_client_get_metrics(c, &mut bad),
        mpm_result::MPM_ERR_INVALID_ARGUMENT
    );
    assert_eq!(
        mpm_client_get_metrics(c, std::ptr::null_mut()),
        mpm_result::MPM_ERR_NULL_ARGUMENT
    );
    assert_eq!(
        mpm_client_get_metrics(std::ptr::null(), &mut bad),
        mpm_result::MPM_ERR_NULL_ARGUMENT
    );
    mpm_client_free(c);
}
