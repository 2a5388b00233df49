//! The pure-Rust core: model, wire format, endpoints, signing, retries, the async client. It
//! knows nothing of C; the `ffi` module is its only C-facing user.

pub mod client;
pub mod credentials;
pub mod endpoint_rules;
pub mod env_config;
pub mod error;
pub mod imds_region;
pub mod model;
mod partitions;
pub mod pending;
pub mod quote;
pub mod redact;
pub mod retry;
pub mod runtime;
pub mod service_error;
pub mod signing;
pub mod validate;
