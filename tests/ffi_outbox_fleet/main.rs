//! The fleet's crash test (issue 11, item 4): three worker processes record into one
//! PostgreSQL outbox and deliver from it while they are killed, stopped and cut off, and the
//! database restarts; then everything is drained and the emulator's ledger must hold exactly
//! what was acknowledged, once.
//!
//! `#[ignore]`d so that `make test-rust` skips it; `make test-fleet` (mk/fleet.mk) runs it with
//! `--ignored`. The workers are this test binary re-run as `child_process` with
//! `MPM_FLEET_ROLE=worker`, calling the C API (../ffi_outbox_proof/api.rs), each recording its
//! own seeded stream (../ffi_outbox_proof/sim.rs: late usage and repeated event_ids included)
//! for 200 customers and printing `ACK i` after each `mpm_outbox_record` returns MPM_OK, and a
//! `TERM ...` line from the terminal-state callback. Meanwhile the parent:
//!
//! - SIGKILLs a random worker every 1 to 2.5 s, or lets the restarted one die by the library's
//!   crash hook at a pinned point (after commit, after claim, after send), and restarts it from
//!   its first unacknowledged event;
//! - holds one worker stopped (SIGSTOP, by the crash hook right after AWS answered and before
//!   the outcome is written) until the others have taken its slots over after its lease and
//!   finished them, and 12 s at least (past the server's idle-in-transaction timeout, which
//!   ends a session it held in a transaction), then lets it go on (SIGCONT): its late
//!   completion must be written and fenced off (the store's attempt log says "not applied",
//!   and no slot is reported terminal twice);
//! - ends every worker's database session (`pg_terminate_backend`) now and then;
//! - restarts PostgreSQL once mid-run (`record` fails clearly meanwhile, and is retried);
//! - moves the shared clock (the outbox's test clock and the emulator's) an hour every 4 s,
//!   so hours are sealed and delivered in seconds.
//!
//! Then it stops the recording, moves the clock past the last hour and every worker flushes.
//! Checked: for every (customer, dimension) the ledger holds exactly the sum of the
//! acknowledged quantities (each event_id once): 0 lost, 0 billed twice; no two ledger entries
//! for one (customer, dimension, hour); 0 DuplicateRecord; every slot terminal and accepted; no
//! slot reported terminal twice; no error message shows the database's password; and the
//! fleet's request rate at the emulator (every request, throttled ones too) never above 10 in
//! any 1-second window.
//!
//! With the mutation `no_epoch_fence` (scripts/test-fleet-mutations.sh) it must fail.

#[path = "../../core/tests/support/emulator.rs"]
#[allow(dead_code)]
mod emulator_support;
#[path = "../../core/tests/support/postgres.rs"]
#[allow(dead_code)]
mod postgres_support;

// The C library: linked for its exported C functions, which api.rs declares.
extern crate mpmeter;

#[path = "../ffi_outbox_proof/api.rs"]
mod api;
#[path = "../ffi_outbox_proof/sim.rs"]
#[allow(dead_code)]
mod sim;

mod bench;
#[path = "../ffi_outbox_proof/procs.rs"]
mod procs;
mod stream;
mod ticker;

use api::*;
use postgres_support::Postgres;
use procs::{env, env_u64, out, Proc};
use sim::{splitmix, EmuAdmin, SharedClock, T0_MS};
use std::collections::{BTreeMap, HashSet};
use std::ffi::c_void;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};
use stream::*;

const WORKERS: usize = 3;
/// The workers' lease (the shortest the outbox allows): the stopped worker is held past it.
const LEASE_SECONDS: i64 = 5;
/// How long the stopped worker stays stopped at least: past the store's
/// idle_in_transaction_session_timeout (10 s, core/src/outbox/store/postgres/mod.rs), so that
/// a transaction its writer had open when it stopped is ended by the server and the session
/// with it, as for a VM paused that long. Its late answer must still be written (and fenced)
/// on a new session: dropped on the failed commit, it left no "not applied" attempt (the
/// test failed so after stops of 10.8 s and 15.1 s).
const HOLD_STOPPED: Duration = Duration::from_secs(12);

