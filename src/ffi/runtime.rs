//! The library's runtime, seen from C: its size, chosen before first use, and how a C function
//! blocks on async work (`pending::block_on` and `Pending::wait`, the one blocking wait, with
//! their errors as result codes).

use std::future::Future;
use std::time::Duration;

use super::error::{mpm_result, to_code, FfiError, FfiResult};
use super::panic::ffi_boundary;
use crate::pending::{self, BlockError, WaitError};
use crate::runtime;

/// Sets the number of worker threads of the library's runtime (default 2). Must be called
/// before the first operation starts the runtime; afterwards it returns MPM_ERR_RUNTIME.
/// Takes no ownership of anything.
#[no_mangle]
pub extern "C" fn mpm_runtime_set_worker_threads(threads: u32) -> mpm_result {
    ffi_boundary! {
        to_code(runtime::set_worker_threads(threads as usize).map_err(|m| {
            let code = if threads == 0 || threads > 256 {
                mpm_result::MPM_ERR_INVALID_ARGUMENT
            } else {
                mpm_result::MPM_ERR_RUNTIME
            };
            FfiError::new(code, m)
        }))
    }
}

/// A wait's `timeout_ms` as C passes it: -1 for no limit, else 0 or more milliseconds.
pub(crate) fn timeout_from_ms(timeout_ms: i64) -> FfiResult<Option<Duration>> {
    match timeout_ms {
        -1 => Ok(None),
        t if t >= 0 => Ok(Some(Duration::from_millis(t as u64))),
        t => Err(FfiError::new(
            mpm_result::MPM_ERR_INVALID_ARGUMENT,
            format!("timeout_ms must be -1 or at least 0 (got {t})"),
        )),
    }
}

/// Why a wait of `function` (for `what`) returned early: MPM_ERR_WAIT_TIMEOUT (the work goes
/// on) or MPM_ERR_WOULD_DEADLOCK.
pub(crate) fn wait_error(e: WaitError, function: &str, what: &str, timeout_ms: i64) -> FfiError {
    match e {
        WaitError::TimedOut => FfiError::new(
            mpm_result::MPM_ERR_WAIT_TIMEOUT,
            format!("{what} did not finish within {timeout_ms} ms; it goes on in the background"),
        ),
        WaitError::OnRuntimeThread => FfiError::new(
            mpm_result::MPM_ERR_WOULD_DEADLOCK,
            format!("{function} cannot wait on a library runtime thread, where it would deadlock"),
        ),
    }
}

/// Runs `work` on the library's runtime and waits for it (`pending::block_on`), every way it
/// can fail a result code: MPM_ERR_RUNTIME, MPM_ERR_WAIT_TIMEOUT, MPM_ERR_WOULD_DEADLOCK,
/// MPM_ERR_INVALID_ARGUMENT for a `timeout_ms` below -1.
pub(crate) fn block_on<T, F>(function: &str, what: &str, work: F, timeout_ms: i64) -> FfiResult<T>
where
    F: Future<Output = T> + Send + 'static,
    T: Clone + Send + Sync + 'static,
{
    let timeout = timeout_from_ms(timeout_ms)?;
    pending::block_on(work, timeout).map_err(|e| match e {
        BlockError::Runtime(m) => FfiError::new(mpm_result::MPM_ERR_RUNTIME, m),
        BlockError::Wait(w) => wait_error(w, function, what, timeout_ms),
    })
}
