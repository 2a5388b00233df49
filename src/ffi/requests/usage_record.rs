//! `mpm_usage_record`: one record of a BatchMeterUsage request, and the read-only view of the
//! records a BatchMeterUsage response echoes or leaves unprocessed.

use std::ffi::{c_char, CString};

use once_cell::sync::OnceCell;

use super::usage_allocation::{mpm_usage_allocation, push_allocation, UsageAllocationHandle};
use super::{
    checked, checked_i32, index_error, is_valid, number_out, optional_checked, required_checked,
    string_out, to_const_ptr, to_count, update,
};
use crate::ffi::error::{mpm_result, to_ptr, FfiResult};
use crate::ffi::handle::{borrow_ptr, free_boxed, impl_castable, to_boxed_ptr, try_ref};
use crate::ffi::panic::ffi_boundary;
use crate::ffi::strings::to_cstring;
use mpmeter_core::model::UsageRecord;
use mpmeter_core::validate::{constraints as c, validate_usage_record};

/// One usage record of a BatchMeterUsage request: when, for whom, which dimension, how
/// much. Methods: `mpm_usage_record_new`, `_clone`, `_free`, the setters
/// `_set_timestamp`, `_set_customer_identifier`, `_set_dimension`, `_set_quantity`,
/// `_set_quantity_as_decimal`, `_add_usage_allocation`, `_clear_usage_allocations`,
/// `_set_customer_aws_account_id`, `_set_license_arn`, `_is_valid`, and a getter per
/// member: `_timestamp`, `_customer_identifier`, `_dimension`, `_quantity`,
/// `_quantity_as_decimal`, `_customer_aws_account_id`, `_license_arn`,
/// `_usage_allocation_count`, `_usage_allocation_at`. Adding it to a request copies it. A BatchMeterUsage response hands out borrowed
/// `const mpm_usage_record *` values that can be read, cloned or added to a new request.
#[allow(non_camel_case_types)]
pub struct mpm_usage_record {
    _private: [u8; 0],
}

impl_castable!(mpm_usage_record => UsageRecordHandle);

/// The Rust value behind `mpm_usage_record`: the model value and what its getters hand to C
/// (strings and allocation handles), built on first use and dropped by every change.
#[derive(Debug, Default)]
pub struct UsageRecordHandle {
    record: UsageRecord,
    strings: OnceCell<RecordStrings>,
    allocations: OnceCell<Vec<UsageAllocationHandle>>,
}

#[derive(Debug)]
struct RecordStrings {
    customer_identifier: Option<CString>,
    dimension: Option<CString>,
    quantity_as_decimal: Option<CString>,
    customer_aws_account_id: Option<CString>,
    license_arn: Option<CString>,
}

impl Clone for UsageRecordHandle {
    fn clone(&self) -> Self {
        Self::new(self.record.clone())
    }
}

impl UsageRecordHandle {
    pub fn new(record: UsageRecord) -> Self {
        Self {
            record,
            strings: OnceCell::new(),
            allocations: OnceCell::new(),
        }
    }

    pub fn record(&self) -> &UsageRecord {
        &self.record
    }

    /// Applies a change that either succeeds whole or changes nothing.
    fn edit(&mut self, f: impl FnOnce(&mut UsageRecord) -> FfiResult<()>) -> FfiResult<()> {
        f(&mut self.record)?;
        self.strings.take();
        self.allocations.take();
        Ok(())
    }

    fn strings(&self) -> &RecordStrings {
        let r = &self.record;
        let c = |s: &Option<String>| s.as_deref().map(to_cstring);
        self.strings.get_or_init(|| RecordStrings {
            customer_identifier: c(&r.customer_identifier),
            dimension: c(&r.dimension),
            quantity_as_decimal: c(&r.quantity_as_decimal),
            customer_aws_account_id: c(&r.customer_aws_account_id),
            license_arn: c(&r.license_arn),
        })
    }

    fn allocations(&self) -> &[UsageAllocationHandle] {
        self.allocations.get_or_init(|| {
            let list = self.record.usage_allocations.iter().flatten();
            list.cloned().map(UsageAllocationHandle::new).collect()
        })
    }
}

fn edit(
    record: *mut mpm_usage_record,
    f: impl FnOnce(&mut UsageRecord) -> FfiResult<()>,
) -> mpm_result {
    update(record, "record", |h: &mut UsageRecordHandle| h.edit(f))
}

