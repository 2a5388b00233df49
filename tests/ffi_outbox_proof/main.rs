//! The outbox's proof (issue 10, item 8): usage acknowledged by `mpm_outbox_record` is billed
//! exactly once, whatever kills the process, whatever the network and the service do, and on a
//! disk that loses what was not synced when the power goes.
//!
//! These tests are `#[ignore]`d so that `make test-rust` skips them; `make test-outbox`
//! (mk/outbox.mk) runs them with `--ignored`. The children they start are this same test
//! binary re-run with `MPM_PROOF_ROLE` set, calling the C API (tests/ffi_outbox_proof/api.rs).
//!
//! - `kill_loop_bills_every_acknowledged_record_exactly_once`: 200 rounds; each starts a child
//!   that records a seeded stream (late usage, repeated event_ids, two injected conflicts
//!   included) and prints `ACK index customer dimension quantity event_id` after each `record`
//!   returns MPM_OK; the child is SIGKILLed at a random instant or by the library's crash hook
//!   (`MPM_OUTBOX_CRASH_AT=after_commit|after_claim|after_send:N`), while the emulator drops
//!   answers after committing them, throttles (10 requests a second, and injected), fails and
//!   leaves records unprocessed. Then the faults heal, a last child re-records what was in doubt,
//!   time moves past every hour and it flushes: for every (customer, dimension) the emulator's
//!   ledger holds exactly the sum of the acknowledged quantities (each event_id once), each
//!   hour's record is the one the outbox's slot of that hour reports (verdict.rs), the only
//!   conflicts are the two injected, and every slot is terminal.
//! - `machine_mode_kill_loop_bills_every_acknowledged_record_exactly_once`: the same loop
//!   (kill_loop.rs; mode.rs is all that differs), 120 rounds, in machine mode: MeterUsage from five
//!   machines, identities given by the application, the ledger keyed (machine, dimension,
//!   hour), no DuplicateRequest but the injected conflicts, no ClientToken reused with other
//!   parameters; one machine's store is copied to a sixth machine mid-loop, which delivers its
//!   own usage and reports the other's slots as foreign, never sending them.
//! - `power_loss_with_full_loses_nothing` / `power_loss_with_normal_loses_acknowledged_usage`:
//!   the same loop with SQLite on the test VFS (vfs.rs: writes since the last sync are lost
//!   when the process dies). With synchronous=FULL it passes; with NORMAL it must fail.
//! - `the_vfs_loses_unsynced_writes`: the VFS itself, with plain SQLite: FULL keeps every
//!   committed row across kill -9, NORMAL loses some.
//! - `outage_longer_than_the_retry_budget_delivers_everything` and
//!   `outage_longer_than_the_window_expires_and_reports`: the service away.

#[path = "../../core/tests/support/emulator.rs"]
#[allow(dead_code)]
mod emulator_support;

// The C library: linked for its exported C functions, which api.rs declares.
extern crate mpmeter;

mod api;
mod child;
mod kill_loop;
mod mode;
// pid, signal and stopped serve the fleet test, which includes the file too.
#[allow(dead_code)]
mod procs;
mod sim;
mod verdict;
mod vfs;

use api::*;
use kill_loop::{kill_loop, LoopCfg};
use mode::ProofMode;
use procs::{env, env_u64, Proc};
use sim::*;
use std::ffi::CString;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn cs(s: &str) -> CString {
    CString::new(s).unwrap()
}

fn tmpdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("mpm-proof-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn emulator() -> (emulator_support::Emulator, EmuAdmin) {
    let t0 = (T0_MS / 1000).to_string();
    let emu = emulator_support::Emulator::start(&["--no-auth", "--clock-now", &t0]);
    let admin = EmuAdmin {
        addr: emu.url.trim_start_matches("http://").to_string(),
    };
    admin.configure();
    (emu, admin)
}

// ====================================================================== the child

/// The child process: this binary run as `child_process` with MPM_PROOF_ROLE set (child.rs).
#[test]
#[ignore = "run by the proof's parent tests as a child process"]
fn child_process() {
    let Some(role) = env("MPM_PROOF_ROLE") else {
        return;
    };
    child::run(&role);
    std::process::exit(0);
}

// ====================================================================== the parent

