//! The library's log (issue 13, item 1): a full scenario (successes, service errors,
//! throttling retries, a signature mismatch with a session token, a clock-skew correction,
//! credential failures and refreshes, a refused redirect) runs with `MPM_LOG=trace` and a
//! callback at trace in a child process; every line of both, stderr and callback, is
//! searched for the secret keys and session tokens, and the events operators need are there.

mod support;

use std::ffi::{c_char, c_void, CStr};
use std::process::Command;
use std::ptr::null_mut;
use std::sync::Mutex;

use mpmeter::ffi::client::*;
use mpmeter::ffi::credentials::*;
use mpmeter::ffi::error::mpm_result;
use mpmeter::ffi::log::*;
use mpmeter::ffi::requests::*;
use mpmeter::ffi::response::*;
use support::capi::*;
use support::emulator::Emulator;
use support::stub_aws::{self, Reply};

const AKID: &str = "ASIALOGGINGEXAMPLE01";
const SECRET: &str = "log-test-secret-key-0123456789abcdefghijk";
const WRONG_SECRET: &str = "wrong-log-secret-0123456789abcdefghijklmn";
const TOKEN: &str = "IQoJb3JpZ2luX2VjLOGTEST+SESSION/TOKEN0123456789abcdefghijklmnop==";
const CALLBACK_SECRET: &str = "callback-secret-DO-NOT-LEAK-0123456789ab";
const CALLBACK_TOKEN: &str = "callback-token-DO-NOT-LEAK-0123456789abcdef";
const URL_PASSWORD: &str = "redirect-password-DO-NOT-LEAK";
const SECRETS: [&str; 7] = [
    SECRET,
    WRONG_SECRET,
    TOKEN,
    "SESSION/TOKEN",
    CALLBACK_SECRET,
    CALLBACK_TOKEN,
    URL_PASSWORD,
];

static LINES: Mutex<Vec<String>> = Mutex::new(Vec::new());

extern "C" fn collect(level: u32, target: *const c_char, message: *const c_char, _: *mut c_void) {
    let target = unsafe { CStr::from_ptr(target) }.to_string_lossy();
    let message = unsafe { CStr::from_ptr(message) }.to_string_lossy();
    let line = format!("{level} {target}: {message}");
    // Also on stderr, so the parent checks the callback's lines with the stderr logger's.
    eprintln!("CALLBACK {line}");
    LINES.lock().unwrap().push(line);
}

fn meter(client: *mut mpm_client, dimension: &str, t: i64) -> mpm_result {
    let req = mpm_meter_usage_request_new();
    mpm_meter_usage_request_set_product_code(req, cs("demo-product").as_ptr());
    mpm_meter_usage_request_set_timestamp(req, t);
    mpm_meter_usage_request_set_usage_dimension(req, cs(dimension).as_ptr());
    mpm_meter_usage_request_set_usage_quantity(req, 1);
    let resp = mpm_client_meter_usage(client, req);
    let rc = wait(resp);
    mpm_response_free(resp);
    mpm_meter_usage_request_free(req);
    rc
}

fn client(url: &str, creds: *mut mpm_credentials) -> *mut mpm_client {
    assert!(!creds.is_null(), "{}", last_message());
    let c = mpm_client_new_with_endpoint(cs(url).as_ptr(), creds);
    mpm_credentials_free(creds);
    assert!(!c.is_null(), "{}", last_message());
    c
}

fn session(secret: &str) -> *mut mpm_credentials {
    mpm_credentials_new_basic(cs(AKID).as_ptr(), cs(secret).as_ptr(), cs(TOKEN).as_ptr())
}

/// Credentials that expire in 2 minutes: inside the refresh window, so fetched again on
/// every attempt (a refresh each time).
extern "C" fn short_lived(_: *mut c_void, out: *mut mpm_credentials_out) -> i32 {
    let exp = now() + 120;
    mpm_credentials_out_set(
        out,
        cs(AKID).as_ptr(),
        cs(CALLBACK_SECRET).as_ptr(),
        cs(CALLBACK_TOKEN).as_ptr(),
        exp,
    );
    0
}

/// A store that fails, quoting an INI line with a secret in its message.
extern "C" fn failing(_: *mut c_void, out: *mut mpm_credentials_out) -> i32 {
    let msg = format!("vault said: aws_secret_access_key = {CALLBACK_SECRET}");
    mpm_credentials_out_fail(out, cs(&msg).as_ptr());
    1
}

