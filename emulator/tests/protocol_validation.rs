//! Wire-protocol and model-constraint checks: exact codes, statuses and
//! AWS-style validation messages.
mod common;
use common::*;
use serde_json::json;

fn one(path: &str, value: &str, constraint: &str) -> String {
    format!("1 validation error detected: Value {value} at '{path}' failed to satisfy constraint: {constraint}")
}

#[tokio::test]
async fn unknown_or_missing_target() {
    let emu = start().await;
    let r = emu
        .call_raw("DeleteEverything", "{}", &Signer::default())
        .await;
    r.assert_error(
        400,
        "UnknownOperationException",
        "AWSMPMeteringService.DeleteEverything",
    );
    let mut req = api_request(&emu.url(), "MeterUsage", "{}");
    req.headers_mut().remove("x-amz-target");
    sign_request(&mut req, &Signer::default());
    emu.send(req)
        .await
        .unwrap()
        .assert_error(400, "UnknownOperationException", "X-Amz-Target");
}

#[tokio::test]
async fn wrong_or_missing_content_type_is_unknown_operation() {
    let emu = start().await;
    for ct in [Some("application/json"), None] {
        let mut req = api_request(
            &emu.url(),
            "ResolveCustomer",
            r#"{"RegistrationToken":"demo-registration-token"}"#,
        );
        match ct {
            Some(c) => {
                req.headers_mut().insert("content-type", c.parse().unwrap());
            }
            None => {
                req.headers_mut().remove("content-type");
            }
        }
        sign_request(&mut req, &Signer::default());
        emu.send(req).await.unwrap().assert_error(
            400,
            "UnknownOperationException",
            "Content-Type must be application/x-amz-json-1.1",
        );
    }
}

#[tokio::test]
async fn malformed_json_and_wrong_types_are_serialization_errors() {
    let emu = start().await;
    let s = Signer::default();
    emu.call_raw("MeterUsage", "{not json", &s)
        .await
        .assert_error(400, "SerializationException", "Malformed JSON");
    emu.call_raw("MeterUsage", "[1]", &s).await.assert_error(
        400,
        "SerializationException",
        "Expected a JSON object",
    );
    let mut body = meter("users", past_hour(1.0), json!(1));
    body["UsageQuantity"] = json!("5");
    emu.call("MeterUsage", body).await.assert_error(
        400,
        "SerializationException",
        "Expected an integer for 'usageQuantity'",
    );
    let mut body = meter("users", past_hour(1.0), json!(1.5));
    body["UsageQuantity"] = json!(1.5);
    emu.call("MeterUsage", body)
        .await
        .assert_error(400, "SerializationException", "found 1.5");
    let mut body = meter("users", past_hour(1.0), json!(1));
    body["Timestamp"] = json!("2026-01-01T00:00:00Z");
    emu.call("MeterUsage", body).await.assert_error(
        400,
        "SerializationException",
        "Expected epoch seconds",
    );
    let mut body = meter("users", past_hour(1.0), json!(1));
    body["DryRun"] = json!("yes");
    emu.call("MeterUsage", body).await.assert_error(
        400,
        "SerializationException",
        "Expected a boolean",
    );
}

#[tokio::test]
async fn unknown_members_are_serialization_errors() {
    let emu = start().await;
    let mut body = meter("users", past_hour(1.0), json!(1));
    body["Foo"] = json!(1);
    emu.call("MeterUsage", body).await.assert_error(
        400,
        "SerializationException",
        "Unrecognized field 'Foo' in MeterUsageRequest",
    );
    let mut rec = record("demo-customer-1", "users", past_hour(1.0), 1);
    rec["Bar"] = json!(true);
    let r = emu
        .call(
            "BatchMeterUsage",
            json!({"ProductCode": "demo-product", "UsageRecords": [rec]}),
        )
        .await;
    r.assert_error(
        400,
        "SerializationException",
        "Unrecognized field 'Bar' in UsageRecord at 'usageRecords.1.member'",
    );
}

