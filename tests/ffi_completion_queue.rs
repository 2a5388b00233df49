//! `mpm_completion_queue` (issue 12, item 4): finished responses queued by the worker that
//! finished them, the fd readable exactly while the queue is not empty, userdata handed back,
//! a response freed before it is popped taken off the queue, one queue per response.

mod support;

use std::ffi::c_void;
use std::time::{Duration, Instant};

use mpmeter::ffi::*;
use stub_aws::Reply;
use support::capi::{client_for, cs, last_message};
use support::stub_aws;

fn readable(fd: i32, timeout_ms: i32) -> bool {
    let mut p = libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd.
    let n = unsafe { libc::poll(&mut p, 1, timeout_ms) };
    n == 1 && p.revents & libc::POLLIN != 0
}

fn meter(client: *const mpm_client) -> *mut mpm_response {
    let req = mpm_meter_usage_request_new();
    mpm_meter_usage_request_set_product_code(req, cs("demo-product").as_ptr());
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    mpm_meter_usage_request_set_timestamp(req, now - now % 3600);
    mpm_meter_usage_request_set_usage_dimension(req, cs("users").as_ptr());
    mpm_meter_usage_request_set_usage_quantity(req, 1);
    let resp = mpm_client_meter_usage(client, req);
    mpm_meter_usage_request_free(req);
    assert!(!resp.is_null(), "{}", last_message());
    resp
}

fn stub() -> stub_aws::Stub {
    stub_aws::start(Box::new(|_, _| Reply {
        status: 200,
        content_type: "application/x-amz-json-1.1",
        body: r#"{"MeteringRecordId":"rec-1"}"#.into(),
        headers: Vec::new(),
    }))
}

#[test]
fn an_event_loop_pops_every_finished_response_with_its_userdata() {
    let s = stub();
    let client = client_for(&s.url, "AKIDCQ", "secret");
    let q = mpm_completion_queue_new();
    assert!(!q.is_null(), "{}", last_message());
    let fd = mpm_completion_queue_fd(q);
    assert!(fd >= 0);
    assert!(!readable(fd, 0), "an empty queue is not readable");
    const N: usize = 24;
    for i in 0..N {
        let r = meter(client);
        assert_eq!(
            mpm_completion_queue_attach(q, r, (i + 1) as *mut c_void),
            mpm_result::MPM_OK
        );
        assert_eq!(
            mpm_completion_queue_attach(q, r, std::ptr::null_mut()),
            mpm_result::MPM_ERR_ALREADY_SET
        );
    }
    let mut seen = vec![false; N];
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut popped = 0;
    while popped < N {
        assert!(
            Instant::now() < deadline,
            "only {popped} of {N} responses came"
        );
        if !readable(fd, 1000) {
            continue;
        }
        let mut ud: *mut c_void = std::ptr::null_mut();
        let mut got = 0;
        loop {
            let r = mpm_completion_queue_pop(q, &mut ud);
            if r.is_null() {
                break;
            }
            assert!(mpm_response_is_finished(r));
            assert_eq!(
                mpm_response_result(r),
                mpm_result::MPM_OK,
                "{}",
                last_message()
            );
            let i = ud as usize - 1;
            assert!(!seen[i], "response {i} popped twice");
            seen[i] = true;
            mpm_response_free(r);
            got += 1;
        }
        assert!(got > 0, "the fd was readable with nothing to pop");
        popped += got;
        assert!(!readable(fd, 0), "drained, the queue is not readable");
    }
    assert_eq!(mpm_completion_queue_len(q), 0);
    mpm_completion_queue_free(q);
    mpm_client_free(client);
}

#[test]
fn finished_before_attach_freed_before_pop_and_queue_freed_first() {
    let s = stub();
    let client = client_for(&s.url, "AKIDCQ2", "secret");
    let q = mpm_completion_queue_new();
    let fd = mpm_completion_queue_fd(q);

    // Already finished: queued at once.
    let r = meter(client);
    assert_eq!(mpm_response_wait(r, 60_000), mpm_result::MPM_OK);
    assert_eq!(
        mpm_completion_queue_attach(q, r, std::ptr::null_mut()),
        mpm_result::MPM_OK
    );
    assert_eq!(mpm_completion_queue_len(q), 1);
    assert!(readable(fd, 0));
    // Freed before it is popped: off the queue, the fd no longer readable.
    mpm_response_free(r);
    assert_eq!(mpm_completion_queue_len(q), 0);
    assert!(!readable(fd, 0));
    assert!(mpm_completion_queue_pop(q, std::ptr::null_mut()).is_null());

    // A cancelled call finishes too, and is queued.
    let r = meter(client);
    assert_eq!(
        mpm_completion_queue_attach(q, r, 7 as *mut c_void),
        mpm_result::MPM_OK
    );
    mpm_response_cancel(r);
    assert!(readable(fd, 10_000));
    let mut ud: *mut c_void = std::ptr::null_mut();
    assert_eq!(mpm_completion_queue_pop(q, &mut ud), r);
    assert_eq!(ud as usize, 7);
    mpm_response_free(r);

    // The queue freed while responses are attached: they stay usable and are freed as usual.
    let rs: Vec<_> = (0..4).map(|_| meter(client)).collect();
    for &r in &rs {
        assert_eq!(
            mpm_completion_queue_attach(q, r, std::ptr::null_mut()),
            mpm_result::MPM_OK
        );
    }
    mpm_completion_queue_free(q);
    for &r in &rs {
        assert_eq!(mpm_response_wait(r, 60_000), mpm_result::MPM_OK);
        mpm_response_free(r);
    }
    // NULL handles.
    assert_eq!(mpm_completion_queue_fd(std::ptr::null()), -1);
    assert!(mpm_completion_queue_pop(std::ptr::null_mut(), std::ptr::null_mut()).is_null());
    mpm_completion_queue_free(std::ptr::null_mut());
    mpm_client_free(client);
}
