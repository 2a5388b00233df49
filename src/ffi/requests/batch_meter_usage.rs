//! `mpm_batch_meter_usage_request`: the BatchMeterUsage request builder (QtAws
//! `BatchMeterUsageRequest`).

use std::ffi::c_char;

use super::usage_record::mpm_usage_record;
use super::{is_valid, optional_checked, push_capped, to_count, update};
use crate::ffi::error::mpm_result;
use crate::ffi::handle::{free_boxed, impl_castable, to_boxed_ptr, try_ref};
use crate::ffi::panic::ffi_boundary;
use mpmeter_core::model::{BatchMeterUsageInput, MAX_USAGE_RECORDS};
use mpmeter_core::validate::{constraints as c, validate_batch_meter_usage};

/// A BatchMeterUsage request: up to 25 usage records, for SaaS products. Methods:
/// `mpm_batch_meter_usage_request_new`, `_free`, `_set_product_code`,
/// `_add_usage_record`, `_clear_usage_records`, `_usage_record_count`, `_is_valid`. Sent
/// with `mpm_client_batch_meter_usage`, which copies it.
#[allow(non_camel_case_types)]
pub struct mpm_batch_meter_usage_request {
    _private: [u8; 0],
}

impl_castable!(mpm_batch_meter_usage_request => BatchMeterUsageInput);

/// Makes an empty BatchMeterUsage request. The returned pointer must be freed with
/// `mpm_batch_meter_usage_request_free`.
#[no_mangle]
pub extern "C" fn mpm_batch_meter_usage_request_new() -> *mut mpm_batch_meter_usage_request {
    ffi_boundary! {
        to_boxed_ptr::<mpm_batch_meter_usage_request>(BatchMeterUsageInput::default())
    }
}

/// Frees a request made by `mpm_batch_meter_usage_request_new`; responses already returned
/// for it are not affected. NULL is a no-op.
#[no_mangle]
pub extern "C" fn mpm_batch_meter_usage_request_free(request: *mut mpm_batch_meter_usage_request) {
    ffi_boundary! { free_boxed(request) }
}

/// Sets ProductCode (at most 255 characters of letters, digits and `-/=:_.@`); without it,
/// every record needs a LicenseArn. The string is copied; NULL clears the member.
#[no_mangle]
pub extern "C" fn mpm_batch_meter_usage_request_set_product_code(
    request: *mut mpm_batch_meter_usage_request,
    product_code: *const c_char,
) -> mpm_result {
    ffi_boundary! {
        let value = optional_checked(product_code, "ProductCode", c::product_code);
        update(request, "request", |r: &mut BatchMeterUsageInput| {
            r.product_code = value?;
            Ok(())
        })
    }
}

/// Appends a copy of `record` to UsageRecords. A request holds at most 25 records: a 26th is
/// refused with MPM_ERR_INVALID_ARGUMENT. This copies `record` (which may be one borrowed from
/// a response); the caller keeps ownership.
#[no_mangle]
pub extern "C" fn mpm_batch_meter_usage_request_add_usage_record(
    request: *mut mpm_batch_meter_usage_request,
    record: *const mpm_usage_record,
) -> mpm_result {
    ffi_boundary! {
        let record = try_ref(record, "record").map(|r| r.record().clone());
        update(request, "request", |r: &mut BatchMeterUsageInput| {
            push_capped(&mut r.usage_records, record?, MAX_USAGE_RECORDS, "UsageRecords", "records")
        })
    }
}

/// Removes every record from the request.
#[no_mangle]
pub extern "C" fn mpm_batch_meter_usage_request_clear_usage_records(
    request: *mut mpm_batch_meter_usage_request,
) -> mpm_result {
    ffi_boundary! {
        update(request, "request", |r: &mut BatchMeterUsageInput| {
            r.usage_records.clear();
            Ok(())
        })
    }
}

/// The number of records in the request (0 for NULL, with MPM_ERR_NULL_ARGUMENT in the last
/// error).
#[no_mangle]
pub extern "C" fn mpm_batch_meter_usage_request_usage_record_count(
    request: *const mpm_batch_meter_usage_request,
) -> usize {
    ffi_boundary! { to_count(try_ref(request, "request").map(|r| r.usage_records.len())) }
}

/// Whether the request can be sent (QtAws `isValid()`): at most 25 records, each valid, each
/// with a LicenseArn when the request has no ProductCode. On false, the last error holds
/// MPM_ERR_INVALID_REQUEST and the reason (MPM_ERR_NULL_ARGUMENT for NULL).
#[no_mangle]
pub extern "C" fn mpm_batch_meter_usage_request_is_valid(
    request: *const mpm_batch_meter_usage_request,
) -> bool {
    ffi_boundary! { is_valid(request, "request", validate_batch_meter_usage) }
}
