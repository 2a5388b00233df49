"""boto3 against mpm-emulator: an independent AWS client (its own SigV4,
serializer and error parser) must see the service's behaviour.

Run: .venv/bin/python -m pytest -q tests/python/test_emulator_boto3.py
(needs target/debug/mpm-emulator, or MPM_EMULATOR=/path/to/binary; started by
tests/python/mpm_emulator.py).
"""

import datetime
import pathlib
import shutil
import tempfile

import boto3
import botocore.session
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from mpm_emulator import Emulator

ROOT = pathlib.Path(__file__).resolve().parents[2]
AKID = "AKIAIOSFODNN7EXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


@pytest.fixture(scope="module")
def emulator():
    with Emulator() as e:
        yield e


@pytest.fixture(scope="module")
def endpoint(emulator):
    return emulator.url


@pytest.fixture(scope="module")
def data_path():
    """The repo's service model, laid out the way botocore's loader expects,
    so boto3 speaks exactly the model the emulator implements."""
    d = tempfile.mkdtemp(prefix="mpm-botocore-")
    target = pathlib.Path(d, "meteringmarketplace", "2016-01-14")
    target.mkdir(parents=True)
    shutil.copy(ROOT / "spec" / "service-2.json", target / "service-2.json")
    yield d
    shutil.rmtree(d)


def make_client(endpoint, data_path, secret=SECRET, validate=True):
    bs = botocore.session.get_session()
    bs.get_component("data_loader").search_paths.insert(0, data_path)
    session = boto3.session.Session(botocore_session=bs)
    return session.client(
        "meteringmarketplace",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=AKID,
        aws_secret_access_key=secret,
        config=Config(retries={"max_attempts": 1, "mode": "standard"}, parameter_validation=validate),
    )


@pytest.fixture
def client(emulator, data_path):
    emulator.reset()
    return make_client(emulator.url, data_path)


def now():
    return datetime.datetime.now(datetime.timezone.utc)


def error_code(excinfo):
    return excinfo.value.response["Error"]["Code"]


def test_uses_the_repo_model(client, data_path):
    members = client.meta.service_model.operation_model("MeterUsage").input_shape.members
    assert "UsageQuantityAsDecimal" in members
    assert client.meta.service_model.signing_name == "aws-marketplace"


def test_meter_usage(client, emulator):
    ts = now() - datetime.timedelta(minutes=5)
    out = client.meter_usage(
        ProductCode="demo-product",
        Timestamp=ts,
        UsageDimension="users",
        UsageQuantityAsDecimal="2.50",
        UsageAllocations=[
            {"AllocatedUsageQuantityAsDecimal": "2", "Tags": [{"Key": "team", "Value": "a"}]},
            {"AllocatedUsageQuantityAsDecimal": "0.5"},
        ],
    )
    rid = out["MeteringRecordId"]
    assert out["ResponseMetadata"]["HTTPStatusCode"] == 200
    # boto3 fills ClientToken itself; the hour key still makes this idempotent.
    again = client.meter_usage(
        ProductCode="demo-product", Timestamp=ts, UsageDimension="users", UsageQuantityAsDecimal="2.5",
        UsageAllocations=[
            {"AllocatedUsageQuantityAsDecimal": "0.5"},
            {"AllocatedUsageQuantityAsDecimal": "2.0", "Tags": [{"Key": "team", "Value": "a"}]},
        ],
    )
    assert again["MeteringRecordId"] == rid
    [entry] = emulator.ledger()
    assert entry["quantity"] == "2.5"
    assert entry["client_token"]


def test_batch_meter_usage(client):
    ts = now() - datetime.timedelta(hours=2)
    out = client.batch_meter_usage(
        ProductCode="demo-product",
        UsageRecords=[
            {"CustomerIdentifier": "demo-customer-1", "Dimension": "hosts", "Timestamp": ts, "Quantity": 3},
            {"CustomerAWSAccountId": "444455556666", "Dimension": "data_gb", "Timestamp": ts, "QuantityAsDecimal": "0.25"},
            {"CustomerIdentifier": "unsubscribed-customer", "Dimension": "hosts", "Timestamp": ts, "Quantity": 1},
        ],
    )
    statuses = [r["Status"] for r in out["Results"]]
    assert statuses == ["Success", "Success", "CustomerNotSubscribed"]
    assert out["Results"][0]["UsageRecord"]["CustomerIdentifier"] == "demo-customer-1"
    assert out["Results"][1]["UsageRecord"]["QuantityAsDecimal"] == "0.25"
    assert out["UnprocessedRecords"] == []


