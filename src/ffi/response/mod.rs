//! `mpm_response`: a call in flight and, once finished, its outcome (QtAws's
//! `AwsAbstractResponse` and the typed responses). This file is the type's home: the handle,
//! its lifecycle (wait, callback, cancel, free) and its outcome getters (`mpm_response_*`).
//! Beside it: `completed`, what a finished response holds, in the form C reads it; `typed`,
//! the per-operation views (`mpm_meter_usage_response_*` & co.); and the C types a response
//! hands out: `record_result` (`mpm_usage_record_result`, `mpm_record_status`) and
//! `service_error` (`mpm_service_error`).

mod completed;
pub mod record_result;
pub mod service_error;
pub mod typed;

pub use completed::Completed;
pub use record_result::*;
pub use service_error::*;
pub use typed::*;

use std::ffi::{c_char, c_void, CString};
use std::sync::Arc;

use super::c_enum::CEnum;
use super::error::{mpm_result, to_code, FfiError, FfiResult};
use super::handle::{free_boxed, impl_castable, to_boxed_ptr, try_ref};
use super::panic::{ffi_boundary, PanicDefault};
use super::runtime::{timeout_from_ms, wait_error};
use crate::pending::Pending;
use mpmeter_core::client::{Client, PreparedCall};
use mpmeter_core::model::Operation;

/// What stands behind an `mpm_response *`.
pub struct ResponseHandle {
    pub op: Operation,
    pub pending: Arc<Pending<Completed>>,
}

/// A call started by `mpm_client_meter_usage` & co.: returned at once, completed in the
/// background. Methods: `mpm_response_is_finished`, `mpm_response_wait`,
/// `mpm_response_on_finished`, `mpm_response_cancel`, `mpm_response_free`,
/// `mpm_response_result`, `mpm_response_service_error`, `mpm_response_error_code`,
/// `mpm_response_error_message`, `mpm_response_request_id`, `mpm_response_http_status`,
/// `mpm_response_attempts`, `mpm_response_operation`, and the typed getters
/// `mpm_meter_usage_response_metering_record_id`,
/// `mpm_batch_meter_usage_response_result_count`, `mpm_batch_meter_usage_response_result_at`,
/// `mpm_batch_meter_usage_response_unprocessed_count`,
/// `mpm_batch_meter_usage_response_unprocessed_at`,
/// `mpm_batch_meter_usage_response_unprocessed_is_missing`,
/// `mpm_batch_meter_usage_response_missing_count`,
/// `mpm_resolve_customer_response_customer_identifier`,
/// `mpm_resolve_customer_response_product_code`,
/// `mpm_resolve_customer_response_customer_aws_account_id`,
/// `mpm_resolve_customer_response_license_arn`, `mpm_resolve_customer_response_agreement_id`,
/// `mpm_register_usage_response_signature`,
/// `mpm_register_usage_response_public_key_rotation_timestamp`.
#[allow(non_camel_case_types)]
pub struct mpm_response {
    _private: [u8; 0],
}

impl_castable!(mpm_response => ResponseHandle);

/// Starts a prepared call on the runtime and wraps it in a new handle.
pub(crate) fn start(client: &Client, call: PreparedCall) -> FfiResult<*mut mpm_response> {
    let op = call.op;
    let client = client.clone();
    let pending = Pending::spawn(async move { Completed::from_outcome(client.send(&call).await) })
        .map_err(|m| FfiError::new(mpm_result::MPM_ERR_RUNTIME, m))?;
    Ok(to_boxed_ptr(ResponseHandle { op, pending }))
}

/// Reads the completed outcome, or fails with MPM_ERR_NOT_FINISHED.
pub(crate) fn finished(resp: *const mpm_response) -> FfiResult<&'static Completed> {
    let handle: &'static ResponseHandle = try_ref(resp, "response")?;
    handle.pending.result().ok_or_else(|| {
        FfiError::new(
            mpm_result::MPM_ERR_NOT_FINISHED,
            "the response has not finished yet: wait for it or use mpm_response_on_finished",
        )
    })
}

/// True once the call has ended (successfully or not); false while it runs or for NULL.
#[no_mangle]
pub extern "C" fn mpm_response_is_finished(response: *const mpm_response) -> bool {
    ffi_boundary! {
        match try_ref(response, "response") {
            Ok(h) => h.pending.is_finished(),
            Err(e) => { e.record(); false }
        }
    }
}

