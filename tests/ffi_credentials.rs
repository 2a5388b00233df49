//! The credentials and configuration C API: callback credentials, resolve and the provider
//! name/expiration getters, `mpm_config` argument checks, and clients built from the
//! environment and from a profile metering against the emulator, with session credentials
//! handed out by a stub STS. Tests that touch the environment hold ENV_LOCK.

mod support;

use std::ffi::{c_char, c_void};
use std::ptr::{null, null_mut};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use support::stub_aws;

use mpmeter::ffi::*;
use support::capi::*;
use support::emulator::{Emulator, ACCESS_KEY, SECRET_KEY};

static ENV_LOCK: Mutex<()> = Mutex::new(());

fn clean_env() -> std::sync::MutexGuard<'static, ()> {
    let g = ENV_LOCK.lock().unwrap_or_else(|p| p.into_inner());
    for (k, _) in std::env::vars() {
        if k.starts_with("AWS_") {
            std::env::remove_var(k);
        }
    }
    std::env::set_var("AWS_CONFIG_FILE", "/nonexistent/config");
    std::env::set_var("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials");
    std::env::set_var("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:9");
    g
}

fn buf_of(f: impl Fn(*mut c_char, usize) -> usize) -> String {
    let n = f(null_mut(), 0);
    let mut buf = vec![0u8; n + 1];
    f(buf.as_mut_ptr().cast(), buf.len());
    String::from_utf8(buf[..n].to_vec()).unwrap()
}

static CALLS: AtomicU32 = AtomicU32::new(0);
static IN_CALL: AtomicU32 = AtomicU32::new(0);
static FREED: AtomicU32 = AtomicU32::new(0);

extern "C" fn good_callback(userdata: *mut c_void, out: *mut mpm_credentials_out) -> i32 {
    assert_eq!(
        IN_CALL.fetch_add(1, Ordering::SeqCst),
        0,
        "calls are serialized"
    );
    std::thread::sleep(Duration::from_millis(20));
    let n = CALLS.fetch_add(1, Ordering::SeqCst) + 1;
    assert_eq!(userdata as usize, 42);
    let exp = now() + 60; // inside the refresh window: every resolve calls again
    let rc = mpm_credentials_out_set(
        out,
        cs(&format!("AKIDCB{n}")).as_ptr(),
        cs("callback-secret-DO-NOT-LEAK").as_ptr(),
        null(),
        exp,
    );
    IN_CALL.fetch_sub(1, Ordering::SeqCst);
    if rc == mpm_result::MPM_OK {
        0
    } else {
        1
    }
}

extern "C" fn free_userdata(userdata: *mut c_void) {
    assert_eq!(userdata as usize, 42);
    FREED.fetch_add(1, Ordering::SeqCst);
}

extern "C" fn failing_callback(_: *mut c_void, out: *mut mpm_credentials_out) -> i32 {
    mpm_credentials_out_fail(out, cs("vault is sealed").as_ptr());
    7
}

#[test]
fn callback_credentials_are_serialized_and_reported_without_secrets() {
    let creds =
        mpm_credentials_new_callback(Some(good_callback), 42 as *mut c_void, Some(free_userdata));
    assert!(!creds.is_null());
    assert_eq!(
        buf_of(|b, l| mpm_credentials_provider_name(creds, b, l)),
        ""
    );
    let mut exp = 0i64;
    assert_eq!(
        mpm_credentials_expiration(creds, &mut exp),
        mpm_result::MPM_ERR_NOT_FINISHED
    );
    // Several threads resolving at once: the callback never runs twice at the same time.
    let addr = creds as usize;
    let threads: Vec<_> = (0..4)
        .map(|_| {
            std::thread::spawn(move || {
                mpm_credentials_resolve(addr as *const mpm_credentials, 5000)
            })
        })
        .collect();
    for t in threads {
        assert_eq!(t.join().unwrap(), mpm_result::MPM_OK);
    }
    assert!(CALLS.load(Ordering::SeqCst) >= 1);
    assert_eq!(
        buf_of(|b, l| mpm_credentials_provider_name(creds, b, l)),
        "callback"
    );
    assert_eq!(
        mpm_credentials_expiration(creds, &mut exp),
        mpm_result::MPM_OK
    );
    assert!((exp - now() - 60).abs() <= 5, "{exp}");
    mpm_credentials_free(creds);
    // The last reference may be a library task that is just finishing (a resolve returns when
    // its result is set, a moment before the task that produced it is dropped), so the free
    // can come a little later, on a library thread; it must come, and only once.
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while FREED.load(Ordering::SeqCst) == 0 && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(1));
    }
    std::thread::sleep(Duration::from_millis(20));
    assert_eq!(
        FREED.load(Ordering::SeqCst),
        1,
        "userdata freed once, with the last reference"
    );

    let bad = mpm_credentials_new_callback(Some(failing_callback), null_mut(), None);
    assert_eq!(
        mpm_credentials_resolve(bad, 5000),
        mpm_result::MPM_ERR_CREDENTIALS
    );
    let msg = last_message();
    assert!(
        msg.contains("vault is sealed") && msg.contains("(7)"),
        "{msg}"
    );
    mpm_credentials_free(bad);

    assert!(mpm_credentials_new_callback(None, null_mut(), None).is_null());
    assert_eq!(mpm_last_error_code(), mpm_result::MPM_ERR_NULL_ARGUMENT);
}