/// The loop's settings in `mode`: SaaS runs simulated time at 1200x; machine mode at 600x,
/// since MeterUsage's window is 6 h (18 s at 1200x) and each slot is a request of its own.
fn loop_cfg(name: &'static str, mode: ProofMode, rounds: u64, seed: u64) -> LoopCfg {
    LoopCfg {
        name,
        mode,
        rounds: kill_loop::rounds(rounds),
        vfs: false,
        normal: false,
        seed: env_u64("MPM_PROOF_SEED", seed),
        speed: match mode {
            ProofMode::Saas => 1200.0,
            ProofMode::Machine => 600.0,
        },
        copy_from_round: None,
    }
}

fn must_pass(what: &str, cfg: &LoopCfg) {
    match kill_loop(cfg) {
        Ok(r) => eprintln!("{what}: {r:?}"),
        Err(e) => panic!("{what} failed: {e}"),
    }
}

/// The test has teeth: at synchronous=NORMAL a WAL commit is not synced, so the VFS's power
/// cuts lose acknowledged usage and the same loop must fail.
fn must_fail(what: &str, cfg: &LoopCfg) {
    match kill_loop(cfg) {
        Ok(r) => panic!("{what} on a disk that loses unsynced writes passed: {r:?}"),
        Err(e) => {
            assert!(
                !e.contains("OPENFAIL") && !e.contains("ERR "),
                "{what} failed, but not by losing usage: {e}"
            );
            eprintln!("{what} failed as it must: {e}");
        }
    }
}

#[test]
#[ignore = "make test-outbox"]
fn kill_loop_bills_every_acknowledged_record_exactly_once() {
    must_pass(
        "kill loop",
        &loop_cfg("kill", ProofMode::Saas, 200, 20261201),
    );
}

/// Machine mode: five machines, each its identity given by the application, its own store and
/// its own access key (what the emulator keys MeterUsage by); from round 36 one machine's
/// store is copied to a sixth machine, which must deliver its own usage and never the slots
/// of the first. 120 rounds, not 200: at 600x a round costs as much as in SaaS mode, and
/// `make test-outbox` must stay well under 4 minutes on two shared cores.
#[test]
#[ignore = "make test-outbox"]
fn machine_mode_kill_loop_bills_every_acknowledged_record_exactly_once() {
    let cfg = loop_cfg("kill-machine", ProofMode::Machine, 120, 20261202);
    let cfg = LoopCfg {
        copy_from_round: Some(cfg.rounds * 3 / 10),
        ..cfg
    };
    must_pass("machine-mode kill loop", &cfg);
}

fn power_loss(name: &'static str, mode: ProofMode, rounds: u64, normal: bool) -> LoopCfg {
    LoopCfg {
        vfs: true,
        normal,
        ..loop_cfg(name, mode, rounds, 7)
    }
}

#[test]
#[ignore = "make test-outbox"]
fn power_loss_with_full_loses_nothing() {
    must_pass(
        "power loss with synchronous=FULL",
        &power_loss("powerfull", ProofMode::Saas, 60, false),
    );
}

#[test]
#[ignore = "make test-outbox"]
fn power_loss_with_normal_loses_acknowledged_usage() {
    let mut cfg = power_loss("powernormal", ProofMode::Saas, 40, true);
    cfg.rounds = cfg.rounds.min(40);
    must_fail("synchronous=NORMAL", &cfg);
}

