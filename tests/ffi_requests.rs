//! The request builders of the C API, called directly from Rust: argument checks (table
//! driven), whole-request validity, quantity forms, list caps and the record/allocation getters.

use std::ffi::{c_char, CStr, CString};
use std::ptr::{null, null_mut};

use mpmeter::ffi::mpm_result::{self, *};
use mpmeter::ffi::*;

fn cs(s: &str) -> CString {
    CString::new(s).unwrap()
}

fn last_message() -> String {
    // SAFETY: the library returns a NUL-terminated string valid until the next call.
    unsafe { CStr::from_ptr(mpm_last_error_message()) }
        .to_str()
        .unwrap()
        .to_string()
}

fn read(p: *const c_char) -> Option<String> {
    // SAFETY: getters return NULL or a NUL-terminated string owned by the handle.
    (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_str().unwrap().to_string())
}

/// Asserts the last error's code and that its message names `what`.
fn assert_last_error(code: mpm_result, what: &str, case: &str) {
    assert_eq!(mpm_last_error_code(), code, "{case}: last error code");
    let msg = last_message();
    assert!(!msg.is_empty(), "{case}: empty message");
    assert!(
        msg.contains(what),
        "{case}: message {msg:?} does not name {what:?}"
    );
}

fn ok(r: mpm_result) {
    assert_eq!(r, MPM_OK, "{}", last_message());
}

const HOUR: i64 = 1_700_000_000;
const LICENSE: &str = "arn:aws:license-manager::111122223333:license:l-0123456789abcdef";

fn allocation(quantity: i32, tag_value: &str) -> *mut mpm_usage_allocation {
    let a = mpm_usage_allocation_new();
    ok(mpm_usage_allocation_set_allocated_usage_quantity(
        a, quantity,
    ));
    ok(mpm_usage_allocation_add_tag(
        a,
        c"team".as_ptr(),
        cs(tag_value).as_ptr(),
    ));
    a
}

fn decimal_allocation(quantity: &str, tag_value: &str) -> *mut mpm_usage_allocation {
    let a = mpm_usage_allocation_new();
    ok(mpm_usage_allocation_set_allocated_usage_quantity_as_decimal(a, cs(quantity).as_ptr()));
    ok(mpm_usage_allocation_add_tag(
        a,
        c"team".as_ptr(),
        cs(tag_value).as_ptr(),
    ));
    a
}

/// A valid MeterUsage request, minus the members named in `skip`.
fn meter_usage(skip: &[&str]) -> *mut mpm_meter_usage_request {
    let r = mpm_meter_usage_request_new();
    if !skip.contains(&"ProductCode") {
        ok(mpm_meter_usage_request_set_product_code(
            r,
            c"prod-1".as_ptr(),
        ));
    }
    if !skip.contains(&"Timestamp") {
        ok(mpm_meter_usage_request_set_timestamp(r, HOUR));
    }
    if !skip.contains(&"UsageDimension") {
        ok(mpm_meter_usage_request_set_usage_dimension(
            r,
            c"hours".as_ptr(),
        ));
    }
    ok(mpm_meter_usage_request_set_usage_quantity(r, 10));
    ok(mpm_meter_usage_request_set_dry_run(r, true));
    ok(mpm_meter_usage_request_set_client_token(
        r,
        c"token-1".as_ptr(),
    ));
    r
}

/// A valid usage record, minus the members named in `skip`.
fn record(skip: &[&str]) -> *mut mpm_usage_record {
    let r = mpm_usage_record_new();
    if !skip.contains(&"Timestamp") {
        ok(mpm_usage_record_set_timestamp(r, HOUR));
    }
    if !skip.contains(&"CustomerIdentifier") {
        ok(mpm_usage_record_set_customer_identifier(
            r,
            c"cust-1".as_ptr(),
        ));
    }
    if !skip.contains(&"Dimension") {
        ok(mpm_usage_record_set_dimension(r, c"users".as_ptr()));
    }
    ok(mpm_usage_record_set_quantity(r, 3));
    r
}

fn batch(rec: *const mpm_usage_record) -> *mut mpm_batch_meter_usage_request {
    let b = mpm_batch_meter_usage_request_new();
    ok(mpm_batch_meter_usage_request_set_product_code(
        b,
        c"prod-1".as_ptr(),
    ));
    ok(mpm_batch_meter_usage_request_add_usage_record(b, rec));
    b
}

fn resolve_customer() -> *mut mpm_resolve_customer_request {
    let r = mpm_resolve_customer_request_new();
    ok(mpm_resolve_customer_request_set_registration_token(
        r,
        c"reg-token".as_ptr(),
    ));
    r
}

fn register_usage(skip: &[&str]) -> *mut mpm_register_usage_request {
    let r = mpm_register_usage_request_new();
    if !skip.contains(&"ProductCode") {
        ok(mpm_register_usage_request_set_product_code(
            r,
            c"prod-1".as_ptr(),
        ));
    }
    if !skip.contains(&"PublicKeyVersion") {
        ok(mpm_register_usage_request_set_public_key_version(r, 1));
    }
    ok(mpm_register_usage_request_set_nonce(r, c"nonce-1".as_ptr()));
    r
}

struct Case {
    name: &'static str,
    call: Box<dyn Fn() -> mpm_result>,
    code: mpm_result,
    names: &'static str,
}

fn case(
    name: &'static str,
    code: mpm_result,
    names: &'static str,
    call: impl Fn() -> mpm_result + 'static,
) -> Case {
    Case {
        name,
        call: Box::new(call),
        code,
        names,
    }
}

