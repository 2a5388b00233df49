//! Request builders: one C handle per operation (`mpm_meter_usage_request` & co.) and the two
//! nested builders (`mpm_usage_record`, `mpm_usage_allocation`). Setters check each value with
//! `core::validate::constraints`; `_is_valid` runs the core's whole-request check. A setter that
//! fails leaves its handle unchanged.

mod batch_meter_usage;
mod meter_usage;
mod register_usage;
mod resolve_customer;
mod usage_allocation;
mod usage_record;

pub use batch_meter_usage::*;
pub use meter_usage::*;
pub use register_usage::*;
pub use resolve_customer::*;
pub use usage_allocation::*;
pub use usage_record::*;

use std::ffi::{c_char, CString};

use super::error::{mpm_result, FfiError, FfiResult};
use super::handle::{out_param, try_mut, try_ref, Castable};
use super::strings::{optional_str, required_str};
use mpmeter_core::validate::constraints::Violation;
use mpmeter_core::validate::ValidationError;

/// A value that breaks its member's constraint, as "UsageDimension must have length ...".
fn invalid(member: &str, violation: Violation) -> FfiError {
    FfiError::new(
        mpm_result::MPM_ERR_INVALID_ARGUMENT,
        format!("{member} {violation}"),
    )
}

fn checked<T>(
    member: &str,
    value: T,
    check: impl FnOnce(&T) -> Result<(), Violation>,
) -> FfiResult<T> {
    check(&value)
        .map(|()| value)
        .map_err(|v| invalid(member, v))
}

/// Copies and checks a string argument that must not be NULL.
fn required_checked(
    ptr: *const c_char,
    member: &str,
    check: fn(&str) -> Result<(), Violation>,
) -> FfiResult<String> {
    checked(member, required_str(ptr, member)?, |s| check(s))
}

/// Copies and checks an optional string argument: NULL means "clear the member".
fn optional_checked(
    ptr: *const c_char,
    member: &str,
    check: fn(&str) -> Result<(), Violation>,
) -> FfiResult<Option<String>> {
    match optional_str(ptr, member)? {
        Some(s) => checked(member, s, |s| check(s)).map(Some),
        None => Ok(None),
    }
}

/// Checks an integer quantity or version, taken from C as `int32_t`.
fn checked_i32(
    member: &str,
    value: i32,
    check: fn(i64) -> Result<(), Violation>,
) -> FfiResult<i32> {
    checked(member, value, |v| check(i64::from(*v)))
}

/// Runs a setter on the value behind `ptr`. `f` must change nothing when it fails.
fn update<C: Castable>(
    ptr: *mut C,
    arg: &str,
    f: impl FnOnce(&mut C::Rust) -> FfiResult<()>,
) -> mpm_result {
    super::error::to_code(try_mut(ptr, arg).and_then(f))
}

/// Runs a whole-request check: false (with MPM_ERR_INVALID_REQUEST and the reason in the last
/// error) when the value breaks the model, false with MPM_ERR_NULL_ARGUMENT for NULL.
fn is_valid<C: Castable>(
    ptr: *const C,
    arg: &str,
    check: impl FnOnce(&C::Rust) -> Result<(), ValidationError>,
) -> bool {
    let outcome = try_ref(ptr, arg).and_then(|value| {
        check(value).map_err(|e| FfiError::new(mpm_result::MPM_ERR_INVALID_REQUEST, e.to_string()))
    });
    match outcome {
        Ok(()) => true,
        Err(e) => {
            e.record();
            false
        }
    }
}

/// Appends to a list member that the model caps at `max` items (`mpmeter_core::model`'s
/// `MAX_*`); the item past the cap is refused and the list left as it was.
fn push_capped<T>(
    list: &mut Vec<T>,
    item: T,
    max: usize,
    member: &str,
    what: &str,
) -> FfiResult<()> {
    if list.len() >= max {
        return Err(FfiError::new(
            mpm_result::MPM_ERR_INVALID_ARGUMENT,
            format!(
                "{member} must hold at most {max} {what} (already {})",
                list.len()
            ),
        ));
    }
    list.push(item);
    Ok(())
}

fn not_set(member: &str) -> FfiError {
    FfiError::new(mpm_result::MPM_ERR_NOT_SET, format!("{member} is not set"))
}

/// Writes a present number to a caller's out-parameter; MPM_ERR_NOT_SET when absent.
fn number_out<T>(value: Option<T>, member: &str, out: *mut T) -> mpm_result {
    let written = out_param(out).and_then(|out| {
        out.set(value.ok_or_else(|| not_set(member))?);
        Ok(())
    });
    super::error::to_code(written)
}

/// A cached string of a handle, or MPM_ERR_NOT_SET when the member is absent.
fn string_out(value: Option<&CString>, member: &str) -> FfiResult<*const c_char> {
    value.map(|s| s.as_ptr()).ok_or_else(|| not_set(member))
}

/// A borrowed pointer for C, NULL (with the error recorded) on failure.
fn to_const_ptr<T>(r: FfiResult<*const T>) -> *const T {
    r.unwrap_or_else(|e| {
        e.record();
        std::ptr::null()
    })
}

/// A count or length for C, 0 (with the error recorded) on failure.
fn to_count(r: FfiResult<usize>) -> usize {
    r.unwrap_or_else(|e| {
        e.record();
        0
    })
}

fn index_error(member: &str, index: usize, len: usize) -> FfiError {
    FfiError::new(
        mpm_result::MPM_ERR_INDEX_OUT_OF_RANGE,
        format!("{member} index {index} is out of range (count {len})"),
    )
}