fn read<T>(
    record: *const mpm_usage_record,
    f: impl FnOnce(&UsageRecordHandle) -> FfiResult<T>,
) -> FfiResult<T> {
    try_ref(record, "record").and_then(f)
}

/// Makes an empty record. The returned pointer must be freed with `mpm_usage_record_free`.
#[no_mangle]
pub extern "C" fn mpm_usage_record_new() -> *mut mpm_usage_record {
    ffi_boundary! { to_boxed_ptr::<mpm_usage_record>(UsageRecordHandle::default()) }
}

/// Copies `record` (also a borrowed one from a response) into a new handle; NULL if `record`
/// is NULL. The caller keeps ownership of `record`; the returned pointer must be freed with
/// `mpm_usage_record_free`.
#[no_mangle]
pub extern "C" fn mpm_usage_record_clone(record: *const mpm_usage_record) -> *mut mpm_usage_record {
    ffi_boundary! { to_ptr(read(record, |r| Ok(to_boxed_ptr(r.clone())))) }
}

/// Frees a record made by `mpm_usage_record_new` or `_clone` (never one borrowed from a
/// response). Copies already added to requests are not affected. NULL is a no-op.
#[no_mangle]
pub extern "C" fn mpm_usage_record_free(record: *mut mpm_usage_record) {
    ffi_boundary! { free_boxed(record) }
}

/// Sets Timestamp (required), in Unix seconds UTC between 0 and 253402300799.
#[no_mangle]
pub extern "C" fn mpm_usage_record_set_timestamp(
    record: *mut mpm_usage_record,
    unix_seconds: i64,
) -> mpm_result {
    ffi_boundary! {
        let value = checked("Timestamp", unix_seconds, |v| c::timestamp(*v));
        edit(record, |r| {
            r.timestamp = Some(value?);
            Ok(())
        })
    }
}

/// Sets CustomerIdentifier (at most 255 characters); a record names its customer by this or
/// by CustomerAWSAccountId, not both. The string is copied; NULL clears the member.
#[no_mangle]
pub extern "C" fn mpm_usage_record_set_customer_identifier(
    record: *mut mpm_usage_record,
    customer_identifier: *const c_char,
) -> mpm_result {
    ffi_boundary! {
        let value = optional_checked(customer_identifier, "CustomerIdentifier", c::customer_identifier);
        edit(record, |r| {
            r.customer_identifier = value?;
            Ok(())
        })
    }
}

/// Sets Dimension (required, 1 to 255 characters). The string is copied; NULL is refused
/// with MPM_ERR_NULL_ARGUMENT.
#[no_mangle]
pub extern "C" fn mpm_usage_record_set_dimension(
    record: *mut mpm_usage_record,
    dimension: *const c_char,
) -> mpm_result {
    ffi_boundary! {
        let value = required_checked(dimension, "Dimension", c::usage_dimension);
        edit(record, |r| {
            r.dimension = Some(value?);
            Ok(())
        })
    }
}

/// Sets Quantity (0 to 2147483647) and clears QuantityAsDecimal.
#[no_mangle]
pub extern "C" fn mpm_usage_record_set_quantity(
    record: *mut mpm_usage_record,
    quantity: i32,
) -> mpm_result {
    ffi_boundary! {
        let value = checked_i32("Quantity", quantity, c::quantity);
        edit(record, |r| {
            r.quantity = Some(value?);
            r.quantity_as_decimal = None;
            Ok(())
        })
    }
}

/// Sets QuantityAsDecimal, a decimal string such as "17.5" (up to 10 integer and 6
/// fractional digits), and clears Quantity. The string is copied. NULL clears
/// QuantityAsDecimal and leaves Quantity alone.
#[no_mangle]
pub extern "C" fn mpm_usage_record_set_quantity_as_decimal(
    record: *mut mpm_usage_record,
    quantity: *const c_char,
) -> mpm_result {
    ffi_boundary! {
        let value = optional_checked(quantity, "QuantityAsDecimal", c::decimal_quantity);
        edit(record, |r| {
            let value = value?;
            if value.is_some() {
                r.quantity = None;
            }
            r.quantity_as_decimal = value;
            Ok(())
        })
    }
}

