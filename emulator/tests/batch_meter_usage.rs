//! BatchMeterUsage rules: per-record statuses, whole-batch failures,
//! license-based records, the 24-hour window and the month-end grace period.
mod common;
use common::*;
use serde_json::{json, Value};

fn batch(records: Vec<Value>) -> Value {
    json!({"ProductCode": "demo-product", "UsageRecords": records})
}

#[tokio::test]
async fn statuses_and_echoed_records() {
    let emu = start().await;
    let t = past_hour(10.5);
    let mut by_account = json!({"CustomerAWSAccountId": "444455556666", "Dimension": "hosts", "Timestamp": t, "QuantityAsDecimal": "1.50"});
    by_account["UsageAllocations"] = json!([{"AllocatedUsageQuantityAsDecimal": "1.5", "Tags": [{"Key": "env", "Value": "prod"}]}]);
    let recs = vec![
        record("demo-customer-1", "users", t, 5),
        record("unsubscribed-customer", "users", t, 5),
        record("nobody-knows-me", "users", t, 5),
        by_account.clone(),
    ];
    let r = emu.call("BatchMeterUsage", batch(recs.clone())).await;
    let body = r.ok();
    let results = body["Results"].as_array().unwrap();
    assert_eq!(body["UnprocessedRecords"], json!([]));
    assert_eq!(results.len(), 4);
    for (res, rec) in results.iter().zip(&recs) {
        assert_eq!(&res["UsageRecord"], rec, "echoed as submitted");
    }
    let statuses: Vec<_> = results
        .iter()
        .map(|r| r["Status"].as_str().unwrap())
        .collect();
    assert_eq!(
        statuses,
        [
            "Success",
            "CustomerNotSubscribed",
            "CustomerNotSubscribed",
            "Success"
        ]
    );
    assert!(results[1].get("MeteringRecordId").is_none());
    let id0 = results[0]["MeteringRecordId"].as_str().unwrap().to_string();

    // Same records again: same ids; a changed quantity is a DuplicateRecord.
    let mut changed = by_account.clone();
    changed["QuantityAsDecimal"] = json!("2");
    changed["UsageAllocations"] = json!([{"AllocatedUsageQuantityAsDecimal": "2"}]);
    let again = emu
        .call(
            "BatchMeterUsage",
            batch(vec![
                record("demo-customer-1", "users", past_hour(900.0), 5),
                changed,
            ]),
        )
        .await;
    let results = again.ok()["Results"].as_array().unwrap().clone();
    assert_eq!(results[0]["Status"], "Success");
    assert_eq!(results[0]["MeteringRecordId"], json!(id0));
    assert_eq!(results[1]["Status"], "DuplicateRecord");
    // Whole number 5 and "5.000" are the same quantity.
    let mut dec = record("demo-customer-1", "users", t, 5);
    dec.as_object_mut().unwrap().remove("Quantity");
    dec["QuantityAsDecimal"] = json!("5.000");
    let r = emu.call("BatchMeterUsage", batch(vec![dec])).await;
    assert_eq!(r.ok()["Results"][0]["MeteringRecordId"], json!(id0));

    let ledger = emu.ledger().await;
    assert_eq!(ledger.len(), 2);
    assert_eq!(ledger[1]["customer_aws_account_id"], "444455556666");
    assert_eq!(ledger[1]["quantity"], "1.5");
    assert_eq!(ledger[1]["hour"], json!((t / 3600.0).floor() as i64 * 3600));
}

#[tokio::test]
async fn license_records() {
    let emu = start().await;
    let t = past_hour(3.0);
    let rec = json!({"LicenseArn": LICENSE, "CustomerAWSAccountId": "111122223333", "Dimension": "data_gb", "Timestamp": t, "Quantity": 7});
    let r = emu
        .call("BatchMeterUsage", json!({"UsageRecords": [rec]}))
        .await;
    assert_eq!(r.ok()["Results"][0]["Status"], "Success");
    let ledger = emu.ledger().await;
    assert_eq!(ledger[0]["license_arn"], LICENSE);
    assert_eq!(ledger[0]["product_code"], "demo-product");
    // License records are keyed apart from product records.
    let by_product = json!({"CustomerAWSAccountId": "111122223333", "Dimension": "data_gb", "Timestamp": t, "Quantity": 8});
    assert_eq!(
        emu.call("BatchMeterUsage", batch(vec![by_product]))
            .await
            .ok()["Results"][0]["Status"],
        "Success"
    );

    let wrong_customer = json!({"LicenseArn": LICENSE, "CustomerAWSAccountId": "444455556666", "Dimension": "data_gb", "Timestamp": t, "Quantity": 7});
    emu.call("BatchMeterUsage", json!({"UsageRecords": [wrong_customer]}))
        .await
        .assert_error(
            400,
            "InvalidLicenseException",
            "does not match the customer",
        );
    let unknown = json!({"LicenseArn": "arn:aws:license-manager::111122223333:license:l-nope", "CustomerAWSAccountId": "111122223333", "Dimension": "data_gb", "Timestamp": t, "Quantity": 7});
    emu.call("BatchMeterUsage", json!({"UsageRecords": [unknown]}))
        .await
        .assert_error(400, "InvalidLicenseException", "is not valid");
    let no_product = json!({"CustomerAWSAccountId": "111122223333", "Dimension": "data_gb", "Timestamp": t, "Quantity": 7});
    emu.call("BatchMeterUsage", json!({"UsageRecords": [no_product]}))
        .await
        .assert_error(
            400,
            "InvalidProductCodeException",
            "ProductCode is required",
        );
}

