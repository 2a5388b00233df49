//! The time rules at pinned instants, so they are tested on the dates where
//! they bite whatever day the suite runs: MeterUsage takes records up to 6
//! hours old, BatchMeterUsage up to 24 hours (exclusive), both up to 5
//! minutes ahead; BatchMeterUsage refuses the previous month's records from
//! 06:00 UTC on the 1st; RegisterUsage's key rotates at the next month's
//! start; signatures may be 5 minutes off. Instants: the last hour of a
//! month, 05:59 / 06:00 / 06:01 on the 1st, New Year, 29 February 2028.
mod common;
use common::*;
use serde_json::{json, Value};

const PREVIOUS_MONTH: &str = "previous billing month";

fn batch_of(customer: &str, dimension: &str, ts: f64, qty: i64) -> Value {
    json!({"ProductCode": "demo-product", "UsageRecords": [record(customer, dimension, ts, qty)]})
}

trait Outcome {
    fn accepted(&self) -> String;
    fn refused(&self, fragment: &str);
}

impl Outcome for Reply {
    /// A one-record batch or a MeterUsage that was recorded; its record id.
    #[track_caller]
    fn accepted(&self) -> String {
        let body = self.ok();
        let id = match body.get("Results") {
            Some(results) => {
                assert_eq!(results[0]["Status"], "Success", "{}", self.text);
                &results[0]["MeteringRecordId"]
            }
            None => &body["MeteringRecordId"],
        };
        id.as_str().expect("a record id").to_string()
    }

    #[track_caller]
    fn refused(&self, fragment: &str) {
        self.assert_error(400, "TimestampOutOfBoundsException", fragment);
    }
}

async fn batch_at(emu: &Emu, now: &str, ts: f64) -> Reply {
    emu.call_at(
        at(now),
        "BatchMeterUsage",
        batch_of("demo-customer-1", "users", ts, 1),
    )
    .await
}

async fn meter_at(emu: &Emu, now: &str, ts: f64) -> Reply {
    emu.call_at(at(now), "MeterUsage", meter("hosts", ts, json!(1)))
        .await
}

async fn rotation_at(emu: &Emu, now: &str) -> f64 {
    let r = emu
        .call_at(
            at(now),
            "RegisterUsage",
            json!({"ProductCode": "demo-product", "PublicKeyVersion": 1}),
        )
        .await;
    r.ok()["PublicKeyRotationTimestamp"].as_f64().unwrap()
}

#[tokio::test]
async fn window_edges_in_the_last_hour_of_a_month() {
    let emu = start().await;
    let now = "2026-11-30T23:30:00Z";
    let t = at(now);
    // BatchMeterUsage: "not accepted 24 hours or more after an event".
    batch_at(&emu, now, t - 86400.0 + 1.0).await.accepted();
    batch_at(&emu, now, t - 86400.0 + 0.001).await.accepted();
    batch_at(&emu, now, t - 86400.0)
        .await
        .refused("more than 24 hours before the current time 2026-11-30T23:30:00.000Z");
    // Up to five minutes ahead.
    batch_at(&emu, now, t + 300.0).await.accepted();
    batch_at(&emu, now, t + 301.0)
        .await
        .refused("is in the future");
    // MeterUsage: six hours back, five minutes ahead.
    meter_at(&emu, now, t - 6.0 * 3600.0).await.accepted();
    meter_at(&emu, now, t - 6.0 * 3600.0 - 1.0)
        .await
        .refused("more than 6 hours before the current time 2026-11-30T23:30:00.000Z");
    meter_at(&emu, now, t + 300.0).await.accepted();
    meter_at(&emu, now, t + 301.0)
        .await
        .refused("is in the future");
    assert_eq!(rotation_at(&emu, now).await, at("2026-12-01T00:00:00Z"));

    // Two minutes to midnight: a record stamped in the next month, four
    // minutes ahead, is taken and keyed to that month's first hour.
    emu.admin("DELETE", "/__mpm/ledger", None).await;
    let now = "2026-11-30T23:58:00Z";
    let ahead = at("2026-12-01T00:02:00Z");
    batch_at(&emu, now, ahead).await.accepted();
    meter_at(&emu, now, ahead).await.accepted();
    let ledger = emu.ledger().await;
    assert_eq!(ledger.len(), 2);
    for e in &ledger {
        assert_eq!(e["hour"], json!(at("2026-12-01T00:00:00Z") as i64));
        assert_eq!(e["received_at"], "2026-11-30T23:58:00.000Z");
    }
}

