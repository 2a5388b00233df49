//! The core client under faults from the emulator and from a silent stub: retries within the
//! standard policy, x-amz-retry-after, clock-skew correction, attempt and operation timeouts,
//! cancellation that closes the connection.

mod support;

use std::io::Read;
use std::net::TcpListener;
use std::time::{Duration, Instant};

use mpmeter_core::client::{Client, ClientConfig, Timeouts};
use mpmeter_core::credentials::CredentialsSource;
use mpmeter_core::error::{Error, Outcome};
use mpmeter_core::model::{MeterUsageInput, MeterUsageOutput};
use mpmeter_core::retry::RetryConfig;
use support::clock::now;
use support::emulator::{Emulator, ACCESS_KEY, SECRET_KEY};

fn client(url: &str, config: ClientConfig) -> Client {
    let creds = CredentialsSource::basic(ACCESS_KEY, SECRET_KEY, None);
    Client::new("us-east-1", Some(url), creds, config).expect("client")
}

fn meter(dimension: &str, hours_ago: i64) -> MeterUsageInput {
    MeterUsageInput {
        product_code: Some("demo-product".into()),
        timestamp: Some(now() - hours_ago * 3600),
        usage_dimension: Some(dimension.into()),
        usage_quantity_as_decimal: Some("1.5".into()),
        ..Default::default()
    }
}

fn run(c: &Client, input: &MeterUsageInput) -> Outcome<MeterUsageOutput> {
    support::runtime::block_on(c.meter_usage(input))
}

#[test]
fn retry_after_is_honoured() {
    let emu = Emulator::start(&[]);
    emu.fault(r#"{"mode":"retry_after","count":1,"retry_after_ms":400}"#);
    let c = client(&emu.url, ClientConfig::default());
    let start = Instant::now();
    let out = run(&c, &meter("users", 0));
    assert!(out.result.is_ok(), "{:?}", out.result);
    assert_eq!(out.meta.attempts, 2);
    assert!(
        start.elapsed() >= Duration::from_millis(400),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn a_failing_call_gives_up_after_max_attempts_with_the_last_error() {
    let emu = Emulator::start(&[]);
    emu.fault(r#"{"mode":"http503","count":10}"#);
    let mut cfg = ClientConfig::default();
    cfg.retry = RetryConfig { max_attempts: 4 };
    let out = run(&client(&emu.url, cfg), &meter("users", 0));
    assert_eq!(out.meta.attempts, 4);
    assert_eq!(out.meta.http_status, 503);
    assert!(
        matches!(out.result, Err(Error::InvalidResponse(_))),
        "{:?}",
        out.result
    );

    let mut one = ClientConfig::default();
    one.retry = RetryConfig { max_attempts: 1 };
    assert_eq!(emu.admin("DELETE", "/__mpm/faults", "").0, 200);
    emu.fault(r#"{"mode":"throttle","count":1}"#);
    let out = run(&client(&emu.url, one), &meter("hosts", 0));
    assert_eq!(out.meta.attempts, 1, "max attempts 1 turns retries off");
    match out.result {
        Err(Error::Service(e)) => assert_eq!(e.code, "ThrottlingException"),
        other => panic!("{other:?}"),
    }
    assert!(emu.ledger().as_array().unwrap().is_empty());
}

#[test]
fn clock_skew_is_learned_and_the_call_retried_once() {
    // The emulator's clock runs 20 minutes ahead: our first signature looks expired to it.
    let emu = Emulator::start(&["--clock-offset", "1200"]);
    let c = client(&emu.url, ClientConfig::default());
    let out = run(&c, &meter("users", 0));
    assert!(out.result.is_ok(), "{:?}", out.result);
    assert_eq!(out.meta.attempts, 2, "one failed attempt, one corrected");
    // Later calls are signed with the corrected clock from the start.
    let out = run(&c, &meter("hosts", 0));
    assert!(out.result.is_ok(), "{:?}", out.result);
    assert_eq!(out.meta.attempts, 1);
}

#[test]
fn attempt_and_operation_timeouts() {
    let emu = Emulator::start(&[]);
    emu.fault(r#"{"mode":"delay","count":2,"delay_ms":3000}"#);
    let mut cfg = ClientConfig::default();
    cfg.timeouts = Timeouts {
        attempt: Duration::from_millis(300),
        ..Timeouts::default()
    };
    let start = Instant::now();
    let out = run(&client(&emu.url, cfg.clone()), &meter("users", 0));
    // Two attempts time out, the third gets through.
    assert!(out.result.is_ok(), "{:?}", out.result);
    assert_eq!(out.meta.attempts, 3);
    assert!(
        start.elapsed() < Duration::from_millis(2500),
        "{:?}",
        start.elapsed()
    );

    emu.fault(r#"{"mode":"delay","count":5,"delay_ms":3000}"#);
    cfg.timeouts.attempt = Duration::from_secs(30);
    cfg.timeouts.operation = Duration::from_millis(500);
    let start = Instant::now();
    let out = run(&client(&emu.url, cfg), &meter("hosts", 0));
    assert!(
        matches!(out.result, Err(Error::Timeout(_))),
        "{:?}",
        out.result
    );
    assert!(start.elapsed() < Duration::from_millis(2000));
}

/// A server that accepts one connection, reads the request and never answers; it reports
/// when the client closes the connection.
fn silent_server() -> (String, std::sync::mpsc::Receiver<Duration>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        let mut buf = [0u8; 4096];
        let mut opened: Option<Instant> = None;
        loop {
            match s.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(_) => opened = opened.or(Some(Instant::now())),
            }
        }
        let _ = tx.send(opened.map(|t| t.elapsed()).unwrap_or_default());
    });
    (url, rx)
}

/// A call's future dropped (its task aborted, as `mpm_response_cancel` does) closes its
/// connection at once.
#[test]
fn cancelling_a_call_closes_its_connection() {
    let (url, closed) = silent_server();
    let c = client(&url, ClientConfig::default());
    let input = meter("users", 0);
    let task = support::runtime::rt().spawn(async move { c.meter_usage(&input).await });
    std::thread::sleep(Duration::from_millis(300));
    assert!(!task.is_finished());
    task.abort();
    let held = closed
        .recv_timeout(Duration::from_secs(5))
        .expect("the connection is closed soon after the cancel");
    assert!(held < Duration::from_secs(3), "{held:?}");
}
