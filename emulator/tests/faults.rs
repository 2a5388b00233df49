//! Fault injection as an AWS client sees it.
mod common;
use common::*;
use mpm_emulator::faults::Fault;
use serde_json::json;
use std::time::Instant;

fn resolve() -> serde_json::Value {
    json!({"RegistrationToken": "demo-registration-token"})
}

#[tokio::test]
async fn throttle_count_per_operation() {
    let emu = start().await;
    emu.admin(
        "POST",
        "/__mpm/faults",
        Some(json!({"mode": "throttle", "count": 2, "operation": "MeterUsage"})),
    )
    .await;
    emu.call("ResolveCustomer", resolve()).await.ok();
    for _ in 0..2 {
        emu.call("MeterUsage", meter("users", past_hour(1.0), json!(1)))
            .await
            .assert_error(400, "ThrottlingException", "Rate exceeded");
    }
    emu.call("MeterUsage", meter("users", past_hour(1.0), json!(1)))
        .await
        .ok();
    let counts = emu.admin("GET", "/__mpm/requests", None).await;
    assert_eq!(counts["total"], 4);
    assert_eq!(counts["operations"]["MeterUsage"]["total"], 3);
    assert_eq!(
        counts["operations"]["MeterUsage"]["outcomes"],
        json!({"ThrottlingException": 2, "Success": 1})
    );
    assert_eq!(
        counts["operations"]["ResolveCustomer"]["outcomes"],
        json!({"Success": 1})
    );
    assert_eq!(emu.admin("GET", "/__mpm/faults", None).await, json!([]));
}

#[tokio::test]
async fn internal_error_by_fraction() {
    let emu = start().await;
    emu.admin(
        "POST",
        "/__mpm/faults",
        Some(json!({"mode": "internal", "fraction": 1.0, "count": 3})),
    )
    .await;
    for _ in 0..3 {
        emu.call("ResolveCustomer", resolve()).await.assert_error(
            500,
            "InternalServiceErrorException",
            "An internal error has occurred",
        );
    }
    emu.call("ResolveCustomer", resolve()).await.ok();
    emu.admin(
        "POST",
        "/__mpm/faults",
        Some(json!({"mode": "internal", "fraction": 0.0})),
    )
    .await;
    for _ in 0..5 {
        emu.call("ResolveCustomer", resolve()).await.ok();
    }
    assert_eq!(emu.admin("DELETE", "/__mpm/faults", None).await, json!([]));
    assert_eq!(emu.admin("GET", "/__mpm/faults", None).await, json!([]));
}

#[tokio::test]
async fn html_answers() {
    let emu = start().await;
    emu.admin(
        "POST",
        "/__mpm/faults",
        Some(json!([{"mode": "http503"}, {"mode": "html500"}])),
    )
    .await;
    let r = emu.call("ResolveCustomer", resolve()).await;
    assert_eq!(r.status, 503);
    assert_eq!(r.headers["content-type"], "text/html");
    assert!(r.text.contains("<html>") && r.text.contains("503 Service Unavailable"));
    let r = emu.call("ResolveCustomer", resolve()).await;
    assert_eq!(r.status, 500);
    assert!(r.body.is_null(), "not JSON: {}", r.text);
    assert!(r.text.contains("500 Internal Server Error"));
    emu.call("ResolveCustomer", resolve()).await.ok();
}

#[tokio::test]
async fn drop_closes_the_connection() {
    let emu = start().await;
    emu.admin(
        "POST",
        "/__mpm/faults",
        Some(json!({"mode": "drop", "count": 1})),
    )
    .await;
    let mut req = api_request(&emu.url(), "ResolveCustomer", &resolve().to_string());
    sign_request(&mut req, &Signer::default());
    let err = emu.send(req).await.expect_err("no answer");
    assert!(
        err.is_request() || err.is_connect() || err.to_string().contains("connection"),
        "{err:?}"
    );
    emu.call("ResolveCustomer", resolve()).await.ok();
    let counts = emu.admin("GET", "/__mpm/requests", None).await;
    assert_eq!(
        counts["operations"]["ResolveCustomer"]["outcomes"]["drop"],
        1
    );
}

