//! Test support shared by the core's tests and the C library's (which include these files by
//! path from tests/support, so there is one copy of each): the one HTTP stub (`stub_aws`:
//! credential endpoints, redirects, https; `stub_server` is a body-in, answer-out view of
//! it), the emulator as a child process, a throwaway PostgreSQL server, a clean AWS environment, timestamps, a thread's CPU time, where the
//! workspace is, and (core only) a runtime to block on.
#![allow(dead_code)]

pub mod aws_env;
pub mod clock;
pub mod cpu_time;
pub mod emulator;
pub mod postgres;
pub mod runtime;
pub mod stub_aws;
pub mod stub_server;
pub mod workspace;
