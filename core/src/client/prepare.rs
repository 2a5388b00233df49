//! Turning a request into the bytes of a call: checked against the model, the idempotency
//! token filled in, serialized once. Retries reuse these bytes, so every attempt carries the
//! same ClientToken and the service can tell a retry from a new record.

use serde::Serialize;

use crate::model::{
    BatchMeterUsageInput, MeterUsageInput, Operation, RegisterUsageInput, ResolveCustomerInput,
    UsageRecord,
};
use crate::validate::{self, ValidationError};

/// A checked, serialized request, ready to send (and resend).
#[derive(Debug, Clone)]
pub struct PreparedCall {
    /// Which operation `body` is for (it picks the `X-Amz-Target` header).
    pub op: Operation,
    /// The awsJson1.1 request body, sent unchanged by every attempt.
    pub body: Vec<u8>,
    /// The BatchMeterUsage records in `body` (empty for other operations): the answer must
    /// account for each of them.
    pub sent_records: Vec<UsageRecord>,
}

fn serialize(op: Operation, input: &impl Serialize) -> Result<PreparedCall, ValidationError> {
    serde_json::to_vec(input)
        .map(|body| PreparedCall {
            op,
            body,
            sent_records: Vec::new(),
        })
        .map_err(|e| ValidationError::new(op.name(), format!("cannot be serialized: {e}")))
}

/// Serializes MeterUsage, giving it a fresh UUIDv4 ClientToken when the caller set none.
pub fn prepare_meter_usage(input: &MeterUsageInput) -> Result<PreparedCall, ValidationError> {
    validate::validate_meter_usage(input)?;
    if input.client_token.is_some() {
        return serialize(Operation::MeterUsage, input);
    }
    let mut with_token = input.clone();
    with_token.client_token = Some(uuid::Uuid::new_v4().to_string());
    serialize(Operation::MeterUsage, &with_token)
}

/// Checks and serializes BatchMeterUsage, keeping the records for the answer's reconciliation.
pub fn prepare_batch_meter_usage(
    input: &BatchMeterUsageInput,
) -> Result<PreparedCall, ValidationError> {
    validate::validate_batch_meter_usage(input)?;
    let mut call = serialize(Operation::BatchMeterUsage, input)?;
    call.sent_records = input.usage_records.clone();
    Ok(call)
}

/// Checks and serializes ResolveCustomer.
pub fn prepare_resolve_customer(
    input: &ResolveCustomerInput,
) -> Result<PreparedCall, ValidationError> {
    validate::validate_resolve_customer(input)?;
    serialize(Operation::ResolveCustomer, input)
}

/// Checks and serializes RegisterUsage.
pub fn prepare_register_usage(input: &RegisterUsageInput) -> Result<PreparedCall, ValidationError> {
    validate::validate_register_usage(input)?;
    serialize(Operation::RegisterUsage, input)
}
