//! Idempotency state, always derivable from the ledger (so a reloaded ledger
//! file restores it):
//! - MeterUsage: one record per (instance, product, dimension, hour); the
//!   same quantity again gets the same MeteringRecordId, another quantity is
//!   a DuplicateRequestException. A ClientToken maps to the parameters it was
//!   first used with; reuse with other parameters is an IdempotencyConflict.
//! - BatchMeterUsage: one record per (product or license, customer, dimension,
//!   hour); same quantity -> Success with the same id, else DuplicateRecord.

use crate::decimal::Decimal;
use crate::ledger::{Ledger, LedgerAllocation, LedgerEntry};
use std::collections::HashMap;

type HourKey = (String, String, String, i64);

#[derive(Debug, PartialEq)]
pub enum MeterDecision {
    /// Already recorded: answer with this id.
    Existing(String),
    IdempotencyConflict,
    Duplicate,
    New,
}

#[derive(Debug, Default)]
pub struct Store {
    pub ledger: Ledger,
    meter_hour: HashMap<HourKey, (String, Decimal)>,
    meter_tokens: HashMap<(String, String), (String, String)>,
    batch_hour: HashMap<HourKey, (String, Decimal)>,
}

pub fn timestamp_ms(ts: f64) -> i64 {
    (ts * 1000.0).round() as i64
}

pub fn hour_of(ts: f64) -> i64 {
    timestamp_ms(ts).div_euclid(3_600_000) * 3600
}

/// What "the same parameters" means for a ClientToken: quantities by value
/// (whichever member carried them), allocations regardless of order.
pub fn meter_fingerprint(
    product: &str,
    dimension: &str,
    ts: f64,
    quantity: &str,
    allocations: &[LedgerAllocation],
) -> String {
    let mut allocs: Vec<String> = allocations
        .iter()
        .map(|a| {
            let mut tags: Vec<String> = a
                .tags
                .iter()
                .map(|t| format!("{}={}", t.key, t.value))
                .collect();
            tags.sort();
            format!("{}[{}]", a.quantity, tags.join(","))
        })
        .collect();
    allocs.sort();
    serde_json::json!([product, dimension, timestamp_ms(ts), quantity, allocs]).to_string()
}

/// Batch records are keyed by license when they carry one, else by product.
pub fn batch_keys(e: &LedgerEntry) -> (String, String) {
    let product = match (&e.license_arn, &e.product_code) {
        (Some(l), _) => format!("license:{l}"),
        (None, p) => format!("product:{}", p.as_deref().unwrap_or("")),
    };
    let customer = match (&e.customer_aws_account_id, &e.customer_identifier) {
        (Some(a), _) => format!("account:{a}"),
        (None, c) => format!("customer:{}", c.as_deref().unwrap_or("")),
    };
    (product, customer)
}

impl Store {
    pub fn new(ledger: Ledger) -> Store {
        let mut s = Store {
            ledger,
            ..Store::default()
        };
        let entries = s.ledger.entries().to_vec();
        for e in &entries {
            s.index(e);
        }
        s
    }

    fn index(&mut self, e: &LedgerEntry) {
        let qty = Decimal::parse(&e.quantity).unwrap_or_default();
        let id = e.metering_record_id.clone();
        if e.operation == "MeterUsage" {
            let instance = e.instance.clone().unwrap_or_default();
            let product = e.product_code.clone().unwrap_or_default();
            self.meter_hour.insert(
                (
                    instance.clone(),
                    product.clone(),
                    e.dimension.clone(),
                    e.hour,
                ),
                (id.clone(), qty),
            );
            if let Some(t) = &e.client_token {
                let fp = meter_fingerprint(
                    &product,
                    &e.dimension,
                    e.timestamp,
                    &e.quantity,
                    &e.allocations,
                );
                self.meter_tokens.insert((instance, t.clone()), (id, fp));
            }
        } else {
            let (p, c) = batch_keys(e);
            self.batch_hour
                .insert((p, c, e.dimension.clone(), e.hour), (id, qty));
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub fn meter_decide(
        &mut self,
        instance: &str,
        token: Option<&str>,
        fingerprint: &str,
        product: &str,
        dimension: &str,
        hour: i64,
        qty: Decimal,
    ) -> MeterDecision {
        if let Some(t) = token {
            if let Some((id, fp)) = self
                .meter_tokens
                .get(&(instance.to_string(), t.to_string()))
            {
                return if fp == fingerprint {
                    MeterDecision::Existing(id.clone())
                } else {
                    MeterDecision::IdempotencyConflict
                };
            }
        }
        let key = (
            instance.to_string(),
            product.to_string(),
            dimension.to_string(),
            hour,
        );
        match self.meter_hour.get(&key) {
            Some((id, q)) if *q == qty => {
                let id = id.clone();
                if let Some(t) = token {
                    // The token now names this record, so a later reuse
                    // with other parameters is a conflict.
                    self.meter_tokens.insert(
                        (instance.to_string(), t.to_string()),
                        (id.clone(), fingerprint.to_string()),
                    );
                }
                MeterDecision::Existing(id)
            }
            Some(_) => MeterDecision::Duplicate,
            None => MeterDecision::New,
        }
    }

    /// Some((id, same_quantity)) when the batch key already has a record.
    pub fn batch_lookup(&self, e: &LedgerEntry, qty: Decimal) -> Option<(String, bool)> {
        let (p, c) = batch_keys(e);
        self.batch_hour
            .get(&(p, c, e.dimension.clone(), e.hour))
            .map(|(id, q)| (id.clone(), *q == qty))
    }

    pub fn record(&mut self, e: LedgerEntry) -> std::io::Result<()> {
        self.index(&e);
        self.ledger.push(e)
    }

    pub fn clear(&mut self) -> std::io::Result<()> {
        self.meter_hour.clear();
        self.meter_tokens.clear();
        self.batch_hour.clear();
        self.ledger.clear()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_round_down() {
        assert_eq!(hour_of(7199.999), 3600);
        assert_eq!(hour_of(7200.0), 7200);
        assert_eq!(timestamp_ms(1.2345), 1235);
    }

    #[test]
    fn fingerprint_ignores_allocation_order() {
        let a = |q: &str, k: &str| LedgerAllocation {
            quantity: q.into(),
            tags: vec![crate::ledger::LedgerTag {
                key: k.into(),
                value: "v".into(),
            }],
        };
        let f1 = meter_fingerprint("p", "d", 1.0, "3", &[a("1", "x"), a("2", "y")]);
        let f2 = meter_fingerprint("p", "d", 1.0, "3", &[a("2", "y"), a("1", "x")]);
        assert_eq!(f1, f2);
        assert_ne!(
            f1,
            meter_fingerprint("p", "d", 1.0, "3", &[a("2", "x"), a("1", "y")])
        );
    }
}
