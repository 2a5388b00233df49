"""Plain Python values of requests and results, and their checks and conversions.

Quantities are `int` (sent with the integer member) or `decimal.Decimal` (sent, exactly, as
the decimal-string member); floats are refused because they cannot say 0.1 exactly.
Timestamps are timezone-aware `datetime`s; naive ones are refused, since reading them as
local time or as UTC would each be wrong for somebody. Results carry datetimes in UTC.
"""

import datetime as _dt
import decimal
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple, Union

from ._enums import RecordStatus
from .errors import InvalidRequestError

Quantity = Union[int, decimal.Decimal]

INT32_MAX = 2**31 - 1
MAX_FRACTION_DIGITS = 6
MAX_BATCH_RECORDS = 25


@dataclass
class UsageAllocation:
    """A share of a usage quantity, attributed to a set of tags (at most 5)."""

    quantity: Quantity
    tags: Dict[str, str] = field(default_factory=dict)


@dataclass
class UsageRecord:
    """One record of a BatchMeterUsage call. Name the customer with `customer_identifier` or
    `customer_aws_account_id`; `license_arn` is needed when the call has no product code."""

    timestamp: _dt.datetime
    dimension: str
    quantity: Optional[Quantity] = None
    customer_identifier: Optional[str] = None
    customer_aws_account_id: Optional[str] = None
    license_arn: Optional[str] = None
    usage_allocations: List[UsageAllocation] = field(default_factory=list)


@dataclass(frozen=True)
class MeterUsageResult:
    metering_record_id: Optional[str]


@dataclass(frozen=True)
class UsageRecordResult:
    """One entry of a BatchMeterUsage answer: `status` is a `RecordStatus`, `status_name` the
    service's spelling (meaningful when `status` is UNKNOWN)."""

    status: RecordStatus
    status_name: Optional[str]
    metering_record_id: Optional[str]
    usage_record: Optional[UsageRecord]


@dataclass(frozen=True)
class BatchMeterUsageResult:
    """`unprocessed_records` were not metered: pass them to `batch_meter_usage` again."""

    results: List[UsageRecordResult]
    unprocessed_records: List[UsageRecord]


@dataclass(frozen=True)
class ResolveCustomerResult:
    customer_identifier: Optional[str]
    product_code: Optional[str]
    customer_aws_account_id: Optional[str]
    license_arn: Optional[str]
    agreement_id: Optional[str]


@dataclass(frozen=True)
class RegisterUsageResult:
    signature: Optional[str]
    public_key_rotation_timestamp: Optional[_dt.datetime]


# --- conversions (used by the client) ---------------------------------------------------------


def c_string(value: Optional[str], what: str, *, optional: bool = False) -> Optional[bytes]:
    """`value` as NUL-terminated UTF-8 bytes for C (None stays None when optional)."""
    if value is None:
        if optional:
            return None
        raise InvalidRequestError(f"{what} is required", code="MPM_ERR_NULL_ARGUMENT")
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str, not {type(value).__name__}")
    if "\0" in value:
        raise InvalidRequestError(f"{what} contains a NUL character", code="MPM_ERR_INVALID_ARGUMENT")
    try:
        return value.encode("utf-8")
    except UnicodeEncodeError as exc:  # lone surrogates
        raise InvalidRequestError(f"{what} is not valid Unicode: {exc}", code="MPM_ERR_INVALID_UTF8") from None


def unix_seconds(value: _dt.datetime, what: str) -> int:
    """An aware datetime as whole Unix seconds (fractions dropped: metering is by the hour)."""
    if not isinstance(value, _dt.datetime):
        raise TypeError(f"{what} must be a datetime, not {type(value).__name__}")
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        raise InvalidRequestError(
            f"{what} is a naive datetime; give it a timezone (e.g. datetime.now(timezone.utc))",
            code="MPM_ERR_INVALID_ARGUMENT",
        )
    delta = value - _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)
    return delta.days * 86400 + delta.seconds


def from_unix_seconds(seconds: int) -> _dt.datetime:
    return _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc) + _dt.timedelta(seconds=seconds)


def quantity_arg(value: Union[int, decimal.Decimal], what: str) -> Tuple[str, Any]:
    """('int', n) or ('decimal', "digits") for a quantity, checked but never rounded."""
    if isinstance(value, bool) or not isinstance(value, (int, decimal.Decimal)):
        raise TypeError(f"{what} must be an int or a decimal.Decimal, not {type(value).__name__}")
    if isinstance(value, int):
        if not 0 <= value <= INT32_MAX:
            raise InvalidRequestError(f"{what} {value} is out of range (0 to {INT32_MAX})",
                                      code="MPM_ERR_INVALID_ARGUMENT")
        return "int", value
    return "decimal", decimal_text(value, what)


def decimal_text(value: decimal.Decimal, what: str) -> str:
    """The exact decimal text of `value`, at most 6 fractional digits, never in E notation."""
    if not value.is_finite():
        raise InvalidRequestError(f"{what} {value} is not a finite number", code="MPM_ERR_INVALID_ARGUMENT")
    if value.is_signed() and value != 0:
        raise InvalidRequestError(f"{what} {value} is negative", code="MPM_ERR_INVALID_ARGUMENT")
    value = abs(value)  # -0 -> 0
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -MAX_FRACTION_DIGITS:
        # Trailing zeros past the 6th digit may go; anything else would be rounding.
        ctx = decimal.Context(prec=max(len(value.as_tuple().digits), 1) + 1, traps=[decimal.Inexact])
        try:
            value = value.quantize(decimal.Decimal(1).scaleb(-MAX_FRACTION_DIGITS), context=ctx)
        except decimal.Inexact:
            raise InvalidRequestError(
                f"{what} {value} has more than {MAX_FRACTION_DIGITS} fractional digits "
                "(round it yourself, e.g. with Decimal.quantize)",
                code="MPM_ERR_INVALID_ARGUMENT",
            ) from None
    return format(value, "f")


def decimal_from_text(text: Optional[str]) -> Optional[decimal.Decimal]:
    return None if text is None else decimal.Decimal(text)
