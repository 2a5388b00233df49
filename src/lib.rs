//! mpmeter: a client for the AWS Marketplace Metering Service with a C API.
//!
//! This crate is the C library: `ffi` is the C surface that cbindgen turns into
//! `include/mpmeter.h` (one module per C type), `runtime` the library's own tokio runtime and
//! `pending` the bridge from an async call to a C caller's wait, poll or callback. The client
//! itself (model, validation, wire format, endpoints, signing, retries, credentials) is the
//! pure-Rust crate `mpmeter-core`, which Rust programs can use on their own.

pub mod ffi;
pub mod logging;
pub(crate) mod outbox_crash;
pub mod pending;
pub mod runtime;
