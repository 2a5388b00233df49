//! The admin API and the ledger (including persistence across restarts).
mod common;
use common::*;
use serde_json::json;

#[tokio::test]
async fn ledger_records_every_accepted_record() {
    let emu = start().await;
    let t = past_hour(61.5);
    let mut body = meter("data_gb", t, json!("17.50"));
    body["ClientToken"] = json!("ct-1");
    body["UsageAllocations"] = json!([{"AllocatedUsageQuantityAsDecimal": "17.5", "Tags": [{"Key": "team", "Value": "red"}]}]);
    let id = emu.call("MeterUsage", body).await.ok()["MeteringRecordId"].clone();
    emu.call("MeterUsage", meter("data_gb", t, json!("99")))
        .await
        .assert_error(400, "DuplicateRequestException", "data_gb");
    let ledger = emu.ledger().await;
    assert_eq!(ledger.len(), 1);
    let e = &ledger[0];
    assert_eq!(e["operation"], "MeterUsage");
    assert_eq!(e["metering_record_id"], id);
    assert_eq!(e["product_code"], "demo-product");
    assert_eq!(e["instance"], AKID);
    assert_eq!(e["customer_aws_account_id"], "111122223333");
    assert_eq!(e["dimension"], "data_gb");
    assert_eq!(e["timestamp"], json!(t));
    assert_eq!(e["hour"], json!((t / 3600.0).floor() as i64 * 3600));
    assert_eq!(e["quantity"], "17.5");
    assert_eq!(e["quantity_type"], "decimal");
    assert_eq!(
        e["allocations"],
        json!([{"quantity": "17.5", "tags": [{"key": "team", "value": "red"}]}])
    );
    assert_eq!(e["client_token"], "ct-1");
    assert_eq!(e["received_at"], "2026-06-17T14:25:30.000Z");
}

#[tokio::test]
async fn clearing_the_ledger_clears_idempotency() {
    let emu = start().await;
    let t = past_hour(1.0);
    emu.call("MeterUsage", meter("users", t, json!(1)))
        .await
        .ok();
    emu.call("MeterUsage", meter("users", t, json!(2)))
        .await
        .assert_error(400, "DuplicateRequestException", "");
    emu.admin("DELETE", "/__mpm/ledger", None).await;
    assert!(emu.ledger().await.is_empty());
    emu.call("MeterUsage", meter("users", t, json!(2)))
        .await
        .ok();
}

#[tokio::test]
async fn reset_clears_state_but_keeps_config() {
    let emu = start().await;
    emu.admin(
        "POST",
        "/__mpm/config",
        Some(json!({"products": [{"code": "p2", "dimensions": ["d"]}]})),
    )
    .await;
    emu.call("MeterUsage", meter("users", past_hour(1.0), json!(1)))
        .await
        .ok();
    emu.admin(
        "POST",
        "/__mpm/faults",
        Some(json!({"mode": "throttle", "count": 5})),
    )
    .await;
    emu.admin("POST", "/__mpm/clock", Some(json!({"offset_seconds": 30})))
        .await;
    emu.admin("POST", "/__mpm/reset", None).await;
    assert!(emu.ledger().await.is_empty());
    assert_eq!(emu.admin("GET", "/__mpm/faults", None).await, json!([]));
    assert_eq!(emu.admin("GET", "/__mpm/requests", None).await["total"], 0);
    let health = emu.admin("GET", "/__mpm/health", None).await;
    assert_eq!(health["clock_offset_seconds"], 0);
    // Reset also unpins the clock: back on the system clock. Pinned again
    // for the harness's signatures.
    assert_eq!(health["clock_pinned"], json!(null));
    emu.set_now(now_secs()).await;
    let config = emu.admin("GET", "/__mpm/config", None).await;
    assert_eq!(config["products"]["p2"]["dimensions"], json!(["d"]));
    // Secrets are never shown.
    assert!(!config.to_string().contains(SECRET));
    assert_eq!(config["credentials"][0]["access_key_id"], AKID);
    let mut body = meter("d", past_hour(1.0), json!(1));
    body["ProductCode"] = json!("p2");
    emu.call("MeterUsage", body)
        .await
        .assert_error(400, "CustomerNotEntitledException", "p2");
}

