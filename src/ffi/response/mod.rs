//! `mpm_response`: a call in flight and, once finished, its outcome (QtAws's
//! `AwsAbstractResponse` and the typed responses). Lifecycle functions live here; what a
//! finished response holds is read through `getters` and `typed`.

mod completed;
pub mod enums;
pub mod getters;
pub mod typed;

pub use completed::Completed;

use std::ffi::c_void;
use std::sync::Arc;
use std::time::Duration;

use super::error::{mpm_result, to_code, FfiError, FfiResult};
use super::handle::{free_boxed, impl_castable, to_boxed_ptr, try_ref};
use super::panic::ffi_boundary;
use crate::pending::{Pending, WaitError};
use mpmeter_core::client::{Client, PreparedCall};
use mpmeter_core::model::Operation;

/// What stands behind an `mpm_response *`.
pub struct ResponseHandle {
    pub op: Operation,
    pub pending: Arc<Pending<Completed>>,
}

/// A call started by `mpm_client_meter_usage` & co.: returned at once, completed in the
/// background. Methods: `mpm_response_is_finished`, `mpm_response_wait`,
/// `mpm_response_on_finished`, `mpm_response_cancel`, `mpm_response_free`, the outcome
/// getters `mpm_response_result`, `_service_error`, `_error_code`, `_error_message`,
/// `_request_id`, `_http_status`, `_attempts`, `_operation`, and the typed getters
/// `mpm_meter_usage_response_*`, `mpm_batch_meter_usage_response_*`,
/// `mpm_resolve_customer_response_*`, `mpm_register_usage_response_*`.
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
            let timeout = match timeout_ms {
                -1 => None,
                t if t >= 0 => Some(Duration::from_millis(t as u64)),
                t => return Err(FfiError::new(
                    mpm_result::MPM_ERR_INVALID_ARGUMENT,
                    format!("timeout_ms must be -1 or at least 0 (got {t})"),
                )),
            };
            h.pending.wait(timeout).map(|_| ()).map_err(|e| match e {
                WaitError::TimedOut => FfiError::new(
                    mpm_result::MPM_ERR_WAIT_TIMEOUT,
                    format!("the response did not finish within {timeout_ms} ms"),
                ),
                WaitError::OnRuntimeThread => FfiError::new(
                    mpm_result::MPM_ERR_WOULD_DEADLOCK,
                    "mpm_response_wait was called on a library runtime thread, where it would deadlock",
                ),
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
/// signal): it runs exactly once, on a library thread that is not a runtime worker (so it may
/// block or call `mpm_response_wait`), or at once on this thread if the response has already
/// finished. At most one callback per response (MPM_ERR_ALREADY_SET). `userdata` is passed
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
