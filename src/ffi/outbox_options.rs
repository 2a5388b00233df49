//! `mpm_outbox_options`: the builder of an outbox's settings, like `mpm_config` for a client.

use std::ffi::{c_char, c_void};
use std::sync::Arc;

use super::error::{mpm_result, to_code, to_ptr, FfiError, FfiResult};
use super::handle::{free_boxed, impl_castable, to_boxed_ptr, try_mut};
use super::outbox::outbox_error;
use super::outbox_slot::{mpm_outbox_slot, SlotC};
use super::panic::ffi_boundary;
use super::strings::required_str;
use mpmeter_core::outbox::{Clock, LatePolicy, Mode, Options, SlotView};

/// SaaS mode: BatchMeterUsage, usage per customer (the default).
pub const MPM_OUTBOX_MODE_SAAS: u32 = 0;
/// Machine mode: MeterUsage from this EC2 instance / ECS task / EKS pod.
pub const MPM_OUTBOX_MODE_MACHINE: u32 = 1;
/// Late usage (for a slot already sealed) goes into the current hour's slot, same month only;
/// the store keeps the link (the default).
pub const MPM_OUTBOX_LATE_ROLL_INTO_CURRENT_HOUR: u32 = 0;
/// Late usage is refused by `mpm_outbox_record` with MPM_ERR_LATE_USAGE.
pub const MPM_OUTBOX_LATE_REFUSE: u32 = 1;

/// The clock callback of `mpm_outbox_options_set_clock`: the current time in Unix ms.
#[allow(non_camel_case_types)]
pub type mpm_outbox_clock_fn = Option<extern "C" fn(userdata: *mut c_void) -> i64>;
/// The terminal-state callback: `slot` is borrowed for the call only.
#[allow(non_camel_case_types)]
pub type mpm_outbox_slot_fn =
    Option<extern "C" fn(slot: *const mpm_outbox_slot, userdata: *mut c_void)>;

/// Settings for `mpm_outbox_open`. Methods: `mpm_outbox_options_new`, `_free`, `_set_mode`,
/// `_set_product_code`, `_set_seal_delay`, `_set_late_policy`, `_set_max_requests_per_second`,
/// `_set_machine_identity`, `_set_on_terminal`, `_set_postgres_schema`, `_set_lease_seconds`,
/// and for testing `_set_sqlite_vfs`,
/// `_set_clock`. Not for use from two threads at once.
#[allow(non_camel_case_types)]
pub struct mpm_outbox_options {
    _private: [u8; 0],
}

impl_castable!(mpm_outbox_options => Options);

struct CClock {
    f: extern "C" fn(*mut c_void) -> i64,
    userdata: usize,
}

impl Clock for CClock {
    fn now_ms(&self) -> i64 {
        (self.f)(self.userdata as *mut c_void)
    }
}

/// Makes options with the defaults: SaaS mode, no product code (required), sealing 300 s after
/// an hour ends, late usage rolled into the current hour, 10 requests a second. The returned
/// pointer must be freed with `mpm_outbox_options_free`.
#[no_mangle]
pub extern "C" fn mpm_outbox_options_new() -> *mut mpm_outbox_options {
    ffi_boundary! { to_ptr::<mpm_outbox_options>(Ok(to_boxed_ptr(Options::default()))) }
}

/// Frees options. NULL is a no-op. An outbox opened with them keeps its own copy.
#[no_mangle]
pub extern "C" fn mpm_outbox_options_free(options: *mut mpm_outbox_options) {
    ffi_boundary! { free_boxed(options) }
}

fn set(
    options: *mut mpm_outbox_options,
    f: impl FnOnce(&mut Options) -> FfiResult<()>,
) -> mpm_result {
    to_code(try_mut(options, "options").and_then(f))
}

fn invalid(msg: String) -> FfiError {
    FfiError::new(mpm_result::MPM_ERR_INVALID_ARGUMENT, msg)
}

