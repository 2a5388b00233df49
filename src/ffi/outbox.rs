//! `mpm_outbox`: the durable outbox (OUTBOX.md). Usage recorded here is committed to a local
//! store before the call returns and delivered in the background on the library's runtime;
//! every slot ends in one terminal state, reported by callback and queries.

use std::ffi::c_char;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use super::client::mpm_client;
use super::error::{mpm_result, to_code, to_ptr, FfiError, FfiResult};
use super::handle::{free_boxed, impl_castable, to_boxed_ptr, try_ref};
use super::outbox_event::{mpm_outbox_event, to_event};
use super::outbox_options::mpm_outbox_options;
use super::outbox_slot::{mpm_outbox_slot_iter, SlotC, SlotIter};
use super::panic::ffi_boundary;
use super::strings::{optional_str, required_str};
use crate::{outbox_crash, runtime};
use mpmeter_core::outbox::{identity, Mode, Options, Outbox, OutboxError};

/// An open outbox. Safe to use from any thread. Methods: `mpm_outbox_open`, `_record`,
/// `_record_batch`, `_flush`, `_seal_now`, `_get_stats`, `mpm_outbox_slots_of_hour`,
/// `_close`, `_free`.
#[allow(non_camel_case_types)]
pub struct mpm_outbox {
    _private: [u8; 0],
}

impl_castable!(mpm_outbox => Outbox);

/// How long open waits for the metadata services in machine mode without an identity.
const IDENTITY_TIMEOUT: Duration = Duration::from_millis(500);
/// At most this many events in one `mpm_outbox_record_batch`.
const MAX_BATCH: usize = 100_000;

pub(crate) fn outbox_error(e: OutboxError) -> FfiError {
    let code = match &e {
        OutboxError::InvalidArgument(_) => mpm_result::MPM_ERR_INVALID_ARGUMENT,
        OutboxError::Store(_) => mpm_result::MPM_ERR_STORE,
        OutboxError::Locked(_) => mpm_result::MPM_ERR_STORE_LOCKED,
        OutboxError::Late(_) => mpm_result::MPM_ERR_LATE_USAGE,
        OutboxError::Closed => mpm_result::MPM_ERR_OUTBOX_CLOSED,
        OutboxError::Identity(_) => mpm_result::MPM_ERR_MACHINE_IDENTITY,
        OutboxError::TimedOut(_) => mpm_result::MPM_ERR_WAIT_TIMEOUT,
    };
    FfiError::new(code, e.to_string())
}

fn not_on_worker(what: &str) -> FfiResult<()> {
    if runtime::on_worker_thread() {
        return Err(FfiError::new(
            mpm_result::MPM_ERR_WOULD_DEADLOCK,
            format!("{what} blocks and cannot run on a library runtime thread"),
        ));
    }
    Ok(())
}

fn timeout(ms: i64) -> FfiResult<Option<Duration>> {
    match ms {
        -1 => Ok(None),
        ms if ms >= 0 => Ok(Some(Duration::from_millis(ms as u64))),
        ms => Err(FfiError::new(
            mpm_result::MPM_ERR_INVALID_ARGUMENT,
            format!("timeout_ms must be -1 (no limit) or >= 0 (got {ms})"),
        )),
    }
}

fn open(
    client: *const mpm_client,
    store: *const c_char,
    options: *const mpm_outbox_options,
) -> FfiResult<*mut mpm_outbox> {
    let client = try_ref(client, "client")?.clone();
    let store = required_str(store, "store")?;
    let postgres = store.starts_with("postgres://") || store.starts_with("postgresql://");
    #[cfg(not(feature = "postgres"))]
    if postgres {
        return Err(FfiError::new(
            mpm_result::MPM_ERR_INVALID_ARGUMENT,
            "a PostgreSQL store (fleet mode) needs a library built with the `postgres` feature; give a file path",
        ));
    }
    if store.is_empty() {
        return Err(FfiError::new(
            mpm_result::MPM_ERR_INVALID_ARGUMENT,
            "store must be a file path",
        ));
    }
    let mut opts: Options = if options.is_null() {
        Options::default()
    } else {
        try_ref(options, "options")?.clone()
    };
    opts.crash_hook = outbox_crash::from_env()
        .map_err(|m| FfiError::new(mpm_result::MPM_ERR_INVALID_ARGUMENT, m))?;
    // Only on the test VFS path (mpm_outbox_options_set_sqlite_vfs): a production process
    // never gives up synchronous=FULL, whatever its environment says.
    opts.sqlite_synchronous = if opts.sqlite_vfs.is_some() {
        outbox_crash::synchronous_from_env()
    } else {
        2
    };
    let rt = runtime::get().map_err(|m| FfiError::new(mpm_result::MPM_ERR_RUNTIME, m))?;
    #[cfg(feature = "postgres")]
    if postgres {
        // Connecting and migrating block the caller on the runtime's threads.
        not_on_worker("mpm_outbox_open of a PostgreSQL store")?;
        let outbox = Outbox::open_postgres(&store, opts, Arc::new(client), rt.handle())
            .map_err(outbox_error)?;
        return Ok(to_boxed_ptr(outbox));
    }
    if opts.mode == Mode::Machine && opts.machine_identity.is_none() {
        not_on_worker("mpm_outbox_open (asking the metadata services for the machine identity)")?;
        let id = rt.block_on(identity::detect(IDENTITY_TIMEOUT)).map_err(|m| {
            FfiError::new(
                mpm_result::MPM_ERR_MACHINE_IDENTITY,
                format!("machine mode: no machine identity ({m}); set one with mpm_outbox_options_set_machine_identity"),
            )
        })?;
        opts.machine_identity = Some(id);
    }
    let outbox = Outbox::open(Path::new(&store), opts, Arc::new(client), rt.handle())
        .map_err(outbox_error)?;
    Ok(to_boxed_ptr(outbox))
}

