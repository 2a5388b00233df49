//! The child processes: this test binary re-run as `child_process` with MPM_PROOF_ROLE set.
//!
//! `record` opens the outboxes of its mode (mode.rs) through the C API, records the seeded
//! stream from MPM_PROOF_START and prints `ACK index customer dimension quantity event_id`
//! after each `mpm_outbox_record` returns MPM_OK. With MPM_PROOF_FLUSH_AT it is the last run:
//! it waits for the simulated clock to get there, flushes every outbox and prints, per outbox,
//! `FLUSH name rc message`, `STATS name open pending accepted duplicate conflict rejected
//! expired foreign` and one `SLOT name key dimension hour state quantity record_id foreign` per
//! slot, then `DONE`.
//!
//! `sqlite` commits one row at a time through the power-cut VFS, for the VFS's own test.

use crate::api::{self, *};
use crate::mode::{ProofMode, COPY_MACHINE, COPY_OWN_DIMENSION, COPY_OWN_QUANTITY};
use crate::procs::out;
use crate::sim::*;
use crate::{cs, env, env_u64, vfs};
use std::path::Path;
use std::time::Duration;

pub fn run(role: &str) {
    match role {
        "record" => record(),
        "sqlite" => sqlite(),
        other => panic!("unknown role {other}"),
    }
}

/// One outbox of the child and the client it delivers through.
struct Recorder {
    name: &'static str,
    ob: *mut mpm_outbox,
    client: *mut std::ffi::c_void,
}

fn open(mode: ProofMode, name: &'static str, clock: &SharedClock, use_vfs: bool) -> Recorder {
    let dir = env("MPM_PROOF_DIR").unwrap();
    let store = Path::new(&dir).join(mode.store_file(name));
    let client = api::client_with_key(&env("MPM_PROOF_ENDPOINT").unwrap(), &mode.access_key(name));
    let ob = api::open_outbox(client, &store, clock, |o| unsafe {
        if mode == ProofMode::Machine {
            assert_eq!(
                mpm_outbox_options_set_mode(o, MPM_OUTBOX_MODE_MACHINE),
                MPM_OK
            );
            let id = cs(&ProofMode::identity(name));
            assert_eq!(
                mpm_outbox_options_set_machine_identity(o, id.as_ptr()),
                MPM_OK
            );
        }
        if use_vfs {
            assert_eq!(
                mpm_outbox_options_set_sqlite_vfs(o, cs(vfs::NAME).as_ptr()),
                MPM_OK,
                "{}",
                api::last_message()
            );
        }
    });
    let ob = match ob {
        Ok(ob) => ob,
        Err(m) => {
            out(&format!("OPENFAIL {name} {m}"));
            std::process::exit(2);
        }
    };
    Recorder { name, ob, client }
}

fn record_one(
    r: &Recorder,
    customer: Option<&str>,
    dimension: &str,
    t: i64,
    q: &str,
    id: &str,
) -> i32 {
    let customer = customer.map(cs);
    unsafe {
        mpm_outbox_record(
            r.ob,
            customer.as_ref().map_or(std::ptr::null(), |c| c.as_ptr()),
            cs(dimension).as_ptr(),
            t,
            cs(q).as_ptr(),
            cs(id).as_ptr(),
        )
    }
}