/// Sets the mode: MPM_OUTBOX_MODE_SAAS or MPM_OUTBOX_MODE_MACHINE.
#[no_mangle]
pub extern "C" fn mpm_outbox_options_set_mode(
    options: *mut mpm_outbox_options,
    mode: u32,
) -> mpm_result {
    ffi_boundary! {
        set(options, |o| {
            o.mode = match mode {
                MPM_OUTBOX_MODE_SAAS => Mode::Saas,
                MPM_OUTBOX_MODE_MACHINE => Mode::Machine,
                _ => return Err(FfiError::new(mpm_result::MPM_ERR_UNKNOWN_ENUM, format!("outbox mode {mode} is not an MPM_OUTBOX_MODE_ value"))),
            };
            Ok(())
        })
    }
}

/// Sets the product code every slot is sent for (required; copied).
#[no_mangle]
pub extern "C" fn mpm_outbox_options_set_product_code(
    options: *mut mpm_outbox_options,
    code: *const c_char,
) -> mpm_result {
    ffi_boundary! {
        set(options, |o| {
            let c = required_str(code, "code")?;
            if c.is_empty() || c.len() > 255 {
                return Err(invalid("the product code must be 1 to 255 bytes".into()));
            }
            o.product_code = Some(c);
            Ok(())
        })
    }
}

/// Seals an hour `seconds` after it ends (0 to 86400; default 300), so a source that reports
/// a little late still counts in its own hour.
#[no_mangle]
pub extern "C" fn mpm_outbox_options_set_seal_delay(
    options: *mut mpm_outbox_options,
    seconds: i64,
) -> mpm_result {
    ffi_boundary! {
        set(options, |o| {
            if !(0..=86_400).contains(&seconds) {
                return Err(invalid(format!("the seal delay must be 0 to 86400 seconds (got {seconds})")));
            }
            o.seal_delay_seconds = seconds;
            Ok(())
        })
    }
}

/// Sets the late-usage policy: MPM_OUTBOX_LATE_ROLL_INTO_CURRENT_HOUR or MPM_OUTBOX_LATE_REFUSE.
#[no_mangle]
pub extern "C" fn mpm_outbox_options_set_late_policy(
    options: *mut mpm_outbox_options,
    policy: u32,
) -> mpm_result {
    ffi_boundary! {
        set(options, |o| {
            o.late_policy = match policy {
                MPM_OUTBOX_LATE_ROLL_INTO_CURRENT_HOUR => LatePolicy::RollIntoCurrentHour,
                MPM_OUTBOX_LATE_REFUSE => LatePolicy::Refuse,
                _ => return Err(FfiError::new(mpm_result::MPM_ERR_UNKNOWN_ENUM, format!("late policy {policy} is not an MPM_OUTBOX_LATE_ value"))),
            };
            Ok(())
        })
    }
}

/// At most `n` requests a second (1 to 1000; default 10, AWS's limit per account and region).
#[no_mangle]
pub extern "C" fn mpm_outbox_options_set_max_requests_per_second(
    options: *mut mpm_outbox_options,
    n: u32,
) -> mpm_result {
    ffi_boundary! {
        set(options, |o| {
            if !(1..=1000).contains(&n) {
                return Err(invalid(format!("the rate limit must be 1 to 1000 requests a second (got {n})")));
            }
            o.max_requests_per_second = f64::from(n);
            Ok(())
        })
    }
}

/// Fleet mode (a postgres:// store): the schema of the outbox's tables (copied; 1 to 63
/// lower-case letters, digits or `_`, not starting with a digit or `pg_`; default "mpmeter";
/// a `schema=` in the URL wins). A library built without the `postgres` feature refuses it.
#[no_mangle]
pub extern "C" fn mpm_outbox_options_set_postgres_schema(
    options: *mut mpm_outbox_options,
    schema: *const c_char,
) -> mpm_result {
    ffi_boundary! {
        set(options, |o| {
            let schema = required_str(schema, "schema")?;
            check_postgres_schema(&schema)?;
            o.postgres_schema = Some(schema);
            Ok(())
        })
    }
}

#[cfg(feature = "postgres")]
fn check_postgres_schema(schema: &str) -> FfiResult<()> {
    mpmeter_core::outbox::store::postgres::check_schema(schema).map_err(outbox_error)
}

#[cfg(not(feature = "postgres"))]
fn check_postgres_schema(schema: &str) -> FfiResult<()> {
    Err(invalid(format!(
        "schema {}: this library is built without the postgres feature",
        mpmeter_core::quote::quote(schema)
    )))
}

