//! The C API driven from Rust through the exported functions, against the emulator started on
//! 127.0.0.1: each operation succeeds and every response field is read; errors reach the
//! caller with their enum value, code, message and request id; retries and cancellation.

mod support;

use std::ptr::null;

use mpmeter::ffi::*;
use support::capi::*;
use support::emulator::{Emulator, ACCESS_KEY, SECRET_KEY};

fn meter_request(dimension: &str, quantity: i32, timestamp: i64) -> *mut mpm_meter_usage_request {
    let req = mpm_meter_usage_request_new();
    assert_eq!(
        mpm_meter_usage_request_set_product_code(req, cs("demo-product").as_ptr()),
        mpm_result::MPM_OK
    );
    assert_eq!(
        mpm_meter_usage_request_set_timestamp(req, timestamp),
        mpm_result::MPM_OK
    );
    assert_eq!(
        mpm_meter_usage_request_set_usage_dimension(req, cs(dimension).as_ptr()),
        mpm_result::MPM_OK
    );
    assert_eq!(
        mpm_meter_usage_request_set_usage_quantity(req, quantity),
        mpm_result::MPM_OK
    );
    req
}

#[test]
fn meter_usage_succeeds_and_is_idempotent_within_the_hour() {
    let emu = Emulator::start(&[]);
    let client = client_for(&emu.url, ACCESS_KEY, SECRET_KEY);
    // One timestamp for every request here: the same hour whenever the test runs.
    let ts = past_hour();
    let req = meter_request("users", 3, ts);
    let first = mpm_client_meter_usage(client, req);
    assert_eq!(wait(first), mpm_result::MPM_OK, "{}", describe(first));
    let id = rs(mpm_meter_usage_response_metering_record_id(first)).expect("record id");
    assert_eq!(mpm_response_http_status(first), 200);
    assert_eq!(mpm_response_attempts(first), 1);
    assert!(rs(mpm_response_request_id(first)).is_some());
    assert_eq!(
        mpm_response_operation(first),
        mpm_operation::MPM_OPERATION_METER_USAGE
    );
    assert_eq!(
        mpm_response_service_error(first),
        mpm_service_error::MPM_SERVICE_ERROR_NONE
    );
    assert!(mpm_response_error_message(first).is_null());

    // The same record again (a fresh ClientToken each call) is the same metering record.
    let again = mpm_client_meter_usage(client, req);
    assert_eq!(wait(again), mpm_result::MPM_OK, "{}", describe(again));
    assert_eq!(
        rs(mpm_meter_usage_response_metering_record_id(again)).as_deref(),
        Some(id.as_str())
    );

    // Another quantity for the same hour is a DuplicateRequestException.
    let dup_req = meter_request("users", 4, ts);
    let dup = mpm_client_meter_usage(client, dup_req);
    assert_eq!(wait(dup), mpm_result::MPM_ERR_SERVICE);
    assert_eq!(
        mpm_response_service_error(dup),
        mpm_service_error::MPM_SERVICE_ERROR_DUPLICATE_REQUEST
    );
    assert_eq!(
        rs(mpm_response_error_code(dup)).as_deref(),
        Some("DuplicateRequestException")
    );
    assert!(!rs(mpm_response_error_message(dup)).unwrap().is_empty());
    assert!(rs(mpm_response_request_id(dup)).is_some());
    assert_eq!(mpm_response_http_status(dup), 400);
    // A typed getter on a failed call fails cleanly.
    assert!(mpm_meter_usage_response_metering_record_id(dup).is_null());
    assert_eq!(mpm_last_error_code(), mpm_result::MPM_ERR_NO_OUTPUT);

    let ledger = emu.ledger();
    let records = ledger.as_array().expect("ledger array");
    assert_eq!(records.len(), 1, "{ledger}");
    for r in [first, again, dup] {
        mpm_response_free(r);
    }
    mpm_meter_usage_request_free(req);
    mpm_meter_usage_request_free(dup_req);
    mpm_client_free(client);
}