extern "C" {
    // Fleet mode's options (not in the proof's api.rs, which is SQLite's).
    fn mpm_outbox_options_set_lease_seconds(options: *mut mpm_outbox_options, seconds: i64) -> i32;
}

/// A line of the parent's story on stderr, with the seconds since the test began.
fn log(msg: &str) {
    static T0: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    let t = T0.get_or_init(Instant::now).elapsed().as_secs_f64();
    eprintln!("[fleet {t:6.1}s] {msg}");
}

fn cs(s: &str) -> std::ffi::CString {
    std::ffi::CString::new(s).unwrap()
}
/// The fleet's rate limit (the outbox's default) and what the emulator enforces.
const RATE_LIMIT: u64 = 10;

// ====================================================================== the worker

/// The worker process: this binary run as `child_process` with MPM_FLEET_ROLE set.
#[test]
#[ignore = "run by the fleet test as a child process"]
fn child_process() {
    match env("MPM_FLEET_ROLE").as_deref() {
        None => return,
        Some("worker") => worker(),
        Some("bench") => bench::bench_worker(),
        Some(other) => panic!("unknown role {other}"),
    }
    std::process::exit(0);
}

/// The terminal-state callback: one line per slot this process saw reach a terminal state.
extern "C" fn on_terminal(slot: *const mpm_outbox_slot, _userdata: *mut std::ffi::c_void) {
    let (customer, dimension, hour, state) = unsafe {
        (
            rs(mpm_outbox_slot_customer(slot)).unwrap_or_default(),
            rs(mpm_outbox_slot_dimension(slot)).unwrap_or_default(),
            mpm_outbox_slot_hour(slot),
            mpm_outbox_slot_state(slot),
        )
    };
    out(&format!("TERM {customer} {dimension} {hour} {state}"));
}

/// A message from the library, checked for the database's password first.
fn checked_message(password: &str) -> String {
    let m = api::last_message();
    if m.contains(password) {
        out("LEAK an error message shows the database's password");
    }
    m.replace(['\n', '\r'], " ")
}

