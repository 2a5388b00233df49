//! MeterUsage: one record per caller "instance", product, dimension and
//! hour; up to six hours back; optional allocations; DryRun.

use super::{
    check_allocations, check_timestamp, invalid_dimension, invalid_product, new_record_id, parse,
    quantity, AllocationIn, Ctx, QtyNames,
};
use crate::errors::ApiError;
use crate::idempotency::{hour_of, meter_fingerprint, MeterDecision};
use crate::ledger::LedgerEntry;
use crate::state::{lock, read};
use crate::timefmt::rfc3339_millis;
use serde::Deserialize;
use serde_json::{json, Value};

const MAX_AGE_MS: i64 = 6 * 3600 * 1000;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Input {
    product_code: String,
    timestamp: f64,
    usage_dimension: String,
    usage_quantity: Option<i64>,
    usage_quantity_as_decimal: Option<String>,
    dry_run: Option<bool>,
    usage_allocations: Option<Vec<AllocationIn>>,
    client_token: Option<String>,
}

pub fn handle(ctx: &Ctx<'_>, body: Value) -> Result<Value, ApiError> {
    let input: Input = parse(body)?;
    let names = QtyNames {
        whole: "UsageQuantity",
        decimal: "UsageQuantityAsDecimal",
        path: "",
    };
    let mut errors = Vec::new();
    let qty = quantity(
        input.usage_quantity,
        input.usage_quantity_as_decimal.as_deref(),
        &names,
        &mut errors,
    );
    if !errors.is_empty() {
        return Err(ApiError::validation(&errors));
    }
    {
        let world = read(&ctx.state.world);
        let product = world
            .products
            .get(&input.product_code)
            .ok_or_else(|| invalid_product(&input.product_code))?;
        if !product.dimensions.contains(&input.usage_dimension) {
            return Err(invalid_dimension(&input.usage_dimension, &product.code));
        }
        // The caller is the buyer's workload; a known buyer must be subscribed.
        if let Some(c) = world.customer_by_account(&ctx.account_id) {
            if !c.subscriptions.contains(&product.code) {
                return Err(ApiError::client(
                    "CustomerNotEntitledException",
                    format!(
                        "The customer does not have a valid subscription for product '{}'.",
                        product.code
                    ),
                ));
            }
        }
    }
    check_timestamp(input.timestamp, ctx.now_ms, MAX_AGE_MS, "6 hours")?;
    let allocations = check_allocations(&qty, input.usage_allocations.as_deref(), &names)?;
    if input.dry_run == Some(true) {
        // EC2's convention for a DryRun that would have succeeded.
        return Err(ApiError::new(
            412,
            "DryRunOperation",
            "Request would have succeeded, but DryRun flag is set.",
        ));
    }

    let quantity_str = qty.value.to_string();
    let fingerprint = meter_fingerprint(
        &input.product_code,
        &input.usage_dimension,
        input.timestamp,
        &quantity_str,
        &allocations,
    );
    let hour = hour_of(input.timestamp);
    let mut store = lock(&ctx.state.store);
    let decision = store.meter_decide(
        &ctx.access_key_id,
        input.client_token.as_deref(),
        &fingerprint,
        &input.product_code,
        &input.usage_dimension,
        hour,
        qty.value,
    );
    let id = match decision {
        MeterDecision::Existing(id) => id,
        MeterDecision::IdempotencyConflict => {
            return Err(ApiError::client(
                "IdempotencyConflictException",
                format!(
                    "The ClientToken '{}' was already used with different parameters.",
                    input.client_token.unwrap_or_default()
                ),
            ))
        }
        MeterDecision::Duplicate => {
            return Err(ApiError::client(
                "DuplicateRequestException",
                format!(
                    "A metering record was already emitted for dimension '{}' in the hour starting {} with a different usage quantity.",
                    input.usage_dimension,
                    rfc3339_millis(hour * 1000)
                ),
            ))
        }
        MeterDecision::New => {
            let id = new_record_id();
            store
                .record(LedgerEntry {
                    operation: "MeterUsage".into(),
                    metering_record_id: id.clone(),
                    product_code: Some(input.product_code),
                    license_arn: None,
                    customer_identifier: None,
                    customer_aws_account_id: Some(ctx.account_id.clone()),
                    instance: Some(ctx.access_key_id.clone()),
                    dimension: input.usage_dimension,
                    timestamp: input.timestamp,
                    hour,
                    quantity: quantity_str,
                    quantity_type: qty.kind.name().into(),
                    allocations,
                    client_token: input.client_token,
                    received_at: rfc3339_millis(ctx.now_ms),
                })
                .map_err(|_| ApiError::internal())?;
            id
        }
    };
    Ok(json!({ "MeteringRecordId": id }))
}
