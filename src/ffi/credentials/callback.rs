//! Credentials from an application callback: `mpm_credentials_out`, where a callback writes
//! what it fetched, the callback types, and the bridge that calls C from the core's
//! credential cache (on a library thread, one call at a time). The constructor
//! `mpm_credentials_new_callback` is `mpm_credentials`'s, in `super`.

use std::ffi::{c_char, c_void};
use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

use aws_credential_types::Credentials;

use crate::ffi::error::{mpm_result, to_code, FfiError};
use crate::ffi::handle::{impl_castable, try_mut};
use crate::ffi::panic::ffi_boundary;
use crate::ffi::strings::{optional_str, required_str};
use mpmeter_core::credentials::{check_keys, CredentialsSource};

/// Where a credentials callback writes what it fetched. Only valid during the callback
/// call that received it. Methods: `mpm_credentials_out_set`, `mpm_credentials_out_fail`.
#[allow(non_camel_case_types)]
pub struct mpm_credentials_out {
    _private: [u8; 0],
}

/// What a callback wrote.
#[derive(Default)]
pub struct CallbackOut {
    credentials: Option<Credentials>,
    error: Option<String>,
}

impl_castable!(mpm_credentials_out => CallbackOut);

/// Fills in credentials from a callback: `access_key_id` and `secret_key` (required),
/// `session_token` (NULL or "" for none) and `expiration` (Unix seconds, 0 for credentials
/// that do not expire). The strings are copied. Returns MPM_OK, or an error for a NULL or
/// non-UTF-8 key, and MPM_ERR_INVALID_ARGUMENT for a key `mpm_credentials_new_basic` would
/// refuse; then nothing is set, and a callback returning 0 fails the fetch.
#[no_mangle]
pub extern "C" fn mpm_credentials_out_set(
    out: *mut mpm_credentials_out,
    access_key_id: *const c_char,
    secret_key: *const c_char,
    session_token: *const c_char,
    expiration: i64,
) -> mpm_result {
    ffi_boundary! {
        to_code((|| {
            let o = try_mut(out, "out")?;
            let akid = required_str(access_key_id, "access_key_id")?;
            let secret = required_str(secret_key, "secret_key")?;
            let token = optional_str(session_token, "session_token")?.filter(|t| !t.is_empty());
            check_keys(&akid, &secret, token.as_deref())
                .map_err(|m| FfiError::new(mpm_result::MPM_ERR_INVALID_ARGUMENT, m))?;
            let expiry = match expiration {
                0 => None,
                s if s > 0 => Some(UNIX_EPOCH + Duration::from_secs(s as u64)),
                s => return Err(FfiError::new(
                    mpm_result::MPM_ERR_INVALID_ARGUMENT,
                    format!("expiration must be 0 or Unix seconds (got {s})"),
                )),
            };
            o.credentials = Some(Credentials::new(akid, secret, token, expiry, "callback"));
            Ok(())
        })())
    }
}

/// Reports why a callback has no credentials (`message` is copied; NULL for none). The
/// message reaches the failed call's error message, so it must not contain a secret.
#[no_mangle]
pub extern "C" fn mpm_credentials_out_fail(
    out: *mut mpm_credentials_out,
    message: *const c_char,
) -> mpm_result {
    ffi_boundary! {
        to_code((|| {
            let o = try_mut(out, "out")?;
            o.error = Some(optional_str(message, "message")?.unwrap_or_default());
            Ok(())
        })())
    }
}

/// A credentials callback: fetch credentials from the application's store and write them
/// with `mpm_credentials_out_set`, then return 0; on failure call
/// `mpm_credentials_out_fail` (optional) and return nonzero. `out` is borrowed for the call.
#[allow(non_camel_case_types)]
pub type mpm_credentials_callback =
    Option<extern "C" fn(userdata: *mut c_void, out: *mut mpm_credentials_out) -> i32>;

/// Frees a callback's userdata when the last client or handle using it is gone.
#[allow(non_camel_case_types)]
pub type mpm_userdata_free_callback = Option<extern "C" fn(userdata: *mut c_void)>;

/// A callback's userdata and the function that frees it, called when this is dropped.
pub(super) struct UserData {
    ptr: *mut c_void,
    free: mpm_userdata_free_callback,
}

impl UserData {
    pub(super) fn new(ptr: *mut c_void, free: mpm_userdata_free_callback) -> Self {
        Self { ptr, free }
    }
}

// SAFETY: the C contract of mpm_credentials_new_callback: userdata may be used from any
// thread, and the library serializes the calls.
unsafe impl Send for UserData {}
unsafe impl Sync for UserData {}

impl Drop for UserData {
    fn drop(&mut self) {
        if let Some(f) = self.free {
            let _ = std::panic::catch_unwind(|| f(self.ptr));
        }
    }
}

fn call_back(
    cb: extern "C" fn(*mut c_void, *mut mpm_credentials_out) -> i32,
    ud: &UserData,
) -> Result<Credentials, String> {
    let mut out = CallbackOut::default();
    let ptr: *mut mpm_credentials_out = (&mut out as *mut CallbackOut).cast();
    let rc = cb(ud.ptr, ptr);
    match (rc, out.credentials, out.error) {
        (0, Some(c), _) => Ok(c),
        (0, None, _) => Err("the credentials callback returned 0 without calling \
                             mpm_credentials_out_set"
            .into()),
        (rc, _, Some(m)) if !m.is_empty() => {
            Err(format!("the credentials callback failed ({rc}): {m}"))
        }
        (rc, _, _) => Err(format!("the credentials callback failed ({rc})")),
    }
}

/// The credentials source that asks `callback` with `userdata`, freed when the last user is
/// gone.
pub(super) fn source(
    callback: extern "C" fn(*mut c_void, *mut mpm_credentials_out) -> i32,
    userdata: UserData,
) -> CredentialsSource {
    let ud = Arc::new(userdata);
    CredentialsSource::callback(Arc::new(move || call_back(callback, &ud)))
}