#[test]
fn static_credentials_report_their_provider_and_no_expiry() {
    let creds = mpm_credentials_new_basic(
        cs("AKIDX").as_ptr(),
        cs("s3cr3t-DO-NOT-LEAK").as_ptr(),
        null(),
    );
    assert_eq!(mpm_credentials_resolve(creds, -1), mpm_result::MPM_OK);
    assert_eq!(
        buf_of(|b, l| mpm_credentials_provider_name(creds, b, l)),
        "static"
    );
    let mut exp = 0;
    assert_eq!(
        mpm_credentials_expiration(creds, &mut exp),
        mpm_result::MPM_ERR_NOT_SET
    );
    assert!(!last_message().contains("DO-NOT-LEAK"));
    assert_eq!(
        mpm_credentials_expiration(creds, null_mut()),
        mpm_result::MPM_ERR_NULL_ARGUMENT
    );
    assert_eq!(
        mpm_credentials_resolve(creds, -2),
        mpm_result::MPM_ERR_INVALID_ARGUMENT
    );
    mpm_credentials_free(creds);
    assert!(mpm_credentials_new_for_platform(0).is_null());
    assert_eq!(mpm_last_error_code(), mpm_result::MPM_ERR_UNKNOWN_ENUM);
    assert!(mpm_credentials_new_for_platform(99).is_null());
}

#[test]
fn config_setters_check_their_arguments() {
    let cfg = mpm_config_new();
    assert_eq!(
        mpm_config_set_connect_timeout_ms(cfg, 0),
        mpm_result::MPM_ERR_INVALID_ARGUMENT
    );
    assert_eq!(
        mpm_config_set_connect_timeout_ms(cfg, 500),
        mpm_result::MPM_OK
    );
    assert_eq!(
        mpm_config_set_attempt_timeout_ms(cfg, 2000),
        mpm_result::MPM_OK
    );
    assert_eq!(
        mpm_config_set_operation_timeout_ms(cfg, 9000),
        mpm_result::MPM_OK
    );
    assert_eq!(
        mpm_config_set_max_attempts(cfg, 0),
        mpm_result::MPM_ERR_INVALID_ARGUMENT
    );
    assert_eq!(mpm_config_set_max_attempts(cfg, 5), mpm_result::MPM_OK);
    assert_eq!(
        mpm_config_set_retry_mode(cfg, mpm_retry_mode::MPM_RETRY_MODE_STANDARD as u32),
        mpm_result::MPM_OK
    );
    // Not implemented, so refused rather than run as standard (tests/sdk_conventions.rs).
    assert_eq!(
        mpm_config_set_retry_mode(cfg, mpm_retry_mode::MPM_RETRY_MODE_ADAPTIVE as u32),
        mpm_result::MPM_ERR_INVALID_ARGUMENT
    );
    assert_eq!(
        mpm_config_set_retry_mode(cfg, 9),
        mpm_result::MPM_ERR_UNKNOWN_ENUM
    );
    assert_eq!(
        mpm_config_set_app_id(cfg, cs("has space").as_ptr()),
        mpm_result::MPM_ERR_INVALID_ARGUMENT
    );
    assert_eq!(
        mpm_config_set_app_id(cfg, cs("my-saas/1.2").as_ptr()),
        mpm_result::MPM_OK
    );
    assert_eq!(
        mpm_config_set_proxy(cfg, cs("socks://x").as_ptr(), null()),
        mpm_result::MPM_ERR_INVALID_ARGUMENT
    );
    assert_eq!(
        mpm_config_set_proxy(
            cfg,
            cs("http://user:pw-DO-NOT-LEAK@127.0.0.1:3128").as_ptr(),
            cs("localhost").as_ptr()
        ),
        mpm_result::MPM_OK
    );
    assert_eq!(
        mpm_config_set_proxy(cfg, cs("").as_ptr(), null()),
        mpm_result::MPM_OK
    );
    assert_eq!(
        mpm_config_add_ca_file(cfg, cs("/nonexistent.pem").as_ptr()),
        mpm_result::MPM_ERR_INVALID_ARGUMENT
    );
    let not_pem = std::env::temp_dir().join(format!("mpm-not-pem-{}", std::process::id()));
    std::fs::write(&not_pem, "hello").unwrap();
    assert_eq!(
        mpm_config_add_ca_file(cfg, cs(not_pem.to_str().unwrap()).as_ptr()),
        mpm_result::MPM_ERR_INVALID_ARGUMENT
    );
    assert!(
        last_message().contains("no certificate"),
        "{}",
        last_message()
    );
    assert_eq!(mpm_config_set_use_fips(cfg, true), mpm_result::MPM_OK);
    assert_eq!(
        mpm_config_set_use_fips(null_mut(), true),
        mpm_result::MPM_ERR_NULL_ARGUMENT
    );
    // A FIPS client for a region resolves the FIPS endpoint.
    let creds = mpm_credentials_new_anonymous();
    let client = mpm_client_new_with_config(cs("us-east-1").as_ptr(), null(), creds, cfg);
    assert!(!client.is_null(), "{}", last_message());
    assert!(buf_of(|b, l| mpm_client_endpoint(client, b, l)).contains("fips"));
    assert_eq!(
        buf_of(|b, l| mpm_client_credentials_source(client, b, l)),
        "anonymous"
    );
    mpm_client_free(client);
    mpm_credentials_free(creds);
    mpm_config_free(cfg);
    mpm_config_free(null_mut());
}

