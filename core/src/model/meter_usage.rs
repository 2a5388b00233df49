use serde::{Deserialize, Serialize};

use super::usage::UsageAllocation;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MeterUsageInput {
    #[serde(rename = "ProductCode", skip_serializing_if = "Option::is_none")]
    pub product_code: Option<String>,
    #[serde(rename = "Timestamp", skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<i64>,
    #[serde(rename = "UsageDimension", skip_serializing_if = "Option::is_none")]
    pub usage_dimension: Option<String>,
    #[serde(rename = "UsageQuantity", skip_serializing_if = "Option::is_none")]
    pub usage_quantity: Option<i32>,
    #[serde(
        rename = "UsageQuantityAsDecimal",
        skip_serializing_if = "Option::is_none"
    )]
    pub usage_quantity_as_decimal: Option<String>,
    #[serde(rename = "DryRun", skip_serializing_if = "Option::is_none")]
    pub dry_run: Option<bool>,
    #[serde(rename = "UsageAllocations", skip_serializing_if = "Option::is_none")]
    pub usage_allocations: Option<Vec<UsageAllocation>>,
    /// Filled with a fresh UUIDv4 by the client when unset, as the AWS SDKs do.
    #[serde(rename = "ClientToken", skip_serializing_if = "Option::is_none")]
    pub client_token: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct MeterUsageOutput {
    #[serde(rename = "MeteringRecordId", default)]
    pub metering_record_id: Option<String>,
}
