//! The outbox's bench (issue 10, item 9), run by `scripts/bench-outbox.sh` (release build, not
//! in `make test`): numbers on stderr, one `BENCH name value unit` line each, with the load
//! average at the time (`BENCH load ...`: the machine is shared).
//!
//! - record latency p50/p99 from one thread (each call commits and fsyncs before it returns);
//! - durable records a second from 16 threads, one event a call (group commit: one fsync covers
//!   every caller waiting), and in batches of 100 from 16 threads and from one thread; each
//!   through the C API and through the core's Rust API side by side (bench_paths.rs), runs
//!   alternating (A B B A) so that both see the same load;
//! - resident memory while 1,000,000 events are recorded through the C API;
//! - delivery of 10,000 slots to the emulator at 10 requests a second (25 records each).
//!
//! `MPM_BENCH_ONLY=throughput` runs only the throughput part, `MPM_BENCH_ONLY=latency` only
//! the latency part (`MPM_BENCH_N` calls, default 2000), and `MPM_BENCH_WAY=c_api|core` only
//! one way: to count fsyncs under `strace -f -c`, or instructions per call under callgrind.

use super::bench_paths::{
    mpm_outbox_record_batch, mpm_outbox_seal_now, CEvent, CWay, CoreWay, Way,
};
use super::*;
use std::ffi::CString;

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .map(|v| v.trim().trim_end_matches("kB").trim().parse().unwrap())
        .unwrap()
}

fn bench_line(name: &str, value: f64, unit: &str) {
    eprintln!("BENCH {name} {value:.1} {unit}");
}

fn load() {
    let l = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    eprintln!("BENCH load {}", l.trim());
}

/// Records/s of `threads` threads each recording `per_thread` events, `batch` a call (1: one
/// `record` a call), event ids under `tag`.
fn throughput(way: &dyn Way, tag: &str, threads: usize, per_thread: usize, batch: usize) -> f64 {
    let t = Instant::now();
    std::thread::scope(|s| {
        for th in 0..threads {
            s.spawn(move || {
                for j in 0..per_thread / batch {
                    if batch == 1 {
                        way.record(th, &format!("{tag}-{th}-{j}"));
                    } else {
                        let ids: Vec<String> =
                            (0..batch).map(|n| format!("{tag}-{th}-{j}-{n}")).collect();
                        way.record_batch(th, &ids);
                    }
                }
            });
        }
    });
    (threads * per_thread) as f64 / t.elapsed().as_secs_f64()
}

/// p50 and p99 of one thread's `record` calls, in microseconds.
fn latency(way: &dyn Way, n: usize) -> (f64, f64) {
    let mut lat: Vec<f64> = (0..n)
        .map(|i| {
            let t = Instant::now();
            way.record(0, &format!("lat-{i}"));
            t.elapsed().as_secs_f64() * 1e6
        })
        .collect();
    lat.sort_by(|a, b| a.partial_cmp(b).unwrap());
    (lat[n / 2], lat[n * 99 / 100])
}

