//! `mpm_usage_record_result`: one entry of a BatchMeterUsage response's results, borrowed from
//! the response, and `mpm_record_status`, its status.

use std::ffi::{c_char, CString};

use super::{opt_str, str_or_null};
use crate::ffi::c_enum::CEnum;
use crate::ffi::error::{mpm_result, FfiError};
use crate::ffi::handle::{borrow_ptr, impl_castable, try_ref};
use crate::ffi::panic::{ffi_boundary, PanicDefault};
use crate::ffi::requests::{mpm_usage_record, UsageRecordHandle};
use mpmeter_core::model::UsageRecordResultStatus;

/// One entry of a BatchMeterUsage response's results, borrowed from the response (see
/// `mpm_batch_meter_usage_response_result_at`). Methods: `mpm_usage_record_result_status`,
/// `mpm_usage_record_result_status_name`, `mpm_usage_record_result_metering_record_id`,
/// `mpm_usage_record_result_usage_record`.
#[allow(non_camel_case_types)]
pub struct mpm_usage_record_result {
    _private: [u8; 0],
}

impl_castable!(mpm_usage_record_result => RecordResult);

/// One entry of BatchMeterUsage's `Results`.
pub struct RecordResult {
    pub status: mpm_record_status,
    pub status_name: Option<CString>,
    pub metering_record_id: Option<CString>,
    pub usage_record: Option<UsageRecordHandle>,
}

/// A BatchMeterUsage record's status. `MPM_RECORD_STATUS_UNKNOWN` is a status
/// this version does not know (read its text with `mpm_usage_record_result_status_name`);
/// `_NONE` means the service sent no status.
#[repr(u32)]
#[allow(non_camel_case_types)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, CEnum)]
pub enum mpm_record_status {
    MPM_RECORD_STATUS_NONE = 0,
    MPM_RECORD_STATUS_UNKNOWN = 1,
    MPM_RECORD_STATUS_SUCCESS = 2,
    MPM_RECORD_STATUS_CUSTOMER_NOT_SUBSCRIBED = 3,
    MPM_RECORD_STATUS_DUPLICATE_RECORD = 4,
}

impl From<Option<&UsageRecordResultStatus>> for mpm_record_status {
    fn from(s: Option<&UsageRecordResultStatus>) -> Self {
        use mpm_record_status::*;
        match s {
            None => MPM_RECORD_STATUS_NONE,
            Some(UsageRecordResultStatus::Success) => MPM_RECORD_STATUS_SUCCESS,
            Some(UsageRecordResultStatus::CustomerNotSubscribed) => {
                MPM_RECORD_STATUS_CUSTOMER_NOT_SUBSCRIBED
            }
            Some(UsageRecordResultStatus::DuplicateRecord) => MPM_RECORD_STATUS_DUPLICATE_RECORD,
            Some(UsageRecordResultStatus::Unknown(_)) => MPM_RECORD_STATUS_UNKNOWN,
        }
    }
}

impl PanicDefault for mpm_record_status {
    fn panic_default() -> Self {
        mpm_record_status::MPM_RECORD_STATUS_NONE
    }
}

/// The status of a result entry; MPM_RECORD_STATUS_NONE for NULL (see the last
/// error) or when the service sent none.
#[no_mangle]
pub extern "C" fn mpm_usage_record_result_status(
    result: *const mpm_usage_record_result,
) -> mpm_record_status {
    ffi_boundary! {
        match try_ref(result, "result") {
            Ok(r) => r.status,
            Err(e) => { e.record(); mpm_record_status::MPM_RECORD_STATUS_NONE }
        }
    }
}

/// The status as the service spelled it ("Success", or a status newer than this library).
/// The returned string is borrowed and valid until the response is freed.
#[no_mangle]
pub extern "C" fn mpm_usage_record_result_status_name(
    result: *const mpm_usage_record_result,
) -> *const c_char {
    ffi_boundary! {
        str_or_null(try_ref(result, "result").and_then(|r| opt_str(&r.status_name, "Status")))
    }
}

/// The MeteringRecordId of a result entry (absent for records not metered). The returned
/// string is borrowed and valid until the response is freed.
#[no_mangle]
pub extern "C" fn mpm_usage_record_result_metering_record_id(
    result: *const mpm_usage_record_result,
) -> *const c_char {
    ffi_boundary! {
        str_or_null(try_ref(result, "result").and_then(|r| opt_str(&r.metering_record_id, "MeteringRecordId")))
    }
}

/// The usage record a result entry is about, as the service echoed it. The returned pointer
/// is borrowed and valid until the response is freed; NULL if the service sent none.
#[no_mangle]
pub extern "C" fn mpm_usage_record_result_usage_record(
    result: *const mpm_usage_record_result,
) -> *const mpm_usage_record {
    ffi_boundary! {
        match try_ref(result, "result").and_then(|r| r.usage_record.as_ref().ok_or_else(|| {
            FfiError::new(mpm_result::MPM_ERR_NOT_SET, "the result has no UsageRecord")
        })) {
            Ok(rec) => borrow_ptr::<mpm_usage_record>(rec),
            Err(e) => { e.record(); std::ptr::null() }
        }
    }
}
