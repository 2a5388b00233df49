//! `mpm_client`: QtAws's `MarketplaceMeteringClient` in C. Construction, the getters and
//! setters of `AwsAbstractClient`, and one call per operation.

use std::ffi::c_char;

use super::credentials::mpm_credentials;
use super::error::{mpm_result, to_code, to_ptr, FfiError, FfiResult};
use super::handle::{free_boxed, impl_castable, to_boxed_ptr, try_ref};
use super::panic::ffi_boundary;
use super::region::{region_code_from_name, region_name_from_code};
use super::strings::{copy_to_buffer, required_str};
use mpmeter_core::client::{Client, ClientConfig, DEFAULT_ENDPOINT_REGION};
use mpmeter_core::error::Error;

/// A Marketplace Metering client. Safe to share between threads. Methods:
/// `mpm_client_new`, `mpm_client_new_with_region_name`, `mpm_client_new_with_endpoint`,
/// `mpm_client_free`, `mpm_client_meter_usage`, `mpm_client_batch_meter_usage`,
/// `mpm_client_resolve_customer`, `mpm_client_register_usage`, the getters
/// `mpm_client_api_version`, `_endpoint_prefix`, `_service_name`, `_service_full_name`,
/// `_endpoint`, `_region`, `_region_name`, and the setters `mpm_client_set_credentials`,
/// `_set_endpoint`, `_set_region`, `_set_region_name`.
#[allow(non_camel_case_types)]
pub struct mpm_client {
    _private: [u8; 0],
}

impl_castable!(mpm_client => Client);

pub(crate) fn endpoint_error(e: Error) -> FfiError {
    match e {
        Error::Endpoint(m) => FfiError::new(mpm_result::MPM_ERR_ENDPOINT, m),
        other => FfiError::new(mpm_result::MPM_ERR_RUNTIME, other.to_string()),
    }
}

pub(crate) fn region_from_code(region: u32) -> FfiResult<&'static str> {
    region_name_from_code(region).ok_or_else(|| {
        FfiError::new(
            mpm_result::MPM_ERR_UNKNOWN_ENUM,
            format!("region {region:#x} is not an mpm_region value"),
        )
    })
}

fn new_client(
    region: &str,
    endpoint: Option<&str>,
    credentials: *const mpm_credentials,
) -> FfiResult<*mut mpm_client> {
    let creds = try_ref(credentials, "credentials")?.clone();
    let client =
        Client::new(region, endpoint, creds, ClientConfig::default()).map_err(endpoint_error)?;
    Ok(to_boxed_ptr(client))
}

/// Makes a client for a region of the `mpm_region` enum (taken as uint32_t), signing with
/// `credentials`, of which the client keeps its own reference (the caller still frees its
/// handle). Makes no network call. The returned pointer must be freed with `mpm_client_free`;
/// NULL on error (see the last error).
#[no_mangle]
pub extern "C" fn mpm_client_new(
    region: u32,
    credentials: *const mpm_credentials,
) -> *mut mpm_client {
    ffi_boundary! { to_ptr(region_from_code(region).and_then(|r| new_client(r, None, credentials))) }
}

/// Makes a client for a region given by name ("eu-west-1", "cn-north-1", any region the
/// endpoint rules accept; at most 63 bytes). `credentials` is referenced as in
/// `mpm_client_new`. The returned pointer must be freed with `mpm_client_free`; NULL on error
/// (see the last error).
#[no_mangle]
pub extern "C" fn mpm_client_new_with_region_name(
    region: *const c_char,
    credentials: *const mpm_credentials,
) -> *mut mpm_client {
    ffi_boundary! {
        to_ptr(required_str(region, "region").and_then(|r| new_client(&r, None, credentials)))
    }
}

/// Makes a client that sends every call to `endpoint_url` (http or https, any port, e.g. a
/// local emulator; at most 2048 bytes, no user info), signing for region "us-east-1" until
/// `mpm_client_set_region` says otherwise. `credentials` is referenced as in
/// `mpm_client_new`. The returned pointer must be freed with `mpm_client_free`; NULL on error
/// (see the last error).
#[no_mangle]
pub extern "C" fn mpm_client_new_with_endpoint(
    endpoint_url: *const c_char,
    credentials: *const mpm_credentials,
) -> *mut mpm_client {
    ffi_boundary! {
        to_ptr(required_str(endpoint_url, "endpoint_url")
            .and_then(|u| new_client(DEFAULT_ENDPOINT_REGION, Some(&u), credentials)))
    }
}

/// Frees a client. Responses it returned stay valid and their calls go on to completion;
/// each must still be freed with `mpm_response_free`. NULL is a no-op.
#[no_mangle]
pub extern "C" fn mpm_client_free(client: *mut mpm_client) {
    ffi_boundary! { free_boxed(client) }
}

/// The service's API version, "2016-01-14". The returned string is static: never free it.
/// NULL only for a NULL client.
#[no_mangle]
pub extern "C" fn mpm_client_api_version(client: *const mpm_client) -> *const c_char {
    ffi_boundary! { static_getter(client, c"2016-01-14") }
}

