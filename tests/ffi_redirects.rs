//! A redirect refused by the core client (core/tests/redirects.rs), as the C API reports it:
//! MPM_ERR_INVALID_RESPONSE naming the status and the Location, one attempt, no output, and
//! nothing sent to the other server.

mod support;

use mpmeter::ffi::*;
use support::capi::{cs, rs, wait};
use support::stub_aws;

const TOKEN: &str = "session-token-DO-NOT-FORWARD";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

#[test]
fn the_c_api_reports_a_refused_redirect_as_an_invalid_response() {
    for status in [302, 308] {
        let to = stub_aws::service_lookalike();
        let from = stub_aws::redirecting(status, &to.url, false);
        let creds = mpm_credentials_new_basic(
            cs("AKIDREDIRECT").as_ptr(),
            cs(SECRET).as_ptr(),
            cs(TOKEN).as_ptr(),
        );
        let client = mpm_client_new_with_endpoint(cs(&from.url).as_ptr(), creds);
        mpm_credentials_free(creds);
        assert!(!client.is_null());
        let req = mpm_meter_usage_request_new();
        mpm_meter_usage_request_set_product_code(req, cs("demo-product").as_ptr());
        mpm_meter_usage_request_set_timestamp(req, 1_800_000_000);
        mpm_meter_usage_request_set_usage_dimension(req, cs("users").as_ptr());
        mpm_meter_usage_request_set_usage_quantity(req, 1);
        let resp = mpm_client_meter_usage(client, req);
        assert_eq!(wait(resp), mpm_result::MPM_ERR_INVALID_RESPONSE);
        let msg = rs(mpm_response_error_message(resp)).unwrap_or_default();
        assert!(msg.contains(&format!("HTTP {status} redirect to")), "{msg}");
        assert_eq!(mpm_response_http_status(resp), status);
        assert_eq!(mpm_response_attempts(resp), 1);
        assert!(mpm_meter_usage_response_metering_record_id(resp).is_null());
        assert!(to.requests().is_empty());
        mpm_response_free(resp);
        mpm_meter_usage_request_free(req);
        mpm_client_free(client);
    }
}
