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

/// The four operations of the service, named as on the wire (`X-Amz-Target` suffix).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    MeterUsage,
    BatchMeterUsage,
    ResolveCustomer,
    RegisterUsage,
}

impl Operation {
    pub const ALL: [Operation; 4] = [
        Operation::MeterUsage,
        Operation::BatchMeterUsage,
        Operation::ResolveCustomer,
        Operation::RegisterUsage,
    ];

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