/// The VFS alone, with plain SQLite: committed rows survive kill -9 at FULL, not at NORMAL.
#[test]
#[ignore = "make test-outbox"]
fn the_vfs_loses_unsynced_writes() {
    let run = |sync: &str| -> (i64, i64) {
        let dir = tmpdir(&format!("vfs-{sync}"));
        let db = dir.join("t.db");
        let mut p = Proc::spawn(&[
            ("MPM_PROOF_ROLE", "sqlite".into()),
            ("MPM_PROOF_STORE", db.display().to_string()),
            ("MPM_PROOF_SYNC", sync.into()),
        ]);
        // Killed once it has committed 20 rows, not after a fixed time: on a loaded machine
        // the child may not even have made its table in the first second.
        let mut seen = Vec::new();
        let deadline = std::time::Instant::now() + Duration::from_secs(120);
        while seen
            .iter()
            .filter(|l: &&String| l.starts_with("COMMIT "))
            .count()
            < 20
        {
            assert!(!p.exited(), "the sqlite child died: {seen:?}");
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            assert!(
                !left.is_zero(),
                "the sqlite child made 20 commits in no 2 minutes"
            );
            if let Ok(line) = p.lines.recv_timeout(left.min(Duration::from_millis(200))) {
                seen.push(line);
            }
        }
        seen.extend(p.kill());
        let committed = seen
            .iter()
            .filter_map(|l| l.strip_prefix("COMMIT "))
            .map(|n| n.parse::<i64>().unwrap() + 1)
            .max()
            .unwrap_or(0);
        let conn = rusqlite::Connection::open(&db).unwrap();
        // At NORMAL nothing may have been synced yet, not even the table: then no row survived.
        let has_table: bool = conn
            .query_row(
                "SELECT COUNT(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 't'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        let rows: i64 = if has_table {
            conn.query_row("SELECT COUNT(*) FROM t", [], |r| r.get(0))
                .unwrap()
        } else {
            0
        };
        let ok: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(ok, "ok");
        let _ = std::fs::remove_dir_all(&dir);
        (committed, rows)
    };
    let (committed, rows) = run("FULL");
    assert!(committed > 10, "{committed} commits");
    assert!(
        rows >= committed,
        "FULL: {committed} committed, {rows} survived"
    );
    let mut lost_any = false;
    for _ in 0..3 {
        let (committed, rows) = run("NORMAL");
        eprintln!("NORMAL: {committed} committed, {rows} survived the power cut");
        if rows < committed {
            lost_any = true;
            break;
        }
    }
    assert!(
        lost_any,
        "NORMAL never lost a committed row: the VFS keeps nothing back"
    );
}

// ====================================================================== outages

/// An outbox in this process on the simulated clock, its terminal reports collected.
struct InProcess {
    ob: *mut mpm_outbox,
    client: *mut std::ffi::c_void,
    clock: Arc<SharedClock>,
    reports: Box<std::sync::Mutex<Vec<(String, i64, u32)>>>,
    sums: std::collections::BTreeMap<(String, String), i64>,
    n: u64,
}

extern "C" fn on_terminal(slot: *const mpm_outbox_slot, userdata: *mut std::ffi::c_void) {
    let reports = unsafe { &*(userdata as *const std::sync::Mutex<Vec<(String, i64, u32)>>) };
    let customer = unsafe { api::rs(mpm_outbox_slot_customer(slot)) }.unwrap_or_default();
    let (hour, state) = unsafe { (mpm_outbox_slot_hour(slot), mpm_outbox_slot_state(slot)) };
    reports.lock().unwrap().push((customer, hour, state));
}

impl InProcess {
    fn open(dir: &Path, url: &str, clock: Arc<SharedClock>) -> InProcess {
        let client = api::client_for(&url);
        let reports: Box<std::sync::Mutex<Vec<(String, i64, u32)>>> = Box::default();
        let ud = &*reports as *const _ as *mut std::ffi::c_void;
        let ob = api::open_outbox(client, &dir.join("outbox.db"), &clock, |o| {
            assert_eq!(
                unsafe { mpm_outbox_options_set_on_terminal(o, Some(on_terminal), ud) },
                MPM_OK
            );
        })
        .unwrap_or_else(|m| panic!("{m}"));
        InProcess {
            ob,
            client,
            clock,
            reports,
            sums: Default::default(),
            n: 0,
        }
    }

    fn record(&mut self, customer: &str, dimension: &str, quantity: &str) {
        self.n += 1;
        let now_s = self.clock.now_ms() / 1000;
        let rc = unsafe {
            mpm_outbox_record(
                self.ob,
                cs(customer).as_ptr(),
                cs(dimension).as_ptr(),
                now_s,
                cs(quantity).as_ptr(),
                cs(&format!("outage-{}", self.n)).as_ptr(),
            )
        };
        assert_eq!(rc, MPM_OK, "{}", api::last_message());
        *self
            .sums
            .entry((customer.into(), dimension.into()))
            .or_insert(0) += parse_millionths(quantity);
    }

    /// The terminal reports, once `n` have come (the callback runs on the outbox's own thread,
    /// a moment after the state is written), at most 10 s.
    fn reports(&self, n: usize) -> Vec<(String, i64, u32)> {
        let t = Instant::now();
        while self.reports.lock().unwrap().len() < n && t.elapsed() < Duration::from_secs(10) {
            std::thread::sleep(Duration::from_millis(10));
        }
        self.reports.lock().unwrap().clone()
    }

