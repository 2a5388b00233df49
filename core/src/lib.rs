//! mpmeter-core: the pure-Rust client for the AWS Marketplace Metering Service: model,
//! validation, wire format, endpoint rules, SigV4, retries, credentials and the async client.
//! It knows nothing of C (it cannot: it has no C types and no unsafe code) and owns no global
//! runtime; the `mpmeter` crate is its C API.
//!
//! # Example
//!
//! Meter three `users` of `demo-product` against the emulator (`mpm-emulator --listen
//! 127.0.0.1:8080`); with `None` as the endpoint the region's real endpoint is used. The
//! client makes no network call until the first operation; every operation returns an
//! [`error::Outcome`]: the result and the HTTP facts (status, request id, attempts) whether
//! it succeeded or not.
//!
//! ```no_run
//! use mpmeter_core::client::{Client, ClientConfig};
//! use mpmeter_core::credentials::CredentialsSource;
//! use mpmeter_core::model::MeterUsageInput;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let client = Client::new(
//!     "us-east-1",
//!     Some("http://127.0.0.1:8080"),
//!     CredentialsSource::basic(
//!         "AKIAIOSFODNN7EXAMPLE",
//!         "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
//!         None,
//!     ),
//!     ClientConfig::default(),
//! )?;
//! let now = std::time::SystemTime::now()
//!     .duration_since(std::time::UNIX_EPOCH)?
//!     .as_secs() as i64;
//! let input = MeterUsageInput {
//!     product_code: Some("demo-product".into()),
//!     timestamp: Some(now),
//!     usage_dimension: Some("users".into()),
//!     usage_quantity: Some(3),
//!     ..Default::default()
//! };
//! let outcome = client.meter_usage(&input).await;
//! match outcome.result {
//!     Ok(out) => println!("metering record {:?}", out.metering_record_id),
//!     Err(e) => eprintln!("{e} (HTTP {}, {} attempts)", outcome.meta.http_status, outcome.meta.attempts),
//! }
//! # Ok(())
//! # }
//! ```
//!
//! # Modules
//!
//! - [`client`]: [`client::Client`] and its [`client::ClientConfig`] (timeouts, retries,
//!   proxy, CA roots, FIPS and dual-stack), the four operations.
//! - [`credentials`]: [`credentials::CredentialsSource`]: static keys, the AWS SDKs' default
//!   chain, a profile, strict platform mode (EC2, ECS, EKS), a callback.
//! - [`model`]: the operations' inputs and outputs, as the service model names them.
//! - [`validate`]: the model's constraints, checked before anything is sent.
//! - [`endpoint_rules`], [`signing`], [`retry`]: the endpoint rules, SigV4 and the SDKs'
//!   standard retry strategy.
//! - [`env_config`]: settings from the environment and the shared config files.
//! - [`error`], [`service_error`]: how a call failed.
//! - [`outbox`]: [`outbox::Outbox`], the durable outbox: usage recorded locally (SQLite, or
//!   PostgreSQL for a fleet), aggregated per hour and delivered exactly once, each slot's fate
//!   reported.
//! - [`metrics`]: a client's counters and latency ([`client::Client::metrics`]).
//! - [`redact`], [`quote`]: secrets out of every message, caller input quoted into one.
//! - [`http_policy`], [`imds_region`]: the user agent and the refusal of redirects; the region
//!   of the EC2 instance.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

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
