//! The outbox's C API as a C program sees it (the names of ../shared/design/OUTBOX.md), declared
//! here and resolved against the library's exported symbols, so the proof drives exactly the
//! functions a C caller links.
#![allow(non_camel_case_types, dead_code)]

use std::ffi::{c_char, c_int, c_void};

pub type mpm_outbox = c_void;
pub type mpm_outbox_options = c_void;

pub const MPM_OK: c_int = 0;
/// The wait ran out (flush, close); the work goes on.
pub const MPM_ERR_WAIT_TIMEOUT: c_int = 9;

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
    pub foreign: u64,
    /// Room for fields the library adds after these (it fills only what it knows).
    pub _more: [u64; 15],
}

pub type ClockFn = extern "C" fn(*mut c_void) -> i64;
pub type mpm_outbox_slot = c_void;
pub type mpm_outbox_slot_iter = c_void;
pub type SlotFn = extern "C" fn(*const mpm_outbox_slot, *mut c_void);

pub const MPM_OUTBOX_MODE_MACHINE: u32 = 1;

pub const MPM_OUTBOX_STATE_ACCEPTED: u32 = 3;
pub const MPM_OUTBOX_STATE_DUPLICATE: u32 = 4;
pub const MPM_OUTBOX_STATE_CONFLICT: u32 = 5;
pub const MPM_OUTBOX_STATE_EXPIRED: u32 = 7;

extern "C" {
    pub fn mpm_last_error_message() -> *const c_char;
    pub fn mpm_credentials_new_basic(
        akid: *const c_char,
        secret: *const c_char,
        token: *const c_char,
    ) -> *mut c_void;
    pub fn mpm_credentials_free(c: *mut c_void);
    pub fn mpm_client_new_with_endpoint(
        url: *const c_char,
        credentials: *const c_void,
    ) -> *mut c_void;
    pub fn mpm_client_free(client: *mut c_void);
    pub fn mpm_outbox_options_new() -> *mut mpm_outbox_options;
    pub fn mpm_outbox_options_free(options: *mut mpm_outbox_options);
    pub fn mpm_outbox_options_set_product_code(
        options: *mut mpm_outbox_options,
        code: *const c_char,
    ) -> c_int;
    pub fn mpm_outbox_options_set_mode(options: *mut mpm_outbox_options, mode: u32) -> c_int;
    pub fn mpm_outbox_options_set_machine_identity(
        options: *mut mpm_outbox_options,
        identity: *const c_char,
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
    pub fn mpm_outbox_options_set_on_terminal(
        options: *mut mpm_outbox_options,
        callback: Option<SlotFn>,
        userdata: *mut c_void,
    ) -> c_int;
    pub fn mpm_outbox_slot_state(slot: *const mpm_outbox_slot) -> u32;
    pub fn mpm_outbox_slot_hour(slot: *const mpm_outbox_slot) -> i64;
    pub fn mpm_outbox_slot_customer(slot: *const mpm_outbox_slot) -> *const c_char;
    pub fn mpm_outbox_slot_dimension(slot: *const mpm_outbox_slot) -> *const c_char;
    pub fn mpm_outbox_slot_quantity(slot: *const mpm_outbox_slot) -> *const c_char;
    pub fn mpm_outbox_slot_metering_record_id(slot: *const mpm_outbox_slot) -> *const c_char;
    pub fn mpm_outbox_slot_is_foreign(slot: *const mpm_outbox_slot) -> bool;
    pub fn mpm_outbox_slots_of_hour(
        outbox: *const mpm_outbox,
        hour: i64,
    ) -> *mut mpm_outbox_slot_iter;
    pub fn mpm_outbox_slot_iter_next(iter: *mut mpm_outbox_slot_iter) -> *const mpm_outbox_slot;
    pub fn mpm_outbox_slot_iter_free(iter: *mut mpm_outbox_slot_iter);
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

/// The thread's last error message.
pub fn last_message() -> String {
    let p = unsafe { mpm_last_error_message() };
    if p.is_null() {
        String::new()
    } else {
        unsafe { std::ffi::CStr::from_ptr(p) }
            .to_string_lossy()
            .into_owned()
    }
}

/// A client of the emulator at `url` with its default credentials.
pub fn client_for(url: &str) -> *mut c_void {
    client_with_key(url, super::emulator_support::ACCESS_KEY)
}

/// A client of the emulator at `url` signing with `access_key` (the emulator, as AWS, keys
/// MeterUsage by the caller: one key per machine).
pub fn client_with_key(url: &str, access_key: &str) -> *mut c_void {
    let c = |s: &str| std::ffi::CString::new(s).unwrap();
    unsafe {
        let creds = mpm_credentials_new_basic(
            c(access_key).as_ptr(),
            c(super::emulator_support::SECRET_KEY).as_ptr(),
            std::ptr::null(),
        );
        assert!(!creds.is_null(), "{}", last_message());
        let client = mpm_client_new_with_endpoint(c(url).as_ptr(), creds);
        mpm_credentials_free(creds);
        assert!(!client.is_null(), "{}", last_message());
        client
    }
}

/// Opens an outbox of demo-product at `store` on the simulated clock, delivering through
/// `client`; `more` sets the other options. On failure, the library's message.
pub fn open_outbox(
    client: *mut c_void,
    store: &std::path::Path,
    clock: &crate::sim::SharedClock,
    more: impl FnOnce(*mut mpm_outbox_options),
) -> Result<*mut mpm_outbox, String> {
    let c = |s: &str| std::ffi::CString::new(s).unwrap();
    unsafe {
        let o = mpm_outbox_options_new();
        assert_eq!(
            mpm_outbox_options_set_product_code(o, c("demo-product").as_ptr()),
            MPM_OK
        );
        assert_eq!(
            mpm_outbox_options_set_clock(o, Some(crate::sim::clock_callback), clock.as_userdata()),
            MPM_OK
        );
        more(o);
        let ob = mpm_outbox_open(client, c(&store.display().to_string()).as_ptr(), o);
        // Read before mpm_outbox_options_free, which clears the thread's last error.
        let err = ob.is_null().then(last_message);
        mpm_outbox_options_free(o);
        match err {
            None => Ok(ob),
            Some(m) => Err(m),
        }
    }
}

/// A borrowed C string as Rust, None for NULL.
pub fn rs(p: *const c_char) -> Option<String> {
    (!p.is_null()).then(|| {
        unsafe { std::ffi::CStr::from_ptr(p) }
            .to_string_lossy()
            .into_owned()
    })
}
