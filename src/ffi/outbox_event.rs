//! `mpm_outbox_event`: one usage event as plain data, for `mpm_outbox_record_batch`.

use std::ffi::c_char;

use super::error::{FfiError, FfiResult};
use super::strings::{optional_str, required_str};
use mpmeter_core::outbox::Event;

/// One event, plain data the caller owns (nothing is kept after the call): the arguments of
/// `mpm_outbox_record` in a struct. `customer` NULL in machine mode; `event_id` NULL or the
/// caller's key for the event.
#[repr(C)]
#[allow(non_camel_case_types)]
pub struct mpm_outbox_event {
    pub customer: *const c_char,
    pub dimension: *const c_char,
    pub usage_time: i64,
    pub quantity: *const c_char,
    pub event_id: *const c_char,
}

/// Copies the event's strings, naming the event in any error.
pub fn to_event(
    customer: *const c_char,
    dimension: *const c_char,
    usage_time: i64,
    quantity: *const c_char,
    event_id: *const c_char,
) -> FfiResult<Event> {
    Ok(Event {
        customer: optional_str(customer, "customer")?,
        dimension: required_str(dimension, "dimension")?,
        usage_time,
        quantity: required_str(quantity, "quantity")?,
        event_id: optional_str(event_id, "event_id")?,
    })
}

impl mpm_outbox_event {
    pub fn to_event(&self, index: usize) -> FfiResult<Event> {
        to_event(
            self.customer,
            self.dimension,
            self.usage_time,
            self.quantity,
            self.event_id,
        )
        .map_err(|e| FfiError::new(e.code, format!("events[{index}]: {}", e.message)))
    }
}
