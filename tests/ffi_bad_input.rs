//! A table of bad arguments to every exported function outside the request builders (which
//! tests/ffi_requests.rs covers): each returns its error code and a message naming the
//! problem; none crashes or reaches the network.

mod support;

use std::ffi::c_char;
use std::ptr::{null, null_mut};

use mpmeter::ffi::*;
use support::capi::*;

const BAD_UTF8: &[u8] = b"us-\xff\xfe-1\0";

fn bad() -> *const c_char {
    BAD_UTF8.as_ptr().cast()
}

/// Asserts the last error is `code` with a message containing `needle`.
fn expect(what: &str, code: mpm_result, needle: &str) {
    assert_eq!(mpm_last_error_code(), code, "{what}: {}", last_message());
    let msg = last_message();
    assert!(!msg.is_empty(), "{what}: empty message");
    assert!(msg.contains(needle), "{what}: {msg:?} lacks {needle:?}");
}

fn creds() -> *mut mpm_credentials {
    mpm_credentials_new_basic(cs("AKID").as_ptr(), cs("SECRET").as_ptr(), null())
}

#[test]
fn constructors_refuse_bad_arguments() {
    let c = creds();
    let cases: Vec<(&str, Box<dyn Fn() -> bool>, mpm_result, &str)> = vec![
        (
            "basic NULL key",
            Box::new(|| mpm_credentials_new_basic(null(), cs("s").as_ptr(), null()).is_null()),
            mpm_result::MPM_ERR_NULL_ARGUMENT,
            "access_key_id",
        ),
        (
            "basic NULL secret",
            Box::new(|| mpm_credentials_new_basic(cs("a").as_ptr(), null(), null()).is_null()),
            mpm_result::MPM_ERR_NULL_ARGUMENT,
            "secret_key",
        ),
        (
            "basic empty key",
            Box::new(|| {
                mpm_credentials_new_basic(cs("").as_ptr(), cs("s").as_ptr(), null()).is_null()
            }),
            mpm_result::MPM_ERR_INVALID_ARGUMENT,
            "access_key_id",
        ),
        (
            "basic bad UTF-8 token",
            Box::new(|| {
                mpm_credentials_new_basic(cs("a").as_ptr(), cs("s").as_ptr(), bad()).is_null()
            }),
            mpm_result::MPM_ERR_INVALID_UTF8,
            "session_token",
        ),
        (
            "client unknown region",
            Box::new(move || mpm_client_new(0xDEAD_BEEF, c).is_null()),
            mpm_result::MPM_ERR_UNKNOWN_ENUM,
            "0xdeadbeef",
        ),
        (
            "client invalid region 0",
            Box::new(move || mpm_client_new(0, c).is_null()),
            mpm_result::MPM_ERR_UNKNOWN_ENUM,
            "region",
        ),
        (
            "client NULL credentials",
            Box::new(|| mpm_client_new(0xB41, null()).is_null()),
            mpm_result::MPM_ERR_NULL_ARGUMENT,
            "credentials",
        ),
        (
            "region name NULL",
            Box::new(move || mpm_client_new_with_region_name(null(), c).is_null()),
            mpm_result::MPM_ERR_NULL_ARGUMENT,
            "region",
        ),
        (
            "region name bad UTF-8",
            Box::new(move || mpm_client_new_with_region_name(bad(), c).is_null()),
            mpm_result::MPM_ERR_INVALID_UTF8,
            "region",
        ),
        (
            "region name not a host label",
            Box::new(move || {
                mpm_client_new_with_region_name(cs("us-east-1/../evil").as_ptr(), c).is_null()
            }),
            mpm_result::MPM_ERR_ENDPOINT,
            "region",
        ),
        (
            "region name huge",
            Box::new(move || {
                mpm_client_new_with_region_name(cs(&"a".repeat(100_000)).as_ptr(), c).is_null()
            }),
            mpm_result::MPM_ERR_ENDPOINT,
            "region",
        ),
        (
            "endpoint NULL",
            Box::new(move || mpm_client_new_with_endpoint(null(), c).is_null()),
            mpm_result::MPM_ERR_NULL_ARGUMENT,
            "endpoint_url",
        ),
        (
            "endpoint not a URL",
            Box::new(move || mpm_client_new_with_endpoint(cs("not a url").as_ptr(), c).is_null()),
            mpm_result::MPM_ERR_ENDPOINT,
            "",
        ),
        (
            "endpoint ftp",
            Box::new(move || {
                mpm_client_new_with_endpoint(cs("ftp://127.0.0.1/").as_ptr(), c).is_null()
            }),
            mpm_result::MPM_ERR_ENDPOINT,
            "",
        ),
        (
            "endpoint bad UTF-8",
            Box::new(move || mpm_client_new_with_endpoint(bad(), c).is_null()),
            mpm_result::MPM_ERR_INVALID_UTF8,
            "endpoint_url",
        ),
    ];
    for (what, call, code, needle) in cases {
        assert!(call(), "{what}: expected NULL");
        expect(what, code, needle);
    }
    mpm_credentials_free(c);
}

