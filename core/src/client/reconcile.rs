//! A 2xx answer is believed only when it proves the operation happened, and a BatchMeterUsage
//! answer only when it accounts for every record sent, exactly once.
//!
//! A record's identity is what the service de-duplicates on: the customer
//! (`CustomerIdentifier`, or `CustomerAWSAccountId` with `LicenseArn` for concurrent
//! agreements), the `Dimension`, and the hour of the `Timestamp` (UTC, seconds floored to a
//! multiple of 3600). The product is the same for every record of a call. Quantities are not
//! part of it: a record answered DuplicateRecord is one whose identity was already metered
//! with another quantity. Two records of one call with the same identity are each expected
//! once, so multiplicities are compared, not sets.

use std::collections::HashMap;

use foldhash::fast::RandomState;

use super::output::OperationOutput;
use crate::model::{BatchMeterUsageOutput, UsageRecord};

/// What the service de-duplicates a usage record on.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Identity<'a> {
    customer_identifier: Option<&'a str>,
    customer_aws_account_id: Option<&'a str>,
    license_arn: Option<&'a str>,
    dimension: Option<&'a str>,
    hour: Option<i64>,
}

impl<'a> Identity<'a> {
    fn of(r: &'a UsageRecord) -> Self {
        Self {
            customer_identifier: r.customer_identifier.as_deref(),
            customer_aws_account_id: r.customer_aws_account_id.as_deref(),
            license_arn: r.license_arn.as_deref(),
            dimension: r.dimension.as_deref(),
            hour: r.timestamp.map(|t| t.div_euclid(3600) * 3600),
        }
    }

    fn describe(&self) -> String {
        let customer = self
            .customer_identifier
            .or(self.customer_aws_account_id)
            .unwrap_or("?");
        let mut s = format!(
            "customer {customer:?}, dimension {:?}, hour {}",
            self.dimension.unwrap_or("?"),
            self.hour.map_or_else(|| "?".to_string(), |h| h.to_string())
        );
        if let Some(l) = self.license_arn {
            s.push_str(&format!(", license {l:?}"));
        }
        s
    }
}

/// Checks a successful answer of the call whose BatchMeterUsage records were `sent` (empty for
/// the other operations). Records the answer leaves out are appended to its unprocessed
/// records and counted in `missing_from_answer`, so a caller that re-sends the unprocessed
/// records re-sends them too.
pub fn check_output(
    sent: &[UsageRecord],
    output: OperationOutput,
) -> Result<OperationOutput, String> {
    match output {
        OperationOutput::MeterUsage(o) if is_blank(&o.metering_record_id) => Err(
            "the MeterUsage answer has no MeteringRecordId, so nothing proves the usage was \
                 metered"
                .into(),
        ),
        OperationOutput::RegisterUsage(o) if is_blank(&o.signature) => Err(
            "the RegisterUsage answer has no Signature, so nothing proves the usage was registered"
                .into(),
        ),
        OperationOutput::ResolveCustomer(o)
            if is_blank(&o.customer_identifier) && is_blank(&o.customer_aws_account_id) =>
        {
            Err(
                "the ResolveCustomer answer has neither CustomerIdentifier nor \
                 CustomerAWSAccountId"
                    .into(),
            )
        }
        OperationOutput::BatchMeterUsage(o) => {
            reconcile_batch(sent, o).map(OperationOutput::BatchMeterUsage)
        }
        other => Ok(other),
    }
}

fn is_blank(v: &Option<String>) -> bool {
    v.as_deref().map_or(true, str::is_empty)
}

/// The records of each identity sent and not yet accounted for, by index into `sent`.
type Open<'a> = HashMap<Identity<'a>, Vec<usize>, RandomState>;