#[test]
fn batch_meter_usage_reads_every_result_and_echoed_record() {
    let emu = Emulator::start(&[]);
    let client = client_for(&emu.url, ACCESS_KEY, SECRET_KEY);
    let req = mpm_batch_meter_usage_request_new();
    assert_eq!(
        mpm_batch_meter_usage_request_set_product_code(req, cs("demo-product").as_ptr()),
        mpm_result::MPM_OK
    );
    let ts = now() - 60;
    let customers = ["111122223333", "444455556666", "777788889999"];
    for (i, account) in customers.iter().enumerate() {
        let rec = mpm_usage_record_new();
        assert_eq!(mpm_usage_record_set_timestamp(rec, ts), mpm_result::MPM_OK);
        assert_eq!(
            mpm_usage_record_set_customer_aws_account_id(rec, cs(account).as_ptr()),
            mpm_result::MPM_OK
        );
        assert_eq!(
            mpm_usage_record_set_dimension(rec, cs("data_gb").as_ptr()),
            mpm_result::MPM_OK
        );
        let q = format!("{}.25", i + 1);
        assert_eq!(
            mpm_usage_record_set_quantity_as_decimal(rec, cs(&q).as_ptr()),
            mpm_result::MPM_OK
        );
        assert_eq!(
            mpm_batch_meter_usage_request_add_usage_record(req, rec),
            mpm_result::MPM_OK
        );
        mpm_usage_record_free(rec);
    }
    let resp = mpm_client_batch_meter_usage(client, req);
    assert_eq!(wait(resp), mpm_result::MPM_OK, "{}", describe(resp));
    let mut n = 0usize;
    assert_eq!(
        mpm_batch_meter_usage_response_result_count(resp, &mut n),
        mpm_result::MPM_OK
    );
    assert_eq!(n, 3);
    let mut unprocessed = 99usize;
    assert_eq!(
        mpm_batch_meter_usage_response_unprocessed_count(resp, &mut unprocessed),
        mpm_result::MPM_OK
    );
    assert_eq!(unprocessed, 0);
    for (i, account) in customers.iter().enumerate() {
        let r = mpm_batch_meter_usage_response_result_at(resp, i);
        assert!(!r.is_null());
        let want = if i == 2 {
            mpm_record_status::MPM_RECORD_STATUS_CUSTOMER_NOT_SUBSCRIBED
        } else {
            mpm_record_status::MPM_RECORD_STATUS_SUCCESS
        };
        assert_eq!(mpm_usage_record_result_status(r), want);
        let echoed = mpm_usage_record_result_usage_record(r);
        assert_eq!(
            rs(mpm_usage_record_customer_aws_account_id(echoed)).as_deref(),
            Some(*account)
        );
        assert_eq!(
            rs(mpm_usage_record_dimension(echoed)).as_deref(),
            Some("data_gb")
        );
        assert_eq!(
            rs(mpm_usage_record_quantity_as_decimal(echoed)),
            Some(format!("{}.25", i + 1))
        );
        let mut t = 0i64;
        assert_eq!(
            mpm_usage_record_timestamp(echoed, &mut t),
            mpm_result::MPM_OK
        );
        assert_eq!(t, ts);
        if i < 2 {
            assert!(rs(mpm_usage_record_result_metering_record_id(r)).is_some());
            assert_eq!(
                rs(mpm_usage_record_result_status_name(r)).as_deref(),
                Some("Success")
            );
        }
    }
    assert!(mpm_batch_meter_usage_response_result_at(resp, 3).is_null());
    assert_eq!(
        mpm_last_error_code(),
        mpm_result::MPM_ERR_INDEX_OUT_OF_RANGE
    );
    // Wrong operation's getter.
    assert!(mpm_meter_usage_response_metering_record_id(resp).is_null());
    assert_eq!(mpm_last_error_code(), mpm_result::MPM_ERR_WRONG_OPERATION);
    assert_eq!(emu.ledger().as_array().unwrap().len(), 2);
    mpm_response_free(resp);
    mpm_batch_meter_usage_request_free(req);
    mpm_client_free(client);
}

