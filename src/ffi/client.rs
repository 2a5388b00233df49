//! `mpm_client`: QtAws's `MarketplaceMeteringClient` in C. Construction (from a region, a
//! region name, an endpoint, a config, the environment), the getters and setters of
//! `AwsAbstractClient`, where the credentials came from, and one call per operation (QtAws's
//! slots `meterUsage` & co.), which checks the request, starts it in the background and
//! returns its response at once.

use std::ffi::{c_char, CStr};

use super::config::{config_from_environment, mpm_config, ConfigHandle};
use super::credentials::mpm_credentials;
use super::error::{enum_from_u32, mpm_result, to_code, to_ptr, FfiError, FfiResult};
use super::handle::{free_boxed, impl_castable, to_boxed_ptr, try_ref, Castable};
use super::panic::ffi_boundary;
use super::region::mpm_region;
use super::requests::{
    mpm_batch_meter_usage_request, mpm_meter_usage_request, mpm_register_usage_request,
    mpm_resolve_customer_request,
};
use super::response::{self, mpm_response};
use super::strings::{copy_to_buffer, optional_str, required_str};
use mpmeter_core::client::{
    prepare_batch_meter_usage, prepare_meter_usage, prepare_register_usage,
    prepare_resolve_customer, Client, ClientConfig, Placement, PreparedCall,
};
use mpmeter_core::credentials::{ChainOptions, CredentialsSource};
use mpmeter_core::error::Error;
use mpmeter_core::validate::ValidationError;

/// A Marketplace Metering client. Safe to share between threads. Methods:
/// `mpm_client_new`, `mpm_client_new_with_region_name`, `mpm_client_new_with_endpoint`,
/// `mpm_client_new_with_config`, `mpm_client_new_from_environment`, `mpm_client_free`,
/// `mpm_client_meter_usage`, `mpm_client_batch_meter_usage`, `mpm_client_resolve_customer`,
/// `mpm_client_register_usage`, `mpm_client_api_version`, `mpm_client_endpoint_prefix`,
/// `mpm_client_service_name`, `mpm_client_service_full_name`, `mpm_client_endpoint`,
/// `mpm_client_region`, `mpm_client_region_name`, `mpm_client_credentials_source`,
/// `mpm_client_set_credentials`, `mpm_client_set_endpoint`, `mpm_client_set_region`,
/// `mpm_client_set_region_name`, `mpm_client_get_metrics`.
#[allow(non_camel_case_types)]
pub struct mpm_client {
    _private: [u8; 0],
}

impl_castable!(mpm_client => Client);

fn new_client(
    place: Placement,
    credentials: CredentialsSource,
    config: ClientConfig,
) -> FfiResult<*mut mpm_client> {
    let client = Client::new(
        &place.region,
        place.endpoint.as_deref(),
        credentials,
        config,
    )?;
    Ok(to_boxed_ptr(client))
}

/// A client of the given region or endpoint with default settings.
fn new_plain(
    region: Option<String>,
    endpoint: Option<String>,
    credentials: *const mpm_credentials,
) -> FfiResult<*mut mpm_client> {
    let creds = try_ref(credentials, "credentials")?.clone();
    let place = Placement::choose(region, endpoint, None)?;
    new_client(place, creds, ClientConfig::default())
}

/// A client from a config: the caller's region and endpoint, else the config's from the
/// environment (core `Placement`); the default chain for the selected profile when
/// `credentials` is NULL.
fn new_with_config(
    region: Option<String>,
    endpoint: Option<String>,
    credentials: *const mpm_credentials,
    config: &ConfigHandle,
) -> FfiResult<*mut mpm_client> {
    let env = config.environment.as_ref();
    let from_imds = region.is_none() && endpoint.is_none() && imds_region_allowed(config);
    let place = match Placement::choose(region, endpoint, env) {
        Ok(place) => Some(place),
        Err(_) if from_imds => None,
        Err(e) => return Err(e.into()),
    };
    let creds = if credentials.is_null() {
        CredentialsSource::default_chain(ChainOptions {
            profile: env.map(|e| e.profile.clone()),
            ..ChainOptions::default()
        })
    } else {
        try_ref(credentials, "credentials")?.clone()
    };
    match place {
        Some(place) => new_client(place, creds, config.config.clone()),
        // Nothing names a region: it comes from IMDS at the first call (the SDKs' last
        // step), never now, so making the client stays free of network calls.
        None => {
            let timeout = env
                .and_then(|e| e.imds_timeout.as_ref())
                .map_or(IMDS_REGION_TIMEOUT, |t| t.value);
            let client = Client::new_with_region_from_imds(creds, config.config.clone(), timeout)?;
            Ok(to_boxed_ptr(client))
        }
    }
}