#[tokio::test]
async fn required_members() {
    let emu = start().await;
    let r = emu
        .call(
            "MeterUsage",
            json!({"ProductCode": "demo-product", "Timestamp": past_hour(1.0)}),
        )
        .await;
    r.assert_error(400, "ValidationException", "");
    assert_eq!(
        r.message(),
        one("usageDimension", "null", "Member must not be null")
    );
    let r = emu
        .call("ResolveCustomer", json!({"RegistrationToken": null}))
        .await;
    assert_eq!(
        r.message(),
        one("registrationToken", "null", "Member must not be null")
    );
    let r = emu.call("RegisterUsage", json!({})).await;
    r.assert_error(400, "ValidationException", "2 validation errors detected: ");
    assert!(
        r.message().contains("at 'productCode'") && r.message().contains("at 'publicKeyVersion'")
    );
}

#[tokio::test]
async fn lengths_patterns_and_ranges() {
    let emu = start().await;
    let long = "x".repeat(256);
    let r = emu
        .call("MeterUsage", meter(&long, past_hour(1.0), json!(1)))
        .await;
    r.assert_error(400, "ValidationException", "");
    assert_eq!(
        r.message(),
        one(
            "usageDimension",
            &format!("'{long}'"),
            "Member must have length less than or equal to 255"
        )
    );

    let mut body = meter("users", past_hour(1.0), json!(1));
    body["ProductCode"] = json!("bad code!");
    let r = emu.call("MeterUsage", body).await;
    assert_eq!(
        r.message(),
        one(
            "productCode",
            "'bad code!'",
            "Member must satisfy regular expression pattern: ^[-a-zA-Z0-9/=:_.@]*$"
        )
    );

    let r = emu
        .call("MeterUsage", meter("users", past_hour(1.0), json!(-1)))
        .await;
    assert_eq!(
        r.message(),
        one(
            "usageQuantity",
            "'-1'",
            "Member must have value greater than or equal to 0"
        )
    );
    let r = emu
        .call(
            "MeterUsage",
            meter("users", past_hour(1.0), json!(2147483648u64)),
        )
        .await;
    assert_eq!(
        r.message(),
        one(
            "usageQuantity",
            "'2147483648'",
            "Member must have value less than or equal to 2147483647"
        )
    );

    for bad in ["1.1234567", "01", "-1", "1.", ".5", "1e3"] {
        let r = emu
            .call("MeterUsage", meter("users", past_hour(1.0), json!(bad)))
            .await;
        r.assert_error(400, "ValidationException", "at 'usageQuantityAsDecimal' failed to satisfy constraint: Member must satisfy regular expression pattern: ^(0|[1-9][0-9]{0,9})(\\.[0-9]{1,6})?$");
    }
    let r = emu
        .call(
            "MeterUsage",
            meter("users", past_hour(1.0), json!("12345678901.123456")),
        )
        .await;
    r.assert_error(
        400,
        "ValidationException",
        "Member must have length less than or equal to 17",
    );

    let mut body = meter("users", past_hour(1.0), json!(1));
    body["ClientToken"] = json!("t".repeat(65));
    emu.call("MeterUsage", body).await.assert_error(400, "ValidationException", "at 'clientToken' failed to satisfy constraint: Member must have length less than or equal to 64");

    let r = emu
        .call(
            "RegisterUsage",
            json!({"ProductCode": "demo-product", "PublicKeyVersion": 0}),
        )
        .await;
    assert_eq!(
        r.message(),
        one(
            "publicKeyVersion",
            "'0'",
            "Member must have value greater than or equal to 1"
        )
    );

    let r = emu
        .call("ResolveCustomer", json!({"RegistrationToken": ""}))
        .await;
    assert_eq!(
        r.message(),
        one(
            "registrationToken",
            "''",
            "Member must satisfy regular expression pattern: [\\s\\S]+"
        )
    );

    let mut rec = record("demo-customer-1", "users", past_hour(1.0), 1);
    rec.as_object_mut().unwrap().remove("CustomerIdentifier");
    rec["CustomerAWSAccountId"] = json!("12ab");
    let r = emu
        .call(
            "BatchMeterUsage",
            json!({"ProductCode": "demo-product", "UsageRecords": [rec]}),
        )
        .await;
    assert_eq!(
        r.message(),
        one(
            "usageRecords.1.member.customerAWSAccountId",
            "'12ab'",
            "Member must satisfy regular expression pattern: ^[0-9]+$"
        )
    );

    let mut rec = record("demo-customer-1", "users", past_hour(1.0), 1);
    rec["LicenseArn"] = json!("not-an-arn");
    let r = emu
        .call("BatchMeterUsage", json!({"UsageRecords": [rec]}))
        .await;
    r.assert_error(400, "ValidationException", "at 'usageRecords.1.member.licenseArn' failed to satisfy constraint: Member must satisfy regular expression pattern: ^arn:aws");
}

