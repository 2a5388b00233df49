//! mpmeter through its C API (the `extern "C"` functions of `mpmeter::ffi`, called from Rust):
//! the path a C program takes. Per call, as a C program would: make the request, set its
//! members, start the call, wait for the response, check it, free both.
//!
//! Sequential (`--concurrency 1`): one call at a time from this thread. Concurrent: a
//! sliding window of C calls in flight, started from this thread; when it is full, wait for
//! the oldest, check and free it, start the next one.

#[path = "../common.rs"]
mod common;

use std::collections::VecDeque;
use std::ffi::{CStr, CString};
use std::os::raw::c_char;

use common::*;
use mpmeter::ffi::requests::*;
use mpmeter::ffi::{
    mpm_client, mpm_client_free, mpm_client_meter_usage, mpm_client_new_with_endpoint,
    mpm_client_resolve_customer, mpm_credentials_free, mpm_credentials_new_basic,
    mpm_last_error_message, mpm_meter_usage_response_metering_record_id,
    mpm_resolve_customer_response_customer_identifier, mpm_response, mpm_response_error_code,
    mpm_response_error_message, mpm_response_free, mpm_response_result, mpm_response_wait,
    mpm_result,
};

struct Strings {
    product: CString,
    dimension: CString,
    token: CString,
    expected_customer: CString,
}

fn cstr_or<'a>(p: *const c_char, dflt: &'a str) -> String {
    if p.is_null() {
        dflt.to_string()
    } else {
        unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
    }
}

fn last_error() -> String {
    cstr_or(mpm_last_error_message(), "(no message)")
}

fn check(r: mpm_result, what: &str) {
    if r != mpm_result::MPM_OK {
        die(&format!("{what}: {r:?}: {}", last_error()));
    }
}

/// Starts one call; dies if it cannot be started.
fn start(client: *const mpm_client, op: Op, s: &Strings) -> *mut mpm_response {
    let resp = match op {
        Op::Resolve => {
            let req = mpm_resolve_customer_request_new();
            check(
                mpm_resolve_customer_request_set_registration_token(req, s.token.as_ptr()),
                "set_registration_token",
            );
            let resp = mpm_client_resolve_customer(client, req);
            mpm_resolve_customer_request_free(req);
            resp
        }
        Op::Meter => {
            let req = mpm_meter_usage_request_new();
            check(mpm_meter_usage_request_set_product_code(req, s.product.as_ptr()), "set_product_code");
            check(mpm_meter_usage_request_set_timestamp(req, now_unix()), "set_timestamp");
            check(
                mpm_meter_usage_request_set_usage_dimension(req, s.dimension.as_ptr()),
                "set_usage_dimension",
            );
            check(mpm_meter_usage_request_set_usage_quantity(req, 1), "set_usage_quantity");
            let resp = mpm_client_meter_usage(client, req);
            mpm_meter_usage_request_free(req);
            resp
        }
    };
    if resp.is_null() {
        die(&format!("the call could not be started: {}", last_error()));
    }
    resp
}

/// Waits for a call, dies unless it succeeded with the expected output, frees it.
fn finish(resp: *mut mpm_response, op: Op, s: &Strings) {
    check(mpm_response_wait(resp, -1), "mpm_response_wait");
    let r = mpm_response_result(resp);
    if r != mpm_result::MPM_OK {
        die(&format!(
            "call failed: {r:?} {}: {}",
            cstr_or(mpm_response_error_code(resp), "-"),
            cstr_or(mpm_response_error_message(resp), "-")
        ));
    }
    match op {
        Op::Resolve => {
            let c = mpm_resolve_customer_response_customer_identifier(resp);
            if c.is_null() || unsafe { CStr::from_ptr(c) } != s.expected_customer.as_c_str() {
                die(&format!("unexpected CustomerIdentifier {}", cstr_or(c, "(null)")));
            }
        }
        Op::Meter => {
            let id = mpm_meter_usage_response_metering_record_id(resp);
            if id.is_null() || unsafe { CStr::from_ptr(id) }.to_bytes().is_empty() {
                die("MeterUsage returned no MeteringRecordId");
            }
        }
    }
    mpm_response_free(resp);
}

fn run(client: *const mpm_client, op: Op, calls: usize, concurrency: usize, s: &Strings) {
    if concurrency <= 1 {
        for _ in 0..calls {
            finish(start(client, op, s), op, s);
        }
        return;
    }
    let mut window: VecDeque<*mut mpm_response> = VecDeque::with_capacity(concurrency);
    for _ in 0..calls {
        if window.len() == concurrency {
            finish(window.pop_front().unwrap(), op, s);
        }
        window.push_back(start(client, op, s));
    }
    for resp in window {
        finish(resp, op, s);
    }
}

fn main() {
    let args = parse_args();
    let s = Strings {
        product: CString::new(PRODUCT).unwrap(),
        dimension: CString::new(DIMENSION).unwrap(),
        token: CString::new(TOKEN).unwrap(),
        expected_customer: CString::new(EXPECTED_CUSTOMER).unwrap(),
    };
    let akid = CString::new(ACCESS_KEY).unwrap();
    let secret = CString::new(SECRET_KEY).unwrap();
    let endpoint = CString::new(args.endpoint.clone()).unwrap();

    let creds = mpm_credentials_new_basic(akid.as_ptr(), secret.as_ptr(), std::ptr::null());
    if creds.is_null() {
        die(&format!("mpm_credentials_new_basic: {}", last_error()));
    }
    let client = mpm_client_new_with_endpoint(endpoint.as_ptr(), creds);
    if client.is_null() {
        die(&format!("mpm_client_new_with_endpoint: {}", last_error()));
    }
    mpm_credentials_free(creds);

    // Warm-up: runtime threads, connection pool, credentials cache.
    run(client, args.op, args.warmup, args.concurrency, &s);

    let m = Meter::start();
    run(client, args.op, args.calls, args.concurrency, &s);
    m.report("mpmeter", &args);

    mpm_client_free(client);
}
