//! C strings in and out. Inputs are NUL-terminated UTF-8, copied at once; outputs are
//! `CString`s owned by the handle they came from.

use std::ffi::{c_char, CStr, CString};

use super::error::{mpm_result, FfiError, FfiResult};

/// Copies a required NUL-terminated UTF-8 argument.
pub fn required_str(ptr: *const c_char, arg: &str) -> FfiResult<String> {
    if ptr.is_null() {
        return Err(FfiError::new(
            mpm_result::MPM_ERR_NULL_ARGUMENT,
            format!("{arg} must not be NULL"),
        ));
    }
    // SAFETY: C passes a NUL-terminated string (the documented contract of every string arg).
    let bytes = unsafe { CStr::from_ptr(ptr) }.to_bytes();
    std::str::from_utf8(bytes).map(str::to_string).map_err(|e| {
        FfiError::new(
            mpm_result::MPM_ERR_INVALID_UTF8,
            format!(
                "{arg} is not valid UTF-8 (bad byte at offset {})",
                e.valid_up_to()
            ),
        )
    })
}

/// Copies an optional argument: NULL means "not set".
pub fn optional_str(ptr: *const c_char, arg: &str) -> FfiResult<Option<String>> {
    if ptr.is_null() {
        Ok(None)
    } else {
        required_str(ptr, arg).map(Some)
    }
}

/// Makes an owned C string for output. Strings from the service cannot hold a NUL in JSON
/// text that reaches here unescaped, but one escaped as \u0000 could: it is shown as "\0".
pub fn to_cstring(s: &str) -> CString {
    CString::new(s.replace('\0', "\\0")).unwrap_or_default()
}

/// Writes `s` into a caller buffer snprintf-style: returns the length needed (without the
/// NUL); writes at most `len - 1` bytes plus a NUL when `buf` is not NULL and `len > 0`.
pub fn copy_to_buffer(s: &str, buf: *mut c_char, len: usize) -> usize {
    if !buf.is_null() && len > 0 {
        let n = s.len().min(len - 1);
        // SAFETY: the caller gives a buffer of at least `len` bytes.
        unsafe {
            std::ptr::copy_nonoverlapping(s.as_ptr().cast::<c_char>(), buf, n);
            *buf.add(n) = 0;
        }
    }
    s.len()
}