#[test]
fn client_getters_and_setters_refuse_bad_arguments() {
    let c = creds();
    let client = mpm_client_new(0xB41, c);
    assert!(!client.is_null(), "{}", last_message());
    assert_eq!(
        mpm_client_set_region(client, 0x7777_7777),
        mpm_result::MPM_ERR_UNKNOWN_ENUM
    );
    assert_eq!(
        mpm_client_set_region_name(client, bad()),
        mpm_result::MPM_ERR_INVALID_UTF8
    );
    assert_eq!(
        mpm_client_set_region_name(client, cs("bad region").as_ptr()),
        mpm_result::MPM_ERR_ENDPOINT
    );
    assert_eq!(
        mpm_client_set_endpoint(client, cs("://").as_ptr()),
        mpm_result::MPM_ERR_ENDPOINT
    );
    assert_eq!(
        mpm_client_set_credentials(client, null()),
        mpm_result::MPM_ERR_NULL_ARGUMENT
    );
    assert_eq!(
        mpm_client_set_credentials(null_mut(), c),
        mpm_result::MPM_ERR_NULL_ARGUMENT
    );
    // A failed setter leaves the client as it was.
    assert_eq!(mpm_client_region(client), 0xB41);
    let mut buf = [0 as c_char; 8];
    let needed = mpm_client_endpoint(client, buf.as_mut_ptr(), buf.len());
    assert_eq!(
        needed,
        "https://metering.marketplace.us-east-1.amazonaws.com".len()
    );
    assert_eq!(
        rs(buf.as_ptr()).unwrap(),
        "https:/",
        "truncated and NUL-terminated"
    );
    assert_eq!(mpm_client_endpoint(client, null_mut(), 0), needed);
    assert_eq!(mpm_client_endpoint(null(), buf.as_mut_ptr(), buf.len()), 0);
    expect(
        "endpoint of NULL",
        mpm_result::MPM_ERR_NULL_ARGUMENT,
        "client",
    );
    assert!(mpm_client_api_version(null()).is_null());
    expect(
        "api_version of NULL",
        mpm_result::MPM_ERR_NULL_ARGUMENT,
        "client",
    );
    assert_eq!(
        rs(mpm_client_api_version(client)).as_deref(),
        Some("2016-01-14")
    );
    assert_eq!(
        rs(mpm_client_endpoint_prefix(client)).as_deref(),
        Some("metering.marketplace")
    );
    assert_eq!(
        rs(mpm_client_service_name(client)).as_deref(),
        Some("aws-marketplace")
    );
    assert_eq!(
        rs(mpm_client_service_full_name(client)).as_deref(),
        Some("AWSMarketplace Metering")
    );
    assert_eq!(mpm_client_region(null()), 0);
    assert_eq!(
        mpm_client_set_region_name(client, cs("cn-north-1").as_ptr()),
        mpm_result::MPM_OK
    );
    let n = mpm_client_endpoint(client, null_mut(), 0);
    let mut big = vec![0 as c_char; n + 1];
    mpm_client_endpoint(client, big.as_mut_ptr(), big.len());
    assert_eq!(
        rs(big.as_ptr()).unwrap(),
        "https://metering.marketplace.cn-north-1.amazonaws.com.cn"
    );
    mpm_client_free(client);
    mpm_client_free(null_mut());
    mpm_credentials_free(c);
    mpm_credentials_free(null_mut());
}

