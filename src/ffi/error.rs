//! Result codes and the thread-local last error. Every fallible function returns an
//! `mpm_result` (or NULL) and leaves a code and message here, readable on the same thread
//! until its next call into the library.

use std::cell::RefCell;
use std::ffi::{c_char, CString};

use super::panic::ffi_boundary_keep_error;

/// Result codes. `MPM_OK` is 0; codes are never renumbered or reused.
///
/// Codes 1-99 are about the arguments of a call; 100 and up describe how an operation ended
/// (`mpm_response_result`).
#[repr(u32)]
#[allow(non_camel_case_types)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum mpm_result {
    MPM_OK = 0,
    /// A required pointer argument was NULL.
    MPM_ERR_NULL_ARGUMENT = 1,
    /// A string argument was not valid UTF-8.
    MPM_ERR_INVALID_UTF8 = 2,
    /// A value breaks the model's constraints or is out of range.
    MPM_ERR_INVALID_ARGUMENT = 3,
    /// An enum value (taken as uint32_t) that this version does not define.
    MPM_ERR_UNKNOWN_ENUM = 4,
    /// A request is not valid as a whole (a required member missing, a cross-member rule).
    MPM_ERR_INVALID_REQUEST = 5,
    /// A typed getter was called on another operation's response.
    MPM_ERR_WRONG_OPERATION = 6,
    /// The response has not finished yet.
    MPM_ERR_NOT_FINISHED = 7,
    /// An index past the end of a list.
    MPM_ERR_INDEX_OUT_OF_RANGE = 8,
    /// `mpm_response_wait` gave up at its timeout; the call goes on.
    MPM_ERR_WAIT_TIMEOUT = 9,
    /// A blocking wait on a library runtime thread, which would deadlock.
    MPM_ERR_WOULD_DEADLOCK = 10,
    /// A completion callback was already registered.
    MPM_ERR_ALREADY_SET = 11,
    /// The library's runtime could not start or was configured too late.
    MPM_ERR_RUNTIME = 12,
    /// A panic was caught at the C boundary (a bug in mpmeter; please report it).
    MPM_ERR_PANIC = 13,
    /// The region or endpoint cannot be turned into a valid URL.
    MPM_ERR_ENDPOINT = 14,
    /// The response member asked for is absent (the service did not send it).
    MPM_ERR_NOT_SET = 15,
    /// The operation did not succeed, so it has no output to read.
    MPM_ERR_NO_OUTPUT = 16,
    /// The service answered with an error (`mpm_response_service_error` says which).
    MPM_ERR_SERVICE = 100,
    /// Connecting, sending or receiving failed.
    MPM_ERR_TRANSPORT = 101,
    /// An attempt or the whole operation timed out.
    MPM_ERR_TIMEOUT = 102,
    /// The call was cancelled.
    MPM_ERR_CANCELLED = 103,
    /// No credentials could be obtained.
    MPM_ERR_CREDENTIALS = 104,
    /// The request could not be signed.
    MPM_ERR_SIGNING = 105,
    /// The service's answer could not be read (not JSON, wrong shape).
    MPM_ERR_INVALID_RESPONSE = 106,
    /// The outbox store cannot be opened, read or written, or its settings (WAL,
    /// synchronous=FULL, schema version, mode) do not hold.
    MPM_ERR_STORE = 107,
    /// Another process (or another open outbox) holds the outbox store: one process per file.
    MPM_ERR_STORE_LOCKED = 108,
    /// Usage refused as late: its slot is sealed and the late-usage policy refuses it, or its
    /// month is closed.
    MPM_ERR_LATE_USAGE = 109,
    /// The outbox was closed.
    MPM_ERR_OUTBOX_CLOSED = 110,
    /// Machine mode without a machine identity (none given, none from the metadata services).
    MPM_ERR_MACHINE_IDENTITY = 111,
}

/// Lists each code once and derives both the list of codes and their names from it; the
/// exhaustive match in `name` makes the compiler reject a list that misses a code.
macro_rules! result_codes {
    ($($v:ident),* $(,)?) => {
        impl mpm_result {
            pub const ALL: &'static [mpm_result] = &[$(Self::$v),*];

            /// The code's name as a NUL-terminated static string.
            pub fn name(self) -> &'static std::ffi::CStr {
                match self {
                    $(Self::$v => match std::ffi::CStr::from_bytes_with_nul(
                        concat!(stringify!($v), "\0").as_bytes(),
                    ) {
                        Ok(name) => name,
                        Err(_) => c"MPM_UNKNOWN_RESULT",
                    },)*
                }
            }
        }
    };
}

