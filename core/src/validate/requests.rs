//! Whole-request checks for the four operations.

use std::fmt;

use super::constraints as c;
use super::{Quantity, ValidationError};
use crate::model::{
    BatchMeterUsageInput, MeterUsageInput, RegisterUsageInput, ResolveCustomerInput,
    UsageAllocation, UsageRecord, MAX_TAGS_PER_ALLOCATION, MAX_USAGE_ALLOCATIONS,
    MAX_USAGE_RECORDS,
};

/// Where a member sits in the request (`UsageRecords[3].Timestamp`), spelled out only when a
/// check fails: formatting every path up front cost a 25-record batch about 200 strings per
/// call, a fifth of its instructions, for messages nobody reads when the request is valid.
#[derive(Clone, Copy)]
enum Path<'a> {
    /// The outermost name given ("" for the request itself, `UsageRecord` for a lone record).
    Root(&'a str),
    /// `parent.Member` (just `Member` under an empty root).
    Member(&'a Path<'a>, &'static str),
    /// `parent[i]`.
    Item(&'a Path<'a>, usize),
}

impl<'a> Path<'a> {
    fn member(&'a self, name: &'static str) -> Path<'a> {
        Path::Member(self, name)
    }

    fn item(&'a self, i: usize) -> Path<'a> {
        Path::Item(self, i)
    }
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Path::Root(s) => f.write_str(s),
            Path::Member(Path::Root(""), m) => f.write_str(m),
            Path::Member(p, m) => write!(f, "{p}.{m}"),
            Path::Item(p, i) => write!(f, "{p}[{i}]"),
        }
    }
}

/// The error for `member` (a `Path` or a top-level name), its path spelled out now.
fn refuse(member: impl fmt::Display, reason: impl Into<String>) -> ValidationError {
    ValidationError::new(member.to_string(), reason)
}

/// Maps a constraint check onto the member it applies to.
fn check(member: impl fmt::Display, r: Result<(), c::Violation>) -> Result<(), ValidationError> {
    r.map_err(|reason| refuse(member, reason))
}

fn required<'a, T>(member: impl fmt::Display, v: &'a Option<T>) -> Result<&'a T, ValidationError> {
    v.as_ref()
        .ok_or_else(|| refuse(member, "is required but not set"))
}

/// Checks one allocation on its own, its members reported under `path` (`UsageAllocation`):
/// exactly one quantity form, and its tags.
pub fn validate_usage_allocation(
    path: &str,
    a: &UsageAllocation,
) -> Result<Quantity, ValidationError> {
    allocation_at(&Path::Root(path), a)
}

fn allocation_at(path: &Path<'_>, a: &UsageAllocation) -> Result<Quantity, ValidationError> {
    let q = match (
        &a.allocated_usage_quantity,
        &a.allocated_usage_quantity_as_decimal,
    ) {
        (Some(_), Some(_)) => {
            return Err(refuse(
                path,
                "sets both AllocatedUsageQuantity and AllocatedUsageQuantityAsDecimal",
            ))
        }
        (None, None) => {
            return Err(refuse(
                path,
                "sets neither AllocatedUsageQuantity nor AllocatedUsageQuantityAsDecimal",
            ))
        }
        (Some(n), None) => {
            check(
                path.member("AllocatedUsageQuantity"),
                c::quantity(i64::from(*n)),
            )?;
            Quantity::from_integer(*n)
        }
        (None, Some(d)) => {
            check(
                path.member("AllocatedUsageQuantityAsDecimal"),
                c::decimal_quantity(d),
            )?;
            Quantity::from_decimal(d)
        }
    };
    if let Some(tags) = &a.tags {
        if tags.is_empty() || tags.len() > MAX_TAGS_PER_ALLOCATION {
            let reason = format!(
                "must hold 1 to {MAX_TAGS_PER_ALLOCATION} tags (got {})",
                tags.len()
            );
            return Err(refuse(path.member("Tags"), reason));
        }
        let list = path.member("Tags");
        for (i, t) in tags.iter().enumerate() {
            let tag = list.item(i);
            check(tag.member("Key"), c::tag_key(&t.key))?;
            check(tag.member("Value"), c::tag_value(&t.value))?;
        }
    }
    Ok(q.unwrap_or_else(Quantity::zero))
}

