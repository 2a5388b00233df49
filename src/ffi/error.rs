//! Result codes, the error a C-facing function carries until it reaches C, the one map from
//! the core's errors to result codes, and the thread-local last error it leaves (read from C
//! through `last_error`). Every fallible function returns an `mpm_result` (or NULL) and
//! leaves a code and message here, readable on the same thread until its next call into the
//! library.

use std::cell::RefCell;
use std::ffi::{c_char, CString};

use super::c_enum::CEnum;
use mpmeter_core::error::Error;

/// Result codes. `MPM_OK` is 0; codes are never renumbered or reused.
///
/// Codes 1-99 are about the arguments of a call; 100 and up describe how an operation ended
/// (`mpm_response_result`).
#[repr(u32)]
#[allow(non_camel_case_types)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, CEnum)]
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
    /// Connecting, sending or receiving failed, or the HTTP client could not be built (when a
    /// client is made).
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

impl mpm_result {
    /// The code for an error of the core: the one map, used alike when a client is made or
    /// changed and when a call ends.
    pub fn of(e: &Error) -> Self {
        match e {
            Error::InvalidRequest(_) => Self::MPM_ERR_INVALID_REQUEST,
            Error::Endpoint(_) => Self::MPM_ERR_ENDPOINT,
            Error::Credentials(_) => Self::MPM_ERR_CREDENTIALS,
            Error::Signing(_) => Self::MPM_ERR_SIGNING,
            Error::Transport(_) => Self::MPM_ERR_TRANSPORT,
            Error::Timeout(_) => Self::MPM_ERR_TIMEOUT,
            Error::Cancelled => Self::MPM_ERR_CANCELLED,
            Error::Service(_) => Self::MPM_ERR_SERVICE,
            Error::InvalidResponse(_) => Self::MPM_ERR_INVALID_RESPONSE,
        }
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

/// A core error on its way to C: `mpm_result::of` gives the code. An endpoint error's message
/// is the core's as is (it names the region or URL); the others say what failed first.
impl From<Error> for FfiError {
    fn from(e: Error) -> Self {
        let code = mpm_result::of(&e);
        match e {
            Error::Endpoint(m) => FfiError::new(code, m),
            other => FfiError::new(code, other.to_string()),
        }
    }
}

/// A number from C that is not a value of the C enum `T` (MPM_ERR_UNKNOWN_ENUM).
pub fn unknown_enum<T: CEnum>(value: u32) -> FfiError {
    FfiError::new(
        mpm_result::MPM_ERR_UNKNOWN_ENUM,
        format!("{value} ({value:#x}) is not an {} value", T::TYPE_NAME),
    )
}

/// The value of the C enum `T` a number from C stands for, or MPM_ERR_UNKNOWN_ENUM.
pub fn enum_from_u32<T: CEnum>(value: u32) -> FfiResult<T> {
    T::from_u32(value).ok_or_else(|| unknown_enum::<T>(value))
}

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

/// The thread's last error, as `mpm_last_error_code` and `mpm_last_error_message` give it.
pub fn last_error_code() -> mpm_result {
    LAST_ERROR.with(|e| e.borrow().code)
}

/// See `last_error_code`; the pointer is valid until the thread's next call into mpmeter.
pub fn last_error_message() -> *const c_char {
    LAST_ERROR.with(|e| e.borrow().message.as_ptr())
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

#[cfg(test)]
mod tests {
    use super::*;
    use mpmeter_core::service_error::{ServiceError, ServiceErrorKind};
    use mpmeter_core::validate::ValidationError;

    /// One code per kind of core error, whether the error comes from making a client or from
    /// a finished call (a transport error was MPM_ERR_RUNTIME at client creation once).
    #[test]
    fn every_core_error_has_its_one_code() {
        let cases = [
            (
                Error::InvalidRequest(ValidationError::new("M", "r")),
                mpm_result::MPM_ERR_INVALID_REQUEST,
            ),
            (Error::Endpoint("e".into()), mpm_result::MPM_ERR_ENDPOINT),
            (
                Error::Credentials("c".into()),
                mpm_result::MPM_ERR_CREDENTIALS,
            ),
            (Error::Signing("s".into()), mpm_result::MPM_ERR_SIGNING),
            (Error::Transport("t".into()), mpm_result::MPM_ERR_TRANSPORT),
            (Error::Timeout("t".into()), mpm_result::MPM_ERR_TIMEOUT),
            (Error::Cancelled, mpm_result::MPM_ERR_CANCELLED),
            (
                Error::Service(ServiceError {
                    kind: ServiceErrorKind::Throttling,
                    code: "ThrottlingException".into(),
                    message: None,
                }),
                mpm_result::MPM_ERR_SERVICE,
            ),
            (
                Error::InvalidResponse("i".into()),
                mpm_result::MPM_ERR_INVALID_RESPONSE,
            ),
        ];
        for (e, code) in cases {
            assert_eq!(mpm_result::of(&e), code, "{e:?}");
            assert_eq!(FfiError::from(e).code, code);
        }
        assert_eq!(FfiError::from(Error::Endpoint("bad".into())).message, "bad");
        assert_eq!(
            FfiError::from(Error::Transport("x".into())).message,
            "transport: x"
        );
    }

    /// Codes are never renumbered: the published numbers, written out once more here.
    #[test]
    fn codes_keep_their_numbers() {
        let published: &[(mpm_result, u32)] = &[
            (mpm_result::MPM_OK, 0),
            (mpm_result::MPM_ERR_NULL_ARGUMENT, 1),
            (mpm_result::MPM_ERR_NO_OUTPUT, 16),
            (mpm_result::MPM_ERR_SERVICE, 100),
            (mpm_result::MPM_ERR_TRANSPORT, 101),
            (mpm_result::MPM_ERR_INVALID_RESPONSE, 106),
        ];
        for (code, n) in published {
            assert_eq!(code.to_u32(), *n, "{code:?}");
            assert_eq!(mpm_result::from_u32(*n), Some(*code));
        }
        assert_eq!(mpm_result::MPM_ERR_TIMEOUT.name(), c"MPM_ERR_TIMEOUT");
        assert_eq!(mpm_result::from_u32(99), None);
    }
}
