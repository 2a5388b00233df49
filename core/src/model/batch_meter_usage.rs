//! BatchMeterUsage: up to 25 usage records at once, for SaaS products metering their buyers.

use serde::{Deserialize, Serialize};

use super::usage::UsageRecord;

/// A BatchMeterUsage request: records for any of the product's customers, dimensions and
/// hours. The service de-duplicates a record by customer, dimension and hour, so re-sending a
/// record (for instance one of `unprocessed_records`) never bills it twice.
///
/// ```
/// use mpmeter_core::model::{BatchMeterUsageInput, UsageRecord};
/// use mpmeter_core::validate::validate_batch_meter_usage;
///
/// let record = UsageRecord {
///     timestamp: Some(1_767_225_600),
///     customer_aws_account_id: Some("111122223333".into()),
///     license_arn: Some("arn:aws:license-manager::111122223333:license:l-0123456789".into()),
///     dimension: Some("api_calls".into()),
///     quantity: Some(120),
///     ..Default::default()
/// };
/// // With a LicenseArn on every record no ProductCode is needed.
/// let input = BatchMeterUsageInput { usage_records: vec![record.clone()], product_code: None };
/// assert!(validate_batch_meter_usage(&input).is_ok());
///
/// // A record must name its customer one way or the other.
/// let anonymous = UsageRecord { customer_aws_account_id: None, ..record };
/// let err = validate_batch_meter_usage(&BatchMeterUsageInput {
///     usage_records: vec![anonymous],
///     product_code: None,
/// })
/// .unwrap_err();
/// assert_eq!(err.member, "UsageRecords[0]");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct BatchMeterUsageInput {
    /// The records, 0 to `MAX_USAGE_RECORDS` (25); each is checked as
    /// `validate::validate_usage_record` says.
    #[serde(rename = "UsageRecords")]
    pub usage_records: Vec<UsageRecord>,
    /// The product's code: needed by records that name their customer by
    /// `customer_identifier` (legacy integrations); leave it out when every record carries a
    /// `license_arn`, which names the product itself.
    #[serde(rename = "ProductCode", skip_serializing_if = "Option::is_none")]
    pub product_code: Option<String>,
}

/// A BatchMeterUsage answer, reconciled with what was sent: every record sent is in exactly
/// one of `results` and `unprocessed_records`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct BatchMeterUsageOutput {
    /// The records the service processed, each with its own status (a processed record may
    /// still have been refused: see `UsageRecordResultStatus`).
    #[serde(rename = "Results", default)]
    pub results: Vec<UsageRecordResult>,
    /// The records the service returned as unprocessed, then those its answer left out.
    #[serde(rename = "UnprocessedRecords", default)]
    pub unprocessed_records: Vec<UsageRecord>,
    /// How many of the last `unprocessed_records` were missing from the answer (neither a
    /// result nor unprocessed): sent, but the service did not say what became of them.
    #[serde(skip)]
    pub missing_from_answer: usize,
}

/// What became of one processed record.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct UsageRecordResult {
    /// The record as the service echoed it back; the client matches it to a record sent by
    /// customer, dimension and hour.
    #[serde(rename = "UsageRecord", default)]
    pub usage_record: Option<UsageRecord>,
    /// The service's id of the metering event, when one was recorded (status `Success`).
    #[serde(rename = "MeteringRecordId", default)]
    pub metering_record_id: Option<String>,
    /// Whether the record was metered.
    #[serde(rename = "Status", default)]
    pub status: Option<UsageRecordResultStatus>,
}

/// A record's outcome. A status this version does not know is kept with its raw text rather
/// than failing the whole response: the records it describes were still processed.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(from = "String")]
pub enum UsageRecordResultStatus {
    /// Metered.
    Success,
    /// Not metered: the customer cannot use the product (unknown customer, no subscription,
    /// or a suspended account).
    CustomerNotSubscribed,
    /// Not metered: a record for the same customer, dimension and hour was metered before
    /// with a different quantity; the first one stands.
    DuplicateRecord,
    /// A status newer than this library, with the service's text.
    Unknown(String),
}

impl From<String> for UsageRecordResultStatus {
    fn from(s: String) -> Self {
        match s.as_str() {
            "Success" => Self::Success,
            "CustomerNotSubscribed" => Self::CustomerNotSubscribed,
            "DuplicateRecord" => Self::DuplicateRecord,
            _ => Self::Unknown(s),
        }
    }
}

impl UsageRecordResultStatus {
    /// The status as the service wrote it (`"Success"`, or an unknown status's own text).
    pub fn as_str(&self) -> &str {
        match self {
            Self::Success => "Success",
            Self::CustomerNotSubscribed => "CustomerNotSubscribed",
            Self::DuplicateRecord => "DuplicateRecord",
            Self::Unknown(raw) => raw,
        }
    }
}
