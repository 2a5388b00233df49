//! The region from IMDS as the SDKs take it (issue 13, item 6): for a client from the
//! environment when nothing names a region, at its first call, bounded, never while the
//! client is made; an explicit region wins; off EC2 the call fails saying why; with
//! AWS_EC2_METADATA_DISABLED=true the client is refused as before.

mod support;

use std::ffi::c_char;
use std::time::{Duration, Instant};

use mpmeter::ffi::*;
use support::aws_env::Env;
use support::capi::*;
use support::stub_aws;

fn region(client: *const mpm_client) -> String {
    let mut buf = [0 as c_char; 64];
    mpm_client_region_name(client, buf.as_mut_ptr(), buf.len());
    unsafe { std::ffi::CStr::from_ptr(buf.as_ptr()) }
        .to_str()
        .unwrap()
        .to_string()
}

fn meter(client: *mut mpm_client) -> mpm_result {
    let req = mpm_meter_usage_request_new();
    mpm_meter_usage_request_set_product_code(req, cs("demo-product").as_ptr());
    mpm_meter_usage_request_set_timestamp(req, past_hour());
    mpm_meter_usage_request_set_usage_dimension(req, cs("users").as_ptr());
    mpm_meter_usage_request_set_usage_quantity(req, 1);
    let resp = mpm_client_meter_usage(client, req);
    let rc = wait(resp);
    if rc != mpm_result::MPM_OK {
        eprintln!("{}", describe(resp));
    }
    mpm_response_free(resp);
    mpm_meter_usage_request_free(req);
    rc
}

#[test]
fn region_from_imds_at_the_first_call_never_when_the_client_is_made() {
    let env = Env::new("imds-first-use");
    env.unset("AWS_REGION");
    env.set("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE");
    env.set(
        "AWS_SECRET_ACCESS_KEY",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    );
    // No call reaches AWS: https goes to a closed proxy port (IMDS is plain http).
    env.set("HTTPS_PROXY", "http://127.0.0.1:9");
    let imds = stub_aws::imds("ASIAFIRST", Duration::from_secs(3600));
    env.set("AWS_EC2_METADATA_SERVICE_ENDPOINT", &imds.url);

    let client = mpm_client_new_from_environment();
    assert!(!client.is_null(), "{}", last_message());
    assert!(
        imds.requests().is_empty(),
        "making a client makes no network call"
    );
    // The first call asks IMDS, then goes to the instance's region (and the closed proxy).
    assert_eq!(meter(client), mpm_result::MPM_ERR_TRANSPORT);
    assert_eq!(region(client), "eu-west-3");
    let asked = imds.requests().len();
    assert!(asked > 0);
    assert_eq!(meter(client), mpm_result::MPM_ERR_TRANSPORT);
    assert_eq!(imds.requests().len(), asked, "asked once");
    mpm_client_free(client);

    // A region set before the first call wins: IMDS is not asked.
    let client = mpm_client_new_from_environment();
    assert_eq!(
        mpm_client_set_region_name(client, cs("ap-south-1").as_ptr()),
        mpm_result::MPM_OK
    );
    assert_eq!(meter(client), mpm_result::MPM_ERR_TRANSPORT);
    assert_eq!(region(client), "ap-south-1");
    assert_eq!(imds.requests().len(), asked);
    mpm_client_free(client);

    // Off EC2 (nothing listening): the call fails within the bound and says why; the next
    // call asks again.
    env.set("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:9");
    env.set("AWS_METADATA_SERVICE_TIMEOUT", "1");
    let client = mpm_client_new_from_environment();
    assert!(!client.is_null(), "{}", last_message());
    let start = Instant::now();
    let req = mpm_meter_usage_request_new();
    mpm_meter_usage_request_set_product_code(req, cs("demo-product").as_ptr());
    mpm_meter_usage_request_set_timestamp(req, past_hour());
    mpm_meter_usage_request_set_usage_dimension(req, cs("users").as_ptr());
    mpm_meter_usage_request_set_usage_quantity(req, 1);
    let resp = mpm_client_meter_usage(client, req);
    assert_eq!(
        wait(resp),
        mpm_result::MPM_ERR_ENDPOINT,
        "{}",
        describe(resp)
    );
    let msg = rs(mpm_response_error_message(resp)).unwrap_or_default();
    assert!(
        msg.contains("no region") && msg.contains("metadata"),
        "{msg}"
    );
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
    mpm_response_free(resp);
    mpm_meter_usage_request_free(req);
    mpm_client_free(client);

    // AWS_EC2_METADATA_DISABLED=true: refused when made, as without IMDS.
    env.set("AWS_EC2_METADATA_DISABLED", "true");
    assert!(mpm_client_new_from_environment().is_null());
    assert_eq!(mpm_last_error_code(), mpm_result::MPM_ERR_ENDPOINT);
    drop(env);
}
