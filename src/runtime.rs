//! The one tokio runtime the library runs on, created on first use. Its size can be chosen
//! before that; afterwards it is fixed, since a runtime cannot be resized.

use std::sync::atomic::{AtomicUsize, Ordering};

use once_cell::sync::OnceCell;
use tokio::runtime::{Builder, Runtime};

static RUNTIME: OnceCell<Runtime> = OnceCell::new();
/// The process that started the runtime: a forked child has the runtime's memory but none of
/// its threads, so it must get an error rather than a call that never completes.
static RUNTIME_PID: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
static WORKER_THREADS: AtomicUsize = AtomicUsize::new(2);

thread_local! {
    /// True on the runtime's worker threads, where a blocking wait would starve the very
    /// tasks it waits for.
    static ON_WORKER: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Sets the number of worker threads; fails once the runtime exists or for 0 / over 256.
pub fn set_worker_threads(n: usize) -> Result<(), String> {
    if n == 0 || n > 256 {
        return Err(format!(
            "worker threads must be between 1 and 256 (got {n})"
        ));
    }
    if RUNTIME.get().is_some() {
        return Err("the runtime is already running; set worker threads before first use".into());
    }
    WORKER_THREADS.store(n, Ordering::SeqCst);
    Ok(())
}

pub fn is_started() -> bool {
    RUNTIME.get().is_some()
}

/// The runtime, started on first call. Fails in a child forked after the runtime started.
pub fn get() -> Result<&'static Runtime, String> {
    // First use: the log subscriber is installed and MPM_LOG read before any event.
    crate::logging::init();
    if let Some(rt) = RUNTIME.get() {
        if RUNTIME_PID.load(Ordering::Relaxed) != std::process::id() {
            return Err(
                "the library's runtime was started before fork(); a forked child cannot \
                        use mpmeter (call exec, or start using mpmeter only after forking)"
                    .into(),
            );
        }
        return Ok(rt);
    }
    RUNTIME.get_or_try_init(|| {
        RUNTIME_PID.store(std::process::id(), Ordering::Relaxed);
        Builder::new_multi_thread()
            .worker_threads(WORKER_THREADS.load(Ordering::SeqCst))
            .thread_name("mpmeter-worker")
            // Only workers park and unpark, so this marks workers and not the blocking pool.
            .on_thread_unpark(mark_worker)
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the runtime: {e}"))
    })
}

/// Marks the current thread as a worker; tasks the library spawns call it too, in case a
/// worker runs a task before it first parks.
pub(crate) fn mark_worker() {
    ON_WORKER.with(|w| w.set(true));
}

/// Whether the calling thread is one of the runtime's workers, where blocking is refused.
pub fn on_worker_thread() -> bool {
    ON_WORKER.with(|w| w.get())
}
