//! `mpm_outbox_stats`: counts per state and the view of what is coming (plain data).

use super::error::{mpm_result, to_code};
use super::handle::{out_param, try_ref};
use super::outbox::{mpm_outbox, outbox_error};
use super::panic::ffi_boundary;

/// Plain data filled by `mpm_outbox_get_stats`.
#[repr(C)]
#[allow(non_camel_case_types)]
#[derive(Debug, Default, Clone, Copy)]
pub struct mpm_outbox_stats {
    /// Slots still taking usage.
    pub open: u64,
    /// Sealed or being sent.
    pub pending: u64,
    pub accepted: u64,
    pub duplicate: u64,
    pub conflict: u64,
    pub rejected: u64,
    pub expired: u64,
    /// Unix seconds of the oldest hour not yet delivered (open, sealed or sending), 0 if none.
    pub oldest_pending_hour: i64,
    /// Seconds until the first undelivered slot expires, -1 if nothing is pending: watch it
    /// to see an expiry coming (an outage, credentials that stopped working).
    pub seconds_to_first_expiry: i64,
    /// Slots recorded under another machine identity (a store copied from another machine):
    /// never sent.
    pub foreign: u64,
}

/// Fills `*out`. Writes nothing on error.
#[no_mangle]
pub extern "C" fn mpm_outbox_get_stats(
    outbox: *const mpm_outbox,
    out: *mut mpm_outbox_stats,
) -> mpm_result {
    ffi_boundary! {
        to_code((|| {
            let o = try_ref(outbox, "outbox")?;
            let out = out_param(out)?;
            let s = o.stats().map_err(outbox_error)?;
            out.set(mpm_outbox_stats {
                open: s.open,
                pending: s.pending,
                accepted: s.accepted,
                duplicate: s.duplicate,
                conflict: s.conflict,
                rejected: s.rejected,
                expired: s.expired,
                oldest_pending_hour: s.oldest_pending_hour,
                seconds_to_first_expiry: s.seconds_to_first_expiry,
                foreign: s.foreign,
            });
            Ok(())
        })())
    }
}