#[tokio::test]
async fn whole_batch_failures_record_nothing() {
    let emu = start().await;
    let good = record("demo-customer-1", "users", past_hour(1.0), 1);
    let cases: Vec<(Value, &str, &str)> = vec![
        (
            json!({"ProductCode": "nope", "UsageRecords": [good.clone()]}),
            "InvalidProductCodeException",
            "'nope'",
        ),
        (
            batch(vec![
                good.clone(),
                record("demo-customer-1", "cpus", past_hour(1.0), 1),
            ]),
            "InvalidUsageDimensionException",
            "'cpus'",
        ),
        (
            batch(vec![
                good.clone(),
                record("demo-customer-1", "hosts", now_secs() - 25.0 * 3600.0, 1),
            ]),
            "TimestampOutOfBoundsException",
            "more than 24 hours",
        ),
        (
            batch(vec![
                good.clone(),
                record("demo-customer-1", "hosts", now_secs() + 600.0, 1),
            ]),
            "TimestampOutOfBoundsException",
            "in the future",
        ),
        (
            batch(vec![good.clone(), record("", "hosts", past_hour(1.0), 1)]),
            "InvalidCustomerIdentifierException",
            "usageRecords.2.member",
        ),
    ];
    for (body, code, fragment) in cases {
        emu.call("BatchMeterUsage", body)
            .await
            .assert_error(400, code, fragment);
    }
    let mut bad_alloc = record("demo-customer-2", "hosts", past_hour(1.0), 3);
    bad_alloc["UsageAllocations"] = json!([{"AllocatedUsageQuantity": 2}]);
    emu.call("BatchMeterUsage", batch(vec![good.clone(), bad_alloc]))
        .await
        .assert_error(
            400,
            "InvalidUsageAllocationsException",
            "'usageRecords.2.member.usageAllocations'",
        );
    assert!(emu.ledger().await.is_empty());
    // 23 hours back is still inside the window. (Relative to the harness's
    // pinned mid-month NOW: on the 1st after 06:00 UTC it would lie in the
    // closed previous month; time_windows.rs tests that case.)
    emu.call(
        "BatchMeterUsage",
        batch(vec![record(
            "demo-customer-1",
            "hosts",
            now_secs() - 23.0 * 3600.0,
            1,
        )]),
    )
    .await
    .ok();
}

/// At 07:00 UTC on the 1st, last month's records are refused even inside
/// 24 hours; at 05:00 they are still accepted. (time_windows.rs has the
/// minute-by-minute boundaries.)
#[tokio::test]
async fn month_end_grace_period() {
    let month = at("2026-07-01T00:00:00Z") as i64;
    for (hours_into_month, accepted) in [(7, false), (5, true)] {
        let emu_now = month + hours_into_month * 3600;
        let emu = start_with(|o| o.clock_now_ms = Some(emu_now * 1000)).await;
        let signer = Signer::at(emu_now as f64);
        let ts = (month - 2 * 3600) as f64; // 22:00 on the last day of the previous month
        let r = emu
            .call_as(
                "BatchMeterUsage",
                batch(vec![record("demo-customer-1", "users", ts, 1)]),
                &signer,
            )
            .await;
        if accepted {
            assert_eq!(r.ok()["Results"][0]["Status"], "Success");
        } else {
            r.assert_error(
                400,
                "TimestampOutOfBoundsException",
                "previous billing month",
            );
        }
    }
}

#[tokio::test]
async fn duplicates_within_one_batch() {
    let emu = start().await;
    let t = past_hour(1.0);
    let r = emu
        .call(
            "BatchMeterUsage",
            batch(vec![
                record("demo-customer-1", "users", t, 1),
                record("demo-customer-1", "users", t + 5.0, 1),
                record("demo-customer-1", "users", t, 2),
            ]),
        )
        .await;
    let res = r.ok()["Results"].as_array().unwrap().clone();
    assert_eq!(res[0]["MeteringRecordId"], res[1]["MeteringRecordId"]);
    assert_eq!(res[2]["Status"], "DuplicateRecord");
    assert_eq!(emu.ledger().await.len(), 1);
}

#[tokio::test]
async fn empty_batch_is_fine() {
    let emu = start().await;
    let r = emu.call("BatchMeterUsage", batch(vec![])).await;
    assert_eq!(r.ok(), &json!({"Results": [], "UnprocessedRecords": []}));
}