/// Opens or creates the outbox store `store`, checks its settings and schema, resumes every
/// unfinished slot and starts delivering through `client` (its region, endpoint, credentials
/// and retry policy; the outbox keeps its own reference). `store` is a file path (embedded
/// SQLite on a local disk, not NFS; one process per file, a second open is refused with
/// MPM_ERR_STORE_LOCKED) or a `postgres://user:password@host:port/database` URL (fleet mode,
/// SaaS only: any number of processes share it; its tables are in the schema `mpmeter`, or
/// the URL's `schema=NAME`; TLS by the URL's `sslmode`; the password appears in no message).
/// A PostgreSQL store connects before this returns (at most about 5 s when the server does
/// not answer), so it must not be called on a library runtime thread.
/// `options` is copied; NULL means the defaults, which lack the required product code.
/// Returns quickly and never waits for the network, except in machine mode without
/// `mpm_outbox_options_set_machine_identity`, where it asks the metadata services (at most
/// about 1.5 s). The returned pointer must be freed with `mpm_outbox_free`; NULL on error.
///
/// For testing only: MPM_OUTBOX_CRASH_AT=after_commit|after_claim|after_send[:N] in the
/// environment makes the process SIGKILL itself the Nth time it passes that point, and
/// MPM_OUTBOX_TEST_SYNCHRONOUS=NORMAL gives up synchronous=FULL (and with it durability) when
/// a test VFS is set (mpm_outbox_options_set_sqlite_vfs), and only then.
#[no_mangle]
pub extern "C" fn mpm_outbox_open(
    client: *const mpm_client,
    store: *const c_char,
    options: *const mpm_outbox_options,
) -> *mut mpm_outbox {
    ffi_boundary! { to_ptr(open(client, store, options)) }
}

/// Records usage; returns MPM_OK only once it is committed to the store (it survives kill -9
/// and, on a disk that honours fsync, a power cut). Never touches the network. `customer`: a
/// CustomerIdentifier or a 12-digit CustomerAWSAccountId (SaaS mode), NULL in machine mode.
/// `quantity`: a decimal string with at most 6 fraction digits. `usage_time`: Unix seconds,
/// selecting the hour (not a future hour). `event_id`: NULL, or the caller's key: recording
/// it again returns MPM_OK and counts nothing. Usage for an hour whose slot is already sealed
/// goes into the current hour (same month) or is refused with MPM_ERR_LATE_USAGE, by policy.
/// Threads calling at once share one fsync. All strings are copied.
#[no_mangle]
pub extern "C" fn mpm_outbox_record(
    outbox: *mut mpm_outbox,
    customer: *const c_char,
    dimension: *const c_char,
    usage_time: i64,
    quantity: *const c_char,
    event_id: *const c_char,
) -> mpm_result {
    ffi_boundary! {
        to_code((|| {
            let o = try_ref(outbox, "outbox")?;
            let e = to_event(customer, dimension, usage_time, quantity, event_id)?;
            o.record(&e).map(drop).map_err(outbox_error)
        })())
    }
}

