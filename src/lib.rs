//! mpmeter: a client for the AWS Marketplace Metering Service with a C API.
//!
//! `core` is the Rust client (usable on its own from Rust); `ffi` is the C surface that
//! cbindgen turns into `include/mpmeter.h`.

pub mod core;
pub mod ffi;
