//! The typed getters of `mpm_response`, one group per operation (`mpm_meter_usage_response_*`,
//! `mpm_batch_meter_usage_response_*`, `mpm_resolve_customer_response_*`,
//! `mpm_register_usage_response_*`): views of a finished response of that operation. Each
//! fails cleanly (NULL / an error code, with the last error set) on another operation's
//! response, an unfinished one, or one that did not succeed.

use std::ffi::c_char;

use super::completed::Output;
use super::record_result::{mpm_usage_record_result, RecordResult};
use super::{finished, mpm_response, opt_str, str_or_null};
use crate::ffi::error::{mpm_result, to_code, FfiError, FfiResult};
use crate::ffi::handle::{borrow_ptr, try_ref, write_out};
use crate::ffi::panic::ffi_boundary;
use crate::ffi::requests::{mpm_usage_record, UsageRecordHandle};
use mpmeter_core::model::Operation;

/// The successful output of `resp`, which must be a finished response of `op`.
fn output_of(resp: *const mpm_response, op: Operation) -> FfiResult<&'static Output> {
    let h = try_ref(resp, "response")?;
    if h.op != op {
        return Err(FfiError::new(
            mpm_result::MPM_ERR_WRONG_OPERATION,
            format!(
                "this is a {} response, not a {} one",
                h.op.name(),
                op.name()
            ),
        ));
    }
    let done = finished(resp)?;
    done.output.as_ref().ok_or_else(|| {
        FfiError::new(
            mpm_result::MPM_ERR_NO_OUTPUT,
            format!(
                "the {} call did not succeed; see mpm_response_result",
                op.name()
            ),
        )
    })
}

fn index_error(i: usize, len: usize) -> FfiError {
    FfiError::new(
        mpm_result::MPM_ERR_INDEX_OUT_OF_RANGE,
        format!("index {i} is out of range (count is {len})"),
    )
}

