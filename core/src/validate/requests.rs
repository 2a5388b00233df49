//! Whole-request checks for the four operations.

use super::constraints as c;
use super::{Quantity, ValidationError};
use crate::model::{
    BatchMeterUsageInput, MeterUsageInput, RegisterUsageInput, ResolveCustomerInput,
    UsageAllocation, UsageRecord, MAX_TAGS_PER_ALLOCATION, MAX_USAGE_ALLOCATIONS,
    MAX_USAGE_RECORDS,
};

/// Maps a constraint check onto the member it applies to.
fn check(member: &str, r: Result<(), c::Violation>) -> Result<(), ValidationError> {
    r.map_err(|reason| ValidationError::new(member, reason))
}

fn required<'a, T>(member: &str, v: &'a Option<T>) -> Result<&'a T, ValidationError> {
    v.as_ref()
        .ok_or_else(|| ValidationError::new(member, "is required but not set"))
}

/// Checks one allocation on its own: exactly one quantity form, and its tags.
pub fn validate_usage_allocation(
    path: &str,
    a: &UsageAllocation,
) -> Result<Quantity, ValidationError> {
    let q = match (
        &a.allocated_usage_quantity,
        &a.allocated_usage_quantity_as_decimal,
    ) {
        (Some(_), Some(_)) => {
            return Err(ValidationError::new(
                path,
                "sets both AllocatedUsageQuantity and AllocatedUsageQuantityAsDecimal",
            ))
        }
        (None, None) => {
            return Err(ValidationError::new(
                path,
                "sets neither AllocatedUsageQuantity nor AllocatedUsageQuantityAsDecimal",
            ))
        }
        (Some(n), None) => {
            let m = format!("{path}.AllocatedUsageQuantity");
            check(&m, c::quantity(i64::from(*n)))?;
            Quantity::from_integer(*n)
        }
        (None, Some(d)) => {
            let m = format!("{path}.AllocatedUsageQuantityAsDecimal");
            check(&m, c::decimal_quantity(d))?;
            Quantity::from_decimal(d)
        }
    };
    if let Some(tags) = &a.tags {
        if tags.is_empty() || tags.len() > MAX_TAGS_PER_ALLOCATION {
            let reason = format!(
                "must hold 1 to {MAX_TAGS_PER_ALLOCATION} tags (got {})",
                tags.len()
            );
            return Err(ValidationError::new(format!("{path}.Tags"), reason));
        }
        for (i, t) in tags.iter().enumerate() {
            check(&format!("{path}.Tags[{i}].Key"), c::tag_key(&t.key))?;
            check(&format!("{path}.Tags[{i}].Value"), c::tag_value(&t.value))?;
        }
    }
    Ok(q.unwrap_or_else(Quantity::zero))
}

/// The rules the model's documentation gives for allocations: between 1 and
/// `MAX_USAGE_ALLOCATIONS`, each of
/// the request's quantity form, a unique tag set each, and summing exactly to the quantity.
fn validate_allocations(
    path: &str,
    allocations: &[UsageAllocation],
    decimal_form: bool,
    total: Quantity,
) -> Result<(), ValidationError> {
    if allocations.is_empty() || allocations.len() > MAX_USAGE_ALLOCATIONS {
        let reason = format!(
            "must hold 1 to {MAX_USAGE_ALLOCATIONS} allocations (got {})",
            allocations.len()
        );
        return Err(ValidationError::new(path, reason));
    }
    let mut sum = Quantity::zero();
    let mut tag_sets: Vec<Vec<(&str, &str)>> = Vec::with_capacity(allocations.len());
    for (i, a) in allocations.iter().enumerate() {
        let item = format!("{path}[{i}]");
        let q = validate_usage_allocation(&item, a)?;
        if decimal_form != a.allocated_usage_quantity_as_decimal.is_some() {
            let want = if decimal_form {
                "AllocatedUsageQuantityAsDecimal, as the quantity is a decimal"
            } else {
                "AllocatedUsageQuantity, as the quantity is an integer"
            };
            return Err(ValidationError::new(item, format!("must use {want}")));
        }
        let mut tags: Vec<(&str, &str)> = a
            .tags
            .iter()
            .flatten()
            .map(|t| (t.key.as_str(), t.value.as_str()))
            .collect();
        tags.sort_unstable();
        if tag_sets.contains(&tags) {
            return Err(ValidationError::new(
                item,
                "repeats the tag set of another allocation",
            ));
        }
        tag_sets.push(tags);
        sum = sum
            .checked_add(q)
            .ok_or_else(|| ValidationError::new(path, "allocations overflow"))?;
    }
    if sum != total {
        return Err(ValidationError::new(
            path,
            "allocated quantities must add up exactly to the usage quantity",
        ));
    }
    Ok(())
}

/// The quantity of a request or record: at most one form, defaulting to 0 as the model says.
fn quantity_of(
    path: &str,
    integer_member: &str,
    decimal_member: &str,
    integer: Option<i32>,
    decimal: Option<&str>,
) -> Result<(Quantity, bool), ValidationError> {
    match (integer, decimal) {
        (Some(_), Some(_)) => Err(ValidationError::new(
            path,
            format!("sets both {integer_member} and {decimal_member}"),
        )),
        (Some(n), None) => {
            check(&join(path, integer_member), c::quantity(i64::from(n)))?;
            Ok((
                Quantity::from_integer(n).unwrap_or_else(Quantity::zero),
                false,
            ))
        }
        (None, Some(d)) => {
            check(&join(path, decimal_member), c::decimal_quantity(d))?;
            Ok((
                Quantity::from_decimal(d).unwrap_or_else(Quantity::zero),
                true,
            ))
        }
        (None, None) => Ok((Quantity::zero(), false)),
    }
}

