//! `mpm_config`: how a client talks to the service (what QNetworkAccessManager settings gave
//! Qt users): timeouts, retries, proxy, extra CA certificates, user agent app id, and the
//! settings read from the environment and shared config files. Wraps the core `ClientConfig`.

use std::ffi::c_char;
use std::time::Duration;

use super::c_enum::CEnum;
use super::error::{enum_from_u32, mpm_result, to_code, to_ptr, FfiError, FfiResult};
use super::handle::{free_boxed, impl_castable, to_boxed_ptr, try_mut, try_ref};
use super::panic::ffi_boundary;
use super::runtime::block_on;
use super::strings::{copy_to_buffer, optional_str, required_str};
use mpmeter_core::client::{ClientConfig, Proxy};
use mpmeter_core::env_config::EnvSettings;
use mpmeter_core::imds_region::region_from_imds;

/// Client settings. Methods: `mpm_config_new`, `mpm_config_new_from_environment`,
/// `mpm_config_free`, `mpm_config_set_connect_timeout_ms`, `mpm_config_set_attempt_timeout_ms`,
/// `mpm_config_set_operation_timeout_ms`, `mpm_config_set_max_attempts`,
/// `mpm_config_set_retry_mode`, `mpm_config_set_app_id`, `mpm_config_set_proxy`,
/// `mpm_config_add_ca_file`, `mpm_config_set_use_fips`, `mpm_config_set_use_dual_stack`,
/// `mpm_config_load_region_from_imds`, `mpm_config_describe`. A client copies the settings
/// when it is made, so a config may be changed or freed afterwards; a config must not be
/// changed from two threads at once. Every setter checks its value with the core's
/// `ClientConfig` setters, which check the values read from the environment too.
#[allow(non_camel_case_types)]
pub struct mpm_config {
    _private: [u8; 0],
}

/// The core settings and, for a config read from the environment, where each came from
/// (the region and endpoint a client takes when it is given none).
#[derive(Debug, Clone, Default)]
pub struct ConfigHandle {
    pub config: ClientConfig,
    pub environment: Option<EnvSettings>,
}

impl_castable!(mpm_config => ConfigHandle);

/// How failed attempts are retried; taken as uint32_t by `mpm_config_set_retry_mode`.
#[repr(u32)]
#[allow(non_camel_case_types)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, CEnum)]
pub enum mpm_retry_mode {
    /// The SDKs' standard mode: capped exponential backoff with jitter, a retry quota.
    MPM_RETRY_MODE_STANDARD = 1,
    /// The SDKs' legacy mode: not implemented, refused (MPM_ERR_INVALID_ARGUMENT).
    MPM_RETRY_MODE_LEGACY = 2,
    /// The SDKs' adaptive mode (client-side rate limiting): not implemented, refused
    /// (MPM_ERR_INVALID_ARGUMENT), never run as standard.
    MPM_RETRY_MODE_ADAPTIVE = 3,
}

/// Legacy and adaptive are refused by name, never run as standard.
fn unsupported(mode: mpm_retry_mode) -> FfiError {
    let name = match mode {
        mpm_retry_mode::MPM_RETRY_MODE_LEGACY => "legacy",
        _ => "adaptive",
    };
    invalid(mpmeter_core::env_config::unsupported_retry_mode(
        name,
        "mpm_config_set_retry_mode",
    ))
}

fn invalid(msg: impl Into<String>) -> FfiError {
    FfiError::new(mpm_result::MPM_ERR_INVALID_ARGUMENT, msg)
}

/// Default settings: connect 3.1 s, attempt 30 s, operation 120 s, 3 attempts (standard
/// mode), proxy from HTTPS_PROXY/HTTP_PROXY/NO_PROXY, built-in CA roots, no app id. The
/// returned pointer must be freed with `mpm_config_free`.
#[no_mangle]
pub extern "C" fn mpm_config_new() -> *mut mpm_config {
    ffi_boundary! { to_boxed_ptr::<mpm_config>(ConfigHandle::default()) }
}

pub(crate) fn config_from_environment() -> FfiResult<ConfigHandle> {
    let settings = EnvSettings::load(None).map_err(invalid)?;
    let mut config = ClientConfig::default();
    config.apply_env(&settings).map_err(invalid)?;
    Ok(ConfigHandle {
        config,
        environment: Some(settings),
    })
}

