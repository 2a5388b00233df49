//! `mpm_credentials`: who a client signs as (QtAws's `AwsBasicCredentials` and
//! `AwsAnonymousCredentials`).

use std::ffi::c_char;

use super::error::{to_ptr, FfiResult};
use super::handle::{free_boxed, impl_castable, to_boxed_ptr};
use super::panic::ffi_boundary;
use super::strings::{optional_str, required_str};
use crate::core::credentials::CredentialsSource;

/// Credentials a client signs its requests with. Methods: `mpm_credentials_new_basic`,
/// `mpm_credentials_new_anonymous`, `mpm_credentials_free`. A client keeps its own
/// reference, so a credentials handle may be freed as soon as the client is made.
#[allow(non_camel_case_types)]
pub struct mpm_credentials {
    _private: [u8; 0],
}

impl_castable!(mpm_credentials => CredentialsSource);

fn basic(
    access_key_id: *const c_char,
    secret_key: *const c_char,
    session_token: *const c_char,
) -> FfiResult<*mut mpm_credentials> {
    let akid = required_str(access_key_id, "access_key_id")?;
    let secret = required_str(secret_key, "secret_key")?;
    let token = optional_str(session_token, "session_token")?;
    for (name, value) in [("access_key_id", &akid), ("secret_key", &secret)] {
        if value.is_empty() {
            return Err(super::error::FfiError::new(
                super::error::mpm_result::MPM_ERR_INVALID_ARGUMENT,
                format!("{name} must not be empty"),
            ));
        }
    }
    let source =
        CredentialsSource::basic(&akid, &secret, token.as_deref().filter(|t| !t.is_empty()));
    Ok(to_boxed_ptr(source))
}

/// Static credentials: an access key id, a secret key and, for temporary credentials, a
/// session token (NULL or "" for none; sent as X-Amz-Security-Token). The strings are copied.
/// Returns NULL on a NULL, empty or non-UTF-8 key (see the last error). The returned pointer
/// must be freed with `mpm_credentials_free`.
#[no_mangle]
pub extern "C" fn mpm_credentials_new_basic(
    access_key_id: *const c_char,
    secret_key: *const c_char,
    session_token: *const c_char,
) -> *mut mpm_credentials {
    ffi_boundary! { to_ptr(basic(access_key_id, secret_key, session_token)) }
}

/// Anonymous credentials: requests are sent unsigned. The returned pointer must be freed with
/// `mpm_credentials_free`.
#[no_mangle]
pub extern "C" fn mpm_credentials_new_anonymous() -> *mut mpm_credentials {
    ffi_boundary! { to_boxed_ptr::<mpm_credentials>(CredentialsSource::Anonymous) }
}

/// Frees credentials made by an `mpm_credentials_new_*` function; clients made with them keep
/// working. NULL is a no-op.
#[no_mangle]
pub extern "C" fn mpm_credentials_free(credentials: *mut mpm_credentials) {
    ffi_boundary! { free_boxed(credentials) }
}
