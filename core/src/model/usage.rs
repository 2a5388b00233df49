//! Shapes shared by MeterUsage and BatchMeterUsage: usage records, allocations and tags.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tag {
    #[serde(rename = "Key")]
    pub key: String,
    #[serde(rename = "Value")]
    pub value: String,
}

/// A bucket of usage. Exactly one of the two quantity members is set in a valid allocation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsageAllocation {
    #[serde(
        rename = "AllocatedUsageQuantity",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub allocated_usage_quantity: Option<i32>,
    #[serde(
        rename = "AllocatedUsageQuantityAsDecimal",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub allocated_usage_quantity_as_decimal: Option<String>,
    #[serde(rename = "Tags", skip_serializing_if = "Option::is_none", default)]
    pub tags: Option<Vec<Tag>>,
}

/// One BatchMeterUsage record; also what the service echoes back in results and
/// `UnprocessedRecords`, so it deserializes as well as it serializes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsageRecord {
    #[serde(
        rename = "Timestamp",
        skip_serializing_if = "Option::is_none",
        default,
        deserialize_with = "super::epoch::de_opt"
    )]
    pub timestamp: Option<i64>,
    #[serde(
        rename = "CustomerIdentifier",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub customer_identifier: Option<String>,
    #[serde(rename = "Dimension", skip_serializing_if = "Option::is_none", default)]
    pub dimension: Option<String>,
    #[serde(rename = "Quantity", skip_serializing_if = "Option::is_none", default)]
    pub quantity: Option<i32>,
    #[serde(
        rename = "QuantityAsDecimal",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub quantity_as_decimal: Option<String>,
    #[serde(
        rename = "UsageAllocations",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub usage_allocations: Option<Vec<UsageAllocation>>,
    #[serde(
        rename = "CustomerAWSAccountId",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub customer_aws_account_id: Option<String>,
    #[serde(
        rename = "LicenseArn",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub license_arn: Option<String>,
}