/// The rules the model's documentation gives for allocations: between 1 and
/// `MAX_USAGE_ALLOCATIONS`, each of
/// the request's quantity form, a unique tag set each, and summing exactly to the quantity.
fn validate_allocations(
    path: &Path<'_>,
    allocations: &[UsageAllocation],
    decimal_form: bool,
    total: Quantity,
) -> Result<(), ValidationError> {
    if allocations.is_empty() || allocations.len() > MAX_USAGE_ALLOCATIONS {
        let reason = format!(
            "must hold 1 to {MAX_USAGE_ALLOCATIONS} allocations (got {})",
            allocations.len()
        );
        return Err(refuse(path, reason));
    }
    let mut sum = Quantity::zero();
    let mut tag_sets: Vec<Vec<(&str, &str)>> = Vec::with_capacity(allocations.len());
    for (i, a) in allocations.iter().enumerate() {
        let item = path.item(i);
        let q = allocation_at(&item, a)?;
        if decimal_form != a.allocated_usage_quantity_as_decimal.is_some() {
            let want = if decimal_form {
                "AllocatedUsageQuantityAsDecimal, as the quantity is a decimal"
            } else {
                "AllocatedUsageQuantity, as the quantity is an integer"
            };
            return Err(refuse(item, format!("must use {want}")));
        }
        let mut tags: Vec<(&str, &str)> = a
            .tags
            .iter()
            .flatten()
            .map(|t| (t.key.as_str(), t.value.as_str()))
            .collect();
        tags.sort_unstable();
        if tag_sets.contains(&tags) {
            return Err(refuse(item, "repeats the tag set of another allocation"));
        }
        tag_sets.push(tags);
        sum = sum
            .checked_add(q)
            .ok_or_else(|| refuse(path, "allocations overflow"))?;
    }
    if sum != total {
        return Err(refuse(
            path,
            "allocated quantities must add up exactly to the usage quantity",
        ));
    }
    Ok(())
}