/// One string setter's bad inputs: NULL handle, invalid UTF-8, 300 and 100000 characters.
/// `set(handle_is_null, value)`; `max` says whether 300 is over the member's limit.
fn string_cases(
    cases: &mut Vec<Case>,
    name: &'static str,
    member: &'static str,
    handle_type: &'static str,
    over_300: bool,
    set: impl Fn(bool, *const c_char) -> mpm_result + Clone + 'static,
) {
    let s = set.clone();
    cases.push(case(name, MPM_ERR_NULL_ARGUMENT, handle_type, move || {
        s(true, c"x".as_ptr())
    }));
    let s = set.clone();
    cases.push(case(name, MPM_ERR_INVALID_UTF8, member, move || {
        s(false, c"\xff\xfe".as_ptr())
    }));
    let long = [cs(&"a".repeat(300)), cs(&"a".repeat(100_000))];
    for (i, value) in long.into_iter().enumerate() {
        if i == 0 && !over_300 {
            continue;
        }
        let s = set.clone();
        cases.push(case(name, MPM_ERR_INVALID_ARGUMENT, member, move || {
            s(false, value.as_ptr())
        }));
    }
}

/// Extra bad values for a string setter (patterns, empty strings, NULL for a required one).
fn value_cases(
    cases: &mut Vec<Case>,
    name: &'static str,
    member: &'static str,
    values: &[(Option<&str>, mpm_result)],
    set: impl Fn(*const c_char) -> mpm_result + Clone + 'static,
) {
    for (value, code) in values {
        let value = value.map(cs);
        let s = set.clone();
        cases.push(case(name, *code, member, move || {
            s(value.as_ref().map_or(null(), |v| v.as_ptr()))
        }));
    }
}

