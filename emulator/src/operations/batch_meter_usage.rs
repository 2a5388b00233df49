//! BatchMeterUsage: up to 25 SaaS records for one product (or per-record
//! licenses). Any record breaking a rule fails the whole batch; otherwise
//! each record gets a Status: Success, CustomerNotSubscribed or DuplicateRecord.

use super::{
    check_allocations, check_timestamp, invalid_dimension, invalid_product, new_record_id, parse,
    quantity, AllocationIn, Ctx, Qty, QtyNames,
};
use crate::errors::ApiError;
use crate::idempotency::hour_of;
use crate::ledger::{LedgerAllocation, LedgerEntry};
use crate::state::{lock, read};
use crate::timefmt::{month_start, rfc3339_millis};
use crate::world::World;
use serde::Deserialize;
use serde_json::{json, Value};

/// "Usage records aren't accepted 24 hours or more after an event."
const MAX_AGE_MS: i64 = 24 * 3600 * 1000 - 1;
/// Previous-month records are accepted until 06:00 UTC on the 1st.
const MONTH_GRACE_SECS: i64 = 6 * 3600;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Input {
    usage_records: Vec<Value>,
    product_code: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Record {
    timestamp: f64,
    customer_identifier: Option<String>,
    dimension: String,
    quantity: Option<i64>,
    quantity_as_decimal: Option<String>,
    usage_allocations: Option<Vec<AllocationIn>>,
    #[serde(rename = "CustomerAWSAccountId")]
    customer_aws_account_id: Option<String>,
    license_arn: Option<String>,
}

/// A record that passed every check, ready to be processed.
struct Checked {
    raw: Value,
    product_code: String,
    record: Record,
    qty: Qty,
    allocations: Vec<LedgerAllocation>,
}

pub fn handle(ctx: &Ctx<'_>, body: Value) -> Result<Value, ApiError> {
    let input: Input = parse(body)?;
    let mut records = Vec::with_capacity(input.usage_records.len());
    for raw in &input.usage_records {
        records.push((raw.clone(), parse::<Record>(raw.clone())?));
    }

    // Member combinations the model cannot express: one ValidationException
    // listing all of them, like the model-level constraints.
    let mut errors = Vec::new();
    let mut qtys = Vec::with_capacity(records.len());
    for (i, (_, r)) in records.iter().enumerate() {
        let path = format!("usageRecords.{}.member", i + 1);
        let names = QtyNames {
            whole: "Quantity",
            decimal: "QuantityAsDecimal",
            path: &path,
        };
        qtys.push(quantity(
            r.quantity,
            r.quantity_as_decimal.as_deref(),
            &names,
            &mut errors,
        ));
        match (&r.customer_identifier, &r.customer_aws_account_id) {
            (Some(_), Some(a)) => errors.push(format!(
                "Value '{a}' at '{path}.customerAWSAccountId' failed to satisfy constraint: Member must not be specified together with '{path}.customerIdentifier'"
            )),
            (None, None) => errors.push(format!(
                "Value null at '{path}.customerAWSAccountId' failed to satisfy constraint: Member must be specified when '{path}.customerIdentifier' is not"
            )),
            _ => {}
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(&errors));
    }

    let mut checked = Vec::with_capacity(records.len());
    {
        let world = read(&ctx.state.world);
        for (i, ((raw, record), qty)) in records.into_iter().zip(qtys).enumerate() {
            let path = format!("usageRecords.{}.member", i + 1);
            let product_code = check_record(
                &world,
                input.product_code.as_deref(),
                &record,
                &path,
                ctx.now_ms,
            )?;
            let names = QtyNames {
                whole: "Quantity",
                decimal: "QuantityAsDecimal",
                path: &path,
            };
            let allocations = check_allocations(&qty, record.usage_allocations.as_deref(), &names)?;
            checked.push(Checked {
                raw,
                product_code,
                record,
                qty,
                allocations,
            });
        }
    }

    // An `unprocessed` fault holds back the last records, as a transient
    // service-side failure would: nothing is recorded for them.
    let held_back = match &ctx.fault {
        Some(f) => f
            .unprocessed_count
            .unwrap_or(checked.len().div_ceil(2))
            .min(checked.len()),
        None => 0,
    };
    let unprocessed: Vec<Value> = checked
        .drain(checked.len() - held_back..)
        .map(|c| c.raw)
        .collect();

    let world = read(&ctx.state.world);
    let mut store = lock(&ctx.state.store);
    let mut results = Vec::with_capacity(checked.len());
    for c in checked {
        if !subscribed(&world, &c.record, &c.product_code) {
            results.push(json!({"UsageRecord": c.raw, "Status": "CustomerNotSubscribed"}));
            continue;
        }
        let hour = hour_of(c.record.timestamp);
        let entry = LedgerEntry {
            operation: "BatchMeterUsage".into(),
            metering_record_id: String::new(),
            product_code: Some(c.product_code),
            license_arn: c.record.license_arn,
            customer_identifier: c.record.customer_identifier,
            customer_aws_account_id: c.record.customer_aws_account_id,
            instance: None,
            dimension: c.record.dimension,
            timestamp: c.record.timestamp,
            hour,
            quantity: c.qty.value.to_string(),
            quantity_type: c.qty.kind.name().into(),
            allocations: c.allocations,
            client_token: None,
            received_at: rfc3339_millis(ctx.now_ms),
        };
        match store.batch_lookup(&entry, c.qty.value) {
            Some((id, true)) => results
                .push(json!({"UsageRecord": c.raw, "MeteringRecordId": id, "Status": "Success"})),
            Some((_, false)) => {
                results.push(json!({"UsageRecord": c.raw, "Status": "DuplicateRecord"}))
            }
            None => {
                let id = new_record_id();
                store
                    .record(LedgerEntry {
                        metering_record_id: id.clone(),
                        ..entry
                    })
                    .map_err(|_| ApiError::internal())?;
                results.push(
                    json!({"UsageRecord": c.raw, "MeteringRecordId": id, "Status": "Success"}),
                );
            }
        }
    }
    Ok(json!({"Results": results, "UnprocessedRecords": unprocessed}))
}

/// Whole-batch checks of one record; returns the product it meters.
fn check_record(
    world: &World,
    request_product: Option<&str>,
    r: &Record,
    path: &str,
    now_ms: i64,
) -> Result<String, ApiError> {
    let invalid_license = |m: String| ApiError::client("InvalidLicenseException", m);
    let product_code = match &r.license_arn {
        Some(arn) => {
            let lic = world.licenses.get(arn).ok_or_else(|| {
                invalid_license(format!("The LicenseArn '{arn}' at '{path}' is not valid."))
            })?;
            if request_product.is_some_and(|p| p != lic.product_code) {
                return Err(invalid_license(format!(
                    "The LicenseArn '{arn}' at '{path}' does not belong to product '{}'.",
                    request_product.unwrap_or_default()
                )));
            }
            let account = r.customer_aws_account_id.clone().or_else(|| {
                r.customer_identifier
                    .as_ref()
                    .and_then(|c| world.customers.get(c))
                    .map(|c| c.account_id.clone())
            });
            if account.is_some_and(|a| a != lic.account_id) {
                return Err(invalid_license(format!(
                    "The LicenseArn '{arn}' at '{path}' does not match the customer of the record."
                )));
            }
            lic.product_code.clone()
        }
        None => match request_product {
            Some(p) => p.to_string(),
            None => {
                return Err(ApiError::client(
                    "InvalidProductCodeException",
                    format!("ProductCode is required for records without a LicenseArn ('{path}')."),
                ))
            }
        },
    };
    let product = world
        .products
        .get(&product_code)
        .ok_or_else(|| invalid_product(&product_code))?;
    if !product.dimensions.contains(&r.dimension) {
        return Err(invalid_dimension(&r.dimension, &product.code));
    }
    if let Some(c) = &r.customer_identifier {
        // The model allows an empty identifier; the service cannot resolve one.
        if c.trim().is_empty() {
            return Err(ApiError::client(
                "InvalidCustomerIdentifierException",
                format!("The CustomerIdentifier at '{path}' is empty."),
            ));
        }
    }
    check_timestamp(r.timestamp, now_ms, MAX_AGE_MS, "24 hours")?;
    let now_secs = now_ms.div_euclid(1000);
    let this_month = month_start(now_secs);
    let ts_secs = (r.timestamp.floor()) as i64;
    if ts_secs < this_month && now_secs >= this_month + MONTH_GRACE_SECS {
        return Err(ApiError::client(
            "TimestampOutOfBoundsException",
            format!(
                "Timestamp {} at '{path}' is in the previous billing month, whose records were accepted until {}.",
                rfc3339_millis(ts_secs * 1000),
                rfc3339_millis((this_month + MONTH_GRACE_SECS) * 1000)
            ),
        ));
    }
    Ok(product_code)
}

/// Unknown customers, unknown accounts and customers without a subscription
/// all come back as CustomerNotSubscribed, per the Status documentation.
fn subscribed(world: &World, r: &Record, product: &str) -> bool {
    let customer = match (&r.customer_identifier, &r.customer_aws_account_id) {
        (Some(id), _) => world.customers.get(id),
        (None, Some(acct)) => world.customer_by_account(acct),
        _ => None,
    };
    customer.is_some_and(|c| c.subscriptions.iter().any(|s| s == product))
}
