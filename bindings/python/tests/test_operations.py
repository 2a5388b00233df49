"""Each operation through the binding against the emulator, every result field read."""

import datetime as dt
from decimal import Decimal

import mpmeter
from conftest import AKID, LICENSE_ARN, PRODUCT, SECRET
from mpmeter import RecordStatus, UsageAllocation, UsageRecord

UTC = dt.timezone.utc


def now():
    return dt.datetime.now(UTC)


def test_meter_usage_integer(client, emulator):
    ts = now()
    with client.meter_usage(product_code=PRODUCT, timestamp=ts, usage_dimension="users",
                            usage_quantity=3, client_token="tok-int-1") as response:
        assert response.operation == mpmeter.Operation.METER_USAGE
        result = response.result(timeout=30)
        assert isinstance(result, mpmeter.MeterUsageResult)
        assert len(result.metering_record_id) == 36
        assert response.done()
        assert response.attempts == 1
        assert response.http_status == 200
        assert len(response.request_id) == 36
    (entry,) = emulator.ledger()
    assert entry["metering_record_id"] == result.metering_record_id
    assert entry["dimension"] == "users"
    assert entry["quantity"] == "3" and entry["quantity_type"] == "whole"
    assert entry["timestamp"] == int(ts.timestamp())
    assert entry["client_token"] == "tok-int-1"
    # Results stay readable after close().
    assert response.result().metering_record_id == result.metering_record_id


def test_meter_usage_decimal_with_allocations(client, emulator):
    allocations = [UsageAllocation(Decimal("1.25"), {"team": "red", "env": "prod"}),
                   UsageAllocation(Decimal("1.000005"), {"team": "blue"})]
    with client.meter_usage(product_code=PRODUCT, timestamp=now(), usage_dimension="data_gb",
                            usage_quantity=Decimal("2.250005"), usage_allocations=allocations) as r:
        assert r.result().metering_record_id
    (entry,) = emulator.ledger()
    assert entry["quantity"] == "2.250005" and entry["quantity_type"] == "decimal"
    assert entry["allocations"] == [
        {"quantity": "1.25", "tags": [{"key": "team", "value": "red"}, {"key": "env", "value": "prod"}]},
        {"quantity": "1.000005", "tags": [{"key": "team", "value": "blue"}]},
    ]


def test_decimal_exact_forms(client, emulator):
    """Decimals go out exactly: no float, no E notation; zeros past the 6th digit dropped."""
    cases = {"users": (Decimal("1E+2"), "100"), "hosts": (Decimal("0.1000000"), "0.1"),
             "data_gb": (Decimal("-0"), "0")}
    for dimension, (quantity, _) in cases.items():
        client.meter_usage(product_code=PRODUCT, timestamp=now(), usage_dimension=dimension,
                           usage_quantity=quantity).result()
    got = {e["dimension"]: e["quantity"] for e in emulator.ledger()}
    assert got == {d: text for d, (_, text) in cases.items()}


def test_dry_run_is_a_service_answer(client, emulator):
    # The emulator answers a dry run with DryRunOperation (HTTP 412), not a modeled error.
    response = client.meter_usage(product_code=PRODUCT, timestamp=now(), usage_dimension="users",
                                  usage_quantity=1, dry_run=True)
    error = response.exception()
    assert isinstance(error, mpmeter.UnknownServiceError)
    assert error.code == "DryRunOperation" and error.http_status == 412
    assert emulator.ledger() == []


def test_batch_meter_usage_every_field(client):
    ts = now().replace(microsecond=0)
    records = [
        UsageRecord(ts, "users", 5, customer_identifier="demo-customer-1",
                    usage_allocations=[UsageAllocation(5, {"team": "red"})]),
        UsageRecord(ts, "hosts", Decimal("1.5"), customer_aws_account_id="444455556666"),
        UsageRecord(ts, "users", 1, customer_identifier="unsubscribed-customer"),
    ]
    with client.batch_meter_usage(records, product_code=PRODUCT) as response:
        result = response.result()
    assert isinstance(result, mpmeter.BatchMeterUsageResult)
    assert result.unprocessed_records == []
    statuses = [(r.status, r.status_name) for r in result.results]
    assert statuses == [(RecordStatus.SUCCESS, "Success"), (RecordStatus.SUCCESS, "Success"),
                        (RecordStatus.CUSTOMER_NOT_SUBSCRIBED, "CustomerNotSubscribed")]
    assert all(len(r.metering_record_id) == 36 for r in result.results[:2])
    assert result.results[2].metering_record_id is None
    # The echoed records read back as the records sent, timestamps as aware UTC datetimes.
    assert [r.usage_record for r in result.results] == records
    assert result.results[0].usage_record.timestamp.tzinfo == UTC