/// The quantity of a request or record: at most one form, defaulting to 0 as the model says.
fn quantity_of(
    path: &Path<'_>,
    integer_member: &'static str,
    decimal_member: &'static str,
    integer: Option<i32>,
    decimal: Option<&str>,
) -> Result<(Quantity, bool), ValidationError> {
    match (integer, decimal) {
        (Some(_), Some(_)) => Err(refuse(
            path,
            format!("sets both {integer_member} and {decimal_member}"),
        )),
        (Some(n), None) => {
            check(path.member(integer_member), c::quantity(i64::from(n)))?;
            Ok((
                Quantity::from_integer(n).unwrap_or_else(Quantity::zero),
                false,
            ))
        }
        (None, Some(d)) => {
            check(path.member(decimal_member), c::decimal_quantity(d))?;
            Ok((
                Quantity::from_decimal(d).unwrap_or_else(Quantity::zero),
                true,
            ))
        }
        (None, None) => Ok((Quantity::zero(), false)),
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
        &Path::Root(""),
        "UsageQuantity",
        "UsageQuantityAsDecimal",
        r.usage_quantity,
        r.usage_quantity_as_decimal.as_deref(),
    )?;
    if let Some(allocs) = &r.usage_allocations {
        validate_allocations(&Path::Root("UsageAllocations"), allocs, decimal, total)?;
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
    record_at(&Path::Root(path), r)
}

fn record_at(path: &Path<'_>, r: &UsageRecord) -> Result<(), ValidationError> {
    let ts = path.member("Timestamp");
    check(ts, c::timestamp(*required(ts, &r.timestamp)?))?;
    let dim = path.member("Dimension");
    check(dim, c::usage_dimension(required(dim, &r.dimension)?))?;
    match (&r.customer_identifier, &r.customer_aws_account_id) {
        (Some(_), Some(_)) => {
            return Err(refuse(
                path,
                "sets both CustomerIdentifier and CustomerAWSAccountId",
            ))
        }
        (Some(id), None) => check(
            path.member("CustomerIdentifier"),
            c::customer_identifier(id),
        )?,
        (None, Some(id)) => check(
            path.member("CustomerAWSAccountId"),
            c::customer_aws_account_id(id),
        )?,
        (None, None) => {
            return Err(refuse(
                path,
                "needs CustomerIdentifier or CustomerAWSAccountId",
            ))
        }
    }
    if let Some(arn) = &r.license_arn {
        check(path.member("LicenseArn"), c::license_arn(arn))?;
    }
    let (total, decimal) = quantity_of(
        path,
        "Quantity",
        "QuantityAsDecimal",
        r.quantity,
        r.quantity_as_decimal.as_deref(),
    )?;
    if let Some(allocs) = &r.usage_allocations {
        validate_allocations(&path.member("UsageAllocations"), allocs, decimal, total)?;
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
    let records = Path::Root("UsageRecords");
    for (i, rec) in r.usage_records.iter().enumerate() {
        let path = records.item(i);
        record_at(&path, rec)?;
        // A record is billed to a product: the request's ProductCode or the record's license.
        if r.product_code.is_none() && rec.license_arn.is_none() {
            return Err(refuse(
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Tag;

    fn record(customer: &str) -> UsageRecord {
        UsageRecord {
            timestamp: Some(1_700_000_000),
            customer_identifier: Some(customer.into()),
            dimension: Some("dim".into()),
            quantity: Some(3),
            ..Default::default()
        }
    }

    fn allocation(n: i32, tags: &[(&str, &str)]) -> UsageAllocation {
        UsageAllocation {
            allocated_usage_quantity: Some(n),
            tags: Some(
                tags.iter()
                    .map(|(k, v)| Tag {
                        key: (*k).into(),
                        value: (*v).into(),
                    })
                    .collect(),
            ),
            ..Default::default()
        }
    }

    fn batch(records: Vec<UsageRecord>) -> BatchMeterUsageInput {
        BatchMeterUsageInput {
            product_code: Some("prod".into()),
            usage_records: records,
            ..Default::default()
        }
    }

    fn member_of(r: Result<(), ValidationError>) -> String {
        r.expect_err("the request must be refused").member
    }

    // The paths are built only when a check fails, so each shape of path is pinned here.
    #[test]
    fn a_refused_member_is_named_by_its_whole_path() {
        let mut bad_tag = record("c2");
        bad_tag.usage_allocations = Some(vec![
            allocation(1, &[("team", "a")]),
            allocation(2, &[("team", "b"), ("bad\nkey", "x")]),
        ]);
        assert_eq!(
            member_of(validate_batch_meter_usage(&batch(vec![
                record("c1"),
                bad_tag
            ]))),
            "UsageRecords[1].UsageAllocations[1].Tags[1].Key"
        );

        let mut no_dim = record("c1");
        no_dim.dimension = None;
        assert_eq!(
            member_of(validate_batch_meter_usage(&batch(vec![no_dim.clone()]))),
            "UsageRecords[0].Dimension"
        );
        assert_eq!(
            member_of(validate_usage_record("UsageRecord", &no_dim)),
            "UsageRecord.Dimension"
        );
        assert_eq!(member_of(validate_usage_record("", &no_dim)), "Dimension");

        let mut both = record("c1");
        both.customer_aws_account_id = Some("123456789012".into());
        assert_eq!(
            member_of(validate_batch_meter_usage(&batch(vec![record("c0"), both]))),
            "UsageRecords[1]"
        );

        let mut negative = record("c1");
        negative.quantity = Some(-1);
        assert_eq!(
            member_of(validate_batch_meter_usage(&batch(vec![negative]))),
            "UsageRecords[0].Quantity"
        );

        let meter = MeterUsageInput {
            product_code: Some("prod".into()),
            timestamp: Some(1_700_000_000),
            usage_dimension: Some("dim".into()),
            usage_quantity: Some(3),
            usage_allocations: Some(vec![allocation(1, &[]), allocation(2, &[("k", "v")])]),
            ..Default::default()
        };
        assert_eq!(
            member_of(validate_meter_usage(&meter)),
            "UsageAllocations[0].Tags"
        );
        let unset = MeterUsageInput {
            usage_quantity: Some(-5),
            ..meter
        };
        assert_eq!(member_of(validate_meter_usage(&unset)), "UsageQuantity");
    }

    #[test]
    fn a_valid_batch_passes() {
        let records = (0..25).map(|i| record(&format!("c{i}"))).collect();
        assert_eq!(validate_batch_meter_usage(&batch(records)), Ok(()));
    }
}
