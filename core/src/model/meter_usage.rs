//! MeterUsage: one hour of one dimension's usage for the product the caller runs as (AMI and
//! container products on the buyer's own account).

use serde::{Deserialize, Serialize};

use super::usage::UsageAllocation;

/// A MeterUsage request. Build it as a struct literal over `..Default::default()`; the client
/// checks it against the model (`validate::validate_meter_usage`) before anything is sent.
///
/// ```
/// use mpmeter_core::model::{MeterUsageInput, Tag, UsageAllocation};
/// use mpmeter_core::validate::validate_meter_usage;
///
/// let input = MeterUsageInput {
///     product_code: Some("demo-product".into()),
///     timestamp: Some(1_767_225_600), // 2026-01-01T00:00:00Z
///     usage_dimension: Some("users".into()),
///     usage_quantity_as_decimal: Some("2.5".into()),
///     // Optional: split the quantity by tags; the parts must add up exactly.
///     usage_allocations: Some(vec![
///         UsageAllocation {
///             allocated_usage_quantity_as_decimal: Some("2".into()),
///             tags: Some(vec![Tag { key: "team".into(), value: "blue".into() }]),
///             ..Default::default()
///         },
///         UsageAllocation {
///             allocated_usage_quantity_as_decimal: Some("0.5".into()),
///             ..Default::default()
///         },
///     ]),
///     ..Default::default()
/// };
/// assert!(validate_meter_usage(&input).is_ok());
///
/// // Both quantity forms at once break the model: refused before anything is sent.
/// let both = MeterUsageInput { usage_quantity: Some(3), ..input };
/// let err = validate_meter_usage(&both).unwrap_err();
/// assert_eq!(err.member, "");
/// assert!(err.reason.contains("sets both UsageQuantity and UsageQuantityAsDecimal"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MeterUsageInput {
    #[serde(rename = "ProductCode", skip_serializing_if = "Option::is_none")]
    /// The product's code as AWS Marketplace gave it at publishing. Required; at most 255
    /// characters of `[-a-zA-Z0-9/=:_.@]`.
    pub product_code: Option<String>,
    /// The UTC hour the usage belongs to, as Unix seconds (any second of the hour; the service
    /// keeps the hour). Required; the service takes up to six hours in the past, and the
    /// client refuses a value before 1970 or after year 9999.
    #[serde(rename = "Timestamp", skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<i64>,
    /// One of the product's dimensions, as named at publishing. Required; 1 to 255 characters.
    #[serde(rename = "UsageDimension", skip_serializing_if = "Option::is_none")]
    pub usage_dimension: Option<String>,
    /// The hour's usage as a whole number, 0 to 2147483647. At most one of this and
    /// `usage_quantity_as_decimal`; with neither the service counts 0.
    #[serde(rename = "UsageQuantity", skip_serializing_if = "Option::is_none")]
    pub usage_quantity: Option<i32>,
    /// The hour's usage as a decimal string, for fractional usage: up to 10 integer and 6
    /// fractional digits, no sign or exponent (`"17.42"`). Kept as text so that no
    /// floating-point rounding reaches a bill.
    #[serde(
        rename = "UsageQuantityAsDecimal",
        skip_serializing_if = "Option::is_none"
    )]
    pub usage_quantity_as_decimal: Option<String>,
    /// Only check the permissions: the service answers `DryRunOperation` (an error) when the
    /// caller may meter, and meters nothing either way.
    #[serde(rename = "DryRun", skip_serializing_if = "Option::is_none")]
    pub dry_run: Option<bool>,
    /// The quantity split into buckets by tags: 1 to `MAX_USAGE_ALLOCATIONS` allocations, each
    /// in the same quantity form as the request, each with its own tag set, summing exactly
    /// to the quantity.
    #[serde(rename = "UsageAllocations", skip_serializing_if = "Option::is_none")]
    pub usage_allocations: Option<Vec<UsageAllocation>>,
    /// The idempotency token, 1 to 64 characters: a repeat with the same token and the same
    /// members is answered as the first call was, so a retry never meters twice. Filled with a
    /// fresh UUIDv4 by the client when unset, as the AWS SDKs do; every retry of one call
    /// sends the same token.
    #[serde(rename = "ClientToken", skip_serializing_if = "Option::is_none")]
    pub client_token: Option<String>,
}

/// A successful MeterUsage answer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct MeterUsageOutput {
    /// The service's id of the metering record: the proof that the usage was recorded. Always
    /// `Some` in an output the client returns (an answer without it is
    /// `Error::InvalidResponse`); optional only because the model says so.
    #[serde(rename = "MeteringRecordId", default)]
    pub metering_record_id: Option<String>,
}
