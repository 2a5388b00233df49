"""`Outbox`: usage recorded durably on local disk, delivered and reported by the library.

`Outbox.record` returns only once the usage is committed to the store (SQLite, WAL,
synchronous=FULL); the library aggregates it per hour, seals each hour, sends it inside AWS's
rules from its own threads and reports every slot's fate (see shared/design/OUTBOX.md and the
`mpm_outbox_*` functions of mpmeter.h, which this module only converts and calls).

Quantities are exact: `int`, `decimal.Decimal` or a decimal `str` ("2.5"), never `float`.
The library checks them (at most 6 fraction digits, not negative) and every other argument;
its code and message come back as the exception.

Callbacks: `on_terminal` is called once per slot that reaches a terminal state, on one
library thread that is not a runtime worker, with an `OutboxSlot`. An exception it raises
cannot go back into C: it is logged (logger "mpmeter.outbox", level ERROR, with its
traceback) and the next callback runs as usual. The ctypes callback objects are held by the
handle's finalizer, so they live as long as the C outbox may call them; they do not
reference the `Outbox`, which stays collectable.
"""

import ctypes
import datetime as _dt
import decimal
import logging
import os
import threading
import time
import weakref
from dataclasses import dataclass
from typing import Any, Callable, Iterable, List, Optional, Sequence, Union

from . import _lib
from ._enums import LatePolicy, OutboxMode, Result, SlotState
from ._lib import fn, text
from .client import Client
from .errors import InvalidRequestError, OutboxClosedError, WaitTimeout, from_last_error
from .model import c_string, from_unix_seconds, unix_seconds

logger = logging.getLogger("mpmeter.outbox")

OutboxQuantity = Union[int, decimal.Decimal, str]
UsageTime = Union[_dt.datetime, int]
StorePath = Union[str, "os.PathLike[str]"]

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
UINT32_MAX = 2**32 - 1


@dataclass(frozen=True)
class OutboxSlot:
    """One slot (product, customer or machine, dimension, hour), a snapshot. `quantity` is
    exact; `metering_record_id` is AWS's once accepted; `reason` says why it was rejected,
    conflicted or expired; `is_foreign`: recorded under another machine identity (a store
    copied from another machine), reported and never sent."""

    product_code: str
    customer: str
    dimension: str
    hour: _dt.datetime
    quantity: decimal.Decimal
    state: SlotState
    metering_record_id: Optional[str]
    reason: Optional[str]
    attempts: int
    is_foreign: bool


@dataclass(frozen=True)
class OutboxStats:
    """Slots per state, and what is coming: `oldest_pending_hour` (None if nothing is
    undelivered) and `seconds_to_first_expiry` (None if nothing is pending): watch it to see
    an expiry coming (an outage, credentials that stopped working)."""

    open: int
    pending: int
    accepted: int
    duplicate: int
    conflict: int
    rejected: int
    expired: int
    foreign: int
    oldest_pending_hour: Optional[_dt.datetime]
    seconds_to_first_expiry: Optional[int]


@dataclass(frozen=True)
class OutboxEvent:
    """One event for `Outbox.record_batch`: the arguments of `Outbox.record`."""

    customer: Optional[str]
    dimension: str
    quantity: OutboxQuantity
    usage_time: Optional[UsageTime] = None  # None: now, on the outbox's clock
    event_id: Optional[str] = None


def _check(code: int, what: str) -> None:
    if code != Result.OK:
        raise from_last_error(*_lib.last_error(), what=what)


def _quantity_text(value: OutboxQuantity, what: str) -> bytes:
    """The quantity as the decimal text the library parses; it checks the digits itself."""
    if isinstance(value, float):
        raise TypeError(f"{what} must be an int, a decimal.Decimal or a decimal str, not a float: "
                        "a float cannot hold most decimal quantities exactly (use Decimal(\"0.1\"))")
    if isinstance(value, bool) or not isinstance(value, (int, decimal.Decimal, str)):
        raise TypeError(f"{what} must be an int, a decimal.Decimal or a decimal str, "
                        f"not {type(value).__name__}")
    if isinstance(value, decimal.Decimal):
        # Plain digits, never E notation; trailing fraction zeros dropped, which is exact
        # (Decimal("2.50000000") is 2.5). NaN and -1 stay as they are, for the library to refuse.
        digits = format(value, "f")
        value = digits.rstrip("0").rstrip(".") if "." in digits else digits
    encoded = c_string(str(value), what)
    assert encoded is not None
    return encoded