    fn stats(&self) -> mpm_outbox_stats {
        let mut st = mpm_outbox_stats::default();
        assert_eq!(unsafe { mpm_outbox_get_stats(self.ob, &mut st) }, MPM_OK);
        st
    }
}

impl Drop for InProcess {
    fn drop(&mut self) {
        unsafe {
            mpm_outbox_close(self.ob, 5000);
            mpm_outbox_free(self.ob);
            api::mpm_client_free(self.client);
        }
    }
}

fn batch_requests(admin: &EmuAdmin) -> u64 {
    admin.admin("GET", "/__mpm/requests", "")["operations"]["BatchMeterUsage"]["total"]
        .as_u64()
        .unwrap_or(0)
}

/// Moves simulated time (the outbox's and the emulator's) to `ms`.
fn set_time(clock: &SharedClock, admin: &EmuAdmin, ms: i64) {
    clock.set_ms(ms);
    admin.set_clock_ms(ms);
}

const HOUR_MS: i64 = 3_600_000;

/// The service is back: flushes until nothing is pending, as real time would. A request
/// that was on the wire when the faults were lifted can still come back 503 after the flush
/// made every slot due, and its backoff (up to the default maximum, 300 s) is simulated time,
/// which stands still here: so a flush that times out moves simulated time past that backoff
/// and flushes again. Panics with the stats if six rounds do not drain the outbox.
fn flush_after_outage(ob: &InProcess, clock: &SharedClock, admin: &EmuAdmin) {
    for _ in 0..6 {
        let rc = unsafe { mpm_outbox_flush(ob.ob, 20_000) };
        if rc == MPM_OK {
            return;
        }
        assert_eq!(rc, MPM_ERR_WAIT_TIMEOUT, "{}", api::last_message());
        set_time(clock, admin, clock.now_ms() + 301_000);
    }
    panic!("flush: still pending after six rounds: {:?}", ob.stats());
}

/// An in-process outbox a minute into the first hour, with the service answering 503 to
/// everything from the start: the outage tests' common beginning.
fn service_away_from_the_start(
    name: &str,
) -> (
    PathBuf,
    emulator_support::Emulator,
    EmuAdmin,
    Arc<SharedClock>,
    InProcess,
) {
    let dir = tmpdir(name);
    let (emu, admin) = emulator();
    let clock = Arc::new(SharedClock::create(&dir.join("clock"), T0_MS + 60_000));
    set_time(&clock, &admin, clock.now_ms());
    admin.admin(
        "POST",
        "/__mpm/faults",
        r#"{"mode":"http503","fraction":1.0}"#,
    );
    let ob = InProcess::open(&dir, &emu.url, clock.clone());
    (dir, emu, admin, clock, ob)
}

