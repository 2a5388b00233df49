//! `mpm_resolve_customer_request`: the ResolveCustomer request builder (QtAws
//! `ResolveCustomerRequest`).

use std::ffi::c_char;

use super::{is_valid, required_checked, update};
use crate::ffi::error::mpm_result;
use crate::ffi::handle::{free_boxed, impl_castable, to_boxed_ptr};
use crate::ffi::panic::ffi_boundary;
use mpmeter_core::model::ResolveCustomerInput;
use mpmeter_core::validate::{constraints as c, validate_resolve_customer};

/// A ResolveCustomer request: turns a SaaS registration token into a customer. Required:
/// RegistrationToken. Methods: `mpm_resolve_customer_request_new`, `_free`,
/// `_set_registration_token`, `_is_valid`. Sent with `mpm_client_resolve_customer`, which
/// copies it.
#[allow(non_camel_case_types)]
pub struct mpm_resolve_customer_request {
    _private: [u8; 0],
}

impl_castable!(mpm_resolve_customer_request => ResolveCustomerInput);

/// Makes an empty ResolveCustomer request. The returned pointer must be freed with
/// `mpm_resolve_customer_request_free`.
#[no_mangle]
pub extern "C" fn mpm_resolve_customer_request_new() -> *mut mpm_resolve_customer_request {
    ffi_boundary! {
        to_boxed_ptr::<mpm_resolve_customer_request>(ResolveCustomerInput::default())
    }
}

/// Frees a request made by `mpm_resolve_customer_request_new`; responses already returned
/// for it are not affected. NULL is a no-op.
#[no_mangle]
pub extern "C" fn mpm_resolve_customer_request_free(request: *mut mpm_resolve_customer_request) {
    ffi_boundary! { free_boxed(request) }
}

/// Sets RegistrationToken (required, not empty): the `x-amzn-marketplace-token` the buyer's
/// browser posted to the product's registration page. The string is copied; NULL is refused
/// with MPM_ERR_NULL_ARGUMENT.
#[no_mangle]
pub extern "C" fn mpm_resolve_customer_request_set_registration_token(
    request: *mut mpm_resolve_customer_request,
    registration_token: *const c_char,
) -> mpm_result {
    ffi_boundary! {
        let value = required_checked(registration_token, "RegistrationToken", c::registration_token);
        update(request, "request", |r: &mut ResolveCustomerInput| {
            r.registration_token = Some(value?);
            Ok(())
        })
    }
}

/// Whether the request can be sent (QtAws `isValid()`): a RegistrationToken is set. On
/// false, the last error holds MPM_ERR_INVALID_REQUEST and the reason
/// (MPM_ERR_NULL_ARGUMENT for NULL).
#[no_mangle]
pub extern "C" fn mpm_resolve_customer_request_is_valid(
    request: *const mpm_resolve_customer_request,
) -> bool {
    ffi_boundary! { is_valid(request, "request", validate_resolve_customer) }
}
