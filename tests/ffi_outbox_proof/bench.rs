//! The outbox's bench (issue 10, item 9), run by `scripts/bench-outbox.sh` (release build, not
//! in `make test`): numbers on stderr, one `BENCH name value unit` line each.
//!
//! - record latency p50/p99 from one thread (each call commits and fsyncs before it returns);
//! - durable records a second from 16 threads through `mpm_outbox_record` (group commit: one
//!   fsync covers every caller waiting) and through `mpm_outbox_record_batch` in batches of 100;
//! - delivery of 10,000 slots to the emulator at 10 requests a second (25 records each);
//! - resident memory while 1,000,000 events are recorded.

use super::*;

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

struct Bench {
    ob: *mut mpm_outbox,
    _clock: Arc<SharedClock>,
    client: *mut std::ffi::c_void,
}

unsafe impl Send for Bench {}
unsafe impl Sync for Bench {}

impl Bench {
    fn open(dir: &Path, url: &str, clock: Arc<SharedClock>) -> Bench {
        let client = api::client_for(&url);
        let ob = api::open_outbox(client, &dir.join("b.db"), &clock, |_| {});
        assert!(!ob.is_null(), "{}", api::last_message());
        Bench {
            ob,
            _clock: clock,
            client,
        }
    }
}

impl Drop for Bench {
    fn drop(&mut self) {
        unsafe {
            mpm_outbox_close(self.ob, 1000);
            mpm_outbox_free(self.ob);
            api::mpm_client_free(self.client);
        }
    }
}

#[repr(C)]
struct Event {
    customer: *const std::ffi::c_char,
    dimension: *const std::ffi::c_char,
    usage_time: i64,
    quantity: *const std::ffi::c_char,
    event_id: *const std::ffi::c_char,
}

extern "C" {
    fn mpm_outbox_record_batch(
        outbox: *mut mpm_outbox,
        events: *const Event,
        count: usize,
    ) -> std::ffi::c_int;
    fn mpm_outbox_seal_now(
        outbox: *mut mpm_outbox,
        customer: *const std::ffi::c_char,
    ) -> std::ffi::c_int;
}

fn record_batch(ob: *mut mpm_outbox, base: u64, n: u64, now_s: i64, prefix: &str) {
    let ids: Vec<CString> = (base..base + n)
        .map(|i| cs(&format!("{prefix}-{i}")))
        .collect();
    let cust = [cs("cust-a"), cs("cust-b"), cs("cust-c"), cs("cust-d")];
    let dim = cs("users");
    let q = cs("1");
    let evs: Vec<Event> = ids
        .iter()
        .enumerate()
        .map(|(k, id)| Event {
            customer: cust[k % 4].as_ptr(),
            dimension: dim.as_ptr(),
            usage_time: now_s,
            quantity: q.as_ptr(),
            event_id: id.as_ptr(),
        })
        .collect();
    let rc = unsafe { mpm_outbox_record_batch(ob, evs.as_ptr(), evs.len()) };
    assert_eq!(rc, MPM_OK, "{}", api::last_message());
}

#[test]
#[ignore = "scripts/bench-outbox.sh"]
fn bench_outbox() {
    let dir = tmpdir("bench");
    let (emu, admin) = emulator();
    let clock = Arc::new(SharedClock::create(&dir.join("clock"), T0_MS + 60_000));
    set_time(&clock, &admin, clock.now_ms());
    let now_s = clock.now_ms() / 1000;
    // Nothing is due while recording: the clock stands in the first hour.
    let b = Bench::open(&dir, &emu.url, clock.clone());

    // 1. Latency from one thread.
    let mut lat = Vec::new();
    for i in 0..2000 {
        let id = cs(&format!("lat-{i}"));
        let t = Instant::now();
        let rc = unsafe {
            mpm_outbox_record(
                b.ob,
                cs("cust-a").as_ptr(),
                cs("users").as_ptr(),
                now_s,
                cs("1").as_ptr(),
                id.as_ptr(),
            )
        };
        lat.push(t.elapsed().as_secs_f64() * 1e6);
        assert_eq!(rc, MPM_OK);
    }
    lat.sort_by(|a, b| a.partial_cmp(b).unwrap());
    bench_line("record_latency_p50", lat[lat.len() / 2], "us");
    bench_line("record_latency_p99", lat[lat.len() * 99 / 100], "us");
    bench_line(
        "record_one_thread",
        1e6 / (lat.iter().sum::<f64>() / lat.len() as f64),
        "records/s",
    );

    // 2. 16 threads, one record a call.
    let per = 1000u64;
    let t = Instant::now();
    std::thread::scope(|s| {
        for th in 0..16u64 {
            let b = &b;
            s.spawn(move || {
                let cust = cs(CUSTOMERS[(th % 4) as usize]);
                for i in 0..per {
                    let id = cs(&format!("mt-{th}-{i}"));
                    let rc = unsafe {
                        mpm_outbox_record(
                            b.ob,
                            cust.as_ptr(),
                            cs("hosts").as_ptr(),
                            now_s,
                            cs("1").as_ptr(),
                            id.as_ptr(),
                        )
                    };
                    assert_eq!(rc, MPM_OK);
                }
            });
        }
    });
    bench_line(
        "record_16_threads",
        (16 * per) as f64 / t.elapsed().as_secs_f64(),
        "records/s",
    );

    // 3. Batches of 100 from one thread.
    let t = Instant::now();
    for k in 0..200u64 {
        record_batch(b.ob, k * 100, 100, now_s, "batch");
    }
    bench_line(
        "record_batch_100",
        20_000.0 / t.elapsed().as_secs_f64(),
        "records/s",
    );

    // 4. Memory over 1,000,000 events (batches of 100, each with its event_id).
    let rss0 = rss_kib();
    let mut samples = Vec::new();
    let t = Instant::now();
    for k in 0..10_000u64 {
        record_batch(b.ob, k * 100, 100, now_s, "mem");
        if (k + 1) % 1000 == 0 {
            samples.push(rss_kib());
        }
    }
    bench_line(
        "million_events",
        1e6 / t.elapsed().as_secs_f64(),
        "records/s",
    );
    eprintln!("BENCH rss_kib_every_100k_events {rss0} -> {samples:?}");
    let grow = *samples.last().unwrap() as f64 - samples[0] as f64;
    bench_line("rss_growth_100k_to_1m", grow / 1024.0, "MiB");
    drop(b);

    // 5. Delivery of 10,000 slots (3,334 customers x 3 dimensions) at the 10 requests a second.
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
    let b = Bench::open(&dir2, &emu.url, clock.clone());
    let dims = [cs("users"), cs("hosts"), cs("data_gb")];
    let names: Vec<CString> = (0..3334).map(|n| cs(&format!("bc-{n}"))).collect();
    let q = cs("2");
    let mut evs = Vec::new();
    for (n, c) in names.iter().enumerate() {
        for (d, dim) in dims.iter().enumerate() {
            if n * 3 + d < 10_000 {
                evs.push(Event {
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