def _seconds(value: UsageTime, what: str) -> int:
    if isinstance(value, _dt.datetime):
        return unix_seconds(value, what)
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} must be an aware datetime or int Unix seconds, not {type(value).__name__}")
    if not INT64_MIN <= value <= INT64_MAX:
        raise InvalidRequestError(f"{what} {value} is out of range", code="MPM_ERR_INVALID_ARGUMENT",
                                  result=Result.ERR_INVALID_ARGUMENT)
    return value


def _timeout_ms(timeout: Optional[float], what: str) -> int:
    if timeout is None:
        return -1
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)):
        raise TypeError(f"{what} must be a number of seconds or None")
    if timeout < 0:
        raise InvalidRequestError(f"{what} {timeout} s is negative (None: no limit)",
                                  code="MPM_ERR_INVALID_ARGUMENT", result=Result.ERR_INVALID_ARGUMENT)
    return min(int(timeout * 1000), INT64_MAX)


def _uint(value: int, what: str, limit: int = UINT32_MAX) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} must be an int, not {type(value).__name__}")
    if not 0 <= value <= limit:
        raise InvalidRequestError(f"{what} {value} is out of range", code="MPM_ERR_INVALID_ARGUMENT",
                                  result=Result.ERR_INVALID_ARGUMENT)
    return value


def _slot(ptr: Any) -> OutboxSlot:
    """A C slot (borrowed) read into plain Python values."""
    return OutboxSlot(
        product_code=text(fn.mpm_outbox_slot_product_code(ptr)) or "",
        customer=text(fn.mpm_outbox_slot_customer(ptr)) or "",
        dimension=text(fn.mpm_outbox_slot_dimension(ptr)) or "",
        hour=from_unix_seconds(fn.mpm_outbox_slot_hour(ptr)),
        quantity=decimal.Decimal(text(fn.mpm_outbox_slot_quantity(ptr)) or "0"),
        state=SlotState(fn.mpm_outbox_slot_state(ptr)),
        metering_record_id=text(fn.mpm_outbox_slot_metering_record_id(ptr)),
        reason=text(fn.mpm_outbox_slot_reason(ptr)),
        attempts=int(fn.mpm_outbox_slot_attempts(ptr)),
        is_foreign=bool(fn.mpm_outbox_slot_is_foreign(ptr)),
    )


class _Callbacks:
    """What the C outbox calls back into: the ctypes objects and the user's callables, and
    the thread-local flag that lets `close()` refuse to run inside its own callback."""

    def __init__(self, on_terminal: Optional[Callable[[OutboxSlot], None]],
                 clock: Optional[Callable[[], float]]) -> None:
        self.on_terminal = on_terminal
        self.clock = clock
        self.local = threading.local()
        self.c_terminal = _lib.OUTBOX_SLOT_CALLBACK(self._terminal) if on_terminal else None
        self.c_clock = _lib.OUTBOX_CLOCK(self._now_ms) if clock else None

    def _terminal(self, slot_ptr: Any, _userdata: Any) -> None:
        # On the library's callback thread: nothing may propagate into C.
        self.local.inside = True
        try:
            slot = _slot(slot_ptr)
            assert self.on_terminal is not None
            self.on_terminal(slot)
        except BaseException:  # noqa: B036 - even KeyboardInterrupt cannot unwind through C
            try:
                logger.exception("the outbox's on_terminal callback raised (slot %s)",
                                 _describe(slot_ptr))
            except BaseException:  # noqa: B036 - logging itself failed; nothing else to do
                pass
        finally:
            self.local.inside = False

    def _now_ms(self, _userdata: Any) -> int:
        assert self.clock is not None
        try:
            return int(self.clock() * 1000)
        except BaseException:  # noqa: B036 - a broken test clock: say so, use the system clock
            try:
                logger.exception("the outbox's clock raised; using the system clock for this reading")
            except BaseException:  # noqa: B036
                pass
            return int(time.time() * 1000)

    def inside(self) -> bool:
        return bool(getattr(self.local, "inside", False))