#[tokio::test]
async fn previous_month_closes_at_0600_on_the_first() {
    let emu = start().await;
    let last_second = at("2026-11-30T23:59:59Z");
    let late_in_the_day = at("2026-11-30T07:00:00Z"); // within 24 hours of every instant below
    let first_second = at("2026-12-01T00:00:00Z");
    for now in ["2026-12-01T05:59:00Z", "2026-12-01T05:59:59.999Z"] {
        let a = batch_at(&emu, now, last_second).await.accepted();
        let b = batch_at(&emu, now, last_second - 0.5).await.accepted();
        assert_eq!(a, b, "same hour, same quantity: the same record");
        emu.call_at(
            at(now),
            "BatchMeterUsage",
            batch_of("demo-customer-2", "hosts", late_in_the_day, 1),
        )
        .await
        .accepted();
        batch_at(&emu, now, first_second).await.accepted();
    }
    let until = "accepted until 2026-12-01T06:00:00.000Z";
    for now in ["2026-12-01T06:00:00Z", "2026-12-01T06:01:00Z"] {
        batch_at(&emu, now, last_second).await.refused(until);
        // Its fraction does not move it into December.
        batch_at(&emu, now, first_second - 0.001)
            .await
            .refused(PREVIOUS_MONTH);
        batch_at(&emu, now, late_in_the_day)
            .await
            .refused(PREVIOUS_MONTH);
        // December's own records are fine.
        batch_at(&emu, now, first_second).await.accepted();
        batch_at(&emu, now, at("2026-12-01T05:59:00Z"))
            .await
            .accepted();
    }
    // The message names the record and the closing time.
    let r = batch_at(&emu, "2026-12-01T06:00:00Z", last_second).await;
    assert!(
        r.message()
            .contains("Timestamp 2026-11-30T23:59:59.000Z at 'usageRecords.1.member'"),
        "{}",
        r.message()
    );
    // Refused records were not recorded: three keys from before 06:00, one after.
    assert_eq!(emu.ledger().await.len(), 4);

    // MeterUsage has no month rule: its six hours reach back into November
    // until 06:00, and from 06:00 on they end at 00:00 on the 1st.
    meter_at(&emu, "2026-12-01T05:59:00Z", at("2026-11-30T23:59:30Z"))
        .await
        .accepted();
    meter_at(&emu, "2026-12-01T06:00:00Z", at("2026-11-30T23:59:30Z"))
        .await
        .refused("more than 6 hours");
    meter_at(&emu, "2026-12-01T06:00:00Z", first_second)
        .await
        .accepted();
    meter_at(&emu, "2026-12-01T06:01:00Z", first_second)
        .await
        .refused("more than 6 hours");
}

/// `make test` on 2026-12-01 after 06:00 once failed: a test metered 23
/// hours back, into the closed month. The emulator's answer was right.
#[tokio::test]
async fn twenty_three_hours_back_on_the_first_evening() {
    let emu = start().await;
    let now = "2026-12-01T20:00:00Z";
    batch_at(&emu, now, at(now) - 23.0 * 3600.0)
        .await
        .refused(PREVIOUS_MONTH);
    batch_at(&emu, now, at(now) - 20.0 * 3600.0)
        .await
        .accepted();
}