#[test]
fn every_setter_rejects_bad_arguments_and_changes_nothing() {
    let mu = meter_usage(&[]);
    let rec = record(&[]);
    let bm = batch(rec);
    let rc = resolve_customer();
    let ru = register_usage(&[]);
    let alloc = allocation(3, "blue");
    let mut cases = Vec::new();
    let bad_num = MPM_ERR_INVALID_ARGUMENT;
    let null_arg = MPM_ERR_NULL_ARGUMENT;

    // MeterUsage
    let mu_t = "mpm_meter_usage_request";
    let p = move |n: bool| if n { null_mut() } else { mu };
    for (name, member, over_300, set) in [
        (
            "mu product_code",
            "ProductCode",
            true,
            mpm_meter_usage_request_set_product_code as extern "C" fn(_, _) -> _,
        ),
        (
            "mu usage_dimension",
            "UsageDimension",
            true,
            mpm_meter_usage_request_set_usage_dimension,
        ),
        (
            "mu usage_quantity_as_decimal",
            "UsageQuantityAsDecimal",
            true,
            mpm_meter_usage_request_set_usage_quantity_as_decimal,
        ),
        (
            "mu client_token",
            "ClientToken",
            true,
            mpm_meter_usage_request_set_client_token,
        ),
    ] {
        string_cases(&mut cases, name, member, mu_t, over_300, move |n, v| {
            set(p(n), v)
        });
    }
    let set = move |v| mpm_meter_usage_request_set_product_code(mu, v);
    let values = [
        (None, null_arg),
        (Some("a b"), bad_num),
        (Some("prod#1"), bad_num),
    ];
    value_cases(&mut cases, "mu product_code", "ProductCode", &values, set);
    let set = move |v| mpm_meter_usage_request_set_usage_dimension(mu, v);
    let values = [(None, null_arg), (Some(""), bad_num)];
    value_cases(
        &mut cases,
        "mu usage_dimension",
        "UsageDimension",
        &values,
        set,
    );
    let set = move |v| mpm_meter_usage_request_set_usage_quantity_as_decimal(mu, v);
    let values = [
        (Some("-1"), bad_num),
        (Some("1.1234567"), bad_num),
        (Some("01"), bad_num),
        (Some("1e3"), bad_num),
        (Some(""), bad_num),
    ];
    value_cases(
        &mut cases,
        "mu decimal",
        "UsageQuantityAsDecimal",
        &values,
        set,
    );
    let set = move |v| mpm_meter_usage_request_set_client_token(mu, v);
    let values = [(Some(""), bad_num), (Some(&"t".repeat(65)), bad_num)];
    value_cases(&mut cases, "mu client_token", "ClientToken", &values, set);
    for (n, ts) in [
        (true, HOUR),
        (false, -1),
        (false, i64::MIN),
        (false, i64::MAX),
    ] {
        let (code, names) = if n {
            (null_arg, mu_t)
        } else {
            (bad_num, "Timestamp")
        };
        cases.push(case("mu timestamp", code, names, move || {
            mpm_meter_usage_request_set_timestamp(p(n), ts)
        }));
    }
    for (n, q) in [(true, 1), (false, -1), (false, i32::MIN)] {
        let (code, names) = if n {
            (null_arg, mu_t)
        } else {
            (bad_num, "UsageQuantity")
        };
        cases.push(case("mu quantity", code, names, move || {
            mpm_meter_usage_request_set_usage_quantity(p(n), q)
        }));
    }
    cases.push(case("mu dry_run", null_arg, mu_t, || {
        mpm_meter_usage_request_set_dry_run(null_mut(), true)
    }));
    cases.push(case("mu add allocation", null_arg, mu_t, move || {
        mpm_meter_usage_request_add_usage_allocation(null_mut(), alloc)
    }));
    cases.push(case(
        "mu add NULL allocation",
        null_arg,
        "allocation",
        move || mpm_meter_usage_request_add_usage_allocation(mu, null()),
    ));
    cases.push(case("mu clear allocations", null_arg, mu_t, || {
        mpm_meter_usage_request_clear_usage_allocations(null_mut())
    }));

    // BatchMeterUsage
    let bm_t = "mpm_batch_meter_usage_request";
    let p = move |n: bool| if n { null_mut() } else { bm };
    string_cases(
        &mut cases,
        "bm product_code",
        "ProductCode",
        bm_t,
        true,
        move |n, v| mpm_batch_meter_usage_request_set_product_code(p(n), v),
    );
    let set = move |v| mpm_batch_meter_usage_request_set_product_code(bm, v);
    let values = [(Some("a b"), bad_num)];
    value_cases(&mut cases, "bm product_code", "ProductCode", &values, set);
    cases.push(case("bm add record", null_arg, bm_t, move || {
        mpm_batch_meter_usage_request_add_usage_record(null_mut(), rec)
    }));
    cases.push(case("bm add NULL record", null_arg, "record", move || {
        mpm_batch_meter_usage_request_add_usage_record(bm, null())
    }));
    cases.push(case("bm clear records", null_arg, bm_t, || {
        mpm_batch_meter_usage_request_clear_usage_records(null_mut())
    }));

    // ResolveCustomer (RegistrationToken has no maximum length)
    let rc_t = "mpm_resolve_customer_request";
    cases.push(case("rc token", null_arg, rc_t, || {
        mpm_resolve_customer_request_set_registration_token(null_mut(), c"t".as_ptr())
    }));
    cases.push(case(
        "rc token",
        MPM_ERR_INVALID_UTF8,
        "RegistrationToken",
        move || mpm_resolve_customer_request_set_registration_token(rc, c"\xff\xfe".as_ptr()),
    ));
    let set = move |v| mpm_resolve_customer_request_set_registration_token(rc, v);
    let values = [(None, null_arg), (Some(""), bad_num)];
    value_cases(&mut cases, "rc token", "RegistrationToken", &values, set);

    // RegisterUsage
    let ru_t = "mpm_register_usage_request";
    let p = move |n: bool| if n { null_mut() } else { ru };
    string_cases(
        &mut cases,
        "ru product_code",
        "ProductCode",
        ru_t,
        true,
        move |n, v| mpm_register_usage_request_set_product_code(p(n), v),
    );
    string_cases(&mut cases, "ru nonce", "Nonce", ru_t, true, move |n, v| {
        mpm_register_usage_request_set_nonce(p(n), v)
    });
    let set = move |v| mpm_register_usage_request_set_product_code(ru, v);
    let values = [(None, null_arg), (Some("a b"), bad_num)];
    value_cases(&mut cases, "ru product_code", "ProductCode", &values, set);
    for (n, v) in [(true, 1), (false, 0), (false, -1), (false, i32::MIN)] {
        let (code, names) = if n {
            (null_arg, ru_t)
        } else {
            (bad_num, "PublicKeyVersion")
        };
        cases.push(case("ru public_key_version", code, names, move || {
            mpm_register_usage_request_set_public_key_version(p(n), v)
        }));
    }

    // UsageRecord
    let rec_t = "mpm_usage_record";
    let p = move |n: bool| if n { null_mut() } else { rec };
    for (name, member, set) in [
        (
            "rec customer_identifier",
            "CustomerIdentifier",
            mpm_usage_record_set_customer_identifier as extern "C" fn(_, _) -> _,
        ),
        ("rec dimension", "Dimension", mpm_usage_record_set_dimension),
        (
            "rec quantity_as_decimal",
            "QuantityAsDecimal",
            mpm_usage_record_set_quantity_as_decimal,
        ),
        (
            "rec customer_aws_account_id",
            "CustomerAWSAccountId",
            mpm_usage_record_set_customer_aws_account_id,
        ),
        (
            "rec license_arn",
            "LicenseArn",
            mpm_usage_record_set_license_arn,
        ),
    ] {
        string_cases(&mut cases, name, member, rec_t, true, move |n, v| {
            set(p(n), v)
        });
    }
    let set = move |v| mpm_usage_record_set_dimension(rec, v);
    let values = [(None, null_arg), (Some(""), bad_num)];
    value_cases(&mut cases, "rec dimension", "Dimension", &values, set);
    let set = move |v| mpm_usage_record_set_quantity_as_decimal(rec, v);
    let values = [(Some("1."), bad_num), (Some("12345678901"), bad_num)];
    value_cases(&mut cases, "rec decimal", "QuantityAsDecimal", &values, set);
    let set = move |v| mpm_usage_record_set_customer_aws_account_id(rec, v);
    let values = [(Some("12a"), bad_num), (Some(""), bad_num)];
    value_cases(
        &mut cases,
        "rec account",
        "CustomerAWSAccountId",
        &values,
        set,
    );
    let set = move |v| mpm_usage_record_set_license_arn(rec, v);
    let values = [(Some("not-an-arn"), bad_num), (Some(""), bad_num)];
    value_cases(&mut cases, "rec license_arn", "LicenseArn", &values, set);
    for (n, ts) in [(true, HOUR), (false, -1), (false, i64::MIN)] {
        let (code, names) = if n {
            (null_arg, rec_t)
        } else {
            (bad_num, "Timestamp")
        };
        cases.push(case("rec timestamp", code, names, move || {
            mpm_usage_record_set_timestamp(p(n), ts)
        }));
    }
    for (n, q) in [(true, 1), (false, -1), (false, i32::MIN)] {
        let (code, names) = if n {
            (null_arg, rec_t)
        } else {
            (bad_num, "Quantity")
        };
        cases.push(case("rec quantity", code, names, move || {
            mpm_usage_record_set_quantity(p(n), q)
        }));
    }
    cases.push(case("rec add allocation", null_arg, rec_t, move || {
        mpm_usage_record_add_usage_allocation(null_mut(), alloc)
    }));
    cases.push(case(
        "rec add NULL allocation",
        null_arg,
        "allocation",
        move || mpm_usage_record_add_usage_allocation(rec, null()),
    ));
    cases.push(case("rec clear allocations", null_arg, rec_t, || {
        mpm_usage_record_clear_usage_allocations(null_mut())
    }));

    // UsageAllocation
    let a_t = "mpm_usage_allocation";
    let p = move |n: bool| if n { null_mut() } else { alloc };
    string_cases(
        &mut cases,
        "alloc decimal",
        "AllocatedUsageQuantityAsDecimal",
        a_t,
        true,
        move |n, v| mpm_usage_allocation_set_allocated_usage_quantity_as_decimal(p(n), v),
    );
    string_cases(
        &mut cases,
        "alloc tag key",
        "Key",
        a_t,
        true,
        move |n, v| mpm_usage_allocation_add_tag(p(n), v, c"v".as_ptr()),
    );
    string_cases(
        &mut cases,
        "alloc tag value",
        "Value",
        a_t,
        true,
        move |n, v| mpm_usage_allocation_add_tag(p(n), c"k".as_ptr(), v),
    );
    let set = move |v| mpm_usage_allocation_add_tag(alloc, v, c"v".as_ptr());
    let values = [
        (None, null_arg),
        (Some(""), bad_num),
        (Some("caf\u{e9}"), bad_num),
    ];
    value_cases(&mut cases, "alloc tag key", "Tags[1].Key", &values, set);
    let set = move |v| mpm_usage_allocation_add_tag(alloc, c"k".as_ptr(), v);
    let values = [
        (None, null_arg),
        (Some(""), bad_num),
        (Some("a\tb"), bad_num),
    ];
    value_cases(&mut cases, "alloc tag value", "Tags[1].Value", &values, set);
    let set = move |v| mpm_usage_allocation_set_allocated_usage_quantity_as_decimal(alloc, v);
    let values = [(Some("-0.5"), bad_num), (Some("abc"), bad_num)];
    value_cases(
        &mut cases,
        "alloc decimal",
        "AllocatedUsageQuantityAsDecimal",
        &values,
        set,
    );
    for (n, q) in [(true, 1), (false, -1), (false, i32::MIN)] {
        let (code, names) = if n {
            (null_arg, a_t)
        } else {
            (bad_num, "AllocatedUsageQuantity")
        };
        cases.push(case("alloc quantity", code, names, move || {
            mpm_usage_allocation_set_allocated_usage_quantity(p(n), q)
        }));
    }

    assert!(cases.len() > 120, "only {} cases", cases.len());
    for c in &cases {
        assert_eq!((c.call)(), c.code, "{}: {}", c.name, last_message());
        assert_last_error(c.code, c.names, c.name);
    }

    // No refused call changed anything.
    assert!(mpm_meter_usage_request_is_valid(mu), "{}", last_message());
    assert!(
        mpm_batch_meter_usage_request_is_valid(bm),
        "{}",
        last_message()
    );
    assert_eq!(mpm_batch_meter_usage_request_usage_record_count(bm), 1);
    assert!(
        mpm_resolve_customer_request_is_valid(rc),
        "{}",
        last_message()
    );
    assert!(
        mpm_register_usage_request_is_valid(ru),
        "{}",
        last_message()
    );
    assert!(mpm_usage_record_is_valid(rec), "{}", last_message());
    assert!(mpm_usage_allocation_is_valid(alloc), "{}", last_message());
    assert_eq!(
        read(mpm_usage_record_dimension(rec)).as_deref(),
        Some("users")
    );
    assert_eq!(
        read(mpm_usage_record_customer_identifier(rec)).as_deref(),
        Some("cust-1")
    );
    assert_eq!(read(mpm_usage_record_quantity_as_decimal(rec)), None);
    assert_eq!(read(mpm_usage_record_license_arn(rec)), None);
    assert_eq!(read(mpm_usage_record_customer_aws_account_id(rec)), None);
    let (mut q, mut ts) = (0, 0);
    ok(mpm_usage_record_quantity(rec, &mut q));
    ok(mpm_usage_record_timestamp(rec, &mut ts));
    assert_eq!((q, ts), (3, HOUR));
    assert_eq!(mpm_usage_allocation_tag_count(alloc), 1);
    ok(mpm_usage_allocation_allocated_usage_quantity(alloc, &mut q));
    assert_eq!(q, 3);

    mpm_meter_usage_request_free(mu);
    mpm_batch_meter_usage_request_free(bm);
    mpm_resolve_customer_request_free(rc);
    mpm_register_usage_request_free(ru);
    mpm_usage_record_free(rec);
    mpm_usage_allocation_free(alloc);
}

