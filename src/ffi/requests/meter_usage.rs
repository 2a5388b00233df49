//! `mpm_meter_usage_request`: the MeterUsage request builder (QtAws `MeterUsageRequest`).

use std::ffi::c_char;

use super::usage_allocation::{mpm_usage_allocation, push_allocation};
use super::{checked, checked_i32, is_valid, optional_checked, required_checked, update};
use crate::ffi::error::mpm_result;
use crate::ffi::handle::{free_boxed, impl_castable, to_boxed_ptr, try_ref};
use crate::ffi::panic::ffi_boundary;
use mpmeter_core::model::MeterUsageInput;
use mpmeter_core::validate::{constraints as c, validate_meter_usage};

/// A MeterUsage request: one usage quantity of one dimension for one hour. Required:
/// ProductCode, Timestamp, UsageDimension. Methods: `mpm_meter_usage_request_new`,
/// `_free`, `_set_product_code`, `_set_timestamp`, `_set_usage_dimension`,
/// `_set_usage_quantity`, `_set_usage_quantity_as_decimal`, `_set_dry_run`,
/// `_add_usage_allocation`, `_clear_usage_allocations`, `_set_client_token`, `_is_valid`.
/// Sent with `mpm_client_meter_usage`, which copies it.
#[allow(non_camel_case_types)]
pub struct mpm_meter_usage_request {
    _private: [u8; 0],
}

impl_castable!(mpm_meter_usage_request => MeterUsageInput);

fn edit(
    request: *mut mpm_meter_usage_request,
    f: impl FnOnce(&mut MeterUsageInput) -> crate::ffi::error::FfiResult<()>,
) -> mpm_result {
    update(request, "request", f)
}

/// Makes an empty MeterUsage request. The returned pointer must be freed with
/// `mpm_meter_usage_request_free`.
#[no_mangle]
pub extern "C" fn mpm_meter_usage_request_new() -> *mut mpm_meter_usage_request {
    ffi_boundary! { to_boxed_ptr::<mpm_meter_usage_request>(MeterUsageInput::default()) }
}

/// Frees a request made by `mpm_meter_usage_request_new`; responses already returned for it
/// are not affected. NULL is a no-op.
#[no_mangle]
pub extern "C" fn mpm_meter_usage_request_free(request: *mut mpm_meter_usage_request) {
    ffi_boundary! { free_boxed(request) }
}

/// Sets ProductCode (required; at most 255 characters of letters, digits and `-/=:_.@`).
/// The string is copied; NULL is refused with MPM_ERR_NULL_ARGUMENT.
#[no_mangle]
pub extern "C" fn mpm_meter_usage_request_set_product_code(
    request: *mut mpm_meter_usage_request,
    product_code: *const c_char,
) -> mpm_result {
    ffi_boundary! {
        let value = required_checked(product_code, "ProductCode", c::product_code);
        edit(request, |r| {
            r.product_code = Some(value?);
            Ok(())
        })
    }
}

/// Sets Timestamp (required): the hour of the usage, in Unix seconds UTC between 0 and
/// 253402300799.
#[no_mangle]
pub extern "C" fn mpm_meter_usage_request_set_timestamp(
    request: *mut mpm_meter_usage_request,
    unix_seconds: i64,
) -> mpm_result {
    ffi_boundary! {
        let value = checked("Timestamp", unix_seconds, |v| c::timestamp(*v));
        edit(request, |r| {
            r.timestamp = Some(value?);
            Ok(())
        })
    }
}

/// Sets UsageDimension (required, 1 to 255 characters). The string is copied; NULL is
/// refused with MPM_ERR_NULL_ARGUMENT.
#[no_mangle]
pub extern "C" fn mpm_meter_usage_request_set_usage_dimension(
    request: *mut mpm_meter_usage_request,
    usage_dimension: *const c_char,
) -> mpm_result {
    ffi_boundary! {
        let value = required_checked(usage_dimension, "UsageDimension", c::usage_dimension);
        edit(request, |r| {
            r.usage_dimension = Some(value?);
            Ok(())
        })
    }
}

/// Sets UsageQuantity (0 to 2147483647; 0 when neither quantity is set) and clears
/// UsageQuantityAsDecimal.
#[no_mangle]
pub extern "C" fn mpm_meter_usage_request_set_usage_quantity(
    request: *mut mpm_meter_usage_request,
    quantity: i32,
) -> mpm_result {
    ffi_boundary! {
        let value = checked_i32("UsageQuantity", quantity, c::quantity);
        edit(request, |r| {
            r.usage_quantity = Some(value?);
            r.usage_quantity_as_decimal = None;
            Ok(())
        })
    }
}

