//! The outbox's fleet mode through the C API: a postgres:// store opened, recorded into and
//! delivered from against the emulator, its schema and lease options, bad values refused,
//! and the URL's password in no message. The database is the harness's (a fresh one per
//! test on a throwaway server: core/tests/support/postgres.rs).

mod support;

use std::ptr::null;

use mpmeter::ffi::*;
use support::capi::*;
use support::clock::past_hour;
use support::emulator::{Emulator, ACCESS_KEY, SECRET_KEY};
use support::postgres::Postgres;

fn options(product: &str) -> *mut mpm_outbox_options {
    let o = mpm_outbox_options_new();
    assert_eq!(
        mpm_outbox_options_set_product_code(o, cs(product).as_ptr()),
        mpm_result::MPM_OK
    );
    o
}

fn record(o: *mut mpm_outbox, customer: &str, t: i64, q: &str, id: &str) -> mpm_result {
    mpm_outbox_record(
        o,
        cs(customer).as_ptr(),
        c"users".as_ptr(),
        t,
        cs(q).as_ptr(),
        cs(id).as_ptr(),
    )
}

#[test]
fn a_postgres_store_records_and_delivers_through_the_c_api() {
    let Some(pg) = Postgres::start() else { return };
    let emu = Emulator::start(&[]);
    let client = client_for(&emu.url, ACCESS_KEY, SECRET_KEY);
    let opts = options("demo-product");
    // past_hour() may be more than the default 5 minutes over: keep it open until the flush.
    assert_eq!(
        mpm_outbox_options_set_seal_delay(opts, 7200),
        mpm_result::MPM_OK
    );
    assert_eq!(
        mpm_outbox_options_set_postgres_schema(opts, c"billing".as_ptr()),
        mpm_result::MPM_OK
    );
    assert_eq!(
        mpm_outbox_options_set_lease_seconds(opts, 10),
        mpm_result::MPM_OK
    );
    let url = cs(&pg.url());
    let o = mpm_outbox_open(client, url.as_ptr(), opts);
    assert!(!o.is_null(), "{}", last_message());
    mpm_outbox_options_free(opts);
    mpm_client_free(client);
    let t = past_hour();
    assert_eq!(
        record(o, "demo-customer-1", t, "2.5", "e1"),
        mpm_result::MPM_OK
    );
    assert_eq!(
        record(o, "demo-customer-1", t, "2.5", "e1"),
        mpm_result::MPM_OK,
        "a known event id is MPM_OK"
    );
    assert_eq!(
        record(o, "demo-customer-2", t, "1", "e2"),
        mpm_result::MPM_OK
    );
    assert_eq!(
        pg.sql("SELECT customer, quantity, state FROM billing.slots ORDER BY customer"),
        "demo-customer-1\t2500000\t0\ndemo-customer-2\t1000000\t0"
    );
    assert_eq!(
        mpm_outbox_flush(o, 30_000),
        mpm_result::MPM_OK,
        "{}",
        last_message()
    );
    let mut s = mpm_outbox_stats::default();
    assert_eq!(mpm_outbox_get_stats(o, &mut s), mpm_result::MPM_OK);
    assert_eq!((s.accepted, s.pending, s.open), (2, 0, 0), "{s:?}");
    let ledger = emu.ledger();
    assert_eq!(ledger.as_array().unwrap().len(), 2, "{ledger:#}");
    assert_eq!(
        pg.sql(
            "SELECT count(*) FROM billing.slots WHERE state = 3 AND metering_record_id IS NOT NULL"
        ),
        "2"
    );
    assert_eq!(mpm_outbox_close(o, 5_000), mpm_result::MPM_OK);
    mpm_outbox_free(o);
}

#[test]
fn bad_fleet_options_a_wrong_password_and_machine_mode_are_refused_clearly() {
    let Some(pg) = Postgres::start() else { return };
    let emu = Emulator::start(&[]);
    let client = client_for(&emu.url, ACCESS_KEY, SECRET_KEY);
    let opts = options("demo-product");
    for bad in [c"Billing", c"pg_x", c"a-b", c""] {
        assert_eq!(
            mpm_outbox_options_set_postgres_schema(opts, bad.as_ptr()),
            mpm_result::MPM_ERR_INVALID_ARGUMENT
        );
        assert!(last_message().contains("schema"), "{}", last_message());
    }
    assert_eq!(
        mpm_outbox_options_set_postgres_schema(opts, null()),
        mpm_result::MPM_ERR_NULL_ARGUMENT
    );
    for bad in [4, 3601, -1] {
        assert_eq!(
            mpm_outbox_options_set_lease_seconds(opts, bad),
            mpm_result::MPM_ERR_INVALID_ARGUMENT
        );
        assert!(last_message().contains("lease"), "{}", last_message());
    }
    let wrong = pg.url().replace(pg.password(), "wrong-password-5678");
    let o = mpm_outbox_open(client, cs(&wrong).as_ptr(), opts);
    assert!(o.is_null());
    assert_eq!(mpm_last_error_code(), mpm_result::MPM_ERR_STORE);
    let m = last_message();
    assert!(m.contains("PostgreSQL"), "{m}");
    // The server's reason, not tokio-postgres's bare "db error".
    assert!(
        m.contains("password authentication failed") && m.contains("28P01"),
        "{m}"
    );
    assert!(
        !m.contains("wrong-password-5678") && !m.contains(pg.password()),
        "{m}"
    );
    assert_eq!(
        mpm_outbox_options_set_mode(opts, MPM_OUTBOX_MODE_MACHINE),
        mpm_result::MPM_OK
    );
    let o = mpm_outbox_open(client, cs(&pg.url()).as_ptr(), opts);
    assert!(o.is_null());
    assert_eq!(mpm_last_error_code(), mpm_result::MPM_ERR_INVALID_ARGUMENT);
    assert!(
        last_message().contains("machine mode"),
        "{}",
        last_message()
    );
    assert!(!last_message().contains(pg.password()));
    mpm_outbox_options_free(opts);
    mpm_client_free(client);
}