/// The environment path goes through the same checked setters as the C setters: a value
/// `mpm_config_set_*` refuses is refused from the environment too, naming its source.
#[test]
fn the_environment_meets_the_checks_of_the_c_setters() {
    let _g = clean_env();
    let cfg = mpm_config_new();
    assert_eq!(
        mpm_config_set_max_attempts(cfg, 100),
        mpm_result::MPM_ERR_INVALID_ARGUMENT
    );
    let c_message = last_message();
    assert_eq!(
        mpm_config_set_app_id(cfg, cs("has space").as_ptr()),
        mpm_result::MPM_ERR_INVALID_ARGUMENT
    );
    mpm_config_free(cfg);

    std::env::set_var("AWS_MAX_ATTEMPTS", "100");
    assert!(mpm_config_new_from_environment().is_null());
    assert_eq!(mpm_last_error_code(), mpm_result::MPM_ERR_INVALID_ARGUMENT);
    let message = last_message();
    assert!(message.starts_with(&c_message), "{message} / {c_message}");
    assert!(
        message.contains("1 to 20 (got 100)")
            && message.ends_with("(from environment variable AWS_MAX_ATTEMPTS)"),
        "{message}"
    );
    assert!(mpm_client_new_from_environment().is_null());
    assert!(
        last_message().contains("AWS_MAX_ATTEMPTS"),
        "{}",
        last_message()
    );
    std::env::set_var("AWS_MAX_ATTEMPTS", "20");
    let ok = mpm_config_new_from_environment();
    assert!(!ok.is_null(), "{}", last_message());
    mpm_config_free(ok);
    std::env::remove_var("AWS_MAX_ATTEMPTS");

    std::env::set_var("AWS_SDK_UA_APP_ID", "has space");
    assert!(mpm_config_new_from_environment().is_null());
    let message = last_message();
    assert!(
        message.contains("app_id \"has space\" must be at most 50 characters without spaces")
            && message.ends_with("(from environment variable AWS_SDK_UA_APP_ID)"),
        "{message}"
    );
    std::env::remove_var("AWS_SDK_UA_APP_ID");
}

fn meter_ok(client: *mut mpm_client) {
    let req = mpm_meter_usage_request_new();
    mpm_meter_usage_request_set_product_code(req, cs("demo-product").as_ptr());
    mpm_meter_usage_request_set_timestamp(req, now());
    mpm_meter_usage_request_set_usage_dimension(req, cs("users").as_ptr());
    mpm_meter_usage_request_set_usage_quantity(req, 1);
    let resp = mpm_client_meter_usage(client, req);
    assert_eq!(wait(resp), mpm_result::MPM_OK, "{}", describe(resp));
    mpm_response_free(resp);
    mpm_meter_usage_request_free(req);
}