#[tokio::test]
async fn delay_then_normal_answer() {
    let emu = start().await;
    emu.admin(
        "POST",
        "/__mpm/faults",
        Some(json!({"mode": "delay", "count": 1, "delay_ms": 300})),
    )
    .await;
    let t = Instant::now();
    emu.call("ResolveCustomer", resolve()).await.ok();
    assert!(t.elapsed().as_millis() >= 300);
    let t = Instant::now();
    emu.call("ResolveCustomer", resolve()).await.ok();
    assert!(t.elapsed().as_millis() < 300);
}

#[tokio::test]
async fn retry_after_header() {
    let emu = start().await;
    emu.admin(
        "POST",
        "/__mpm/faults",
        Some(json!({"mode": "retry_after", "retry_after_ms": 1500})),
    )
    .await;
    let r = emu.call("ResolveCustomer", resolve()).await;
    r.assert_error(400, "ThrottlingException", "Rate exceeded");
    assert_eq!(r.headers["x-amz-retry-after"], "1500");
}

#[tokio::test]
async fn unprocessed_records() {
    let emu = start().await;
    emu.admin(
        "POST",
        "/__mpm/faults",
        Some(json!({"mode": "unprocessed"})),
    )
    .await;
    // MeterUsage is not affected by an unprocessed fault.
    emu.call("MeterUsage", meter("users", past_hour(1.0), json!(1)))
        .await
        .ok();
    let recs: Vec<_> = (1..=5)
        .map(|i| {
            record(
                "demo-customer-1",
                "users",
                past_hour(1.0) - 3600.0 * i as f64,
                i,
            )
        })
        .collect();
    let r = emu
        .call(
            "BatchMeterUsage",
            json!({"ProductCode": "demo-product", "UsageRecords": recs}),
        )
        .await;
    let body = r.ok();
    assert_eq!(body["Results"].as_array().unwrap().len(), 2);
    assert_eq!(body["UnprocessedRecords"], json!(recs[2..]));
    assert_eq!(emu.ledger().await.len(), 3);
    emu.admin(
        "POST",
        "/__mpm/faults",
        Some(json!({"mode": "unprocessed", "unprocessed_count": 1})),
    )
    .await;
    let r = emu
        .call(
            "BatchMeterUsage",
            json!({"ProductCode": "demo-product", "UsageRecords": recs[2..]}),
        )
        .await;
    assert_eq!(r.ok()["UnprocessedRecords"], json!([recs[4]]));
    // Retrying the unprocessed record records it.
    let r = emu
        .call(
            "BatchMeterUsage",
            json!({"ProductCode": "demo-product", "UsageRecords": [recs[4]]}),
        )
        .await;
    assert_eq!(r.ok()["Results"][0]["Status"], "Success");
    assert_eq!(emu.ledger().await.len(), 6);
}

#[tokio::test]
async fn skew_fault_shifts_the_clock() {
    let emu = start().await;
    emu.admin(
        "POST",
        "/__mpm/faults",
        Some(json!({"mode": "skew", "offset_seconds": -900})),
    )
    .await;
    assert_eq!(
        emu.admin("GET", "/__mpm/clock", None).await["offset_seconds"],
        -900
    );
    emu.call("ResolveCustomer", resolve()).await.assert_error(
        403,
        "InvalidSignatureException",
        "Signature not yet current",
    );
    emu.admin("POST", "/__mpm/clock", Some(json!({"offset_seconds": 0})))
        .await;
    emu.call("ResolveCustomer", resolve()).await.ok();
}

#[tokio::test]
async fn faults_from_start_up_options() {
    let emu = start_with(|o| {
        o.faults = vec![
            Fault::parse_cli("throttle:1").unwrap(),
            Fault::parse_cli("internal:count=1,operation=ResolveCustomer").unwrap(),
        ]
    })
    .await;
    emu.call("ResolveCustomer", resolve()).await.assert_error(
        400,
        "ThrottlingException",
        "Rate exceeded",
    );
    emu.call("ResolveCustomer", resolve()).await.assert_error(
        500,
        "InternalServiceErrorException",
        "internal error",
    );
    emu.call("ResolveCustomer", resolve()).await.ok();
}

#[tokio::test]
async fn bad_fault_is_rejected_by_admin() {
    let emu = start().await;
    let resp = emu
        .http
        .post(format!("http://{}/__mpm/faults", emu.addr))
        .body(r#"{"mode":"explode"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    let resp = emu
        .http
        .post(format!("http://{}/__mpm/faults", emu.addr))
        .body(r#"{"mode":"throttle","fraction":1.5}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
}
