//! The C API: one module per C type, holding the type, its Rust value and all its functions;
//! each checks and converts its arguments and delegates to `mpmeter_core`. No business logic
//! lives here. The infrastructure: `error` (result codes, the last error, the map from core
//! errors), `panic` (the boundary every export runs in), `last_error` (reading the last
//! error from C), `handle` (pointer casts and out-parameters), `strings`, `c_enum` (what
//! every C enum derives), `runtime` (the runtime's size and the one blocking wait).
//!
//! Every C type and function is also re-exported here, so Rust callers (tests, benches) write
//! `use mpmeter::ffi::*` whatever file a function lives in.

pub mod c_enum;
pub mod client;
pub mod completion_queue;
pub mod config;
pub mod credentials;
pub mod error;
pub(crate) mod handle;
pub mod last_error;
pub mod log;
pub mod metrics;
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

pub use c_enum::CEnum;
pub use client::*;
pub use completion_queue::*;
pub use config::*;
pub use credentials::*;
pub use error::*;
pub use last_error::*;
pub use log::*;
pub use metrics::*;
pub use outbox::*;
pub use outbox_event::*;
pub use outbox_options::*;
pub use outbox_slot::*;
pub use outbox_stats::*;
pub use region::*;
pub use requests::*;
pub use response::*;
pub use runtime::*;
pub use version::*;
