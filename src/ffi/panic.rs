//! The panic boundary every export goes through. A panic must never unwind into C (that is
//! undefined behaviour), so each `extern "C"` body is wrapped in `ffi_boundary!`, which also
//! clears the thread's last error on entry. A test (tests/ffi_boundary.rs) checks that every
//! export starts with it.

use super::error::{clear_last_error, mpm_result, set_last_error};

/// What an export returns when its body panicked: an error code, NULL, false or 0.
pub trait PanicDefault {
    fn panic_default() -> Self;
}

impl PanicDefault for mpm_result {
    fn panic_default() -> Self {
        mpm_result::MPM_ERR_PANIC
    }
}

impl<T> PanicDefault for *const T {
    fn panic_default() -> Self {
        std::ptr::null()
    }
}

impl<T> PanicDefault for *mut T {
    fn panic_default() -> Self {
        std::ptr::null_mut()
    }
}

macro_rules! zero_default {
    ($($t:ty),*) => { $(impl PanicDefault for $t { fn panic_default() -> Self { Default::default() } })* };
}
zero_default!(bool, u8, u16, u32, u64, i32, i64, usize, ());

/// Runs an export's body; a panic becomes `MPM_ERR_PANIC` in the last error and the type's
/// panic default as the return value.
pub fn boundary<R: PanicDefault>(f: impl FnOnce() -> R) -> R {
    clear_last_error();
    boundary_keep_error(f)
}

/// Like `boundary`, but leaves the last error as it is: for the functions that read it.
pub fn boundary_keep_error<R: PanicDefault>(f: impl FnOnce() -> R) -> R {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            set_last_error(
                mpm_result::MPM_ERR_PANIC,
                format!("internal error (panic caught at the C boundary): {what}"),
            );
            R::panic_default()
        }
    }
}

/// Wraps an export's body in the panic boundary: `ffi_boundary! { ... }`.
macro_rules! ffi_boundary {
    ($($body:tt)*) => {
        $crate::ffi::panic::boundary(move || { $($body)* })
    };
}
pub(crate) use ffi_boundary;

/// The boundary for the functions that read the last error, which must not clear it.
macro_rules! ffi_boundary_keep_error {
    ($($body:tt)*) => {
        $crate::ffi::panic::boundary_keep_error(move || { $($body)* })
    };
}
pub(crate) use ffi_boundary_keep_error;