/// Each IMDS region lookup's bound unless AWS_METADATA_SERVICE_TIMEOUT says otherwise (the
/// SDKs' default: 1 s).
const IMDS_REGION_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(1);

/// The region may come from IMDS for a config read from the environment, unless
/// AWS_EC2_METADATA_DISABLED is true.
fn imds_region_allowed(config: &ConfigHandle) -> bool {
    config.environment.is_some()
        && !std::env::var("AWS_EC2_METADATA_DISABLED")
            .is_ok_and(|v| v.trim().eq_ignore_ascii_case("true"))
}

/// The AWS name of an `mpm_region` value taken from C; MPM_REGION_INVALID names no region.
fn region_name(region: u32) -> FfiResult<&'static str> {
    let r: mpm_region = enum_from_u32(region)?;
    r.aws_name().ok_or_else(|| {
        FfiError::new(
            mpm_result::MPM_ERR_UNKNOWN_ENUM,
            "MPM_REGION_INVALID names no region",
        )
    })
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
    ffi_boundary! {
        to_ptr(region_name(region).and_then(|r| new_plain(Some(r.into()), None, credentials)))
    }
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
        to_ptr(required_str(region, "region").and_then(|r| new_plain(Some(r), None, credentials)))
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
            .and_then(|u| new_plain(None, Some(u), credentials)))
    }
}

/// Makes a client from `config` (NULL: `mpm_config_new`'s defaults). `region` (copied; NULL:
/// the config's region from the environment, else "us-east-1" when an endpoint is known)
/// and `endpoint_url` (copied; NULL: the config's endpoint from the environment, else the
/// region's). `credentials` is referenced as in `mpm_client_new`; NULL means the default
/// chain (`mpm_credentials_new_default_chain`). The config is copied. Makes no network
/// call. With a config from the environment and no region or endpoint anywhere, the region
/// comes from the EC2 instance metadata service (IMDSv2) at the client's first call, each
/// lookup bounded by AWS_METADATA_SERVICE_TIMEOUT (default 1 s); off EC2 that call fails with
/// MPM_ERR_ENDPOINT and the next asks again; a region set before it wins; with
/// AWS_EC2_METADATA_DISABLED=true the client is refused. The returned pointer must be freed
/// with `mpm_client_free`; NULL on error (see the last error).
#[no_mangle]
pub extern "C" fn mpm_client_new_with_config(
    region: *const c_char,
    endpoint_url: *const c_char,
    credentials: *const mpm_credentials,
    config: *const mpm_config,
) -> *mut mpm_client {
    ffi_boundary! {
        to_ptr((|| {
            let region = optional_str(region, "region")?;
            let endpoint = optional_str(endpoint_url, "endpoint_url")?;
            let default = ConfigHandle::default();
            let cfg = if config.is_null() { &default } else { try_ref(config, "config")? };
            new_with_config(region, endpoint, credentials, cfg)
        })())
    }
}

/// Makes a client entirely from the environment, as an AWS SDK would: the settings of
/// `mpm_config_new_from_environment` (region, endpoint, FIPS, dual-stack, app id, retries,
/// CA bundle) and the default credential chain for the selected profile. Reads files, makes
/// no network call (credentials are fetched at the first call). The returned pointer must
/// be freed with `mpm_client_free`; NULL on error (see the last error). Without a region
/// anywhere, it comes from IMDS at the first call, as in `mpm_client_new_with_config`.
#[no_mangle]
pub extern "C" fn mpm_client_new_from_environment() -> *mut mpm_client {
    ffi_boundary! {
        to_ptr(config_from_environment()
            .and_then(|cfg| new_with_config(None, None, std::ptr::null(), &cfg)))
    }
}

/// Frees a client. Responses it returned stay valid and their calls go on to completion;
/// each must still be freed with `mpm_response_free`. NULL is a no-op.
#[no_mangle]
pub extern "C" fn mpm_client_free(client: *mut mpm_client) {
    ffi_boundary! { free_boxed(client) }
}

/// Checks and copies `request`, prepares the call and starts it in the background.
fn call<R: Castable>(
    client: *const mpm_client,
    request: *const R,
    prepare: impl FnOnce(&R::Rust) -> Result<PreparedCall, ValidationError>,
) -> FfiResult<*mut mpm_response> {
    let client = try_ref(client, "client")?;
    let request = try_ref(request, "request")?;
    let call = prepare(request).map_err(Error::InvalidRequest)?;
    response::start(client, call)
}

/// Starts a MeterUsage call with a copy of `request` (a ClientToken is generated when none
/// was set, and kept across retries). Returns at once; the returned pointer must be freed with
/// `mpm_response_free`. NULL for a NULL argument or an invalid request (see the last error).
#[no_mangle]
pub extern "C" fn mpm_client_meter_usage(
    client: *const mpm_client,
    request: *const mpm_meter_usage_request,
) -> *mut mpm_response {
    ffi_boundary! { to_ptr(call(client, request, prepare_meter_usage)) }
}