#[tokio::test]
async fn new_year() {
    let emu = start().await;
    // Dec 31, a minute to midnight: next year's first minutes are "ahead".
    let now = "2026-12-31T23:59:00Z";
    let r = batch_at(&emu, now, at("2027-01-01T00:03:00Z")).await;
    r.accepted();
    assert_eq!(rotation_at(&emu, now).await, at("2027-01-01T00:00:00Z"));

    // Half an hour into the year, December is still open.
    let now = "2027-01-01T00:30:00Z";
    batch_at(&emu, now, at("2026-12-31T01:00:00Z"))
        .await
        .accepted();
    batch_at(&emu, now, at("2026-12-31T00:30:00Z"))
        .await
        .refused("more than 24 hours");
    meter_at(&emu, now, at("2026-12-31T18:30:00Z"))
        .await
        .accepted();
    meter_at(&emu, now, at("2026-12-31T18:29:59Z"))
        .await
        .refused("more than 6 hours");
    assert_eq!(rotation_at(&emu, now).await, at("2027-02-01T00:00:00Z"));

    let now = "2027-01-01T03:00:00Z";
    batch_at(&emu, now, at("2026-12-31T10:00:00Z"))
        .await
        .accepted();

    // At 06:00 the year 2026 is closed.
    let now = "2027-01-01T06:00:00Z";
    batch_at(&emu, now, at("2026-12-31T23:59:59Z"))
        .await
        .refused("accepted until 2027-01-01T06:00:00.000Z");
    batch_at(&emu, now, at("2027-01-01T05:00:00Z"))
        .await
        .accepted();

    let ledger = emu.ledger().await;
    let received: Vec<_> = ledger
        .iter()
        .map(|e| e["received_at"].as_str().unwrap())
        .collect();
    assert_eq!(
        received,
        [
            "2026-12-31T23:59:00.000Z",
            "2027-01-01T00:30:00.000Z",
            "2027-01-01T00:30:00.000Z",
            "2027-01-01T03:00:00.000Z",
            "2027-01-01T06:00:00.000Z"
        ]
    );
}

/// A request signed just before midnight on Dec 31 that reaches the
/// emulator just after: the scope date (20261231) is the request's own, and
/// four minutes of skew are allowed across the year too.
#[tokio::test]
async fn signatures_across_new_year() {
    let emu = start().await;
    emu.set_now(at("2027-01-01T00:02:00Z")).await;
    let resolve = json!({"RegistrationToken": "demo-registration-token"});
    emu.call_as(
        "ResolveCustomer",
        resolve.clone(),
        &Signer::at(at("2026-12-31T23:58:00Z")),
    )
    .await
    .ok();
    let r = emu
        .call_as(
            "ResolveCustomer",
            resolve.clone(),
            &Signer::at(at("2026-12-31T23:56:59Z")),
        )
        .await;
    r.assert_error(
        403,
        "InvalidSignatureException",
        "Signature expired: 20261231T235659Z is now earlier than 20261231T235700Z (20270101T000200Z - 5 min.)",
    );
    assert_eq!(r.headers["date"], "Fri, 01 Jan 2027 00:02:00 GMT");
    // And the other way round: the emulator still in 2026, the client in 2027.
    emu.set_now(at("2026-12-31T23:58:00Z")).await;
    emu.call_as(
        "ResolveCustomer",
        resolve.clone(),
        &Signer::at(at("2027-01-01T00:02:59Z")),
    )
    .await
    .ok();
    emu.call_as(
        "ResolveCustomer",
        resolve,
        &Signer::at(at("2027-01-01T00:03:01Z")),
    )
    .await
    .assert_error(
        403,
        "InvalidSignatureException",
        "Signature not yet current: 20270101T000301Z is still later than 20270101T000300Z (20261231T235800Z + 5 min.)",
    );
}

