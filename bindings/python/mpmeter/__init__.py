"""mpmeter: the AWS Marketplace Metering Service from Python, over libmpmeter's C API (ctypes).

    from datetime import datetime, timezone
    import mpmeter

    with mpmeter.Client(region="us-east-1", credentials=mpmeter.Credentials.basic(akid, secret)) as client:
        with client.meter_usage(product_code="my-product", timestamp=datetime.now(timezone.utc),
                                usage_dimension="users", usage_quantity=3) as response:
            print(response.result().metering_record_id)

        # Durable: recorded on local disk before record() returns, billed exactly once.
        with mpmeter.Outbox(client, "/var/lib/my-app/metering.db", product_code="my-product") as outbox:
            outbox.record("customer-1", "users", 3, event_id="order-42")

See bindings/python/README.md.
"""

from . import _lib
from ._enums import (
    LatePolicy, LogLevel, Operation, OutboxMode, Platform, RecordStatus, Region, Result, RetryMode,
    ServiceErrorKind, SlotState,
)
from ._lib import live_handles
from ._observe import LATENCY_BUCKETS_MS, TRACE, ClientMetrics, refresh_log_level
from .client import Client, Credentials
from .errors import *  # noqa: F401,F403 - the exception classes
from .errors import __all__ as _error_names
from .model import (
    BatchMeterUsageResult,
    MeterUsageResult,
    RegisterUsageResult,
    ResolveCustomerResult,
    UsageAllocation,
    UsageRecord,
    UsageRecordResult,
)
from .outbox import Outbox, OutboxEvent, OutboxSlot, OutboxStats
from .response import Response

__version__ = "0.1.0"

library_path = _lib.library_path


def library_version() -> str:
    """The version of the loaded libmpmeter ("0.1.0")."""
    return _lib.text(_lib.fn.mpm_version()) or ""


def set_worker_threads(threads: int) -> None:
    """Sets the library runtime's worker threads (default 2); only before the first call."""
    from .client import _check

    _check(_lib.fn.mpm_runtime_set_worker_threads(threads), "set_worker_threads")


__all__ = [
    "Client", "Credentials", "Response",
    "UsageAllocation", "UsageRecord",
    "MeterUsageResult", "BatchMeterUsageResult", "UsageRecordResult", "ResolveCustomerResult",
    "RegisterUsageResult",
    "Outbox", "OutboxEvent", "OutboxSlot", "OutboxStats", "OutboxMode", "LatePolicy", "SlotState",
    "Operation", "Platform", "RecordStatus", "Region", "Result", "RetryMode", "ServiceErrorKind",
    "ClientMetrics", "LATENCY_BUCKETS_MS", "LogLevel", "TRACE", "refresh_log_level",
    "live_handles", "library_version", "library_path", "set_worker_threads",
    *_error_names,
]
