//! A call running in the background, seen from synchronous code: poll it, wait for it with a
//! timeout, be called back once when it ends, cancel it. This is what lets a C caller get a
//! handle at once while the work runs on the library's runtime.
//!
//! The result is set exactly once (by the task, or by a cancel, whichever comes first) and
//! never changes afterwards, so references into it stay valid as long as the `Pending` lives.

use std::future::Future;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::ThreadId;
use std::time::{Duration, Instant};

use once_cell::sync::OnceCell;
use tokio::task::AbortHandle;

use super::runtime;

type Callback = Box<dyn FnOnce() + Send + 'static>;

/// Told, on the thread that finished the call and with no hop, when a call ends (a completion
/// queue). Both methods run under the call's state lock, so they must be quick and must not
/// touch the `Pending`: `finished` at most once and never after `released`.
pub trait Watcher: Send + Sync {
    fn finished(&self);
    /// The owner let go of the call (it may not have finished).
    fn released(&self);
}

enum CallbackState {
    None,
    Registered(Callback),
    Running(ThreadId),
    Done,
}

struct State {
    callback: CallbackState,
    /// Set by `release`: no callback may start after it.
    released: bool,
    abort: Option<AbortHandle>,
    /// Threads blocked on `changed` (in `wait` or `release`): without any, finishing a call
    /// makes no wake-up system call.
    sleepers: u32,
    watcher: Option<Arc<dyn Watcher>>,
    /// Set by `complete` under the lock, after the result: whether a watcher attached now must
    /// be told at once (else `complete` tells it).
    done: bool,
}

/// Why a wait returned without a result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaitError {
    TimedOut,
    /// Called on a runtime worker thread, where blocking would stall the call it waits for.
    OnRuntimeThread,
}

/// Why `block_on` returned without the work's output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlockError {
    /// The library's runtime is not available (see `runtime::get`).
    Runtime(String),
    Wait(WaitError),
}

/// Runs `work` on the library's runtime and blocks the calling thread until it ends or
/// `timeout` passes (None: no limit); after a timeout the work goes on in the background.
/// Built on `Pending::wait`, the library's one blocking wait: `mpm_response_wait`,
/// `mpm_credentials_resolve` and `mpm_config_load_region_from_imds` all wait through it, and
/// all refuse a runtime worker thread the same way.
pub fn block_on<T, F>(work: F, timeout: Option<Duration>) -> Result<T, BlockError>
where
    F: Future<Output = T> + Send + 'static,
    T: Clone + Send + Sync + 'static,
{
    if runtime::on_worker_thread() {
        return Err(BlockError::Wait(WaitError::OnRuntimeThread));
    }
    let pending = Pending::spawn(work).map_err(BlockError::Runtime)?;
    pending.wait(timeout).cloned().map_err(BlockError::Wait)
}

pub struct Pending<T> {
    result: OnceCell<T>,
    state: Mutex<State>,
    changed: Condvar,
}

