//! `mpm_completion_queue`: completion an event loop waits on with no thread and no callback.
//! Responses are attached to a queue; the runtime worker that finishes one puts it on the
//! queue and makes the queue's file descriptor readable (an eventfd on Linux, a pipe
//! elsewhere); the loop polls the fd and pops finished responses on its own thread.
//!
//! The fd is readable exactly while the queue holds a finished response: it is signalled when
//! the queue goes from empty to not empty and drained when a pop empties it, both under the
//! queue's lock.

use std::collections::VecDeque;
use std::ffi::c_void;
use std::sync::{Arc, Mutex};

use super::error::{mpm_result, to_code, FfiError, FfiResult};
use super::handle::{free_boxed, impl_castable, to_boxed_ptr, try_ref, write_out};
use super::panic::ffi_boundary;
use super::response::{mpm_response, ResponseHandle};
use crate::pending::Watcher;

/// A queue of finished responses with a file descriptor that is readable while it is not
/// empty, for an event loop (epoll, poll, select, QSocketNotifier, GSource). Methods:
/// `mpm_completion_queue_new`, `_free`, `_fd`, `_attach`, `_pop`, `_len`. One thread pops;
/// attaching may happen on any thread.
#[allow(non_camel_case_types)]
pub struct mpm_completion_queue {
    _private: [u8; 0],
}

pub struct QueueHandle {
    inner: Arc<Inner>,
}

impl_castable!(mpm_completion_queue => QueueHandle);

struct Inner {
    state: Mutex<State>,
    signal: Signal,
}

struct State {
    /// Finished responses with their userdata, as addresses (raw pointers are not `Send`).
    ready: VecDeque<(usize, usize)>,
    closed: bool,
}

impl Inner {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// What an attached response tells its queue.
struct Attachment {
    queue: Arc<Inner>,
    response: usize,
    userdata: usize,
}

impl Watcher for Attachment {
    fn finished(&self) {
        let mut st = self.queue.lock();
        if st.closed {
            return;
        }
        st.ready.push_back((self.response, self.userdata));
        if st.ready.len() == 1 {
            self.queue.signal.raise();
        }
    }

    fn released(&self) {
        // Freed before it was popped: it must not be handed out afterwards.
        let mut st = self.queue.lock();
        if st.closed {
            return;
        }
        let before = st.ready.len();
        st.ready.retain(|&(r, _)| r != self.response);
        if before > 0 && st.ready.is_empty() {
            self.queue.signal.clear();
        }
    }
}

#[cfg(target_os = "linux")]
mod sys {
    use std::fs::File;
    use std::io::{Read, Write};
    use std::os::fd::{AsRawFd, FromRawFd, RawFd};

    // Not part of the C API: cbindgen must not copy libc's eventfd into the header.
    #[allow(unused_doc_comments)]
    /// cbindgen:ignore
    extern "C" {
        fn eventfd(initval: u32, flags: i32) -> i32;
    }
    const EFD_CLOEXEC: i32 = 0o2_000_000;
    const EFD_NONBLOCK: i32 = 0o4_000;

    /// An eventfd: readable while its counter is not zero.
    pub struct Signal(File);

    impl Signal {
        pub fn new() -> std::io::Result<Self> {
            // SAFETY: eventfd takes no pointers; a non-negative result is a new fd we own.
            let fd = unsafe { eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK) };
            if fd < 0 {
                return Err(std::io::Error::last_os_error());
            }
            // SAFETY: `fd` was just made and nothing else owns it.
            Ok(Self(unsafe { File::from_raw_fd(fd) }))
        }
        pub fn fd(&self) -> RawFd {
            self.0.as_raw_fd()
        }
        pub fn raise(&self) {
            // One write per empty-to-non-empty change: the counter never fills.
            let _ = (&self.0).write(&1u64.to_ne_bytes());
        }
        pub fn clear(&self) {
            // Resets the counter; EAGAIN (already clear) is fine.
            let _ = (&self.0).read(&mut [0u8; 8]);
        }
    }
}

#[cfg(not(target_os = "linux"))]
mod sys {
    use std::io::{Read, Write};
    use std::os::fd::{AsRawFd, RawFd};

    /// A pipe holding one byte while signalled (raise and clear alternate under the lock).
    pub struct Signal(std::io::PipeReader, std::io::PipeWriter);

