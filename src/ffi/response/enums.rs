//! Enums a response reports. They are only ever returned to C, never taken from it.

use std::ffi::{c_char, CString};

use once_cell::sync::Lazy;

use crate::ffi::panic::ffi_boundary_keep_error;
use mpmeter_core::model::{Operation, UsageRecordResultStatus};
use mpmeter_core::service_error::ServiceErrorKind;

/// Which modeled exception the service answered with. `MPM_SERVICE_ERROR_NONE` when the call
/// did not end in a service error; `MPM_SERVICE_ERROR_UNKNOWN` for a code this version does not
/// model (read it with `mpm_response_error_code`). Values are never renumbered.
#[repr(u32)]
#[allow(non_camel_case_types)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum mpm_service_error {
    MPM_SERVICE_ERROR_NONE = 0,
    MPM_SERVICE_ERROR_UNKNOWN = 1,
    MPM_SERVICE_ERROR_CUSTOMER_NOT_ENTITLED = 2,
    MPM_SERVICE_ERROR_DISABLED_API = 3,
    MPM_SERVICE_ERROR_DUPLICATE_REQUEST = 4,
    MPM_SERVICE_ERROR_EXPIRED_TOKEN = 5,
    MPM_SERVICE_ERROR_IDEMPOTENCY_CONFLICT = 6,
    MPM_SERVICE_ERROR_INTERNAL_SERVICE_ERROR = 7,
    MPM_SERVICE_ERROR_INVALID_CUSTOMER_IDENTIFIER = 8,
    MPM_SERVICE_ERROR_INVALID_ENDPOINT_REGION = 9,
    MPM_SERVICE_ERROR_INVALID_LICENSE = 10,
    MPM_SERVICE_ERROR_INVALID_PRODUCT_CODE = 11,
    MPM_SERVICE_ERROR_INVALID_PUBLIC_KEY_VERSION = 12,
    MPM_SERVICE_ERROR_INVALID_REGION = 13,
    MPM_SERVICE_ERROR_INVALID_TAG = 14,
    MPM_SERVICE_ERROR_INVALID_TOKEN = 15,
    MPM_SERVICE_ERROR_INVALID_USAGE_ALLOCATIONS = 16,
    MPM_SERVICE_ERROR_INVALID_USAGE_DIMENSION = 17,
    MPM_SERVICE_ERROR_PLATFORM_NOT_SUPPORTED = 18,
    MPM_SERVICE_ERROR_THROTTLING = 19,
    MPM_SERVICE_ERROR_TIMESTAMP_OUT_OF_BOUNDS = 20,
}

impl From<ServiceErrorKind> for mpm_service_error {
    fn from(k: ServiceErrorKind) -> Self {
        use mpm_service_error::*;
        use ServiceErrorKind as K;
        match k {
            K::CustomerNotEntitled => MPM_SERVICE_ERROR_CUSTOMER_NOT_ENTITLED,
            K::DisabledApi => MPM_SERVICE_ERROR_DISABLED_API,
            K::DuplicateRequest => MPM_SERVICE_ERROR_DUPLICATE_REQUEST,
            K::ExpiredToken => MPM_SERVICE_ERROR_EXPIRED_TOKEN,
            K::IdempotencyConflict => MPM_SERVICE_ERROR_IDEMPOTENCY_CONFLICT,
            K::InternalServiceError => MPM_SERVICE_ERROR_INTERNAL_SERVICE_ERROR,
            K::InvalidCustomerIdentifier => MPM_SERVICE_ERROR_INVALID_CUSTOMER_IDENTIFIER,
            K::InvalidEndpointRegion => MPM_SERVICE_ERROR_INVALID_ENDPOINT_REGION,
            K::InvalidLicense => MPM_SERVICE_ERROR_INVALID_LICENSE,
            K::InvalidProductCode => MPM_SERVICE_ERROR_INVALID_PRODUCT_CODE,
            K::InvalidPublicKeyVersion => MPM_SERVICE_ERROR_INVALID_PUBLIC_KEY_VERSION,
            K::InvalidRegion => MPM_SERVICE_ERROR_INVALID_REGION,
            K::InvalidTag => MPM_SERVICE_ERROR_INVALID_TAG,
            K::InvalidToken => MPM_SERVICE_ERROR_INVALID_TOKEN,
            K::InvalidUsageAllocations => MPM_SERVICE_ERROR_INVALID_USAGE_ALLOCATIONS,
            K::InvalidUsageDimension => MPM_SERVICE_ERROR_INVALID_USAGE_DIMENSION,
            K::PlatformNotSupported => MPM_SERVICE_ERROR_PLATFORM_NOT_SUPPORTED,
            K::Throttling => MPM_SERVICE_ERROR_THROTTLING,
            K::TimestampOutOfBounds => MPM_SERVICE_ERROR_TIMESTAMP_OUT_OF_BOUNDS,
            K::Unknown => MPM_SERVICE_ERROR_UNKNOWN,
        }
    }
}

