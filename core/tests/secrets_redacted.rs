//! No secret in any text the core hands out: its errors (Display and Debug) after the
//! service's signature-mismatch message, which quotes the canonical request with the session
//! token; endpoint URLs with user:password; proxy URLs with a password in Debug output. The
//! C API's texts are checked in tests/ffi_secrets_redacted.rs.

mod support;

use mpmeter_core::client::{Client, ClientConfig, Proxy};
use mpmeter_core::credentials::CredentialsSource;
use mpmeter_core::model::MeterUsageInput;
use support::clock::now;
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
    let source = CredentialsSource::basic(AKID, CLIENT_SECRET, Some(TOKEN));
    let client =
        Client::new("us-east-1", Some(&emu.url), source, ClientConfig::default()).expect("client");
    let input = MeterUsageInput {
        product_code: Some("demo-product".into()),
        timestamp: Some(now()),
        usage_dimension: Some("users".into()),
        usage_quantity: Some(1),
        ..Default::default()
    };
    let out = support::runtime::block_on(client.meter_usage(&input));
    let err = out.result.expect_err("a bad signature fails");
    assert!(
        err.to_string().contains("InvalidSignatureException"),
        "{err}"
    );
    assert_clean("Error (Display)", &err.to_string());
    assert_clean("Error (Debug)", &format!("{err:?}"));
}

const URL_SECRET: &str = "url-password-DO-NOT-LEAK";

fn userinfo_url() -> String {
    format!("http://metering:{URL_SECRET}@127.0.0.1:1/")
}

#[test]
fn endpoint_userinfo_is_not_echoed_by_the_core_client() {
    let url = userinfo_url();
    let err = Client::new(
        "us-east-1",
        Some(&url),
        CredentialsSource::Anonymous,
        ClientConfig::default(),
    )
    .expect_err("user info is refused");
    for text in [err.to_string(), format!("{err:?}")] {
        assert!(!text.contains(URL_SECRET), "Client::new leaks: {text}");
    }
    let client = Client::new(
        "us-east-1",
        Some("http://127.0.0.1:1/"),
        CredentialsSource::Anonymous,
        ClientConfig::default(),
    )
    .unwrap();
    let err = client.set_endpoint(&url).expect_err("refused");
    assert!(
        !err.to_string().contains(URL_SECRET),
        "set_endpoint leaks: {err}"
    );
}

const PROXY_SECRET: &str = "proxy-password-DO-NOT-LEAK";

#[test]
fn proxy_password_is_in_no_debug_output() {
    let good = format!("http://proxy-user:{PROXY_SECRET}@127.0.0.1:9");
    let config = ClientConfig {
        proxy: Proxy::Url {
            url: good.clone(),
            no_proxy: None,
        },
        ..ClientConfig::default()
    };
    let text = format!("{config:?}");
    assert!(
        !text.contains(PROXY_SECRET),
        "ClientConfig Debug leaks: {text}"
    );
    assert!(text.contains("127.0.0.1:9"), "{text}");
    let client = Client::new(
        "us-east-1",
        Some("http://127.0.0.1:1/"),
        CredentialsSource::Anonymous,
        config,
    )
    .unwrap();
    let text = format!("{client:?}");
    assert!(!text.contains(PROXY_SECRET), "Client Debug leaks: {text}");
}
