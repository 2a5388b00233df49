//! The C API: one module per C type; each checks and converts its arguments and delegates to
//! `mpmeter_core`. No business logic lives here.

pub mod client;
pub mod client_env;
pub mod config;
pub mod credentials;
pub mod error;
pub(crate) mod handle;
pub mod log;
pub mod metrics;
pub mod operations;
pub mod outbox;
pub mod outbox_event;
pub mod outbox_options;
pub mod outbox_slot;
pub mod outbox_stats;
pub(crate) mod panic;
pub mod region;
pub mod requests;
pub mod response;
pub mod runtime;
pub(crate) mod strings;
pub mod version;
