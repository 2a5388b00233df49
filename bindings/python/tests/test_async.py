"""Waiting with asyncio: `await response` wakes the loop from the library's callback thread."""

import asyncio
import datetime as dt
import threading

import mpmeter
import pytest
from conftest import PRODUCT


def now():
    return dt.datetime.now(dt.timezone.utc)


def test_await_response(client):
    async def main():
        with client.resolve_customer("demo-registration-token") as response:
            result = await response
        return result, response.attempts

    result, attempts = asyncio.run(main())
    assert result.customer_identifier == "demo-customer-1"
    assert attempts == 1


def test_many_calls_concurrently_do_not_block_the_loop(client, emulator):
    emulator.fault(mode="delay", count=4, delay_ms=300)

    async def main():
        ticks = 0

        async def ticker():
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        tick = asyncio.ensure_future(ticker())
        responses = [client.meter_usage(product_code=PRODUCT, timestamp=now(), usage_dimension=d,
                                        usage_quantity=1)
                     for d in ("users", "hosts", "data_gb")]
        results = await asyncio.gather(*(r.result_async() for r in responses))
        tick.cancel()
        for r in responses:
            r.close()
        return results, ticks

    results, ticks = asyncio.run(main())
    assert len({r.metering_record_id for r in results}) == 3
    assert ticks >= 10  # the loop kept running while the calls waited on the emulator


def test_errors_are_raised_from_await(client):
    async def main():
        with client.resolve_customer("expired-registration-token") as response:
            await response

    with pytest.raises(mpmeter.ExpiredTokenException):
        asyncio.run(main())


def test_await_an_already_finished_response(client):
    response = client.resolve_customer("demo-registration-token")
    response.wait()

    async def main():
        first = await response
        second = await response.result_async()
        return first, second

    first, second = asyncio.run(main())
    assert first == second
    response.close()


def test_two_loops_wait_for_one_response(client, emulator):
    emulator.fault(mode="delay", count=1, delay_ms=200)
    response = client.resolve_customer("demo-registration-token")
    results = []

    def other_thread():
        results.append(asyncio.run(response.result_async()))

    t = threading.Thread(target=other_thread)
    t.start()
    results.append(asyncio.run(response.result_async()))
    t.join(10)
    assert len(results) == 2 and results[0] == results[1]
    response.close()


def test_cancelling_the_task_cancels_the_call(client, emulator):
    emulator.fault(mode="delay", count=1, delay_ms=5000)
    response = client.meter_usage(product_code=PRODUCT, timestamp=now(), usage_dimension="users",
                                  usage_quantity=1)

    async def main():
        task = asyncio.ensure_future(response.result_async())
        await asyncio.sleep(0.1)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(main())
    with pytest.raises(mpmeter.CancelledError):
        response.result(timeout=10)
    response.close()