/// Fleet mode (a postgres:// store): how long the slots this process claimed stay its own
/// without a renewal, 5 to 3600 real seconds (default 30); renewed every third of it while
/// a request runs, and resumed by another process once it passed (a process killed or
/// stopped mid-request).
#[no_mangle]
pub extern "C" fn mpm_outbox_options_set_lease_seconds(
    options: *mut mpm_outbox_options,
    seconds: i64,
) -> mpm_result {
    ffi_boundary! {
        set(options, |o| {
            mpmeter_core::outbox::check_lease_seconds(seconds).map_err(outbox_error)?;
            o.lease_seconds = seconds;
            Ok(())
        })
    }
}

/// Machine mode: this machine's identity (copied; e.g. "ec2-instance:i-0abc"). Without it,
/// `mpm_outbox_open` asks the metadata services (ECS task, EKS pod, EC2 instance), waiting at
/// most about 1.5 s.
#[no_mangle]
pub extern "C" fn mpm_outbox_options_set_machine_identity(
    options: *mut mpm_outbox_options,
    identity: *const c_char,
) -> mpm_result {
    ffi_boundary! {
        set(options, |o| {
            let id = required_str(identity, "identity")?;
            if id.is_empty() || id.len() > 1024 {
                return Err(invalid("the machine identity must be 1 to 1024 bytes".into()));
            }
            o.machine_identity = Some(id);
            Ok(())
        })
    }
}

/// Calls `callback(slot, userdata)` once for every slot that reaches a terminal state
/// (accepted, duplicate, conflict, rejected, expired), in order, on one library thread that is
/// not a runtime worker. `slot` is borrowed for the call only. `callback` may call any
/// mpm_outbox function except `mpm_outbox_free` on its own outbox. NULL clears it. No callback
/// starts after `mpm_outbox_close` or `_free` returns.
#[no_mangle]
pub extern "C" fn mpm_outbox_options_set_on_terminal(
    options: *mut mpm_outbox_options,
    callback: mpm_outbox_slot_fn,
    userdata: *mut c_void,
) -> mpm_result {
    ffi_boundary! {
        let ud = userdata as usize;
        set(options, |o| {
            o.on_terminal = callback.map(|cb| {
                Arc::new(move |s: &SlotView| {
                    let c = SlotC::new(s.clone());
                    cb(super::handle::borrow_ptr::<mpm_outbox_slot>(&c), ud as *mut c_void);
                }) as mpmeter_core::outbox::TerminalCallback
            });
            Ok(())
        })
    }
}

/// For testing only: opens SQLite with the VFS registered under `name` (copied), e.g. a
/// power-loss simulator. The store's settings are still read back and enforced.
#[no_mangle]
pub extern "C" fn mpm_outbox_options_set_sqlite_vfs(
    options: *mut mpm_outbox_options,
    name: *const c_char,
) -> mpm_result {
    ffi_boundary! {
        set(options, |o| {
            o.sqlite_vfs = Some(required_str(name, "name")?);
            // For the proof's power-loss test only (tests/outbox_proof): with a VFS named,
            // MPM_OUTBOX_TEST_SYNCHRONOUS=NORMAL sets and requires synchronous=NORMAL, so the
            // test can show that NORMAL loses acknowledged usage. Never read without a VFS.
            if std::env::var("MPM_OUTBOX_TEST_SYNCHRONOUS").is_ok_and(|v| v.eq_ignore_ascii_case("NORMAL")) {
                o.sqlite_synchronous = 1;
            }
            Ok(())
        })
    }
}

/// For testing and simulations only: every rule (sealing, windows, expiry, backoff) reads
/// `now_unix_ms(userdata)` instead of the system clock. It is called from several threads
/// and must be fast and thread-safe; `userdata` must outlive the outbox. NULL restores the
/// system clock.
#[no_mangle]
pub extern "C" fn mpm_outbox_options_set_clock(
    options: *mut mpm_outbox_options,
    now_unix_ms: mpm_outbox_clock_fn,
    userdata: *mut c_void,
) -> mpm_result {
    ffi_boundary! {
        let ud = userdata as usize;
        set(options, |o| {
            o.clock = match now_unix_ms {
                Some(f) => Arc::new(CClock { f, userdata: ud }),
                None => Arc::new(mpmeter_core::outbox::SystemClock),
            };
            Ok(())
        })
    }
}
