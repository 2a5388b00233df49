//! SaaS delivery: one BatchMeterUsage call for up to 25 slots of one product. The request is
//! made from the sealed slot alone (its hour is the timestamp, its frozen quantity the
//! quantity), so every resend is byte-identical. A whole-call refusal is bisected until the
//! bad record stands alone; the others go through.

use std::collections::HashMap;

use super::status::{record_status, verdict, CallVerdict};
use super::transport::Transport;
use crate::model::{BatchMeterUsageInput, UsageRecord};
use crate::outbox::model::SlotView;
use crate::outbox::quantity;
use crate::outbox::store::Completion;

/// The outcome of one request: its request id and what it did to each slot it carried.
pub type RequestResult = (Option<String>, Vec<(i64, Completion)>);

fn is_account_id(customer: &str) -> bool {
    customer.len() == 12 && customer.bytes().all(|b| b.is_ascii_digit())
}

/// The record for a sealed slot. Whole quantities go as `Quantity`, others as
/// `QuantityAsDecimal`: the same slot always makes the same record.
pub fn usage_record(slot: &SlotView) -> UsageRecord {
    let m = slot.quantity_millionths;
    let whole = m % quantity::SCALE == 0;
    let account = is_account_id(&slot.customer);
    UsageRecord {
        timestamp: Some(slot.hour),
        customer_identifier: (!account).then(|| slot.customer.clone()),
        customer_aws_account_id: account.then(|| slot.customer.clone()),
        dimension: Some(slot.dimension.clone()),
        quantity: whole.then(|| (m / quantity::SCALE) as i32),
        quantity_as_decimal: (!whole).then(|| quantity::format(m)),
        ..Default::default()
    }
}

fn key(r: &UsageRecord) -> (String, String, i64) {
    (
        r.customer_identifier
            .clone()
            .or_else(|| r.customer_aws_account_id.clone())
            .unwrap_or_default(),
        r.dimension.clone().unwrap_or_default(),
        r.timestamp.unwrap_or_default(),
    )
}

/// Sends `slots` (one product), bisecting whole-call refusals; `before_each` runs before every
/// request (the rate limit; false: no turn could be had, the rest is left unsent for a later
/// claim) and `after_each` after every answer (the crash hook).
pub async fn deliver<T: Transport + ?Sized, B, A>(
    transport: &T,
    slots: &[SlotView],
    in_doubt: &[bool],
    mut before_each: impl FnMut() -> B,
    mut after_each: impl FnMut() -> A,
) -> Vec<RequestResult>
where
    B: std::future::Future<Output = bool>,
    A: std::future::Future<Output = ()>,
{
    let mut results = Vec::new();
    let all: Vec<usize> = (0..slots.len()).collect();
    let mut stack = vec![all];
    while let Some(group) = stack.pop() {
        if !before_each().await {
            break;
        }
        let input = BatchMeterUsageInput {
            usage_records: group.iter().map(|&i| usage_record(&slots[i])).collect(),
            product_code: Some(slots[group[0]].product.clone()),
        };
        let out = transport.batch_meter_usage(input).await;
        after_each().await;
        let request_id = out.meta.request_id.clone();
        let done: Vec<(i64, Completion)> = match out.result {
            Ok(o) => {
                let by_key: HashMap<_, _> = group
                    .iter()
                    .map(|&i| (key(&usage_record(&slots[i])), i))
                    .collect();
                let mut done = Vec::new();
                let mut seen = vec![false; slots.len()];
                for r in o.results {
                    let Some(&i) = r.usage_record.as_ref().and_then(|u| by_key.get(&key(u))) else {
                        continue;
                    };
                    if !seen[i] {
                        seen[i] = true;
                        done.push((
                            slots[i].id,
                            record_status(r.status.as_ref(), r.metering_record_id, in_doubt[i]),
                        ));
                    }
                }
                // Unprocessed, or missing from the answer: back to sealed. A missing one may
                // have been recorded (the service did not say), so it is in doubt.
                let missing_from = o
                    .unprocessed_records
                    .len()
                    .saturating_sub(o.missing_from_answer);
                for (n, u) in o.unprocessed_records.iter().enumerate() {
                    if let Some(&i) = by_key.get(&key(u)) {
                        if !seen[i] {
                            seen[i] = true;
                            let in_doubt = n >= missing_from;
                            let reason = if in_doubt {
                                "missing from the answer"
                            } else {
                                "unprocessed"
                            };
                            done.push((
                                slots[i].id,
                                Completion::Retry {
                                    reason: reason.into(),
                                    in_doubt,
                                },
                            ));
                        }
                    }
                }
                for &i in &group {
                    if !seen[i] {
                        done.push((
                            slots[i].id,
                            Completion::Retry {
                                reason: "not in the answer".into(),
                                in_doubt: true,
                            },
                        ));
                    }
                }
                done
            }
            Err(e) => match verdict(&e, out.meta.http_status) {
                CallVerdict::Refused { reason, .. } if group.len() > 1 => {
                    let (a, b) = group.split_at(group.len() / 2);
                    // The first half is sent first: oldest first.
                    stack.push(b.to_vec());
                    stack.push(a.to_vec());
                    let logged = group
                        .iter()
                        .map(|&i| {
                            (
                                slots[i].id,
                                Completion::Bisected {
                                    reason: reason.clone(),
                                },
                            )
                        })
                        .collect();
                    results.push((request_id, logged));
                    continue;
                }
                CallVerdict::Refused { state, reason } => group
                    .iter()
                    .map(|&i| {
                        (
                            slots[i].id,
                            Completion::Terminal {
                                state,
                                metering_record_id: None,
                                reason: Some(reason.clone()),
                            },
                        )
                    })
                    .collect(),
                CallVerdict::Outage { reason, in_doubt } => group
                    .iter()
                    .map(|&i| {
                        (
                            slots[i].id,
                            Completion::Retry {
                                reason: reason.clone(),
                                in_doubt,
                            },
                        )
                    })
                    .collect(),
            },
        };
        results.push((request_id, done));
    }
    results
}
