//! The thread's last error seen from C, and the names of result codes. Kept apart from
//! `error` (codes, the last error's storage), which the panic boundary itself needs: these
//! functions run inside that boundary, so `error` <- `panic` <- `last_error`, no cycle.

use std::ffi::c_char;

use super::c_enum::CEnum;
use super::error::{last_error_code, last_error_message, mpm_result};
use super::panic::ffi_boundary_keep_error;

/// The code of the last error on this thread, `MPM_OK` if the last call succeeded.
#[no_mangle]
pub extern "C" fn mpm_last_error_code() -> mpm_result {
    ffi_boundary_keep_error! { last_error_code() }
}

/// The message of the last error on this thread ("" if none). The returned pointer is
/// borrowed: it is owned by the library and valid until this thread's next call into mpmeter.
#[no_mangle]
pub extern "C" fn mpm_last_error_message() -> *const c_char {
    ffi_boundary_keep_error! { last_error_message() }
}

/// A static name for a result code ("MPM_ERR_TIMEOUT"), or "MPM_UNKNOWN_RESULT" for a value
/// this version does not define. Leaves the last error as it is, so
/// `mpm_result_name(mpm_last_error_code())` and `mpm_last_error_message()` may be used
/// together. The returned string is static: never free it.
#[no_mangle]
pub extern "C" fn mpm_result_name(code: u32) -> *const c_char {
    ffi_boundary_keep_error! {
        match mpm_result::from_u32(code) {
            Some(c) => c.name().as_ptr(),
            None => c"MPM_UNKNOWN_RESULT".as_ptr(),
        }
    }
}