#[test]
fn a_complete_request_of_each_operation_is_valid() {
    let mu = meter_usage(&[]);
    assert!(mpm_meter_usage_request_is_valid(mu), "{}", last_message());
    assert_eq!(mpm_last_error_code(), MPM_OK);
    let rec = record(&[]);
    assert!(mpm_usage_record_is_valid(rec), "{}", last_message());
    let bm = batch(rec);
    assert!(
        mpm_batch_meter_usage_request_is_valid(bm),
        "{}",
        last_message()
    );
    let rc = resolve_customer();
    assert!(
        mpm_resolve_customer_request_is_valid(rc),
        "{}",
        last_message()
    );
    let ru = register_usage(&[]);
    assert!(
        mpm_register_usage_request_is_valid(ru),
        "{}",
        last_message()
    );
    // Optional members cleared with NULL leave the request valid.
    ok(mpm_meter_usage_request_set_client_token(mu, null()));
    ok(mpm_register_usage_request_set_nonce(ru, null()));
    assert!(mpm_meter_usage_request_is_valid(mu));
    assert!(mpm_register_usage_request_is_valid(ru));
    mpm_meter_usage_request_free(mu);
    mpm_usage_record_free(rec);
    mpm_batch_meter_usage_request_free(bm);
    mpm_resolve_customer_request_free(rc);
    mpm_register_usage_request_free(ru);
}

