//! `mpm_outbox_slot` (one slot: its key, state, quantity, MeteringRecordId) and
//! `mpm_outbox_slot_iter` (the slots of one hour, for reconciliation with AWS's reports).

use std::ffi::{c_char, CString};

use super::handle::{borrow_ptr, free_boxed, impl_castable, try_mut, try_ref};
use super::panic::ffi_boundary;
use super::strings::to_cstring;
use mpmeter_core::outbox::{quantity, SlotView};

/// Slot states (`mpm_outbox_slot_state`). Terminal: ACCEPTED, DUPLICATE, CONFLICT, REJECTED,
/// EXPIRED.
pub const MPM_OUTBOX_STATE_OPEN: u32 = 0;
/// The hour is sealed: its quantity is frozen, waiting to be sent.
pub const MPM_OUTBOX_STATE_SEALED: u32 = 1;
/// Claimed by the sender, on the wire.
pub const MPM_OUTBOX_STATE_SENDING: u32 = 2;
/// AWS took it.
pub const MPM_OUTBOX_STATE_ACCEPTED: u32 = 3;
/// AWS took it; an earlier send of ours whose answer was lost may be the one that counted
/// (billed once either way).
pub const MPM_OUTBOX_STATE_DUPLICATE: u32 = 4;
/// AWS holds another quantity for this hour (DuplicateRecord / DuplicateRequestException).
pub const MPM_OUTBOX_STATE_CONFLICT: u32 = 5;
/// AWS refused it; `mpm_outbox_slot_reason` says why.
pub const MPM_OUTBOX_STATE_REJECTED: u32 = 6;
/// AWS's acceptance window closed before it was delivered.
pub const MPM_OUTBOX_STATE_EXPIRED: u32 = 7;

/// One slot, a snapshot. Methods: `mpm_outbox_slot_product_code`, `_customer`, `_dimension`,
/// `_hour`, `_quantity`, `_state`, `_metering_record_id`, `_reason`, `_attempts`,
/// `_is_foreign`. Borrowed from the iterator or callback that gave it.
#[allow(non_camel_case_types)]
pub struct mpm_outbox_slot {
    _private: [u8; 0],
}

pub struct SlotC {
    view: SlotView,
    product: CString,
    customer: CString,
    dimension: CString,
    quantity: CString,
    metering_record_id: Option<CString>,
    reason: Option<CString>,
}

impl SlotC {
    pub fn new(view: SlotView) -> Self {
        Self {
            product: to_cstring(&view.product),
            customer: to_cstring(&view.customer),
            dimension: to_cstring(&view.dimension),
            quantity: to_cstring(&quantity::format(view.quantity_millionths)),
            metering_record_id: view.metering_record_id.as_deref().map(to_cstring),
            reason: view.reason.as_deref().map(to_cstring),
            view,
        }
    }
}

impl_castable!(mpm_outbox_slot => SlotC);

fn str_getter(
    slot: *const mpm_outbox_slot,
    pick: impl FnOnce(&SlotC) -> Option<&CString>,
) -> *const c_char {
    match try_ref(slot, "slot") {
        Ok(s) => pick(s).map_or(std::ptr::null(), |c| c.as_ptr()),
        Err(e) => {
            e.record();
            std::ptr::null()
        }
    }
}

fn num_getter<T: Default>(slot: *const mpm_outbox_slot, pick: impl FnOnce(&SlotC) -> T) -> T {
    match try_ref(slot, "slot") {
        Ok(s) => pick(s),
        Err(e) => {
            e.record();
            T::default()
        }
    }
}

/// The product code. Borrowed: valid as long as the slot.
#[no_mangle]
pub extern "C" fn mpm_outbox_slot_product_code(slot: *const mpm_outbox_slot) -> *const c_char {
    ffi_boundary! { str_getter(slot, |s| Some(&s.product)) }
}

/// The customer (SaaS mode) or the machine identity (machine mode). Borrowed, as above.
#[no_mangle]
pub extern "C" fn mpm_outbox_slot_customer(slot: *const mpm_outbox_slot) -> *const c_char {
    ffi_boundary! { str_getter(slot, |s| Some(&s.customer)) }
}

/// The dimension. Borrowed, as above.
#[no_mangle]
pub extern "C" fn mpm_outbox_slot_dimension(slot: *const mpm_outbox_slot) -> *const c_char {
    ffi_boundary! { str_getter(slot, |s| Some(&s.dimension)) }
}

/// The quantity as an exact decimal string ("2.5"). Borrowed, as above.
#[no_mangle]
pub extern "C" fn mpm_outbox_slot_quantity(slot: *const mpm_outbox_slot) -> *const c_char {
    ffi_boundary! { str_getter(slot, |s| Some(&s.quantity)) }
}

