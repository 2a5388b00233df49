//! The fleet's bench (issue 11, item 5; `make bench-fleet`, not part of `make test`), through
//! the C API against a throwaway PostgreSQL and the emulator:
//!
//! 1. records a second into one PostgreSQL outbox from 3 processes x 8 threads, each record
//!    its own committed transaction (group commit per process), over 10,002 slots (3,334
//!    customers x 3 dimensions), for a few seconds;
//! 2. delivery of those 10,002 slots by the 3 processes at once, bound only by the fleet's
//!    rate budget (10 requests a second): the time it takes and the requests a second
//!    measured at the emulator (its busiest 1 s window too).
//!
//! Prints one `BENCH name value unit` line per number, and the machine's load (`uptime`).

use super::*;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

const PROCESSES: usize = 3;
const THREADS: usize = 8;
const BENCH_CUSTOMERS: u64 = 3334;
const DIMENSIONS: [&str; 3] = ["users", "hosts", "data_gb"];

/// `mpm_outbox_event` of mpmeter.h.
#[repr(C)]
struct Event {
    customer: *const std::ffi::c_char,
    dimension: *const std::ffi::c_char,
    usage_time: i64,
    quantity: *const std::ffi::c_char,
    event_id: *const std::ffi::c_char,
}

extern "C" {
    fn mpm_outbox_record_batch(outbox: *mut c_void, events: *const Event, count: usize) -> i32;
}

/// Records one event in every slot of `process`'s third of them, 100 to a transaction, so the
/// delivery bench has all 10,002 slots however many the timed phase touched.
fn fill(ob: *mut c_void, process: u64, now_s: i64) {
    let slots: Vec<u64> = (0..BENCH_CUSTOMERS * 3)
        .filter(|s| s % PROCESSES as u64 == process)
        .collect();
    for chunk in slots.chunks(100) {
        let strings: Vec<[std::ffi::CString; 3]> = chunk
            .iter()
            .map(|&s| {
                [
                    cs(&bench_customer(s / 3)),
                    cs(DIMENSIONS[(s % 3) as usize]),
                    cs(&format!("fill-{s}")),
                ]
            })
            .collect();
        let one = cs("1");
        let events: Vec<Event> = strings
            .iter()
            .map(|[c, d, id]| Event {
                customer: c.as_ptr(),
                dimension: d.as_ptr(),
                usage_time: now_s,
                quantity: one.as_ptr(),
                event_id: id.as_ptr(),
            })
            .collect();
        let rc = unsafe { mpm_outbox_record_batch(ob, events.as_ptr(), events.len()) };
        assert_eq!(rc, MPM_OK, "{}", api::last_message());
    }
}

fn bench_line(name: &str, value: f64, unit: &str) {
    println!("BENCH {name} {value:.1} {unit}");
}

fn bench_customer(n: u64) -> String {
    format!("bench-{n:04}")
}

