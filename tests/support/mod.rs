//! Shared by the C library's integration tests: helpers for calling the C API from Rust
//! (`capi`), and the test support of the core (core/tests/support), included by path so that
//! both crates' tests use one copy of the HTTP stub, the emulator and the rest.
#![allow(dead_code)]

#[path = "../../core/tests/support/aws_env.rs"]
pub mod aws_env;
pub mod capi;
#[path = "../../core/tests/support/clock.rs"]
pub mod clock;
#[path = "../../core/tests/support/cpu_time.rs"]
pub mod cpu_time;
#[path = "../../core/tests/support/emulator.rs"]
pub mod emulator;
#[path = "../../core/tests/support/postgres.rs"]
pub mod postgres;
#[path = "../../core/tests/support/stub_aws.rs"]
pub mod stub_aws;
#[path = "../../core/tests/support/stub_server.rs"]
pub mod stub_server;
#[path = "../../core/tests/support/workspace.rs"]
pub mod workspace;