/// Appends a copy of `allocation` to UsageAllocations (at most 2500: one more is refused with
/// MPM_ERR_INVALID_ARGUMENT). This copies `allocation`; the caller keeps ownership.
#[no_mangle]
pub extern "C" fn mpm_usage_record_add_usage_allocation(
    record: *mut mpm_usage_record,
    allocation: *const mpm_usage_allocation,
) -> mpm_result {
    ffi_boundary! {
        let allocation = try_ref(allocation, "allocation").map(|a| a.allocation().clone());
        edit(record, |r| push_allocation(&mut r.usage_allocations, allocation?))
    }
}

/// Removes every allocation from the record.
#[no_mangle]
pub extern "C" fn mpm_usage_record_clear_usage_allocations(
    record: *mut mpm_usage_record,
) -> mpm_result {
    ffi_boundary! {
        edit(record, |r| {
            r.usage_allocations = None;
            Ok(())
        })
    }
}

/// Sets CustomerAWSAccountId (digits only, 1 to 255); a record names its customer by this or
/// by CustomerIdentifier, not both. The string is copied; NULL clears the member.
#[no_mangle]
pub extern "C" fn mpm_usage_record_set_customer_aws_account_id(
    record: *mut mpm_usage_record,
    customer_aws_account_id: *const c_char,
) -> mpm_result {
    ffi_boundary! {
        let value = optional_checked(
            customer_aws_account_id,
            "CustomerAWSAccountId",
            c::customer_aws_account_id,
        );
        edit(record, |r| {
            r.customer_aws_account_id = value?;
            Ok(())
        })
    }
}

/// Sets LicenseArn (`arn:aws:license-manager::<account>:license:<id>`), required when the
/// request has no ProductCode. The string is copied; NULL clears the member.
#[no_mangle]
pub extern "C" fn mpm_usage_record_set_license_arn(
    record: *mut mpm_usage_record,
    license_arn: *const c_char,
) -> mpm_result {
    ffi_boundary! {
        let value = optional_checked(license_arn, "LicenseArn", c::license_arn);
        edit(record, |r| {
            r.license_arn = value?;
            Ok(())
        })
    }
}

/// Whether the record meets the model on its own (required members, one customer member,
/// constraints, allocations summing to the quantity). On false, the last error holds
/// MPM_ERR_INVALID_REQUEST and the reason (MPM_ERR_NULL_ARGUMENT for NULL). Whether it needs
/// a LicenseArn depends on the request and is checked there.
#[no_mangle]
pub extern "C" fn mpm_usage_record_is_valid(record: *const mpm_usage_record) -> bool {
    ffi_boundary! {
        is_valid(record, "record", |r: &UsageRecordHandle| {
            validate_usage_record("UsageRecord", &r.record)
        })
    }
}

/// Writes Timestamp (Unix seconds) to `*out` and returns MPM_OK, or MPM_ERR_NOT_SET when it
/// is absent (then `*out` is not written).
#[no_mangle]
pub extern "C" fn mpm_usage_record_timestamp(
    record: *const mpm_usage_record,
    out: *mut i64,
) -> mpm_result {
    ffi_boundary! {
        match try_ref(record, "record") {
            Ok(r) => number_out(r.record.timestamp, "Timestamp", out),
            Err(e) => e.record(),
        }
    }
}

/// Writes Quantity to `*out` and returns MPM_OK, or MPM_ERR_NOT_SET when it is absent (then
/// `*out` is not written).
#[no_mangle]
pub extern "C" fn mpm_usage_record_quantity(
    record: *const mpm_usage_record,
    out: *mut i32,
) -> mpm_result {
    ffi_boundary! {
        match try_ref(record, "record") {
            Ok(r) => number_out(r.record.quantity, "Quantity", out),
            Err(e) => e.record(),
        }
    }
}

/// CustomerIdentifier, or NULL when absent (the last error is then MPM_ERR_NOT_SET). The
/// returned string is borrowed and valid until `record` is freed or changed.
#[no_mangle]
pub extern "C" fn mpm_usage_record_customer_identifier(
    record: *const mpm_usage_record,
) -> *const c_char {
    ffi_boundary! {
        to_const_ptr(read(record, |r| {
            string_out(r.strings().customer_identifier.as_ref(), "CustomerIdentifier")
        }))
    }
}

/// Dimension, or NULL when absent (the last error is then MPM_ERR_NOT_SET). The returned
/// string is borrowed and valid until `record` is freed or changed.
#[no_mangle]
pub extern "C" fn mpm_usage_record_dimension(record: *const mpm_usage_record) -> *const c_char {
    ffi_boundary! {
        to_const_ptr(read(record, |r| string_out(r.strings().dimension.as_ref(), "Dimension")))
    }
}