impl<T: Send + Sync + 'static> Pending<T> {
    /// Starts `work` on the library's runtime.
    pub fn spawn<F>(work: F) -> Result<Arc<Self>, String>
    where
        F: Future<Output = T> + Send + 'static,
    {
        let rt = runtime::get()?;
        let pending = Arc::new(Self {
            result: OnceCell::new(),
            state: Mutex::new(State {
                callback: CallbackState::None,
                released: false,
                abort: None,
                sleepers: 0,
                watcher: None,
                done: false,
            }),
            changed: Condvar::new(),
        });
        let task_pending = Arc::clone(&pending);
        // The state lock is held while spawning so a fast task cannot finish before the abort
        // handle is stored.
        let mut st = pending.lock();
        let handle = rt.spawn(async move {
            runtime::mark_worker();
            let value = work.await;
            task_pending.complete(value);
        });
        st.abort = Some(handle.abort_handle());
        drop(st);
        Ok(pending)
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The result, once there is one.
    pub fn result(&self) -> Option<&T> {
        self.result.get()
    }

    pub fn is_finished(&self) -> bool {
        self.result.get().is_some()
    }

    /// Sets the result unless one is already set, wakes waiters and starts the callback.
    /// Returns whether this value became the result.
    fn complete(self: &Arc<Self>, value: T) -> bool {
        if self.result.set(value).is_err() {
            return false;
        }
        let mut st = self.lock();
        st.abort = None;
        st.done = true;
        // The thread that finished the call wakes the waiters itself.
        if st.sleepers > 0 {
            self.changed.notify_all();
        }
        if !st.released {
            if let Some(w) = &st.watcher {
                w.finished();
            }
        }
        if let CallbackState::Registered(_) = st.callback {
            drop(st);
            self.dispatch_callback();
        }
        true
    }

    /// Runs the registered callback on the library's one callback thread, never on a runtime
    /// worker (a slow callback cannot stall calls) nor in tokio's blocking pool (slow callbacks
    /// cannot fill it and starve the blocking work calls need: DNS, credential files).
    fn dispatch_callback(self: &Arc<Self>) {
        let me = Arc::clone(self);
        if runtime::get().is_err() {
            return me.run_callback();
        }
        if let Err(job) = dispatcher::submit(Box::new(move || me.run_callback())) {
            // No callback thread could be started: the blocking pool, as before.
            match runtime::get() {
                Ok(rt) => drop(rt.spawn_blocking(job)),
                Err(_) => job(),
            }
        }
    }

    /// Runs the registered callback unless it ran, runs or was dropped already. Takes an
    /// `Arc` of its own because the callback may drop every other one (a C callback may free
    /// its response as its last act): this one keeps `self` alive until the bookkeeping after
    /// the callback is done.
    fn run_callback(self: Arc<Self>) {
        let cb = {
            let mut st = self.lock();
            if st.released {
                return;
            }
            match std::mem::replace(
                &mut st.callback,
                CallbackState::Running(std::thread::current().id()),
            ) {
                CallbackState::Registered(cb) => cb,
                other => {
                    st.callback = other;
                    return;
                }
            }
        };
        // A panic in a callback must not leave waiters in `release` hanging.
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(cb));
        let mut st = self.lock();
        st.callback = CallbackState::Done;
        if st.sleepers > 0 {
            self.changed.notify_all();
        }
    }

    /// Registers the one completion callback. If the call already ended it runs at once on the
    /// caller's thread. Fails if a callback was already registered.
    pub fn on_finished(self: &Arc<Self>, cb: Callback) -> Result<(), &'static str> {
        // Taken before the callback is registered: from then on it may run on another thread
        // and free whatever holds `self`, so only `me` is used below.
        let me = Arc::clone(self);
        let mut st = me.lock();
        if !matches!(st.callback, CallbackState::None) {
            return Err("a completion callback is already registered");
        }
        if st.released {
            return Err("the response was released");
        }
        st.callback = CallbackState::Registered(cb);
        drop(st);
        if me.is_finished() {
            me.run_callback();
        }
        Ok(())
    }

    /// Attaches the one watcher; told at once if the call already ended.
    pub fn watch(&self, w: Arc<dyn Watcher>) -> Result<(), &'static str> {
        let mut st = self.lock();
        if st.watcher.is_some() {
            return Err("the response is already attached to a completion queue");
        }
        if st.released {
            return Err("the response was released");
        }
        if st.done {
            w.finished();
        }
        st.watcher = Some(w);
        Ok(())
    }

    /// Waits for the result; `None` waits without limit.
    pub fn wait(&self, timeout: Option<Duration>) -> Result<&T, WaitError> {
        if let Some(r) = self.result.get() {
            return Ok(r);
        }
        if runtime::on_worker_thread() {
            return Err(WaitError::OnRuntimeThread);
        }
        let deadline = timeout.map(|t| Instant::now() + t);
        let mut st = self.lock();
        loop {
            if let Some(r) = self.result.get() {
                return Ok(r);
            }
            st.sleepers += 1;
            st = match deadline {
                None => self.changed.wait(st).unwrap_or_else(|p| p.into_inner()),
                Some(d) => {
                    let now = Instant::now();
                    if now >= d {
                        st.sleepers -= 1;
                        return Err(WaitError::TimedOut);
                    }
                    self.changed
                        .wait_timeout(st, d - now)
                        .unwrap_or_else(|p| p.into_inner())
                        .0
                }
            };
            st.sleepers -= 1;
        }
    }

    /// Stops the call if it is still running (its I/O is dropped) and makes `cancelled()` the
    /// result; the value is only made when it is needed. Returns false when the call had
    /// already ended.
    pub fn cancel(self: &Arc<Self>, cancelled: impl FnOnce() -> T) -> bool {
        if self.is_finished() {
            return false;
        }
        if let Some(abort) = self.lock().abort.take() {
            abort.abort();
        }
        self.complete(cancelled())
    }

    /// The owner lets go: cancels a running call, drops an unstarted callback, and waits for a
    /// callback running on another thread to return, so none runs after this returns.
    pub fn release(self: &Arc<Self>, cancelled: impl FnOnce() -> T) {
        {
            let mut st = self.lock();
            st.released = true;
            if let CallbackState::Registered(_) = st.callback {
                st.callback = CallbackState::None;
            }
            if let Some(w) = st.watcher.take() {
                w.released();
            }
        }
        self.cancel(cancelled);
        let me = std::thread::current().id();
        let mut st = self.lock();
        while matches!(st.callback, CallbackState::Running(t) if t != me) {
            st.sleepers += 1;
            st = self.changed.wait(st).unwrap_or_else(|p| p.into_inner());
            st.sleepers -= 1;
        }
    }
}

