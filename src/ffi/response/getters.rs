//! The outcome of any finished response: result code, service error, request id and so on.
//! Each getter fails cleanly (NULL / 0 with the last error set) on a NULL or unfinished
//! response.

use std::ffi::{c_char, CString};

use super::completed::Completed;
use super::enums::{mpm_operation, mpm_service_error};
use super::{finished, mpm_response};
use crate::ffi::error::{mpm_result, FfiError, FfiResult};
use crate::ffi::handle::try_ref;
use crate::ffi::panic::ffi_boundary;

/// Hands out an optional owned string, recording MPM_ERR_NOT_SET when it is absent.
pub(crate) fn opt_str(value: &Option<CString>, what: &str) -> FfiResult<*const c_char> {
    value.as_ref().map(|s| s.as_ptr()).ok_or_else(|| {
        FfiError::new(
            mpm_result::MPM_ERR_NOT_SET,
            format!("the response has no {what}"),
        )
    })
}

pub(crate) fn str_or_null(r: FfiResult<*const c_char>) -> *const c_char {
    r.unwrap_or_else(|e| {
        e.record();
        std::ptr::null()
    })
}

fn with_finished<R>(resp: *const mpm_response, fallback: R, f: impl FnOnce(&Completed) -> R) -> R {
    match finished(resp) {
        Ok(c) => f(c),
        Err(e) => {
            e.record();
            fallback
        }
    }
}

/// How the call ended: MPM_OK, or the kind of failure (MPM_ERR_SERVICE, MPM_ERR_TRANSPORT,
/// MPM_ERR_TIMEOUT, MPM_ERR_CANCELLED, MPM_ERR_CREDENTIALS, MPM_ERR_INVALID_RESPONSE, ...).
/// MPM_ERR_NOT_FINISHED while it runs, MPM_ERR_NULL_ARGUMENT for NULL.
#[no_mangle]
pub extern "C" fn mpm_response_result(response: *const mpm_response) -> mpm_result {
    ffi_boundary! {
        match finished(response) {
            Ok(c) => c.result,
            Err(e) => e.record(),
        }
    }
}

/// Which modeled exception the service answered with, MPM_SERVICE_ERROR_NONE if none (or the
/// response is unfinished or NULL: see the last error).
#[no_mangle]
pub extern "C" fn mpm_response_service_error(response: *const mpm_response) -> mpm_service_error {
    ffi_boundary! {
        with_finished(response, mpm_service_error::MPM_SERVICE_ERROR_NONE, |c| c.service_error)
    }
}

/// The raw AWS error code ("ThrottlingException"), NULL if the call did not end in a service
/// error. The returned string is borrowed and valid until the response is freed.
#[no_mangle]
pub extern "C" fn mpm_response_error_code(response: *const mpm_response) -> *const c_char {
    ffi_boundary! {
        str_or_null(finished(response).and_then(|c| opt_str(&c.error_code, "error code")))
    }
}

/// What went wrong, in words: the service's message, or a description of a transport,
/// timeout, credentials or parse failure; NULL for a successful call. The returned string is
/// borrowed and valid until the response is freed.
#[no_mangle]
pub extern "C" fn mpm_response_error_message(response: *const mpm_response) -> *const c_char {
    ffi_boundary! {
        str_or_null(finished(response).and_then(|c| opt_str(&c.error_message, "error message")))
    }
}

/// The `x-amzn-RequestId` of the last answer (quote it to AWS support), NULL if none arrived.
/// The returned string is borrowed and valid until the response is freed.
#[no_mangle]
pub extern "C" fn mpm_response_request_id(response: *const mpm_response) -> *const c_char {
    ffi_boundary! {
        str_or_null(finished(response).and_then(|c| opt_str(&c.request_id, "request id")))
    }
}

/// The HTTP status of the last answer; 0 if none arrived or the response is unfinished.
#[no_mangle]
pub extern "C" fn mpm_response_http_status(response: *const mpm_response) -> u16 {
    ffi_boundary! { with_finished(response, 0, |c| c.http_status) }
}

/// How many HTTP attempts the call made (retries included); 0 if unfinished or never sent.
#[no_mangle]
pub extern "C" fn mpm_response_attempts(response: *const mpm_response) -> u32 {
    ffi_boundary! { with_finished(response, 0, |c| c.attempts) }
}

/// The operation this response belongs to (known at once, finished or not);
/// MPM_OPERATION_NONE for NULL.
#[no_mangle]
pub extern "C" fn mpm_response_operation(response: *const mpm_response) -> mpm_operation {
    ffi_boundary! {
        match try_ref(response, "response") {
            Ok(h) => h.op.into(),
            Err(e) => { e.record(); mpm_operation::MPM_OPERATION_NONE }
        }
    }
}
