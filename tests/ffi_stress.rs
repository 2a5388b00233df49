//! One client shared by many threads with 10,000 calls in flight: all complete, memory comes
//! back after the responses are freed, and BatchMeterUsage never loses a record.

mod support;

use std::ffi::c_void;
use std::sync::atomic::{AtomicUsize, Ordering};

use mpmeter::ffi::*;
use support::capi::*;
use support::emulator::{Emulator, ACCESS_KEY, SECRET_KEY};

const THREADS: usize = 8;
const IN_FLIGHT: usize = 10_000;

/// Pointers handed between test threads: the C API documents handles as thread-safe.
struct Shared<T>(*mut T);
impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Shared<T> {}
impl<T> Shared<T> {
    /// Taking the pointer through a method makes closures capture the whole `Shared`.
    fn get(self) -> *mut T {
        self.0
    }
}
unsafe impl<T> Send for Shared<T> {}
unsafe impl<T> Sync for Shared<T> {}

fn rss_kib() -> usize {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap();
    let pages: usize = statm.split_whitespace().nth(1).unwrap().parse().unwrap();
    pages * 4
}

/// Starts IN_FLIGHT ResolveCustomer calls from THREADS threads before waiting on any.
fn round(client: Shared<mpm_client>, request: Shared<mpm_resolve_customer_request>) {
    let started: Vec<Vec<Shared<mpm_response>>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..THREADS)
            .map(|_| {
                s.spawn(move || {
                    (0..IN_FLIGHT / THREADS)
                        .map(|_| {
                            let r = mpm_client_resolve_customer(client.get(), request.get());
                            assert!(!r.is_null(), "{}", last_message());
                            Shared(r)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    std::thread::scope(|s| {
        for batch in started {
            s.spawn(move || {
                for r in batch {
                    let r = Shared(r.get());
                    assert_eq!(mpm_response_wait(r.0, 120_000), mpm_result::MPM_OK);
                    assert_eq!(
                        mpm_response_result(r.0),
                        mpm_result::MPM_OK,
                        "{}",
                        describe(r.0)
                    );
                    assert_eq!(
                        rs(mpm_resolve_customer_response_customer_identifier(r.0)).as_deref(),
                        Some("demo-customer-1")
                    );
                    mpm_response_free(r.0);
                }
            });
        }
    });
}

#[test]
fn ten_thousand_calls_in_flight_from_many_threads() {
    let emu = Emulator::start(&[]);
    let client = Shared(client_for(&emu.url, ACCESS_KEY, SECRET_KEY));
    let req = Shared(mpm_resolve_customer_request_new());
    mpm_resolve_customer_request_set_registration_token(
        req.0,
        cs("demo-registration-token").as_ptr(),
    );
    round(client, req);
    let after_first = rss_kib();
    round(client, req);
    round(client, req);
    let after_third = rss_kib();
    let growth = after_third.saturating_sub(after_first);
    eprintln!("RSS after round 1: {after_first} KiB, after round 3: {after_third} KiB");
    assert!(
        growth < 16 * 1024,
        "memory grew by {growth} KiB over two rounds of {IN_FLIGHT}"
    );
    mpm_resolve_customer_request_free(req.0);
    mpm_client_free(client.0);
}

struct WaitInCallback {
    other: Shared<mpm_response>,
    own: AtomicUsize,
    other_result: AtomicUsize,
    done: std::sync::Mutex<bool>,
    cv: std::sync::Condvar,
}

extern "C" fn wait_inside(resp: *const mpm_response, userdata: *mut c_void) {
    let w = unsafe { &*(userdata as *const WaitInCallback) };
    // Waiting on its own (finished) response and on another call in flight both work here.
    w.own
        .store(mpm_response_wait(resp, -1) as usize, Ordering::SeqCst);
    w.other_result.store(
        mpm_response_wait(w.other.0, 30_000) as usize,
        Ordering::SeqCst,
    );
    *w.done.lock().unwrap() = true;
    w.cv.notify_all();
}

#[test]
fn waiting_inside_a_callback_does_not_deadlock() {
    let emu = Emulator::start(&[]);
    let client = client_for(&emu.url, ACCESS_KEY, SECRET_KEY);
    let req = mpm_resolve_customer_request_new();
    mpm_resolve_customer_request_set_registration_token(
        req,
        cs("demo-registration-token").as_ptr(),
    );
    emu.fault(r#"{"mode":"delay","count":1,"delay_ms":500}"#);
    let slow = mpm_client_resolve_customer(client, req);
    let w = Box::new(WaitInCallback {
        other: Shared(slow),
        own: AtomicUsize::new(999),
        other_result: AtomicUsize::new(999),
        done: std::sync::Mutex::new(false),
        cv: std::sync::Condvar::new(),
    });
    let fast = mpm_client_resolve_customer(client, req);
    let data = &*w as *const WaitInCallback as *mut c_void;
    assert_eq!(
        mpm_response_on_finished(fast, Some(wait_inside), data),
        mpm_result::MPM_OK
    );
    let guard =
        w.cv.wait_timeout_while(
            w.done.lock().unwrap(),
            std::time::Duration::from_secs(30),
            |d| !*d,
        )
        .unwrap()
        .0;
    assert!(*guard, "the callback finished");
    drop(guard);
    assert_eq!(w.own.load(Ordering::SeqCst), mpm_result::MPM_OK as usize);
    assert_eq!(
        w.other_result.load(Ordering::SeqCst),
        mpm_result::MPM_OK as usize
    );
    mpm_response_free(fast);
    mpm_response_free(slow);
    mpm_resolve_customer_request_free(req);
    mpm_client_free(client);
}

#[test]
fn batch_results_plus_unprocessed_always_equal_the_records_sent() {
    let emu = Emulator::start(&[]);
    emu.fault(r#"{"mode":"unprocessed","fraction":0.5}"#);
    let client = client_for(&emu.url, ACCESS_KEY, SECRET_KEY);
    let accounts = ["111122223333", "444455556666"];
    let dims = ["users", "hosts", "data_gb"];
    let mut pending: Vec<*mut mpm_usage_record> = Vec::new();
    for hour in 0..5 {
        for a in accounts {
            for d in dims {
                let rec = mpm_usage_record_new();
                // Five distinct hours, however the wall clock moves meanwhile.
                mpm_usage_record_set_timestamp(rec, past_hour() - hour * 3600);
                mpm_usage_record_set_customer_aws_account_id(rec, cs(a).as_ptr());
                mpm_usage_record_set_dimension(rec, cs(d).as_ptr());
                mpm_usage_record_set_quantity(rec, 7);
                pending.push(rec);
            }
        }
    }
    let total = pending.len();
    let mut metered = 0usize;
    let mut rounds = 0;
    while !pending.is_empty() {
        rounds += 1;
        assert!(rounds < 50, "records keep coming back unprocessed");
        let req = mpm_batch_meter_usage_request_new();
        mpm_batch_meter_usage_request_set_product_code(req, cs("demo-product").as_ptr());
        let take = pending.len().min(25);
        let chunk: Vec<_> = pending.drain(..take).collect();
        for rec in &chunk {
            assert_eq!(
                mpm_batch_meter_usage_request_add_usage_record(req, *rec),
                mpm_result::MPM_OK
            );
            mpm_usage_record_free(*rec);
        }
        let resp = mpm_client_batch_meter_usage(client, req);
        assert_eq!(wait(resp), mpm_result::MPM_OK, "{}", describe(resp));
        let (mut done, mut left) = (0usize, 0usize);
        mpm_batch_meter_usage_response_result_count(resp, &mut done);
        mpm_batch_meter_usage_response_unprocessed_count(resp, &mut left);
        assert_eq!(done + left, chunk.len(), "no record lost or invented");
        metered += done;
        for i in 0..left {
            pending.push(mpm_usage_record_clone(
                mpm_batch_meter_usage_response_unprocessed_at(resp, i),
            ));
        }
        mpm_response_free(resp);
        mpm_batch_meter_usage_request_free(req);
    }
    assert_eq!(metered, total);
    assert_eq!(
        emu.ledger().as_array().unwrap().len(),
        total,
        "each record exactly once"
    );
    mpm_client_free(client);
}