#[tokio::test]
async fn admin_errors_and_index() {
    let emu = start().await;
    let base = format!("http://{}", emu.addr);
    let r = emu
        .http
        .get(format!("{base}/__mpm/nope"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let r = emu
        .http
        .post(format!("{base}/__mpm/config"))
        .body(r#"{"prodcts": []}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let r = emu
        .http
        .post(format!("{base}/__mpm/clock"))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let index = emu.admin("GET", "/__mpm/", None).await;
    assert!(index["routes"].to_string().contains("/__mpm/ledger"));
    emu.admin("DELETE", "/__mpm/requests", None).await;
}

#[tokio::test]
async fn ledger_file_survives_restart() {
    let dir = std::env::temp_dir().join(format!("mpm-ledger-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("ledger.jsonl");
    let t = past_hour(7.0);
    let mut token_body = meter("hosts", t, json!(4));
    token_body["ClientToken"] = json!("persisted-token");
    let (id, batch_id) = {
        let emu = start_with(|o| o.ledger_file = Some(path.clone())).await;
        let id = emu
            .call("MeterUsage", meter("users", t, json!(3)))
            .await
            .ok()["MeteringRecordId"]
            .clone();
        emu.call("MeterUsage", token_body.clone()).await.ok();
        let b = emu.call("BatchMeterUsage", json!({"ProductCode": "demo-product", "UsageRecords": [record("demo-customer-2", "users", t, 9)]})).await;
        (id, b.ok()["Results"][0]["MeteringRecordId"].clone())
    };
    assert_eq!(std::fs::read_to_string(&path).unwrap().lines().count(), 3);
    let emu = start_with(|o| o.ledger_file = Some(path.clone())).await;
    assert_eq!(emu.ledger().await.len(), 3);
    assert_eq!(
        emu.call("MeterUsage", meter("users", t, json!(3)))
            .await
            .ok()["MeteringRecordId"],
        id
    );
    emu.call("MeterUsage", meter("users", t, json!(4)))
        .await
        .assert_error(400, "DuplicateRequestException", "");
    let mut conflict = token_body.clone();
    conflict["UsageQuantity"] = json!(5);
    emu.call("MeterUsage", conflict).await.assert_error(
        400,
        "IdempotencyConflictException",
        "persisted-token",
    );
    let b = emu.call("BatchMeterUsage", json!({"ProductCode": "demo-product", "UsageRecords": [record("demo-customer-2", "users", t, 9), record("demo-customer-2", "users", t, 10)]})).await;
    let results = b.ok()["Results"].clone();
    assert_eq!(results[0]["MeteringRecordId"], batch_id);
    assert_eq!(results[1]["Status"], "DuplicateRecord");
    // Clearing truncates the file.
    emu.admin("DELETE", "/__mpm/ledger", None).await;
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "");
    emu.call("MeterUsage", meter("users", t, json!(4)))
        .await
        .ok();
    assert_eq!(std::fs::read_to_string(&path).unwrap().lines().count(), 1);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn clock_can_be_pinned_offset_and_released() {
    let emu = start_with(|o| o.clock_now_ms = None).await;
    let clock = emu.admin("GET", "/__mpm/clock", None).await;
    assert_eq!(clock["pinned"], json!(null));
    assert_eq!(clock["offset_seconds"], 0);
    let pin = |v: serde_json::Value| {
        let emu = &emu;
        async move { emu.admin("POST", "/__mpm/clock", Some(v)).await }
    };
    // RFC 3339 or Unix seconds; a pin clears the offset unless one is given.
    emu.admin("POST", "/__mpm/clock", Some(json!({"offset_seconds": 30})))
        .await;
    let v = pin(json!({"now": "2026-12-31T23:59:30Z"})).await;
    assert_eq!(v["now_rfc3339"], "2026-12-31T23:59:30.000Z");
    assert_eq!(v["offset_seconds"], 0);
    let v = pin(json!({"now": 1_796_104_800.5, "offset_seconds": -1})).await;
    assert_eq!(v["pinned"], "2026-12-01T06:00:00.500Z");
    assert_eq!(v["now_rfc3339"], "2026-12-01T05:59:59.500Z");
    let health = emu.admin("GET", "/__mpm/health", None).await;
    assert_eq!(health["now"], json!(1_796_104_799.5));
    assert_eq!(health["clock_pinned"], "2026-12-01T06:00:00.500Z");
    // A skew fault shifts a pinned clock too.
    emu.admin(
        "POST",
        "/__mpm/faults",
        Some(json!({"mode": "skew", "offset_seconds": 60})),
    )
    .await;
    let v = emu.admin("GET", "/__mpm/clock", None).await;
    assert_eq!(v["now_rfc3339"], "2026-12-01T06:01:00.500Z");
    // Bad input changes nothing.
    for bad in [
        json!({}),
        json!({"now": "2027-02-29T00:00:00Z"}),
        json!({"now": "tomorrow"}),
        json!({"now": -5}),
        json!({"now": true}),
        json!({"now": "2026-12-01T06:00:00Z", "offset_seconds": "1"}),
        json!({"now": "2026-12-01T06:00:00Z", "later": 1}),
    ] {
        let r = emu
            .http
            .post(format!("http://{}/__mpm/clock", emu.addr))
            .body(bad.to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400, "{bad}");
    }
    assert_eq!(
        emu.admin("GET", "/__mpm/clock", None).await["now_rfc3339"],
        "2026-12-01T06:01:00.500Z"
    );
    // null goes back to the system clock.
    let v = pin(json!({"now": null})).await;
    assert_eq!(v["pinned"], json!(null));
    let system = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64();
    assert!((v["now"].as_f64().unwrap() - system).abs() < 5.0, "{v}");
}

/// Not pinned, the emulator follows the system clock: a client signing with
/// the real time and metering "now" gets through (valid on any date: the
/// record is a minute old, inside every window).
#[tokio::test]
async fn unpinned_emulator_runs_on_the_system_clock() {
    let emu = start_with(|o| o.clock_now_ms = None).await;
    let system = std::time::SystemTime::now();
    let secs = system
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64();
    let s = Signer {
        time: system,
        ..Signer::default()
    };
    emu.call_as("MeterUsage", meter("users", secs - 60.0, json!(1)), &s)
        .await
        .ok();
    let batch = json!({"ProductCode": "demo-product",
        "UsageRecords": [record("demo-customer-1", "users", secs - 60.0, 1)]});
    let r = emu.call_as("BatchMeterUsage", batch, &s).await;
    assert_eq!(r.ok()["Results"][0]["Status"], "Success");
    let now = emu.admin("GET", "/__mpm/health", None).await["now"]
        .as_f64()
        .unwrap();
    assert!((now - secs).abs() < 5.0, "{now} vs {secs}");
    // Signed an hour off the real clock: expired.
    emu.call_as(
        "ResolveCustomer",
        json!({"RegistrationToken": "demo-registration-token"}),
        &Signer::at(secs - 3600.0),
    )
    .await
    .assert_error(403, "InvalidSignatureException", "Signature expired");
}