#[tokio::test]
async fn leap_day_2028() {
    let emu = start().await;
    let now = "2028-02-29T12:00:00Z";
    batch_at(&emu, now, at("2028-02-28T12:00:01Z"))
        .await
        .accepted();
    batch_at(&emu, now, at("2028-02-28T12:00:00Z"))
        .await
        .refused("is more than 24 hours before the current time 2028-02-29T12:00:00.000Z");
    meter_at(&emu, now, at("2028-02-29T06:00:00Z"))
        .await
        .accepted();
    assert_eq!(rotation_at(&emu, now).await, at("2028-03-01T00:00:00Z"));
    emu.admin("DELETE", "/__mpm/ledger", None).await;

    // A record of 29 February 23:45, sent that night and again on 1 March.
    let ts = at("2028-02-29T23:45:00Z");
    let send = |now: &'static str, qty: i64| {
        let emu = &emu;
        async move {
            emu.call_at(
                at(now),
                "BatchMeterUsage",
                batch_of("demo-customer-2", "data_gb", ts, qty),
            )
            .await
        }
    };
    let id = send("2028-02-29T23:50:00Z", 3).await.accepted();
    for now in [
        "2028-03-01T00:15:00Z",
        "2028-03-01T05:59:00Z",
        "2028-03-01T05:59:59Z",
    ] {
        assert_eq!(send(now, 3).await.accepted(), id, "{now}");
    }
    let r = send("2028-03-01T00:15:00Z", 4).await;
    assert_eq!(r.ok()["Results"][0]["Status"], "DuplicateRecord");
    // Another February record, first seen on 1 March, before 06:00.
    let late = emu
        .call_at(
            at("2028-03-01T03:00:00Z"),
            "BatchMeterUsage",
            batch_of("demo-customer-1", "users", at("2028-02-29T23:10:00Z"), 1),
        )
        .await
        .accepted();
    meter_at(&emu, "2028-03-01T03:00:00Z", at("2028-02-29T23:30:00Z"))
        .await
        .accepted();
    assert_eq!(
        rotation_at(&emu, "2028-03-01T00:15:00Z").await,
        at("2028-04-01T00:00:00Z")
    );
    for now in ["2028-03-01T06:00:00Z", "2028-03-01T06:01:00Z"] {
        send(now, 3)
            .await
            .refused("accepted until 2028-03-01T06:00:00.000Z");
    }

    // Read on 1 March, the ledger keeps the records on 29 February.
    let ledger = emu.ledger().await;
    assert_eq!(ledger.len(), 3, "{ledger:?}");
    let feb29_2300 = json!(at("2028-02-29T23:00:00Z") as i64);
    assert_eq!(ledger[0]["metering_record_id"], json!(id));
    assert_eq!(ledger[0]["timestamp"], json!(ts));
    assert_eq!(ledger[0]["hour"], feb29_2300);
    assert_eq!(ledger[0]["received_at"], "2028-02-29T23:50:00.000Z");
    assert_eq!(ledger[1]["metering_record_id"], json!(late));
    assert_eq!(ledger[1]["hour"], feb29_2300);
    assert_eq!(ledger[1]["received_at"], "2028-03-01T03:00:00.000Z");
    assert_eq!(ledger[2]["operation"], "MeterUsage");
    assert_eq!(ledger[2]["hour"], feb29_2300);
}

/// A non-leap February ends on the 28th: 2027-02-28 late evening is the
/// month's last hour, and its records are open until 06:00 on 1 March.
#[tokio::test]
async fn february_2027_has_28_days() {
    let emu = start().await;
    assert_eq!(
        rotation_at(&emu, "2027-02-28T23:30:00Z").await,
        at("2027-03-01T00:00:00Z")
    );
    let ts = at("2027-02-28T23:00:00Z");
    batch_at(&emu, "2027-03-01T05:00:00Z", ts).await.accepted();
    batch_at(&emu, "2027-03-01T06:00:00Z", ts)
        .await
        .refused("accepted until 2027-03-01T06:00:00.000Z");
}

/// The key rotation at every month's end from December 2026 to April 2028:
/// the last second of a month rotates at midnight, the first second of the
/// next rotates a month later.
#[tokio::test]
async fn key_rotation_at_each_month_end() {
    let emu = start().await;
    let months: Vec<String> = (0..17)
        .map(|i| {
            let (y, m) = (2026 + (11 + i) / 12, (11 + i) % 12 + 1);
            format!("{y:04}-{m:02}-01T00:00:00Z")
        })
        .collect();
    for w in months.windows(3) {
        let (next, after) = (at(&w[1]), at(&w[2]));
        let last_second = mpm_emulator::timefmt::rfc3339_millis((next as i64 - 1) * 1000);
        assert_eq!(rotation_at(&emu, &last_second).await, next, "{last_second}");
        assert_eq!(rotation_at(&emu, &w[1]).await, after, "{}", w[1]);
    }
}
