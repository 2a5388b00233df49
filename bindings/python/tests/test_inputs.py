"""Bad input is refused with a clear exception before anything reaches the network."""

import datetime as dt
from decimal import Decimal

import mpmeter
import pytest
from conftest import PRODUCT
from mpmeter import UsageAllocation, UsageRecord

UTC = dt.timezone.utc


def now():
    return dt.datetime.now(UTC)


@pytest.fixture
def sent(emulator):
    """Asserts the test sent nothing to the emulator."""
    yield
    assert emulator.admin("GET", "requests")["total"] == 0


def meter(client, **kw):
    args = dict(product_code=PRODUCT, timestamp=now(), usage_dimension="users", usage_quantity=1)
    args.update(kw)
    return client.meter_usage(**args)


def test_naive_datetime(client, sent):
    with pytest.raises(ValueError, match="naive datetime"):
        meter(client, timestamp=dt.datetime.now())
    with pytest.raises(mpmeter.InvalidRequestError, match="naive"):
        client.batch_meter_usage([UsageRecord(dt.datetime.utcnow(), "users", 1, customer_identifier="c")],
                                 product_code=PRODUCT)


def test_timestamp_must_be_a_datetime(client, sent):
    with pytest.raises(TypeError):
        meter(client, timestamp=1767225600)


def test_other_timezones_are_converted(client, emulator):
    emulator.reset()
    tz = dt.timezone(dt.timedelta(hours=5, minutes=30))
    local = dt.datetime.now(tz)
    meter(client, timestamp=local).result()
    assert emulator.ledger()[0]["timestamp"] == int(local.timestamp())


def test_nul_in_string(client, sent):
    with pytest.raises(mpmeter.InvalidRequestError, match="NUL"):
        meter(client, usage_dimension="us\0ers")
    with pytest.raises(ValueError, match="NUL"):
        client.resolve_customer("tok\0en")
    with pytest.raises(ValueError, match="NUL"):
        meter(client, usage_quantity=1, usage_allocations=[UsageAllocation(1, {"k": "v\0"})])


def test_26_records(client, sent):
    records = [UsageRecord(now(), "users", 1, customer_identifier=f"c{i}") for i in range(26)]
    with pytest.raises(mpmeter.InvalidRequestError, match="at most 25"):
        client.batch_meter_usage(records, product_code=PRODUCT)


def test_negative_quantity(client, sent):
    with pytest.raises(ValueError, match="out of range"):
        meter(client, usage_quantity=-1)
    with pytest.raises(ValueError, match="negative"):
        meter(client, usage_quantity=Decimal("-0.5"))
    with pytest.raises(ValueError, match="out of range"):
        meter(client, usage_quantity=2**31)


def test_decimal_with_more_than_six_fraction_digits_is_refused_not_rounded(client, sent):
    with pytest.raises(mpmeter.InvalidRequestError, match="more than 6 fractional digits"):
        meter(client, usage_quantity=Decimal("0.1234567"))
    for bad in (Decimal("NaN"), Decimal("Infinity")):
        with pytest.raises(ValueError, match="finite"):
            meter(client, usage_quantity=bad)


def test_decimal_with_too_many_integer_digits_is_refused_by_the_library(client, sent):
    with pytest.raises(mpmeter.InvalidRequestError) as info:
        meter(client, usage_quantity=Decimal("12345678901"))
    assert info.value.result == mpmeter.Result.ERR_INVALID_ARGUMENT


def test_float_and_bool_quantities_are_refused(client, sent):
    with pytest.raises(TypeError, match="Decimal"):
        meter(client, usage_quantity=1.5)
    with pytest.raises(TypeError):
        meter(client, usage_quantity=True)


def test_library_checks_become_invalid_request_errors(client, sent):
    with pytest.raises(mpmeter.InvalidRequestError) as info:
        meter(client, usage_dimension="x" * 256)
    assert info.value.code == "MPM_ERR_INVALID_ARGUMENT"
    assert "usage_dimension" in str(info.value)
    with pytest.raises(mpmeter.InvalidRequestError, match="must add up"):
        meter(client, usage_quantity=3, usage_allocations=[UsageAllocation(2, {"team": "red"})])
    with pytest.raises(mpmeter.InvalidRequestError, match="AsDecimal"):
        meter(client, usage_quantity=Decimal("2"), usage_allocations=[UsageAllocation(2, {"t": "v"})])
    with pytest.raises(mpmeter.InvalidRequestError):
        client.register_usage(PRODUCT, 0)
    with pytest.raises(mpmeter.InvalidRequestError):  # a record naming no customer
        client.batch_meter_usage([UsageRecord(now(), "users", 1)], product_code=PRODUCT)


def test_six_tags_are_refused(client, sent):
    tags = {f"k{i}": "v" for i in range(6)}
    with pytest.raises(mpmeter.InvalidRequestError):
        meter(client, usage_quantity=1, usage_allocations=[UsageAllocation(1, tags)])


def test_wrong_types(client, sent):
    with pytest.raises(TypeError):
        meter(client, product_code=42)
    with pytest.raises(TypeError):
        client.batch_meter_usage([{"dimension": "users"}], product_code=PRODUCT)
    with pytest.raises(TypeError):
        meter(client, usage_allocations=[(1, {"k": "v"})])


def test_client_needs_a_region_or_endpoint(monkeypatch):
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    # With IMDS allowed, a client without a region asks EC2's metadata on its first call (as
    # the SDKs do); with it disabled, nothing can give a region and construction fails.
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/mpmeter-test-config")
    with mpmeter.Credentials.anonymous() as creds:
        with pytest.raises(mpmeter.InvalidRequestError):
            mpmeter.Client(credentials=creds)
        with pytest.raises(mpmeter.InvalidRequestError):
            mpmeter.Client(endpoint="not a url", credentials=creds)


def test_credentials_errors(monkeypatch):
    with pytest.raises(mpmeter.InvalidRequestError):
        mpmeter.Credentials.basic("", "secret")
    monkeypatch.delenv("AWS_ACCESS_KEY_ID", raising=False)
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY", raising=False)
    with pytest.raises(mpmeter.CredentialsError):
        mpmeter.Credentials.from_env()
    with pytest.raises(ValueError):
        mpmeter.Credentials.for_platform(99)
    assert "secret" not in repr(mpmeter.Credentials.basic("AKID", "secret"))


def test_closed_handles_refuse_use(emulator):
    with mpmeter.Credentials.anonymous() as creds:
        c = mpmeter.Client(endpoint=emulator.url, credentials=creds)
    c.close()
    c.close()  # idempotent
    with pytest.raises(ValueError, match="closed"):
        c.resolve_customer("demo-registration-token")


def test_bad_settings(sent):
    with pytest.raises(mpmeter.InvalidRequestError):
        mpmeter.Client(endpoint="http://127.0.0.1:1", credentials=None, max_attempts=21)
    with pytest.raises(mpmeter.InvalidRequestError):
        mpmeter.Client(endpoint="http://127.0.0.1:1", operation_timeout=0)
    with pytest.raises(mpmeter.InvalidRequestError):
        mpmeter.Client(endpoint="http://127.0.0.1:1", app_id="has spaces")
    with pytest.raises(ValueError):
        mpmeter.Client(endpoint="http://127.0.0.1:1", retry_mode=7)
    assert mpmeter.live_handles().get("config", 0) == 0
