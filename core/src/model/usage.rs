//! Shapes shared by MeterUsage and BatchMeterUsage: usage records, allocations and tags.

use serde::{Deserialize, Serialize};

/// One key-value label of an allocation's bucket. Both parts are 1 to 100 (key) or 1 to 256
/// (value) characters of `[a-zA-Z0-9+ -=._:/@]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tag {
    /// The category, e.g. `"team"`. Two allocations of one request may not have the same set
    /// of tags, whatever their order.
    #[serde(rename = "Key")]
    pub key: String,
    /// The label within the category, e.g. `"blue"`.
    #[serde(rename = "Value")]
    pub value: String,
}

/// A bucket of usage. Exactly one of the two quantity members is set in a valid allocation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsageAllocation {
    /// This bucket's share as a whole number, 0 to 2147483647; only when the request's or
    /// record's quantity is the integer form.
    #[serde(
        rename = "AllocatedUsageQuantity",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub allocated_usage_quantity: Option<i32>,
    /// This bucket's share as a decimal string (`"17.42"`: up to 10 integer and 6 fractional
    /// digits); only when the request's or record's quantity is the decimal form.
    #[serde(
        rename = "AllocatedUsageQuantityAsDecimal",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub allocated_usage_quantity_as_decimal: Option<String>,
    /// The bucket's tags, 1 to `MAX_TAGS_PER_ALLOCATION` (5); `None` for the bucket of untagged
    /// usage (an empty list is refused).
    #[serde(rename = "Tags", skip_serializing_if = "Option::is_none", default)]
    pub tags: Option<Vec<Tag>>,
}

/// One BatchMeterUsage record; also what the service echoes back in results and
/// `UnprocessedRecords`, so it deserializes as well as it serializes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsageRecord {
    /// The UTC hour of the usage as Unix seconds. Required; the service takes up to 24 hours in
    /// the past (and until 06:00 UTC on the 1st for the month before). A response may carry a
    /// fraction of a second, dropped when read.
    #[serde(
        rename = "Timestamp",
        skip_serializing_if = "Option::is_none",
        default,
        deserialize_with = "super::epoch::de_opt"
    )]
    pub timestamp: Option<i64>,
    /// The buyer as `ResolveCustomer` named them (legacy integrations, up to 255 characters).
    /// Exactly one of this and `customer_aws_account_id`.
    #[serde(
        rename = "CustomerIdentifier",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub customer_identifier: Option<String>,
    /// One of the product's dimensions. Required; 1 to 255 characters.
    #[serde(rename = "Dimension", skip_serializing_if = "Option::is_none", default)]
    pub dimension: Option<String>,
    /// The usage as a whole number, 0 to 2147483647; at most one of this and
    /// `quantity_as_decimal` (with neither the service counts 0).
    #[serde(rename = "Quantity", skip_serializing_if = "Option::is_none", default)]
    pub quantity: Option<i32>,
    /// The usage as a decimal string (`"17.42"`: up to 10 integer and 6 fractional digits).
    #[serde(
        rename = "QuantityAsDecimal",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub quantity_as_decimal: Option<String>,
    /// The quantity split into tagged buckets: 1 to `MAX_USAGE_ALLOCATIONS`, in the record's
    /// quantity form, a distinct tag set each, summing exactly to the quantity.
    #[serde(
        rename = "UsageAllocations",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub usage_allocations: Option<Vec<UsageAllocation>>,
    /// The buyer's 12-digit AWS account id (digits only, as `ResolveCustomer` returns it), the
    /// way new integrations name the customer; goes with `license_arn`.
    #[serde(
        rename = "CustomerAWSAccountId",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub customer_aws_account_id: Option<String>,
    /// The license the buyer was granted (`arn:aws:license-manager::...`, from
    /// `ResolveCustomer` or the agreements feed). It names the product, so a batch whose
    /// records all carry one needs no `product_code`.
    #[serde(
        rename = "LicenseArn",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub license_arn: Option<String>,
}
