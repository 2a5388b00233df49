//! mpm-emulator: a local AWS Marketplace Metering Service for tests.
//! The binary (main.rs) is a thin shell over `server::start`, which tests
//! also call in-process.

pub mod admin;
pub mod cli;
pub mod clock;
pub mod decimal;
pub mod errors;
pub mod faults;
pub mod idempotency;
pub mod ledger;
pub mod model;
pub mod operations;
pub mod server;
pub mod sigv4_verify;
pub mod state;
pub mod stats;
pub mod timefmt;
pub mod world;

pub use server::{start, Options, Running};
