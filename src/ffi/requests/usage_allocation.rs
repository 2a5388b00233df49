//! `mpm_usage_allocation`: a bucket of usage with up to 5 tags, added to a MeterUsage request
//! or a usage record by copy.

use std::ffi::{c_char, CString};

use once_cell::sync::OnceCell;

use super::{
    checked_i32, is_valid, number_out, optional_checked, push_capped, required_checked, string_out,
    to_const_ptr, to_count, update,
};
use crate::ffi::error::{mpm_result, to_ptr, FfiResult};
use crate::ffi::handle::{free_boxed, impl_castable, to_boxed_ptr, try_ref};
use crate::ffi::panic::ffi_boundary;
use crate::ffi::strings::to_cstring;
use mpmeter_core::model::{Tag, UsageAllocation, MAX_TAGS_PER_ALLOCATION, MAX_USAGE_ALLOCATIONS};
use mpmeter_core::validate::{constraints as c, validate_usage_allocation};

/// A usage allocation: a quantity (integer or decimal string) and 1 to 5 tags. Methods:
/// `mpm_usage_allocation_new`, `_clone`, `_free`, `_set_allocated_usage_quantity`,
/// `_set_allocated_usage_quantity_as_decimal`, `_add_tag`, `_is_valid`, and the getters
/// `_allocated_usage_quantity`, `_allocated_usage_quantity_as_decimal`, `_tag_count`,
/// `_tag_key_at`, `_tag_value_at`. Adding it to a request or record copies it.
#[allow(non_camel_case_types)]
pub struct mpm_usage_allocation {
    _private: [u8; 0],
}

impl_castable!(mpm_usage_allocation => UsageAllocationHandle);

/// The Rust value behind `mpm_usage_allocation`: the model value and the C strings handed
/// out by its getters, built on first use and dropped by every change.
#[derive(Debug, Default)]
pub struct UsageAllocationHandle {
    allocation: UsageAllocation,
    strings: OnceCell<AllocationStrings>,
}

#[derive(Debug)]
struct AllocationStrings {
    decimal: Option<CString>,
    tags: Vec<(CString, CString)>,
}

impl Clone for UsageAllocationHandle {
    fn clone(&self) -> Self {
        Self::new(self.allocation.clone())
    }
}

impl UsageAllocationHandle {
    pub fn new(allocation: UsageAllocation) -> Self {
        Self {
            allocation,
            strings: OnceCell::new(),
        }
    }

    pub fn allocation(&self) -> &UsageAllocation {
        &self.allocation
    }

    /// Applies a change that either succeeds whole or changes nothing.
    fn edit(&mut self, f: impl FnOnce(&mut UsageAllocation) -> FfiResult<()>) -> FfiResult<()> {
        f(&mut self.allocation)?;
        self.strings.take();
        Ok(())
    }

    fn strings(&self) -> &AllocationStrings {
        self.strings.get_or_init(|| AllocationStrings {
            decimal: self
                .allocation
                .allocated_usage_quantity_as_decimal
                .as_deref()
                .map(to_cstring),
            tags: self
                .allocation
                .tags
                .iter()
                .flatten()
                .map(|t| (to_cstring(&t.key), to_cstring(&t.value)))
                .collect(),
        })
    }
}

/// Appends a copy of an allocation to a request's or record's list (at most
/// `MAX_USAGE_ALLOCATIONS`).
pub(super) fn push_allocation(
    list: &mut Option<Vec<UsageAllocation>>,
    allocation: UsageAllocation,
) -> FfiResult<()> {
    let mut items = list.take().unwrap_or_default();
    let pushed = push_capped(
        &mut items,
        allocation,
        MAX_USAGE_ALLOCATIONS,
        "UsageAllocations",
        "allocations",
    );
    *list = Some(items).filter(|v| !v.is_empty());
    pushed
}

fn edit(
    allocation: *mut mpm_usage_allocation,
    f: impl FnOnce(&mut UsageAllocation) -> FfiResult<()>,
) -> mpm_result {
    update(allocation, "allocation", |h: &mut UsageAllocationHandle| {
        h.edit(f)
    })
}