def test_resolve_customer(client):
    out = client.resolve_customer(RegistrationToken="demo-registration-token")
    assert out["CustomerIdentifier"] == "demo-customer-1"
    assert out["ProductCode"] == "demo-product"
    assert out["CustomerAWSAccountId"] == "111122223333"
    assert out["LicenseArn"] == "arn:aws:license-manager::111122223333:license:l-demo0000000000000000001"
    assert out["Metadata"]["AgreementId"] == "agmt-demo-0001"
    with pytest.raises(ClientError) as e:
        client.resolve_customer(RegistrationToken="expired-registration-token")
    assert error_code(e) == "ExpiredTokenException"


def test_register_usage(client):
    out = client.register_usage(ProductCode="demo-product", PublicKeyVersion=1, Nonce="abc")
    assert out["Signature"].count(".") == 2
    assert isinstance(out["PublicKeyRotationTimestamp"], datetime.datetime)
    with pytest.raises(ClientError) as e:
        client.register_usage(ProductCode="demo-product", PublicKeyVersion=9)
    assert error_code(e) == "InvalidPublicKeyVersionException"


def test_wrong_secret(endpoint, data_path, client):
    bad = make_client(endpoint, data_path, secret="not-the-secret")
    with pytest.raises(ClientError) as e:
        bad.resolve_customer(RegistrationToken="demo-registration-token")
    assert error_code(e) == "InvalidSignatureException"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_stale_timestamp(client):
    with pytest.raises(ClientError) as e:
        client.meter_usage(
            ProductCode="demo-product",
            Timestamp=now() - datetime.timedelta(hours=7),
            UsageDimension="users",
            UsageQuantity=1,
        )
    assert error_code(e) == "TimestampOutOfBoundsException"


def test_26_records(emulator, endpoint, data_path, client):
    raw = make_client(endpoint, data_path, validate=False)
    ts = now() - datetime.timedelta(minutes=30)
    records = [
        {"CustomerIdentifier": "demo-customer-1", "Dimension": "users", "Timestamp": ts, "Quantity": 1}
        for _ in range(26)
    ]
    with pytest.raises(ClientError) as e:
        raw.batch_meter_usage(ProductCode="demo-product", UsageRecords=records)
    assert error_code(e) == "ValidationException"
    assert "Member must have length less than or equal to 25" in e.value.response["Error"]["Message"]
    assert emulator.ledger() == []


def test_both_quantity_forms(endpoint, data_path, client):
    raw = make_client(endpoint, data_path, validate=False)
    ts = now() - datetime.timedelta(minutes=30)
    with pytest.raises(ClientError) as e:
        raw.meter_usage(
            ProductCode="demo-product", Timestamp=ts, UsageDimension="users",
            UsageQuantity=1, UsageQuantityAsDecimal="1",
        )
    assert error_code(e) == "ValidationException"
    with pytest.raises(ClientError) as e:
        raw.batch_meter_usage(
            ProductCode="demo-product",
            UsageRecords=[{"CustomerIdentifier": "demo-customer-1", "Dimension": "users", "Timestamp": ts,
                           "Quantity": 1, "QuantityAsDecimal": "1"}],
        )
    assert error_code(e) == "ValidationException"
    assert "quantityAsDecimal" in e.value.response["Error"]["Message"]


def test_throttling_is_retried_by_boto3(emulator, endpoint, data_path, client):
    emulator.fault(mode="throttle", count=2, operation="ResolveCustomer")
    bs = botocore.session.get_session()
    bs.get_component("data_loader").search_paths.insert(0, data_path)
    retrying = boto3.session.Session(botocore_session=bs).client(
        "meteringmarketplace", endpoint_url=endpoint, region_name="us-east-1",
        aws_access_key_id=AKID, aws_secret_access_key=SECRET,
        config=Config(retries={"max_attempts": 3, "mode": "standard"}),
    )
    out = retrying.resolve_customer(RegistrationToken="demo-registration-token")
    assert out["ResponseMetadata"]["RetryAttempts"] == 2
    counts = emulator.admin("GET", "requests")
    assert counts["operations"]["ResolveCustomer"]["outcomes"] == {"ThrottlingException": 2, "Success": 1}
