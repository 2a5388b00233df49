//! The outbox through its C API against the emulator: usage recorded, flushed, billed once,
//! each slot's fate reported by callback and by the slot iterator; a second open of the store
//! refused; every bad input a clear code; AWS's month-end rule at a pinned instant.

mod support;

use std::ffi::{c_void, CString};
use std::ptr::{null, null_mut};
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};

use mpmeter::ffi::*;
use support::capi::*;
use support::emulator::{Emulator, ACCESS_KEY, SECRET_KEY};

fn store(name: &str) -> CString {
    let dir = std::env::temp_dir().join(format!("mpm-outbox-capi-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    cs(dir.join("outbox.db").to_str().unwrap())
}

fn options(product: &str) -> *mut mpm_outbox_options {
    let o = mpm_outbox_options_new();
    assert_eq!(
        mpm_outbox_options_set_product_code(o, cs(product).as_ptr()),
        mpm_result::MPM_OK
    );
    o
}

static TERMINAL: AtomicUsize = AtomicUsize::new(0);

extern "C" fn on_terminal(slot: *const mpm_outbox_slot, userdata: *mut c_void) {
    assert_eq!(userdata as usize, 42);
    assert!(
        !mpmeter::runtime::on_worker_thread(),
        "a terminal callback ran on a runtime worker"
    );
    assert!(mpm_outbox_slot_state(slot) >= MPM_OUTBOX_STATE_ACCEPTED);
    assert!(rs(mpm_outbox_slot_quantity(slot)).is_some());
    TERMINAL.fetch_add(1, Ordering::SeqCst);
}

fn record(
    o: *mut mpm_outbox,
    customer: &str,
    dim: &str,
    t: i64,
    q: &str,
    id: Option<&str>,
) -> mpm_result {
    let id = id.map(cs);
    mpm_outbox_record(
        o,
        cs(customer).as_ptr(),
        cs(dim).as_ptr(),
        t,
        cs(q).as_ptr(),
        id.as_ref().map_or(null(), |c| c.as_ptr()),
    )
}

#[test]
fn recorded_usage_is_billed_once_and_every_slot_reported() {
    let emu = Emulator::start(&[]);
    let client = client_for(&emu.url, ACCESS_KEY, SECRET_KEY);
    let opts = options("demo-product");
    mpm_outbox_options_set_on_terminal(opts, Some(on_terminal), 42 as *mut c_void);
    // past_hour() may be more than the default 5 minutes over: keep it open until the flush.
    assert_eq!(
        mpm_outbox_options_set_seal_delay(opts, 7200),
        mpm_result::MPM_OK
    );
    let path = store("billed-once");
    let o = mpm_outbox_open(client, path.as_ptr(), opts);
    assert!(!o.is_null(), "{}", last_message());
    mpm_outbox_options_free(opts);
    mpm_client_free(client);
    let t = past_hour();
    assert_eq!(
        record(o, "demo-customer-1", "users", t, "2.5", Some("e1")),
        mpm_result::MPM_OK
    );
    assert_eq!(
        record(o, "demo-customer-1", "users", t, "2.5", Some("e1")),
        mpm_result::MPM_OK,
        "a known event id is MPM_OK"
    );
    assert_eq!(
        record(o, "demo-customer-1", "users", t + 60, "0.5", Some("e2")),
        mpm_result::MPM_OK
    );
    let events = [
        mpm_outbox_event {
            customer: c"demo-customer-2".as_ptr(),
            dimension: c"hosts".as_ptr(),
            usage_time: t,
            quantity: c"3".as_ptr(),
            event_id: null(),
        },
        mpm_outbox_event {
            customer: c"unsubscribed-customer".as_ptr(),
            dimension: c"hosts".as_ptr(),
            usage_time: t,
            quantity: c"1".as_ptr(),
            event_id: null(),
        },
    ];
    assert_eq!(
        mpm_outbox_record_batch(o, events.as_ptr(), events.len()),
        mpm_result::MPM_OK,
        "{}",
        last_message()
    );
    assert_eq!(
        mpm_outbox_flush(o, 30_000),
        mpm_result::MPM_OK,
        "{}",
        last_message()
    );

    let mut s = mpm_outbox_stats::default();
    assert_eq!(mpm_outbox_get_stats(o, &mut s), mpm_result::MPM_OK);
    assert_eq!(
        (s.accepted, s.rejected, s.pending, s.expired),
        (2, 1, 0, 0),
        "{s:?}"
    );
    assert_eq!(s.seconds_to_first_expiry, -1, "{s:?}");

    // The ledger holds each key once, with the exact sum.
    let ledger = emu.ledger();
    let rows = ledger.as_array().unwrap();
    assert_eq!(rows.len(), 2, "{ledger:#}");
    let by_customer = |c: &str| {
        rows.iter()
            .find(|r| r["customer_identifier"] == c)
            .unwrap()
            .clone()
    };
    assert_eq!(by_customer("demo-customer-1")["quantity"], "3");
    assert_eq!(by_customer("demo-customer-2")["quantity"], "3");
    assert_eq!(by_customer("demo-customer-1")["hour"], t / 3600 * 3600);

    // Reconciliation: the slots of the hour carry AWS's MeteringRecordIds.
    let it = mpm_outbox_slots_of_hour(o, t);
    assert_eq!(mpm_outbox_slot_iter_count(it), 3);
    let mut seen = 0;
    loop {
        let slot = mpm_outbox_slot_iter_next(it);
        if slot.is_null() {
            break;
        }
        seen += 1;
        let customer = rs(mpm_outbox_slot_customer(slot)).unwrap();
        assert_eq!(mpm_outbox_slot_hour(slot), t / 3600 * 3600);
        if customer == "unsubscribed-customer" {
            assert_eq!(mpm_outbox_slot_state(slot), MPM_OUTBOX_STATE_REJECTED);
            assert_eq!(
                rs(mpm_outbox_slot_reason(slot)).as_deref(),
                Some("CustomerNotSubscribed")
            );
            assert!(mpm_outbox_slot_metering_record_id(slot).is_null());
        } else {
            assert_eq!(mpm_outbox_slot_state(slot), MPM_OUTBOX_STATE_ACCEPTED);
            assert_eq!(
                rs(mpm_outbox_slot_metering_record_id(slot)).unwrap(),
                by_customer(&customer)["metering_record_id"]
                    .as_str()
                    .unwrap()
            );
        }
    }
    assert_eq!(seen, 3);
    mpm_outbox_slot_iter_free(it);

    // Close delivers the callbacks due; then the store is free for the next process.
    assert_eq!(mpm_outbox_close(o, 5_000), mpm_result::MPM_OK);
    assert_eq!(TERMINAL.load(Ordering::SeqCst), 3);
    assert_eq!(
        record(o, "demo-customer-1", "users", t, "1", None),
        mpm_result::MPM_ERR_OUTBOX_CLOSED
    );
    mpm_outbox_free(o);

    // Reopened: an event id recorded before is still known, after delivery.
    let client = client_for(&emu.url, ACCESS_KEY, SECRET_KEY);
    let opts = options("demo-product");
    let o = mpm_outbox_open(client, path.as_ptr(), opts);
    assert!(!o.is_null(), "{}", last_message());
    assert_eq!(
        record(o, "demo-customer-1", "users", t, "2.5", Some("e1")),
        mpm_result::MPM_OK
    );
    let mut s = mpm_outbox_stats::default();
    mpm_outbox_get_stats(o, &mut s);
    assert_eq!(s.open, 0, "a known event id was counted");
    assert_eq!(mpm_outbox_flush(o, 30_000), mpm_result::MPM_OK);
    assert_eq!(emu.ledger().as_array().unwrap().len(), 2);
    mpm_outbox_free(o);
    mpm_outbox_options_free(opts);
    mpm_client_free(client);
}

#[test]
fn a_second_open_of_the_store_is_refused() {
    let emu = Emulator::start(&[]);
    let client = client_for(&emu.url, ACCESS_KEY, SECRET_KEY);
    let opts = options("demo-product");
    let path = store("locked");
    let a = mpm_outbox_open(client, path.as_ptr(), opts);
    assert!(!a.is_null(), "{}", last_message());
    let b = mpm_outbox_open(client, path.as_ptr(), opts);
    assert!(b.is_null());
    assert_eq!(mpm_last_error_code(), mpm_result::MPM_ERR_STORE_LOCKED);
    assert!(last_message().contains("in use"), "{}", last_message());
    mpm_outbox_free(a);
    let c = mpm_outbox_open(client, path.as_ptr(), opts);
    assert!(!c.is_null(), "{}", last_message());
    mpm_outbox_free(c);
    mpm_outbox_options_free(opts);
    mpm_client_free(client);
}

#[test]
fn every_bad_input_is_a_clear_code() {
    let emu = Emulator::start(&[]);
    let client = client_for(&emu.url, ACCESS_KEY, SECRET_KEY);
    let opts = mpm_outbox_options_new();
    use mpm_result::*;
    assert_eq!(mpm_outbox_options_set_mode(opts, 7), MPM_ERR_UNKNOWN_ENUM);
    assert_eq!(
        mpm_outbox_options_set_late_policy(opts, 9),
        MPM_ERR_UNKNOWN_ENUM
    );
    assert_eq!(
        mpm_outbox_options_set_seal_delay(opts, -1),
        MPM_ERR_INVALID_ARGUMENT
    );
    assert_eq!(
        mpm_outbox_options_set_max_requests_per_second(opts, 0),
        MPM_ERR_INVALID_ARGUMENT
    );
    assert_eq!(
        mpm_outbox_options_set_product_code(opts, null()),
        MPM_ERR_NULL_ARGUMENT
    );
    assert_eq!(
        mpm_outbox_options_set_product_code(null_mut(), c"p".as_ptr()),
        MPM_ERR_NULL_ARGUMENT
    );
    assert_eq!(
        mpm_outbox_options_set_product_code(opts, c"\xff".as_ptr()),
        MPM_ERR_INVALID_UTF8
    );
    let path = store("bad-input");
    // No product code yet.
    assert!(mpm_outbox_open(client, path.as_ptr(), opts).is_null());
    assert_eq!(mpm_last_error_code(), MPM_ERR_INVALID_ARGUMENT);
    assert!(mpm_outbox_open(null(), path.as_ptr(), opts).is_null());
    assert_eq!(mpm_last_error_code(), MPM_ERR_NULL_ARGUMENT);
    assert!(mpm_outbox_open(client, c"postgres://db/x".as_ptr(), opts).is_null());
    assert_eq!(mpm_last_error_code(), MPM_ERR_INVALID_ARGUMENT);
    assert_eq!(
        mpm_outbox_options_set_product_code(opts, c"demo-product".as_ptr()),
        MPM_OK
    );
    let o = mpm_outbox_open(client, path.as_ptr(), opts);
    assert!(!o.is_null(), "{}", last_message());
    let t = past_hour();
    assert_eq!(
        mpm_outbox_record(
            null_mut(),
            c"c".as_ptr(),
            c"users".as_ptr(),
            t,
            c"1".as_ptr(),
            null()
        ),
        MPM_ERR_NULL_ARGUMENT
    );
    assert_eq!(
        mpm_outbox_record(o, null(), c"users".as_ptr(), t, c"1".as_ptr(), null()),
        MPM_ERR_INVALID_ARGUMENT
    );
    assert_eq!(
        mpm_outbox_record(o, c"c".as_ptr(), null(), t, c"1".as_ptr(), null()),
        MPM_ERR_NULL_ARGUMENT
    );
    assert_eq!(
        mpm_outbox_record(o, c"c".as_ptr(), c"users".as_ptr(), t, null(), null()),
        MPM_ERR_NULL_ARGUMENT
    );
    assert_eq!(
        mpm_outbox_record(
            o,
            c"c".as_ptr(),
            c"users".as_ptr(),
            t,
            c"1.0000001".as_ptr(),
            null()
        ),
        MPM_ERR_INVALID_ARGUMENT
    );
    assert!(
        last_message().contains("6 fraction digits"),
        "{}",
        last_message()
    );
    assert_eq!(
        mpm_outbox_record(
            o,
            c"c".as_ptr(),
            c"users".as_ptr(),
            t,
            c"1e3".as_ptr(),
            null()
        ),
        MPM_ERR_INVALID_ARGUMENT
    );
    assert_eq!(
        mpm_outbox_record(
            o,
            c"c".as_ptr(),
            c"users".as_ptr(),
            now() + 7200,
            c"1".as_ptr(),
            null()
        ),
        MPM_ERR_INVALID_ARGUMENT
    );
    assert_eq!(
        mpm_outbox_record(o, c"c".as_ptr(), c"\xfe".as_ptr(), t, c"1".as_ptr(), null()),
        MPM_ERR_INVALID_UTF8
    );
    assert_eq!(
        mpm_outbox_record(
            o,
            c"c".as_ptr(),
            c"users".as_ptr(),
            t,
            c"1".as_ptr(),
            c"".as_ptr()
        ),
        MPM_ERR_INVALID_ARGUMENT
    );
    assert_eq!(mpm_outbox_record_batch(o, null(), 3), MPM_ERR_NULL_ARGUMENT);
    assert_eq!(mpm_outbox_record_batch(o, null(), 0), MPM_OK);
    let bad = [mpm_outbox_event {
        customer: c"c".as_ptr(),
        dimension: c"users".as_ptr(),
        usage_time: t,
        quantity: null(),
        event_id: null(),
    }];
    assert_eq!(
        mpm_outbox_record_batch(o, bad.as_ptr(), 1),
        MPM_ERR_NULL_ARGUMENT
    );
    assert!(
        last_message().starts_with("events[0]"),
        "{}",
        last_message()
    );
    assert_eq!(mpm_outbox_flush(o, -2), MPM_ERR_INVALID_ARGUMENT);
    assert_eq!(mpm_outbox_get_stats(o, null_mut()), MPM_ERR_NULL_ARGUMENT);
    assert_eq!(
        mpm_outbox_get_stats(null(), null_mut()),
        MPM_ERR_NULL_ARGUMENT
    );
    assert!(mpm_outbox_slots_of_hour(null(), t).is_null());
    assert!(mpm_outbox_slot_iter_next(null_mut()).is_null());
    assert_eq!(mpm_outbox_slot_state(null()), 0);
    assert!(mpm_outbox_slot_customer(null()).is_null());
    assert_eq!(
        mpm_outbox_seal_now(null_mut(), null()),
        MPM_ERR_NULL_ARGUMENT
    );
    assert_eq!(mpm_outbox_close(null_mut(), 0), MPM_ERR_NULL_ARGUMENT);
    // Nothing bad was recorded.
    let mut s = mpm_outbox_stats::default();
    assert_eq!(mpm_outbox_get_stats(o, &mut s), MPM_OK);
    assert_eq!((s.open, s.pending), (0, 0));
    for code in [
        MPM_ERR_STORE,
        MPM_ERR_STORE_LOCKED,
        MPM_ERR_LATE_USAGE,
        MPM_ERR_OUTBOX_CLOSED,
        MPM_ERR_MACHINE_IDENTITY,
    ] {
        assert!(rs(mpm_result_name(code as u32))
            .unwrap()
            .starts_with("MPM_ERR_"));
    }
    mpm_outbox_free(o);
    mpm_outbox_free(null_mut());
    mpm_outbox_options_free(opts);
    mpm_client_free(client);
}

static PINNED_MS: AtomicI64 = AtomicI64::new(0);

extern "C" fn pinned_clock(_: *mut c_void) -> i64 {
    PINNED_MS.load(Ordering::SeqCst)
}

/// 2028-03-01 05:59 UTC: the last hour of February (a leap day) is still billed in its own
/// hour; at 06:00 the month is closed and usage for it is refused as late.
#[test]
fn the_month_end_rule_at_a_pinned_instant() {
    let at_0559 = 1_835_503_140; // 2028-03-01T05:59:00Z
    let emu = Emulator::start(&["--no-auth", "--clock-now", "2028-03-01T05:59:00Z"]);
    PINNED_MS.store(at_0559 * 1000, Ordering::SeqCst);
    let client = client_for(&emu.url, ACCESS_KEY, SECRET_KEY);
    let opts = options("demo-product");
    assert_eq!(
        mpm_outbox_options_set_clock(opts, Some(pinned_clock), null_mut()),
        mpm_result::MPM_OK
    );
    let path = store("month-end");
    let o = mpm_outbox_open(client, path.as_ptr(), opts);
    assert!(!o.is_null(), "{}", last_message());
    let leap_day_2330 = 1_835_479_800; // 2028-02-29T23:30:00Z
    assert_eq!(
        record(o, "demo-customer-1", "users", leap_day_2330, "4", None),
        mpm_result::MPM_OK,
        "{}",
        last_message()
    );
    assert_eq!(
        mpm_outbox_flush(o, 30_000),
        mpm_result::MPM_OK,
        "{}",
        last_message()
    );
    let rows = emu.ledger();
    assert_eq!(rows.as_array().unwrap().len(), 1, "{rows:#}");
    assert_eq!(rows[0]["hour"], 1_835_478_000_i64);
    let mut s = mpm_outbox_stats::default();
    mpm_outbox_get_stats(o, &mut s);
    assert_eq!(s.accepted, 1);
    PINNED_MS.store((at_0559 + 60) * 1000, Ordering::SeqCst);
    assert_eq!(
        record(o, "demo-customer-2", "users", leap_day_2330, "1", None),
        mpm_result::MPM_ERR_LATE_USAGE
    );
    assert!(last_message().contains("month"), "{}", last_message());
    mpm_outbox_free(o);
    mpm_outbox_options_free(opts);
    mpm_client_free(client);
}

/// Machine mode: MeterUsage with the identity the application gives, the ClientToken chosen at
/// seal (seal-now, as a machine that shuts down), billed once in the emulator's ledger.
#[test]
fn machine_mode_meters_usage_once_per_hour() {
    let emu = Emulator::start(&[]);
    let client = client_for(&emu.url, ACCESS_KEY, SECRET_KEY);
    let opts = options("demo-product");
    assert_eq!(
        mpm_outbox_options_set_mode(opts, MPM_OUTBOX_MODE_MACHINE),
        mpm_result::MPM_OK
    );
    assert_eq!(
        mpm_outbox_options_set_machine_identity(opts, c"ec2-instance:i-0test".as_ptr()),
        mpm_result::MPM_OK
    );
    let path = store("machine");
    let o = mpm_outbox_open(client, path.as_ptr(), opts);
    assert!(!o.is_null(), "{}", last_message());
    let t = now();
    assert_eq!(
        mpm_outbox_record(
            o,
            c"c".as_ptr(),
            c"hosts".as_ptr(),
            t,
            c"1".as_ptr(),
            null()
        ),
        mpm_result::MPM_ERR_INVALID_ARGUMENT,
        "a customer in machine mode"
    );
    for q in [c"1", c"0.25"] {
        assert_eq!(
            mpm_outbox_record(o, null(), c"hosts".as_ptr(), t, q.as_ptr(), null()),
            mpm_result::MPM_OK,
            "{}",
            last_message()
        );
    }
    assert_eq!(mpm_outbox_seal_now(o, null()), mpm_result::MPM_OK);
    assert_eq!(
        mpm_outbox_flush(o, 30_000),
        mpm_result::MPM_OK,
        "{}",
        last_message()
    );
    let rows = emu.ledger();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 1, "{rows:#?}");
    assert_eq!(rows[0]["operation"], "MeterUsage");
    assert_eq!(rows[0]["quantity"], "1.25");
    assert_eq!(rows[0]["hour"], t / 3600 * 3600);
    let it = mpm_outbox_slots_of_hour(o, t);
    let slot = mpm_outbox_slot_iter_next(it);
    assert_eq!(mpm_outbox_slot_state(slot), MPM_OUTBOX_STATE_ACCEPTED);
    assert_eq!(
        rs(mpm_outbox_slot_customer(slot)).unwrap(),
        "ec2-instance:i-0test"
    );
    assert_eq!(
        rs(mpm_outbox_slot_metering_record_id(slot)).unwrap(),
        rows[0]["metering_record_id"].as_str().unwrap()
    );
    assert!(!mpm_outbox_slot_is_foreign(slot));
    mpm_outbox_slot_iter_free(it);
    mpm_outbox_free(o);

    // The same store on another machine: the slot is foreign, counted and never sent.
    assert_eq!(
        mpm_outbox_options_set_machine_identity(opts, c"ec2-instance:i-0other".as_ptr()),
        mpm_result::MPM_OK
    );
    let o = mpm_outbox_open(client, path.as_ptr(), opts);
    assert!(!o.is_null(), "{}", last_message());
    let it = mpm_outbox_slots_of_hour(o, t);
    assert!(mpm_outbox_slot_is_foreign(mpm_outbox_slot_iter_next(it)));
    mpm_outbox_slot_iter_free(it);
    mpm_outbox_free(o);
    mpm_outbox_options_free(opts);
    mpm_client_free(client);
}