fn reconcile_batch(
    sent: &[UsageRecord],
    mut out: BatchMeterUsageOutput,
) -> Result<BatchMeterUsageOutput, String> {
    let mut open: Open<'_> = HashMap::with_capacity_and_hasher(sent.len(), RandomState::default());
    for (i, r) in sent.iter().enumerate() {
        open.entry(Identity::of(r)).or_default().push(i);
    }
    for (i, result) in out.results.iter().enumerate() {
        let record = result.usage_record.as_ref().ok_or_else(|| {
            format!("the BatchMeterUsage answer's result {i} does not echo its UsageRecord")
        })?;
        account(&mut open, sent, record, "result", i)?;
    }
    for (i, record) in out.unprocessed_records.iter().enumerate() {
        account(&mut open, sent, record, "unprocessed record", i)?;
    }
    // The records the answer left out, in the order they were sent.
    let mut missing: Vec<usize> = open.into_values().flatten().collect();
    missing.sort_unstable();
    out.missing_from_answer = missing.len();
    out.unprocessed_records
        .extend(missing.into_iter().map(|i| sent[i].clone()));
    Ok(out)
}

/// Counts one answered record against the records sent with its identity: the one equal to
/// it if there is one (two records of a call can share an identity), else the first.
fn account<'a>(
    open: &mut Open<'a>,
    sent: &[UsageRecord],
    answered: &'a UsageRecord,
    what: &str,
    i: usize,
) -> Result<(), String> {
    let id = Identity::of(answered);
    match open.get_mut(&id) {
        Some(left) if !left.is_empty() => {
            let pos = left.iter().position(|&s| sent[s] == *answered).unwrap_or(0);
            left.remove(pos);
            Ok(())
        }
        Some(_) => Err(format!(
            "the BatchMeterUsage answer accounts twice for one record sent ({what} {i}: {})",
            id.describe()
        )),
        None => Err(format!(
            "the BatchMeterUsage answer names a record that was never sent ({what} {i}: {})",
            id.describe()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{
        MeterUsageOutput, RegisterUsageOutput, ResolveCustomerOutput, UsageRecordResult,
        UsageRecordResultStatus,
    };

    fn rec(customer: &str, dim: &str, ts: i64, qty: i32) -> UsageRecord {
        UsageRecord {
            timestamp: Some(ts),
            customer_identifier: Some(customer.into()),
            dimension: Some(dim.into()),
            quantity: Some(qty),
            ..Default::default()
        }
    }

    fn ok(r: &UsageRecord) -> UsageRecordResult {
        UsageRecordResult {
            usage_record: Some(r.clone()),
            metering_record_id: Some("id".into()),
            status: Some(UsageRecordResultStatus::Success),
        }
    }

    fn batch(results: Vec<UsageRecordResult>, unprocessed: Vec<UsageRecord>) -> OperationOutput {
        OperationOutput::BatchMeterUsage(BatchMeterUsageOutput {
            results,
            unprocessed_records: unprocessed,
            missing_from_answer: 0,
        })
    }

    fn reconciled(sent: &[UsageRecord], out: OperationOutput) -> BatchMeterUsageOutput {
        match check_output(sent, out).unwrap() {
            OperationOutput::BatchMeterUsage(o) => o,
            other => panic!("{other:?}"),
        }
    }

    const T: i64 = 1_796_000_400; // an exact hour

    #[test]
    fn a_complete_answer_passes_unchanged() {
        let sent = [rec("a", "d", T, 1), rec("b", "d", T, 2)];
        let o = reconciled(&sent, batch(vec![ok(&sent[0])], vec![sent[1].clone()]));
        assert_eq!((o.results.len(), o.unprocessed_records.len()), (1, 1));
        assert_eq!(o.missing_from_answer, 0);
    }

    #[test]
    fn a_record_left_out_is_reported_as_unprocessed_and_missing() {
        let sent = [
            rec("a", "d", T, 1),
            rec("b", "d", T, 2),
            rec("c", "d", T, 3),
        ];
        let o = reconciled(&sent, batch(vec![ok(&sent[1])], vec![]));
        assert_eq!(
            o.unprocessed_records,
            vec![sent[0].clone(), sent[2].clone()]
        );
        assert_eq!(o.missing_from_answer, 2);
    }

    #[test]
    fn an_empty_answer_leaves_every_record_unprocessed() {
        let sent = [rec("a", "d", T, 1)];
        let o = reconciled(&sent, batch(vec![], vec![]));
        assert_eq!((o.unprocessed_records.len(), o.missing_from_answer), (1, 1));
    }

    #[test]
    fn a_stranger_or_a_second_result_is_an_invalid_answer() {
        let sent = [rec("a", "d", T, 1)];
        let stranger = rec("z", "d", T, 1);
        let e = check_output(&sent, batch(vec![ok(&stranger)], vec![])).unwrap_err();
        assert!(e.contains("never sent") && e.contains("\"z\""), "{e}");
        let e = check_output(&sent, batch(vec![ok(&sent[0]), ok(&sent[0])], vec![])).unwrap_err();
        assert!(e.contains("twice"), "{e}");
        let e = check_output(&sent, batch(vec![ok(&sent[0])], vec![sent[0].clone()])).unwrap_err();
        assert!(e.contains("twice"), "{e}");
        let echo_less = UsageRecordResult {
            usage_record: None,
            ..ok(&sent[0])
        };
        let e = check_output(&sent, batch(vec![echo_less], vec![])).unwrap_err();
        assert!(e.contains("does not echo"), "{e}");
    }

    #[test]
    fn identity_is_customer_dimension_and_hour_not_quantity_or_second() {
        let sent = [rec("a", "d", T + 59, 1)];
        // The service echoes the record; a DuplicateRecord answer may carry the hour's start.
        let echoed = rec("a", "d", T, 7);
        let o = reconciled(&sent, batch(vec![ok(&echoed)], vec![]));
        assert_eq!(o.missing_from_answer, 0);
        let other_hour = rec("a", "d", T + 3600, 1);
        assert!(check_output(&sent, batch(vec![ok(&other_hour)], vec![])).is_err());
        let other_dim = rec("a", "e", T, 1);
        assert!(check_output(&sent, batch(vec![ok(&other_dim)], vec![])).is_err());
        let mut by_account = rec("a", "d", T, 1);
        by_account.customer_identifier = None;
        by_account.customer_aws_account_id = Some("a".into());
        assert!(check_output(&sent, batch(vec![ok(&by_account)], vec![])).is_err());
    }

    #[test]
    fn two_records_with_one_identity_are_each_expected_once() {
        let sent = [rec("a", "d", T, 1), rec("a", "d", T + 10, 2)];
        let o = reconciled(&sent, batch(vec![ok(&sent[0])], vec![]));
        assert_eq!(o.unprocessed_records, vec![sent[1].clone()]);
        assert!(check_output(&sent, batch(vec![ok(&sent[0]); 3], vec![])).is_err());
    }

    #[test]
    fn an_answer_without_its_proof_is_invalid() {
        let e = check_output(
            &[],
            OperationOutput::MeterUsage(MeterUsageOutput::default()),
        );
        assert!(e.unwrap_err().contains("MeteringRecordId"));
        let empty_id = MeterUsageOutput {
            metering_record_id: Some(String::new()),
        };
        assert!(check_output(&[], OperationOutput::MeterUsage(empty_id)).is_err());
        let e = check_output(
            &[],
            OperationOutput::RegisterUsage(RegisterUsageOutput::default()),
        );
        assert!(e.unwrap_err().contains("Signature"));
        let e = check_output(
            &[],
            OperationOutput::ResolveCustomer(ResolveCustomerOutput::default()),
        );
        assert!(e.unwrap_err().contains("CustomerAWSAccountId"));
        let by_account = ResolveCustomerOutput {
            customer_aws_account_id: Some("123456789012".into()),
            ..Default::default()
        };
        assert!(check_output(&[], OperationOutput::ResolveCustomer(by_account)).is_ok());
    }
}
