"""Every handle the wrapper makes is freed: requests after the call, the rest on close/GC."""

import asyncio
import datetime as dt
import gc
from decimal import Decimal

import mpmeter
import pytest
from conftest import AKID, PRODUCT, SECRET
from mpmeter import UsageAllocation, UsageRecord


def now():
    return dt.datetime.now(dt.timezone.utc)


def test_requests_are_freed_after_the_call(client):
    alloc = [UsageAllocation(Decimal("1.5"), {"team": "red"})]
    with client.meter_usage(product_code=PRODUCT, timestamp=now(), usage_dimension="users",
                            usage_quantity=Decimal("1.5"), usage_allocations=alloc) as r:
        assert mpmeter.live_handles() == {"client": 1, "response": 1}
        r.result()
    assert mpmeter.live_handles() == {"client": 1}


def test_requests_are_freed_when_building_fails(client):
    records = [UsageRecord(now(), "users", 1, customer_identifier="c",
                           usage_allocations=[UsageAllocation(1, {"k": "v"})]),
               UsageRecord(now(), "users", -1, customer_identifier="c")]
    with pytest.raises(ValueError):
        client.batch_meter_usage(records, product_code=PRODUCT)
    assert mpmeter.live_handles() == {"client": 1}


def test_everything_is_freed(emulator, no_leaks):
    emulator.reset()
    with mpmeter.Credentials.basic(AKID, SECRET) as creds, \
            mpmeter.Client(endpoint=emulator.url, credentials=creds) as client:
        with client.batch_meter_usage([UsageRecord(now(), "users", 1, customer_identifier="demo-customer-1")],
                                      product_code=PRODUCT) as r:
            r.result()
        with client.register_usage(PRODUCT, 1) as r:
            asyncio.run(r.result_async())
        with client.resolve_customer("bad") as r, pytest.raises(mpmeter.InvalidTokenException):
            r.result()
        assert mpmeter.live_handles() == {"client": 1, "credentials": 1}


def test_garbage_collection_frees_responses_and_clients(emulator):
    gc.collect()
    before = mpmeter.live_handles()
    with mpmeter.Credentials.basic(AKID, SECRET) as creds:
        client = mpmeter.Client(endpoint=emulator.url, credentials=creds)
    client.resolve_customer("demo-registration-token")  # dropped at once, maybe still running
    response = client.resolve_customer("demo-registration-token")
    asyncio.run(response.result_async())  # a registered callback must not keep it alive
    del response, client
    gc.collect()
    assert mpmeter.live_handles() == before


def test_response_outlives_its_client(emulator):
    with mpmeter.Credentials.basic(AKID, SECRET) as creds:
        client = mpmeter.Client(endpoint=emulator.url, credentials=creds)
    response = client.resolve_customer("demo-registration-token")
    client.close()
    assert response.result(timeout=30).customer_identifier == "demo-customer-1"
    response.close()
    response.close()  # idempotent
    assert response.result().customer_identifier == "demo-customer-1"  # read before close
