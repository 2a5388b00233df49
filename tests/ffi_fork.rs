//! fork(): a child forked before the library's first use works normally; a child forked after
//! it gets a clear MPM_ERR_RUNTIME instead of a call that never completes (the runtime's
//! threads do not exist in the child). One test in its own binary, so nothing else has
//! started the runtime first.

mod support;

use mpmeter::ffi::*;
use support::capi::*;
use support::emulator::{Emulator, ACCESS_KEY, SECRET_KEY};

/// Runs `child` in a forked process and returns its exit status.
fn in_child(child: impl FnOnce() -> bool) -> i32 {
    // SAFETY: the child only runs `child` and then _exit()s.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0, "fork failed");
    if pid == 0 {
        let ok = std::panic::catch_unwind(std::panic::AssertUnwindSafe(child)).unwrap_or(false);
        unsafe { libc::_exit(if ok { 0 } else { 1 }) };
    }
    let mut status = 0;
    unsafe { libc::waitpid(pid, &mut status, 0) };
    assert!(libc::WIFEXITED(status), "child did not exit normally");
    libc::WEXITSTATUS(status)
}

#[test]
fn fork_before_first_use_works_and_after_it_fails_cleanly() {
    let emu = Emulator::start(&[]);
    let client = client_for(&emu.url, ACCESS_KEY, SECRET_KEY);
    let req = mpm_resolve_customer_request_new();
    mpm_resolve_customer_request_set_registration_token(
        req,
        cs("demo-registration-token").as_ptr(),
    );
    assert!(
        !mpmeter::runtime::is_started(),
        "nothing has used the runtime yet"
    );

    let before = in_child(|| {
        let resp = mpm_client_resolve_customer(client, req);
        let ok = !resp.is_null()
            && mpm_response_wait(resp, 30_000) == mpm_result::MPM_OK
            && mpm_response_result(resp) == mpm_result::MPM_OK;
        mpm_response_free(resp);
        ok
    });
    assert_eq!(before, 0, "a child forked before first use meters normally");

    let resp = mpm_client_resolve_customer(client, req);
    assert_eq!(wait(resp), mpm_result::MPM_OK, "{}", describe(resp));
    mpm_response_free(resp);

    let after = in_child(|| {
        let resp = mpm_client_resolve_customer(client, req);
        resp.is_null()
            && mpm_last_error_code() == mpm_result::MPM_ERR_RUNTIME
            && last_message().contains("fork")
    });
    assert_eq!(
        after, 0,
        "a child forked after first use gets MPM_ERR_RUNTIME at once"
    );

    mpm_resolve_customer_request_free(req);
    mpm_client_free(client);
}
