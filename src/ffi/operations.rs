//! The four operation calls of `mpm_client` (QtAws's slots `meterUsage` & co.): check the
//! request, serialize it, start it in the background and return its response at once.

use super::client::mpm_client;
use super::error::{mpm_result, to_ptr, FfiError, FfiResult};
use super::handle::{try_ref, Castable};
use super::panic::ffi_boundary;
use super::requests::{
    mpm_batch_meter_usage_request, mpm_meter_usage_request, mpm_register_usage_request,
    mpm_resolve_customer_request,
};
use super::response::{self, mpm_response};
use mpmeter_core::client::{
    prepare_batch_meter_usage, prepare_meter_usage, prepare_register_usage,
    prepare_resolve_customer, PreparedCall,
};
use mpmeter_core::validate::ValidationError;

fn call<R: Castable>(
    client: *const mpm_client,
    request: *const R,
    prepare: impl FnOnce(&R::Rust) -> Result<PreparedCall, ValidationError>,
) -> FfiResult<*mut mpm_response> {
    let client = try_ref(client, "client")?;
    let request = try_ref(request, "request")?;
    let call = prepare(request).map_err(|v| {
        FfiError::new(
            mpm_result::MPM_ERR_INVALID_REQUEST,
            format!("invalid request: {v}"),
        )
    })?;
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