/// AWS's MeteringRecordId once accepted; NULL before (or for a NULL slot).
#[no_mangle]
pub extern "C" fn mpm_outbox_slot_metering_record_id(
    slot: *const mpm_outbox_slot,
) -> *const c_char {
    ffi_boundary! { str_getter(slot, |s| s.metering_record_id.as_ref()) }
}

/// Why it was rejected, conflicted or expired (AWS's code and message); NULL otherwise.
#[no_mangle]
pub extern "C" fn mpm_outbox_slot_reason(slot: *const mpm_outbox_slot) -> *const c_char {
    ffi_boundary! { str_getter(slot, |s| s.reason.as_ref()) }
}

/// The hour (Unix seconds of its start): also the timestamp sent. 0 for a NULL slot.
#[no_mangle]
pub extern "C" fn mpm_outbox_slot_hour(slot: *const mpm_outbox_slot) -> i64 {
    ffi_boundary! { num_getter(slot, |s| s.view.hour) }
}

/// The state, an MPM_OUTBOX_STATE_ value (0 for a NULL slot).
#[no_mangle]
pub extern "C" fn mpm_outbox_slot_state(slot: *const mpm_outbox_slot) -> u32 {
    ffi_boundary! { num_getter(slot, |s| s.view.state as u32) }
}

/// How many times it was sent.
#[no_mangle]
pub extern "C" fn mpm_outbox_slot_attempts(slot: *const mpm_outbox_slot) -> u32 {
    ffi_boundary! { num_getter(slot, |s| s.view.attempts as u32) }
}

/// True when it was recorded under another machine identity (the store was copied from
/// another machine): it is reported and never sent.
#[no_mangle]
pub extern "C" fn mpm_outbox_slot_is_foreign(slot: *const mpm_outbox_slot) -> bool {
    ffi_boundary! { num_getter(slot, |s| s.view.foreign) }
}

/// The slots of one hour, a snapshot taken by `mpm_outbox_slots_of_hour`. Methods:
/// `mpm_outbox_slot_iter_count`, `_next`, `_free`.
#[allow(non_camel_case_types)]
pub struct mpm_outbox_slot_iter {
    _private: [u8; 0],
}

pub struct SlotIter {
    pub slots: Vec<SlotC>,
    pub next: usize,
}

impl_castable!(mpm_outbox_slot_iter => SlotIter);

/// How many slots the snapshot holds (0 for NULL).
#[no_mangle]
pub extern "C" fn mpm_outbox_slot_iter_count(iter: *const mpm_outbox_slot_iter) -> usize {
    ffi_boundary! {
        match try_ref(iter, "iter") {
            Ok(i) => i.slots.len(),
            Err(e) => { e.record(); 0 }
        }
    }
}

/// The next slot, or NULL after the last (the last error stays MPM_OK then). The slot is
/// borrowed: valid until the iterator is freed.
#[no_mangle]
pub extern "C" fn mpm_outbox_slot_iter_next(
    iter: *mut mpm_outbox_slot_iter,
) -> *const mpm_outbox_slot {
    ffi_boundary! {
        match try_mut(iter, "iter") {
            Ok(i) => match i.slots.get(i.next) {
                Some(s) => {
                    i.next += 1;
                    borrow_ptr::<mpm_outbox_slot>(s)
                }
                None => std::ptr::null(),
            },
            Err(e) => { e.record(); std::ptr::null() }
        }
    }
}

/// Frees the iterator and every slot it gave. NULL is a no-op.
#[no_mangle]
pub extern "C" fn mpm_outbox_slot_iter_free(iter: *mut mpm_outbox_slot_iter) {
    ffi_boundary! { free_boxed(iter) }
}

// The C values are the core's stored values.
const _: () = {
    use mpmeter_core::outbox::SlotState as S;
    assert!(MPM_OUTBOX_STATE_OPEN == S::Open as u32 && MPM_OUTBOX_STATE_SEALED == S::Sealed as u32);
    assert!(
        MPM_OUTBOX_STATE_SENDING == S::Sending as u32
            && MPM_OUTBOX_STATE_ACCEPTED == S::Accepted as u32
    );
    assert!(
        MPM_OUTBOX_STATE_DUPLICATE == S::Duplicate as u32
            && MPM_OUTBOX_STATE_CONFLICT == S::Conflict as u32
    );
    assert!(
        MPM_OUTBOX_STATE_REJECTED == S::Rejected as u32
            && MPM_OUTBOX_STATE_EXPIRED == S::Expired as u32
    );
};