/// The service is away for longer than the client's whole retry budget (3 attempts per call)
/// many times over, simulated hours long, then back: everything is delivered, nothing expired.
#[test]
#[ignore = "make test-outbox"]
fn outage_longer_than_the_retry_budget_delivers_everything() {
    let (dir, _emu, admin, clock, mut ob) = service_away_from_the_start("outage-budget");
    for h in 0..3 {
        set_time(&clock, &admin, T0_MS + h * HOUR_MS + 60_000);
        for (n, c) in CUSTOMERS.iter().enumerate() {
            ob.record(c, "users", &format!("{}.5", n + 1));
            ob.record(c, "hosts", "2");
        }
    }
    // Hours 0..2 are due; the service answers 503 to everything for 9 simulated hours.
    let t = Instant::now();
    let mut now = T0_MS + 3 * HOUR_MS + 10 * 60_000;
    while now < T0_MS + 12 * HOUR_MS {
        set_time(&clock, &admin, now);
        std::thread::sleep(Duration::from_millis(100));
        now += 10 * 60_000;
    }
    let tried = batch_requests(&admin);
    let st = ob.stats();
    assert!(
        tried >= 6,
        "only {tried} requests in the outage: the retry budget (3) was not outlasted"
    );
    assert_eq!((st.accepted, st.expired), (0, 0), "{st:?}");
    assert_eq!(st.pending, 24, "{st:?}");
    assert_eq!(st.oldest_pending_hour, T0_MS / 1000);
    assert!(
        st.seconds_to_first_expiry > 0 && st.seconds_to_first_expiry <= 24 * 3600,
        "{st:?}"
    );
    // Back.
    admin.admin("DELETE", "/__mpm/faults", "");
    flush_after_outage(&ob, &clock, &admin);
    // Delivered: accepted, or "duplicate" (accepted earlier: a 503 leaves a send in doubt, and
    // the resend's Success may be AWS's answer to it).
    let st = ob.stats();
    assert_eq!(
        (st.accepted + st.duplicate, st.expired, st.pending, st.open),
        (24, 0, 0, 0),
        "{st:?}"
    );
    compare(&ob.sums, &billed(&admin.ledger(), &[])).unwrap();
    let reports = ob.reports(24);
    assert_eq!(reports.len(), 24);
    assert!(
        reports
            .iter()
            .all(|r| r.2 == MPM_OUTBOX_STATE_ACCEPTED || r.2 == MPM_OUTBOX_STATE_DUPLICATE),
        "{reports:?}"
    );
    eprintln!(
        "outage of 9 simulated hours ({tried} refused requests, {:.1}s): all 24 slots delivered",
        t.elapsed().as_secs_f64()
    );
    drop(ob);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The service is away for longer than AWS's acceptance window (24 h for BatchMeterUsage): the
/// slots whose window closed are expired and reported (callback and stats), the ones still
/// inside it are delivered when the service is back, and nothing else is lost.
#[test]
#[ignore = "make test-outbox"]
fn outage_longer_than_the_window_expires_and_reports() {
    let (dir, _emu, admin, clock, mut ob) = service_away_from_the_start("outage-window");
    // Hour 0: cust-a and cust-b; they will outlive their window.
    ob.record("cust-a", "users", "3");
    ob.record("cust-b", "hosts", "1.25");
    let mut now = T0_MS + HOUR_MS;
    while now < T0_MS + 20 * HOUR_MS {
        set_time(&clock, &admin, now);
        std::thread::sleep(Duration::from_millis(30));
        now += 30 * 60_000;
    }
    // Hour 20: cust-c, inside its window when the service comes back.
    set_time(&clock, &admin, T0_MS + 20 * HOUR_MS + 60_000);
    ob.record("cust-c", "users", "7");
    let st = ob.stats();
    assert_eq!(st.oldest_pending_hour, T0_MS / 1000, "{st:?}");
    assert!(
        st.seconds_to_first_expiry > 0 && st.seconds_to_first_expiry <= 4 * 3600,
        "the first expiry is due within 4 h: {st:?}"
    );
    let mut now = T0_MS + 21 * HOUR_MS;
    while now < T0_MS + 25 * HOUR_MS {
        set_time(&clock, &admin, now);
        std::thread::sleep(Duration::from_millis(100));
        now += 15 * 60_000;
    }
    // The sweeper has expired hour 0's slots by now.
    let t = Instant::now();
    while ob.stats().expired < 2 && t.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(50));
    }
    admin.admin("DELETE", "/__mpm/faults", "");
    flush_after_outage(&ob, &clock, &admin);
    let st = ob.stats();
    assert_eq!(
        (st.expired, st.accepted + st.duplicate, st.pending, st.open),
        (2, 1, 0, 0),
        "{st:?}"
    );
    let ledger = admin.ledger();
    assert_eq!(ledger.len(), 1, "{ledger:?}");
    assert_eq!(ledger[0]["customer_identifier"], "cust-c");
    assert_eq!(ledger[0]["quantity"], "7");
    let mut reports = ob.reports(3);
    reports.sort();
    // cust-c's slot went out during the outage (in doubt), so it may end as "duplicate".
    for r in reports.iter_mut() {
        if r.2 == MPM_OUTBOX_STATE_DUPLICATE {
            r.2 = MPM_OUTBOX_STATE_ACCEPTED;
        }
    }
    let h0 = T0_MS / 1000;
    assert_eq!(
        reports,
        vec![
            ("cust-a".to_string(), h0, MPM_OUTBOX_STATE_EXPIRED),
            ("cust-b".to_string(), h0, MPM_OUTBOX_STATE_EXPIRED),
            (
                "cust-c".to_string(),
                h0 + 20 * 3600,
                MPM_OUTBOX_STATE_ACCEPTED
            ),
        ]
    );
    drop(ob);
    let _ = std::fs::remove_dir_all(&dir);
}

mod bench;
mod bench_paths;
