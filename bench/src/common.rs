//! What both benchmarks share: arguments, CPU/wall/RSS measurement and the result line.
//!
//! CPU time is `getrusage(RUSAGE_SELF)` user + system of this process (every thread of
//! it: the caller's and the client's runtime workers), so the emulator, a separate
//! process, is not counted, and neither is whatever else the machine runs.

use std::time::{Duration, Instant};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Op {
    /// ResolveCustomer with `demo-registration-token`: stateless in the emulator.
    Resolve,
    /// MeterUsage of 1 `users` of `demo-product` for the current hour. The emulator keys a
    /// record by (access key, product, dimension, hour): the same quantity again is a success
    /// that returns the same MeteringRecordId, so repeated calls never fail.
    Meter,
}

impl Op {
    pub fn name(self) -> &'static str {
        match self {
            Op::Resolve => "resolve",
            Op::Meter => "meter",
        }
    }
}

pub struct Args {
    pub endpoint: String,
    pub op: Op,
    pub calls: usize,
    pub concurrency: usize,
    pub warmup: usize,
}

pub const ACCESS_KEY: &str = "AKIAIOSFODNN7EXAMPLE";
pub const SECRET_KEY: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
pub const PRODUCT: &str = "demo-product";
pub const DIMENSION: &str = "users";
pub const TOKEN: &str = "demo-registration-token";
pub const EXPECTED_CUSTOMER: &str = "demo-customer-1";

const USAGE: &str = "usage: BIN --endpoint URL [--op resolve|meter] [--calls N] \
[--concurrency C] [--warmup W]\n\
Runs W warm-up calls, then N measured calls (C at a time when C > 1), and prints one line:\n\
RESULT impl=.. op=.. calls=N concurrency=C cpu_us_per_call=.. user_us_per_call=.. \
sys_us_per_call=.. wall_us_per_call=.. max_rss_kb=..";

pub fn parse_args() -> Args {
    let mut args = Args {
        endpoint: String::new(),
        op: Op::Resolve,
        calls: 5000,
        concurrency: 1,
        warmup: 200,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut val = || it.next().unwrap_or_else(|| die(&format!("{a} needs a value\n{USAGE}")));
        match a.as_str() {
            "--endpoint" => args.endpoint = val(),
            "--op" => {
                args.op = match val().as_str() {
                    "resolve" => Op::Resolve,
                    "meter" => Op::Meter,
                    o => die(&format!("unknown op {o}\n{USAGE}")),
                }
            }
            "--calls" => args.calls = num(&val()),
            "--concurrency" => args.concurrency = num(&val()).max(1),
            "--warmup" => args.warmup = num(&val()),
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

fn num(s: &str) -> usize {
    s.parse().unwrap_or_else(|_| die(&format!("not a number: {s}")))
}

/// Aborts the benchmark: a failed call must never be timed.
pub fn die(msg: &str) -> ! {
    eprintln!("bench: {msg}");
    std::process::exit(1)
}

pub fn now_unix() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn rusage() -> libc::rusage {
    unsafe {
        let mut ru: libc::rusage = std::mem::zeroed();
        if libc::getrusage(libc::RUSAGE_SELF, &mut ru) != 0 {
            die("getrusage failed");
        }
        ru
    }
}

fn tv(t: libc::timeval) -> Duration {
    Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
}

pub struct Meter {
    start_wall: Instant,
    start_user: Duration,
    start_sys: Duration,
}

impl Meter {
    pub fn start() -> Meter {
        let ru = rusage();
        Meter {
            start_wall: Instant::now(),
            start_user: tv(ru.ru_utime),
            start_sys: tv(ru.ru_stime),
        }
    }

    /// Prints the result line for `args.calls` calls since `start`.
    pub fn report(self, implementation: &str, args: &Args) {
        let wall = self.start_wall.elapsed();
        let ru = rusage();
        let user = tv(ru.ru_utime) - self.start_user;
        let sys = tv(ru.ru_stime) - self.start_sys;
        let n = args.calls.max(1) as f64;
        let per = |d: Duration| d.as_secs_f64() * 1e6 / n;
        println!(
            "RESULT impl={} op={} calls={} concurrency={} cpu_us_per_call={:.1} \
             user_us_per_call={:.1} sys_us_per_call={:.1} wall_us_per_call={:.1} max_rss_kb={}",
            implementation,
            args.op.name(),
            args.calls,
            args.concurrency,
            per(user + sys),
            per(user),
            per(sys),
            per(wall),
            ru.ru_maxrss
        );
    }
}
