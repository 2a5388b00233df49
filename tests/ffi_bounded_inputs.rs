//! Bounded inputs, bounded messages, through the C API (the core client's own checks are in
//! core/tests/bounded_inputs.rs): an absurd region or endpoint is refused at once with a
//! short message, an error message quotes at most a short prefix of any input, and keys with
//! CR/LF (or of absurd size) are refused when the credentials are made, with a message that
//! does not quote them.

mod support;

use std::ffi::c_void;
use std::ptr::{null, null_mut};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use mpmeter::ffi::*;
use support::capi::*;
use support::cpu_time::cpu_time_of;

const HUGE: usize = 100 * 1024 * 1024;
/// CPU time of the calling thread, not wall-clock time, so a loaded machine cannot fail it;
/// before the bound on inputs, `http://` + 100 MB took 12.8 s.
const FAST: Duration = Duration::from_millis(1000);
const SHORT: usize = 200;

/// Runs `f`, then checks it was fast and left `code` with a short last-error message.
fn refused_fast(what: &str, code: mpm_result, f: impl FnOnce()) {
    let ((), took) = cpu_time_of(f);
    let msg = last_message();
    assert_eq!(mpm_last_error_code(), code, "{what}: {msg:.300}");
    assert!(took < FAST, "{what} took {took:?} of CPU time");
    assert!(msg.len() < SHORT, "{what}: {} bytes: {msg:.300}", msg.len());
}

#[test]
fn a_100_mb_region_is_refused_fast_with_a_short_message() {
    let region = cs(&"a".repeat(HUGE));
    let creds = mpm_credentials_new_anonymous();
    refused_fast(
        "mpm_client_new_with_region_name",
        mpm_result::MPM_ERR_ENDPOINT,
        || {
            assert!(mpm_client_new_with_region_name(region.as_ptr(), creds).is_null());
        },
    );
    let client = mpm_client_new_with_region_name(cs("us-east-1").as_ptr(), creds);
    assert!(!client.is_null(), "{}", last_message());
    refused_fast(
        "mpm_client_set_region_name",
        mpm_result::MPM_ERR_ENDPOINT,
        || {
            assert_eq!(
                mpm_client_set_region_name(client, region.as_ptr()),
                mpm_result::MPM_ERR_ENDPOINT
            );
        },
    );
    mpm_client_free(client);
    mpm_credentials_free(creds);
}

#[test]
fn an_http_plus_100_mb_endpoint_is_refused_fast_with_a_short_message() {
    let endpoint = format!("http://{}", "a".repeat(HUGE));
    let c_endpoint = cs(&endpoint);
    let creds = mpm_credentials_new_anonymous();
    refused_fast(
        "mpm_client_new_with_endpoint",
        mpm_result::MPM_ERR_ENDPOINT,
        || {
            assert!(mpm_client_new_with_endpoint(c_endpoint.as_ptr(), creds).is_null());
        },
    );
    let client = mpm_client_new_with_endpoint(cs("http://127.0.0.1:1").as_ptr(), creds);
    assert!(!client.is_null(), "{}", last_message());
    refused_fast(
        "mpm_client_set_endpoint",
        mpm_result::MPM_ERR_ENDPOINT,
        || {
            assert_eq!(
                mpm_client_set_endpoint(client, c_endpoint.as_ptr()),
                mpm_result::MPM_ERR_ENDPOINT
            );
        },
    );
    mpm_client_free(client);
    mpm_credentials_free(creds);
}

#[test]
fn other_inputs_are_quoted_by_a_short_prefix_only() {
    let cfg = mpm_config_new();
    let path = cs(&format!("/nonexistent/{}", "d".repeat(1_000_000)));
    refused_fast(
        "mpm_config_add_ca_file",
        mpm_result::MPM_ERR_INVALID_ARGUMENT,
        || {
            assert_eq!(
                mpm_config_add_ca_file(cfg, path.as_ptr()),
                mpm_result::MPM_ERR_INVALID_ARGUMENT
            );
        },
    );
    let proxy = cs(&format!("http://{}", "p".repeat(HUGE)));
    refused_fast(
        "mpm_config_set_proxy",
        mpm_result::MPM_ERR_INVALID_ARGUMENT,
        || {
            assert_eq!(
                mpm_config_set_proxy(cfg, proxy.as_ptr(), null()),
                mpm_result::MPM_ERR_INVALID_ARGUMENT
            );
        },
    );
    mpm_config_free(cfg);
}

const BAD_VALUE: &str = "BAD\r\nX-Injected: 1";

fn assert_refused(what: &str, value_field: &str) {
    let msg = last_message();
    assert_eq!(
        mpm_last_error_code(),
        mpm_result::MPM_ERR_INVALID_ARGUMENT,
        "{what}: {msg}"
    );
    assert!(msg.contains(value_field), "{what}: {msg}");
    assert!(
        !msg.contains("X-Injected"),
        "{what} quotes the value: {msg}"
    );
}

#[test]
fn crlf_in_each_key_is_refused_by_mpm_credentials_new_basic() {
    let bad = cs(BAD_VALUE);
    let (akid, secret, token) = (cs("AKIDEXAMPLE"), cs("secret-key-example"), cs("token"));
    for (field, a, s, t) in [
        ("access_key_id", &bad, &secret, &token),
        ("secret_key", &akid, &bad, &token),
        ("session_token", &akid, &secret, &bad),
    ] {
        assert!(mpm_credentials_new_basic(a.as_ptr(), s.as_ptr(), t.as_ptr()).is_null());
        assert_refused("mpm_credentials_new_basic", field);
    }
    let long = cs(&"k".repeat(129));
    assert!(mpm_credentials_new_basic(akid.as_ptr(), long.as_ptr(), null()).is_null());
    assert_refused("a 129-byte secret", "secret_key");
    let long = cs(&"t".repeat(1024 * 1024));
    assert!(mpm_credentials_new_basic(akid.as_ptr(), secret.as_ptr(), long.as_ptr()).is_null());
    assert_refused("a 1 MiB token", "session_token");
}

static OUT_SET_RESULT: AtomicU32 = AtomicU32::new(u32::MAX);

extern "C" fn crlf_token_callback(_: *mut c_void, out: *mut mpm_credentials_out) -> i32 {
    let rc = mpm_credentials_out_set(
        out,
        cs("AKIDCALLBACK").as_ptr(),
        cs("callback-secret-example").as_ptr(),
        cs(BAD_VALUE).as_ptr(),
        0,
    );
    OUT_SET_RESULT.store(rc as u32, Ordering::SeqCst);
    0
}

#[test]
fn crlf_in_a_callbacks_keys_is_refused_when_it_answers() {
    let creds = mpm_credentials_new_callback(Some(crlf_token_callback), null_mut(), None);
    assert!(!creds.is_null());
    assert_eq!(
        mpm_credentials_resolve(creds, 10_000),
        mpm_result::MPM_ERR_CREDENTIALS
    );
    let msg = last_message();
    assert!(!msg.contains("X-Injected"), "{msg}");
    assert_eq!(
        OUT_SET_RESULT.load(Ordering::SeqCst),
        mpm_result::MPM_ERR_INVALID_ARGUMENT as u32,
        "mpm_credentials_out_set refuses the token"
    );
    mpm_credentials_free(creds);
}