#[test]
fn each_missing_required_member_makes_the_request_invalid() {
    let invalid = |valid: bool, member: &str| {
        assert!(!valid, "valid without {member}");
        assert_last_error(MPM_ERR_INVALID_REQUEST, member, member);
    };
    for member in ["ProductCode", "Timestamp", "UsageDimension"] {
        let r = meter_usage(&[member]);
        invalid(mpm_meter_usage_request_is_valid(r), member);
        mpm_meter_usage_request_free(r);
    }
    for member in ["ProductCode", "PublicKeyVersion"] {
        let r = register_usage(&[member]);
        invalid(mpm_register_usage_request_is_valid(r), member);
        mpm_register_usage_request_free(r);
    }
    let r = mpm_resolve_customer_request_new();
    invalid(
        mpm_resolve_customer_request_is_valid(r),
        "RegistrationToken",
    );
    mpm_resolve_customer_request_free(r);

    let customer = "needs CustomerIdentifier or CustomerAWSAccountId";
    for (skip, in_record, in_batch) in [
        (
            "Timestamp",
            "UsageRecord.Timestamp",
            "UsageRecords[0].Timestamp",
        ),
        (
            "Dimension",
            "UsageRecord.Dimension",
            "UsageRecords[0].Dimension",
        ),
        (
            "CustomerIdentifier",
            &*format!("UsageRecord: {customer}"),
            &*format!("UsageRecords[0]: {customer}"),
        ),
    ] {
        let rec = record(&[skip]);
        invalid(mpm_usage_record_is_valid(rec), in_record);
        let b = batch(rec);
        invalid(mpm_batch_meter_usage_request_is_valid(b), in_batch);
        mpm_batch_meter_usage_request_free(b);
        mpm_usage_record_free(rec);
    }

    // Without a request ProductCode, each record needs a LicenseArn.
    let rec = record(&[]);
    let b = batch(rec);
    ok(mpm_batch_meter_usage_request_set_product_code(b, null()));
    invalid(mpm_batch_meter_usage_request_is_valid(b), "LicenseArn");
    ok(mpm_batch_meter_usage_request_clear_usage_records(b));
    ok(mpm_usage_record_set_license_arn(rec, cs(LICENSE).as_ptr()));
    ok(mpm_batch_meter_usage_request_add_usage_record(b, rec));
    assert!(
        mpm_batch_meter_usage_request_is_valid(b),
        "{}",
        last_message()
    );
    mpm_batch_meter_usage_request_free(b);
    mpm_usage_record_free(rec);

    let a = mpm_usage_allocation_new();
    invalid(mpm_usage_allocation_is_valid(a), "AllocatedUsageQuantity");
    mpm_usage_allocation_free(a);
}

#[test]
fn is_valid_on_null_is_false_with_null_argument() {
    let checks: [(&str, bool); 6] = [
        (
            "mpm_meter_usage_request",
            mpm_meter_usage_request_is_valid(null()),
        ),
        (
            "mpm_batch_meter_usage_request",
            mpm_batch_meter_usage_request_is_valid(null()),
        ),
        (
            "mpm_resolve_customer_request",
            mpm_resolve_customer_request_is_valid(null()),
        ),
        (
            "mpm_register_usage_request",
            mpm_register_usage_request_is_valid(null()),
        ),
        ("mpm_usage_record", mpm_usage_record_is_valid(null())),
        (
            "mpm_usage_allocation",
            mpm_usage_allocation_is_valid(null()),
        ),
    ];
    for (name, valid) in checks {
        assert!(!valid, "{name}");
    }
    // Each call resets the last error: check one by one.
    assert!(!mpm_usage_record_is_valid(null()));
    assert_last_error(MPM_ERR_NULL_ARGUMENT, "mpm_usage_record", "record");
    assert!(!mpm_meter_usage_request_is_valid(null()));
    assert_last_error(MPM_ERR_NULL_ARGUMENT, "mpm_meter_usage_request", "request");
}

