//! A 2xx answer is success only when it proves the operation happened (issue 9): through the C
//! API against a stub service, a BatchMeterUsage answer that leaves a record out reports it
//! among the unprocessed records, flagged as missing from the answer; one that names a record
//! never sent, or one record twice, is MPM_ERR_INVALID_RESPONSE; MeterUsage without a
//! MeteringRecordId, RegisterUsage without a Signature and ResolveCustomer without a customer
//! id are MPM_ERR_INVALID_RESPONSE, never MPM_OK.

mod support;

use std::sync::Arc;

use mpmeter::ffi::*;
use support::capi::{client_for, cs, describe, rs, wait};
use support::stub_server::{start, Reply};

const HOUR: i64 = 1_800_000_000 / 3600 * 3600;
const A: &str = "111111111111";
const B: &str = "222222222222";
const C: &str = "333333333333";
const Z: &str = "999999999999";

fn answering(body: &'static str) -> String {
    start(Arc::new(move |_req: &str| Reply {
        status: 200,
        headers: vec![],
        body: body.into(),
    }))
}

fn record_json(customer: &str) -> String {
    format!(
        r#"{{"Timestamp":{HOUR},"CustomerAWSAccountId":"{customer}","Dimension":"users","Quantity":1}}"#
    )
}

/// A BatchMeterUsage call of one record per customer, answered with `body`.
fn batch(body: String, customers: &[&str]) -> *mut mpm_response {
    let url = answering(Box::leak(body.into_boxed_str()));
    let client = client_for(&url, "AKID", "SECRET");
    let req = mpm_batch_meter_usage_request_new();
    mpm_batch_meter_usage_request_set_product_code(req, cs("p").as_ptr());
    for c in customers {
        let rec = mpm_usage_record_new();
        mpm_usage_record_set_timestamp(rec, HOUR);
        mpm_usage_record_set_customer_aws_account_id(rec, cs(c).as_ptr());
        mpm_usage_record_set_dimension(rec, cs("users").as_ptr());
        mpm_usage_record_set_quantity(rec, 1);
        assert_eq!(
            mpm_batch_meter_usage_request_add_usage_record(req, rec),
            mpm_result::MPM_OK
        );
        mpm_usage_record_free(rec);
    }
    let resp = mpm_client_batch_meter_usage(client, req);
    wait(resp);
    mpm_batch_meter_usage_request_free(req);
    mpm_client_free(client);
    resp
}

fn customer_of(rec: *const mpm_usage_record) -> String {
    rs(mpm_usage_record_customer_aws_account_id(rec)).unwrap_or_default()
}

#[test]
fn a_record_the_answer_leaves_out_is_unprocessed_and_flagged_missing() {
    let body = format!(
        r#"{{"Results":[{{"UsageRecord":{},"MeteringRecordId":"m-a","Status":"Success"}}],"UnprocessedRecords":[{}]}}"#,
        record_json(A),
        record_json(B)
    );
    let resp = batch(body, &[A, B, C]);
    assert_eq!(
        mpm_response_result(resp),
        mpm_result::MPM_OK,
        "{}",
        describe(resp)
    );
    let (mut n, mut missing) = (0usize, 0usize);
    mpm_batch_meter_usage_response_unprocessed_count(resp, &mut n);
    mpm_batch_meter_usage_response_missing_count(resp, &mut missing);
    assert_eq!((n, missing), (2, 1));
    let mut flags = Vec::new();
    for i in 0..n {
        let mut is_missing = true;
        assert_eq!(
            mpm_batch_meter_usage_response_unprocessed_is_missing(resp, i, &mut is_missing),
            mpm_result::MPM_OK
        );
        flags.push((
            customer_of(mpm_batch_meter_usage_response_unprocessed_at(resp, i)),
            is_missing,
        ));
    }
    assert_eq!(flags, [(B.to_string(), false), (C.to_string(), true)]);
    let mut out = false;
    assert_eq!(
        mpm_batch_meter_usage_response_unprocessed_is_missing(resp, 2, &mut out),
        mpm_result::MPM_ERR_INDEX_OUT_OF_RANGE
    );
    mpm_response_free(resp);
}

#[test]
fn an_answer_naming_a_stranger_or_a_record_twice_is_invalid() {
    let stranger = format!(
        r#"{{"Results":[{{"UsageRecord":{},"MeteringRecordId":"m","Status":"Success"}}]}}"#,
        record_json(Z)
    );
    let resp = batch(stranger, &[A]);
    assert_eq!(
        mpm_response_result(resp),
        mpm_result::MPM_ERR_INVALID_RESPONSE
    );
    let msg = rs(mpm_response_error_message(resp)).unwrap();
    assert!(msg.contains("never sent") && msg.contains(Z), "{msg}");
    mpm_response_free(resp);

    let twice = format!(
        r#"{{"Results":[{{"UsageRecord":{r},"MeteringRecordId":"m","Status":"Success"}},{{"UsageRecord":{r},"MeteringRecordId":"m","Status":"Success"}}]}}"#,
        r = record_json(A)
    );
    let resp = batch(twice, &[A]);
    assert_eq!(
        mpm_response_result(resp),
        mpm_result::MPM_ERR_INVALID_RESPONSE
    );
    let msg = rs(mpm_response_error_message(resp)).unwrap();
    assert!(msg.contains("twice"), "{msg}");
    mpm_response_free(resp);
}

#[test]
fn answers_without_their_proof_are_invalid() {
    // MeterUsage: a 2xx `{}` is not a metered record.
    let client = client_for(&answering("{}"), "AKID", "SECRET");
    let req = mpm_meter_usage_request_new();
    mpm_meter_usage_request_set_product_code(req, cs("p").as_ptr());
    mpm_meter_usage_request_set_timestamp(req, HOUR);
    mpm_meter_usage_request_set_usage_dimension(req, cs("users").as_ptr());
    let resp = mpm_client_meter_usage(client, req);
    assert_eq!(wait(resp), mpm_result::MPM_ERR_INVALID_RESPONSE);
    assert!(rs(mpm_response_error_message(resp))
        .unwrap()
        .contains("MeteringRecordId"));
    mpm_response_free(resp);
    mpm_meter_usage_request_free(req);
    mpm_client_free(client);

    let client = client_for(
        &answering(r#"{"PublicKeyRotationTimestamp":1}"#),
        "AKID",
        "SECRET",
    );
    let req = mpm_register_usage_request_new();
    mpm_register_usage_request_set_product_code(req, cs("p").as_ptr());
    mpm_register_usage_request_set_public_key_version(req, 1);
    let resp = mpm_client_register_usage(client, req);
    assert_eq!(wait(resp), mpm_result::MPM_ERR_INVALID_RESPONSE);
    assert!(rs(mpm_response_error_message(resp))
        .unwrap()
        .contains("Signature"));
    mpm_response_free(resp);
    mpm_register_usage_request_free(req);
    mpm_client_free(client);

    let client = client_for(&answering(r#"{"ProductCode":"p"}"#), "AKID", "SECRET");
    let req = mpm_resolve_customer_request_new();
    mpm_resolve_customer_request_set_registration_token(req, cs("tok").as_ptr());
    let resp = mpm_client_resolve_customer(client, req);
    assert_eq!(wait(resp), mpm_result::MPM_ERR_INVALID_RESPONSE);
    assert!(rs(mpm_response_error_message(resp))
        .unwrap()
        .contains("CustomerIdentifier"));
    mpm_response_free(resp);
    mpm_resolve_customer_request_free(req);
    mpm_client_free(client);
}
