//! Shared by the integration tests: the emulator as a child process, its admin endpoint, and
//! small helpers for calling the C API from Rust.
#![allow(dead_code)]

pub mod capi;
pub mod emulator;
pub mod stub_server;
