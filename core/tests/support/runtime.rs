//! The core tests' own runtime: the core has no global runtime (the C library's is in the
//! `mpmeter` crate), so a test that drives the async client blocks on this one.

use std::future::Future;
use std::sync::OnceLock;

use tokio::runtime::{Builder, Runtime};

/// A small multi-threaded runtime, shared by the tests of one binary.
pub fn rt() -> &'static Runtime {
    static RT: OnceLock<Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("the tests' runtime")
    })
}

/// Runs `f` to completion on the tests' runtime.
pub fn block_on<F: Future>(f: F) -> F::Output {
    rt().block_on(f)
}