/// Blocks until the call ends or `timeout_ms` milliseconds pass (-1: no limit, 0: just check).
/// Returns MPM_OK when finished (the call's own outcome is `mpm_response_result`),
/// MPM_ERR_WAIT_TIMEOUT when the time ran out (the call goes on), or MPM_ERR_WOULD_DEADLOCK
/// when called on one of the library's runtime threads. Takes no ownership.
#[no_mangle]
pub extern "C" fn mpm_response_wait(response: *const mpm_response, timeout_ms: i64) -> mpm_result {
    ffi_boundary! {
        to_code((|| {
            let h = try_ref(response, "response")?;
            let timeout = timeout_from_ms(timeout_ms)?;
            h.pending.wait(timeout).map(drop).map_err(|e| {
                wait_error(e, "mpm_response_wait", "the response", timeout_ms)
            })
        })())
    }
}

/// Called once when a response finishes, with the response and the caller's `userdata`.
#[allow(non_camel_case_types)]
pub type mpm_response_callback =
    Option<extern "C" fn(response: *const mpm_response, userdata: *mut c_void)>;

/// The raw pointers a callback carries to the thread that runs it.
struct CallbackTarget {
    callback: extern "C" fn(*const mpm_response, *mut c_void),
    response: *const mpm_response,
    userdata: *mut c_void,
}

// SAFETY: the C API documents that the callback runs on a library thread; the response
// pointer stays valid because mpm_response_free waits for a running callback. The callback
// may free the response itself as its last act, so nothing uses the pointer after the call.
unsafe impl Send for CallbackTarget {}

impl CallbackTarget {
    fn call(self) {
        (self.callback)(self.response, self.userdata)
    }
}

/// Registers the function to call once when the response finishes (QtAws's `finished()`
/// signal): it runs exactly once, on the library's one callback thread, never a runtime worker
/// (so it may block or call `mpm_response_wait`; callbacks run one at a time in the order calls
/// finish, so a slow one delays the next), or at once on this thread if the response has
/// already finished. At most one callback per response (MPM_ERR_ALREADY_SET). `userdata` is passed
/// through untouched and stays the caller's. After `mpm_response_free` returns no callback
/// starts; a callback must not free its response unless it is the last thing it does.
#[no_mangle]
pub extern "C" fn mpm_response_on_finished(
    response: *mut mpm_response,
    callback: mpm_response_callback,
    userdata: *mut c_void,
) -> mpm_result {
    ffi_boundary! {
        to_code((|| {
            let h = try_ref(response, "response")?;
            let callback = callback.ok_or_else(|| FfiError::new(
                mpm_result::MPM_ERR_NULL_ARGUMENT,
                "callback must not be NULL",
            ))?;
            let target = CallbackTarget { callback, response, userdata };
            // A callback run at once may free the response: `h` is not used after this.
            h.pending
                .on_finished(Box::new(move || target.call()))
                .map_err(|m| FfiError::new(mpm_result::MPM_ERR_ALREADY_SET, m))
        })())
    }
}

/// Cancels a running call: its network I/O stops and the response finishes with
/// MPM_ERR_CANCELLED (a registered callback still runs once). A record already received by the
/// service may still count. No-op (MPM_OK) for a finished response. Takes no ownership.
#[no_mangle]
pub extern "C" fn mpm_response_cancel(response: *mut mpm_response) -> mpm_result {
    ffi_boundary! {
        to_code(try_ref(response, "response").map(|h| {
            h.pending.cancel(Completed::cancelled);
        }))
    }
}

/// Frees a response, cancelling it if it is still running. No callback starts after this
/// returns; one already running on another thread is waited for. Every string and record
/// borrowed from the response becomes invalid. NULL is a no-op.
#[no_mangle]
pub extern "C" fn mpm_response_free(response: *mut mpm_response) {
    ffi_boundary! {
        if let Ok(h) = try_ref(response, "response") {
            h.pending.release(Completed::cancelled);
        }
        free_boxed(response)
    }
}

/// Hands out an optional owned string, recording MPM_ERR_NOT_SET when it is absent.
fn opt_str(value: &Option<CString>, what: &str) -> FfiResult<*const c_char> {
    value.as_ref().map(|s| s.as_ptr()).ok_or_else(|| {
        FfiError::new(
            mpm_result::MPM_ERR_NOT_SET,
            format!("the response has no {what}"),
        )
    })
}

fn str_or_null(r: FfiResult<*const c_char>) -> *const c_char {
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

/// The operation a response belongs to (`mpm_response_operation`).
#[repr(u32)]
#[allow(non_camel_case_types)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, CEnum)]
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

impl PanicDefault for mpm_operation {
    fn panic_default() -> Self {
        mpm_operation::MPM_OPERATION_NONE
    }
}
