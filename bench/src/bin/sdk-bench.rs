//! The same calls with the official AWS SDK for Rust (aws-sdk-marketplacemetering with
//! aws-config's `behavior-version-latest`, its default HTTP client), static credentials, the
//! emulator as `endpoint_url`, region us-east-1, on a tokio multi-thread runtime of 2 workers
//! (mpmeter's default).
//!
//! Sequential (`--concurrency 1`): one call at a time, awaited in `block_on` on this thread.
//! Concurrent: C tasks spawned on the runtime, each taking the next call from a shared
//! counter until N calls were made.

#[path = "../common.rs"]
mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use aws_sdk_marketplacemetering::config::{Credentials, Region};
use aws_sdk_marketplacemetering::primitives::DateTime;
use aws_sdk_marketplacemetering::Client;
use common::*;

async fn one_call(client: &Client, op: Op) {
    match op {
        Op::Resolve => {
            let out = client
                .resolve_customer()
                .registration_token(TOKEN)
                .send()
                .await
                .unwrap_or_else(|e| die(&format!("ResolveCustomer failed: {e:?}")));
            if out.customer_identifier() != Some(EXPECTED_CUSTOMER) {
                die(&format!("unexpected CustomerIdentifier {:?}", out.customer_identifier()));
            }
        }
        Op::Meter => {
            let out = client
                .meter_usage()
                .product_code(PRODUCT)
                .timestamp(DateTime::from_secs(now_unix()))
                .usage_dimension(DIMENSION)
                .usage_quantity(1)
                .send()
                .await
                .unwrap_or_else(|e| die(&format!("MeterUsage failed: {e:?}")));
            if out.metering_record_id().map_or(true, str::is_empty) {
                die("MeterUsage returned no MeteringRecordId");
            }
        }
    }
}

fn run(rt: &tokio::runtime::Runtime, client: &Client, op: Op, calls: usize, concurrency: usize) {
    if concurrency <= 1 {
        rt.block_on(async {
            for _ in 0..calls {
                one_call(client, op).await;
            }
        });
        return;
    }
    let next = Arc::new(AtomicUsize::new(0));
    rt.block_on(async {
        let tasks: Vec<_> = (0..concurrency)
            .map(|_| {
                let client = client.clone();
                let next = next.clone();
                tokio::spawn(async move {
                    while next.fetch_add(1, Ordering::Relaxed) < calls {
                        one_call(&client, op).await;
                    }
                })
            })
            .collect();
        for t in tasks {
            t.await.unwrap_or_else(|e| die(&format!("task failed: {e}")));
        }
    });
}

fn main() {
    let args = parse_args();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let client = rt.block_on(async {
        let conf = aws_config::defaults(aws_config::BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .credentials_provider(Credentials::new(ACCESS_KEY, SECRET_KEY, None, None, "bench"))
            .endpoint_url(&args.endpoint)
            .load()
            .await;
        Client::new(&conf)
    });

    // Warm-up: runtime threads, connection pool, identity cache.
    run(&rt, &client, args.op, args.warmup, args.concurrency);

    let m = Meter::start();
    run(&rt, &client, args.op, args.calls, args.concurrency);
    m.report("sdk", &args);
}
