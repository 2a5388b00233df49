//! What the outbox's proof needs from the emulator (issue 10, item 7): a fault that commits
//! and then drops the connection, the 10 requests a second quota, a ledger fsynced on every
//! write that survives `kill -9`, and a clock tests move by hours in one call.
mod common;
use common::*;
use serde_json::json;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

fn batch(qty: i64) -> serde_json::Value {
    json!({"ProductCode": "demo-product",
           "UsageRecords": [record("demo-customer-1", "users", past_hour(5.0), qty)]})
}

#[tokio::test]
async fn drop_after_commit_meters_but_never_answers() {
    let emu = start().await;
    emu.admin(
        "POST",
        "/__mpm/faults",
        Some(json!({"mode": "drop_after_commit", "count": 1, "operation": "BatchMeterUsage"})),
    )
    .await;
    let mut req = api_request(&emu.url(), "BatchMeterUsage", &batch(7).to_string());
    sign_request(&mut req, &Signer::default());
    emu.send(req).await.expect_err("the client never hears");
    // Metered all the same.
    let ledger = emu.ledger().await;
    assert_eq!(ledger.len(), 1, "{ledger:?}");
    assert_eq!(ledger[0]["quantity"], "7");
    let id = ledger[0]["metering_record_id"].clone();
    // The retry of the same record gets the same id, and nothing is billed twice.
    let r = emu.call("BatchMeterUsage", batch(7)).await;
    let res = &r.ok()["Results"][0];
    assert_eq!(res["Status"], "Success");
    assert_eq!(res["MeteringRecordId"], id);
    assert_eq!(emu.ledger().await.len(), 1);
    // Another quantity for the same hour: a DuplicateRecord, counted per record.
    let r = emu.call("BatchMeterUsage", batch(8)).await;
    assert_eq!(r.ok()["Results"][0]["Status"], "DuplicateRecord");
    let counts = emu.admin("GET", "/__mpm/requests", None).await;
    assert_eq!(
        counts["operations"]["BatchMeterUsage"]["outcomes"],
        json!({"drop_after_commit": 1, "Success": 2})
    );
    // The dropped answer is not counted as a record status: nobody heard it.
    assert_eq!(
        counts["record_statuses"],
        json!({"Success": 1, "DuplicateRecord": 1})
    );
}

#[tokio::test]
async fn drop_after_commit_for_meter_usage() {
    let emu = start().await;
    emu.admin(
        "POST",
        "/__mpm/faults",
        Some(json!({"mode": "drop_after_commit", "count": 1})),
    )
    .await;
    let body = meter("users", past_hour(1.0), json!(3)).to_string();
    let mut req = api_request(&emu.url(), "MeterUsage", &body);
    sign_request(&mut req, &Signer::default());
    emu.send(req).await.expect_err("no answer");
    let ledger = emu.ledger().await;
    assert_eq!(ledger.len(), 1);
    let r = emu
        .call("MeterUsage", meter("users", past_hour(1.0), json!(3)))
        .await;
    assert_eq!(r.ok()["MeteringRecordId"], ledger[0]["metering_record_id"]);
}

#[tokio::test]
async fn rate_limit_is_off_by_default() {
    let emu = start().await;
    for _ in 0..30 {
        emu.call(
            "ResolveCustomer",
            json!({"RegistrationToken": "demo-registration-token"}),
        )
        .await
        .ok();
    }
    assert_eq!(
        emu.admin("GET", "/__mpm/rate_limit", None).await,
        json!({"per_second": 0, "throttled": 0})
    );
}