#[test]
fn unprocessed_records_can_be_resent_as_they_are() {
    let emu = Emulator::start(&[]);
    emu.fault(r#"{"mode":"unprocessed","count":1,"unprocessed_count":2}"#);
    let client = client_for(&emu.url, ACCESS_KEY, SECRET_KEY);
    let req = mpm_batch_meter_usage_request_new();
    mpm_batch_meter_usage_request_set_product_code(req, cs("demo-product").as_ptr());
    for dim in ["users", "hosts", "data_gb"] {
        let rec = mpm_usage_record_new();
        mpm_usage_record_set_timestamp(rec, now());
        mpm_usage_record_set_customer_identifier(rec, cs("demo-customer-1").as_ptr());
        mpm_usage_record_set_dimension(rec, cs(dim).as_ptr());
        mpm_usage_record_set_quantity(rec, 5);
        assert_eq!(
            mpm_batch_meter_usage_request_add_usage_record(req, rec),
            mpm_result::MPM_OK
        );
        mpm_usage_record_free(rec);
    }
    let resp = mpm_client_batch_meter_usage(client, req);
    assert_eq!(wait(resp), mpm_result::MPM_OK, "{}", describe(resp));
    let (mut done, mut left) = (0usize, 0usize);
    mpm_batch_meter_usage_response_result_count(resp, &mut done);
    mpm_batch_meter_usage_response_unprocessed_count(resp, &mut left);
    assert_eq!(
        (done, left),
        (1, 2),
        "results plus unprocessed equal the records sent"
    );
    let retry = mpm_batch_meter_usage_request_new();
    mpm_batch_meter_usage_request_set_product_code(retry, cs("demo-product").as_ptr());
    for i in 0..left {
        let rec = mpm_batch_meter_usage_response_unprocessed_at(resp, i);
        assert_eq!(
            mpm_batch_meter_usage_request_add_usage_record(retry, rec),
            mpm_result::MPM_OK
        );
    }
    let resp2 = mpm_client_batch_meter_usage(client, retry);
    assert_eq!(wait(resp2), mpm_result::MPM_OK, "{}", describe(resp2));
    mpm_batch_meter_usage_response_result_count(resp2, &mut done);
    assert_eq!(done, 2);
    assert_eq!(
        emu.ledger().as_array().unwrap().len(),
        3,
        "every record metered exactly once"
    );
    for r in [resp, resp2] {
        mpm_response_free(r);
    }
    mpm_batch_meter_usage_request_free(req);
    mpm_batch_meter_usage_request_free(retry);
    mpm_client_free(client);
}

#[test]
fn resolve_customer_and_register_usage_read_every_field() {
    let emu = Emulator::start(&[]);
    let client = client_for(&emu.url, ACCESS_KEY, SECRET_KEY);
    let rc = mpm_resolve_customer_request_new();
    mpm_resolve_customer_request_set_registration_token(rc, cs("demo-registration-token").as_ptr());
    let resp = mpm_client_resolve_customer(client, rc);
    assert_eq!(wait(resp), mpm_result::MPM_OK, "{}", describe(resp));
    assert_eq!(
        rs(mpm_resolve_customer_response_customer_identifier(resp)).as_deref(),
        Some("demo-customer-1")
    );
    assert_eq!(
        rs(mpm_resolve_customer_response_product_code(resp)).as_deref(),
        Some("demo-product")
    );
    assert_eq!(
        rs(mpm_resolve_customer_response_customer_aws_account_id(resp)).as_deref(),
        Some("111122223333")
    );
    assert_eq!(
        rs(mpm_resolve_customer_response_license_arn(resp)).as_deref(),
        Some("arn:aws:license-manager::111122223333:license:l-demo0000000000000000001")
    );
    assert_eq!(
        rs(mpm_resolve_customer_response_agreement_id(resp)).as_deref(),
        Some("agmt-demo-0001")
    );
    mpm_response_free(resp);

    mpm_resolve_customer_request_set_registration_token(
        rc,
        cs("expired-registration-token").as_ptr(),
    );
    let expired = mpm_client_resolve_customer(client, rc);
    assert_eq!(wait(expired), mpm_result::MPM_ERR_SERVICE);
    assert_eq!(
        mpm_response_service_error(expired),
        mpm_service_error::MPM_SERVICE_ERROR_EXPIRED_TOKEN
    );
    mpm_response_free(expired);
    mpm_resolve_customer_request_free(rc);

    let ru = mpm_register_usage_request_new();
    mpm_register_usage_request_set_product_code(ru, cs("demo-product").as_ptr());
    mpm_register_usage_request_set_public_key_version(ru, 1);
    mpm_register_usage_request_set_nonce(ru, cs("nonce-123").as_ptr());
    let reg = mpm_client_register_usage(client, ru);
    assert_eq!(wait(reg), mpm_result::MPM_OK, "{}", describe(reg));
    let sig = rs(mpm_register_usage_response_signature(reg)).expect("signature");
    assert_eq!(sig.split('.').count(), 3, "a JWT: {sig}");
    let mut rotation = 0i64;
    assert_eq!(
        mpm_register_usage_response_public_key_rotation_timestamp(reg, &mut rotation),
        mpm_result::MPM_OK
    );
    assert!(rotation > 1_600_000_000);
    mpm_response_free(reg);

    mpm_register_usage_request_set_public_key_version(ru, 7);
    let bad = mpm_client_register_usage(client, ru);
    assert_eq!(wait(bad), mpm_result::MPM_ERR_SERVICE);
    assert_eq!(
        mpm_response_service_error(bad),
        mpm_service_error::MPM_SERVICE_ERROR_INVALID_PUBLIC_KEY_VERSION
    );
    mpm_response_free(bad);
    mpm_register_usage_request_free(ru);
    mpm_client_free(client);
}

#[test]
fn throttled_500_and_dropped_requests_succeed_on_retry() {
    let emu = Emulator::start(&[]);
    let client = client_for(&emu.url, ACCESS_KEY, SECRET_KEY);
    for (i, mode) in ["internal", "drop", "html500", "throttle"]
        .iter()
        .enumerate()
    {
        emu.fault(&format!(r#"{{"mode":"{mode}","count":1}}"#));
        // Four distinct hours, however the wall clock moves meanwhile.
        let req = meter_request("hosts", 1, past_hour() - 3600 * i as i64);
        let resp = mpm_client_meter_usage(client, req);
        assert_eq!(wait(resp), mpm_result::MPM_OK, "{mode}: {}", describe(resp));
        assert_eq!(mpm_response_attempts(resp), 2, "{mode}");
        mpm_response_free(resp);
        mpm_meter_usage_request_free(req);
    }
    // Faults on every attempt: gives up after 3 with the last error.
    emu.fault(r#"{"mode":"internal","count":3}"#);
    let req = meter_request("hosts", 1, past_hour() - 4 * 3600);
    let resp = mpm_client_meter_usage(client, req);
    assert_eq!(wait(resp), mpm_result::MPM_ERR_SERVICE);
    assert_eq!(mpm_response_attempts(resp), 3);
    assert_eq!(
        mpm_response_service_error(resp),
        mpm_service_error::MPM_SERVICE_ERROR_INTERNAL_SERVICE_ERROR
    );
    assert_eq!(mpm_response_http_status(resp), 500);
    mpm_response_free(resp);
    mpm_meter_usage_request_free(req);
    assert_eq!(
        emu.ledger().as_array().unwrap().len(),
        4,
        "each retried record metered once"
    );
    mpm_client_free(client);
}

#[test]
fn wrong_secret_is_reported_not_retried() {
    let emu = Emulator::start(&[]);
    let client = client_for(&emu.url, ACCESS_KEY, "not-the-secret");
    let req = meter_request("users", 1, now());
    let resp = mpm_client_meter_usage(client, req);
    assert_eq!(wait(resp), mpm_result::MPM_ERR_SERVICE);
    assert_eq!(
        mpm_response_service_error(resp),
        mpm_service_error::MPM_SERVICE_ERROR_UNKNOWN
    );
    assert_eq!(
        rs(mpm_response_error_code(resp)).as_deref(),
        Some("InvalidSignatureException")
    );
    assert_eq!(mpm_response_http_status(resp), 403);
    assert_eq!(mpm_response_attempts(resp), 1);
    mpm_response_free(resp);
    mpm_meter_usage_request_free(req);
    mpm_client_free(client);
}

extern "C" fn count_callback(_resp: *const mpm_response, userdata: *mut std::ffi::c_void) {
    let (lock, cv) = unsafe { &*(userdata as *const (std::sync::Mutex<u32>, std::sync::Condvar)) };
    *lock.lock().unwrap() += 1;
    cv.notify_all();
}

#[test]
fn callback_runs_once_and_cancel_stops_a_slow_call() {
    let emu = Emulator::start(&[]);
    let client = client_for(&emu.url, ACCESS_KEY, SECRET_KEY);
    let pair = Box::new((std::sync::Mutex::new(0u32), std::sync::Condvar::new()));
    let data = &*pair as *const _ as *mut std::ffi::c_void;
    let req = meter_request("users", 2, now() - 7200);
    let resp = mpm_client_meter_usage(client, req);
    assert_eq!(
        mpm_response_on_finished(resp, Some(count_callback), data),
        mpm_result::MPM_OK
    );
    assert_eq!(
        mpm_response_on_finished(resp, Some(count_callback), data),
        mpm_result::MPM_ERR_ALREADY_SET
    );
    {
        let (lock, cv) = &*pair;
        let g = cv
            .wait_timeout_while(
                lock.lock().unwrap(),
                std::time::Duration::from_secs(30),
                |n| *n == 0,
            )
            .unwrap()
            .0;
        assert_eq!(*g, 1);
    }
    assert_eq!(
        mpm_response_result(resp),
        mpm_result::MPM_OK,
        "{}",
        describe(resp)
    );
    mpm_response_free(resp);

    emu.fault(r#"{"mode":"delay","count":1,"delay_ms":20000}"#);
    let slow = mpm_client_meter_usage(client, req);
    assert_eq!(
        mpm_response_wait(slow, 100),
        mpm_result::MPM_ERR_WAIT_TIMEOUT
    );
    assert!(!mpm_response_is_finished(slow));
    assert_eq!(mpm_response_result(slow), mpm_result::MPM_ERR_NOT_FINISHED);
    assert_eq!(mpm_response_cancel(slow), mpm_result::MPM_OK);
    assert_eq!(wait(slow), mpm_result::MPM_ERR_CANCELLED);
    mpm_response_free(slow);
    // Freeing a response still in flight is safe.
    let inflight = mpm_client_meter_usage(client, req);
    mpm_response_free(inflight);
    mpm_meter_usage_request_free(req);
    mpm_client_free(client);
    assert_eq!(*pair.0.lock().unwrap(), 1);
}

#[test]
fn invalid_requests_and_null_arguments_return_null_with_a_reason() {
    let emu = Emulator::start(&[]);
    let client = client_for(&emu.url, ACCESS_KEY, SECRET_KEY);
    let empty = mpm_meter_usage_request_new();
    assert!(mpm_client_meter_usage(client, empty).is_null());
    assert_eq!(mpm_last_error_code(), mpm_result::MPM_ERR_INVALID_REQUEST);
    assert!(last_message().contains("ProductCode"), "{}", last_message());
    assert!(mpm_client_meter_usage(std::ptr::null(), empty).is_null());
    assert_eq!(mpm_last_error_code(), mpm_result::MPM_ERR_NULL_ARGUMENT);
    assert!(mpm_client_meter_usage(client, null()).is_null());
    assert_eq!(mpm_last_error_code(), mpm_result::MPM_ERR_NULL_ARGUMENT);
    assert_eq!(emu.ledger().as_array().unwrap().len(), 0);
    mpm_meter_usage_request_free(empty);
    mpm_client_free(client);
}