#[tokio::test]
async fn batch_of_26_records() {
    let emu = start().await;
    let recs: Vec<_> = (0..26)
        .map(|i| record("demo-customer-1", "users", past_hour(i as f64), 1))
        .collect();
    let r = emu
        .call(
            "BatchMeterUsage",
            json!({"ProductCode": "demo-product", "UsageRecords": recs}),
        )
        .await;
    r.assert_error(
        400,
        "ValidationException",
        "1 validation error detected: Value '[",
    );
    assert!(r.message().ends_with("at 'usageRecords' failed to satisfy constraint: Member must have length less than or equal to 25"), "{}", r.message());
    assert!(emu.ledger().await.is_empty());
    let recs: Vec<_> = (0..25)
        .map(|i| record("demo-customer-1", "users", past_hour(i as f64), 1))
        .collect();
    emu.call(
        "BatchMeterUsage",
        json!({"ProductCode": "demo-product", "UsageRecords": recs}),
    )
    .await
    .ok();
}

#[tokio::test]
async fn both_quantity_forms_are_refused() {
    let emu = start().await;
    let mut body = meter("users", past_hour(1.0), json!(1));
    body["UsageQuantityAsDecimal"] = json!("1");
    let r = emu.call("MeterUsage", body).await;
    assert_eq!(
        r.message(),
        one(
            "usageQuantityAsDecimal",
            "'1'",
            "Member must not be specified together with 'usageQuantity'"
        )
    );
    assert_eq!((r.status, r.code()), (400, "ValidationException"));

    let mut rec = record("demo-customer-1", "users", past_hour(1.0), 1);
    rec["QuantityAsDecimal"] = json!("1.5");
    let r = emu.call("BatchMeterUsage", json!({"ProductCode": "demo-product", "UsageRecords": [record("demo-customer-2", "users", past_hour(1.0), 1), rec]})).await;
    assert_eq!(
        r.message(),
        one(
            "usageRecords.2.member.quantityAsDecimal",
            "'1.5'",
            "Member must not be specified together with 'usageRecords.2.member.quantity'"
        )
    );
    assert!(emu.ledger().await.is_empty(), "whole batch refused");

    let mut body = meter("users", past_hour(1.0), json!(2));
    body["UsageAllocations"] =
        json!([{"AllocatedUsageQuantity": 2, "AllocatedUsageQuantityAsDecimal": "2"}]);
    let r = emu.call("MeterUsage", body).await;
    r.assert_error(400, "ValidationException", "at 'usageAllocations.1.member.allocatedUsageQuantityAsDecimal' failed to satisfy constraint: Member must not be specified together with 'usageAllocations.1.member.allocatedUsageQuantity'");
    let mut body = meter("users", past_hour(1.0), json!(2));
    body["UsageAllocations"] = json!([{"Tags": [{"Key": "k", "Value": "v"}]}]);
    emu.call("MeterUsage", body).await.assert_error(
        400,
        "ValidationException",
        "Member must be specified when 'usageAllocations.1.member.allocatedUsageQuantity' is not",
    );
}

