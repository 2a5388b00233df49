//! `mpm_credentials`: who a client signs as (QtAws's `AwsBasicCredentials` and
//! `AwsAnonymousCredentials`), the SDKs' default provider chain, one profile, a platform's
//! strict source, an application callback, and which provider supplied the keys in use.

mod callback;

pub use callback::*;

use std::ffi::{c_char, c_void};
use std::time::UNIX_EPOCH;

use super::c_enum::CEnum;
use super::error::{enum_from_u32, mpm_result, to_code, to_ptr, FfiError, FfiResult};
use super::handle::{free_boxed, impl_castable, out_param, to_boxed_ptr, try_ref};
use super::panic::ffi_boundary;
use super::runtime::block_on;
use super::strings::{copy_to_buffer, optional_str, required_str};
use mpmeter_core::credentials::{ChainOptions, CredentialsSource, Platform};

/// Credentials a client signs its requests with. Methods: `mpm_credentials_new_basic`,
/// `mpm_credentials_new_anonymous`, `mpm_credentials_new_default_chain`,
/// `mpm_credentials_new_profile`, `mpm_credentials_new_for_platform`,
/// `mpm_credentials_new_callback`, `mpm_credentials_resolve`,
/// `mpm_credentials_provider_name`, `mpm_credentials_expiration`, `mpm_credentials_free`
/// (a callback writes through `mpm_credentials_out`).
/// A client keeps its own reference, so a credentials handle may be freed as soon as the
/// client is made; the client and the handle share one cache of resolved credentials.
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
    let source =
        CredentialsSource::try_basic(&akid, &secret, token.as_deref().filter(|t| !t.is_empty()))
            .map_err(|m| FfiError::new(mpm_result::MPM_ERR_INVALID_ARGUMENT, m))?;
    Ok(to_boxed_ptr(source))
}

/// Static credentials: an access key id, a secret key and, for temporary credentials, a
/// session token (NULL or "" for none; sent as X-Amz-Security-Token). The strings are copied.
/// Returns NULL on a NULL or non-UTF-8 key, and with MPM_ERR_INVALID_ARGUMENT on an empty
/// key, a key holding CR, LF or another control character, an access key id or secret key
/// over 128 bytes or a session token over 16 KiB (the last error names the key, never its
/// value). The returned pointer must be freed with `mpm_credentials_free`.
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

/// The platforms whose metering calls (MeterUsage, RegisterUsage) AWS accepts only with one
/// kind of credentials; taken as uint32_t by `mpm_credentials_new_for_platform`.
#[repr(u32)]
#[allow(non_camel_case_types)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, CEnum)]
pub enum mpm_platform {
    /// EC2: the instance profile role, from IMDS (IMDSv2).
    MPM_PLATFORM_EC2 = 1,
    /// ECS: the task role, from the container credentials endpoint.
    MPM_PLATFORM_ECS = 2,
    /// EKS with IAM roles for service accounts: web identity (AWS_WEB_IDENTITY_TOKEN_FILE
    /// and AWS_ROLE_ARN).
    MPM_PLATFORM_EKS_IRSA = 3,
}

impl From<mpm_platform> for Platform {
    fn from(p: mpm_platform) -> Self {
        match p {
            mpm_platform::MPM_PLATFORM_EC2 => Platform::Ec2,
            mpm_platform::MPM_PLATFORM_ECS => Platform::Ecs,
            mpm_platform::MPM_PLATFORM_EKS_IRSA => Platform::EksIrsa,
        }
    }
}

/// The SDKs' default credential provider chain, tried in this order: environment variables
/// (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN); the shared config and
/// credentials files (AWS_PROFILE, AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE), with
/// role_arn/source_profile assume-role and credential_process; web identity
/// (AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN, EKS IRSA); ECS/EKS container credentials
/// (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or _FULL_URI, token or token file read on each
/// fetch); IMDSv2 on EC2 (1 s timeouts, AWS_METADATA_SERVICE_TIMEOUT and
/// AWS_METADATA_SERVICE_NUM_ATTEMPTS change them). Nothing is read or fetched until
/// credentials are first needed; they are cached and fetched again 5 minutes before they
/// expire. When no provider has credentials, the error names each one and why it was
/// skipped. The returned pointer must be freed with `mpm_credentials_free`.
#[no_mangle]
pub extern "C" fn mpm_credentials_new_default_chain() -> *mut mpm_credentials {
    ffi_boundary! {
        to_boxed_ptr::<mpm_credentials>(CredentialsSource::default_chain(ChainOptions::default()))
    }
}

/// Credentials from one profile of the shared config and credentials files: static keys,
/// assume-role (role_arn with source_profile or credential_source), web identity or
/// credential_process. `name` (copied) is the profile; NULL means AWS_PROFILE, else
/// "default". The files are read when credentials are first needed, not now. The returned
/// pointer must be freed with `mpm_credentials_free`; NULL on non-UTF-8 `name`.
#[no_mangle]
pub extern "C" fn mpm_credentials_new_profile(name: *const c_char) -> *mut mpm_credentials {
    ffi_boundary! {
        to_ptr(optional_str(name, "name").map(|n| {
            to_boxed_ptr::<mpm_credentials>(CredentialsSource::profile(
                n.as_deref(),
                ChainOptions::default(),
            ))
        }))
    }
}

