//! Model types of the Marketplace Metering API (spec/service-2.json), one file per operation.
//!
//! Members keep the model's names (in snake case) and its optionality, so the JSON on the wire is
//! a plain serde derive: unset members are left out, unknown response members are ignored.

mod batch_meter_usage;
mod epoch;
mod meter_usage;
mod register_usage;
mod resolve_customer;
mod usage;

pub use batch_meter_usage::{
    BatchMeterUsageInput, BatchMeterUsageOutput, UsageRecordResult, UsageRecordResultStatus,
};
pub use meter_usage::{MeterUsageInput, MeterUsageOutput};
pub use register_usage::{RegisterUsageInput, RegisterUsageOutput};
pub use resolve_customer::{ResolveCustomerInput, ResolveCustomerMetadata, ResolveCustomerOutput};
pub use usage::{Tag, UsageAllocation, UsageRecord};

/// Tags an allocation holds at most (the model's TagList: 1 to 5).
pub const MAX_TAGS_PER_ALLOCATION: usize = 5;
/// Allocations a MeterUsage request or a usage record holds at most (UsageAllocations: 1 to
/// 2500).
pub const MAX_USAGE_ALLOCATIONS: usize = 2500;
/// Records a BatchMeterUsage request holds at most (UsageRecordList: 0 to 25).
pub const MAX_USAGE_RECORDS: usize = 25;

/// The four operations of the service, named as on the wire (`X-Amz-Target` suffix).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    /// One hour of one dimension for the calling product (`MeterUsageInput`).
    MeterUsage,
    /// Up to 25 records for a SaaS product's buyers (`BatchMeterUsageInput`).
    BatchMeterUsage,
    /// A buyer's registration token to their identity (`ResolveCustomerInput`).
    ResolveCustomer,
    /// A container product's entitlement check (`RegisterUsageInput`).
    RegisterUsage,
}

impl Operation {
    /// Every operation, in the order the C API numbers them (`mpm_operation` 1 to 4).
    pub const ALL: [Operation; 4] = [
        Operation::MeterUsage,
        Operation::BatchMeterUsage,
        Operation::ResolveCustomer,
        Operation::RegisterUsage,
    ];

    /// The operation's name in the model (`"MeterUsage"`), as logs and messages show it.
    pub fn name(self) -> &'static str {
        match self {
            Operation::MeterUsage => "MeterUsage",
            Operation::BatchMeterUsage => "BatchMeterUsage",
            Operation::ResolveCustomer => "ResolveCustomer",
            Operation::RegisterUsage => "RegisterUsage",
        }
    }

    /// The `X-Amz-Target` header value for this operation.
    pub fn target(self) -> &'static str {
        match self {
            Operation::MeterUsage => "AWSMPMeteringService.MeterUsage",
            Operation::BatchMeterUsage => "AWSMPMeteringService.BatchMeterUsage",
            Operation::ResolveCustomer => "AWSMPMeteringService.ResolveCustomer",
            Operation::RegisterUsage => "AWSMPMeteringService.RegisterUsage",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The caps are the model's own: read back from spec/service-2.json.
    #[test]
    fn caps_match_the_model() {
        let model: serde_json::Value =
            serde_json::from_str(include_str!("../../../spec/service-2.json")).unwrap();
        let shapes = &model["shapes"];
        for (shape, min, max) in [
            ("TagList", 1, MAX_TAGS_PER_ALLOCATION),
            ("UsageAllocations", 1, MAX_USAGE_ALLOCATIONS),
            ("UsageRecordList", 0, MAX_USAGE_RECORDS),
        ] {
            assert_eq!(shapes[shape]["min"], min, "{shape}");
            assert_eq!(shapes[shape]["max"], max as u64, "{shape}");
        }
    }
}