/// The one thread that runs completion callbacks, in the order calls finished, started on
/// first use. A callback may block (or wait for another response); the ones after it wait.
mod dispatcher {
    use std::collections::VecDeque;
    use std::sync::{Condvar, Mutex};

    pub type Job = Box<dyn FnOnce() + Send + 'static>;

    struct Queue {
        jobs: Mutex<VecDeque<Job>>,
        ready: Condvar,
    }

    static QUEUE: once_cell::sync::OnceCell<Option<&'static Queue>> =
        once_cell::sync::OnceCell::new();

    fn queue() -> Option<&'static Queue> {
        *QUEUE.get_or_init(|| {
            let q: &'static Queue = Box::leak(Box::new(Queue {
                jobs: Mutex::new(VecDeque::new()),
                ready: Condvar::new(),
            }));
            std::thread::Builder::new()
                .name("mpmeter-callbacks".into())
                .spawn(move || run(q))
                .ok()
                .map(|_| q)
        })
    }

    fn run(q: &'static Queue) {
        loop {
            let job = {
                let mut jobs = q.jobs.lock().unwrap_or_else(|p| p.into_inner());
                loop {
                    if let Some(j) = jobs.pop_front() {
                        break j;
                    }
                    jobs = q.ready.wait(jobs).unwrap_or_else(|p| p.into_inner());
                }
            };
            // `run_callback` catches a callback's panic; this keeps the thread in any case.
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
        }
    }

    /// Queues `job` for the callback thread; gives it back if there is no such thread.
    pub fn submit(job: Job) -> Result<(), Job> {
        let Some(q) = queue() else { return Err(job) };
        let mut jobs = q.jobs.lock().unwrap_or_else(|p| p.into_inner());
        let was_empty = jobs.is_empty();
        jobs.push_back(job);
        drop(jobs);
        // Busy with earlier jobs, the thread will find this one without a wake-up.
        if was_empty {
            q.ready.notify_one();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

    #[test]
    fn wait_and_callback_once() {
        let p = Pending::spawn(async { 7 }).unwrap();
        assert_eq!(*p.wait(Some(Duration::from_secs(5))).unwrap(), 7);
        let n = Arc::new(AtomicUsize::new(0));
        let n2 = Arc::clone(&n);
        p.on_finished(Box::new(move || {
            n2.fetch_add(1, Ordering::SeqCst);
        }))
        .unwrap();
        assert_eq!(n.load(Ordering::SeqCst), 1);
        assert!(p.on_finished(Box::new(|| {})).is_err());
    }

    /// What a C callback that frees its response does: it drops the last reference from
    /// outside. The `Pending` must live until `on_finished` is done with it, then go.
    #[test]
    fn callback_may_drop_the_last_outside_reference() {
        let p = Pending::spawn(async { 7 }).unwrap();
        p.wait(Some(Duration::from_secs(5))).unwrap();
        // The task lets go of its own reference just after it sets the result.
        let deadline = Instant::now() + Duration::from_secs(5);
        while Arc::strong_count(&p) > 1 && Instant::now() < deadline {
            std::thread::yield_now();
        }
        assert_eq!(Arc::strong_count(&p), 1);
        // Keeps the allocation (not the value): a regression fails an assertion, not the heap.
        let weak = Arc::downgrade(&p);
        let seen_by_callback = weak.clone();
        let alive_in_callback = Arc::new(AtomicBool::new(false));
        let alive = Arc::clone(&alive_in_callback);
        // Like the boxed C handle; an address, because a raw pointer is not `Send`.
        let owner = Box::into_raw(Box::new(p)) as usize;
        let cb = move || {
            // SAFETY: `owner` came from `Box::into_raw` above and is dropped only here.
            drop(unsafe { Box::from_raw(owner as *mut Arc<Pending<i32>>) });
            alive.store(seen_by_callback.upgrade().is_some(), Ordering::SeqCst);
        };
        // SAFETY: `owner` is valid until the callback drops it; nothing uses it afterwards.
        let registered = unsafe { &*(owner as *const Arc<Pending<i32>>) };
        registered.on_finished(Box::new(cb)).unwrap();
        assert!(
            alive_in_callback.load(Ordering::SeqCst),
            "dropped while its callback ran"
        );
        assert!(weak.upgrade().is_none(), "still alive after its callback");
    }

    #[test]
    fn cancel_wins_over_a_slow_task() {
        let p = Pending::spawn(async {
            tokio::time::sleep(Duration::from_secs(30)).await;
            1
        })
        .unwrap();
        assert_eq!(
            p.wait(Some(Duration::from_millis(20))),
            Err(WaitError::TimedOut)
        );
        assert!(p.cancel(|| -1));
        assert_eq!(*p.wait(None).unwrap(), -1);
        assert!(!p.cancel(|| -2));
    }

    #[test]
    fn callback_runs_off_the_workers_and_not_after_release() {
        let p = Pending::spawn(async {
            tokio::time::sleep(Duration::from_millis(50)).await;
            1
        })
        .unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        p.on_finished(Box::new(move || {
            tx.send(runtime::on_worker_thread()).unwrap();
        }))
        .unwrap();
        assert!(!rx.recv_timeout(Duration::from_secs(5)).unwrap());

        let released = Pending::spawn(async {
            tokio::time::sleep(Duration::from_millis(30)).await;
            1
        })
        .unwrap();
        let n = Arc::new(AtomicUsize::new(0));
        let n2 = Arc::clone(&n);
        released
            .on_finished(Box::new(move || {
                n2.fetch_add(1, Ordering::SeqCst);
            }))
            .unwrap();
        released.release(|| 0);
        std::thread::sleep(Duration::from_millis(80));
        assert_eq!(n.load(Ordering::SeqCst), 0);
    }

    /// 600 callbacks that block do not fill tokio's blocking pool (512 threads): they queue on
    /// the one callback thread, and a call that needs the blocking pool still completes.
    #[test]
    fn slow_callbacks_do_not_fill_the_blocking_pool() {
        let gate = Arc::new((Mutex::new(false), Condvar::new()));
        let ran = Arc::new(AtomicUsize::new(0));
        let mut held = Vec::new();
        for _ in 0..600 {
            // Each call finishes only after its callback is registered: a callback registered on
            // a finished call runs at once on this thread, where it would wait for the gate
            // forever.
            let (go, started) = tokio::sync::oneshot::channel::<()>();
            let p = Pending::spawn(async move {
                let _ = started.await;
                1
            })
            .unwrap();
            let (gate, ran) = (Arc::clone(&gate), Arc::clone(&ran));
            p.on_finished(Box::new(move || {
                let (m, c) = &*gate;
                let mut open = m.lock().unwrap();
                while !*open {
                    open = c.wait(open).unwrap();
                }
                ran.fetch_add(1, Ordering::SeqCst);
            }))
            .unwrap();
            let _ = go.send(());
            held.push(p);
        }
        for p in &held {
            p.wait(Some(Duration::from_secs(10))).unwrap();
        }
        // Blocking work of a call (as DNS resolution is) is not stuck behind the callbacks.
        let blocking =
            Pending::spawn(async { tokio::task::spawn_blocking(|| 42).await.unwrap() }).unwrap();
        assert_eq!(*blocking.wait(Some(Duration::from_secs(10))).unwrap(), 42);
        {
            let (m, c) = &*gate;
            *m.lock().unwrap() = true;
            c.notify_all();
        }
        let deadline = Instant::now() + Duration::from_secs(20);
        while ran.load(Ordering::SeqCst) < 600 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
        assert_eq!(ran.load(Ordering::SeqCst), 600);
    }
}
