//! The four operations and the rules they share (quantities, allocations,
//! timestamps). Handlers receive a body that already passed the model check
//! (model.rs), so they only enforce the rules written in the model's docs.

pub mod batch_meter_usage;
pub mod meter_usage;
pub mod register_usage;
pub mod resolve_customer;

use crate::decimal::Decimal;
use crate::errors::ApiError;
use crate::faults::Fault;
use crate::ledger::{LedgerAllocation, LedgerTag};
use crate::model::lower_first;
use crate::state::AppState;
use crate::timefmt::rfc3339_millis;
use serde::Deserialize;
use std::collections::HashSet;

/// What a handler knows about the request beyond its body.
pub struct Ctx<'a> {
    pub state: &'a AppState,
    /// The signing access key id: stands for the EC2 instance / ECS task /
    /// EKS pod of the real service's once-per-hour rule.
    pub access_key_id: String,
    /// AWS account of the caller (the buyer for MeterUsage/RegisterUsage).
    pub account_id: String,
    pub now_ms: i64,
    /// An `unprocessed` fault that fired for this BatchMeterUsage request.
    pub fault: Option<Fault>,
}

/// Runs `operation` (one of [`crate::model::OPERATIONS`]) on a body that
/// passed the model check.
pub fn handle(
    ctx: &Ctx,
    operation: &str,
    input: serde_json::Value,
) -> Result<serde_json::Value, ApiError> {
    match operation {
        "MeterUsage" => meter_usage::handle(ctx, input),
        "BatchMeterUsage" => batch_meter_usage::handle(ctx, input),
        "ResolveCustomer" => resolve_customer::handle(ctx, input),
        "RegisterUsage" => register_usage::handle(ctx, input),
        _ => Err(ApiError::unknown_operation(format!(
            "Unknown operation '{operation}'."
        ))),
    }
}

