//! The signing clock learns an offset only from answers that look like the service's and only
//! within a bound (issue 9): one answer dated `Fri, 31 Dec 9999 23:59:59 GMT` must not make the
//! client sign later requests in the year 9999; a `Date` from an answer without
//! `x-amzn-RequestId` moves nothing; an offset of a few hours from the service is still learned.

mod support;

use support::stub_aws;

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use mpmeter_core::client::{Client, ClientConfig};
use mpmeter_core::credentials::CredentialsSource;
use mpmeter_core::model::MeterUsageInput;
use mpmeter_core::retry::RetryConfig;
use stub_aws::{Reply, Stub};

/// A MeterUsage stub whose first answer carries `date` (and a request id when `from_service`),
/// then answers undated.
fn dated_once(date: String, from_service: bool, first_status: u16) -> Stub {
    let n = Arc::new(AtomicU32::new(0));
    stub_aws::start(Box::new(move |_, _| {
        let first = n.fetch_add(1, Ordering::SeqCst) == 0;
        let mut headers = Vec::new();
        if first {
            headers.push(("Date".to_string(), date.clone()));
        }
        if from_service || !first {
            headers.push(("x-amzn-RequestId".to_string(), "req-1".to_string()));
        }
        let (status, body) = if first && first_status != 200 {
            (
                first_status,
                r#"{"__type":"InvalidSignatureException","message":"Signature expired: 20261201T000000Z is now earlier than 99991231T235959Z"}"#,
            )
        } else {
            (200, r#"{"MeteringRecordId":"m-1"}"#)
        };
        Reply {
            status,
            content_type: "application/x-amz-json-1.1",
            body: body.into(),
            headers,
        }
    }))
}

fn client(url: &str, max_attempts: u32) -> Client {
    let creds = CredentialsSource::basic("AKIDSKEW", "secret-key-for-skew-tests", None);
    let config = ClientConfig {
        retry: RetryConfig {
            max_attempts,
            ..RetryConfig::default()
        },
        ..ClientConfig::default()
    };
    Client::new("us-east-1", Some(url), creds, config).expect("client")
}

fn meter(c: &Client) {
    let input = MeterUsageInput {
        product_code: Some("p".into()),
        timestamp: Some(1_800_000_000),
        usage_dimension: Some("users".into()),
        usage_quantity: Some(1),
        ..Default::default()
    };
    let _ = support::runtime::block_on(c.meter_usage(&input));
}

/// Seconds since the epoch of an `X-Amz-Date` (`YYYYMMDDTHHMMSSZ`).
fn amz_date_secs(v: &str) -> i64 {
    let n = |r: std::ops::Range<usize>| v[r].parse::<i64>().unwrap();
    let (y, m, d) = (n(0..4), n(4..6), n(6..8));
    // Days from civil (Howard Hinnant).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    days * 86_400 + n(9..11) * 3600 + n(11..13) * 60 + n(13..15)
}

fn now_secs() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// How far from the local clock each request to `stub` was signed, in seconds.
fn signing_offsets(stub: &Stub) -> Vec<i64> {
    let now = now_secs();
    stub.requests()
        .iter()
        .map(|r| amz_date_secs(r.header("x-amz-date").expect("signed")) - now)
        .collect()
}

fn http_date(offset: Duration) -> String {
    httpdate::fmt_http_date(SystemTime::now() + offset)
}

#[test]
fn a_date_in_the_year_9999_is_never_learned() {
    let stub = dated_once("Fri, 31 Dec 9999 23:59:59 GMT".into(), true, 200);
    let c = client(&stub.url, 3);
    meter(&c);
    meter(&c);
    let offsets = signing_offsets(&stub);
    assert_eq!(offsets.len(), 2);
    assert!(offsets.iter().all(|o| o.abs() < 300), "{offsets:?}");
}

#[test]
fn a_signature_expired_answer_dated_9999_does_not_retry_in_9999() {
    let stub = dated_once("Fri, 31 Dec 9999 23:59:59 GMT".into(), true, 400);
    let c = client(&stub.url, 1);
    meter(&c);
    meter(&c);
    let offsets = signing_offsets(&stub);
    assert!(offsets.iter().all(|o| o.abs() < 300), "{offsets:?}");
}

#[test]
fn a_date_from_an_answer_without_a_request_id_is_ignored() {
    let stub = dated_once(http_date(Duration::from_secs(2 * 3600)), false, 200);
    let c = client(&stub.url, 3);
    meter(&c);
    meter(&c);
    let offsets = signing_offsets(&stub);
    assert!(offsets[1].abs() < 300, "{offsets:?}");
}

#[test]
fn an_offset_of_hours_from_the_service_is_still_learned() {
    let stub = dated_once(http_date(Duration::from_secs(2 * 3600)), true, 200);
    let c = client(&stub.url, 3);
    meter(&c);
    meter(&c);
    let offsets = signing_offsets(&stub);
    assert!((offsets[1] - 7200).abs() < 300, "{offsets:?}");
}
