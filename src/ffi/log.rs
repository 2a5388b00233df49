//! The library's log: `mpm_set_log_callback` and the stderr logger of `MPM_LOG`. Events come
//! from the core through `tracing`; `crate::logging` is the subscriber.

use std::ffi::{c_char, c_void};

use super::c_enum::CEnum;
use super::error::{enum_from_u32, mpm_result, to_code, FfiError};
use super::panic::ffi_boundary;
use crate::logging;

/// Log levels, most severe first; taken as uint32_t. A callback registered with a level gets
/// the events of that level and every more severe one.
#[repr(u32)]
#[allow(non_camel_case_types)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, CEnum)]
pub enum mpm_log_level {
    /// Nothing.
    MPM_LOG_OFF = 0,
    /// Calls that failed for a reason the caller must act on.
    MPM_LOG_ERROR = 1,
    /// Failed calls, refused redirects, credentials that could not be resolved or refreshed.
    MPM_LOG_WARN = 2,
    /// Retries (operation, attempt, HTTP status, reason, backoff), credentials resolved and
    /// refreshed (provider, expiry; never the keys), clock-skew corrections.
    MPM_LOG_INFO = 3,
    /// Every attempt's answer (operation, attempt, status, request id), every call's end.
    MPM_LOG_DEBUG = 4,
    /// Everything the library emits.
    MPM_LOG_TRACE = 5,
}

/// A log callback: the event's level (an `mpm_log_level` value), its target (the module that
/// emitted it, e.g. "mpmeter_core::client::send") and its message (one line: text then
/// `name=value` fields, secrets taken out), both valid only during the call, and the
/// userdata given to `mpm_set_log_callback`. It is called from any thread, the library's
/// own included, so it must be thread-safe, must not block for long, and must not unwind or
/// longjmp; what the library logs while it runs is dropped.
#[allow(non_camel_case_types)]
pub type mpm_log_callback = Option<
    extern "C" fn(level: u32, target: *const c_char, message: *const c_char, userdata: *mut c_void),
>;

/// Sends the library's log events of `min_level` (an `mpm_log_level` value) and more severe
/// to `callback`, replacing any earlier callback; NULL (or MPM_LOG_OFF) removes it. When
/// this returns, the previous callback is no longer running and is never called again.
/// Independently, `MPM_LOG=error|warn|info|debug|trace` in the environment (read once, at
/// the library's first use) writes the events of that level to stderr. Messages never carry
/// a secret key or session token. An unknown level is MPM_ERR_UNKNOWN_ENUM; called from
/// inside a log callback, MPM_ERR_WOULD_DEADLOCK.
#[no_mangle]
pub extern "C" fn mpm_set_log_callback(
    min_level: u32,
    callback: mpm_log_callback,
    userdata: *mut c_void,
) -> mpm_result {
    ffi_boundary! {
        to_code((|| {
            enum_from_u32::<mpm_log_level>(min_level)?;
            if logging::in_callback() {
                return Err(FfiError::new(
                    mpm_result::MPM_ERR_WOULD_DEADLOCK,
                    "mpm_set_log_callback cannot be called from inside a log callback",
                ));
            }
            logging::set_callback(min_level, callback, userdata);
            Ok(())
        })())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `crate::logging` numbers the levels itself (it sits below the C surface); they must be
    /// the C enum's numbers.
    #[test]
    fn the_logger_numbers_the_levels_as_the_c_enum_does() {
        use mpm_log_level::*;
        let pairs = [
            (MPM_LOG_OFF, logging::OFF),
            (MPM_LOG_ERROR, logging::ERROR),
            (MPM_LOG_WARN, logging::WARN),
            (MPM_LOG_INFO, logging::INFO),
            (MPM_LOG_DEBUG, logging::DEBUG),
            (MPM_LOG_TRACE, logging::TRACE),
        ];
        assert_eq!(pairs.len(), mpm_log_level::ALL.len());
        for (level, n) in pairs {
            assert_eq!(level.to_u32(), n, "{level:?}");
        }
    }
}