def _describe(slot_ptr: Any) -> str:
    try:
        return "{} {} {}".format(text(fn.mpm_outbox_slot_customer(slot_ptr)),
                                 text(fn.mpm_outbox_slot_dimension(slot_ptr)),
                                 fn.mpm_outbox_slot_hour(slot_ptr))
    except Exception:
        return "?"


def _free(ptr: Any, callbacks: _Callbacks) -> None:
    # `callbacks` rides along to stay alive until mpm_outbox_free has returned: no callback
    # starts after that. Collected on the library's callback thread (the callback dropped the
    # last reference), the outbox cannot be freed there (mpm_outbox_free would wait for that
    # very thread): another thread frees it.
    if callbacks.inside():
        threading.Thread(target=_lib.free_handle, args=("outbox", fn.mpm_outbox_free, ptr),
                         name="mpmeter-outbox-free", daemon=False).start()
        return
    _lib.free_handle("outbox", fn.mpm_outbox_free, ptr)


class Outbox:
    """A durable metering outbox on the store file `store` (a local disk, not NFS; one
    process per file: a second open raises StoreLockedError) or, in fleet mode, a
    `postgres://` URL (see mpm_outbox_open in mpmeter.h), delivering through `client`
    (its region, endpoint, credentials and retries; the outbox keeps its own reference, so
    the client may be closed).

    Options (each the `mpm_outbox_options_set_*` of the same name): `product_code`
    (required), `mode` (OutboxMode.SAAS: BatchMeterUsage per customer, the default;
    OutboxMode.MACHINE: MeterUsage from this machine), `seal_delay` (whole seconds after an
    hour ends until it is sealed, 0 to 86400; default 300), `late_policy` (LatePolicy),
    `max_requests_per_second` (1 to 1000; default 10), `machine_identity` (machine mode;
    else the metadata services are asked, at most about 1.5 s), `on_terminal` (a callable
    taking an OutboxSlot, see the module doc), and for tests and simulations only
    `sqlite_vfs` and `clock` (a callable returning Unix seconds that every rule reads instead
    of the system clock; called from several library threads, it must be fast).

    A context manager: leaving the block closes it (`close()`: stops delivering, what is not
    delivered stays in the store for the next open; it does not flush: call `flush()` first
    to wait for delivery). Safe to use from several threads. Close it (or use `with`): an
    `on_terminal` that refers to the outbox keeps it alive, and open, until the interpreter
    exits.
    """

    def __init__(self, client: Client, store: StorePath, *, product_code: str,
                 mode: Union[OutboxMode, int] = OutboxMode.SAAS, seal_delay: Optional[int] = None,
                 late_policy: Union[LatePolicy, int, None] = None,
                 max_requests_per_second: Optional[int] = None,
                 machine_identity: Optional[str] = None,
                 on_terminal: Optional[Callable[[OutboxSlot], None]] = None,
                 clock: Optional[Callable[[], float]] = None,
                 sqlite_vfs: Optional[str] = None) -> None:
        self._ptr: Any = None
        self.mode: Union[OutboxMode, int] = mode  # as given until the open succeeds
        self.store: StorePath = store
        if not isinstance(client, Client):
            raise TypeError(f"client must be an mpmeter.Client, not {type(client).__name__}")
        if on_terminal is not None and not callable(on_terminal):
            raise TypeError("on_terminal must be callable")
        if clock is not None and not callable(clock):
            raise TypeError("clock must be callable")
        path = os.fspath(store)
        if not isinstance(path, str):
            raise TypeError("store must be a str or os.PathLike[str] path")
        self._callbacks = _Callbacks(on_terminal, clock)
        options = _lib.new_handle("outbox_options", fn.mpm_outbox_options_new())
        try:
            self._configure(options, product_code, mode, seal_delay, late_policy,
                            max_requests_per_second, machine_identity, sqlite_vfs)
            ptr = fn.mpm_outbox_open(client._handle(), c_string(path, "store"), options)
            if not ptr:
                raise from_last_error(*_lib.last_error(), what="Outbox")
        finally:
            _lib.free_handle("outbox_options", fn.mpm_outbox_options_free, options)
        self._ptr = _lib.new_handle("outbox", ptr)
        self._finalizer = weakref.finalize(self, _free, ptr, self._callbacks)
        self.mode = OutboxMode(mode)
        self.store = path

    def _configure(self, options: Any, product_code: str, mode: Union[OutboxMode, int],
                   seal_delay: Optional[int], late_policy: Union[LatePolicy, int, None],
                   max_requests_per_second: Optional[int], machine_identity: Optional[str],
                   sqlite_vfs: Optional[str]) -> None:
        # Enum values go to C as given: it refuses unknown ones with its own code and message.
        _check(fn.mpm_outbox_options_set_mode(options, _uint(int(mode), "mode")), "mode")
        _check(fn.mpm_outbox_options_set_product_code(options, c_string(product_code, "product_code")),
               "product_code")
        if seal_delay is not None:
            if isinstance(seal_delay, bool) or not isinstance(seal_delay, int):
                raise TypeError("seal_delay must be an int number of seconds")
            _check(fn.mpm_outbox_options_set_seal_delay(options, _seconds(seal_delay, "seal_delay")),
                   "seal_delay")
        if late_policy is not None:
            _check(fn.mpm_outbox_options_set_late_policy(options, _uint(int(late_policy), "late_policy")),
                   "late_policy")
        if max_requests_per_second is not None:
            _check(fn.mpm_outbox_options_set_max_requests_per_second(
                options, _uint(max_requests_per_second, "max_requests_per_second")),
                "max_requests_per_second")
        if machine_identity is not None:
            _check(fn.mpm_outbox_options_set_machine_identity(
                options, c_string(machine_identity, "machine_identity")), "machine_identity")
        if sqlite_vfs is not None:
            _check(fn.mpm_outbox_options_set_sqlite_vfs(options, c_string(sqlite_vfs, "sqlite_vfs")),
                   "sqlite_vfs")
        cb = self._callbacks
        if cb.c_terminal is not None:
            _check(fn.mpm_outbox_options_set_on_terminal(options, cb.c_terminal, None), "on_terminal")
        if cb.c_clock is not None:
            _check(fn.mpm_outbox_options_set_clock(options, cb.c_clock, None), "clock")

    # --- lifetime ---------------------------------------------------------------------------

    def close(self, timeout: Optional[float] = 10.0) -> None:
        """Stops delivering within `timeout` seconds (None: no limit; a request still on the
        wire then is abandoned and resent by the next open), delivers the terminal callbacks
        already due, closes the store (free for the next process) and frees the handle.
        Nothing recorded is lost. Idempotent; not from inside the outbox's own callback."""
        if self._callbacks.inside():  # even when closed meanwhile: the caller's bug either way
            raise RuntimeError("Outbox.close() cannot run inside the outbox's own on_terminal callback")
        if self._ptr is None:
            return
        ms = _timeout_ms(timeout, "timeout")
        ptr, self._ptr = self._ptr, None
        try:
            _check(fn.mpm_outbox_close(ptr, ms), "Outbox.close")
        finally:
            self._finalizer()

    @property
    def closed(self) -> bool:
        return self._ptr is None

    def __enter__(self) -> "Outbox":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _handle(self) -> Any:
        if self._ptr is None:
            raise OutboxClosedError("the outbox is closed", code="MPM_ERR_OUTBOX_CLOSED",
                                    result=Result.ERR_OUTBOX_CLOSED)
        return self._ptr

    # --- recording --------------------------------------------------------------------------

    def _now(self) -> int:
        clock = self._callbacks.clock
        return int(clock() if clock is not None else time.time())

    def record(self, customer: Optional[str], dimension: str, quantity: OutboxQuantity, *,
               usage_time: Optional[UsageTime] = None, event_id: Optional[str] = None) -> None:
        """Records usage; returns once it is committed to the store (it survives kill -9 and,
        on a disk that honours fsync, a power cut). Never touches the network. `customer`: a
        CustomerIdentifier or 12-digit CustomerAWSAccountId (SaaS mode), None in machine
        mode. `usage_time` (an aware datetime or Unix seconds; default now, on the outbox's
        clock) selects the hour. `event_id`: recording it again counts nothing, even after
        delivery. Raises LateUsageError for late usage the policy refuses."""
        code = fn.mpm_outbox_record(
            self._handle(), c_string(customer, "customer", optional=True),
            c_string(dimension, "dimension"),
            _seconds(self._now() if usage_time is None else usage_time, "usage_time"),
            _quantity_text(quantity, "quantity"), c_string(event_id, "event_id", optional=True))
        _check(code, "record")

    def record_batch(self, events: Iterable[OutboxEvent]) -> None:
        """Records many events in one transaction: all of them or, on any error (which names
        the event, "events[3]: ..."), none. At most 100000 a call."""
        events = list(events)
        for i, e in enumerate(events):
            if not isinstance(e, OutboxEvent):
                raise TypeError(f"events[{i}] must be an OutboxEvent, not {type(e).__name__}")
        now = self._now()
        array = (_lib.OutboxEvent * len(events))()
        for i, e in enumerate(events):
            what = f"events[{i}]"
            array[i] = _lib.OutboxEvent(
                c_string(e.customer, what + ".customer", optional=True),
                c_string(e.dimension, what + ".dimension"),
                _seconds(now if e.usage_time is None else e.usage_time, what + ".usage_time"),
                _quantity_text(e.quantity, what + ".quantity"),
                c_string(e.event_id, what + ".event_id", optional=True))
        _check(fn.mpm_outbox_record_batch(self._handle(), array, len(events)), "record_batch")

    # --- delivery ---------------------------------------------------------------------------

    def seal_now(self, customer: Optional[str] = None) -> None:
        """Seals now every open slot of `customer` (SaaS; None: of every customer) or of this
        machine (machine mode), the current hour included, and starts sending them: for a
        customer who leaves or a machine that shuts down. Later usage for those hours is late."""
        _check(fn.mpm_outbox_seal_now(self._handle(), c_string(customer, "customer", optional=True)),
               "seal_now")

    def flush(self, timeout: Optional[float] = None) -> None:
        """Seals every hour that is over, sends every slot that is due and waits until none is
        pending (terminal states are then known: stats(), slots_of_hour()). `timeout` in
        seconds (None: no limit); WaitTimeout if slots are still pending then (delivery goes
        on). The wait runs in C, without the GIL."""
        code = fn.mpm_outbox_flush(self._handle(), _timeout_ms(timeout, "timeout"))
        if code == Result.ERR_WAIT_TIMEOUT:
            raise WaitTimeout(_lib.last_error()[1])
        _check(code, "flush")

    # --- queries ----------------------------------------------------------------------------

    def stats(self) -> OutboxStats:
        """Slots per state, the oldest pending hour and the time left before the first expiry."""
        out = _lib.OutboxStats()
        _check(fn.mpm_outbox_get_stats(self._handle(), ctypes.byref(out)), "stats")
        return OutboxStats(
            open=out.open, pending=out.pending, accepted=out.accepted, duplicate=out.duplicate,
            conflict=out.conflict, rejected=out.rejected, expired=out.expired, foreign=out.foreign,
            oldest_pending_hour=from_unix_seconds(out.oldest_pending_hour) if out.oldest_pending_hour else None,
            seconds_to_first_expiry=None if out.seconds_to_first_expiry < 0 else out.seconds_to_first_expiry)

    def slots_of_hour(self, hour: UsageTime) -> List[OutboxSlot]:
        """Every slot of the hour holding `hour` (an aware datetime or Unix seconds), a
        snapshot with state, quantity and MeteringRecordId, for reconciliation with AWS's
        reports. In key order (product, customer, dimension)."""
        it = fn.mpm_outbox_slots_of_hour(self._handle(), _seconds(hour, "hour"))
        if not it:
            raise from_last_error(*_lib.last_error(), what="slots_of_hour")
        _lib.new_handle("outbox_slot_iter", it)
        try:
            slots: List[OutboxSlot] = []
            while True:
                ptr = fn.mpm_outbox_slot_iter_next(it)
                if not ptr:
                    return slots
                slots.append(_slot(ptr))
        finally:
            _lib.free_handle("outbox_slot_iter", fn.mpm_outbox_slot_iter_free, it)

    def __repr__(self) -> str:
        state = "closed" if self._ptr is None else "open"
        mode = self.mode.name if isinstance(self.mode, OutboxMode) else self.mode
        return f"<mpmeter.Outbox {mode} {self.store!r} {state}>"


__all__: Sequence[str] = ["Outbox", "OutboxEvent", "OutboxSlot", "OutboxStats"]
