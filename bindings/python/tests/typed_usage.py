"""Not a test module: a program as a user writes it, checked by `mypy --strict` (make
test-python, scripts/test-python-types.sh) against the package's annotations, so the
public API's types (Response[...] per operation, the result classes) are what users get.
Imported by nothing; runs against the emulator only if called."""

from datetime import datetime, timezone
from decimal import Decimal
from typing import List, Optional

import mpmeter
from mpmeter import UsageAllocation, UsageRecord


def meter(endpoint: str) -> Optional[str]:
    credentials = mpmeter.Credentials.basic("AKIAIOSFODNN7EXAMPLE", "secret")
    with credentials, mpmeter.Client(endpoint=endpoint, credentials=credentials) as client:
        now = datetime.now(timezone.utc)
        response: mpmeter.Response[mpmeter.MeterUsageResult] = client.meter_usage(
            product_code="demo-product", timestamp=now, usage_dimension="users",
            usage_quantity=Decimal("2.5"),
            usage_allocations=[UsageAllocation(Decimal("2.5"), {"team": "red"})])
        record_id: Optional[str] = response.result(timeout=30).metering_record_id
        attempts: Optional[int] = response.attempts
        batch = client.batch_meter_usage([UsageRecord(now, "users", 3, customer_identifier="c")]).result()
        statuses: List[mpmeter.RecordStatus] = [r.status for r in batch.results]
        again: List[UsageRecord] = batch.unprocessed_records
        customer: Optional[str] = client.resolve_customer("token").result().customer_identifier
        signature: Optional[str] = client.register_usage("demo-product", 1).result().signature
        error: Optional[mpmeter.MeteringError] = client.resolve_customer("x").exception()
        del attempts, statuses, again, customer, signature, error
        return record_id


async def meter_async(client: mpmeter.Client) -> Optional[str]:
    result = await client.meter_usage(product_code="p", timestamp=datetime.now(timezone.utc),
                                      usage_dimension="users", usage_quantity=1)
    return result.metering_record_id


def record_durably(client: mpmeter.Client, store: str) -> List[mpmeter.SlotState]:
    fates: List[mpmeter.SlotState] = []

    def on_terminal(slot: mpmeter.OutboxSlot) -> None:
        fates.append(slot.state)

    now = datetime.now(timezone.utc)
    with mpmeter.Outbox(client, store, product_code="demo-product", mode=mpmeter.OutboxMode.SAAS,
                        late_policy=mpmeter.LatePolicy.REFUSE, seal_delay=60,
                        on_terminal=on_terminal) as outbox:
        outbox.record("customer-1", "users", 3, usage_time=now, event_id="e1")
        outbox.record("customer-1", "users", Decimal("0.5"))
        outbox.record_batch([mpmeter.OutboxEvent("customer-1", "users", "2", now)])
        outbox.seal_now("customer-1")
        outbox.flush(timeout=30.0)
        stats: mpmeter.OutboxStats = outbox.stats()
        expiry: Optional[int] = stats.seconds_to_first_expiry
        ids: List[Optional[str]] = [s.metering_record_id for s in outbox.slots_of_hour(now)]
        del expiry, ids
    return fates