#[test]
fn response_functions_refuse_null_and_misuse() {
    assert!(!mpm_response_is_finished(null()));
    expect(
        "is_finished NULL",
        mpm_result::MPM_ERR_NULL_ARGUMENT,
        "response",
    );
    assert_eq!(
        mpm_response_wait(null(), 0),
        mpm_result::MPM_ERR_NULL_ARGUMENT
    );
    assert_eq!(
        mpm_response_result(null()),
        mpm_result::MPM_ERR_NULL_ARGUMENT
    );
    assert_eq!(
        mpm_response_service_error(null()),
        mpm_service_error::MPM_SERVICE_ERROR_NONE
    );
    assert!(mpm_response_error_code(null()).is_null());
    assert!(mpm_response_error_message(null()).is_null());
    assert!(mpm_response_request_id(null()).is_null());
    assert_eq!(mpm_response_http_status(null()), 0);
    assert_eq!(mpm_response_attempts(null()), 0);
    assert_eq!(
        mpm_response_operation(null()),
        mpm_operation::MPM_OPERATION_NONE
    );
    assert_eq!(
        mpm_response_cancel(null_mut()),
        mpm_result::MPM_ERR_NULL_ARGUMENT
    );
    assert_eq!(
        mpm_response_on_finished(null_mut(), None, null_mut()),
        mpm_result::MPM_ERR_NULL_ARGUMENT
    );
    let mut n = 0usize;
    assert_eq!(
        mpm_batch_meter_usage_response_result_count(null(), &mut n),
        mpm_result::MPM_ERR_NULL_ARGUMENT
    );
    assert!(mpm_batch_meter_usage_response_result_at(null(), 0).is_null());
    assert!(mpm_batch_meter_usage_response_unprocessed_at(null(), 0).is_null());
    assert!(mpm_meter_usage_response_metering_record_id(null()).is_null());
    assert!(mpm_register_usage_response_signature(null()).is_null());
    let mut t = 0i64;
    assert_eq!(
        mpm_register_usage_response_public_key_rotation_timestamp(null(), &mut t),
        mpm_result::MPM_ERR_NULL_ARGUMENT
    );
    assert_eq!(
        mpm_usage_record_result_status(null()),
        mpm_record_status::MPM_RECORD_STATUS_NONE
    );
    assert!(mpm_usage_record_result_usage_record(null()).is_null());
    mpm_response_free(null_mut());

    // A response to a server that never answers: every getter says "not finished".
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let client = client_for(&url, "AKID", "SECRET");
    let req = mpm_resolve_customer_request_new();
    mpm_resolve_customer_request_set_registration_token(req, cs("t").as_ptr());
    let resp = mpm_client_resolve_customer(client, req);
    assert_eq!(
        mpm_response_operation(resp),
        mpm_operation::MPM_OPERATION_RESOLVE_CUSTOMER
    );
    assert_eq!(mpm_response_result(resp), mpm_result::MPM_ERR_NOT_FINISHED);
    assert!(mpm_resolve_customer_response_product_code(resp).is_null());
    expect(
        "getter before finish",
        mpm_result::MPM_ERR_NOT_FINISHED,
        "not finished",
    );
    assert!(mpm_meter_usage_response_metering_record_id(resp).is_null());
    expect(
        "wrong operation",
        mpm_result::MPM_ERR_WRONG_OPERATION,
        "ResolveCustomer",
    );
    assert_eq!(
        mpm_response_wait(resp, -2),
        mpm_result::MPM_ERR_INVALID_ARGUMENT
    );
    assert_eq!(
        mpm_response_wait(resp, 10),
        mpm_result::MPM_ERR_WAIT_TIMEOUT
    );
    assert_eq!(
        mpm_response_on_finished(resp, None, null_mut()),
        mpm_result::MPM_ERR_NULL_ARGUMENT
    );
    assert_eq!(
        mpm_batch_meter_usage_response_result_count(resp, null_mut()),
        mpm_result::MPM_ERR_WRONG_OPERATION
    );
    mpm_response_free(resp);
    mpm_resolve_customer_request_free(req);
    mpm_client_free(client);
}

#[test]
fn result_names_runtime_and_version() {
    for code in mpm_result::ALL {
        let name = rs(mpm_result_name(*code as u32)).unwrap();
        assert!(name.starts_with("MPM_"), "{name}");
    }
    assert_eq!(
        rs(mpm_result_name(424242)).as_deref(),
        Some("MPM_UNKNOWN_RESULT")
    );
    assert_eq!(rs(mpm_result_name(100)).as_deref(), Some("MPM_ERR_SERVICE"));
    assert_eq!(
        mpm_runtime_set_worker_threads(0),
        mpm_result::MPM_ERR_INVALID_ARGUMENT
    );
    assert_eq!(
        mpm_runtime_set_worker_threads(100_000),
        mpm_result::MPM_ERR_INVALID_ARGUMENT
    );
    assert_eq!(
        rs(mpmeter::ffi::mpm_version()).as_deref(),
        Some(env!("CARGO_PKG_VERSION"))
    );
    // Reading the last error, or naming its code, does not clear it.
    assert!(mpm_client_new(1, null()).is_null());
    let code = mpm_last_error_code();
    assert_eq!(code, mpm_result::MPM_ERR_UNKNOWN_ENUM);
    let message = last_message();
    assert_eq!(
        rs(mpm_result_name(code as u32)).as_deref(),
        Some("MPM_ERR_UNKNOWN_ENUM")
    );
    assert!(!rs(mpmeter::ffi::mpm_version()).unwrap().is_empty());
    assert_eq!(mpm_last_error_code(), code);
    assert_eq!(last_message(), message);
}