fn open_outbox(url: &str, endpoint: &str, clock: &SharedClock, password: &str) -> *mut c_void {
    let client = api::client_for(endpoint);
    let started = Instant::now();
    loop {
        let ob = unsafe {
            let o = mpm_outbox_options_new();
            assert_eq!(
                mpm_outbox_options_set_product_code(o, cs("demo-product").as_ptr()),
                MPM_OK
            );
            assert_eq!(
                mpm_outbox_options_set_clock(o, Some(sim::clock_callback), clock.as_userdata()),
                MPM_OK
            );
            assert_eq!(
                mpm_outbox_options_set_on_terminal(o, Some(on_terminal), std::ptr::null_mut()),
                MPM_OK
            );
            assert_eq!(
                mpm_outbox_options_set_lease_seconds(o, LEASE_SECONDS),
                MPM_OK
            );
            let ob = mpm_outbox_open(client as *const c_void, cs(url).as_ptr(), o);
            // Read before the next call into the library replaces it.
            let m = if ob.is_null() {
                checked_message(password)
            } else {
                String::new()
            };
            mpm_outbox_options_free(o);
            (ob, m)
        };
        let (ob, m) = ob;
        if !ob.is_null() {
            return ob;
        }
        // The database may be restarting: try again for a while, then give up loudly.
        if started.elapsed() > Duration::from_secs(30) {
            out(&format!("OPENFAIL {m}"));
            std::process::exit(2);
        }
        out(&format!("OPENERR {m}"));
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn worker() {
    let url = env("MPM_FLEET_DB").unwrap();
    let password = env("MPM_FLEET_PASSWORD").unwrap();
    let endpoint = env("MPM_FLEET_ENDPOINT").unwrap();
    let control = PathBuf::from(env("MPM_FLEET_CONTROL").unwrap());
    let clock = SharedClock::map(&control.join("clock"));
    let seed = env_u64("MPM_FLEET_SEED", 1);
    let start = env_u64("MPM_FLEET_START", FIRST_EVENT);
    let ob = open_outbox(&url, &endpoint, &clock, &password);
    out("OPEN");
    let mut i = start;
    // The first event is recorded even when the recording has stopped: it may be the one the
    // previous incarnation died recording (committed, never acknowledged). Not when that one
    // had finished recording (MPM_FLEET_RECORDED=1): it only delivers.
    let recorded = env("MPM_FLEET_RECORDED").is_some_and(|v| v == "1");
    while !recorded {
        let e = fleet_event(seed, i);
        let now_s = clock.now_ms().div_euclid(1000);
        let usage_time = if e.late { now_s - 3 * 3600 } else { now_s };
        let since = Instant::now();
        loop {
            let rc = unsafe {
                mpm_outbox_record(
                    ob,
                    cs(&e.customer).as_ptr(),
                    cs(e.dimension).as_ptr(),
                    usage_time,
                    cs(&e.quantity).as_ptr(),
                    cs(&e.event_id).as_ptr(),
                )
            };
            if rc == MPM_OK {
                break;
            }
            // Not committed (the database is away, or the session was ended): say so, and
            // record the same event again, as an application would.
            out(&format!("ERR {i} {rc} {}", checked_message(&password)));
            if since.elapsed() > Duration::from_secs(60) {
                out(&format!("GAVEUP {i}"));
                std::process::exit(3);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        out(&format!("ACK {i}"));
        i += 1;
        if control.join("stop").exists() {
            break;
        }
        std::thread::sleep(Duration::from_millis(3));
    }
    out("RECORDED");
    while !control.join("flush").exists() {
        std::thread::sleep(Duration::from_millis(20));
    }
    let rc = unsafe { mpm_outbox_flush(ob, 120_000) };
    let m = if rc == MPM_OK {
        String::new()
    } else {
        checked_message(&password)
    };
    out(&format!("FLUSH {rc} {m}"));
    unsafe {
        mpm_outbox_close(ob, 10_000);
        mpm_outbox_free(ob);
    }
    out("DONE");
}

// ====================================================================== the parent

/// One worker slot of the fleet: its current process and what it acknowledged.
struct Worker {
    seed: u64,
    proc: Option<Proc>,
    /// The next event to record: every event before it was acknowledged.
    next: u64,
    incarnations: u64,
    recorded: bool,
    done: bool,
    /// Held stopped by the crash hook, waiting for the others to take its slots over.
    stopped_since: Option<Instant>,
    /// This incarnation stops itself (the SIGSTOP test); not killed at random before it did.
    stops_itself: bool,
    /// When it went on after its stop, while it is not killed and the database is left alone
    /// until the store has fenced its late completion ("not applied"; 20 s at most, then the
    /// test fails). A kill a moment after SIGCONT on a loaded machine came before the late
    /// write and left the fence unexercised.
    fence_pending: Option<Instant>,
}

#[derive(Debug, Default)]
struct Tally {
    kills: u64,
    hook_deaths: u64,
    terminations: u64,
    sessions_ended: usize,
    record_errors: u64,
    open_errors: u64,
    /// (customer, dimension, hour) → how many times a worker reported it terminal.
    terminal_reports: BTreeMap<(String, String, i64), u64>,
    flushes: Vec<String>,
    failures: Vec<String>,
}

struct Fleet<'a> {
    pg: &'a Postgres,
    emu_url: String,
    control: PathBuf,
    workers: Vec<Worker>,
    tally: Tally,
    rng: u64,
}

impl Fleet<'_> {
    fn random(&mut self) -> u64 {
        self.rng = splitmix(self.rng);
        self.rng
    }

    fn spawn(&mut self, w: usize, crash_at: Option<(String, &str)>) {
        let worker = &self.workers[w];
        let mut envs = vec![
            ("MPM_FLEET_ROLE", "worker".to_string()),
            ("MPM_FLEET_DB", self.pg.url()),
            ("MPM_FLEET_PASSWORD", self.pg.password().to_string()),
            ("MPM_FLEET_ENDPOINT", self.emu_url.clone()),
            ("MPM_FLEET_CONTROL", self.control.display().to_string()),
            ("MPM_FLEET_SEED", worker.seed.to_string()),
            ("MPM_FLEET_START", worker.next.to_string()),
            (
                "MPM_FLEET_RECORDED",
                if worker.recorded { "1" } else { "0" }.to_string(),
            ),
        ];
        log(&format!(
            "worker {w} starts at event {}{}",
            worker.next,
            crash_at
                .as_ref()
                .map(|(s, sig)| format!(", SIG{sig} at {s}"))
                .unwrap_or_default()
        ));
        if let Some((spec, signal)) = crash_at {
            envs.push(("MPM_OUTBOX_CRASH_AT", spec));
            envs.push(("MPM_OUTBOX_CRASH_SIGNAL", signal.to_string()));
        }
        let p = Proc::spawn(&envs);
        let worker = &mut self.workers[w];
        worker.proc = Some(p);
        worker.incarnations += 1;
    }

    /// A restart's crash hook: one in two dies at a pinned point, the others live until the
    /// parent's SIGKILL.
    fn random_crash(&mut self) -> Option<(String, &'static str)> {
        let r = self.random();
        let spec = match r % 6 {
            0 => format!("after_commit:{}", 1 + (r >> 8) % 40),
            1 => format!("after_claim:{}", 1 + (r >> 8) % 3),
            2 => format!("after_send:{}", 1 + (r >> 8) % 3),
            _ => return None,
        };
        Some((spec, "KILL"))
    }

    /// Reads what every worker printed; restarts the ones that died.
    fn poll(&mut self) {
        for w in 0..self.workers.len() {
            let lines: Vec<String> = match &self.workers[w].proc {
                Some(p) => p.lines.try_iter().collect(),
                None => continue,
            };
            for l in lines {
                self.line(w, &l);
            }
            let died = {
                let worker = &mut self.workers[w];
                !worker.done && worker.proc.as_mut().is_some_and(|p| p.exited())
            };
            if died {
                let p = self.workers[w].proc.take().unwrap();
                for l in p.kill() {
                    self.line(w, &l);
                }
                if !self.workers[w].done {
                    self.tally.hook_deaths += 1;
                    log(&format!("worker {w} died by its crash hook"));
                    self.workers[w].stops_itself = false;
                    let crash = self.random_crash();
                    self.spawn(w, crash);
                }
            }
        }
    }

    fn line(&mut self, w: usize, l: &str) {
        let worker = &mut self.workers[w];
        let mut f = l.split(' ');
        match f.next().unwrap_or("") {
            "ACK" => {
                let i: u64 = f.next().and_then(|x| x.parse().ok()).unwrap_or(u64::MAX);
                if i != worker.next {
                    self.tally.failures.push(format!(
                        "worker {w}: ACK {i} out of order (expected {})",
                        worker.next
                    ));
                } else {
                    worker.next += 1;
                }
            }
            "TERM" => {
                let (c, d, h) = (f.next(), f.next(), f.next());
                let key = (
                    c.unwrap_or("").to_string(),
                    d.unwrap_or("").to_string(),
                    h.and_then(|x| x.parse().ok()).unwrap_or(-1),
                );
                *self.tally.terminal_reports.entry(key).or_default() += 1;
            }
            "ERR" => self.tally.record_errors += 1,
            "OPENERR" => self.tally.open_errors += 1,
            "RECORDED" => worker.recorded = true,
            "FLUSH" => self.tally.flushes.push(format!("worker {w}: {l}")),
            "DONE" => worker.done = true,
            "OPENFAIL" | "GAVEUP" | "LEAK" => {
                self.tally.failures.push(format!("worker {w}: {l}"));
            }
            _ => {}
        }
    }

    fn running(&self) -> Vec<usize> {
        (0..self.workers.len())
            .filter(|&w| {
                let x = &self.workers[w];
                x.proc.is_some()
                    && x.stopped_since.is_none()
                    && !x.stops_itself
                    && x.fence_pending.is_none()
                    && !x.done
            })
            .collect()
    }

    fn kill_random(&mut self) {
        let running = self.running();
        if running.is_empty() {
            return;
        }
        let w = running[(self.random() % running.len() as u64) as usize];
        let p = self.workers[w].proc.take().unwrap();
        for l in p.kill() {
            self.line(w, &l);
        }
        self.tally.kills += 1;
        log(&format!("worker {w} SIGKILLed"));
        let crash = self.random_crash();
        self.spawn(w, crash);
    }

    /// Polls the workers until every one satisfies `done`, for at most `secs` seconds.
    fn wait_for_all(
        &mut self,
        done: fn(&Worker) -> bool,
        secs: u64,
        what: &str,
    ) -> Result<(), String> {
        let deadline = Instant::now() + Duration::from_secs(secs);
        while !self.workers.iter().all(done) {
            self.poll();
            self.fail_if_broken()?;
            if Instant::now() > deadline {
                return Err(format!(
                    "the workers did not {what} in {secs} s (flushes: {:?})",
                    self.tally.flushes
                ));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Ok(())
    }

    fn fail_if_broken(&self) -> Result<(), String> {
        if self.tally.failures.is_empty() {
            Ok(())
        } else {
            Err(self.tally.failures.join("; "))
        }
    }
}

/// Completions the store refused as stale (its attempt log says "not applied"), on the given
/// slots only (ids as `sending_slots` gives them) or on every slot.
fn fenced_attempts(pg: &Postgres, on: Option<&[String]>) -> u64 {
    let only = match on {
        Some(ids) if ids.is_empty() => return 0,
        Some(ids) => format!(" AND slot_id IN ({})", ids.join(",")),
        None => String::new(),
    };
    pg.sql(&format!(
        "SELECT count(*) FROM mpmeter.attempts WHERE outcome LIKE 'not applied%'{only}"
    ))
    .trim()
    .parse()
    .unwrap_or(0)
}

/// The slots sending now, on the store's own table (for the stopped worker's takeover).
fn sending_slots(pg: &Postgres) -> Vec<String> {
    pg.sql("SELECT id FROM mpmeter.slots WHERE state = 2 ORDER BY id")
        .lines()
        .map(str::to_string)
        .collect()
}

fn all_terminal(pg: &Postgres, ids: &[String]) -> bool {
    if ids.is_empty() {
        return true;
    }
    let n = pg.sql(&format!(
        "SELECT count(*) FROM mpmeter.slots WHERE id IN ({}) AND state >= 3",
        ids.join(",")
    ));
    n.trim() == ids.len().to_string()
}

#[derive(Debug)]
struct Report {
    secs: f64,
    acked: u64,
    incarnations: u64,
    tally: Tally,
    ledger_entries: usize,
    requests: u64,
    busiest: u64,
    fenced: u64,
    stopped_secs: f64,
}

fn fleet(seed: u64) -> Result<Report, String> {
    let started = Instant::now();
    let Some(pg) = Postgres::start_own() else {
        return Err("skipped".into());
    };
    let (control, emu, admin) = setup(&format!("fleet-{seed}"), CUSTOMERS, &customer_name);
    let clock = Arc::new(SharedClock::create(&control.join("clock"), T0_MS + 60_000));
    let ticker = ticker::Ticker::start(clock.clone(), admin.clone());
    let mut fleet = Fleet {
        pg: &pg,
        emu_url: emu.url.clone(),
        control: control.clone(),
        workers: (0..WORKERS)
            .map(|id| Worker {
                seed: seed.wrapping_mul(1000).wrapping_add(id as u64),
                proc: None,
                next: FIRST_EVENT,
                incarnations: 0,
                recorded: false,
                done: false,
                stopped_since: None,
                stops_itself: false,
                fence_pending: None,
            })
            .collect(),
        tally: Tally::default(),
        rng: seed ^ 0x5EED,
    };
    // Worker 0 stops itself right after its 3rd answer from AWS, before writing it, and stays
    // stopped at least HOLD_STOPPED.
    fleet.spawn(0, Some(("after_send:3".into(), "STOP")));
    fleet.workers[0].stops_itself = true;
    for w in 1..WORKERS {
        fleet.spawn(w, None);
    }

    let mut next_jump = Instant::now() + Duration::from_secs(4);
    let mut next_chaos = Instant::now() + Duration::from_millis(1500);
    let restart_at = Instant::now() + Duration::from_secs(10);
    let mut restarted = false;
    let mut stop_cycle_done = false;
    let mut fenced_before = 0u64;
    let mut chaos_rounds = 0u64;
    let mut taken_over: Vec<String> = Vec::new();
    let mut stopped_secs = 0.0;
    let min_recording = Duration::from_secs(24);
    let recording_deadline = Instant::now() + Duration::from_secs(100);
    loop {
        fleet.poll();
        fleet.fail_if_broken()?;
        let now = Instant::now();
        if now >= next_jump {
            ticker.jump_ms(3_600_000);
            log("the clock jumps an hour");
            next_jump = now + Duration::from_secs(4);
        }
        // The database is left alone while worker 0 is stopped and after it goes on until its
        // late completion was fenced, so that the completion reaches the database (and is
        // fenced there) rather than failing on a connection that was cut meanwhile.
        let w0 = &fleet.workers[0];
        let db_quiet = w0.stopped_since.is_some()
            || (w0.stops_itself && w0.proc.as_ref().is_some_and(|p| p.stopped()))
            || w0.fence_pending.is_some();
        if now >= next_chaos {
            // Every third round ends the sessions (when the database may be touched), the
            // others SIGKILL a worker.
            chaos_rounds += 1;
            if chaos_rounds % 3 == 0 && !db_quiet {
                let n = pg.terminate_backends();
                log(&format!("pg_terminate_backend: {n} sessions ended"));
                fleet.tally.sessions_ended += n;
                fleet.tally.terminations += 1;
            } else {
                fleet.kill_random();
            }
            next_chaos = now + Duration::from_millis(1000 + fleet.random() % 1500);
        }
        if !restarted && now >= restart_at && !db_quiet {
            // Every session ends, and for a moment nothing answers.
            log("PostgreSQL restarts");
            pg.restart();
            log("PostgreSQL is back");
            restarted = true;
        }
        // The stopped worker: once the hook stopped it, the slots sending at that moment (its
        // claim among them) must be taken over and finished by the others; then it goes on.
        let w0 = &mut fleet.workers[0];
        if w0.stops_itself && w0.stopped_since.is_none() {
            if w0.proc.as_ref().is_some_and(|p| p.stopped()) {
                w0.stopped_since = Some(now);
                taken_over = sending_slots(&pg);
                log(&format!(
                    "worker 0 stopped itself after AWS answered; slots sending: {taken_over:?}"
                ));
            }
        } else if let Some(since) = w0.stopped_since {
            if all_terminal(&pg, &taken_over) && since.elapsed() >= HOLD_STOPPED {
                stopped_secs = since.elapsed().as_secs_f64();
                // Counted before it goes on, so its own refusal cannot be in the count.
                fenced_before = fenced_attempts(&pg, Some(taken_over.as_slice()));
                // Its sessions end while it is stopped (with everyone's), as after a pause
                // the server outlived: its answer must be written on a new one.
                let n = pg.terminate_backends();
                fleet.tally.sessions_ended += n;
                let w0 = &mut fleet.workers[0];
                w0.proc.as_ref().unwrap().signal(libc::SIGCONT);
                log(&format!(
                    "those slots were finished by others; {n} sessions ended; worker 0 \
                     continued after {stopped_secs:.1}s"
                ));
                w0.stopped_since = None;
                w0.stops_itself = false;
                w0.fence_pending = Some(Instant::now());
                stop_cycle_done = true;
            } else if since.elapsed() > Duration::from_secs(90) {
                return Err(format!(
                    "the stopped worker's slots {taken_over:?} were not taken over in 90 s"
                ));
            }
        }
        // Its late completion is the only one that can be refused on the slots it held (the
        // others finished them): wait for a "not applied" there that was not before.
        if let Some(t) = fleet.workers[0].fence_pending {
            let fenced_now = fenced_attempts(&pg, Some(taken_over.as_slice()));
            if fenced_now > fenced_before {
                fleet.workers[0].fence_pending = None;
                log(&format!(
                    "worker 0's late completion was fenced {:.2}s after it went on \
                     (\"not applied\" on its slots: {fenced_before} before, {fenced_now} after)",
                    t.elapsed().as_secs_f64()
                ));
            } else if t.elapsed() > Duration::from_secs(20) {
                return Err(format!(
                    "worker 0's late completion left no \"not applied\" attempt on the slots \
                     it held 20 s after it went on (stopped {stopped_secs:.1}s): its answer was \
                     dropped, or a stale completion was applied"
                ));
            }
        }
        let elapsed = started.elapsed();
        if stop_cycle_done
            && fleet.workers[0].fence_pending.is_none()
            && restarted
            && fleet.tally.terminations >= 2
            && elapsed >= min_recording
        {
            break;
        }
        if now > recording_deadline {
            return Err(format!(
                "the chaos phase did not finish in time (stop cycle done: {stop_cycle_done}, \
                 the stopping worker {} stopped; restarted: {restarted})",
                if fleet.workers[0].stops_itself {
                    "never"
                } else {
                    "was"
                }
            ));
        }
        std::thread::sleep(Duration::from_millis(20));
    }

    // ---- drain: recording stops, time moves past every hour, everyone flushes.
    log("recording stops");
    std::fs::write(control.join("stop"), b"").unwrap();
    fleet.wait_for_all(|w| w.recorded, 60, "stop recording")?;
    ticker.jump_ms(3 * 3_600_000);
    log("the clock moves past every hour; every worker flushes");
    std::fs::write(control.join("flush"), b"").unwrap();
    fleet.wait_for_all(|w| w.done, 150, "drain (flush, stats, close)")?;
    for w in &mut fleet.workers {
        if let Some(p) = w.proc.take() {
            let _ = p.kill();
        }
    }
    drop(ticker);

    // ---- the checks
    let mut problems = Vec::new();
    let acked: u64 = fleet.workers.iter().map(|w| w.next - FIRST_EVENT).sum();
    let streams: Vec<(u64, u64)> = fleet.workers.iter().map(|w| (w.seed, w.next)).collect();
    let ledger = admin.ledger();
    if let Err(e) = sim::compare(&expected(&streams), &sim::billed(&ledger, &[])) {
        problems.push(format!("ledger vs acknowledged: {e}"));
    }
    let mut keys = HashSet::new();
    for e in &ledger {
        let k = (
            e["customer_identifier"].to_string(),
            e["dimension"].to_string(),
            e["hour"].to_string(),
        );
        if !keys.insert(k.clone()) {
            problems.push(format!("billed twice in the ledger: {k:?}"));
        }
    }
    let requests = admin.admin("GET", "/__mpm/requests", "");
    let dup_records = requests["record_statuses"]["DuplicateRecord"]
        .as_u64()
        .unwrap_or(0);
    if dup_records != 0 {
        problems.push(format!("{dup_records} DuplicateRecord: {requests}"));
    }
    let ops = &requests["operations"];
    let dup_requests = ops["BatchMeterUsage"]["outcomes"]["DuplicateRequestException"]
        .as_u64()
        .unwrap_or(0);
    if dup_requests != 0 {
        problems.push(format!("{dup_requests} DuplicateRequestException"));
    }
    for f in &fleet.tally.flushes {
        if !f.contains("FLUSH 0") {
            problems.push(format!("flush failed: {f}"));
        }
    }
    // Every slot terminal, and accepted (or a duplicate of our own earlier send): with no
    // conflicting usage and every customer subscribed, nothing else is right. States as in
    // mpmeter.h: 0 open, 1 sealed, 2 sending, 3 accepted, 4 duplicate, 5 conflict, 6
    // rejected, 7 expired.
    let states = pg.rows("SELECT state, count(*) FROM mpmeter.slots GROUP BY state ORDER BY state");
    if states.iter().any(|r| !(r[0] == "3" || r[0] == "4")) {
        problems.push(format!(
            "slots by state at the end (state, count): {states:?}"
        ));
    }
    let twice: Vec<_> = fleet
        .tally
        .terminal_reports
        .iter()
        .filter(|(_, &n)| n > 1)
        .map(|(k, n)| format!("{}/{}/{} {n} times", k.0, k.1, k.2))
        .collect();
    if !twice.is_empty() {
        problems.push(format!(
            "{} slots reported terminal more than once (a stale completion was applied): {}",
            twice.len(),
            twice.iter().take(5).cloned().collect::<Vec<_>>().join(", ")
        ));
    }
    let fenced = fenced_attempts(&pg, None);
    if fenced == 0 {
        problems.push(
            "the stopped worker's late completion left no \"not applied\" attempt: the fence \
             was not exercised, or a stale completion was applied"
                .into(),
        );
    }
    let arrivals = admin.admin("GET", "/__mpm/arrivals", "");
    let busiest = arrivals["busiest"].as_u64().unwrap_or(u64::MAX);
    if busiest > RATE_LIMIT {
        let from = arrivals["busiest_start_ms"].as_u64().unwrap_or(0);
        let window: Vec<String> = arrivals["arrivals"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|a| (from..from + 1000).contains(&a["at_ms"].as_u64().unwrap_or(0)))
            .map(|a| format!("{}ms {}", a["at_ms"], a["outcome"].as_str().unwrap_or("")))
            .collect();
        problems.push(format!(
            "{busiest} requests reached the emulator within one second: above the fleet's limit \
             of {RATE_LIMIT} ({})",
            window.join(", ")
        ));
    }
    let report = Report {
        secs: started.elapsed().as_secs_f64(),
        acked,
        incarnations: fleet.workers.iter().map(|w| w.incarnations).sum(),
        ledger_entries: ledger.len(),
        requests: requests["total"].as_u64().unwrap_or(0),
        busiest,
        fenced,
        stopped_secs,
        tally: std::mem::take(&mut fleet.tally),
    };
    let _ = std::fs::remove_dir_all(&control);
    if problems.is_empty() {
        Ok(report)
    } else {
        Err(format!(
            "{} (acked {}, ledger {} entries, {} requests)",
            problems.join("; "),
            report.acked,
            report.ledger_entries,
            report.requests
        ))
    }
}

#[test]
#[ignore = "the fleet's crash test: make test-fleet"]
fn fleet_of_three_bills_every_acknowledged_record_exactly_once() {
    if Postgres::start().is_none() {
        return;
    }
    let seed = env_u64("MPM_FLEET_SEED", 11);
    match fleet(seed) {
        Ok(r) => {
            let t = &r.tally;
            println!(
                "fleet: {:.0}s, {} events acknowledged by {} worker processes ({} SIGKILLs, {} \
                 hook deaths), {} terminate rounds ending {} sessions, 1 PostgreSQL restart, {} \
                 record errors retried, worker 0 stopped {:.1}s past its lease, {} late \
                 completions fenced; ledger {} entries, {} requests, busiest second {} (limit {})",
                r.secs,
                r.acked,
                r.incarnations,
                t.kills,
                t.hook_deaths,
                t.terminations,
                t.sessions_ended,
                t.record_errors,
                r.stopped_secs,
                r.fenced,
                r.ledger_entries,
                r.requests,
                r.busiest,
                RATE_LIMIT
            );
        }
        Err(e) => panic!("fleet test failed: {e}"),
    }
}

/// What the fleet test and the bench start with: an empty control directory (the shared clock
/// file and the workers' signal files), the emulator on its pinned clock with the fleet's
/// rate limit, and `customers` customers named by `name`, subscribed to demo-product.
fn setup(
    name: &str,
    customers: u64,
    customer: &dyn Fn(u64) -> String,
) -> (PathBuf, emulator_support::Emulator, EmuAdmin) {
    let control = std::env::temp_dir().join(format!("mpm-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&control);
    std::fs::create_dir_all(&control).unwrap();
    let t0 = (T0_MS / 1000).to_string();
    let rate = RATE_LIMIT.to_string();
    let emu = emulator_support::Emulator::start(&[
        "--no-auth",
        "--clock-now",
        &t0,
        "--rate-limit",
        &rate,
    ]);
    let admin = EmuAdmin {
        addr: emu.url.trim_start_matches("http://").to_string(),
    };
    let list: Vec<serde_json::Value> = (0..customers)
        .map(|n| {
            serde_json::json!({"identifier": customer(n),
                               "account_id": format!("30000{n:07}"),
                               "subscriptions": ["demo-product"]})
        })
        .collect();
    admin.admin(
        "POST",
        "/__mpm/config",
        &serde_json::json!({ "customers": list }).to_string(),
    );
    (control, emu, admin)
}