result_codes!(
    MPM_OK,
    MPM_ERR_NULL_ARGUMENT,
    MPM_ERR_INVALID_UTF8,
    MPM_ERR_INVALID_ARGUMENT,
    MPM_ERR_UNKNOWN_ENUM,
    MPM_ERR_INVALID_REQUEST,
    MPM_ERR_WRONG_OPERATION,
    MPM_ERR_NOT_FINISHED,
    MPM_ERR_INDEX_OUT_OF_RANGE,
    MPM_ERR_WAIT_TIMEOUT,
    MPM_ERR_WOULD_DEADLOCK,
    MPM_ERR_ALREADY_SET,
    MPM_ERR_RUNTIME,
    MPM_ERR_PANIC,
    MPM_ERR_ENDPOINT,
    MPM_ERR_NOT_SET,
    MPM_ERR_NO_OUTPUT,
    MPM_ERR_SERVICE,
    MPM_ERR_TRANSPORT,
    MPM_ERR_TIMEOUT,
    MPM_ERR_CANCELLED,
    MPM_ERR_CREDENTIALS,
    MPM_ERR_SIGNING,
    MPM_ERR_INVALID_RESPONSE,
    MPM_ERR_STORE,
    MPM_ERR_STORE_LOCKED,
    MPM_ERR_LATE_USAGE,
    MPM_ERR_OUTBOX_CLOSED,
    MPM_ERR_MACHINE_IDENTITY,
);

impl mpm_result {
    pub fn from_u32(code: u32) -> Option<Self> {
        Self::ALL.iter().copied().find(|c| *c as u32 == code)
    }
}

/// An error on its way to C: a code and a message for the last error.
#[derive(Debug, Clone)]
pub struct FfiError {
    pub code: mpm_result,
    pub message: String,
}

impl FfiError {
    pub fn new(code: mpm_result, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    /// Records this error as the thread's last error and returns its code.
    pub fn record(self) -> mpm_result {
        let code = self.code;
        set_last_error(code, self.message);
        code
    }
}

pub type FfiResult<T> = Result<T, FfiError>;

/// Turns an internal result into a C result code, recording any error.
pub fn to_code(r: FfiResult<()>) -> mpm_result {
    match r {
        Ok(()) => mpm_result::MPM_OK,
        Err(e) => e.record(),
    }
}

/// Turns an internal result into a pointer, NULL (with the error recorded) on failure.
pub fn to_ptr<T>(r: FfiResult<*mut T>) -> *mut T {
    r.unwrap_or_else(|e| {
        e.record();
        std::ptr::null_mut()
    })
}

struct LastError {
    code: mpm_result,
    message: CString,
}

thread_local! {
    static LAST_ERROR: RefCell<LastError> = RefCell::new(LastError {
        code: mpm_result::MPM_OK,
        message: CString::default(),
    });
}

pub fn set_last_error(code: mpm_result, message: String) {
    // Every last error passes here: no labelled secret or URL user info, and a bounded size,
    // whatever made the message (core::redact).
    let message = mpmeter_core::redact::message(&message, &[]);
    // An interior NUL would cut the message short: replace it rather than lose the text.
    let message = CString::new(message.replace('\0', "\\0")).unwrap_or_default();
    LAST_ERROR.with(|e| *e.borrow_mut() = LastError { code, message });
}

pub fn clear_last_error() {
    LAST_ERROR.with(|e| {
        let mut e = e.borrow_mut();
        if e.code != mpm_result::MPM_OK {
            *e = LastError {
                code: mpm_result::MPM_OK,
                message: CString::default(),
            };
        }
    });
}

/// The code of the last error on this thread, `MPM_OK` if the last call succeeded.
#[no_mangle]
pub extern "C" fn mpm_last_error_code() -> mpm_result {
    ffi_boundary_keep_error! { LAST_ERROR.with(|e| e.borrow().code) }
}

/// The message of the last error on this thread ("" if none). The returned pointer is
/// borrowed: it is owned by the library and valid until this thread's next call into mpmeter.
#[no_mangle]
pub extern "C" fn mpm_last_error_message() -> *const c_char {
    ffi_boundary_keep_error! { LAST_ERROR.with(|e| e.borrow().message.as_ptr()) }
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

/// The library version ("0.1.0"), a static string: never free it. Leaves the last error as
/// it is.
#[no_mangle]
pub extern "C" fn mpm_version() -> *const c_char {
    ffi_boundary_keep_error! {
        concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
    }
}
