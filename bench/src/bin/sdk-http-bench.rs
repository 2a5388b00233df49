//! The AWS SDK for Rust at its best for the HTTP bench: aws-sdk-marketplacemetering with its
//! default features and aws-config's defaults (behavior-version-latest), one client, static
//! test credentials, the mock as `endpoint_url`, on a tokio current_thread runtime (no thread
//! hand-offs). K in flight: K tasks on that runtime sharing the client.

#[path = "../http_common.rs"]
mod common;

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::{Duration, Instant};

use aws_sdk_marketplacemetering::config::{Credentials, Region};
use aws_sdk_marketplacemetering::primitives::DateTime;
use aws_sdk_marketplacemetering::types::UsageRecord;
use aws_sdk_marketplacemetering::Client;
use common::*;

#[global_allocator]
static A: Counting = Counting;

async fn one_call(client: &Client, op: Op, ts: i64) {
    match op {
        Op::Meter => {
            let out = client
                .meter_usage()
                .product_code(PRODUCT)
                .timestamp(DateTime::from_secs(ts))
                .usage_dimension(DIMENSION)
                .usage_quantity(1)
                .send()
                .await
                .unwrap_or_else(|e| die(&format!("MeterUsage failed: {e:?}")));
            if out.metering_record_id().map_or(true, str::is_empty) {
                die("MeterUsage returned no MeteringRecordId");
            }
        }
        Op::Batch => {
            let mut b = client.batch_meter_usage().product_code(PRODUCT);
            for i in 0..BATCH {
                b = b.usage_records(
                    UsageRecord::builder()
                        .timestamp(DateTime::from_secs(ts))
                        .customer_identifier(format!("customer-{i}"))
                        .dimension(DIMENSION)
                        .quantity(1)
                        .build()
                        .unwrap(),
                );
            }
            let out = b
                .send()
                .await
                .unwrap_or_else(|e| die(&format!("BatchMeterUsage failed: {e:?}")));
            if out.results().len() != BATCH {
                die("BatchMeterUsage returned the wrong number of results");
            }
        }
    }
}

async fn run(client: &Client, args: &Args, calls: usize, lat: Rc<RefCell<Vec<Duration>>>) {
    let next = Rc::new(Cell::new(0usize));
    let tasks: Vec<_> = (0..args.concurrency)
        .map(|_| {
            let client = client.clone();
            let next = next.clone();
            let lat = lat.clone();
            let (op, ts) = (args.op, args.timestamp);
            tokio::task::spawn_local(async move {
                while next.get() < calls {
                    next.set(next.get() + 1);
                    let t0 = Instant::now();
                    one_call(&client, op, ts).await;
                    lat.borrow_mut().push(t0.elapsed());
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap_or_else(|e| die(&format!("task failed: {e}")));
    }
}

fn main() {
    let args = parse_args();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let local = tokio::task::LocalSet::new();
    local.block_on(&rt, async {
        let conf = aws_config::defaults(aws_config::BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .credentials_provider(Credentials::new(ACCESS_KEY, SECRET_KEY, None, None, "bench"))
            .endpoint_url(&args.endpoint)
            .load()
            .await;
        let client = Client::new(&conf);
        run(&client, &args, args.warmup, Rc::new(RefCell::new(Vec::new()))).await;
        let lat = Rc::new(RefCell::new(Vec::with_capacity(args.calls)));
        let m = Meter::start();
        run(&client, &args, args.calls, lat.clone()).await;
        let lat = std::mem::take(&mut *lat.borrow_mut());
        m.report("sdk", &args, lat);
    });
}
