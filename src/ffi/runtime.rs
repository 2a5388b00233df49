//! The library's runtime, seen from C: only its size can be chosen, before first use.

use super::error::{mpm_result, to_code, FfiError};
use super::panic::ffi_boundary;
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