/// A bench process: 8 threads record from the `go` file on, for MPM_BENCH_SECONDS; then it
/// only delivers until the `quit` file appears.
pub fn bench_worker() {
    let url = env("MPM_FLEET_DB").unwrap();
    let password = env("MPM_FLEET_PASSWORD").unwrap();
    let endpoint = env("MPM_FLEET_ENDPOINT").unwrap();
    let control = PathBuf::from(env("MPM_FLEET_CONTROL").unwrap());
    let clock = SharedClock::map(&control.join("clock"));
    let process = env_u64("MPM_BENCH_PROCESS", 0);
    let seconds = env_u64("MPM_BENCH_SECONDS", 3);
    let ob = open_outbox(&url, &endpoint, &clock, &password) as usize;
    out("OPEN");
    while !control.join("go").exists() {
        std::thread::sleep(Duration::from_millis(2));
    }
    let stop = Arc::new(AtomicBool::new(false));
    let count = Arc::new(AtomicU64::new(0));
    let now_s = clock.now_ms().div_euclid(1000);
    let started = Instant::now();
    let threads: Vec<_> = (0..THREADS as u64)
        .map(|t| {
            let (stop, count) = (stop.clone(), count.clone());
            std::thread::spawn(move || {
                let mut n = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    // Every thread walks all the slots, from its own place.
                    let slot = (n * 7 + t * 1259 + process * 4409) % (BENCH_CUSTOMERS * 3);
                    let rc = unsafe {
                        mpm_outbox_record(
                            ob as *mut c_void,
                            cs(&bench_customer(slot / 3)).as_ptr(),
                            cs(DIMENSIONS[(slot % 3) as usize]).as_ptr(),
                            now_s,
                            cs("1").as_ptr(),
                            cs(&format!("b{process}-{t}-{n}")).as_ptr(),
                        )
                    };
                    assert_eq!(rc, MPM_OK, "{}", api::last_message());
                    count.fetch_add(1, Ordering::Relaxed);
                    n += 1;
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_secs(seconds));
    stop.store(true, Ordering::Relaxed);
    for t in threads {
        t.join().unwrap();
    }
    let secs = started.elapsed().as_secs_f64();
    out(&format!(
        "RECORDED {} {secs:.3}",
        count.load(Ordering::Relaxed)
    ));
    fill(ob as *mut c_void, process, now_s);
    out("FILLED");
    while !control.join("quit").exists() {
        std::thread::sleep(Duration::from_millis(20));
    }
    unsafe {
        mpm_outbox_close(ob as *mut c_void, 10_000);
        mpm_outbox_free(ob as *mut c_void);
    }
    out("DONE");
}

fn wait_line(p: &Proc, prefix: &str, timeout: Duration) -> String {
    let end = Instant::now() + timeout;
    while Instant::now() < end {
        if let Ok(l) = p.lines.recv_timeout(Duration::from_millis(50)) {
            if l.starts_with(prefix) {
                return l;
            }
            assert!(
                !l.starts_with("OPENFAIL") && !l.starts_with("LEAK"),
                "bench worker: {l}"
            );
        }
    }
    panic!("no {prefix} line from a bench worker in {timeout:?}");
}

#[test]
#[ignore = "the fleet's bench: make bench-fleet"]
fn bench_fleet() {
    let Some(pg) = Postgres::start_own() else {
        return;
    };
    let (control, emu, admin) = setup("fleet-bench", BENCH_CUSTOMERS, &bench_customer);
    let clock = SharedClock::create(&control.join("clock"), T0_MS + 60_000);
    admin.set_clock_ms(clock.now_ms());
    let seconds = env_u64("MPM_BENCH_SECONDS", 3);
    let procs: Vec<Proc> = (0..PROCESSES)
        .map(|p| {
            Proc::spawn(&[
                ("MPM_FLEET_ROLE", "bench".to_string()),
                ("MPM_FLEET_DB", pg.url()),
                ("MPM_FLEET_PASSWORD", pg.password().to_string()),
                ("MPM_FLEET_ENDPOINT", emu.url.clone()),
                ("MPM_FLEET_CONTROL", control.display().to_string()),
                ("MPM_BENCH_PROCESS", p.to_string()),
                ("MPM_BENCH_SECONDS", seconds.to_string()),
            ])
        })
        .collect();
    for p in &procs {
        wait_line(p, "OPEN", Duration::from_secs(60));
    }
    std::fs::write(control.join("go"), b"").unwrap();
    let mut total = 0u64;
    let mut slowest = 0f64;
    for p in &procs {
        let l = wait_line(p, "RECORDED", Duration::from_secs(seconds + 120));
        let f: Vec<&str> = l.split(' ').collect();
        total += f[1].parse::<u64>().unwrap();
        slowest = slowest.max(f[2].parse::<f64>().unwrap());
    }
    let per_second = total as f64 / slowest;
    bench_line("fleet_record_3x8_threads", per_second, "records/s");
    for p in &procs {
        wait_line(p, "FILLED", Duration::from_secs(300));
    }
    let slots: u64 = pg
        .sql("SELECT count(*) FROM mpmeter.slots")
        .trim()
        .parse()
        .unwrap();
    let events: u64 = pg
        .sql("SELECT count(*) FROM mpmeter.events")
        .trim()
        .parse()
        .unwrap();
    assert_eq!(
        events,
        total + BENCH_CUSTOMERS * 3,
        "every acknowledged record is in the store once"
    );
    bench_line("fleet_slots", slots as f64, "slots");

    // Delivery: the hour ends and is sealed; the three processes deliver it together.
    admin.admin("DELETE", "/__mpm/arrivals", "");
    let started = Instant::now();
    let later = clock.now_ms() + 2 * 3_600_000;
    clock.set_ms(later);
    admin.set_clock_ms(later);
    let deadline = Instant::now() + Duration::from_secs(600);
    loop {
        let left = pg.sql("SELECT count(*) FROM mpmeter.slots WHERE state < 3");
        if left.trim() == "0" {
            break;
        }
        assert!(Instant::now() < deadline, "{left} slots left after 600 s");
        std::thread::sleep(Duration::from_millis(100));
    }
    let secs = started.elapsed().as_secs_f64();
    let arrivals = admin.admin("GET", "/__mpm/arrivals", "");
    let at: Vec<u64> = arrivals["arrivals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["at_ms"].as_u64().unwrap())
        .collect();
    let span_s = (at.iter().max().unwrap() - at.iter().min().unwrap()) as f64 / 1000.0;
    let accepted = pg.sql("SELECT count(*) FROM mpmeter.slots WHERE state IN (3, 4)");
    assert_eq!(accepted.trim(), slots.to_string(), "every slot accepted");
    bench_line("fleet_delivery_10k_slots", secs, "s");
    bench_line("fleet_delivery_requests", at.len() as f64, "requests");
    bench_line(
        "fleet_delivery_rate_at_emulator",
        (at.len() as f64 - 1.0) / span_s,
        "requests/s",
    );
    bench_line(
        "fleet_delivery_busiest_second",
        arrivals["busiest"].as_f64().unwrap(),
        "requests",
    );
    std::fs::write(control.join("quit"), b"").unwrap();
    for p in procs {
        let _ = p.kill();
    }
    let load = std::process::Command::new("uptime").output();
    if let Ok(o) = load {
        println!("BENCH load: {}", String::from_utf8_lossy(&o.stdout).trim());
    }
    let _ = std::fs::remove_dir_all(&control);
}