pub fn parse<T: for<'de> Deserialize<'de>>(body: serde_json::Value) -> Result<T, ApiError> {
    serde_json::from_value(body).map_err(|e| ApiError::serialization(e.to_string()))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TagIn {
    pub key: String,
    pub value: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AllocationIn {
    pub allocated_usage_quantity: Option<i64>,
    pub allocated_usage_quantity_as_decimal: Option<String>,
    pub tags: Option<Vec<TagIn>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QtyKind {
    Whole,
    Decimal,
}

impl QtyKind {
    pub fn name(self) -> &'static str {
        match self {
            QtyKind::Whole => "whole",
            QtyKind::Decimal => "decimal",
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Qty {
    pub kind: QtyKind,
    pub value: Decimal,
}

/// Member names of a quantity pair, e.g. ("UsageQuantity", "UsageQuantityAsDecimal"),
/// and the AWS path prefix of the structure holding them ("" or "usageRecords.3.member").
pub struct QtyNames<'a> {
    pub whole: &'a str,
    pub decimal: &'a str,
    pub path: &'a str,
}

impl QtyNames<'_> {
    fn at(&self, member: &str) -> String {
        if self.path.is_empty() {
            lower_first(member)
        } else {
            format!("{}.{}", self.path, lower_first(member))
        }
    }
}

/// The quantity of a request or record. Both forms at once is refused
/// (validation error text pushed to `errors`); neither means 0 as a whole number.
pub fn quantity(
    whole: Option<i64>,
    decimal: Option<&str>,
    names: &QtyNames<'_>,
    errors: &mut Vec<String>,
) -> Qty {
    match (whole, decimal) {
        (Some(_), Some(d)) => {
            errors.push(format!(
                "Value '{d}' at '{}' failed to satisfy constraint: Member must not be specified together with '{}'",
                names.at(names.decimal),
                names.at(names.whole)
            ));
            Qty {
                kind: QtyKind::Decimal,
                value: Decimal::ZERO,
            }
        }
        (None, Some(d)) => Qty {
            kind: QtyKind::Decimal,
            // The model's pattern was checked already; parse cannot fail for it.
            value: Decimal::parse(d).unwrap_or_default(),
        },
        (Some(w), None) => Qty {
            kind: QtyKind::Whole,
            value: Decimal::from_int(w),
        },
        (None, None) => Qty {
            kind: QtyKind::Whole,
            value: Decimal::ZERO,
        },
    }
}

/// Allocations: exactly one quantity form each (ValidationException), the
/// same form as the usage quantity, unique tag sets, an exact sum
/// (InvalidUsageAllocationsException), and sane tags (InvalidTagException).
pub fn check_allocations(
    qty: &Qty,
    allocations: Option<&[AllocationIn]>,
    names: &QtyNames<'_>,
) -> Result<Vec<LedgerAllocation>, ApiError> {
    let Some(allocations) = allocations else {
        return Ok(Vec::new());
    };
    let base = names.at("UsageAllocations");
    let mut errors = Vec::new();
    for (i, a) in allocations.iter().enumerate() {
        let at = format!("{base}.{}.member", i + 1);
        match (&a.allocated_usage_quantity, &a.allocated_usage_quantity_as_decimal) {
            (Some(_), Some(d)) => errors.push(format!(
                "Value '{d}' at '{at}.allocatedUsageQuantityAsDecimal' failed to satisfy constraint: Member must not be specified together with '{at}.allocatedUsageQuantity'"
            )),
            (None, None) => errors.push(format!(
                "Value null at '{at}.allocatedUsageQuantityAsDecimal' failed to satisfy constraint: Member must be specified when '{at}.allocatedUsageQuantity' is not"
            )),
            _ => {}
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(&errors));
    }

    let invalid = |m: String| ApiError::client("InvalidUsageAllocationsException", m);
    let mut sum = Decimal::ZERO;
    let mut seen_sets: HashSet<Vec<(String, String)>> = HashSet::new();
    let mut out = Vec::with_capacity(allocations.len());
    for (i, a) in allocations.iter().enumerate() {
        let (kind, value) = match (
            &a.allocated_usage_quantity,
            &a.allocated_usage_quantity_as_decimal,
        ) {
            (Some(w), _) => (QtyKind::Whole, Decimal::from_int(*w)),
            (_, Some(d)) => (QtyKind::Decimal, Decimal::parse(d).unwrap_or_default()),
            _ => unreachable!("checked above"),
        };
        if kind != qty.kind {
            let (want, have) = match qty.kind {
                QtyKind::Whole => ("AllocatedUsageQuantity", names.whole),
                QtyKind::Decimal => ("AllocatedUsageQuantityAsDecimal", names.decimal),
            };
            return Err(invalid(format!(
                "Allocation {} at '{base}' uses a different type of quantity than the usage quantity: use {want} with {have}.",
                i + 1
            )));
        }
        let tags = a.tags.as_deref().unwrap_or(&[]);
        let mut keys = HashSet::new();
        for t in tags {
            if t.key.to_ascii_lowercase().starts_with("aws:") {
                return Err(ApiError::client(
                    "InvalidTagException",
                    format!(
                        "Tag key '{}' is invalid: the 'aws:' prefix is reserved.",
                        t.key
                    ),
                ));
            }
            if !keys.insert(t.key.as_str()) {
                return Err(ApiError::client(
                    "InvalidTagException",
                    format!(
                        "Tag key '{}' appears more than once in allocation {} at '{base}'.",
                        t.key,
                        i + 1
                    ),
                ));
            }
        }
        let mut set: Vec<(String, String)> = tags
            .iter()
            .map(|t| (t.key.clone(), t.value.clone()))
            .collect();
        set.sort();
        if !seen_sets.insert(set) {
            return Err(invalid(format!(
                "Each UsageAllocation must have a unique set of tags; allocation {} at '{base}' repeats an earlier one.",
                i + 1
            )));
        }
        sum = sum
            .checked_add(value)
            .ok_or_else(|| invalid("Allocated usage quantities overflow.".into()))?;
        out.push(LedgerAllocation {
            quantity: value.to_string(),
            tags: tags
                .iter()
                .map(|t| LedgerTag {
                    key: t.key.clone(),
                    value: t.value.clone(),
                })
                .collect(),
        });
    }
    if sum != qty.value {
        return Err(invalid(format!(
            "The sum of the allocated usage quantities ({sum}) at '{base}' does not equal the usage quantity ({}).",
            qty.value
        )));
    }
    Ok(out)
}

/// Records may be at most `max_age_ms` old and at most five minutes in the
/// future (the clock-skew allowance of the service's other time checks).
pub fn check_timestamp(
    ts: f64,
    now_ms: i64,
    max_age_ms: i64,
    limit_label: &str,
) -> Result<(), ApiError> {
    let ts_ms = crate::idempotency::timestamp_ms(ts);
    let out = |why: String| ApiError::client("TimestampOutOfBoundsException", why);
    if ts_ms > now_ms + 5 * 60 * 1000 {
        return Err(out(format!(
            "Timestamp {} is in the future (current time {}).",
            rfc3339_millis(ts_ms),
            rfc3339_millis(now_ms)
        )));
    }
    if now_ms - ts_ms > max_age_ms {
        return Err(out(format!(
            "Timestamp {} is more than {limit_label} before the current time {}.",
            rfc3339_millis(ts_ms),
            rfc3339_millis(now_ms)
        )));
    }
    Ok(())
}

pub fn new_record_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

pub fn invalid_product(code: &str) -> ApiError {
    ApiError::client(
        "InvalidProductCodeException",
        format!("The product code '{code}' is not valid."),
    )
}

pub fn invalid_dimension(dimension: &str, product: &str) -> ApiError {
    ApiError::client(
        "InvalidUsageDimensionException",
        format!("The usage dimension '{dimension}' is not valid for product '{product}'."),
    )
}