#[test]
fn client_from_environment_meters_with_web_identity_credentials_from_sts() {
    let _g = clean_env();
    let sts = stub_aws::sts("ASIASTS", Duration::from_secs(3600));
    let (akid, secret, token) = stub_aws::creds("ASIASTS", 1);
    let emu = Emulator::start(&["--credentials", &format!("{akid}:{secret}:{token}")]);
    let dir = std::env::temp_dir().join(format!("mpm-ffi-web-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let token_file = dir.join("token");
    std::fs::write(&token_file, "eyJ.web.token").unwrap();
    std::env::set_var("AWS_REGION", "us-east-1");
    std::env::set_var("AWS_ENDPOINT_URL_STS", &sts.url);
    std::env::set_var("AWS_ENDPOINT_URL_MARKETPLACE_METERING", &emu.url);
    std::env::set_var("AWS_WEB_IDENTITY_TOKEN_FILE", &token_file);
    std::env::set_var("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/irsa");
    std::env::set_var("AWS_SDK_UA_APP_ID", "ffi-test");

    let client = mpm_client_new_from_environment();
    assert!(!client.is_null(), "{}", last_message());
    assert_eq!(
        sts.requests().len(),
        0,
        "no network call while constructing"
    );
    assert_eq!(
        buf_of(|b, l| mpm_client_credentials_source(client, b, l)),
        "default-chain"
    );
    assert_eq!(buf_of(|b, l| mpm_client_endpoint(client, b, l)), emu.url);
    meter_ok(client);
    assert_eq!(
        buf_of(|b, l| mpm_client_credentials_source(client, b, l)),
        "default-chain/web-identity"
    );
    mpm_client_free(client);

    let cfg = mpm_config_new_from_environment();
    let described = buf_of(|b, l| mpm_config_describe(cfg, b, l));
    assert!(
        described.contains("endpoint: http://127.0.0.1"),
        "{described}"
    );
    assert!(
        described.contains("(from environment variable AWS_ENDPOINT_URL_MARKETPLACE_METERING)"),
        "{described}"
    );
    assert!(described.contains("app_id: ffi-test"), "{described}");
    mpm_config_free(cfg);

    std::env::set_var("AWS_MAX_ATTEMPTS", "many");
    assert!(mpm_config_new_from_environment().is_null());
    assert!(
        last_message().contains("AWS_MAX_ATTEMPTS"),
        "{}",
        last_message()
    );
    std::env::remove_var("AWS_REGION");
    std::env::remove_var("AWS_MAX_ATTEMPTS");
    std::env::remove_var("AWS_ENDPOINT_URL_MARKETPLACE_METERING");
    // No region anywhere: on EC2 it comes from IMDS at the first call
    // (tests/ffi_imds_region_first_use.rs); with IMDS disabled the client is refused.
    std::env::set_var("AWS_EC2_METADATA_DISABLED", "true");
    assert!(mpm_client_new_from_environment().is_null());
    assert!(last_message().contains("no region"), "{}", last_message());
    std::env::remove_var("AWS_EC2_METADATA_DISABLED");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn profile_credentials_meter_against_the_emulator() {
    let _g = clean_env();
    let emu = Emulator::start(&[]);
    let dir = std::env::temp_dir().join(format!("mpm-ffi-profile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("credentials"),
        format!(
            "[metering]\naws_access_key_id = {ACCESS_KEY}\naws_secret_access_key = {SECRET_KEY}\n"
        ),
    )
    .unwrap();
    std::env::set_var("AWS_SHARED_CREDENTIALS_FILE", dir.join("credentials"));
    let creds = mpm_credentials_new_profile(cs("metering").as_ptr());
    let client = mpm_client_new_with_config(null(), cs(&emu.url).as_ptr(), creds, null());
    assert!(!client.is_null(), "{}", last_message());
    meter_ok(client);
    assert_eq!(
        buf_of(|b, l| mpm_credentials_provider_name(creds, b, l)),
        "profile"
    );
    mpm_client_free(client);
    mpm_credentials_free(creds);

    let missing = mpm_credentials_new_profile(cs("nope").as_ptr());
    assert_eq!(
        mpm_credentials_resolve(missing, 5000),
        mpm_result::MPM_ERR_CREDENTIALS
    );
    assert!(last_message().contains("nope"), "{}", last_message());
    assert!(!last_message().contains(SECRET_KEY));
    mpm_credentials_free(missing);
    let _ = std::fs::remove_dir_all(dir);
}
