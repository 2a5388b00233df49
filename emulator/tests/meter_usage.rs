//! MeterUsage rules: hour-keyed idempotency, ClientToken, time window,
//! allocations, DryRun, product/dimension/entitlement.
mod common;
use common::*;
use mpm_emulator::world::Credential;
use serde_json::{json, Value};

fn id(r: &Reply) -> String {
    r.ok()["MeteringRecordId"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn same_record_in_the_same_hour_is_idempotent() {
    let emu = start().await;
    let first = id(&emu
        .call("MeterUsage", meter("users", past_hour(60.0), json!(17)))
        .await);
    assert!(uuid::Uuid::parse_str(&first).is_ok());
    // Same hour, same value in the other form and with trailing zeros.
    let again = id(&emu
        .call(
            "MeterUsage",
            meter("users", past_hour(1800.0), json!("17.00")),
        )
        .await);
    assert_eq!(first, again);
    let r = emu
        .call("MeterUsage", meter("users", past_hour(120.0), json!(18)))
        .await;
    r.assert_error(400, "DuplicateRequestException", "different usage quantity");
    // Another dimension or hour is another record.
    let hosts = id(&emu
        .call("MeterUsage", meter("hosts", past_hour(60.0), json!(18)))
        .await);
    let earlier = id(&emu
        .call(
            "MeterUsage",
            meter("users", past_hour(60.0) - 3600.0, json!(18)),
        )
        .await);
    assert_ne!(hosts, first);
    assert_ne!(earlier, first);
    assert_eq!(emu.ledger().await.len(), 3);
}

#[tokio::test]
async fn each_caller_key_is_its_own_instance() {
    let emu = start_with(|o| {
        let c = Credential::parse("AKIDSECONDINSTANCE01:second-secret").unwrap();
        o.world.credentials.insert(c.access_key_id.clone(), c);
    })
    .await;
    let a = id(&emu
        .call("MeterUsage", meter("users", past_hour(1.0), json!(1)))
        .await);
    let s = Signer {
        akid: "AKIDSECONDINSTANCE01".into(),
        secret: "second-secret".into(),
        ..Signer::default()
    };
    let b = id(&emu
        .call_as("MeterUsage", meter("users", past_hour(1.0), json!(2)), &s)
        .await);
    assert_ne!(a, b);
    let ledger = emu.ledger().await;
    assert_eq!(ledger[1]["instance"], "AKIDSECONDINSTANCE01");
}

#[tokio::test]
async fn client_token_idempotency() {
    let emu = start().await;
    let mut body = meter("users", past_hour(5.0), json!("2.5"));
    body["ClientToken"] = json!("token-1");
    let first = id(&emu.call("MeterUsage", body.clone()).await);
    assert_eq!(first, id(&emu.call("MeterUsage", body.clone()).await));
    let mut changed = meter("hosts", past_hour(5.0), json!("2.5"));
    changed["ClientToken"] = json!("token-1");
    emu.call("MeterUsage", changed).await.assert_error(
        400,
        "IdempotencyConflictException",
        "token-1",
    );
    // A fresh token for an already-recorded hour gets the same record...
    let mut retry = body.clone();
    retry["ClientToken"] = json!("token-2");
    assert_eq!(first, id(&emu.call("MeterUsage", retry).await));
    // ...and is then bound to those parameters.
    let mut misuse = meter("users", past_hour(5.0), json!("3"));
    misuse["ClientToken"] = json!("token-2");
    emu.call("MeterUsage", misuse).await.assert_error(
        400,
        "IdempotencyConflictException",
        "already used with different parameters",
    );
    assert_eq!(emu.ledger().await.len(), 1);
}

#[tokio::test]
async fn timestamp_window_is_six_hours() {
    let emu = start().await;
    let now = now_secs();
    let r = emu
        .call("MeterUsage", meter("users", now - 7.0 * 3600.0, json!(1)))
        .await;
    r.assert_error(
        400,
        "TimestampOutOfBoundsException",
        "is more than 6 hours before the current time",
    );
    emu.call(
        "MeterUsage",
        meter("users", now - 6.0 * 3600.0 + 60.0, json!(1)),
    )
    .await
    .ok();
    let r = emu
        .call("MeterUsage", meter("hosts", now + 600.0, json!(1)))
        .await;
    r.assert_error(400, "TimestampOutOfBoundsException", "is in the future");
    emu.call("MeterUsage", meter("hosts", now + 60.0, json!(1)))
        .await
        .ok();
}

#[tokio::test]
async fn unknown_product_and_dimension() {
    let emu = start().await;
    let mut body = meter("users", past_hour(1.0), json!(1));
    body["ProductCode"] = json!("other-product");
    emu.call("MeterUsage", body).await.assert_error(
        400,
        "InvalidProductCodeException",
        "'other-product'",
    );
    emu.call("MeterUsage", meter("cpus", past_hour(1.0), json!(1)))
        .await
        .assert_error(
            400,
            "InvalidUsageDimensionException",
            "'cpus' is not valid for product 'demo-product'",
        );
}

fn with_allocs(qty: Value, allocs: Value) -> Value {
    let mut b = meter("users", past_hour(1.0), qty);
    b["UsageAllocations"] = allocs;
    b
}

#[tokio::test]
async fn allocations_must_sum_exactly_in_the_same_form() {
    let emu = start().await;
    let r = emu
        .call(
            "MeterUsage",
            with_allocs(
                json!(10),
                json!([
        {"AllocatedUsageQuantity": 4, "Tags": [{"Key": "team", "Value": "a"}]},
        {"AllocatedUsageQuantity": 5, "Tags": [{"Key": "team", "Value": "b"}]}]),
            ),
        )
        .await;
    r.assert_error(
        400,
        "InvalidUsageAllocationsException",
        "sum of the allocated usage quantities (9)",
    );
    let r = emu
        .call(
            "MeterUsage",
            with_allocs(
                json!(10),
                json!([{"AllocatedUsageQuantityAsDecimal": "10"}]),
            ),
        )
        .await;
    r.assert_error(
        400,
        "InvalidUsageAllocationsException",
        "use AllocatedUsageQuantity with UsageQuantity",
    );
    let r = emu
        .call(
            "MeterUsage",
            with_allocs(json!("10"), json!([{"AllocatedUsageQuantity": 10}])),
        )
        .await;
    r.assert_error(
        400,
        "InvalidUsageAllocationsException",
        "use AllocatedUsageQuantityAsDecimal with UsageQuantityAsDecimal",
    );
    let r = emu.call("MeterUsage", with_allocs(json!(2), json!([
        {"AllocatedUsageQuantity": 1, "Tags": [{"Key": "t", "Value": "x"}, {"Key": "u", "Value": "y"}]},
        {"AllocatedUsageQuantity": 1, "Tags": [{"Key": "u", "Value": "y"}, {"Key": "t", "Value": "x"}]}]))).await;
    r.assert_error(
        400,
        "InvalidUsageAllocationsException",
        "unique set of tags",
    );
    let r = emu
        .call(
            "MeterUsage",
            with_allocs(
                json!(2),
                json!([{"AllocatedUsageQuantity": 1}, {"AllocatedUsageQuantity": 1}]),
            ),
        )
        .await;
    r.assert_error(
        400,
        "InvalidUsageAllocationsException",
        "unique set of tags",
    );
    assert!(emu.ledger().await.is_empty());
    // 0.1 + 0.2 is exactly 0.3 here, and 0.30 is the same value.
    let r = emu
        .call(
            "MeterUsage",
            with_allocs(
                json!("0.30"),
                json!([
        {"AllocatedUsageQuantityAsDecimal": "0.1", "Tags": [{"Key": "team", "Value": "a"}]},
        {"AllocatedUsageQuantityAsDecimal": "0.2"}]),
            ),
        )
        .await;
    r.ok();
    let ledger = emu.ledger().await;
    assert_eq!(ledger[0]["quantity"], "0.3");
    assert_eq!(ledger[0]["quantity_type"], "decimal");
    assert_eq!(
        ledger[0]["allocations"],
        json!([
        {"quantity": "0.1", "tags": [{"key": "team", "value": "a"}]},
        {"quantity": "0.2", "tags": []}])
    );
}

#[tokio::test]
async fn dry_run_validates_and_records_nothing() {
    let emu = start().await;
    let mut body = meter("users", past_hour(1.0), json!(3));
    body["DryRun"] = json!(true);
    let r = emu.call("MeterUsage", body.clone()).await;
    r.assert_error(
        412,
        "DryRunOperation",
        "Request would have succeeded, but DryRun flag is set.",
    );
    assert!(emu.ledger().await.is_empty());
    body["UsageDimension"] = json!("cpus");
    emu.call("MeterUsage", body)
        .await
        .assert_error(400, "InvalidUsageDimensionException", "cpus");
    let mut body = meter("users", past_hour(1.0), json!(3));
    body["DryRun"] = json!(false);
    emu.call("MeterUsage", body).await.ok();
}

#[tokio::test]
async fn unsubscribed_caller_is_not_entitled() {
    let emu = start_with(|o| {
        let mut c = Credential::parse("AKIDUNSUBSCRIBED0001:s3cret").unwrap();
        c.account_id = Some("777788889999".into());
        o.world.credentials.insert(c.access_key_id.clone(), c);
    })
    .await;
    let s = Signer {
        akid: "AKIDUNSUBSCRIBED0001".into(),
        secret: "s3cret".into(),
        ..Signer::default()
    };
    let r = emu
        .call_as("MeterUsage", meter("users", past_hour(1.0), json!(1)), &s)
        .await;
    r.assert_error(400, "CustomerNotEntitledException", "demo-product");
}

#[tokio::test]
async fn quantity_defaults_to_zero() {
    let emu = start().await;
    emu.call("MeterUsage", meter("users", past_hour(1.0), Value::Null))
        .await
        .ok();
    let ledger = emu.ledger().await;
    assert_eq!(ledger[0]["quantity"], "0");
    assert_eq!(ledger[0]["quantity_type"], "whole");
}