/// Reads one optional string member of a finished, successful response of `op`.
fn output_string(
    response: *const mpm_response,
    op: Operation,
    what: &str,
    pick: impl FnOnce(&'static Output) -> &'static Option<std::ffi::CString>,
) -> *const c_char {
    str_or_null(output_of(response, op).and_then(|o| opt_str(pick(o), what)))
}

/// The MeteringRecordId of a MeterUsage response. The returned string is borrowed and valid
/// until the response is freed.
#[no_mangle]
pub extern "C" fn mpm_meter_usage_response_metering_record_id(
    response: *const mpm_response,
) -> *const c_char {
    ffi_boundary! {
        output_string(response, Operation::MeterUsage, "MeteringRecordId", |o| match o {
            Output::MeterUsage { metering_record_id, .. } => metering_record_id,
            _ => unreachable!("output matches the operation"),
        })
    }
}
/// The CustomerIdentifier of a ResolveCustomer response (absent for new integrations: NULL
/// with MPM_ERR_NOT_SET). The returned string is borrowed and valid until the response is
/// freed.
#[no_mangle]
pub extern "C" fn mpm_resolve_customer_response_customer_identifier(
    response: *const mpm_response,
) -> *const c_char {
    ffi_boundary! {
        output_string(response, Operation::ResolveCustomer, "CustomerIdentifier", |o| match o {
            Output::ResolveCustomer { customer_identifier, .. } => customer_identifier,
            _ => unreachable!("output matches the operation"),
        })
    }
}
/// The ProductCode of a ResolveCustomer response. The returned string is borrowed and valid
/// until the response is freed.
#[no_mangle]
pub extern "C" fn mpm_resolve_customer_response_product_code(
    response: *const mpm_response,
) -> *const c_char {
    ffi_boundary! {
        output_string(response, Operation::ResolveCustomer, "ProductCode", |o| match o {
            Output::ResolveCustomer { product_code, .. } => product_code,
            _ => unreachable!("output matches the operation"),
        })
    }
}
/// The CustomerAWSAccountId of a ResolveCustomer response. The returned string is borrowed
/// and valid until the response is freed.
#[no_mangle]
pub extern "C" fn mpm_resolve_customer_response_customer_aws_account_id(
    response: *const mpm_response,
) -> *const c_char {
    ffi_boundary! {
        output_string(response, Operation::ResolveCustomer, "CustomerAWSAccountId", |o| match o {
            Output::ResolveCustomer { customer_aws_account_id, .. } => customer_aws_account_id,
            _ => unreachable!("output matches the operation"),
        })
    }
}
/// The LicenseArn of a ResolveCustomer response. The returned string is borrowed and valid
/// until the response is freed.
#[no_mangle]
pub extern "C" fn mpm_resolve_customer_response_license_arn(
    response: *const mpm_response,
) -> *const c_char {
    ffi_boundary! {
        output_string(response, Operation::ResolveCustomer, "LicenseArn", |o| match o {
            Output::ResolveCustomer { license_arn, .. } => license_arn,
            _ => unreachable!("output matches the operation"),
        })
    }
}
/// The Metadata.AgreementId of a ResolveCustomer response. The returned string is borrowed
/// and valid until the response is freed.
#[no_mangle]
pub extern "C" fn mpm_resolve_customer_response_agreement_id(
    response: *const mpm_response,
) -> *const c_char {
    ffi_boundary! {
        output_string(response, Operation::ResolveCustomer, "Metadata.AgreementId", |o| match o {
            Output::ResolveCustomer { agreement_id, .. } => agreement_id,
            _ => unreachable!("output matches the operation"),
        })
    }
}
/// The Signature (a JWT) of a RegisterUsage response. The returned string is borrowed and
/// valid until the response is freed.
#[no_mangle]
pub extern "C" fn mpm_register_usage_response_signature(
    response: *const mpm_response,
) -> *const c_char {
    ffi_boundary! {
        output_string(response, Operation::RegisterUsage, "Signature", |o| match o {
            Output::RegisterUsage { signature, .. } => signature,
            _ => unreachable!("output matches the operation"),
        })
    }
}

/// Writes the PublicKeyRotationTimestamp (Unix seconds) of a RegisterUsage response to `out`.
/// MPM_ERR_NOT_SET when the service sent none. Takes no ownership.
#[no_mangle]
pub extern "C" fn mpm_register_usage_response_public_key_rotation_timestamp(
    response: *const mpm_response,
    out: *mut i64,
) -> mpm_result {
    ffi_boundary! {
        to_code(output_of(response, Operation::RegisterUsage).and_then(|o| match o {
            Output::RegisterUsage { public_key_rotation_timestamp: Some(t), .. } => write_out(out, *t),
            _ => Err(FfiError::new(mpm_result::MPM_ERR_NOT_SET, "the response has no PublicKeyRotationTimestamp")),
        }))
    }
}

fn batch(
    resp: *const mpm_response,
) -> FfiResult<(&'static [RecordResult], &'static [UsageRecordHandle])> {
    batch_output(resp).map(|(r, u, _)| (r, u))
}

/// Results, unprocessed records and how many of the last unprocessed were missing from the
/// answer.
fn batch_output(
    resp: *const mpm_response,
) -> FfiResult<(&'static [RecordResult], &'static [UsageRecordHandle], usize)> {
    match output_of(resp, Operation::BatchMeterUsage)? {
        Output::BatchMeterUsage {
            results,
            unprocessed,
            missing_from_answer,
        } => Ok((results, unprocessed, *missing_from_answer)),
        _ => unreachable!("output matches the operation"),
    }
}

/// Writes the number of entries in a BatchMeterUsage response's Results to `out`.
#[no_mangle]
pub extern "C" fn mpm_batch_meter_usage_response_result_count(
    response: *const mpm_response,
    out: *mut usize,
) -> mpm_result {
    ffi_boundary! { to_code(batch(response).and_then(|(r, _)| write_out(out, r.len()))) }
}

/// Entry `index` of a BatchMeterUsage response's Results. The returned pointer is borrowed
/// and valid until the response is freed; NULL on error (see the last error).
#[no_mangle]
pub extern "C" fn mpm_batch_meter_usage_response_result_at(
    response: *const mpm_response,
    index: usize,
) -> *const mpm_usage_record_result {
    ffi_boundary! {
        match batch(response).and_then(|(r, _)| r.get(index).ok_or_else(|| index_error(index, r.len()))) {
            Ok(entry) => borrow_ptr::<mpm_usage_record_result>(entry),
            Err(e) => { e.record(); std::ptr::null() }
        }
    }
}

/// Writes the number of UnprocessedRecords of a BatchMeterUsage response to `out`. These
/// records were not metered: send them again.
#[no_mangle]
pub extern "C" fn mpm_batch_meter_usage_response_unprocessed_count(
    response: *const mpm_response,
    out: *mut usize,
) -> mpm_result {
    ffi_boundary! { to_code(batch(response).and_then(|(_, u)| write_out(out, u.len()))) }
}

/// Unprocessed record `index` of a BatchMeterUsage response, ready to be added to a new
/// request as is (`mpm_batch_meter_usage_request_add_usage_record` copies it). The returned
/// pointer is borrowed and valid until the response is freed; NULL on error.
#[no_mangle]
pub extern "C" fn mpm_batch_meter_usage_response_unprocessed_at(
    response: *const mpm_response,
    index: usize,
) -> *const mpm_usage_record {
    ffi_boundary! {
        match batch(response).and_then(|(_, u)| u.get(index).ok_or_else(|| index_error(index, u.len()))) {
            Ok(rec) => borrow_ptr::<mpm_usage_record>(rec),
            Err(e) => { e.record(); std::ptr::null() }
        }
    }
}

/// Writes to `out` whether unprocessed record `index` of a BatchMeterUsage response was
/// missing from the service's answer (sent, but neither among the Results nor among the
/// UnprocessedRecords), rather than returned as unprocessed by the service. Either way the
/// record was not metered and should be sent again. Such records come after the ones the
/// service returned; `out` is caller-owned storage for one bool.
#[no_mangle]
pub extern "C" fn mpm_batch_meter_usage_response_unprocessed_is_missing(
    response: *const mpm_response,
    index: usize,
    out: *mut bool,
) -> mpm_result {
    ffi_boundary! {
        to_code(batch_output(response).and_then(|(_, u, missing)| {
            if index >= u.len() {
                return Err(index_error(index, u.len()));
            }
            write_out(out, index >= u.len() - missing)
        }))
    }
}

/// Writes to `out` how many of a BatchMeterUsage response's unprocessed records were missing
/// from the service's answer (the last ones of the list, see
/// `mpm_batch_meter_usage_response_unprocessed_is_missing`); `out` is caller-owned storage for
/// one size_t.
#[no_mangle]
pub extern "C" fn mpm_batch_meter_usage_response_missing_count(
    response: *const mpm_response,
    out: *mut usize,
) -> mpm_result {
    ffi_boundary! { to_code(batch_output(response).and_then(|(_, _, m)| write_out(out, m))) }
}
