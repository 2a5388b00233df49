//! The C API: one module per C type; each checks and converts its arguments and delegates to
//! `crate::core`. No business logic lives here.

pub mod region;
pub mod requests;
