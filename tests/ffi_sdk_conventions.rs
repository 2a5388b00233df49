//! The AWS SDKs' conventions (issue 13, item 6): retry modes other than standard are refused
//! by name (setter and AWS_RETRY_MODE), never run as standard; the OS trust store is used
//! besides the built-in roots, and SSL_CERT_FILE replaces the OS store as OpenSSL's does.
//! One test: it changes the process environment.

mod support;

use std::ptr::null;

use mpmeter::ffi::client::*;
use mpmeter::ffi::config::*;
use mpmeter::ffi::credentials::*;
use mpmeter::ffi::error::mpm_result;
use mpmeter::ffi::requests::*;
use mpmeter::ffi::response::*;
use support::capi::*;
use support::stub_aws::{self, Reply};

fn meter(url: &str) -> mpm_result {
    let creds = mpm_credentials_new_basic(
        cs("AKIAIOSFODNN7EXAMPLE").as_ptr(),
        cs("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY").as_ptr(),
        null(),
    );
    let client = mpm_client_new_with_endpoint(cs(url).as_ptr(), creds);
    mpm_credentials_free(creds);
    assert!(!client.is_null(), "{}", last_message());
    let req = mpm_meter_usage_request_new();
    mpm_meter_usage_request_set_product_code(req, cs("demo-product").as_ptr());
    mpm_meter_usage_request_set_timestamp(req, past_hour());
    mpm_meter_usage_request_set_usage_dimension(req, cs("users").as_ptr());
    mpm_meter_usage_request_set_usage_quantity(req, 1);
    let resp = mpm_client_meter_usage(client, req);
    let rc = wait(resp);
    mpm_response_free(resp);
    mpm_meter_usage_request_free(req);
    mpm_client_free(client);
    rc
}

#[test]
fn retry_modes_and_trust_stores_follow_the_sdks() {
    // The setter: standard only; legacy and adaptive refused by name.
    let config = mpm_config_new();
    assert_eq!(
        mpm_config_set_retry_mode(config, mpm_retry_mode::MPM_RETRY_MODE_STANDARD as u32),
        mpm_result::MPM_OK
    );
    for (mode, name) in [
        (mpm_retry_mode::MPM_RETRY_MODE_LEGACY, "legacy"),
        (mpm_retry_mode::MPM_RETRY_MODE_ADAPTIVE, "adaptive"),
    ] {
        assert_eq!(
            mpm_config_set_retry_mode(config, mode as u32),
            mpm_result::MPM_ERR_INVALID_ARGUMENT
        );
        let msg = last_message();
        assert!(msg.contains(name) && msg.contains("not supported"), "{msg}");
    }
    assert_eq!(
        mpm_config_set_retry_mode(config, 9),
        mpm_result::MPM_ERR_UNKNOWN_ENUM
    );
    mpm_config_free(config);

    // AWS_RETRY_MODE: the same, naming the variable.
    for mode in ["adaptive", "legacy"] {
        std::env::set_var("AWS_RETRY_MODE", mode);
        assert!(mpm_config_new_from_environment().is_null());
        let msg = last_message();
        assert!(
            msg.contains("AWS_RETRY_MODE") && msg.contains(mode) && msg.contains("standard"),
            "{msg}"
        );
    }
    std::env::set_var("AWS_RETRY_MODE", "standard");
    let config = mpm_config_new_from_environment();
    assert!(!config.is_null(), "{}", last_message());
    mpm_config_free(config);
    std::env::remove_var("AWS_RETRY_MODE");

    // Trust: a server whose CA is in no store fails; with SSL_CERT_FILE naming its CA (the
    // OS store's override, as OpenSSL reads it), the same call reaches it.
    let stub = stub_aws::start_tls(Box::new(|_, _| Reply {
        status: 200,
        content_type: "application/x-amz-json-1.1",
        body: r#"{"MeteringRecordId":"tls-record-1"}"#.into(),
        headers: vec![("x-amzn-RequestId".into(), "req-tls-1".into())],
    }));
    std::env::remove_var("SSL_CERT_FILE");
    assert_eq!(meter(&stub.url), mpm_result::MPM_ERR_TRANSPORT);
    assert!(stub.requests().is_empty());
    let ca = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/test-ca.pem");
    std::env::set_var("SSL_CERT_FILE", ca);
    assert_eq!(meter(&stub.url), mpm_result::MPM_OK);
    assert_eq!(stub.requests().len(), 1);
    std::env::remove_var("SSL_CERT_FILE");
}
