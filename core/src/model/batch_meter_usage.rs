use serde::{Deserialize, Serialize};

use super::usage::UsageRecord;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct BatchMeterUsageInput {
    #[serde(rename = "UsageRecords")]
    pub usage_records: Vec<UsageRecord>,
    #[serde(rename = "ProductCode", skip_serializing_if = "Option::is_none")]
    pub product_code: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct BatchMeterUsageOutput {
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

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct UsageRecordResult {
    #[serde(rename = "UsageRecord", default)]
    pub usage_record: Option<UsageRecord>,
    #[serde(rename = "MeteringRecordId", default)]
    pub metering_record_id: Option<String>,
    #[serde(rename = "Status", default)]
    pub status: Option<UsageRecordResultStatus>,
}

/// A record's outcome. A status this version does not know is kept with its raw text rather
/// than failing the whole response: the records it describes were still processed.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(from = "String")]
pub enum UsageRecordResultStatus {
    Success,
    CustomerNotSubscribed,
    DuplicateRecord,
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
    pub fn as_str(&self) -> &str {
        match self {
            Self::Success => "Success",
            Self::CustomerNotSubscribed => "CustomerNotSubscribed",
            Self::DuplicateRecord => "DuplicateRecord",
            Self::Unknown(raw) => raw,
        }
    }
}