/// QuantityAsDecimal, or NULL when absent (the last error is then MPM_ERR_NOT_SET). The
/// returned string is borrowed and valid until `record` is freed or changed.
#[no_mangle]
pub extern "C" fn mpm_usage_record_quantity_as_decimal(
    record: *const mpm_usage_record,
) -> *const c_char {
    ffi_boundary! {
        to_const_ptr(read(record, |r| {
            string_out(r.strings().quantity_as_decimal.as_ref(), "QuantityAsDecimal")
        }))
    }
}

/// CustomerAWSAccountId, or NULL when absent (the last error is then MPM_ERR_NOT_SET). The
/// returned string is borrowed and valid until `record` is freed or changed.
#[no_mangle]
pub extern "C" fn mpm_usage_record_customer_aws_account_id(
    record: *const mpm_usage_record,
) -> *const c_char {
    ffi_boundary! {
        to_const_ptr(read(record, |r| {
            string_out(r.strings().customer_aws_account_id.as_ref(), "CustomerAWSAccountId")
        }))
    }
}

/// LicenseArn, or NULL when absent (the last error is then MPM_ERR_NOT_SET). The returned
/// string is borrowed and valid until `record` is freed or changed.
#[no_mangle]
pub extern "C" fn mpm_usage_record_license_arn(record: *const mpm_usage_record) -> *const c_char {
    ffi_boundary! {
        to_const_ptr(read(record, |r| string_out(r.strings().license_arn.as_ref(), "LicenseArn")))
    }
}

/// The number of allocations in UsageAllocations (0 for NULL, with MPM_ERR_NULL_ARGUMENT in
/// the last error).
#[no_mangle]
pub extern "C" fn mpm_usage_record_usage_allocation_count(
    record: *const mpm_usage_record,
) -> usize {
    ffi_boundary! { to_count(read(record, |r| Ok(r.allocations().len()))) }
}

/// Allocation `index` (from 0), or NULL past the end (MPM_ERR_INDEX_OUT_OF_RANGE). The
/// returned pointer is borrowed and valid until `record` is freed or changed; never free it
/// (copy it with `mpm_usage_allocation_clone` to keep it).
#[no_mangle]
pub extern "C" fn mpm_usage_record_usage_allocation_at(
    record: *const mpm_usage_record,
    index: usize,
) -> *const mpm_usage_allocation {
    ffi_boundary! {
        to_const_ptr(read(record, |r| {
            let list = r.allocations();
            let a = list
                .get(index)
                .ok_or_else(|| index_error("UsageAllocations", index, list.len()))?;
            Ok(borrow_ptr(a))
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failed_setter_keeps_record_and_cached_strings() {
        let rec = mpm_usage_record_new();
        assert_eq!(
            mpm_usage_record_set_dimension(rec, c"hours".as_ptr()),
            mpm_result::MPM_OK
        );
        let before = mpm_usage_record_dimension(rec);
        let long = CString::new("d".repeat(300)).unwrap();
        assert_eq!(
            mpm_usage_record_set_dimension(rec, long.as_ptr()),
            mpm_result::MPM_ERR_INVALID_ARGUMENT
        );
        // A refused change keeps earlier pointers valid.
        assert_eq!(mpm_usage_record_dimension(rec), before);
        let h = try_ref::<mpm_usage_record>(rec, "rec").unwrap();
        assert_eq!(h.record().dimension.as_deref(), Some("hours"));
        mpm_usage_record_free(rec);
    }

    #[test]
    fn borrowed_record_reads_like_an_owned_one() {
        let owned = UsageRecordHandle::new(UsageRecord {
            dimension: Some("hours".into()),
            quantity: Some(3),
            ..UsageRecord::default()
        });
        let ptr: *const mpm_usage_record = borrow_ptr(&owned);
        let mut q = 0;
        assert_eq!(mpm_usage_record_quantity(ptr, &mut q), mpm_result::MPM_OK);
        assert_eq!(q, 3);
        let copy = mpm_usage_record_clone(ptr);
        assert_eq!(
            try_ref::<mpm_usage_record>(copy, "c").unwrap().record(),
            owned.record()
        );
        mpm_usage_record_free(copy);
    }

    #[test]
    fn handle_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<UsageRecordHandle>();
        check::<Vec<UsageRecordHandle>>();
    }
}
