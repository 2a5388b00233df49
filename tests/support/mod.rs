//! Shared by the integration tests: the emulator as a child process and its admin endpoint,
//! the one HTTP stub (`stub_aws`: credential endpoints, redirects, https; `stub_server` is a
//! body-in, answer-out view of it), and small helpers for calling the C API from Rust.
#![allow(dead_code)]

pub mod capi;
pub mod emulator;
pub mod stub_aws;
pub mod stub_server;
