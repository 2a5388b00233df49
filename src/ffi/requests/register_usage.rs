//! `mpm_register_usage_request`: the RegisterUsage request builder (QtAws
//! `RegisterUsageRequest`).

use std::ffi::c_char;

use super::{checked_i32, is_valid, optional_checked, required_checked, update};
use crate::ffi::error::mpm_result;
use crate::ffi::handle::{free_boxed, impl_castable, to_boxed_ptr};
use crate::ffi::panic::ffi_boundary;
use mpmeter_core::model::RegisterUsageInput;
use mpmeter_core::validate::{constraints as c, validate_register_usage};

/// A RegisterUsage request: a paid container product checks its entitlement at start.
/// Required: ProductCode, PublicKeyVersion. Methods: `mpm_register_usage_request_new`,
/// `_free`, `_set_product_code`, `_set_public_key_version`, `_set_nonce`, `_is_valid`.
/// Sent with `mpm_client_register_usage`, which copies it.
#[allow(non_camel_case_types)]
pub struct mpm_register_usage_request {
    _private: [u8; 0],
}

impl_castable!(mpm_register_usage_request => RegisterUsageInput);

/// Makes an empty RegisterUsage request. The returned pointer must be freed with
/// `mpm_register_usage_request_free`.
#[no_mangle]
pub extern "C" fn mpm_register_usage_request_new() -> *mut mpm_register_usage_request {
    ffi_boundary! { to_boxed_ptr::<mpm_register_usage_request>(RegisterUsageInput::default()) }
}

/// Frees a request made by `mpm_register_usage_request_new`; responses already returned for
/// it are not affected. NULL is a no-op.
#[no_mangle]
pub extern "C" fn mpm_register_usage_request_free(request: *mut mpm_register_usage_request) {
    ffi_boundary! { free_boxed(request) }
}

/// Sets ProductCode (required; at most 255 characters of letters, digits and `-/=:_.@`).
/// The string is copied; NULL is refused with MPM_ERR_NULL_ARGUMENT.
#[no_mangle]
pub extern "C" fn mpm_register_usage_request_set_product_code(
    request: *mut mpm_register_usage_request,
    product_code: *const c_char,
) -> mpm_result {
    ffi_boundary! {
        let value = required_checked(product_code, "ProductCode", c::product_code);
        update(request, "request", |r: &mut RegisterUsageInput| {
            r.product_code = Some(value?);
            Ok(())
        })
    }
}

/// Sets PublicKeyVersion (required, at least 1): the version of the public key that will
/// verify the response's signature.
#[no_mangle]
pub extern "C" fn mpm_register_usage_request_set_public_key_version(
    request: *mut mpm_register_usage_request,
    public_key_version: i32,
) -> mpm_result {
    ffi_boundary! {
        let value = checked_i32("PublicKeyVersion", public_key_version, c::public_key_version);
        update(request, "request", |r: &mut RegisterUsageInput| {
            r.public_key_version = Some(value?);
            Ok(())
        })
    }
}

/// Sets Nonce (at most 255 characters), echoed in the signed response to prevent replay.
/// The string is copied; NULL clears the member.
#[no_mangle]
pub extern "C" fn mpm_register_usage_request_set_nonce(
    request: *mut mpm_register_usage_request,
    nonce: *const c_char,
) -> mpm_result {
    ffi_boundary! {
        let value = optional_checked(nonce, "Nonce", c::nonce);
        update(request, "request", |r: &mut RegisterUsageInput| {
            r.nonce = value?;
            Ok(())
        })
    }
}

/// Whether the request can be sent (QtAws `isValid()`): ProductCode and PublicKeyVersion set
/// and every constraint met. On false, the last error holds MPM_ERR_INVALID_REQUEST and the
/// reason (MPM_ERR_NULL_ARGUMENT for NULL).
#[no_mangle]
pub extern "C" fn mpm_register_usage_request_is_valid(
    request: *const mpm_register_usage_request,
) -> bool {
    ffi_boundary! { is_valid(request, "request", validate_register_usage) }
}
