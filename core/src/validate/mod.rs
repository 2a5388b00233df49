//! Whether a request meets the model before it is sent: required members, every constraint,
//! and the cross-member rules the model's documentation states. Nothing invalid reaches the
//! network, so a caller learns of a mistake at once rather than from a 400 an hour later.

pub mod constraints;
mod quantity;
mod requests;

pub use quantity::Quantity;
pub use requests::{
    validate_batch_meter_usage, validate_meter_usage, validate_register_usage,
    validate_resolve_customer, validate_usage_allocation, validate_usage_record,
};

use std::fmt;

/// A request that breaks the model: which member (a path like
/// `UsageRecords[2].UsageAllocations[0].Tags[1].Key`) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    /// The member's path in the model's names; empty when the request as a whole is at fault
    /// (e.g. both quantity forms set).
    pub member: String,
    /// What is wrong, e.g. "must have length at most 255 (got 300)"; it does not repeat a
    /// string value (which could be long, or someone's secret pasted in the wrong place).
    pub reason: String,
}

impl ValidationError {
    /// An error for `member` (a model path) and `reason`.
    pub fn new(member: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            member: member.into(),
            reason: reason.into(),
        }
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.member, self.reason)
    }
}

impl std::error::Error for ValidationError {}