/// Each `mpm_service_error` value with its C name and the service's exception name, made
/// once from the enum itself (its Debug name) and the core's kinds, so no list of the 19
/// exceptions is written out again.
struct ServiceErrorName {
    value: u32,
    name: CString,
    code: CString,
}

static SERVICE_ERROR_NAMES: Lazy<Vec<ServiceErrorName>> = Lazy::new(|| {
    let entry = |v: mpm_service_error, code: &str| ServiceErrorName {
        value: v as u32,
        name: CString::new(format!("{v:?}")).expect("an identifier has no NUL"),
        code: CString::new(code).expect("an exception name has no NUL"),
    };
    let mut names = vec![
        entry(mpm_service_error::MPM_SERVICE_ERROR_NONE, ""),
        entry(mpm_service_error::MPM_SERVICE_ERROR_UNKNOWN, ""),
    ];
    names.extend(
        ServiceErrorKind::MODELED
            .iter()
            .map(|&k| entry(k.into(), k.code())),
    );
    names
});

fn service_error_entry(error: u32) -> Option<&'static ServiceErrorName> {
    SERVICE_ERROR_NAMES.iter().find(|e| e.value == error)
}

/// The name of an `mpm_service_error` value ("MPM_SERVICE_ERROR_THROTTLING"), or
/// "MPM_SERVICE_ERROR_(unknown value)" for a value this version does not define. The returned
/// string is static: never free it. Leaves the last error as it is.
#[no_mangle]
pub extern "C" fn mpm_service_error_name(error: u32) -> *const c_char {
    ffi_boundary_keep_error! {
        match service_error_entry(error) {
            Some(e) => e.name.as_ptr(),
            None => c"MPM_SERVICE_ERROR_(unknown value)".as_ptr(),
        }
    }
}

/// The service's exception name for an `mpm_service_error` value ("ThrottlingException"), as
/// the model and `mpm_response_error_code` spell it; "" for `MPM_SERVICE_ERROR_NONE`,
/// `MPM_SERVICE_ERROR_UNKNOWN` (the raw code is on the response) and values this version does
/// not define. The returned string is static: never free it. Leaves the last error as it is.
#[no_mangle]
pub extern "C" fn mpm_service_error_exception_name(error: u32) -> *const c_char {
    ffi_boundary_keep_error! {
        match service_error_entry(error) {
            Some(e) => e.code.as_ptr(),
            None => c"".as_ptr(),
        }
    }
}

/// The operation a response belongs to.
#[repr(u32)]
#[allow(non_camel_case_types)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum mpm_operation {
    MPM_OPERATION_NONE = 0,
    MPM_OPERATION_METER_USAGE = 1,
    MPM_OPERATION_BATCH_METER_USAGE = 2,
    MPM_OPERATION_RESOLVE_CUSTOMER = 3,
    MPM_OPERATION_REGISTER_USAGE = 4,
}

impl From<Operation> for mpm_operation {
    fn from(op: Operation) -> Self {
        match op {
            Operation::MeterUsage => mpm_operation::MPM_OPERATION_METER_USAGE,
            Operation::BatchMeterUsage => mpm_operation::MPM_OPERATION_BATCH_METER_USAGE,
            Operation::ResolveCustomer => mpm_operation::MPM_OPERATION_RESOLVE_CUSTOMER,
            Operation::RegisterUsage => mpm_operation::MPM_OPERATION_REGISTER_USAGE,
        }
    }
}

/// A BatchMeterUsage record's status. `MPM_RECORD_STATUS_UNKNOWN` is a status
/// this version does not know (read its text with `mpm_usage_record_result_status_name`);
/// `_NONE` means the service sent no status.
#[repr(u32)]
#[allow(non_camel_case_types)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

impl crate::ffi::panic::PanicDefault for mpm_service_error {
    fn panic_default() -> Self {
        mpm_service_error::MPM_SERVICE_ERROR_NONE
    }
}

impl crate::ffi::panic::PanicDefault for mpm_operation {
    fn panic_default() -> Self {
        mpm_operation::MPM_OPERATION_NONE
    }
}

impl crate::ffi::panic::PanicDefault for mpm_record_status {
    fn panic_default() -> Self {
        mpm_record_status::MPM_RECORD_STATUS_NONE
    }
}