/// The endpoint prefix, "metering.marketplace". The returned string is static: never free it.
#[no_mangle]
pub extern "C" fn mpm_client_endpoint_prefix(client: *const mpm_client) -> *const c_char {
    ffi_boundary! { static_getter(client, c"metering.marketplace") }
}

/// The signing name of the service, "aws-marketplace". The returned string is static: never
/// free it.
#[no_mangle]
pub extern "C" fn mpm_client_service_name(client: *const mpm_client) -> *const c_char {
    ffi_boundary! { static_getter(client, c"aws-marketplace") }
}

/// The service's full name, "AWSMarketplace Metering". The returned string is static: never
/// free it.
#[no_mangle]
pub extern "C" fn mpm_client_service_full_name(client: *const mpm_client) -> *const c_char {
    ffi_boundary! { static_getter(client, c"AWSMarketplace Metering") }
}

fn static_getter(client: *const mpm_client, value: &'static std::ffi::CStr) -> *const c_char {
    match try_ref(client, "client") {
        Ok(_) => value.as_ptr(),
        Err(e) => {
            e.record();
            std::ptr::null()
        }
    }
}

fn buffer_getter(
    client: *const mpm_client,
    buf: *mut c_char,
    len: usize,
    pick: impl FnOnce(&Client) -> String,
) -> usize {
    match try_ref(client, "client") {
        Ok(c) => copy_to_buffer(&pick(c), buf, len),
        Err(e) => {
            e.record();
            0
        }
    }
}

/// Copies the URL calls go to (the explicit endpoint, or the region's resolved one) into
/// `buf` (`len` bytes, NUL-terminated, truncated if short) and returns its full length,
/// snprintf-style: call with `buf` NULL to size it. Returns 0 for a NULL client. Copied
/// because another thread may change the endpoint.
#[no_mangle]
pub extern "C" fn mpm_client_endpoint(
    client: *const mpm_client,
    buf: *mut c_char,
    len: usize,
) -> usize {
    ffi_boundary! { buffer_getter(client, buf, len, |c| c.target().endpoint.clone()) }
}

/// Copies the client's region name into `buf` snprintf-style, as `mpm_client_endpoint`.
#[no_mangle]
pub extern "C" fn mpm_client_region_name(
    client: *const mpm_client,
    buf: *mut c_char,
    len: usize,
) -> usize {
    ffi_boundary! { buffer_getter(client, buf, len, |c| c.target().region.clone()) }
}

/// The client's region as an `mpm_region` value, or MPM_REGION_INVALID (0) when the region
/// has no enum value (use `mpm_client_region_name`) or the client is NULL.
#[no_mangle]
pub extern "C" fn mpm_client_region(client: *const mpm_client) -> u32 {
    ffi_boundary! {
        match try_ref(client, "client") {
            Ok(c) => region_code_from_name(&c.target().region).unwrap_or(0),
            Err(e) => { e.record(); 0 }
        }
    }
}

/// Replaces the client's credentials for calls started from now on; the client keeps its own
/// reference to `credentials`, which the caller still frees.
#[no_mangle]
pub extern "C" fn mpm_client_set_credentials(
    client: *mut mpm_client,
    credentials: *const mpm_credentials,
) -> mpm_result {
    ffi_boundary! {
        to_code((|| {
            let c = try_ref(client, "client")?;
            c.set_credentials(try_ref(credentials, "credentials")?.clone());
            Ok(())
        })())
    }
}

/// Sends calls started from now on to `endpoint_url` (copied), overriding the region's
/// endpoint; the region stays the signing region.
#[no_mangle]
pub extern "C" fn mpm_client_set_endpoint(
    client: *mut mpm_client,
    endpoint_url: *const c_char,
) -> mpm_result {
    ffi_boundary! {
        to_code((|| {
            let c = try_ref(client, "client")?;
            let url = required_str(endpoint_url, "endpoint_url")?;
            c.set_endpoint(&url).map_err(endpoint_error)
        })())
    }
}

/// Sets the region (an `mpm_region` value taken as uint32_t) for calls started from now on;
/// the endpoint follows it unless one was set explicitly.
#[no_mangle]
pub extern "C" fn mpm_client_set_region(client: *mut mpm_client, region: u32) -> mpm_result {
    ffi_boundary! {
        to_code((|| {
            let c = try_ref(client, "client")?;
            c.set_region(region_from_code(region)?).map_err(endpoint_error)
        })())
    }
}

/// Sets the region by name (copied), as `mpm_client_set_region`.
#[no_mangle]
pub extern "C" fn mpm_client_set_region_name(
    client: *mut mpm_client,
    region: *const c_char,
) -> mpm_result {
    ffi_boundary! {
        to_code((|| {
            let c = try_ref(client, "client")?;
            c.set_region(&required_str(region, "region")?).map_err(endpoint_error)
        })())
    }
}