#[test]
fn setting_one_quantity_form_clears_the_other() {
    let rec = record(&[]);
    ok(mpm_usage_record_set_quantity_as_decimal(
        rec,
        c"2.5".as_ptr(),
    ));
    let mut q = -7;
    assert_eq!(mpm_usage_record_quantity(rec, &mut q), MPM_ERR_NOT_SET);
    assert_eq!(q, -7, "out written on failure");
    assert_eq!(
        read(mpm_usage_record_quantity_as_decimal(rec)).as_deref(),
        Some("2.5")
    );
    assert!(mpm_usage_record_is_valid(rec), "{}", last_message());
    ok(mpm_usage_record_set_quantity(rec, 4));
    assert_eq!(read(mpm_usage_record_quantity_as_decimal(rec)), None);
    assert_last_error(MPM_ERR_NOT_SET, "QuantityAsDecimal", "decimal cleared");
    ok(mpm_usage_record_quantity(rec, &mut q));
    assert_eq!(q, 4);
    // NULL clears only the decimal form.
    ok(mpm_usage_record_set_quantity_as_decimal(rec, null()));
    ok(mpm_usage_record_quantity(rec, &mut q));
    assert_eq!(q, 4);
    mpm_usage_record_free(rec);

    let a = allocation(5, "x");
    ok(mpm_usage_allocation_set_allocated_usage_quantity_as_decimal(a, c"0.25".as_ptr()));
    assert_eq!(
        mpm_usage_allocation_allocated_usage_quantity(a, &mut q),
        MPM_ERR_NOT_SET
    );
    assert!(mpm_usage_allocation_is_valid(a), "{}", last_message());
    ok(mpm_usage_allocation_set_allocated_usage_quantity(a, 6));
    assert_eq!(
        read(mpm_usage_allocation_allocated_usage_quantity_as_decimal(a)),
        None
    );
    assert!(mpm_usage_allocation_is_valid(a), "{}", last_message());
    mpm_usage_allocation_free(a);

    // MeterUsage: the allocation's form must match the request's, so validity shows which
    // form is set ("sets both" would be reported if the other were not cleared).
    let mu = meter_usage(&[]);
    let d = decimal_allocation("10", "x");
    ok(mpm_meter_usage_request_add_usage_allocation(mu, d));
    assert!(!mpm_meter_usage_request_is_valid(mu));
    assert_last_error(
        MPM_ERR_INVALID_REQUEST,
        "must use AllocatedUsageQuantity,",
        "int",
    );
    ok(mpm_meter_usage_request_set_usage_quantity_as_decimal(
        mu,
        c"10.000".as_ptr(),
    ));
    assert!(mpm_meter_usage_request_is_valid(mu), "{}", last_message());
    ok(mpm_meter_usage_request_set_usage_quantity(mu, 10));
    assert!(!mpm_meter_usage_request_is_valid(mu));
    assert_last_error(
        MPM_ERR_INVALID_REQUEST,
        "must use AllocatedUsageQuantity,",
        "back",
    );
    mpm_usage_allocation_free(d);
    mpm_meter_usage_request_free(mu);
}

#[test]
fn allocations_must_sum_to_the_quantity() {
    let mu = meter_usage(&[]); // quantity 10
    let (a, b) = (allocation(4, "a"), allocation(5, "b"));
    ok(mpm_meter_usage_request_add_usage_allocation(mu, a));
    ok(mpm_meter_usage_request_add_usage_allocation(mu, b));
    assert!(!mpm_meter_usage_request_is_valid(mu));
    assert_last_error(MPM_ERR_INVALID_REQUEST, "UsageAllocations", "sum");
    assert!(last_message().contains("add up"));
    // The request copied the allocation: changing it afterwards changes nothing.
    ok(mpm_usage_allocation_set_allocated_usage_quantity(b, 6));
    assert!(!mpm_meter_usage_request_is_valid(mu));
    ok(mpm_meter_usage_request_clear_usage_allocations(mu));
    ok(mpm_meter_usage_request_add_usage_allocation(mu, a));
    ok(mpm_meter_usage_request_add_usage_allocation(mu, b));
    assert!(mpm_meter_usage_request_is_valid(mu), "{}", last_message());
    ok(mpm_meter_usage_request_clear_usage_allocations(mu));
    assert!(mpm_meter_usage_request_is_valid(mu), "{}", last_message());

    // Decimal sums are exact: 0.1 + 0.2 == 0.3.
    let rec = record(&[]);
    ok(mpm_usage_record_set_quantity_as_decimal(
        rec,
        c"0.3".as_ptr(),
    ));
    let (x, y) = (
        decimal_allocation("0.1", "x"),
        decimal_allocation("0.2", "y"),
    );
    ok(mpm_usage_record_add_usage_allocation(rec, x));
    assert!(!mpm_usage_record_is_valid(rec));
    assert_last_error(
        MPM_ERR_INVALID_REQUEST,
        "UsageRecord.UsageAllocations",
        "record sum",
    );
    ok(mpm_usage_record_add_usage_allocation(rec, y));
    assert!(mpm_usage_record_is_valid(rec), "{}", last_message());
    for p in [a, b, x, y] {
        mpm_usage_allocation_free(p);
    }
    mpm_usage_record_free(rec);
    mpm_meter_usage_request_free(mu);
}

