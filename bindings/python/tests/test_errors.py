"""Every way a call can fail maps to its exception class with every field filled in."""

import datetime as dt
import socket
import time
from decimal import Decimal

import mpmeter
import pytest
from conftest import AKID, LICENSE_ARN, PRODUCT, SECRET
from mpmeter import UsageAllocation, UsageRecord

UTC = dt.timezone.utc


def now():
    return dt.datetime.now(UTC)


def meter(client, **kw):
    args = dict(product_code=PRODUCT, timestamp=now(), usage_dimension="users", usage_quantity=1)
    args.update(kw)
    return client.meter_usage(**args)


def raises(cls, response, code=None, status=400):
    with response, pytest.raises(cls) as info:
        response.result(timeout=30)
    error = info.value
    assert isinstance(error, mpmeter.MeteringError)
    if issubclass(cls, mpmeter.ServiceError):
        assert error.code == (code or cls.__name__)
        assert error.result == mpmeter.Result.ERR_SERVICE
        assert error.http_status == status
        assert len(error.request_id) == 36
    assert error.message
    assert error.attempts >= 1
    assert error.message in str(error)
    return error


def test_expired_token(client):
    error = raises(mpmeter.ExpiredTokenException, client.resolve_customer("expired-registration-token"))
    assert error.service_error == mpmeter.ServiceErrorKind.EXPIRED_TOKEN
    assert error.attempts == 1


def test_invalid_token(client):
    raises(mpmeter.InvalidTokenException, client.resolve_customer("no-such-token"))


def test_invalid_product_code(client):
    raises(mpmeter.InvalidProductCodeException, meter(client, product_code="no-such-product"))


def test_invalid_usage_dimension(client):
    raises(mpmeter.InvalidUsageDimensionException, meter(client, usage_dimension="cpus"))


def test_timestamp_out_of_bounds(client):
    raises(mpmeter.TimestampOutOfBoundsException, meter(client, timestamp=now() - dt.timedelta(days=2)))


def test_duplicate_request(client):
    ts = now()
    meter(client, timestamp=ts, usage_quantity=1).result()
    raises(mpmeter.DuplicateRequestException, meter(client, timestamp=ts, usage_quantity=2))


def test_idempotency_conflict(client):
    meter(client, client_token="same-token", usage_quantity=1).result()
    raises(mpmeter.IdempotencyConflictException, meter(client, client_token="same-token", usage_dimension="hosts"))


def test_invalid_usage_allocations_are_caught_before_sending(client, emulator):
    # The library checks allocations itself (sums, forms, repeated tag sets): nothing is sent.
    with pytest.raises(mpmeter.InvalidRequestError, match="repeats the tag set"):
        meter(client, usage_quantity=3, usage_allocations=[UsageAllocation(2, {"team": "red"}),
                                                           UsageAllocation(1, {"team": "red"})])
    assert emulator.admin("GET", "requests")["total"] == 0


def test_invalid_tag(client):
    raises(mpmeter.InvalidTagException,
           meter(client, usage_quantity=3, usage_allocations=[UsageAllocation(3, {"aws:team": "red"})]))


def test_invalid_license(client):
    record = UsageRecord(now(), "users", 1, customer_aws_account_id="444455556666", license_arn=LICENSE_ARN)
    raises(mpmeter.InvalidLicenseException, client.batch_meter_usage([record]))


def test_invalid_public_key_version(client):
    raises(mpmeter.InvalidPublicKeyVersionException, client.register_usage(PRODUCT, 7))


def test_platform_not_supported(client, emulator):
    emulator.config({"register_usage_error": "PlatformNotSupportedException"})
    try:
        raises(mpmeter.PlatformNotSupportedException, client.register_usage(PRODUCT, 1))
    finally:
        emulator.config({"register_usage_error": None})


def test_customer_not_entitled(emulator):
    emulator.reset()
    emulator.config({"credentials": [{"access_key_id": "AKIDUNSUBSCRIBED", "secret_access_key": "s3cret",
                                      "account_id": "777788889999"}]})
    with mpmeter.Credentials.basic("AKIDUNSUBSCRIBED", "s3cret") as creds, \
            mpmeter.Client(endpoint=emulator.url, credentials=creds) as c:
        raises(mpmeter.CustomerNotEntitledException, meter(c))