def test_batch_by_license_arn(client, emulator):
    record = UsageRecord(now(), "users", 2, customer_aws_account_id="111122223333", license_arn=LICENSE_ARN)
    result = client.batch_meter_usage([record]).result()
    assert result.results[0].status == RecordStatus.SUCCESS
    assert emulator.ledger()[0]["license_arn"] == LICENSE_ARN


def test_unprocessed_records_are_resendable(client, emulator):
    emulator.fault(mode="unprocessed", count=1, unprocessed_count=2)
    ts = now().replace(microsecond=0)
    records = [UsageRecord(ts, d, 1, customer_identifier="demo-customer-1") for d in ("users", "hosts", "data_gb")]
    first = client.batch_meter_usage(records, product_code=PRODUCT).result()
    assert len(first.results) == 1
    assert first.unprocessed_records == records[1:]
    second = client.batch_meter_usage(first.unprocessed_records, product_code=PRODUCT).result()
    assert [r.status for r in second.results] == [RecordStatus.SUCCESS] * 2
    assert sorted(e["dimension"] for e in emulator.ledger()) == ["data_gb", "hosts", "users"]


def test_resolve_customer_every_field(client):
    with client.resolve_customer("demo-registration-token") as response:
        result = response.result()
    assert result == mpmeter.ResolveCustomerResult(
        customer_identifier="demo-customer-1",
        product_code=PRODUCT,
        customer_aws_account_id="111122223333",
        license_arn=LICENSE_ARN,
        agreement_id="agmt-demo-0001",
    )


def test_register_usage_every_field(client):
    import base64
    import json

    with client.register_usage(PRODUCT, 1, nonce="nonce-123") as response:
        result = response.result()
    header, payload, _sig = result.signature.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert claims["productCode"] == PRODUCT and claims["nonce"] == "nonce-123"
    assert claims["publicKeyVersion"] == 1
    rotation = result.public_key_rotation_timestamp
    assert rotation.tzinfo == UTC
    assert rotation > now() and (rotation.day, rotation.hour, rotation.minute) == (1, 0, 0)


def test_client_properties(emulator):
    with mpmeter.Credentials.anonymous() as creds, \
            mpmeter.Client(endpoint=emulator.url, region="eu-west-1", credentials=creds) as c:
        assert c.endpoint == emulator.url
        assert c.region == "eu-west-1"
        assert c.api_version == "2016-01-14"
        assert c.service_name == "aws-marketplace"
        assert c.endpoint_prefix == "metering.marketplace"
        assert c.service_full_name == "AWSMarketplace Metering"
    with mpmeter.Credentials.anonymous() as creds, \
            mpmeter.Client(region=mpmeter.Region.EU_CENTRAL_1, credentials=creds) as c:
        assert c.region == "eu-central-1"
        assert c.endpoint == "https://metering.marketplace.eu-central-1.amazonaws.com"


def test_library_version():
    assert mpmeter.library_version() == mpmeter.__version__


def test_credentials_sources(emulator, monkeypatch):
    with mpmeter.Credentials.basic(AKID, SECRET) as creds, \
            mpmeter.Client(endpoint=emulator.url, credentials=creds) as c:
        assert c.credentials_source.startswith("static")
        c.resolve_customer("demo-registration-token").result()
        assert "wJalr" not in c.credentials_source
    # Without credentials: the default chain, here from the environment (nothing else is tried).
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", AKID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    with mpmeter.Client(endpoint=emulator.url) as c:
        assert c.credentials_source.startswith("default-chain")
        assert c.resolve_customer("demo-registration-token").result().customer_identifier == "demo-customer-1"
        assert c.credentials_source == "default-chain/environment"


def test_from_environment(emulator, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", AKID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    monkeypatch.setenv("AWS_ENDPOINT_URL", emulator.url)
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    with mpmeter.Client(from_environment=True, app_id="mpm-test") as c:
        assert (c.endpoint, c.region) == (emulator.url, "eu-west-1")
        assert c.register_usage(PRODUCT, 1).result().signature