#[test]
fn list_caps_refuse_the_item_past_the_model_maximum() {
    let rec = record(&[]);
    let b = mpm_batch_meter_usage_request_new();
    for _ in 0..25 {
        ok(mpm_batch_meter_usage_request_add_usage_record(b, rec));
    }
    assert_eq!(
        mpm_batch_meter_usage_request_add_usage_record(b, rec),
        MPM_ERR_INVALID_ARGUMENT
    );
    assert_last_error(MPM_ERR_INVALID_ARGUMENT, "UsageRecords", "26th record");
    assert!(last_message().contains("25"));
    assert_eq!(mpm_batch_meter_usage_request_usage_record_count(b), 25);
    ok(mpm_batch_meter_usage_request_clear_usage_records(b));
    assert_eq!(mpm_batch_meter_usage_request_usage_record_count(b), 0);
    assert_eq!(mpm_batch_meter_usage_request_usage_record_count(null()), 0);
    assert_last_error(
        MPM_ERR_NULL_ARGUMENT,
        "mpm_batch_meter_usage_request",
        "count",
    );
    mpm_batch_meter_usage_request_free(b);
    mpm_usage_record_free(rec);

    let a = mpm_usage_allocation_new();
    for i in 0..5 {
        ok(mpm_usage_allocation_add_tag(
            a,
            cs(&format!("k{i}")).as_ptr(),
            c"v".as_ptr(),
        ));
    }
    assert_eq!(
        mpm_usage_allocation_add_tag(a, c"k5".as_ptr(), c"v".as_ptr()),
        MPM_ERR_INVALID_ARGUMENT
    );
    assert_last_error(MPM_ERR_INVALID_ARGUMENT, "Tags", "6th tag");
    assert_eq!(mpm_usage_allocation_tag_count(a), 5);

    let mu = meter_usage(&[]);
    for _ in 0..2500 {
        ok(mpm_meter_usage_request_add_usage_allocation(mu, a));
    }
    assert_eq!(
        mpm_meter_usage_request_add_usage_allocation(mu, a),
        MPM_ERR_INVALID_ARGUMENT
    );
    assert_last_error(
        MPM_ERR_INVALID_ARGUMENT,
        "UsageAllocations",
        "2501st allocation",
    );
    mpm_meter_usage_request_free(mu);
    mpm_usage_allocation_free(a);
}