/// Records `count` events in one transaction: all of them or, on any error (which names the
/// event), none. The events and their strings are only read. At most 100000 events a call.
#[no_mangle]
pub extern "C" fn mpm_outbox_record_batch(
    outbox: *mut mpm_outbox,
    events: *const mpm_outbox_event,
    count: usize,
) -> mpm_result {
    ffi_boundary! {
        to_code((|| {
            let o = try_ref(outbox, "outbox")?;
            if count == 0 {
                return Ok(());
            }
            if events.is_null() {
                return Err(FfiError::new(mpm_result::MPM_ERR_NULL_ARGUMENT, "events must not be NULL when count > 0"));
            }
            if count > MAX_BATCH {
                return Err(FfiError::new(mpm_result::MPM_ERR_INVALID_ARGUMENT, format!("at most {MAX_BATCH} events a call (got {count})")));
            }
            // SAFETY: the caller passes an array of `count` events.
            let slice = unsafe { std::slice::from_raw_parts(events, count) };
            let evs = slice.iter().enumerate().map(|(i, e)| e.to_event(i)).collect::<FfiResult<Vec<_>>>()?;
            o.record_batch(&evs).map(drop).map_err(outbox_error)
        })())
    }
}

/// Seals every hour that is over, sends every slot that is due, and waits until none is
/// pending or `timeout_ms` passes (-1: no limit). MPM_OK when nothing due is left pending;
/// MPM_ERR_WAIT_TIMEOUT otherwise (delivery goes on; see `mpm_outbox_get_stats`). Not on a
/// library runtime thread (MPM_ERR_WOULD_DEADLOCK).
#[no_mangle]
pub extern "C" fn mpm_outbox_flush(outbox: *mut mpm_outbox, timeout_ms: i64) -> mpm_result {
    ffi_boundary! {
        to_code((|| {
            let o = try_ref(outbox, "outbox")?;
            let t = timeout(timeout_ms)?;
            not_on_worker("mpm_outbox_flush")?;
            o.flush(t).map_err(outbox_error)
        })())
    }
}

/// Seals now every open slot of `customer` (SaaS mode; NULL: of every customer), or of this
/// machine (machine mode; `customer` ignored), the current hour included, and starts sending
/// them: for a customer who leaves or a machine that shuts down. Later usage for those hours
/// is late usage. `customer` is copied.
#[no_mangle]
pub extern "C" fn mpm_outbox_seal_now(
    outbox: *mut mpm_outbox,
    customer: *const c_char,
) -> mpm_result {
    ffi_boundary! {
        to_code((|| {
            let o = try_ref(outbox, "outbox")?;
            let c = optional_str(customer, "customer")?;
            o.seal_now(c.as_deref()).map(drop).map_err(outbox_error)
        })())
    }
}

/// A snapshot of every slot of the hour holding `hour` (Unix seconds), with state, quantity
/// and MeteringRecordId, for reconciliation. The returned pointer must be freed with
/// `mpm_outbox_slot_iter_free`; NULL on error.
#[no_mangle]
pub extern "C" fn mpm_outbox_slots_of_hour(
    outbox: *const mpm_outbox,
    hour: i64,
) -> *mut mpm_outbox_slot_iter {
    ffi_boundary! {
        to_ptr((|| {
            let o = try_ref(outbox, "outbox")?;
            let slots = o.slots_of_hour(hour).map_err(outbox_error)?;
            Ok(to_boxed_ptr::<mpm_outbox_slot_iter>(SlotIter {
                slots: slots.into_iter().map(SlotC::new).collect(),
                next: 0,
            }))
        })())
    }
}

/// Stops delivering within `timeout_ms` (-1: no limit; a request still on the wire then is
/// abandoned, its slots resent by the next open) and closes the store, releasing it for the
/// next process. What is not delivered stays in the store. Terminal callbacks already due
/// are delivered before it returns; none starts afterwards. Later calls on this outbox
/// return MPM_ERR_OUTBOX_CLOSED. Not on a library runtime thread. It must still be freed.
#[no_mangle]
pub extern "C" fn mpm_outbox_close(outbox: *mut mpm_outbox, timeout_ms: i64) -> mpm_result {
    ffi_boundary! {
        to_code((|| {
            let o = try_ref(outbox, "outbox")?;
            let t = timeout(timeout_ms)?;
            not_on_worker("mpm_outbox_close")?;
            o.close(t.unwrap_or(Duration::from_secs(365 * 86_400)));
            Ok(())
        })())
    }
}

/// Closes the outbox at once if it is open (as `mpm_outbox_close(outbox, 0)`) and frees it.
/// Nothing recorded is lost. NULL is a no-op. No other thread may use it meanwhile.
#[no_mangle]
pub extern "C" fn mpm_outbox_free(outbox: *mut mpm_outbox) {
    ffi_boundary! { free_boxed(outbox) }
}
