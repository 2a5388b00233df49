//! Requests seen per operation and per outcome, for retry tests
//! ("the client tried 3 times: 2 ThrottlingException, 1 Success").

use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Default, Serialize)]
pub struct OperationStats {
    pub total: u64,
    pub outcomes: BTreeMap<String, u64>,
}

#[derive(Debug, Default, Serialize)]
pub struct Stats {
    pub total: u64,
    pub operations: BTreeMap<String, OperationStats>,
    /// BatchMeterUsage per-record statuses answered (Success, DuplicateRecord,
    /// CustomerNotSubscribed), so a test can tell that no record was a DuplicateRecord.
    pub record_statuses: BTreeMap<String, u64>,
}

impl Stats {
    /// `operation` is the X-Amz-Target operation or "Unknown"; `outcome` is
    /// "Success", an error code, or a fault mode for non-AWS answers.
    pub fn count(&mut self, operation: &str, outcome: &str) {
        self.total += 1;
        let op = self.operations.entry(operation.to_string()).or_default();
        op.total += 1;
        *op.outcomes.entry(outcome.to_string()).or_default() += 1;
    }

    /// Counts the Status of each Result of a BatchMeterUsage answer.
    pub fn count_record_statuses(&mut self, answer: &serde_json::Value) {
        if let Some(results) = answer.get("Results").and_then(|r| r.as_array()) {
            for r in results {
                if let Some(s) = r.get("Status").and_then(|s| s.as_str()) {
                    *self.record_statuses.entry(s.to_string()).or_default() += 1;
                }
            }
        }
    }

    pub fn clear(&mut self) {
        *self = Stats::default();
    }
}
