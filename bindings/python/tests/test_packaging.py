"""Client() follows the environment by default (as boto3 does) and can opt out; the package is
typed (py.typed). The wheel, `pip install` and `pip install -e` are tested by
scripts/test-python-wheel.sh (make test-python-wheel)."""

import pathlib

import mpmeter

from conftest import AKID, SECRET


def _isolate(monkeypatch):
    for name in ("AWS_PROFILE", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL_MARKETPLACE_METERING",
                 "AWS_MAX_ATTEMPTS", "AWS_RETRY_MODE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")


def test_client_follows_the_environment_by_default(emulator, monkeypatch):
    _isolate(monkeypatch)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", AKID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    monkeypatch.setenv("AWS_ENDPOINT_URL", emulator.url)
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    with mpmeter.Client() as c:
        assert (c.endpoint, c.region) == (emulator.url, "eu-west-1")
        assert c.credentials_source.startswith("default-chain")
        assert c.resolve_customer("demo-registration-token").result().customer_identifier == "demo-customer-1"
        assert c.credentials_source == "default-chain/environment"
    # Arguments win over the environment.
    with mpmeter.Client(region="us-west-2", endpoint=emulator.url) as c:
        assert (c.endpoint, c.region) == (emulator.url, "us-west-2")


def test_client_can_opt_out_of_the_environment(emulator, monkeypatch):
    _isolate(monkeypatch)
    monkeypatch.setenv("AWS_ENDPOINT_URL", emulator.url)
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    with mpmeter.Client(region="us-east-1", from_environment=False) as c:
        # AWS_ENDPOINT_URL is ignored: the region's real endpoint.
        assert c.endpoint == "https://metering.marketplace.us-east-1.amazonaws.com"
        assert c.region == "us-east-1"


def test_the_package_is_typed():
    here = pathlib.Path(mpmeter.__file__).parent
    assert (here / "py.typed").is_file()