/// Both ways, alternating, each workload twice: "BENCH name_way run1 run2" (in the order run).
fn side_by_side(ways: &[&dyn Way]) {
    type Load = (&'static str, usize, usize, usize);
    let loads: [Load; 3] = [
        ("record_16_threads", 16, 1000, 1),
        ("record_batch_100_16_threads", 16, 2000, 100),
        ("record_batch_100_1_thread", 1, 10_000, 100),
    ];
    for (name, threads, per, batch) in loads {
        load();
        let mut runs: Vec<(&str, f64)> = Vec::new();
        // A B B A: neither way always runs first, or right after the other.
        for rep in 0..2 {
            let order: Vec<&&dyn Way> = match rep {
                0 => ways.iter().collect(),
                _ => ways.iter().rev().collect(),
            };
            for w in order {
                let tag = format!("{name}-{rep}");
                runs.push((w.name(), throughput(*w, &tag, threads, per, batch)));
            }
        }
        for w in ways {
            let r: Vec<String> = runs
                .iter()
                .filter(|r| r.0 == w.name())
                .map(|r| format!("{:.0}", r.1))
                .collect();
            eprintln!("BENCH {name}_{} {} records/s", w.name(), r.join(" "));
        }
    }
}

#[test]
#[ignore = "scripts/bench-outbox.sh"]
fn bench_outbox() {
    let dir = tmpdir("bench");
    let (emu, admin) = emulator();
    let clock = Arc::new(SharedClock::create(&dir.join("clock"), T0_MS + 60_000));
    set_time(&clock, &admin, clock.now_ms());
    let now_s = clock.now_ms() / 1000;
    let only = env("MPM_BENCH_ONLY").unwrap_or_default();
    let way_wanted = env("MPM_BENCH_WAY").unwrap_or_default();
    // Nothing is due while recording: the clock stands in the first hour.
    let c = CWay::open(&dir.join("c.db"), &emu.url, &clock);
    let core = CoreWay::open(&dir.join("core.db"), &emu.url, clock.clone());
    let ways: Vec<&dyn Way> = [&c as &dyn Way, &core]
        .into_iter()
        .filter(|w| way_wanted.is_empty() || w.name() == way_wanted)
        .collect();
    for w in &ways {
        w.record(0, "warm-up");
    }

    // 1. Latency from one thread.
    if only.is_empty() || only == "latency" {
        load();
        let n = env_u64("MPM_BENCH_N", 2000) as usize;
        for w in &ways {
            let (p50, p99) = latency(*w, n);
            bench_line(&format!("record_latency_p50_{}", w.name()), p50, "us");
            bench_line(&format!("record_latency_p99_{}", w.name()), p99, "us");
        }
        if only == "latency" {
            drop((c, core));
            let _ = std::fs::remove_dir_all(&dir);
            return;
        }
    }

    // 2. Throughput, both ways side by side.
    side_by_side(&ways);
    drop(core);
    if !only.is_empty() {
        drop(c);
        let _ = std::fs::remove_dir_all(&dir);
        return;
    }

    // 3. Memory over 1,000,000 events through the C API (16 threads, batches of 100, each event
    // with its event_id), sampled every 100,000.
    load();
    let rss0 = rss_kib();
    let mut samples = Vec::new();
    let t = Instant::now();
    for k in 0..10 {
        throughput(&c, &format!("mem-{k}"), 16, 6_300, 100);
        samples.push(rss_kib());
    }
    bench_line(
        "million_events",
        16.0 * 63_000.0 / t.elapsed().as_secs_f64(),
        "records/s",
    );
    eprintln!("BENCH rss_kib_every_100k_events {rss0} -> {samples:?}");
    let grow = *samples.last().unwrap() as f64 - samples[0] as f64;
    bench_line("rss_growth_100k_to_1m", grow / 1024.0, "MiB");
    drop(c);

    // 4. Delivery of 10,000 slots (3,334 customers x 3 dimensions) at the 10 requests a second.
    load();
    let customers: Vec<serde_json::Value> = (0..3334)
        .map(|n| serde_json::json!({"identifier": format!("bc-{n}"), "account_id": format!("3{n:011}"), "subscriptions": ["demo-product"]}))
        .collect();
    admin.admin(
        "POST",
        "/__mpm/config",
        &serde_json::json!({"customers": customers}).to_string(),
    );
    admin.admin("POST", "/__mpm/rate_limit", r#"{"per_second": 10}"#);
    let dir2 = tmpdir("bench-delivery");
    let b = CWay::open(&dir2.join("b.db"), &emu.url, &clock);
    let dims = [cs("users"), cs("hosts"), cs("data_gb")];
    let names: Vec<CString> = (0..3334).map(|n| cs(&format!("bc-{n}"))).collect();
    let q = cs("2");
    let mut evs = Vec::new();
    for (n, c) in names.iter().enumerate() {
        for (d, dim) in dims.iter().enumerate() {
            if n * 3 + d < 10_000 {
                evs.push(CEvent {
                    customer: c.as_ptr(),
                    dimension: dim.as_ptr(),
                    usage_time: now_s,
                    quantity: q.as_ptr(),
                    event_id: std::ptr::null(),
                });
            }
        }
    }
    for chunk in evs.chunks(1000) {
        assert_eq!(
            unsafe { mpm_outbox_record_batch(b.ob, chunk.as_ptr(), chunk.len()) },
            MPM_OK
        );
    }
    let t = Instant::now();
    assert_eq!(
        unsafe { mpm_outbox_seal_now(b.ob, std::ptr::null()) },
        MPM_OK
    );
    assert_eq!(
        unsafe { mpm_outbox_flush(b.ob, 600_000) },
        MPM_OK,
        "{}",
        api::last_message()
    );
    let secs = t.elapsed().as_secs_f64();
    let st = {
        let mut st = mpm_outbox_stats::default();
        unsafe { mpm_outbox_get_stats(b.ob, &mut st) };
        st
    };
    let requests = batch_requests(&admin);
    let throttled = admin.admin("GET", "/__mpm/rate_limit", "")["throttled"]
        .as_u64()
        .unwrap_or(0);
    bench_line("deliver_10000_slots", secs, "s");
    bench_line("deliver_slots_per_s", 10_000.0 / secs, "slots/s");
    eprintln!(
        "BENCH delivery: {} accepted, {requests} requests ({:.1}/s; the floor at 10/s and 25 a request is 40 s), {throttled} throttled by the emulator",
        st.accepted,
        requests as f64 / secs
    );
    assert_eq!(st.accepted, 10_000);
    drop(b);
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&dir2);
}
