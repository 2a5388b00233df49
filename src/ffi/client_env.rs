//! Client constructors that take their settings from an `mpm_config` and the environment,
//! and the question of where a client's credentials came from.

use std::ffi::c_char;

use super::client::{endpoint_error, mpm_client};
use super::config::{config_from_environment, mpm_config, ConfigHandle};
use super::credentials::mpm_credentials;
use super::error::{to_ptr, FfiResult};
use super::handle::{to_boxed_ptr, try_ref};
use super::panic::ffi_boundary;
use super::strings::{copy_to_buffer, optional_str};
use mpmeter_core::client::{Client, Placement};
use mpmeter_core::credentials::{ChainOptions, CredentialsSource};

fn new_with_config(
    region: Option<String>,
    endpoint: Option<String>,
    credentials: *const mpm_credentials,
    config: &ConfigHandle,
) -> FfiResult<*mut mpm_client> {
    let env = config.environment.as_ref();
    let place = Placement::choose(region, endpoint, env).map_err(endpoint_error)?;
    let creds = if credentials.is_null() {
        CredentialsSource::default_chain(ChainOptions {
            profile: env.map(|e| e.profile.clone()),
            ..ChainOptions::default()
        })
    } else {
        try_ref(credentials, "credentials")?.clone()
    };
    let client = Client::new(
        &place.region,
        place.endpoint.as_deref(),
        creds,
        config.config.clone(),
    )
    .map_err(endpoint_error)?;
    Ok(to_boxed_ptr(client))
}

/// Makes a client from `config` (NULL: `mpm_config_new`'s defaults). `region` (copied; NULL:
/// the config's region from the environment, else "us-east-1" when an endpoint is known)
/// and `endpoint_url` (copied; NULL: the config's endpoint from the environment, else the
/// region's). `credentials` is referenced as in `mpm_client_new`; NULL means the default
/// chain (`mpm_credentials_new_default_chain`). The config is copied. Makes no network
/// call. The returned pointer must be freed with `mpm_client_free`; NULL on error (see the
/// last error).
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
/// be freed with `mpm_client_free`; NULL on error, e.g. no region configured (see the last
/// error).
#[no_mangle]
pub extern "C" fn mpm_client_new_from_environment() -> *mut mpm_client {
    ffi_boundary! {
        to_ptr(config_from_environment()
            .and_then(|cfg| new_with_config(None, None, std::ptr::null(), &cfg)))
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
        match try_ref(client, "client") {
            Ok(c) => {
                let creds = c.target().credentials.clone();
                let text = match creds.info() {
                    Some(i) => format!("{}/{}", creds.kind(), i.provider),
                    None => creds.kind().to_string(),
                };
                copy_to_buffer(&text, buf, len)
            }
            Err(e) => { e.record(); 0 }
        }
    }
}