#[tokio::test]
async fn ten_requests_a_second_per_account_and_region() {
    let emu = start().await;
    emu.admin("POST", "/__mpm/rate_limit", Some(json!({"per_second": 10})))
        .await;
    let body = || batch(1);
    // A burst: the bucket holds 10, and refills one token per 100 ms the burst takes.
    let mut ok = 0;
    let mut throttled = 0;
    let t = std::time::Instant::now();
    for _ in 0..20 {
        let r = emu.call("BatchMeterUsage", body()).await;
        match r.status {
            200 => ok += 1,
            _ => {
                r.assert_error(400, "ThrottlingException", "Rate exceeded");
                throttled += 1;
            }
        }
    }
    let refills = (t.elapsed().as_millis() / 100) as i32 + 1;
    assert!(
        ok >= 10 && ok <= 10 + refills,
        "{ok} admitted in {:?}",
        t.elapsed()
    );
    assert!(throttled > 0 || refills >= 10, "nothing throttled");
    assert_eq!(ok + throttled, 20);
    // Another region is another bucket.
    let eu = Signer {
        region: "eu-west-1".into(),
        ..Signer::default()
    };
    emu.call_as("BatchMeterUsage", body(), &eu).await.ok();
    // A second later the bucket is full again.
    tokio::time::sleep(Duration::from_millis(1050)).await;
    for _ in 0..10 {
        emu.call("BatchMeterUsage", body()).await.ok();
    }
    let v = emu.admin("GET", "/__mpm/rate_limit", None).await;
    assert_eq!(v["per_second"], 10);
    assert_eq!(v["throttled"], throttled);
    // Off again.
    emu.admin("POST", "/__mpm/rate_limit", Some(json!({"per_second": 0})))
        .await;
    for _ in 0..20 {
        emu.call("BatchMeterUsage", body()).await.ok();
    }
}

#[tokio::test]
async fn clock_advances_by_hours_in_one_call() {
    let emu = start().await;
    let v = emu
        .admin(
            "POST",
            "/__mpm/clock",
            Some(json!({"advance_seconds": 7200})),
        )
        .await;
    assert_eq!(v["now"].as_f64(), Some((NOW + 7200) as f64), "{v}");
    // A record of the hour before the first NOW is 3 h old now: still inside the 24 h window,
    // and refused once 24 h have passed.
    let s = Signer::at((NOW + 7200) as f64);
    emu.call_as("BatchMeterUsage", batch(1), &s).await.ok();
    emu.admin(
        "POST",
        "/__mpm/clock",
        Some(json!({"advance_seconds": 86_400})),
    )
    .await;
    let s = Signer::at((NOW + 7200 + 86_400) as f64);
    let r = emu.call_as("BatchMeterUsage", batch(1), &s).await;
    r.assert_error(400, "TimestampOutOfBoundsException", "");
}

/// The binary with a ledger file: every accepted record is fsynced before the answer, so it is
/// in the file when the answer arrives and a `kill -9` right after loses nothing.
#[tokio::test]
async fn ledger_file_is_synced_on_every_write_and_survives_kill_9() {
    let dir = std::env::temp_dir().join(format!("mpm-ledger-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("ledger.jsonl");
    let _ = std::fs::remove_file(&path);
    let spawn = || {
        let mut child = Command::new(env!("CARGO_BIN_EXE_mpm-emulator"))
            .args(["--listen", "127.0.0.1:0", "--clock-now", &NOW.to_string()])
            .arg("--ledger-file")
            .arg(&path)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line.trim().rsplit(':').next().unwrap().to_string();
        (child, port)
    };
    let (mut child, port) = spawn();
    let mut emu = start().await;
    emu.addr = format!("127.0.0.1:{port}").parse().unwrap();
    let r = emu.call("BatchMeterUsage", batch(4)).await;
    let id = r.ok()["Results"][0]["MeteringRecordId"].clone();
    // In the file already (no buffering), and fsynced once.
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text.lines().count(), 1, "{text}");
    assert_eq!(
        emu.admin("GET", "/__mpm/health", None).await["ledger_fsyncs"],
        1
    );
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let (mut child, port) = spawn();
    emu.addr = format!("127.0.0.1:{port}").parse().unwrap();
    let r = emu.call("BatchMeterUsage", batch(4)).await;
    assert_eq!(
        r.ok()["Results"][0]["MeteringRecordId"],
        id,
        "idempotency survived kill -9"
    );
    let r = emu.call("BatchMeterUsage", batch(5)).await;
    assert_eq!(r.ok()["Results"][0]["Status"], "DuplicateRecord");
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&dir);
}