/// Sets UsageQuantityAsDecimal, a decimal string such as "17.5" (up to 10 integer and 6
/// fractional digits), and clears UsageQuantity. The string is copied. NULL clears
/// UsageQuantityAsDecimal and leaves UsageQuantity alone.
#[no_mangle]
pub extern "C" fn mpm_meter_usage_request_set_usage_quantity_as_decimal(
    request: *mut mpm_meter_usage_request,
    quantity: *const c_char,
) -> mpm_result {
    ffi_boundary! {
        let value = optional_checked(quantity, "UsageQuantityAsDecimal", c::decimal_quantity);
        edit(request, |r| {
            let value = value?;
            if value.is_some() {
                r.usage_quantity = None;
            }
            r.usage_quantity_as_decimal = value;
            Ok(())
        })
    }
}

/// Sets DryRun: when true, the service checks the request and the caller's permissions
/// without recording usage.
#[no_mangle]
pub extern "C" fn mpm_meter_usage_request_set_dry_run(
    request: *mut mpm_meter_usage_request,
    dry_run: bool,
) -> mpm_result {
    ffi_boundary! {
        edit(request, |r| {
            r.dry_run = Some(dry_run);
            Ok(())
        })
    }
}

/// Appends a copy of `allocation` to UsageAllocations (at most 2500: one more is refused with
/// MPM_ERR_INVALID_ARGUMENT). This copies `allocation`; the caller keeps ownership.
#[no_mangle]
pub extern "C" fn mpm_meter_usage_request_add_usage_allocation(
    request: *mut mpm_meter_usage_request,
    allocation: *const mpm_usage_allocation,
) -> mpm_result {
    ffi_boundary! {
        let allocation = try_ref(allocation, "allocation").map(|a| a.allocation().clone());
        edit(request, |r| push_allocation(&mut r.usage_allocations, allocation?))
    }
}

/// Removes every allocation from the request.
#[no_mangle]
pub extern "C" fn mpm_meter_usage_request_clear_usage_allocations(
    request: *mut mpm_meter_usage_request,
) -> mpm_result {
    ffi_boundary! {
        edit(request, |r| {
            r.usage_allocations = None;
            Ok(())
        })
    }
}

/// Sets ClientToken (1 to 64 characters), the idempotency key of the call. Left unset, the
/// client sends a fresh UUIDv4. The string is copied; NULL clears the member.
#[no_mangle]
pub extern "C" fn mpm_meter_usage_request_set_client_token(
    request: *mut mpm_meter_usage_request,
    client_token: *const c_char,
) -> mpm_result {
    ffi_boundary! {
        let value = optional_checked(client_token, "ClientToken", c::client_token);
        edit(request, |r| {
            r.client_token = value?;
            Ok(())
        })
    }
}

/// Whether the request can be sent (QtAws `isValid()`): required members set, every
/// constraint met, allocations of the quantity's form summing to it. On false, the last
/// error holds MPM_ERR_INVALID_REQUEST and the reason (MPM_ERR_NULL_ARGUMENT for NULL).
#[no_mangle]
pub extern "C" fn mpm_meter_usage_request_is_valid(
    request: *const mpm_meter_usage_request,
) -> bool {
    ffi_boundary! { is_valid(request, "request", validate_meter_usage) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantity_forms_replace_each_other() {
        let req = mpm_meter_usage_request_new();
        mpm_meter_usage_request_set_usage_quantity(req, 4);
        mpm_meter_usage_request_set_usage_quantity_as_decimal(req, c"4.5".as_ptr());
        let r = try_ref::<mpm_meter_usage_request>(req, "r").unwrap();
        assert_eq!(
            (r.usage_quantity, r.usage_quantity_as_decimal.as_deref()),
            (None, Some("4.5"))
        );
        mpm_meter_usage_request_set_usage_quantity(req, 4);
        let r = try_ref::<mpm_meter_usage_request>(req, "r").unwrap();
        assert_eq!(
            (r.usage_quantity, r.usage_quantity_as_decimal.as_deref()),
            (Some(4), None)
        );
        mpm_meter_usage_request_free(req);
    }
}
