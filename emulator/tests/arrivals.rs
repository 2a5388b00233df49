//! `GET /__mpm/arrivals`: every API request's arrival on the real clock (and the emulator's),
//! and the busiest window, so a test can check the rate a client really sends, throttled
//! requests included.
mod common;
use common::*;
use serde_json::{json, Value};

async fn resolve(emu: &Emu) -> Reply {
    emu.call(
        "ResolveCustomer",
        json!({"RegistrationToken": "demo-registration-token"}),
    )
    .await
}

fn arrivals(v: &Value) -> &Vec<Value> {
    v["arrivals"].as_array().expect("arrivals array")
}

#[tokio::test]
async fn every_api_request_is_stamped_in_order_and_admin_calls_are_not() {
    let emu = start().await;
    for _ in 0..3 {
        resolve(&emu).await.ok();
    }
    emu.admin("GET", "/__mpm/ledger", None).await;
    // Two hours later on the emulator's clock (pinned there, and signed at that instant).
    emu.call_at(
        (NOW + 7200) as f64,
        "ResolveCustomer",
        json!({"RegistrationToken": "demo-registration-token"}),
    )
    .await
    .ok();
    let v = emu.admin("GET", "/__mpm/arrivals", None).await;
    let a = arrivals(&v);
    assert_eq!(a.len(), 4, "{v}");
    assert!(a
        .iter()
        .all(|x| x["operation"] == "ResolveCustomer" && x["outcome"] == "Success"));
    // One after the other (each sent after the previous answer), on the real clock: two
    // hours of the emulator's clock did not move it.
    let at: Vec<u64> = a.iter().map(|x| x["at_ms"].as_u64().unwrap()).collect();
    assert!(at.windows(2).all(|w| w[0] <= w[1]), "{at:?}");
    assert!(at[3] - at[0] < 60_000, "{at:?}");
    assert!(v["now_ms"].as_u64().unwrap() >= at[3]);
    // The emulator's clock, pinned at NOW and then moved.
    assert_eq!(a[0]["clock_ms"], json!(NOW * 1000));
    assert_eq!(a[3]["clock_ms"], json!((NOW + 7200) * 1000));
    assert_eq!(v["window_ms"], 1000);
    assert_eq!(v["dropped"], 0);
}

#[tokio::test]
async fn throttled_requests_count_as_arrivals_in_the_busiest_window() {
    let emu = start().await;
    emu.admin("POST", "/__mpm/rate_limit", Some(json!({"per_second": 10})))
        .await;
    let mut throttled = 0;
    for _ in 0..25 {
        if resolve(&emu).await.status != 200 {
            throttled += 1;
        }
    }
    // A window wider than the whole burst holds all 25, those the limit refused too: the
    // rate measured is what the client sent, not what the service let through.
    let v = emu
        .admin("GET", "/__mpm/arrivals?window_ms=3600000", None)
        .await;
    assert_eq!(v["busiest"], 25, "{v}");
    assert_eq!(v["window_ms"], 3_600_000);
    let refused = arrivals(&v)
        .iter()
        .filter(|x| x["outcome"] == "ThrottlingException")
        .count();
    assert_eq!(refused, throttled);
    let one_second = emu.admin("GET", "/__mpm/arrivals", None).await;
    let busiest = one_second["busiest"].as_u64().unwrap();
    assert!((1..=25).contains(&busiest), "{one_second}");
    let start = one_second["busiest_start_ms"].as_u64().unwrap();
    let in_window = arrivals(&one_second)
        .iter()
        .filter(|x| (start..start + 1000).contains(&x["at_ms"].as_u64().unwrap()))
        .count() as u64;
    assert_eq!(in_window, busiest, "the window it names holds that many");
}

#[tokio::test]
async fn delete_and_reset_forget_arrivals_and_a_bad_window_is_refused() {
    let emu = start().await;
    resolve(&emu).await.ok();
    emu.admin("DELETE", "/__mpm/arrivals", None).await;
    assert!(arrivals(&emu.admin("GET", "/__mpm/arrivals", None).await).is_empty());
    resolve(&emu).await.ok();
    emu.admin("POST", "/__mpm/reset", None).await;
    let v = emu.admin("GET", "/__mpm/arrivals", None).await;
    assert!(arrivals(&v).is_empty());
    assert_eq!(v["busiest"], 0);
    for bad in ["window_ms=0", "window_ms=x", "other=1"] {
        let url = format!("http://{}/__mpm/arrivals?{bad}", emu.addr);
        let r = emu.http.get(url).send().await.unwrap();
        assert_eq!(r.status(), 400, "{bad}");
        let body: Value = serde_json::from_str(&r.text().await.unwrap()).unwrap();
        assert!(
            body["error"].as_str().unwrap().contains("window_ms"),
            "{body}"
        );
    }
}
