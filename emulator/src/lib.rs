//! mpm-emulator: a local AWS Marketplace Metering Service for tests.
//! The binary (main.rs) is a thin shell over `server::start`, which tests
//! also call in-process.
//!
//! Modules, each using only those listed after it (no cycles;
//! tests/module_graph.rs checks):
//! - cli: the command line, made into `server::Options`;
//! - server: listener, body limit, routing to admin or pipeline, counts;
//! - admin: the test-control API under `/__mpm/`;
//! - pipeline: the awsJson1.1 steps of one request (target, protocol,
//!   SigV4, rate limit, faults, model check), then the operation;
//! - operations: MeterUsage, BatchMeterUsage, ResolveCustomer, RegisterUsage;
//! - response: the answers (awsJson1.1 results and errors, HTML pages);
//! - state: what a running emulator shares between requests;
//! - faults, rate_limit, idempotency (with ledger), stats, arrivals, clock,
//!   sigv4_verify, model, rs256, world, errors, decimal, timefmt: the parts
//!   state and the steps use (emulator/README.md, "Source layout").

pub mod admin;
pub mod arrivals;
pub mod cli;
pub mod clock;
pub mod decimal;
pub mod errors;
pub mod faults;
pub mod idempotency;
pub mod ledger;
pub mod model;
pub mod operations;
pub mod pipeline;
pub mod rate_limit;
pub mod response;
pub mod rs256;
pub mod server;
pub mod sigv4_verify;
pub mod state;
pub mod stats;
pub mod timefmt;
pub mod world;

pub use server::{start, Options, Running};
