//! Reading a successful answer into the operation's output type.

use crate::model::{
    BatchMeterUsageOutput, MeterUsageOutput, Operation, RegisterUsageOutput, ResolveCustomerOutput,
};

/// The output of any of the four operations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OperationOutput {
    /// A MeterUsage answer.
    MeterUsage(MeterUsageOutput),
    /// A BatchMeterUsage answer, reconciled with the records sent.
    BatchMeterUsage(BatchMeterUsageOutput),
    /// A ResolveCustomer answer.
    ResolveCustomer(ResolveCustomerOutput),
    /// A RegisterUsage answer.
    RegisterUsage(RegisterUsageOutput),
}

impl OperationOutput {
    /// The operation this answers.
    pub fn operation(&self) -> Operation {
        match self {
            OperationOutput::MeterUsage(_) => Operation::MeterUsage,
            OperationOutput::BatchMeterUsage(_) => Operation::BatchMeterUsage,
            OperationOutput::ResolveCustomer(_) => Operation::ResolveCustomer,
            OperationOutput::RegisterUsage(_) => Operation::RegisterUsage,
        }
    }
}

/// Parses a 2xx body; an empty body reads as `{}` (every output member is optional).
pub fn parse_output(op: Operation, body: &[u8]) -> Result<OperationOutput, String> {
    let body: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        body
    };
    let err = |e: serde_json::Error| format!("cannot read the {} answer: {e}", op.name());
    Ok(match op {
        Operation::MeterUsage => {
            OperationOutput::MeterUsage(serde_json::from_slice(body).map_err(err)?)
        }
        Operation::BatchMeterUsage => {
            OperationOutput::BatchMeterUsage(serde_json::from_slice(body).map_err(err)?)
        }
        Operation::ResolveCustomer => {
            OperationOutput::ResolveCustomer(serde_json::from_slice(body).map_err(err)?)
        }
        Operation::RegisterUsage => {
            OperationOutput::RegisterUsage(serde_json::from_slice(body).map_err(err)?)
        }
    })
}