#[tokio::test]
async fn customer_identifier_and_account_id_not_both() {
    let emu = start().await;
    let mut rec = record("demo-customer-1", "users", past_hour(1.0), 1);
    rec["CustomerAWSAccountId"] = json!("111122223333");
    let r = emu
        .call(
            "BatchMeterUsage",
            json!({"ProductCode": "demo-product", "UsageRecords": [rec]}),
        )
        .await;
    assert_eq!(
        r.message(),
        one(
            "usageRecords.1.member.customerAWSAccountId",
            "'111122223333'",
            "Member must not be specified together with 'usageRecords.1.member.customerIdentifier'"
        )
    );
    let rec = json!({"Dimension": "users", "Timestamp": past_hour(1.0), "Quantity": 1});
    let r = emu
        .call(
            "BatchMeterUsage",
            json!({"ProductCode": "demo-product", "UsageRecords": [rec]}),
        )
        .await;
    r.assert_error(
        400,
        "ValidationException",
        "Member must be specified when 'usageRecords.1.member.customerIdentifier' is not",
    );
}

#[tokio::test]
async fn tags() {
    let emu = start().await;
    let with_tags = |tags: serde_json::Value| {
        let mut b = meter("users", past_hour(1.0), json!(2));
        b["UsageAllocations"] = json!([{"AllocatedUsageQuantity": 2, "Tags": tags}]);
        b
    };
    let six: Vec<_> = (0..6)
        .map(|i| json!({"Key": format!("k{i}"), "Value": "v"}))
        .collect();
    emu.call("MeterUsage", with_tags(json!(six))).await.assert_error(400, "ValidationException", "at 'usageAllocations.1.member.tags' failed to satisfy constraint: Member must have length less than or equal to 5");
    emu.call("MeterUsage", with_tags(json!([{"Key": "a~b", "Value": "v"}]))).await.assert_error(400, "ValidationException", "Value 'a~b' at 'usageAllocations.1.member.tags.1.member.key' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9+ -=._:\\/@]+$");
    emu.call("MeterUsage", with_tags(json!([{"Key": "k", "Value": ""}]))).await.assert_error(400, "ValidationException", "at 'usageAllocations.1.member.tags.1.member.value' failed to satisfy constraint: Member must have length greater than or equal to 1");
    emu.call(
        "MeterUsage",
        with_tags(json!([{"Key": "aws:cost", "Value": "v"}])),
    )
    .await
    .assert_error(400, "InvalidTagException", "'aws:' prefix is reserved");
    emu.call(
        "MeterUsage",
        with_tags(json!([{"Key": "k", "Value": "a"}, {"Key": "k", "Value": "b"}])),
    )
    .await
    .assert_error(
        400,
        "InvalidTagException",
        "Tag key 'k' appears more than once",
    );
    emu.call(
        "MeterUsage",
        with_tags(json!([{"Key": "team", "Value": "a b/c@d"}])),
    )
    .await
    .ok();
}

#[tokio::test]
async fn fractional_and_integer_timestamps_are_accepted() {
    let emu = start().await;
    emu.call("MeterUsage", meter("users", past_hour(10.25), json!(1)))
        .await
        .ok();
    emu.call(
        "MeterUsage",
        meter("hosts", past_hour(10.0).floor(), json!(1)),
    )
    .await
    .ok();
    let r = emu
        .call_raw(
            "MeterUsage",
            &format!(
                r#"{{"ProductCode":"demo-product","Timestamp":{},"UsageDimension":"data_gb"}}"#,
                past_hour(5.0) as i64
            ),
            &Signer::default(),
        )
        .await;
    r.ok();
}

#[tokio::test]
async fn empty_body_is_an_empty_structure() {
    let emu = start().await;
    let r = emu
        .call_raw("ResolveCustomer", "", &Signer::default())
        .await;
    assert_eq!(
        r.message(),
        one("registrationToken", "null", "Member must not be null")
    );
}