/// Strict platform mode: only the credential source AWS supports for metering on
/// `platform` (an `mpm_platform` value taken as uint32_t) is used: IMDS on EC2, the task
/// role on ECS, web identity on EKS IRSA. If it gives no credentials, calls fail with
/// MPM_ERR_CREDENTIALS and a message saying so; environment keys, profiles and node roles
/// are never used instead. The returned pointer must be freed with `mpm_credentials_free`;
/// NULL on an unknown platform.
#[no_mangle]
pub extern "C" fn mpm_credentials_new_for_platform(platform: u32) -> *mut mpm_credentials {
    ffi_boundary! {
        to_ptr(enum_from_u32::<mpm_platform>(platform).map(|p| {
            to_boxed_ptr::<mpm_credentials>(CredentialsSource::for_platform(
                p.into(),
                ChainOptions::default(),
            ))
        }))
    }
}

/// Credentials from the application's own store through `callback`, which is called with
/// `userdata` when credentials are first needed and again ahead of their expiration. It is
/// called on a library thread (never the caller's, never a runtime worker), one call at a
/// time, even when several clients share the handle; it may block. `userdata` must be usable
/// from any thread; `free_userdata` (may be NULL) is called once with it when the last
/// client and handle using it are freed. The returned pointer must be freed with
/// `mpm_credentials_free`; NULL for a NULL callback.
#[no_mangle]
pub extern "C" fn mpm_credentials_new_callback(
    callback: mpm_credentials_callback,
    userdata: *mut c_void,
    free_userdata: mpm_userdata_free_callback,
) -> *mut mpm_credentials {
    ffi_boundary! {
        // From here the library owns `userdata`: on error too, `free_userdata` frees it.
        let userdata = callback::UserData::new(userdata, free_userdata);
        match callback {
            None => to_ptr::<mpm_credentials>(Err(FfiError::new(
                mpm_result::MPM_ERR_NULL_ARGUMENT,
                "callback must not be NULL",
            ))),
            Some(cb) => to_boxed_ptr::<mpm_credentials>(callback::source(cb, userdata)),
        }
    }
}

/// Resolves credentials now (fetching them unless cached ones are still fresh), waiting at
/// most `timeout_ms` (-1: no limit): a start-up check that the environment provides
/// credentials, and what `mpm_credentials_provider_name` and `mpm_credentials_expiration`
/// report on. Returns MPM_OK, MPM_ERR_CREDENTIALS with every provider tried and why in the
/// last error (never a secret), MPM_ERR_WAIT_TIMEOUT, or MPM_ERR_WOULD_DEADLOCK on a library
/// thread. Anonymous credentials resolve at once.
#[no_mangle]
pub extern "C" fn mpm_credentials_resolve(
    credentials: *const mpm_credentials,
    timeout_ms: i32,
) -> mpm_result {
    ffi_boundary! {
        to_code((|| {
            let source = try_ref(credentials, "credentials")?.clone();
            resolve_blocking(source, timeout_ms)
        })())
    }
}

fn resolve_blocking(source: CredentialsSource, timeout_ms: i32) -> FfiResult<()> {
    // A credentials callback runs on a library thread inside the runtime: resolving there
    // would wait for the very fetch that waits for the callback.
    if tokio::runtime::Handle::try_current().is_ok() {
        return Err(FfiError::new(
            mpm_result::MPM_ERR_WOULD_DEADLOCK,
            "mpm_credentials_resolve cannot wait on a library thread (a callback)",
        ));
    }
    let work = async move { source.resolve().await.map(drop) };
    block_on(
        "mpm_credentials_resolve",
        "resolving credentials",
        work,
        i64::from(timeout_ms),
    )?
    .map_err(|m| FfiError::new(mpm_result::MPM_ERR_CREDENTIALS, m))
}

/// Copies the name of the provider that supplied the credentials in use into `buf`
/// snprintf-style (as `mpm_client_endpoint`) and returns its full length: "environment",
/// "profile", "web-identity", "container", "imds", "static", "callback", or "" when none
/// was resolved yet (see `mpm_credentials_resolve`) or for anonymous credentials. Never
/// exposes a key. Returns 0 for a NULL handle.
#[no_mangle]
pub extern "C" fn mpm_credentials_provider_name(
    credentials: *const mpm_credentials,
    buf: *mut c_char,
    len: usize,
) -> usize {
    ffi_boundary! {
        match try_ref(credentials, "credentials") {
            Ok(c) => copy_to_buffer(&c.info().map(|i| i.provider).unwrap_or_default(), buf, len),
            Err(e) => { e.record(); 0 }
        }
    }
}

/// Writes when the credentials in use expire (Unix seconds) to `*out` and returns MPM_OK;
/// MPM_ERR_NOT_SET when they do not expire (static keys), MPM_ERR_NOT_FINISHED when none
/// were resolved yet. `*out` is written only on success.
#[no_mangle]
pub extern "C" fn mpm_credentials_expiration(
    credentials: *const mpm_credentials,
    out: *mut i64,
) -> mpm_result {
    ffi_boundary! {
        to_code((|| {
            let c = try_ref(credentials, "credentials")?;
            let out = out_param(out)?;
            let info = c.info().ok_or_else(|| FfiError::new(
                mpm_result::MPM_ERR_NOT_FINISHED,
                "no credentials were resolved yet (call mpm_credentials_resolve or make a call)",
            ))?;
            let exp = info.expiry.ok_or_else(|| FfiError::new(
                mpm_result::MPM_ERR_NOT_SET,
                format!("the credentials from {} do not expire", info.provider),
            ))?;
            let secs = exp.duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0);
            out.set(secs);
            Ok(())
        })())
    }
}