def test_wrong_secret_is_an_unknown_service_error(emulator):
    with mpmeter.Credentials.basic(AKID, "not-the-secret") as creds, \
            mpmeter.Client(endpoint=emulator.url, credentials=creds) as c:
        error = raises(mpmeter.UnknownServiceError, meter(c), code="InvalidSignatureException", status=403)
    assert error.service_error == mpmeter.ServiceErrorKind.UNKNOWN
    assert "not-the-secret" not in str(error)


def test_throttle_is_retried(client, emulator):
    emulator.fault(mode="throttle", count=1)
    with meter(client) as response:
        assert response.result(timeout=30).metering_record_id
        assert response.attempts == 2
        assert response.http_status == 200


def test_throttling_exception_after_every_attempt(client, emulator):
    emulator.fault(mode="throttle", count=10)
    error = raises(mpmeter.ThrottlingException, meter(client))
    assert error.attempts == 3
    assert error.service_error == mpmeter.ServiceErrorKind.THROTTLING


def test_internal_service_error(client, emulator):
    emulator.fault(mode="internal", count=10)
    error = raises(mpmeter.InternalServiceErrorException, meter(client), status=500)
    assert error.attempts == 3


def test_invalid_response(client, emulator):
    emulator.fault(mode="html500", count=10)
    error = raises(mpmeter.MeteringError, meter(client))
    assert isinstance(error, (mpmeter.InvalidResponseError, mpmeter.UnknownServiceError))
    assert error.http_status == 500


def test_transport_error():
    # A port nobody listens on: bind one, then close it.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with mpmeter.Credentials.basic(AKID, "x") as creds, \
            mpmeter.Client(endpoint=f"http://127.0.0.1:{port}", credentials=creds) as c:
        error = raises(mpmeter.TransportError, meter(c))
    assert error.code == "MPM_ERR_TRANSPORT"
    assert error.request_id is None and error.http_status is None


def test_timeout(emulator):
    emulator.reset()
    emulator.fault(mode="delay", count=5, delay_ms=3000)
    with mpmeter.Credentials.basic(AKID, SECRET) as creds, \
            mpmeter.Client(endpoint=emulator.url, credentials=creds, attempt_timeout=0.2, max_attempts=1) as c:
        error = raises(mpmeter.TimeoutError, meter(c))
    assert error.code == "MPM_ERR_TIMEOUT" and isinstance(error, TimeoutError)


def test_max_attempts_one_turns_retries_off(emulator):
    emulator.reset()
    emulator.fault(mode="throttle", count=1)
    with mpmeter.Credentials.basic(AKID, SECRET) as creds, \
            mpmeter.Client(endpoint=emulator.url, credentials=creds, max_attempts=1) as c:
        error = raises(mpmeter.ThrottlingException, meter(c))
    assert error.attempts == 1


def test_cancelled(client, emulator):
    emulator.fault(mode="delay", count=1, delay_ms=5000)
    with meter(client) as response:
        time.sleep(0.1)
        response.cancel()
        with pytest.raises(mpmeter.CancelledError) as info:
            response.result(timeout=10)
    assert info.value.code == "MPM_ERR_CANCELLED"


def test_wait_timeout_leaves_the_call_running(client, emulator):
    emulator.fault(mode="delay", count=1, delay_ms=700)
    with meter(client) as response:
        with pytest.raises(mpmeter.WaitTimeout):
            response.result(timeout=0.05)
        assert not isinstance(mpmeter.WaitTimeout(), mpmeter.MeteringError)
        assert response.result(timeout=30).metering_record_id


def test_every_service_error_kind_has_a_class():
    for kind in mpmeter.ServiceErrorKind:
        if kind == mpmeter.ServiceErrorKind.NONE:
            continue
        cls = mpmeter.errors.SERVICE_ERROR_CLASSES[kind]
        assert issubclass(cls, mpmeter.ServiceError)
        if kind != mpmeter.ServiceErrorKind.UNKNOWN:
            assert getattr(mpmeter, cls.__name__) is cls
            assert cls.__name__.endswith("Exception")


def test_exception_hierarchy():
    assert issubclass(mpmeter.InvalidRequestError, ValueError)
    assert issubclass(mpmeter.TimeoutError, TimeoutError)
    for name in ("TransportError", "TimeoutError", "CancelledError", "CredentialsError",
                 "InvalidResponseError", "InvalidRequestError", "UnknownServiceError"):
        assert issubclass(getattr(mpmeter, name), mpmeter.MeteringError)

