//! Thin helpers over the exported C functions, so tests read like C callers' code.

use std::ffi::{c_char, CStr, CString};

use mpmeter::ffi::*;

pub fn cs(s: &str) -> CString {
    CString::new(s).unwrap()
}

/// A borrowed C string as Rust, None for NULL.
pub fn rs(p: *const c_char) -> Option<String> {
    if p.is_null() {
        None
    } else {
        Some(unsafe { CStr::from_ptr(p) }.to_str().unwrap().to_string())
    }
}

pub fn last_message() -> String {
    rs(mpm_last_error_message()).unwrap_or_default()
}

pub fn client_for(url: &str, akid: &str, secret: &str) -> *mut mpm_client {
    let creds = mpm_credentials_new_basic(cs(akid).as_ptr(), cs(secret).as_ptr(), std::ptr::null());
    assert!(!creds.is_null(), "{}", last_message());
    let client = mpm_client_new_with_endpoint(cs(url).as_ptr(), creds);
    mpm_credentials_free(creds);
    assert!(!client.is_null(), "{}", last_message());
    client
}

/// Waits (up to 60 s) and returns the response's result code.
pub fn wait(resp: *mut mpm_response) -> mpm_result {
    assert!(
        !resp.is_null(),
        "operation returned NULL: {}",
        last_message()
    );
    assert_eq!(
        mpm_response_wait(resp, 60_000),
        mpm_result::MPM_OK,
        "{}",
        last_message()
    );
    mpm_response_result(resp)
}

pub fn describe(resp: *const mpm_response) -> String {
    format!(
        "result={:?} service_error={:?} code={:?} message={:?} status={} request_id={:?}",
        mpm_response_result(resp),
        mpm_response_service_error(resp),
        rs(mpm_response_error_code(resp)),
        rs(mpm_response_error_message(resp)),
        mpm_response_http_status(resp),
        rs(mpm_response_request_id(resp)),
    )
}

#[allow(unused_imports)]
pub use super::clock::{now, past_hour};