#[test]
fn record_and_allocation_getters_round_trip_every_field() {
    let a = mpm_usage_allocation_new();
    ok(mpm_usage_allocation_set_allocated_usage_quantity_as_decimal(a, c"1.5".as_ptr()));
    ok(mpm_usage_allocation_add_tag(
        a,
        c"team".as_ptr(),
        c"blue".as_ptr(),
    ));
    ok(mpm_usage_allocation_add_tag(
        a,
        c"env".as_ptr(),
        c"prod 1".as_ptr(),
    ));

    let rec = mpm_usage_record_new();
    ok(mpm_usage_record_set_timestamp(rec, HOUR));
    ok(mpm_usage_record_set_customer_identifier(
        rec,
        c"cust-\u{e9}".as_ptr(),
    ));
    ok(mpm_usage_record_set_dimension(rec, c"users".as_ptr()));
    ok(mpm_usage_record_set_quantity_as_decimal(
        rec,
        c"1.5".as_ptr(),
    ));
    ok(mpm_usage_record_add_usage_allocation(rec, a));
    ok(mpm_usage_record_set_customer_aws_account_id(
        rec,
        c"111122223333".as_ptr(),
    ));
    ok(mpm_usage_record_set_license_arn(rec, cs(LICENSE).as_ptr()));

    let mut ts = 0;
    ok(mpm_usage_record_timestamp(rec, &mut ts));
    assert_eq!(ts, HOUR);
    let strings = [
        (mpm_usage_record_customer_identifier(rec), "cust-\u{e9}"),
        (mpm_usage_record_dimension(rec), "users"),
        (mpm_usage_record_quantity_as_decimal(rec), "1.5"),
        (
            mpm_usage_record_customer_aws_account_id(rec),
            "111122223333",
        ),
        (mpm_usage_record_license_arn(rec), LICENSE),
    ];
    for (p, want) in strings {
        assert_eq!(read(p).as_deref(), Some(want));
    }
    // The pointers are cached: the same until the record changes.
    assert_eq!(mpm_usage_record_dimension(rec), strings[1].0);
    assert_eq!(mpm_usage_record_usage_allocation_count(rec), 1);
    let got = mpm_usage_record_usage_allocation_at(rec, 0);
    assert!(!got.is_null());
    assert_eq!(mpm_usage_record_usage_allocation_at(rec, 0), got);
    assert_eq!(
        read(mpm_usage_allocation_allocated_usage_quantity_as_decimal(
            got
        ))
        .as_deref(),
        Some("1.5")
    );
    assert_eq!(mpm_usage_allocation_tag_count(got), 2);
    let tags: Vec<_> = (0..2)
        .map(|i| {
            (
                read(mpm_usage_allocation_tag_key_at(got, i)).unwrap(),
                read(mpm_usage_allocation_tag_value_at(got, i)).unwrap(),
            )
        })
        .collect();
    let want = [("team", "blue"), ("env", "prod 1")].map(|(k, v)| (k.to_string(), v.to_string()));
    assert_eq!(tags, want);
    assert!(mpm_usage_allocation_tag_key_at(got, 2).is_null());
    assert_last_error(MPM_ERR_INDEX_OUT_OF_RANGE, "Tags", "tag 2");
    assert!(mpm_usage_allocation_tag_value_at(got, usize::MAX).is_null());
    assert_last_error(MPM_ERR_INDEX_OUT_OF_RANGE, "Tags", "tag MAX");
    assert!(mpm_usage_record_usage_allocation_at(rec, 1).is_null());
    assert_last_error(
        MPM_ERR_INDEX_OUT_OF_RANGE,
        "UsageAllocations",
        "allocation 1",
    );

    // A borrowed allocation can be cloned and added elsewhere.
    let copy = mpm_usage_allocation_clone(got);
    assert_eq!(mpm_usage_allocation_tag_count(copy), 2);
    mpm_usage_allocation_free(copy);

    // Clones are deep: changing the clone leaves the original alone.
    let twin = mpm_usage_record_clone(rec);
    ok(mpm_usage_record_set_dimension(twin, c"other".as_ptr()));
    ok(mpm_usage_record_clear_usage_allocations(twin));
    assert_eq!(
        read(mpm_usage_record_dimension(rec)).as_deref(),
        Some("users")
    );
    assert_eq!(
        read(mpm_usage_record_dimension(twin)).as_deref(),
        Some("other")
    );
    assert_eq!(mpm_usage_record_usage_allocation_count(twin), 0);
    assert_eq!(mpm_usage_record_usage_allocation_count(rec), 1);
    mpm_usage_record_free(twin);

    // Optional strings cleared with NULL read back as absent (NULL, MPM_ERR_NOT_SET).
    for (set, get, member) in [
        (
            mpm_usage_record_set_customer_identifier as extern "C" fn(_, _) -> _,
            mpm_usage_record_customer_identifier as extern "C" fn(_) -> _,
            "CustomerIdentifier",
        ),
        (
            mpm_usage_record_set_quantity_as_decimal,
            mpm_usage_record_quantity_as_decimal,
            "QuantityAsDecimal",
        ),
        (
            mpm_usage_record_set_customer_aws_account_id,
            mpm_usage_record_customer_aws_account_id,
            "CustomerAWSAccountId",
        ),
        (
            mpm_usage_record_set_license_arn,
            mpm_usage_record_license_arn,
            "LicenseArn",
        ),
    ] {
        ok(set(rec, null()));
        assert!(get(rec).is_null(), "{member}");
        assert_last_error(MPM_ERR_NOT_SET, member, member);
    }

    // Absent members, NULL handles and NULL out-parameters.
    let empty = mpm_usage_record_new();
    assert_eq!(mpm_usage_record_timestamp(empty, &mut ts), MPM_ERR_NOT_SET);
    assert_last_error(MPM_ERR_NOT_SET, "Timestamp", "timestamp");
    let mut q = 0;
    assert_eq!(mpm_usage_record_quantity(empty, &mut q), MPM_ERR_NOT_SET);
    assert!(mpm_usage_record_dimension(empty).is_null());
    assert_last_error(MPM_ERR_NOT_SET, "Dimension", "dimension");
    assert_eq!(mpm_usage_record_usage_allocation_count(empty), 0);
    assert_eq!(mpm_last_error_code(), MPM_OK);
    assert_eq!(
        mpm_usage_record_timestamp(rec, null_mut()),
        MPM_ERR_NULL_ARGUMENT
    );
    assert_eq!(
        mpm_usage_record_timestamp(null(), &mut ts),
        MPM_ERR_NULL_ARGUMENT
    );
    assert!(mpm_usage_record_dimension(null()).is_null());
    assert_last_error(MPM_ERR_NULL_ARGUMENT, "mpm_usage_record", "NULL record");
    assert_eq!(mpm_usage_record_usage_allocation_count(null()), 0);
    assert_last_error(MPM_ERR_NULL_ARGUMENT, "mpm_usage_record", "NULL count");
    assert!(mpm_usage_record_usage_allocation_at(null(), 0).is_null());
    assert!(mpm_usage_record_clone(null()).is_null());
    assert_last_error(MPM_ERR_NULL_ARGUMENT, "mpm_usage_record", "NULL clone");
    assert!(mpm_usage_allocation_clone(null()).is_null());
    assert_last_error(MPM_ERR_NULL_ARGUMENT, "mpm_usage_allocation", "NULL clone");
    let bare = mpm_usage_allocation_new();
    assert_eq!(
        mpm_usage_allocation_allocated_usage_quantity(bare, &mut q),
        MPM_ERR_NOT_SET
    );
    assert!(mpm_usage_allocation_allocated_usage_quantity_as_decimal(bare).is_null());
    assert_last_error(
        MPM_ERR_NOT_SET,
        "AllocatedUsageQuantityAsDecimal",
        "bare decimal",
    );
    assert_eq!(mpm_usage_allocation_tag_count(bare), 0);
    assert_eq!(mpm_usage_allocation_tag_count(null()), 0);
    assert_last_error(
        MPM_ERR_NULL_ARGUMENT,
        "mpm_usage_allocation",
        "NULL tag count",
    );
    assert_eq!(
        mpm_usage_allocation_allocated_usage_quantity(a, null_mut()),
        MPM_ERR_NULL_ARGUMENT
    );
    mpm_usage_allocation_free(bare);
    mpm_usage_record_free(empty);
    mpm_usage_record_free(rec);
    mpm_usage_allocation_free(a);
}

#[test]
fn records_added_to_a_request_are_copies() {
    let rec = record(&[]);
    let b = batch(rec);
    // Made invalid after it was added: the request's copy is unaffected.
    ok(mpm_usage_record_set_customer_aws_account_id(
        rec,
        c"111122223333".as_ptr(),
    ));
    assert!(!mpm_usage_record_is_valid(rec));
    assert!(
        mpm_batch_meter_usage_request_is_valid(b),
        "{}",
        last_message()
    );
    mpm_usage_record_free(rec);
    assert!(
        mpm_batch_meter_usage_request_is_valid(b),
        "{}",
        last_message()
    );
    mpm_batch_meter_usage_request_free(b);
}

#[test]
fn free_null_is_a_no_op() {
    mpm_meter_usage_request_free(null_mut());
    mpm_batch_meter_usage_request_free(null_mut());
    mpm_resolve_customer_request_free(null_mut());
    mpm_register_usage_request_free(null_mut());
    mpm_usage_record_free(null_mut());
    mpm_usage_allocation_free(null_mut());
    assert_eq!(mpm_last_error_code(), MPM_OK);
}
