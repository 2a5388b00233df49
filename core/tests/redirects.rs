//! Redirects are refused, never followed by the core client (issue 9; the C API's view is in
//! tests/ffi_redirects.rs): for each of 301, 302, 303, 307 and 308, and
//! from https to http, a call whose endpoint answers with a redirect to a second server fails
//! with a message naming the status and the Location, is not retried, and the second server
//! receives nothing (no body-less GET that would read as success, no re-sent signed body, no
//! session token).

mod support;

use support::stub_aws;

use mpmeter_core::client::{Client, ClientConfig};
use mpmeter_core::credentials::CredentialsSource;
use mpmeter_core::error::Error;
use mpmeter_core::model::MeterUsageInput;
use stub_aws::Stub;

const TOKEN: &str = "session-token-DO-NOT-FORWARD";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

fn input() -> MeterUsageInput {
    MeterUsageInput {
        product_code: Some("demo-product".into()),
        timestamp: Some(1_800_000_000),
        usage_dimension: Some("users".into()),
        usage_quantity: Some(1),
        ..Default::default()
    }
}

fn core_call(url: &str, config: ClientConfig) -> (Result<String, Error>, u32) {
    let creds = CredentialsSource::basic("AKIDREDIRECT", SECRET, Some(TOKEN.into()));
    let client = Client::new("us-east-1", Some(url), creds, config).expect("client");
    let out = support::runtime::block_on(client.meter_usage(&input()));
    (
        out.result.map(|o| o.metering_record_id.unwrap_or_default()),
        out.meta.attempts,
    )
}

fn assert_refused(result: Result<String, Error>, attempts: u32, status: u16, to: &Stub) {
    match result {
        Err(Error::InvalidResponse(m)) => {
            assert!(m.contains(&format!("HTTP {status} redirect")), "{m}");
            assert!(m.contains(&format!("{}/elsewhere", to.url)), "{m}");
        }
        other => panic!("HTTP {status}: expected a refused redirect, got {other:?}"),
    }
    assert_eq!(attempts, 1, "HTTP {status}: a redirect is not retried");
    assert!(
        to.requests().is_empty(),
        "HTTP {status}: the other server received {:?}",
        to.requests()
    );
}

#[test]
fn every_redirect_status_is_refused_and_nothing_reaches_the_other_server() {
    for status in [301, 302, 303, 307, 308] {
        let to = stub_aws::service_lookalike();
        let from = stub_aws::redirecting(status, &to.url, false);
        let (result, attempts) = core_call(&from.url, ClientConfig::default());
        assert_refused(result, attempts, status, &to);
        assert_eq!(from.requests().len(), 1);
    }
}

#[test]
fn an_https_endpoint_redirecting_to_http_is_refused() {
    let to = stub_aws::service_lookalike();
    let from = stub_aws::redirecting(307, &to.url, true);
    assert!(from.url.starts_with("https://"));
    let config = ClientConfig {
        extra_root_pems: vec![
            std::fs::read(support::workspace::test_data().join("test-ca.pem")).unwrap(),
        ],
        ..ClientConfig::default()
    };
    let (result, attempts) = core_call(&from.url, config);
    assert_refused(result, attempts, 307, &to);
    // The request did reach the https server, signed and with its token.
    let seen = from.requests();
    assert_eq!(seen[0].header("x-amz-security-token"), Some(TOKEN));
}
