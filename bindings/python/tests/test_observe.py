"""The library's log in the "mpmeter" logger, and Client.metrics(), on the emulator."""

import datetime as dt
import logging

import mpmeter
import pytest
from conftest import AKID, PRODUCT, SECRET

TOKEN = "IQoJb3JpZ2luX2VjPYTHONLOGTEST+SESSION/TOKEN0123456789abcdef=="
WRONG_SECRET = "wrong-python-secret-0123456789abcdefghijk"


def now():
    return dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=5)


def meter(client, dimension="users"):
    with client.meter_usage(product_code=PRODUCT, timestamp=now(), usage_dimension=dimension,
                            usage_quantity=1) as response:
        return response.result()


def test_retries_and_attempts_reach_the_mpmeter_logger(client, emulator, caplog):
    caplog.set_level(logging.DEBUG, logger="mpmeter")
    mpmeter.refresh_log_level()
    emulator.fault(mode="retry_after", count=1, retry_after_ms=10)
    meter(client)
    records = [r for r in caplog.records if r.name == "mpmeter"]
    retry = [r for r in records if r.getMessage().startswith("retrying")]
    assert retry, [r.getMessage() for r in records]
    assert retry[0].levelno == logging.INFO
    assert "reason=throttling" in retry[0].getMessage()
    assert retry[0].mpm_target.startswith("mpmeter_core::")
    assert any(r.levelno == logging.DEBUG and "attempt answered" in r.getMessage()
               for r in records)
    assert any("credentials resolved" in r.getMessage() for r in records)


def test_no_secret_in_any_record_of_a_signature_mismatch(emulator, caplog):
    caplog.set_level(mpmeter.TRACE, logger="mpmeter")
    mpmeter.refresh_log_level()
    emulator.reset()
    with mpmeter.Credentials.basic(AKID, WRONG_SECRET, TOKEN) as creds:
        client = mpmeter.Client(endpoint=emulator.url, credentials=creds)
    with client, pytest.raises(mpmeter.MeteringError):
        meter(client)
    text = "\n".join(r.getMessage() for r in caplog.records if r.name == "mpmeter")
    assert "call failed" in text
    for secret in (WRONG_SECRET, SECRET, TOKEN, "SESSION/TOKEN"):
        assert secret not in text


def test_levels_the_logger_does_not_want_are_not_delivered(client, emulator, caplog):
    caplog.set_level(logging.WARNING, logger="mpmeter")
    mpmeter.refresh_log_level()
    emulator.fault(mode="retry_after", count=1, retry_after_ms=10)
    meter(client)
    assert not [r for r in caplog.records if r.name == "mpmeter"]


def test_metrics_count_calls_retries_and_latency(client, emulator):
    first = client.metrics()
    assert isinstance(first, mpmeter.ClientMetrics)
    assert (first.calls, first.attempts) == (0, 0)
    emulator.fault(mode="retry_after", count=2, retry_after_ms=10)
    meter(client, "hosts")
    emulator.fault(mode="internal", count=1)
    meter(client, "data_gb")
    with pytest.raises(mpmeter.MeteringError):
        meter(client, "no-such-dimension")
    m = client.metrics()
    assert (m.calls, m.succeeded, m.failed, m.in_flight) == (3, 2, 1, 0)
    assert m.attempts == 3 + 2 + 1
    assert (m.retries_throttling, m.retries_transient, m.throttles) == (2, 1, 2)
    assert m.retries == 3
    assert m.failed_service == 1
    assert m.latency_count == 3 and sum(m.latency_buckets) == 3
    assert len(m.latency_buckets) == len(mpmeter.LATENCY_BUCKETS_MS)
    assert m.latency_mean_ms is not None and m.latency_mean_ms > 0
