//! What the HTTP bench's Rust clients (the raw-HTTP floor, the AWS SDK) and the mock share:
//! the fixed requests and canned answers, arguments, and the measurement (getrusage of the
//! whole process, latency percentiles, allocations counted by a wrapping global allocator).
//! The C client (bench/c/mpm-http-bench.c) prints the same result line.
#![allow(dead_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

pub const ACCESS_KEY: &str = "AKIAIOSFODNN7EXAMPLE";
pub const SECRET_KEY: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
pub const PRODUCT: &str = "bench-product";
pub const DIMENSION: &str = "users";
pub const BATCH: usize = 25;
pub const REQUEST_ID: &str = "9a1c7f3e-5b2d-4e8f-a6b0-c4d2e1f0a9b8";
pub const METER_TARGET: &str = "AWSMPMeteringService.MeterUsage";
pub const BATCH_TARGET: &str = "AWSMPMeteringService.BatchMeterUsage";

/// Counts allocations (alloc and alloc_zeroed, not realloc) of the whole process, as the C
/// client counts malloc/calloc/posix_memalign.
pub struct Counting;
pub static ALLOCS: AtomicU64 = AtomicU64::new(0);
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        System.alloc(l)
    }
    unsafe fn alloc_zeroed(&self, l: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        System.alloc_zeroed(l)
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        System.dealloc(p, l)
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, n: usize) -> *mut u8 {
        System.realloc(p, l, n)
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Op {
    /// MeterUsage of 1 `users`.
    Meter,
    /// BatchMeterUsage of 25 records (customers customer-0 .. customer-24).
    Batch,
}

impl Op {
    pub fn name(self) -> &'static str {
        match self {
            Op::Meter => "meter",
            Op::Batch => "batch",
        }
    }
    pub fn target(self) -> &'static str {
        match self {
            Op::Meter => METER_TARGET,
            Op::Batch => BATCH_TARGET,
        }
    }
}

/// The MeterUsage body the floor posts (what mpmeter sends, byte for byte in meaning).
pub fn meter_body(ts: i64) -> String {
    format!(
        r#"{{"ProductCode":"{PRODUCT}","Timestamp":{ts},"UsageDimension":"{DIMENSION}","UsageQuantity":1,"DryRun":false}}"#
    )
}

fn record(ts: i64, i: usize) -> String {
    format!(
        r#"{{"Timestamp":{ts},"CustomerIdentifier":"customer-{i}","Dimension":"{DIMENSION}","Quantity":1}}"#
    )
}

pub fn batch_body(ts: i64) -> String {
    let recs: Vec<String> = (0..BATCH).map(|i| record(ts, i)).collect();
    format!(r#"{{"UsageRecords":[{}],"ProductCode":"{PRODUCT}"}}"#, recs.join(","))
}

/// The canned answers of the mock. The batch one echoes the 25 records every client sends
/// (mpmeter reconciles an answer with what it sent), at the timestamp the script chose.
pub fn meter_answer() -> String {
    r#"{"MeteringRecordId":"6a1f2c3d-0000-4000-8000-000000000001"}"#.to_string()
}

pub fn batch_answer(ts: i64) -> String {
    let results: Vec<String> = (0..BATCH)
        .map(|i| {
            format!(
                r#"{{"UsageRecord":{},"MeteringRecordId":"6a1f2c3d-0000-4000-8000-{i:012}","Status":"Success"}}"#,
                record(ts, i)
            )
        })
        .collect();
    format!(r#"{{"Results":[{}],"UnprocessedRecords":[]}}"#, results.join(","))
}

pub struct Args {
    pub endpoint: String,
    pub op: Op,
    pub calls: usize,
    pub concurrency: usize,
    pub warmup: usize,
    pub timestamp: i64,
}

const USAGE: &str = "usage: BIN --endpoint URL [--op meter|batch] [--calls N] \
[--concurrency K] [--warmup W] [--timestamp UNIX]\n\
Runs W warm-up calls, then N measured calls (K in flight), and prints one line:\n\
RESULT impl=.. op=.. mode=.. calls=N concurrency=K cpu_us_per_call=.. calls_per_s=.. \
p50_us=.. p99_us=.. allocs_per_call=.. max_rss_kb=..";

pub fn die(msg: &str) -> ! {
    eprintln!("bench: {msg}");
    std::process::exit(1)
}

pub fn parse_args() -> Args {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let mut args = Args {
        endpoint: String::new(),
        op: Op::Meter,
        calls: 5000,
        concurrency: 1,
        warmup: 200,
        timestamp: now - now % 3600,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut val = || it.next().unwrap_or_else(|| die(&format!("{a} needs a value\n{USAGE}")));
        let num = |s: String| s.parse::<i64>().unwrap_or_else(|_| die(&format!("not a number: {s}")));
        match a.as_str() {
            "--endpoint" => args.endpoint = val(),
            "--op" => {
                args.op = match val().as_str() {
                    "meter" => Op::Meter,
                    "batch" => Op::Batch,
                    o => die(&format!("unknown op {o}\n{USAGE}")),
                }
            }
            "--calls" => args.calls = num(val()) as usize,
            "--concurrency" => args.concurrency = (num(val()) as usize).max(1),
            "--warmup" => args.warmup = num(val()) as usize,
            "--timestamp" => args.timestamp = num(val()),
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0)
            }
            _ => die(&format!("unknown argument {a}\n{USAGE}")),
        }
    }
    if args.endpoint.is_empty() {
        die(&format!("--endpoint is required\n{USAGE}"));
    }
    args
}

/// `host:port` of an http:// endpoint.
pub fn host_port(endpoint: &str) -> String {
    let rest = endpoint
        .strip_prefix("http://")
        .unwrap_or_else(|| die("the endpoint must be http://host:port"));
    rest.trim_end_matches('/').to_string()
}

fn rusage() -> (Duration, i64) {
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut ru) };
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    (tv(ru.ru_utime) + tv(ru.ru_stime), ru.ru_maxrss)
}

pub struct Meter {
    cpu: Duration,
    wall: Instant,
    allocs: u64,
}

impl Meter {
    pub fn start() -> Self {
        Self {
            cpu: rusage().0,
            wall: Instant::now(),
            allocs: ALLOCS.load(Ordering::Relaxed),
        }
    }

    /// Prints the result line; `lat` holds each measured call's latency.
    pub fn report(self, imp: &str, args: &Args, mut lat: Vec<Duration>) {
        let wall = self.wall.elapsed();
        let (cpu, rss) = rusage();
        let allocs = ALLOCS.load(Ordering::Relaxed) - self.allocs;
        let cpu = cpu - self.cpu;
        let n = args.calls.max(1) as f64;
        lat.sort();
        let pct = |p: f64| {
            if lat.is_empty() {
                0.0
            } else {
                let i = ((lat.len() as f64 * p).ceil() as usize).clamp(1, lat.len()) - 1;
                lat[i].as_secs_f64() * 1e6
            }
        };
        let mode = if args.concurrency > 1 { "inflight" } else { "seq" };
        println!(
            "RESULT impl={imp} op={} mode={mode} calls={} concurrency={} cpu_us_per_call={:.2} \
             calls_per_s={:.0} p50_us={:.1} p99_us={:.1} allocs_per_call={:.1} max_rss_kb={rss}",
            args.op.name(),
            args.calls,
            args.concurrency,
            cpu.as_secs_f64() * 1e6 / n,
            n / wall.as_secs_f64(),
            pct(0.50),
            pct(0.99),
            allocs as f64 / n,
        );
    }
}