/// Makes an empty allocation. The returned pointer must be freed with
/// `mpm_usage_allocation_free`.
#[no_mangle]
pub extern "C" fn mpm_usage_allocation_new() -> *mut mpm_usage_allocation {
    ffi_boundary! { to_boxed_ptr::<mpm_usage_allocation>(UsageAllocationHandle::default()) }
}

/// Copies `allocation` into a new handle (NULL if `allocation` is NULL). The caller keeps
/// ownership of `allocation`; the returned pointer must be freed with
/// `mpm_usage_allocation_free`.
#[no_mangle]
pub extern "C" fn mpm_usage_allocation_clone(
    allocation: *const mpm_usage_allocation,
) -> *mut mpm_usage_allocation {
    ffi_boundary! {
        to_ptr(try_ref(allocation, "allocation").map(|a| to_boxed_ptr(a.clone())))
    }
}

/// Frees an allocation made by `mpm_usage_allocation_new` or `_clone`. Copies already added
/// to requests or records are not affected. NULL is a no-op.
#[no_mangle]
pub extern "C" fn mpm_usage_allocation_free(allocation: *mut mpm_usage_allocation) {
    ffi_boundary! { free_boxed(allocation) }
}

/// Sets AllocatedUsageQuantity (0 to 2147483647) and clears AllocatedUsageQuantityAsDecimal.
#[no_mangle]
pub extern "C" fn mpm_usage_allocation_set_allocated_usage_quantity(
    allocation: *mut mpm_usage_allocation,
    quantity: i32,
) -> mpm_result {
    ffi_boundary! {
        let value = checked_i32("AllocatedUsageQuantity", quantity, c::quantity);
        edit(allocation, |a| {
            a.allocated_usage_quantity = Some(value?);
            a.allocated_usage_quantity_as_decimal = None;
            Ok(())
        })
    }
}

/// Sets AllocatedUsageQuantityAsDecimal, a decimal string such as "17.5" (up to 10 integer
/// and 6 fractional digits), and clears AllocatedUsageQuantity. The string is copied.
/// NULL clears AllocatedUsageQuantityAsDecimal and leaves AllocatedUsageQuantity alone.
#[no_mangle]
pub extern "C" fn mpm_usage_allocation_set_allocated_usage_quantity_as_decimal(
    allocation: *mut mpm_usage_allocation,
    quantity: *const c_char,
) -> mpm_result {
    ffi_boundary! {
        let value = optional_checked(
            quantity,
            "AllocatedUsageQuantityAsDecimal",
            c::decimal_quantity,
        );
        edit(allocation, |a| {
            let value = value?;
            if value.is_some() {
                a.allocated_usage_quantity = None;
            }
            a.allocated_usage_quantity_as_decimal = value;
            Ok(())
        })
    }
}

/// Adds a tag (key: 1 to 100 characters, value: 1 to 256, both of letters, digits, spaces
/// and `+-=._:/@`). An allocation holds at most 5 tags: a 6th is refused with
/// MPM_ERR_INVALID_ARGUMENT. Both strings are copied.
#[no_mangle]
pub extern "C" fn mpm_usage_allocation_add_tag(
    allocation: *mut mpm_usage_allocation,
    key: *const c_char,
    value: *const c_char,
) -> mpm_result {
    ffi_boundary! {
        edit(allocation, |a| {
            let index = a.tags.as_ref().map_or(0, Vec::len);
            let key = required_checked(key, &format!("Tags[{index}].Key"), c::tag_key)?;
            let value = required_checked(value, &format!("Tags[{index}].Value"), c::tag_value)?;
            let mut tags = a.tags.take().unwrap_or_default();
            let pushed = push_capped(&mut tags, Tag { key, value }, MAX_TAGS_PER_ALLOCATION, "Tags", "tags");
            a.tags = Some(tags).filter(|t| !t.is_empty());
            pushed
        })
    }
}

/// Whether the allocation meets the model on its own: exactly one quantity form set and valid
/// tags. On false, the last error holds MPM_ERR_INVALID_REQUEST and the reason
/// (MPM_ERR_NULL_ARGUMENT for NULL). Sums against a record are checked by the request.
#[no_mangle]
pub extern "C" fn mpm_usage_allocation_is_valid(allocation: *const mpm_usage_allocation) -> bool {
    ffi_boundary! {
        is_valid(allocation, "allocation", |a: &UsageAllocationHandle| {
            validate_usage_allocation("UsageAllocation", &a.allocation).map(|_| ())
        })
    }
}