/// Settings as the AWS SDKs read them from the environment and the shared config files of
/// the selected profile (AWS_PROFILE): region (AWS_REGION, AWS_DEFAULT_REGION, `region`),
/// endpoint (AWS_ENDPOINT_URL_MARKETPLACE_METERING, AWS_ENDPOINT_URL, the profile's
/// `services` section and `endpoint_url`, unless AWS_IGNORE_CONFIGURED_ENDPOINT_URLS), FIPS
/// and dual-stack (AWS_USE_FIPS_ENDPOINT, AWS_USE_DUALSTACK_ENDPOINT), app id
/// (AWS_SDK_UA_APP_ID), AWS_MAX_ATTEMPTS, AWS_RETRY_MODE and AWS_CA_BUNDLE; the rest as
/// `mpm_config_new`. Reads files, makes no network call. The returned pointer must be freed
/// with `mpm_config_free`; NULL when a value is invalid (the last error names it and where
/// it came from).
#[no_mangle]
pub extern "C" fn mpm_config_new_from_environment() -> *mut mpm_config {
    ffi_boundary! { to_ptr(config_from_environment().map(to_boxed_ptr::<mpm_config>)) }
}

/// Frees a config; clients made with it keep their copy. NULL is a no-op.
#[no_mangle]
pub extern "C" fn mpm_config_free(config: *mut mpm_config) {
    ffi_boundary! { free_boxed(config) }
}

fn set(config: *mut mpm_config, f: impl FnOnce(&mut ConfigHandle) -> FfiResult<()>) -> mpm_result {
    to_code(try_mut(config, "config").and_then(f))
}

fn millis(ms: u32) -> Duration {
    Duration::from_millis(u64::from(ms))
}

/// Sets the time allowed to open a connection (TCP and TLS), in milliseconds (1 or more).
#[no_mangle]
pub extern "C" fn mpm_config_set_connect_timeout_ms(
    config: *mut mpm_config,
    ms: u32,
) -> mpm_result {
    ffi_boundary! { set(config, |c| c.config.set_connect_timeout(millis(ms)).map_err(invalid)) }
}

/// Sets the time allowed for one attempt, from sending to the last byte of the answer, in
/// milliseconds (1 or more).
#[no_mangle]
pub extern "C" fn mpm_config_set_attempt_timeout_ms(
    config: *mut mpm_config,
    ms: u32,
) -> mpm_result {
    ffi_boundary! { set(config, |c| c.config.set_attempt_timeout(millis(ms)).map_err(invalid)) }
}

/// Sets the time allowed for a whole operation, retries, backoff and credentials included,
/// in milliseconds (1 or more).
#[no_mangle]
pub extern "C" fn mpm_config_set_operation_timeout_ms(
    config: *mut mpm_config,
    ms: u32,
) -> mpm_result {
    ffi_boundary! { set(config, |c| c.config.set_operation_timeout(millis(ms)).map_err(invalid)) }
}

/// Sets the attempts per operation, the first included (1 turns retries off; at most 20).
#[no_mangle]
pub extern "C" fn mpm_config_set_max_attempts(
    config: *mut mpm_config,
    attempts: u32,
) -> mpm_result {
    ffi_boundary! { set(config, |c| c.config.set_max_attempts(attempts).map_err(invalid)) }
}

/// Sets the retry mode (an `mpm_retry_mode` value taken as uint32_t). Only
/// MPM_RETRY_MODE_STANDARD is implemented: LEGACY and ADAPTIVE are MPM_ERR_INVALID_ARGUMENT
/// (as AWS_RETRY_MODE=legacy|adaptive is for `mpm_config_new_from_environment`); an unknown
/// value is MPM_ERR_UNKNOWN_ENUM.
#[no_mangle]
pub extern "C" fn mpm_config_set_retry_mode(config: *mut mpm_config, mode: u32) -> mpm_result {
    ffi_boundary! {
        set(config, |_| {
            let mode = enum_from_u32::<mpm_retry_mode>(mode)?;
            match mode {
                mpm_retry_mode::MPM_RETRY_MODE_STANDARD => Ok(()),
                other => Err(unsupported(other)),
            }
        })
    }
}

/// Sets the application id sent in the user agent as `app/<id>` beside `mpmeter/<version>`
/// (copied; at most 50 characters, no spaces; NULL or "" removes it).
#[no_mangle]
pub extern "C" fn mpm_config_set_app_id(
    config: *mut mpm_config,
    app_id: *const c_char,
) -> mpm_result {
    ffi_boundary! {
        set(config, |c| {
            let id = optional_str(app_id, "app_id")?;
            c.config.set_app_id(id.as_deref()).map_err(invalid)
        })
    }
}