fn record() {
    let mode = ProofMode::parse(&env("MPM_PROOF_MODE").unwrap());
    let clock = SharedClock::map(Path::new(&env("MPM_PROOF_CLOCK").unwrap()));
    let seed = env_u64("MPM_PROOF_SEED", 1);
    let start = env_u64("MPM_PROOF_START", 0);
    let end = env_u64("MPM_PROOF_END", u64::MAX);
    let use_vfs = env("MPM_PROOF_VFS").is_some_and(|v| v == "1");
    let with_copy = env("MPM_PROOF_COPY").is_some_and(|v| v == "1");
    if use_vfs {
        vfs::register();
    }
    let recorders: Vec<Recorder> = mode
        .recorders(with_copy)
        .into_iter()
        .map(|n| open(mode, n, &clock, use_vfs))
        .collect();
    let of = |name: &str| recorders.iter().find(|r| r.name == name).unwrap();
    out("OPEN");
    for i in start..end {
        let e = event(seed, i);
        let now_s = clock.now_ms().div_euclid(1000);
        let usage_time = if e.late { now_s - 3 * 3600 } else { now_s };
        let q = e.quantity();
        let customer = (mode == ProofMode::Saas).then_some(e.customer);
        let rc = record_one(
            of(mode.recorder_of(e.customer)),
            customer,
            e.dimension,
            usage_time,
            &q,
            &e.event_id,
        );
        if rc != MPM_OK {
            out(&format!("ERR {i} {rc} {}", api::last_message()));
            std::process::exit(3);
        }
        out(&format!(
            "ACK {i} {} {} {q} {}",
            e.customer, e.dimension, e.event_id
        ));
        std::thread::sleep(Duration::from_millis(2));
    }
    let Some(at) = env("MPM_PROOF_FLUSH_AT").and_then(|v| v.parse::<i64>().ok()) else {
        return;
    };
    if with_copy {
        // The machine that booted with the copied store has usage of its own.
        let now_s = clock.now_ms().div_euclid(1000);
        let rc = record_one(
            of(COPY_MACHINE),
            None,
            COPY_OWN_DIMENSION,
            now_s,
            COPY_OWN_QUANTITY,
            "copy-own",
        );
        if rc != MPM_OK {
            out(&format!("ERR copy {rc} {}", api::last_message()));
            std::process::exit(3);
        }
        out(&format!(
            "OWN {COPY_MACHINE} {COPY_OWN_DIMENSION} {COPY_OWN_QUANTITY}"
        ));
    }
    out("RECORDED");
    while clock.now_ms() < at {
        std::thread::sleep(Duration::from_millis(5));
    }
    for r in &recorders {
        let rc = unsafe { mpm_outbox_flush(r.ob, 120_000) };
        let msg = if rc == MPM_OK {
            String::new()
        } else {
            api::last_message()
        };
        out(&format!("FLUSH {} {rc} {msg}", r.name));
    }
    for r in &recorders {
        report(mode, r, at);
        unsafe {
            mpm_outbox_close(r.ob, 5000);
            mpm_outbox_free(r.ob);
            api::mpm_client_free(r.client);
        }
    }
    out("DONE");
}

/// The outbox's own account of every slot, for the parent to hold against the ledger.
fn report(mode: ProofMode, r: &Recorder, until_ms: i64) {
    let mut st = mpm_outbox_stats::default();
    unsafe { mpm_outbox_get_stats(r.ob, &mut st) };
    out(&format!(
        "STATS {} {} {} {} {} {} {} {} {}",
        r.name,
        st.open,
        st.pending,
        st.accepted,
        st.duplicate,
        st.conflict,
        st.rejected,
        st.expired,
        st.foreign
    ));
    let own = ProofMode::identity(r.name);
    // Late usage is stamped 3 h back; nothing is older than that before T0.
    let mut hour = T0_MS / 1000 - 6 * 3600;
    while hour <= until_ms / 1000 {
        let it = unsafe { mpm_outbox_slots_of_hour(r.ob, hour) };
        assert!(!it.is_null(), "{}", api::last_message());
        loop {
            let s = unsafe { mpm_outbox_slot_iter_next(it) };
            if s.is_null() {
                break;
            }
            let text = |p| api::rs(p).unwrap_or_default();
            let customer = text(unsafe { mpm_outbox_slot_customer(s) });
            // The stream name the ledger bills the slot to.
            let key = match mode {
                ProofMode::Saas => customer,
                ProofMode::Machine if customer == own => r.name.to_string(),
                ProofMode::Machine => customer,
            };
            let id = text(unsafe { mpm_outbox_slot_metering_record_id(s) });
            out(&format!(
                "SLOT {} {key} {} {} {} {} {} {}",
                r.name,
                text(unsafe { mpm_outbox_slot_dimension(s) }),
                unsafe { mpm_outbox_slot_hour(s) },
                unsafe { mpm_outbox_slot_state(s) },
                text(unsafe { mpm_outbox_slot_quantity(s) }),
                if id.is_empty() { "-" } else { &id },
                u8::from(unsafe { mpm_outbox_slot_is_foreign(s) }),
            ));
        }
        unsafe { mpm_outbox_slot_iter_free(it) };
        hour += 3600;
    }
}

fn sqlite() {
    vfs::register();
    let path = env("MPM_PROOF_STORE").unwrap();
    let sync = env("MPM_PROOF_SYNC").unwrap_or("FULL".into());
    let conn = rusqlite::Connection::open_with_flags_and_vfs(
        &path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_CREATE,
        vfs::NAME,
    )
    .unwrap();
    let mode: String = conn
        .query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    conn.pragma_update(None, "synchronous", &sync).unwrap();
    conn.execute(
        "CREATE TABLE IF NOT EXISTS t(i INTEGER PRIMARY KEY, pad TEXT)",
        [],
    )
    .unwrap();
    let mut i: i64 = conn
        .query_row("SELECT COALESCE(MAX(i), -1) + 1 FROM t", [], |r| r.get(0))
        .unwrap();
    loop {
        conn.execute(
            "INSERT INTO t VALUES (?1, ?2)",
            rusqlite::params![i, "x".repeat(100)],
        )
        .unwrap();
        out(&format!("COMMIT {i}"));
        i += 1;
    }
}
