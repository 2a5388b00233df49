"""A call in flight: `Response`, a future over an `mpm_response` handle.

Wait with `response.result(timeout=None)` (blocking) or `await response` /
`await response.result_async()` (asyncio). The C callback registered with
`mpm_response_on_finished` runs on a library thread; it only hands a wake-up to each waiting
event loop with `loop.call_soon_threadsafe`. The outcome is read once, on the waiter's thread,
into plain Python values, so results stay readable after `close()`.

The handle is freed by `close()`, `__exit__`, or garbage collection (weakref.finalize). The
ctypes callback object is held by the finalizer, so it outlives every moment the library may
call it: `mpm_response_free` guarantees no callback starts after it returns.
"""

import asyncio
import threading
import time
import weakref
from typing import Any, Callable, Dict, Generator, Generic, List, Optional, Tuple, Type, TypeVar, cast

from . import _lib
from ._enums import Operation, RecordStatus, Result, ServiceErrorKind
from ._lib import fn, text
from .errors import (
    RESULT_CLASSES,
    SERVICE_ERROR_CLASSES,
    MeteringError,
    WaitTimeout,
    from_last_error,
)
from .model import (
    BatchMeterUsageResult,
    MeterUsageResult,
    RegisterUsageResult,
    ResolveCustomerResult,
    UsageAllocation,
    UsageRecord,
    UsageRecordResult,
    decimal_from_text,
    from_unix_seconds,
)

T = TypeVar("T")

# A blocking wait with no limit still wakes this often, so Ctrl-C gets through.
_WAIT_SLICE_MS = 200


