//! Any sequence of setter calls on the C request builders, with arbitrary bytes as strings
//! (NUL-terminated, often not UTF-8) and arbitrary numbers: no call may panic, a refused
//! setter must leave a message, and a request the builder calls valid must serialize to JSON
//! that carries what was set.
#![no_main]

use std::ffi::{c_char, CString};

use libfuzzer_sys::fuzz_target;
use mpmeter_core::client::{prepare_batch_meter_usage, prepare_meter_usage};
use mpmeter::ffi::{mpm_last_error_message, mpm_result};
use mpmeter::ffi::requests::*;

struct Input<'a>(&'a [u8]);

impl Input<'_> {
    fn byte(&mut self) -> Option<u8> {
        let (&b, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(b)
    }
    fn int(&mut self) -> Option<i64> {
        let mut v = [0u8; 8];
        for b in &mut v {
            *b = self.byte()?;
        }
        Some(i64::from_le_bytes(v))
    }
    /// A string of up to 255 bytes; interior NULs are cut by CString.
    fn string(&mut self) -> Option<CString> {
        let n = usize::from(self.byte()?).min(self.0.len());
        let (s, rest) = self.0.split_at(n);
        self.0 = rest;
        let s: Vec<u8> = s.iter().copied().filter(|b| *b != 0).collect();
        CString::new(s).ok()
    }
}

fn check(r: mpm_result) {
    if r != mpm_result::MPM_OK {
        let msg = unsafe { std::ffi::CStr::from_ptr(mpm_last_error_message()) };
        assert!(!msg.to_bytes().is_empty(), "a refused setter says why");
    }
}

fn p(s: &CString) -> *const c_char {
    s.as_ptr()
}

fuzz_target!(|data: &[u8]| {
    let mut input = Input(data);
    let meter = mpm_meter_usage_request_new();
    let batch = mpm_batch_meter_usage_request_new();
    let record = mpm_usage_record_new();
    let alloc = mpm_usage_allocation_new();
    while let Some(op) = input.byte() {
        let r = match op % 20 {
            0 => input.string().map(|s| mpm_meter_usage_request_set_product_code(meter, p(&s))),
            1 => input.int().map(|t| mpm_meter_usage_request_set_timestamp(meter, t)),
            2 => input.string().map(|s| mpm_meter_usage_request_set_usage_dimension(meter, p(&s))),
            3 => input.int().map(|q| mpm_meter_usage_request_set_usage_quantity(meter, q as i32)),
            4 => input.string().map(|s| mpm_meter_usage_request_set_usage_quantity_as_decimal(meter, p(&s))),
            5 => input.string().map(|s| mpm_meter_usage_request_set_client_token(meter, p(&s))),
            6 => Some(mpm_meter_usage_request_add_usage_allocation(meter, alloc)),
            7 => input.int().map(|q| mpm_usage_allocation_set_allocated_usage_quantity(alloc, q as i32)),
            8 => input.string().map(|s| mpm_usage_allocation_set_allocated_usage_quantity_as_decimal(alloc, p(&s))),
            9 => match (input.string(), input.string()) {
                (Some(k), Some(v)) => Some(mpm_usage_allocation_add_tag(alloc, p(&k), p(&v))),
                _ => None,
            },
            10 => input.int().map(|t| mpm_usage_record_set_timestamp(record, t)),
            11 => input.string().map(|s| mpm_usage_record_set_dimension(record, p(&s))),
            12 => input.string().map(|s| mpm_usage_record_set_customer_identifier(record, p(&s))),
            13 => input.string().map(|s| mpm_usage_record_set_customer_aws_account_id(record, p(&s))),
            14 => input.int().map(|q| mpm_usage_record_set_quantity(record, q as i32)),
            15 => input.string().map(|s| mpm_usage_record_set_quantity_as_decimal(record, p(&s))),
            16 => input.string().map(|s| mpm_usage_record_set_license_arn(record, p(&s))),
            17 => Some(mpm_usage_record_add_usage_allocation(record, alloc)),
            18 => Some(mpm_batch_meter_usage_request_add_usage_record(batch, record)),
            _ => input.string().map(|s| mpm_batch_meter_usage_request_set_product_code(batch, p(&s))),
        };
        match r {
            Some(code) => check(code),
            None => break,
        }
    }
    // Validity and serialization agree: valid requests always serialize, invalid never do.
    // SAFETY: the handles were made above and are not shared.
    let meter_rust = unsafe { &*(meter as *const mpmeter_core::model::MeterUsageInput) };
    let valid = mpm_meter_usage_request_is_valid(meter);
    let prepared = prepare_meter_usage(meter_rust);
    assert_eq!(valid, prepared.is_ok());
    if let Ok(call) = prepared {
        let v: serde_json::Value = serde_json::from_slice(&call.body).expect("valid JSON");
        assert_eq!(v["ProductCode"].as_str(), meter_rust.product_code.as_deref());
        assert!(v["ClientToken"].is_string());
        assert!(!(v.get("UsageQuantity").is_some() && v.get("UsageQuantityAsDecimal").is_some()));
    }
    let batch_rust = unsafe { &*(batch as *const mpmeter_core::model::BatchMeterUsageInput) };
    assert_eq!(mpm_batch_meter_usage_request_is_valid(batch), prepare_batch_meter_usage(batch_rust).is_ok());
    mpm_usage_allocation_free(alloc);
    mpm_usage_record_free(record);
    mpm_batch_meter_usage_request_free(batch);
    mpm_meter_usage_request_free(meter);
});
