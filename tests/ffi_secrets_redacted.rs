//! No secret in any text the C API hands out, wherever the text came from: the service's
//! signature-mismatch message (which quotes the canonical request, session token included),
//! endpoint URLs with user:password (C constructors, the setter) and proxy URLs with a
//! password. The core's own texts (its errors and Debug output) are checked in
//! core/tests/secrets_redacted.rs, credential_process's stderr in
//! core/tests/credentials_chain.rs, which owns the process environment.

mod support;

use std::ptr::null;

use mpmeter::ffi::*;
use support::capi::*;
use support::emulator::Emulator;

const AKID: &str = "ASIASESSIONEXAMPLE01";
const EMULATOR_SECRET: &str = "emulator-side-secret-0123456789abcdefghij";
const CLIENT_SECRET: &str = "wrong-client-secret-0123456789abcdefghijk";
const TOKEN: &str = "IQoJb3JpZ2luX2VjEXAMPLE+SESSION/TOKEN0123456789abcdefghijklmnop==";

fn assert_clean(what: &str, text: &str) {
    for secret in [TOKEN, CLIENT_SECRET, EMULATOR_SECRET, "SESSION/TOKEN"] {
        assert!(!text.contains(secret), "{what} leaks {secret:?}: {text}");
    }
}

/// The emulator, like AWS, answers a bad signature with the canonical request it expected,
/// which holds `x-amz-security-token:<token>`.
#[test]
fn signature_mismatch_with_a_session_token_reveals_neither_token_nor_secret() {
    let accepted = format!("{AKID}:{EMULATOR_SECRET}:{TOKEN}");
    let emu = Emulator::start(&["--credentials", &accepted]);

    let creds = mpm_credentials_new_basic(
        cs(AKID).as_ptr(),
        cs(CLIENT_SECRET).as_ptr(),
        cs(TOKEN).as_ptr(),
    );
    assert!(!creds.is_null(), "{}", last_message());
    let client = mpm_client_new_with_endpoint(cs(&emu.url).as_ptr(), creds);
    mpm_credentials_free(creds);
    assert!(!client.is_null(), "{}", last_message());
    let req = mpm_meter_usage_request_new();
    mpm_meter_usage_request_set_product_code(req, cs("demo-product").as_ptr());
    mpm_meter_usage_request_set_timestamp(req, now());
    mpm_meter_usage_request_set_usage_dimension(req, cs("users").as_ptr());
    mpm_meter_usage_request_set_usage_quantity(req, 1);
    let resp = mpm_client_meter_usage(client, req);
    assert_eq!(
        wait(resp),
        mpm_result::MPM_ERR_SERVICE,
        "{}",
        describe(resp)
    );
    assert_eq!(
        mpm_response_service_error(resp),
        mpm_service_error::MPM_SERVICE_ERROR_UNKNOWN
    );
    assert_eq!(
        rs(mpm_response_error_code(resp)).as_deref(),
        Some("InvalidSignatureException")
    );
    let msg = rs(mpm_response_error_message(resp)).unwrap_or_default();
    assert!(
        msg.contains("Canonical String") && msg.contains("x-amz-security-token:"),
        "the service's message is kept, only the secret goes: {msg}"
    );
    assert_clean("mpm_response_error_message", &msg);
    assert_clean("describe", &describe(resp));
    mpm_response_free(resp);
    mpm_meter_usage_request_free(req);
    mpm_client_free(client);
}

const URL_SECRET: &str = "url-password-DO-NOT-LEAK";

fn userinfo_url() -> String {
    format!("http://metering:{URL_SECRET}@127.0.0.1:1/")
}

/// The last error names the URL (without its user info) and never the password.
fn assert_endpoint_error(what: &str) {
    assert_eq!(
        mpm_last_error_code(),
        mpm_result::MPM_ERR_ENDPOINT,
        "{what}: {}",
        last_message()
    );
    let msg = last_message();
    assert!(
        !msg.contains(URL_SECRET),
        "{what} leaks the password: {msg}"
    );
    assert!(msg.contains("127.0.0.1:1"), "{what}: {msg}");
}

#[test]
fn endpoint_userinfo_is_not_echoed_by_mpm_client_new_with_endpoint() {
    let creds = mpm_credentials_new_anonymous();
    let url = cs(&userinfo_url());
    assert!(mpm_client_new_with_endpoint(url.as_ptr(), creds).is_null());
    assert_endpoint_error("mpm_client_new_with_endpoint");
    assert!(mpm_client_new_with_config(null(), url.as_ptr(), creds, null()).is_null());
    assert_endpoint_error("mpm_client_new_with_config");
    mpm_credentials_free(creds);
}

#[test]
fn endpoint_userinfo_is_not_echoed_by_mpm_client_set_endpoint() {
    let creds = mpm_credentials_new_anonymous();
    let client = mpm_client_new_with_endpoint(cs("http://127.0.0.1:1/").as_ptr(), creds);
    assert!(!client.is_null(), "{}", last_message());
    assert_eq!(
        mpm_client_set_endpoint(client, cs(&userinfo_url()).as_ptr()),
        mpm_result::MPM_ERR_ENDPOINT
    );
    assert_endpoint_error("mpm_client_set_endpoint");
    mpm_client_free(client);
    mpm_credentials_free(creds);
}

const PROXY_SECRET: &str = "proxy-password-DO-NOT-LEAK";

#[test]
fn proxy_password_is_in_no_message() {
    let good = format!("http://proxy-user:{PROXY_SECRET}@127.0.0.1:9");
    let cfg = mpm_config_new();
    for bad in [
        format!("http://proxy-user:{PROXY_SECRET}@[::1"),
        format!("http://proxy-user:{PROXY_SECRET}@exa mple.com:99999"),
        format!("http://proxy-user:{PROXY_SECRET}@{}", "h".repeat(100_000)),
    ] {
        assert_eq!(
            mpm_config_set_proxy(cfg, cs(&bad).as_ptr(), null()),
            mpm_result::MPM_ERR_INVALID_ARGUMENT,
            "{bad:.60}"
        );
        let msg = last_message();
        assert!(
            !msg.contains(PROXY_SECRET),
            "mpm_config_set_proxy leaks: {msg}"
        );
        assert!(msg.len() < 300, "{} bytes: {msg:.300}", msg.len());
    }
    assert_eq!(
        mpm_config_set_proxy(cfg, cs(&good).as_ptr(), null()),
        mpm_result::MPM_OK
    );
    mpm_config_free(cfg);
}