/// Writes AllocatedUsageQuantity to `*out` and returns MPM_OK, or MPM_ERR_NOT_SET when it is
/// absent (then `*out` is not written).
#[no_mangle]
pub extern "C" fn mpm_usage_allocation_allocated_usage_quantity(
    allocation: *const mpm_usage_allocation,
    out: *mut i32,
) -> mpm_result {
    ffi_boundary! {
        match try_ref(allocation, "allocation") {
            Ok(a) => number_out(a.allocation.allocated_usage_quantity, "AllocatedUsageQuantity", out),
            Err(e) => e.record(),
        }
    }
}

/// AllocatedUsageQuantityAsDecimal, or NULL when absent (the last error is then
/// MPM_ERR_NOT_SET). The returned string is borrowed and valid until `allocation` is freed or
/// changed.
#[no_mangle]
pub extern "C" fn mpm_usage_allocation_allocated_usage_quantity_as_decimal(
    allocation: *const mpm_usage_allocation,
) -> *const c_char {
    ffi_boundary! {
        to_const_ptr(try_ref(allocation, "allocation").and_then(|a| {
            string_out(a.strings().decimal.as_ref(), "AllocatedUsageQuantityAsDecimal")
        }))
    }
}

/// The number of tags (0 for NULL, with MPM_ERR_NULL_ARGUMENT in the last error).
#[no_mangle]
pub extern "C" fn mpm_usage_allocation_tag_count(allocation: *const mpm_usage_allocation) -> usize {
    ffi_boundary! {
        to_count(try_ref(allocation, "allocation").map(|a| a.strings().tags.len()))
    }
}

fn tag_at(
    allocation: *const mpm_usage_allocation,
    index: usize,
    part: fn(&(CString, CString)) -> &CString,
) -> *const c_char {
    to_const_ptr(try_ref(allocation, "allocation").and_then(|a| {
        let tags = &a.strings().tags;
        let tag = tags
            .get(index)
            .ok_or_else(|| super::index_error("Tags", index, tags.len()))?;
        Ok(part(tag).as_ptr())
    }))
}

/// The key of tag `index` (from 0), or NULL past the end (MPM_ERR_INDEX_OUT_OF_RANGE). The
/// returned string is borrowed and valid until `allocation` is freed or changed.
#[no_mangle]
pub extern "C" fn mpm_usage_allocation_tag_key_at(
    allocation: *const mpm_usage_allocation,
    index: usize,
) -> *const c_char {
    ffi_boundary! { tag_at(allocation, index, |(key, _)| key) }
}

/// The value of tag `index` (from 0), or NULL past the end (MPM_ERR_INDEX_OUT_OF_RANGE). The
/// returned string is borrowed and valid until `allocation` is freed or changed.
#[no_mangle]
pub extern "C" fn mpm_usage_allocation_tag_value_at(
    allocation: *const mpm_usage_allocation,
    index: usize,
) -> *const c_char {
    ffi_boundary! { tag_at(allocation, index, |(_, value)| value) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failed_tag_leaves_tags_unchanged() {
        let a = mpm_usage_allocation_new();
        assert_eq!(
            mpm_usage_allocation_add_tag(a, c"team".as_ptr(), c"blue".as_ptr()),
            mpm_result::MPM_OK
        );
        assert_eq!(
            mpm_usage_allocation_add_tag(a, c"bad\tkey".as_ptr(), c"x".as_ptr()),
            mpm_result::MPM_ERR_INVALID_ARGUMENT
        );
        let h = try_ref::<mpm_usage_allocation>(a, "a").unwrap();
        assert_eq!(h.allocation().tags.as_ref().map(Vec::len), Some(1));
        mpm_usage_allocation_free(a);
    }

    #[test]
    fn empty_tag_list_stays_absent() {
        let mut list = None;
        push_allocation(&mut list, UsageAllocation::default()).unwrap();
        assert_eq!(list.as_ref().map(Vec::len), Some(1));
    }

    #[test]
    fn handle_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<UsageAllocationHandle>();
    }
}