    impl Signal {
        pub fn new() -> std::io::Result<Self> {
            let (r, w) = std::io::pipe()?;
            Ok(Self(r, w))
        }
        pub fn fd(&self) -> RawFd {
            self.0.as_raw_fd()
        }
        pub fn raise(&self) {
            let _ = (&self.1).write(&[1]);
        }
        pub fn clear(&self) {
            let mut b = [0u8; 1];
            let _ = (&self.0).read(&mut b);
        }
    }
}

use sys::Signal;

/// Makes an empty completion queue; NULL on error (the last error says why). Free it with
/// `mpm_completion_queue_free`.
#[no_mangle]
pub extern "C" fn mpm_completion_queue_new() -> *mut mpm_completion_queue {
    ffi_boundary! {
        match Signal::new() {
            Ok(signal) => to_boxed_ptr(QueueHandle {
                inner: Arc::new(Inner {
                    state: Mutex::new(State { ready: VecDeque::new(), closed: false }),
                    signal,
                }),
            }),
            Err(e) => {
                FfiError::new(
                    mpm_result::MPM_ERR_RUNTIME,
                    format!("cannot make the completion queue's file descriptor: {e}"),
                )
                .record();
                std::ptr::null_mut()
            }
        }
    }
}

/// Frees a queue and closes its file descriptor (remove it from your event loop first).
/// Responses still attached stay the caller's, to free as usual; nothing is queued for them
/// any more. NULL is a no-op.
#[no_mangle]
pub extern "C" fn mpm_completion_queue_free(queue: *mut mpm_completion_queue) {
    ffi_boundary! {
        if let Ok(q) = try_ref(queue, "queue") {
            let mut st = q.inner.lock();
            st.closed = true;
            st.ready.clear();
        }
        free_boxed(queue)
    }
}

/// The file descriptor to poll for reading: readable while the queue holds a finished
/// response. Owned by the queue (never close it, never read it); -1 for NULL.
#[no_mangle]
pub extern "C" fn mpm_completion_queue_fd(queue: *const mpm_completion_queue) -> i32 {
    ffi_boundary! {
        match try_ref(queue, "queue") {
            Ok(q) => q.inner.signal.fd(),
            Err(e) => { e.record(); -1 }
        }
    }
}

/// Attaches a response: when it finishes (or at once if it has), it is queued with `userdata`
/// and the fd becomes readable. The response stays the caller's: pop it, then free it. Freeing
/// it before it is popped takes it off the queue. At most one queue per response
/// (MPM_ERR_ALREADY_SET); a queue may be used together with `mpm_response_on_finished`.
#[no_mangle]
pub extern "C" fn mpm_completion_queue_attach(
    queue: *mut mpm_completion_queue,
    response: *mut mpm_response,
    userdata: *mut c_void,
) -> mpm_result {
    ffi_boundary! {
        to_code((|| -> FfiResult<()> {
            let q = try_ref(queue, "queue")?;
            let r: &ResponseHandle = try_ref(response, "response")?;
            let w = Arc::new(Attachment {
                queue: Arc::clone(&q.inner),
                response: response as usize,
                userdata: userdata as usize,
            });
            r.pending
                .watch(w)
                .map_err(|m| FfiError::new(mpm_result::MPM_ERR_ALREADY_SET, m))
        })())
    }
}

/// Takes the oldest finished response off the queue and writes its userdata to `userdata`
/// (when not NULL); NULL when the queue is empty (not an error). Free the response with
/// `mpm_response_free` as usual.
#[no_mangle]
pub extern "C" fn mpm_completion_queue_pop(
    queue: *mut mpm_completion_queue,
    userdata: *mut *mut c_void,
) -> *mut mpm_response {
    ffi_boundary! {
        match try_ref(queue, "queue") {
            Ok(q) => {
                let mut st = q.inner.lock();
                match st.ready.pop_front() {
                    Some((r, u)) => {
                        if st.ready.is_empty() {
                            q.inner.signal.clear();
                        }
                        drop(st);
                        if !userdata.is_null() {
                            let _ = write_out(userdata, u as *mut c_void);
                        }
                        r as *mut mpm_response
                    }
                    None => std::ptr::null_mut(),
                }
            }
            Err(e) => { e.record(); std::ptr::null_mut() }
        }
    }
}

/// The number of finished responses waiting to be popped (0 for NULL).
#[no_mangle]
pub extern "C" fn mpm_completion_queue_len(queue: *const mpm_completion_queue) -> usize {
    ffi_boundary! {
        match try_ref(queue, "queue") {
            Ok(q) => q.inner.lock().ready.len(),
            Err(e) => { e.record(); 0 }
        }
    }
}
