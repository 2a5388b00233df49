//! The outbox's C API as a C program sees it (the names of ../shared/design/OUTBOX.md), declared
//! here and resolved against the library's exported symbols, so the proof drives exactly the
//! functions a C caller links.
#![allow(non_camel_case_types, dead_code)]

use std::ffi::{c_char, c_int, c_void};

pub type mpm_outbox = c_void;
pub type mpm_outbox_options = c_void;

pub const MPM_OK: c_int = 0;

#[repr(C)]
#[derive(Debug, Default, Clone, Copy)]
pub struct mpm_outbox_stats {
    pub open: u64,
    pub pending: u64,
    pub accepted: u64,
    pub duplicate: u64,
    pub conflict: u64,
    pub rejected: u64,
    pub expired: u64,
    pub oldest_pending_hour: i64,
    pub seconds_to_first_expiry: i64,
    /// Room for fields the library adds after these (it fills only what it knows).
    pub _more: [u64; 16],
}

pub type ClockFn = extern "C" fn(*mut c_void) -> i64;

extern "C" {
    pub fn mpm_outbox_options_new() -> *mut mpm_outbox_options;
    pub fn mpm_outbox_options_free(options: *mut mpm_outbox_options);
    pub fn mpm_outbox_options_set_product_code(
        options: *mut mpm_outbox_options,
        code: *const c_char,
    ) -> c_int;
    pub fn mpm_outbox_options_set_sqlite_vfs(
        options: *mut mpm_outbox_options,
        name: *const c_char,
    ) -> c_int;
    pub fn mpm_outbox_options_set_clock(
        options: *mut mpm_outbox_options,
        now_unix_ms: Option<ClockFn>,
        userdata: *mut c_void,
    ) -> c_int;
    pub fn mpm_outbox_open(
        client: *const c_void,
        store: *const c_char,
        options: *const mpm_outbox_options,
    ) -> *mut mpm_outbox;
    pub fn mpm_outbox_record(
        outbox: *mut mpm_outbox,
        customer: *const c_char,
        dimension: *const c_char,
        usage_time: i64,
        quantity: *const c_char,
        event_id: *const c_char,
    ) -> c_int;
    pub fn mpm_outbox_flush(outbox: *mut mpm_outbox, timeout_ms: i64) -> c_int;
    pub fn mpm_outbox_get_stats(outbox: *const mpm_outbox, out: *mut mpm_outbox_stats) -> c_int;
    pub fn mpm_outbox_close(outbox: *mut mpm_outbox, timeout_ms: i64) -> c_int;
    pub fn mpm_outbox_free(outbox: *mut mpm_outbox);
}