class _Waiters:
    """Event loops waiting for one response. Shared with the C callback, which must not
    reference the Response itself (that would keep it alive forever)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.fired = False
        self.pending: List[Tuple[asyncio.AbstractEventLoop, "asyncio.Future[None]"]] = []

    def add(self, loop: asyncio.AbstractEventLoop, future: "asyncio.Future[None]") -> bool:
        with self.lock:
            if not self.fired:
                self.pending.append((loop, future))
                return True
        return False

    def fire(self, _response: Any, _userdata: Any) -> None:
        # On a library thread: never raise out of a ctypes callback.
        with self.lock:
            self.fired = True
            pending, self.pending = self.pending, []
        for loop, future in pending:
            try:
                loop.call_soon_threadsafe(_wake, future)
            except RuntimeError:  # the loop was closed meanwhile
                pass


def _wake(future: "asyncio.Future[None]") -> None:
    if not future.done():
        future.set_result(None)


def _free(ptr: Any, _callback: Any) -> None:
    # _callback rides along only to stay alive until the handle is gone.
    _lib.free_handle("response", fn.mpm_response_free, ptr)


class Response(Generic[T]):
    """The pending or finished outcome of one call. Made by the `Client` methods:
    `Response[MeterUsageResult]` from `meter_usage`, and so on."""

    def __init__(self, ptr: Any, operation: Operation) -> None:
        self._ptr = ptr
        self.operation = operation
        self._waiters = _Waiters()
        self._callback = _lib.RESPONSE_CALLBACK(self._waiters.fire)
        self._registered = False
        self._register_lock = threading.Lock()
        self._outcome: Optional[Tuple[str, Any]] = None  # ("ok", value) or ("error", exception)
        self._info: Dict[str, Any] = {}
        self._finalizer = weakref.finalize(self, _free, ptr, self._callback)

    # --- lifetime ---------------------------------------------------------------------------

    def close(self) -> None:
        """Frees the handle (cancelling the call if it still runs). Idempotent. A result read
        before stays readable."""
        self._finalizer()
        self._ptr = None

    def __enter__(self) -> "Response[T]":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _handle(self) -> Any:
        if self._ptr is None:
            raise ValueError("the response is closed")
        return self._ptr

    # --- state ------------------------------------------------------------------------------

    def done(self) -> bool:
        """True once the call has ended (or the response was read and closed)."""
        return self._outcome is not None or bool(fn.mpm_response_is_finished(self._handle()))

    def cancel(self) -> None:
        """Asks the call to stop; it then ends with CancelledError. No-op once finished."""
        if self._ptr is not None:
            fn.mpm_response_cancel(self._ptr)

    @property
    def request_id(self) -> Optional[str]:
        self._read()
        return self._info.get("request_id")

    @property
    def http_status(self) -> Optional[int]:
        self._read()
        return self._info.get("http_status")

    @property
    def attempts(self) -> Optional[int]:
        self._read()
        return self._info.get("attempts")

    # --- waiting ----------------------------------------------------------------------------

    def result(self, timeout: Optional[float] = None) -> T:
        """Waits for the call and returns its result, or raises its MeteringError.
        `timeout` in seconds (None: no limit); WaitTimeout if it runs out (the call goes on)."""
        self.wait(timeout)
        kind, value = self._read()
        if kind == "error":
            raise value
        return cast(T, value)

    def exception(self, timeout: Optional[float] = None) -> Optional[MeteringError]:
        """Waits for the call and returns its MeteringError, or None if it succeeded."""
        self.wait(timeout)
        kind, value = self._read()
        return value if kind == "error" else None

    def wait(self, timeout: Optional[float] = None) -> None:
        """Blocks until the call ends; WaitTimeout after `timeout` seconds."""
        if self._outcome is not None:
            return
        ptr = self._handle()
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            slice_ms = _WAIT_SLICE_MS
            if deadline is not None:
                slice_ms = max(0, min(slice_ms, int((deadline - time.monotonic()) * 1000)))
            code = fn.mpm_response_wait(ptr, slice_ms)
            if code == Result.OK:
                return
            if code != Result.ERR_WAIT_TIMEOUT:
                raise from_last_error(*_lib.last_error(), what="waiting for the response")
            if deadline is not None and time.monotonic() >= deadline:
                raise WaitTimeout(f"the {self.operation.name} call did not finish in {timeout} s")

    async def result_async(self) -> T:
        """Waits without blocking the event loop, then returns the result or raises."""
        if not self.done():
            loop = asyncio.get_running_loop()
            future = loop.create_future()
            if self._waiters.add(loop, future):
                self._register()
                try:
                    await future
                except asyncio.CancelledError:
                    self.cancel()
                    raise
        return self.result(0)

    def __await__(self) -> Generator[Any, None, T]:
        return self.result_async().__await__()

    def _register(self) -> None:
        with self._register_lock:
            if self._registered:
                return
            self._registered = True
            # Runs the callback at once (on this thread) if the call already finished.
            code = fn.mpm_response_on_finished(self._handle(), self._callback, None)
        if code != Result.OK:
            raise from_last_error(*_lib.last_error(), what="mpm_response_on_finished")

    # --- reading the outcome ----------------------------------------------------------------

    def _read(self) -> Tuple[str, Any]:
        """The outcome as Python values, read from the finished handle once."""
        if self._outcome is not None:
            return self._outcome
        ptr = self._handle()
        if not fn.mpm_response_is_finished(ptr):
            raise ValueError("the call has not finished yet")
        self._info = {
            "request_id": text(fn.mpm_response_request_id(ptr)),
            "http_status": fn.mpm_response_http_status(ptr) or None,
            "attempts": fn.mpm_response_attempts(ptr),
        }
        code = Result(fn.mpm_response_result(ptr))
        if code == Result.OK:
            self._outcome = ("ok", _READERS[self.operation](ptr))
        else:
            self._outcome = ("error", self._error(ptr, code))
        return self._outcome

    def _error(self, ptr: Any, code: Result) -> MeteringError:
        message = text(fn.mpm_response_error_message(ptr)) or ""
        kind = ServiceErrorKind.NONE
        cls: Type[MeteringError]
        if code == Result.ERR_SERVICE:
            kind = ServiceErrorKind(fn.mpm_response_service_error(ptr))
            cls = SERVICE_ERROR_CLASSES.get(kind, SERVICE_ERROR_CLASSES[ServiceErrorKind.UNKNOWN])
            error_code = text(fn.mpm_response_error_code(ptr))
        else:
            cls = RESULT_CLASSES.get(code, MeteringError)
            error_code = "MPM_" + code.name
        return cls(message, code=error_code, result=code, service_error=kind, **self._info)

    def __repr__(self) -> str:
        state = "closed" if self._ptr is None else ("finished" if self.done() else "running")
        return f"<mpmeter.Response {self.operation.name} {state}>"


# --- typed readers ----------------------------------------------------------------------------


def _read_meter_usage(ptr: Any) -> MeterUsageResult:
    return MeterUsageResult(text(fn.mpm_meter_usage_response_metering_record_id(ptr)))


def _count(getter: Callable[..., int], ptr: Any) -> int:
    out = _lib.c_size_t()
    if getter(ptr, out) != Result.OK:
        raise from_last_error(*_lib.last_error())
    return out.value


def read_allocation(ptr: Any) -> UsageAllocation:
    quantity: Any = decimal_from_text(text(fn.mpm_usage_allocation_allocated_usage_quantity_as_decimal(ptr)))
    if quantity is None:
        out = _lib.c_int32()
        if fn.mpm_usage_allocation_allocated_usage_quantity(ptr, out) == Result.OK:
            quantity = out.value
    tags = {
        cast(str, text(fn.mpm_usage_allocation_tag_key_at(ptr, i))):
            cast(str, text(fn.mpm_usage_allocation_tag_value_at(ptr, i)))
        for i in range(fn.mpm_usage_allocation_tag_count(ptr))
    }
    return UsageAllocation(quantity, tags)


def read_usage_record(ptr: Any) -> Optional[UsageRecord]:
    """A borrowed `const mpm_usage_record *` as a UsageRecord (re-sendable as is)."""
    if not ptr:
        return None
    ts = _lib.c_int64()
    timestamp = from_unix_seconds(ts.value) if fn.mpm_usage_record_timestamp(ptr, ts) == Result.OK else None
    quantity: Any = decimal_from_text(text(fn.mpm_usage_record_quantity_as_decimal(ptr)))
    if quantity is None:
        q = _lib.c_int32()
        if fn.mpm_usage_record_quantity(ptr, q) == Result.OK:
            quantity = q.value
    return UsageRecord(
        timestamp=cast(Any, timestamp),
        dimension=cast(str, text(fn.mpm_usage_record_dimension(ptr))),
        quantity=quantity,
        customer_identifier=text(fn.mpm_usage_record_customer_identifier(ptr)),
        customer_aws_account_id=text(fn.mpm_usage_record_customer_aws_account_id(ptr)),
        license_arn=text(fn.mpm_usage_record_license_arn(ptr)),
        usage_allocations=[
            read_allocation(fn.mpm_usage_record_usage_allocation_at(ptr, i))
            for i in range(fn.mpm_usage_record_usage_allocation_count(ptr))
        ],
    )


def _record_status(value: int) -> RecordStatus:
    try:
        return RecordStatus(value)
    except ValueError:  # a newer library than this package
        return RecordStatus.UNKNOWN


def _read_batch(ptr: Any) -> BatchMeterUsageResult:
    results = []
    for i in range(_count(fn.mpm_batch_meter_usage_response_result_count, ptr)):
        entry = fn.mpm_batch_meter_usage_response_result_at(ptr, i)
        results.append(UsageRecordResult(
            status=_record_status(fn.mpm_usage_record_result_status(entry)),
            status_name=text(fn.mpm_usage_record_result_status_name(entry)),
            metering_record_id=text(fn.mpm_usage_record_result_metering_record_id(entry)),
            usage_record=read_usage_record(fn.mpm_usage_record_result_usage_record(entry)),
        ))
    unprocessed = [
        read_usage_record(fn.mpm_batch_meter_usage_response_unprocessed_at(ptr, i))
        for i in range(_count(fn.mpm_batch_meter_usage_response_unprocessed_count, ptr))
    ]
    return BatchMeterUsageResult(results=results, unprocessed_records=cast(List[UsageRecord], unprocessed))


def _read_resolve_customer(ptr: Any) -> ResolveCustomerResult:
    return ResolveCustomerResult(
        customer_identifier=text(fn.mpm_resolve_customer_response_customer_identifier(ptr)),
        product_code=text(fn.mpm_resolve_customer_response_product_code(ptr)),
        customer_aws_account_id=text(fn.mpm_resolve_customer_response_customer_aws_account_id(ptr)),
        license_arn=text(fn.mpm_resolve_customer_response_license_arn(ptr)),
        agreement_id=text(fn.mpm_resolve_customer_response_agreement_id(ptr)),
    )


def _read_register_usage(ptr: Any) -> RegisterUsageResult:
    ts = _lib.c_int64()
    rotation = None
    if fn.mpm_register_usage_response_public_key_rotation_timestamp(ptr, ts) == Result.OK:
        rotation = from_unix_seconds(ts.value)
    return RegisterUsageResult(
        signature=text(fn.mpm_register_usage_response_signature(ptr)),
        public_key_rotation_timestamp=rotation,
    )


_READERS = {
    Operation.METER_USAGE: _read_meter_usage,
    Operation.BATCH_METER_USAGE: _read_batch,
    Operation.RESOLVE_CUSTOMER: _read_resolve_customer,
    Operation.REGISTER_USAGE: _read_register_usage,
}