/// Starts a BatchMeterUsage call with a copy of `request` (at most 25 records). Returns at
/// once; the returned pointer must be freed with `mpm_response_free`. NULL for a NULL
/// argument or an invalid request (see the last error).
#[no_mangle]
pub extern "C" fn mpm_client_batch_meter_usage(
    client: *const mpm_client,
    request: *const mpm_batch_meter_usage_request,
) -> *mut mpm_response {
    ffi_boundary! { to_ptr(call(client, request, prepare_batch_meter_usage)) }
}

/// Starts a ResolveCustomer call with a copy of `request`. Returns at once; the returned
/// pointer must be freed with `mpm_response_free`. NULL for a NULL argument or an invalid
/// request (see the last error).
#[no_mangle]
pub extern "C" fn mpm_client_resolve_customer(
    client: *const mpm_client,
    request: *const mpm_resolve_customer_request,
) -> *mut mpm_response {
    ffi_boundary! { to_ptr(call(client, request, prepare_resolve_customer)) }
}

/// Starts a RegisterUsage call with a copy of `request`. Returns at once; the returned pointer
/// must be freed with `mpm_response_free`. NULL for a NULL argument or an invalid request
/// (see the last error).
#[no_mangle]
pub extern "C" fn mpm_client_register_usage(
    client: *const mpm_client,
    request: *const mpm_register_usage_request,
) -> *mut mpm_response {
    ffi_boundary! { to_ptr(call(client, request, prepare_register_usage)) }
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

fn static_getter(client: *const mpm_client, value: &'static CStr) -> *const c_char {
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
            Ok(c) => mpm_region::from_aws_name(&c.target().region) as u32,
            Err(e) => { e.record(); 0 }
        }
    }
}

/// Copies where the client's credentials come from into `buf` snprintf-style (as
/// `mpm_client_endpoint`) and returns the full length: the kind of source ("static",
/// "default-chain", "profile", "platform-EC2", "callback", "anonymous"), then, once
/// credentials were resolved, "/" and the provider that supplied them, e.g.
/// "default-chain/web-identity". Never exposes a key. Returns 0 for a NULL client.
#[no_mangle]
pub extern "C" fn mpm_client_credentials_source(
    client: *const mpm_client,
    buf: *mut c_char,
    len: usize,
) -> usize {
    ffi_boundary! {
        buffer_getter(client, buf, len, |c| {
            let creds = c.target().credentials.clone();
            match creds.info() {
                Some(i) => format!("{}/{}", creds.kind(), i.provider),
                None => creds.kind().to_string(),
            }
        })
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
            Ok(c.set_endpoint(&url)?)
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
            Ok(c.set_region(region_name(region)?)?)
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
            Ok(c.set_region(&required_str(region, "region")?)?)
        })())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::credentials::mpm_credentials_new_anonymous;
    use crate::ffi::error::last_error_code;
    use mpmeter_core::client::Proxy;

    /// A client whose HTTP client cannot be built fails with MPM_ERR_TRANSPORT, the code a
    /// transport error has in a response too (`mpm_result::of`), not MPM_ERR_RUNTIME.
    #[test]
    fn a_transport_error_when_a_client_is_made_is_mpm_err_transport() {
        let mut broken = ClientConfig::default();
        // Past the checked setter, as a Rust caller could build it: a proxy reqwest refuses.
        broken.proxy = Proxy::Url {
            url: "http://[::1".into(),
            no_proxy: None,
        };
        let config = to_boxed_ptr::<mpm_config>(ConfigHandle {
            config: broken,
            environment: None,
        });
        let creds = mpm_credentials_new_anonymous();
        let endpoint = c"http://127.0.0.1:9";
        let client = mpm_client_new_with_config(std::ptr::null(), endpoint.as_ptr(), creds, config);
        assert!(client.is_null());
        assert_eq!(last_error_code(), mpm_result::MPM_ERR_TRANSPORT);
        free_boxed(config);
        super::super::credentials::mpm_credentials_free(creds);
    }

    #[test]
    fn the_invalid_region_value_names_no_region() {
        let creds = mpm_credentials_new_anonymous();
        assert!(mpm_client_new(0, creds).is_null());
        assert_eq!(last_error_code(), mpm_result::MPM_ERR_UNKNOWN_ENUM);
        assert!(mpm_client_new(0xB43, creds).is_null());
        assert_eq!(last_error_code(), mpm_result::MPM_ERR_UNKNOWN_ENUM);
        let client = mpm_client_new(0xB41, creds);
        assert!(!client.is_null());
        assert_eq!(mpm_client_region(client), 0xB41);
        mpm_client_free(client);
        super::super::credentials::mpm_credentials_free(creds);
    }
}
