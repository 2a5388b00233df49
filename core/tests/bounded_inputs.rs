//! Bounded inputs, bounded messages in the core: an absurd region or endpoint is refused at
//! once, with a short message, and keys holding CR/LF are refused whether given or fetched
//! (the C API's view is tests/ffi_bounded_inputs.rs).

mod support;

use std::time::Duration;

use support::cpu_time::cpu_time_of;

use mpmeter_core::client::{Client, ClientConfig};
use mpmeter_core::credentials::{CallbackFn, CredentialsSource};

const HUGE: usize = 100 * 1024 * 1024;
/// CPU time of the calling thread, not wall-clock time, so a loaded machine cannot fail it;
/// before the bound on inputs, `http://` + 100 MB took 12.8 s.
const FAST: Duration = Duration::from_millis(1000);
const SHORT: usize = 200;

fn refused_fast(region: &str, endpoint: Option<&str>) {
    let (result, took) = cpu_time_of(|| {
        Client::new(
            region,
            endpoint,
            CredentialsSource::Anonymous,
            ClientConfig::default(),
        )
    });
    let err = result.expect_err("refused");
    assert!(took < FAST, "Client::new took {took:?} of CPU time");
    assert!(err.to_string().len() < SHORT, "{:.300}", err.to_string());
}

#[test]
fn a_100_mb_region_is_refused_fast_with_a_short_message() {
    refused_fast(&"a".repeat(HUGE), None);
}

#[test]
fn an_http_plus_100_mb_endpoint_is_refused_fast_with_a_short_message() {
    refused_fast("us-east-1", Some(&format!("http://{}", "a".repeat(HUGE))));
}

const BAD_VALUE: &str = "BAD\r\nX-Injected: 1";

#[test]
fn keys_with_crlf_are_refused_given_or_fetched() {
    assert!(CredentialsSource::try_basic("AKID", "secret", Some(BAD_VALUE)).is_err());
    // A callback that hands back such keys is refused at the fetch.
    let cb: CallbackFn = std::sync::Arc::new(|| {
        Ok(aws_credential_types::Credentials::new(
            "AKIDCORE", BAD_VALUE, None, None, "t",
        ))
    });
    let source = CredentialsSource::callback(cb);
    let err = support::runtime::block_on(source.resolve()).expect_err("refused");
    assert!(
        err.contains("secret_key") && !err.contains("X-Injected"),
        "{err}"
    );
}
