//! mpmeter-core: the pure-Rust client for the AWS Marketplace Metering Service: model,
//! validation, wire format, endpoint rules, SigV4, retries, credentials and the async client.
//! It knows nothing of C (it cannot: it has no C types and no unsafe code) and owns no global
//! runtime; the `mpmeter` crate is its C API.
#![forbid(unsafe_code)]

pub mod client;
pub mod credentials;
pub mod endpoint_rules;
pub mod env_config;
pub mod error;
pub mod http_policy;
pub mod imds_region;
pub mod metrics;
pub mod model;
pub mod outbox;
pub mod quote;
pub mod redact;
pub mod retry;
pub mod service_error;
pub mod signing;
pub mod validate;