/// Runs only as the child of `a_full_scenario_logs_what_operators_need_and_no_secret`.
#[test]
fn scenario_child() {
    if std::env::var_os("MPM_LOG_TEST_CHILD").is_none() {
        return;
    }
    assert_eq!(
        mpm_set_log_callback(99, Some(collect), null_mut()),
        mpm_result::MPM_ERR_UNKNOWN_ENUM
    );
    assert_eq!(
        mpm_set_log_callback(
            mpm_log_level::MPM_LOG_TRACE as u32,
            Some(collect),
            null_mut()
        ),
        mpm_result::MPM_OK
    );
    let accepted = format!("{AKID}:{SECRET}:{TOKEN}");
    let accepted_cb = format!("{AKID}x:{CALLBACK_SECRET}:{CALLBACK_TOKEN}");
    let emu = Emulator::start(&["--credentials", &accepted, "--credentials", &accepted_cb]);

    // Success, then throttled twice and retried to success.
    let good = client(&emu.url, session(SECRET));
    assert_eq!(meter(good, "users", past_hour()), mpm_result::MPM_OK);
    emu.fault(r#"{"mode":"throttle","count":2}"#);
    assert_eq!(meter(good, "hosts", past_hour()), mpm_result::MPM_OK);
    // A service error.
    assert_eq!(
        meter(good, "no-such-dimension", past_hour()),
        mpm_result::MPM_ERR_SERVICE
    );
    let req = mpm_resolve_customer_request_new();
    mpm_resolve_customer_request_set_registration_token(req, cs("bogus-token").as_ptr());
    let resp = mpm_client_resolve_customer(good, req);
    assert_eq!(wait(resp), mpm_result::MPM_ERR_SERVICE);
    mpm_response_free(resp);
    mpm_resolve_customer_request_free(req);
    // Clock skew: the emulator's clock jumps 20 minutes; the client corrects and resends.
    emu.fault(r#"{"mode":"skew","offset_seconds":1200}"#);
    assert_eq!(meter(good, "data_gb", past_hour()), mpm_result::MPM_OK);
    mpm_client_free(good);

    // Signature mismatch with a session token: the answer quotes the canonical request.
    let wrong = client(&emu.url, session(WRONG_SECRET));
    assert_eq!(
        meter(wrong, "users", past_hour()),
        mpm_result::MPM_ERR_SERVICE
    );
    mpm_client_free(wrong);

    // Credentials from a callback, refreshed on every attempt (they are about to expire);
    // the emulator does not know this AKID, so the service refuses.
    let cb = mpm_credentials_new_callback(Some(short_lived), null_mut(), None);
    let refreshed = client(&emu.url, cb);
    assert_eq!(
        meter(refreshed, "users", past_hour()),
        mpm_result::MPM_ERR_SERVICE
    );
    assert_eq!(
        meter(refreshed, "users", past_hour()),
        mpm_result::MPM_ERR_SERVICE
    );
    mpm_client_free(refreshed);
    // Credentials that cannot be fetched.
    let cb = mpm_credentials_new_callback(Some(failing), null_mut(), None);
    let nocreds = client(&emu.url, cb);
    assert_eq!(
        meter(nocreds, "users", past_hour()),
        mpm_result::MPM_ERR_CREDENTIALS
    );
    mpm_client_free(nocreds);

    // A redirect to a URL with a password in it.
    let location = format!("http://user:{URL_PASSWORD}@127.0.0.1:9/");
    let stub = stub_aws::start(Box::new(move |_, _| Reply::redirect(307, &location)));
    let redirected = client(&stub.url, session(SECRET));
    assert_eq!(
        meter(redirected, "users", past_hour()),
        mpm_result::MPM_ERR_INVALID_RESPONSE
    );
    mpm_client_free(redirected);

    let lines = LINES.lock().unwrap().clone();
    let all = lines.join("\n");
    for want in [
        "call succeeded",
        "attempt answered",
        "reason=throttling",
        "backoff_ms=",
        "request_id=",
        "operation=MeterUsage",
        "operation=ResolveCustomer",
        "call failed",
        "InvalidSignatureException",
        "clock skew correction",
        "reason=clock_skew",
        "credentials resolved provider=callback",
        "refresh=true",
        "credentials could not be resolved",
        "redirect refused",
    ] {
        assert!(all.contains(want), "no {want:?} in the log:\n{all}");
    }
    // Removing the callback: nothing more arrives.
    assert_eq!(
        mpm_set_log_callback(0, None, null_mut()),
        mpm_result::MPM_OK
    );
    let n = LINES.lock().unwrap().len();
    let good = client(&emu.url, session(SECRET));
    assert_eq!(meter(good, "users", past_hour() - 3600), mpm_result::MPM_OK);
    mpm_client_free(good);
    assert_eq!(LINES.lock().unwrap().len(), n);
}

#[test]
fn a_full_scenario_logs_what_operators_need_and_no_secret() {
    if std::env::var_os("MPM_LOG_TEST_CHILD").is_some() {
        return;
    }
    let out = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "scenario_child",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("MPM_LOG_TEST_CHILD", "1")
        .env("MPM_LOG", "trace")
        .output()
        .expect("run the scenario");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "the scenario failed:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains("1 passed"), "{stdout}");
    let stderr_lines: Vec<&str> = stderr
        .lines()
        .filter(|l| !l.starts_with("CALLBACK "))
        .collect();
    let callback_lines = stderr
        .lines()
        .filter(|l| l.starts_with("CALLBACK "))
        .count();
    assert!(callback_lines > 20, "{stderr}");
    // MPM_LOG=trace: the stderr logger wrote the same events, timestamped and levelled.
    assert!(
        stderr_lines
            .iter()
            .any(|l| l.contains(" INFO  mpmeter_core::") && l.contains("retrying")),
        "{stderr}"
    );
    assert!(
        stderr_lines
            .iter()
            .any(|l| l.contains(" DEBUG mpmeter_core::") && l.contains("attempt answered")),
        "{stderr}"
    );
    for line in stderr.lines() {
        for secret in SECRETS {
            assert!(
                !line.contains(secret),
                "a log line leaks {secret:?}: {line}"
            );
        }
    }
}