/// Sets the proxy (strings copied): `url` NULL goes back to the default (HTTPS_PROXY,
/// HTTP_PROXY, ALL_PROXY and NO_PROXY from the environment); "" means no proxy at all;
/// otherwise an http:// or https:// proxy URL of at most 2048 bytes (may carry
/// user:password, never shown in errors or debug output), bypassed for the hosts listed in
/// `no_proxy` (NO_PROXY syntax; NULL for none).
#[no_mangle]
pub extern "C" fn mpm_config_set_proxy(
    config: *mut mpm_config,
    url: *const c_char,
    no_proxy: *const c_char,
) -> mpm_result {
    ffi_boundary! {
        set(config, |c| {
            let url = optional_str(url, "url")?;
            let no_proxy = optional_str(no_proxy, "no_proxy")?;
            let proxy = match url {
                None => Proxy::FromEnvironment,
                Some(u) if u.is_empty() => Proxy::None,
                Some(url) => Proxy::Url { url, no_proxy },
            };
            c.config.set_proxy(proxy).map_err(invalid)
        })
    }
}

/// Trusts the CA certificates of a PEM file besides the built-in roots (for a TLS-inspecting
/// proxy or a private endpoint). `path` is copied and the file read now; an unreadable file
/// or one without a certificate is an error and changes nothing.
#[no_mangle]
pub extern "C" fn mpm_config_add_ca_file(
    config: *mut mpm_config,
    path: *const c_char,
) -> mpm_result {
    ffi_boundary! {
        set(config, |c| {
            let path = required_str(path, "path")?;
            c.config.add_ca_file(&path).map_err(invalid)
        })
    }
}

/// Uses FIPS endpoints for regions (not for an explicit endpoint).
#[no_mangle]
pub extern "C" fn mpm_config_set_use_fips(config: *mut mpm_config, on: bool) -> mpm_result {
    ffi_boundary! { set(config, |c| { c.config.use_fips = on; Ok(()) }) }
}

/// Uses dual-stack (IPv4 and IPv6) endpoints for regions (not for an explicit endpoint).
#[no_mangle]
pub extern "C" fn mpm_config_set_use_dual_stack(config: *mut mpm_config, on: bool) -> mpm_result {
    ffi_boundary! { set(config, |c| { c.config.use_dual_stack = on; Ok(()) }) }
}

/// Copies a readable summary of the settings read from the environment, one line per value
/// with where it came from ("region: eu-west-1 (from environment variable AWS_REGION)"),
/// into `buf` snprintf-style (as `mpm_client_endpoint`). "" for a config made with
/// `mpm_config_new`; 0 for a NULL config.
#[no_mangle]
pub extern "C" fn mpm_config_describe(
    config: *const mpm_config,
    buf: *mut c_char,
    len: usize,
) -> usize {
    ffi_boundary! {
        match try_ref(config, "config") {
            Ok(c) => copy_to_buffer(
                &c.environment.as_ref().map(EnvSettings::describe).unwrap_or_default(), buf, len),
            Err(e) => { e.record(); 0 }
        }
    }
}

/// Asks the EC2 instance metadata service (IMDSv2) for the instance's region and uses it as
/// the config's region unless one is already set from the environment or a profile (the AWS
/// SDKs' order). This is a network call, bounded by `timeout_ms` (1 to 60000); off EC2 it
/// fails with MPM_ERR_ENDPOINT after that time and leaves the config unchanged. Blocks, so it
/// returns MPM_ERR_WOULD_DEADLOCK on a library runtime thread. Takes no ownership.
#[no_mangle]
pub extern "C" fn mpm_config_load_region_from_imds(
    config: *mut mpm_config,
    timeout_ms: u32,
) -> mpm_result {
    ffi_boundary! {
        set(config, |c| {
            if !(1..=60_000).contains(&timeout_ms) {
                return Err(invalid(format!("timeout_ms must be 1 to 60000 (got {timeout_ms})")));
            }
            if c.environment.as_ref().is_some_and(EnvSettings::has_region) {
                return Ok(());
            }
            let timeout = Duration::from_millis(u64::from(timeout_ms));
            // IMDS bounds its own time; the wait has no limit of its own.
            let region = block_on(
                "mpm_config_load_region_from_imds",
                "the IMDS region lookup",
                region_from_imds(timeout),
                -1,
            )?
            .map_err(|m| FfiError::new(mpm_result::MPM_ERR_ENDPOINT, m))?;
            c.environment.get_or_insert_with(Default::default).set_region_from_imds(region);
            Ok(())
        })
    }
}