fn join(path: &str, member: &str) -> String {
    if path.is_empty() {
        member.to_string()
    } else {
        format!("{path}.{member}")
    }
}

/// MeterUsage: ProductCode, Timestamp and UsageDimension required; at most one quantity form;
/// allocations that add up; the ClientToken's length.
pub fn validate_meter_usage(r: &MeterUsageInput) -> Result<(), ValidationError> {
    check(
        "ProductCode",
        c::product_code(required("ProductCode", &r.product_code)?),
    )?;
    check(
        "Timestamp",
        c::timestamp(*required("Timestamp", &r.timestamp)?),
    )?;
    let dim = required("UsageDimension", &r.usage_dimension)?;
    check("UsageDimension", c::usage_dimension(dim))?;
    let (total, decimal) = quantity_of(
        "",
        "UsageQuantity",
        "UsageQuantityAsDecimal",
        r.usage_quantity,
        r.usage_quantity_as_decimal.as_deref(),
    )?;
    if let Some(allocs) = &r.usage_allocations {
        validate_allocations("UsageAllocations", allocs, decimal, total)?;
    }
    if let Some(t) = &r.client_token {
        check("ClientToken", c::client_token(t))?;
    }
    Ok(())
}

/// One usage record, its members reported under `path` (`UsageRecords[3]`; "" for none):
/// Timestamp and Dimension required, exactly one of CustomerIdentifier and
/// CustomerAWSAccountId, at most one quantity form, allocations that add up.
pub fn validate_usage_record(path: &str, r: &UsageRecord) -> Result<(), ValidationError> {
    check(
        &join(path, "Timestamp"),
        c::timestamp(*required(&join(path, "Timestamp"), &r.timestamp)?),
    )?;
    let dim = required(&join(path, "Dimension"), &r.dimension)?;
    check(&join(path, "Dimension"), c::usage_dimension(dim))?;
    match (&r.customer_identifier, &r.customer_aws_account_id) {
        (Some(_), Some(_)) => {
            return Err(ValidationError::new(
                path,
                "sets both CustomerIdentifier and CustomerAWSAccountId",
            ))
        }
        (Some(id), None) => check(
            &join(path, "CustomerIdentifier"),
            c::customer_identifier(id),
        )?,
        (None, Some(id)) => check(
            &join(path, "CustomerAWSAccountId"),
            c::customer_aws_account_id(id),
        )?,
        (None, None) => {
            return Err(ValidationError::new(
                path,
                "needs CustomerIdentifier or CustomerAWSAccountId",
            ))
        }
    }
    if let Some(arn) = &r.license_arn {
        check(&join(path, "LicenseArn"), c::license_arn(arn))?;
    }
    let (total, decimal) = quantity_of(
        path,
        "Quantity",
        "QuantityAsDecimal",
        r.quantity,
        r.quantity_as_decimal.as_deref(),
    )?;
    if let Some(allocs) = &r.usage_allocations {
        validate_allocations(&join(path, "UsageAllocations"), allocs, decimal, total)?;
    }
    Ok(())
}

/// BatchMeterUsage: at most `MAX_USAGE_RECORDS` records, each valid, each billed to a product
/// (the request's ProductCode or the record's LicenseArn).
pub fn validate_batch_meter_usage(r: &BatchMeterUsageInput) -> Result<(), ValidationError> {
    if r.usage_records.len() > MAX_USAGE_RECORDS {
        let reason = format!(
            "must hold at most {MAX_USAGE_RECORDS} records (got {})",
            r.usage_records.len()
        );
        return Err(ValidationError::new("UsageRecords", reason));
    }
    if let Some(p) = &r.product_code {
        check("ProductCode", c::product_code(p))?;
    }
    for (i, rec) in r.usage_records.iter().enumerate() {
        let path = format!("UsageRecords[{i}]");
        validate_usage_record(&path, rec)?;
        // A record is billed to a product: the request's ProductCode or the record's license.
        if r.product_code.is_none() && rec.license_arn.is_none() {
            return Err(ValidationError::new(
                path,
                "needs a LicenseArn when the request has no ProductCode",
            ));
        }
    }
    Ok(())
}

/// ResolveCustomer: a non-empty RegistrationToken.
pub fn validate_resolve_customer(r: &ResolveCustomerInput) -> Result<(), ValidationError> {
    let t = required("RegistrationToken", &r.registration_token)?;
    check("RegistrationToken", c::registration_token(t))
}

/// RegisterUsage: ProductCode and a PublicKeyVersion of 1 or more required; the Nonce's length.
pub fn validate_register_usage(r: &RegisterUsageInput) -> Result<(), ValidationError> {
    check(
        "ProductCode",
        c::product_code(required("ProductCode", &r.product_code)?),
    )?;
    let v = required("PublicKeyVersion", &r.public_key_version)?;
    check("PublicKeyVersion", c::public_key_version(i64::from(*v)))?;
    if let Some(n) = &r.nonce {
        check("Nonce", c::nonce(n))?;
    }
    Ok(())
}
