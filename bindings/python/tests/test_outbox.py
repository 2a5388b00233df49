"""mpmeter.Outbox against the emulator: usage recorded, flushed and billed exactly the sums
recorded; every terminal state reported to a Python callable (accepted, duplicate after a
lost answer, conflict, rejected, expired on a clock the test moves); event ids counted once,
across a reopen too; every bad input an exception carrying the C code and message; close
twice, use after close, the context manager; an exception in the callback logged, not fatal."""

import decimal
import logging
import threading
import time
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

import mpmeter
from conftest import AKID, PRODUCT, SECRET
from mpmeter import (
    LatePolicy, Outbox, OutboxEvent, OutboxMode, Result, SlotState, UsageRecord,
)
from mpmeter import _lib

HOUR = 3600


def past_hour() -> int:
    """A minute into the hour before this one (its slot stays open with seal_delay=7200), so
    that t + a few minutes is still the same hour."""
    return hour_of(int(time.time())) - HOUR + 60


def hour_of(t: int) -> int:
    return t // HOUR * HOUR


class Fates:
    """The slots the terminal callback received, and on which threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.slots = []
        self.threads = set()

    def __call__(self, slot):
        with self.lock:
            self.slots.append(slot)
            self.threads.add(threading.get_ident())

    def states(self):
        with self.lock:
            return {(s.customer, s.dimension): s.state for s in self.slots}


class Clock:
    """A clock the test moves: Unix seconds, read by the outbox from library threads."""

    def __init__(self, now: float):
        self.now = now

    def __call__(self) -> float:
        return self.now


def make_client(emulator, **settings):
    with mpmeter.Credentials.basic(AKID, SECRET) as creds:
        return mpmeter.Client(endpoint=emulator.url, credentials=creds, from_environment=False, **settings)


def by_customer(ledger):
    return {(e["customer_identifier"], e["dimension"]): e for e in ledger}


def assert_c_error(info, result: Result, fragment: str):
    """The exception carries the C result, its name as the code, and the library's message."""
    error = info.value
    assert error.result == result, (error.result, str(error))
    assert error.code == "MPM_" + result.name
    assert fragment in error.message, error.message


def test_recorded_usage_is_billed_once_and_each_fate_reported(client, emulator, tmp_path, no_leaks):
    t = past_hour()
    # AWS already holds another quantity for demo-customer-2's hosts this hour: a conflict.
    client.batch_meter_usage([UsageRecord(datetime.fromtimestamp(t, timezone.utc), "hosts", 7,
                                          customer_identifier="demo-customer-2")],
                             product_code=PRODUCT).result(timeout=30)
    fates = Fates()
    store = tmp_path / "outbox.db"
    with Outbox(client, store, product_code=PRODUCT, seal_delay=7200, on_terminal=fates) as outbox:
        outbox.record("demo-customer-1", "users", Decimal("2.5"), usage_time=t, event_id="e1")
        outbox.record("demo-customer-1", "users", Decimal("2.5"), usage_time=t, event_id="e1")  # counted once
        outbox.record("demo-customer-1", "users", "0.5", usage_time=t + 60, event_id="e2")
        outbox.record("demo-customer-1", "data_gb", 4, usage_time=datetime.fromtimestamp(t, timezone.utc))
        outbox.record_batch([
            OutboxEvent("demo-customer-2", "hosts", 3, t),
            OutboxEvent("unsubscribed-customer", "hosts", "1", t),
            OutboxEvent("demo-customer-1", "data_gb", Decimal("0.000001"), t, event_id="e3"),
            OutboxEvent("demo-customer-1", "data_gb", Decimal("0.000001"), t, event_id="e3"),
        ])
        assert outbox.stats().open == 4
        outbox.flush(timeout=30)

        stats = outbox.stats()
        assert (stats.accepted, stats.conflict, stats.rejected, stats.pending, stats.open) == (2, 1, 1, 0, 0), stats
        assert stats.seconds_to_first_expiry is None and stats.oldest_pending_hour is None, stats

        ledger = by_customer(e for e in emulator.ledger() if e["hour"] == hour_of(t))
        # Exactly the sums recorded, once each; the conflict kept AWS's quantity.
        assert ledger[("demo-customer-1", "users")]["quantity"] == "3"
        assert ledger[("demo-customer-1", "data_gb")]["quantity"] == "4.000001"
        assert ledger[("demo-customer-2", "hosts")]["quantity"] == "7"
        assert ("unsubscribed-customer", "hosts") not in ledger

        slots = {(s.customer, s.dimension): s for s in outbox.slots_of_hour(t)}
        assert len(slots) == 4
        users = slots[("demo-customer-1", "users")]
        assert (users.state, users.quantity, users.product_code) == (SlotState.ACCEPTED, Decimal("3"), PRODUCT)
        assert users.hour == datetime.fromtimestamp(hour_of(t), timezone.utc)
        assert users.metering_record_id == ledger[("demo-customer-1", "users")]["metering_record_id"]
        assert users.attempts == 1 and not users.is_foreign and users.reason is None
        assert slots[("demo-customer-1", "data_gb")].quantity == Decimal("4.000001")
        rejected = slots[("unsubscribed-customer", "hosts")]
        assert (rejected.state, rejected.reason, rejected.metering_record_id) == (
            SlotState.REJECTED, "CustomerNotSubscribed", None)
        conflict = slots[("demo-customer-2", "hosts")]
        assert conflict.state == SlotState.CONFLICT and "DuplicateRecord" in conflict.reason
    # Closing delivered every callback due, each once, never on this thread.
    assert sorted(fates.states().items()) == sorted((k, s.state) for k, s in slots.items())
    assert len(fates.slots) == 4
    assert threading.get_ident() not in fates.threads

    # Reopened: the event ids are still known after delivery, so nothing new is counted.
    with Outbox(client, store, product_code=PRODUCT, seal_delay=7200) as outbox:
        outbox.record("demo-customer-1", "users", Decimal("2.5"), usage_time=t, event_id="e1")
        outbox.record_batch([OutboxEvent("demo-customer-1", "data_gb", "0.000001", t, event_id="e3")])
        assert outbox.stats().open == 0
        outbox.flush(timeout=30)
    assert len([e for e in emulator.ledger() if e["hour"] == hour_of(t)]) == 3


def test_a_lost_answer_is_accepted_as_a_duplicate_and_billed_once(emulator, tmp_path, no_leaks):
    emulator.reset()
    # Metered, then the connection drops: the client never hears; the outbox sends again.
    emulator.fault(mode="drop_after_commit", count=1, operation="BatchMeterUsage")
    fates = Fates()
    t = past_hour()
    with make_client(emulator, max_attempts=1) as client, \
            Outbox(client, tmp_path / "o.db", product_code=PRODUCT, seal_delay=7200, on_terminal=fates) as outbox:
        outbox.record("demo-customer-1", "users", 5, usage_time=t)
        outbox.flush(timeout=30)
        [slot] = outbox.slots_of_hour(t)
        assert slot.state == SlotState.DUPLICATE and slot.attempts == 2, slot
        assert outbox.stats().duplicate == 1
    [entry] = emulator.ledger()
    assert entry["quantity"] == "5" and entry["metering_record_id"] == slot.metering_record_id
    assert [s.state for s in fates.slots] == [SlotState.DUPLICATE]


def test_a_slot_expires_when_the_window_closes_first_and_is_reported(emulator, tmp_path, no_leaks):
    emulator.reset()
    emulator.fault(mode="internal", count=1000, operation="BatchMeterUsage")  # an outage
    clock = Clock(time.time())
    fates = Fates()
    with make_client(emulator, max_attempts=1) as client, \
            Outbox(client, tmp_path / "o.db", product_code=PRODUCT, clock=clock, on_terminal=fates) as outbox:
        outbox.record("demo-customer-1", "users", 2)
        outbox.seal_now("demo-customer-1")
        # The outage outlasts the flush: still pending, the expiry in sight.
        with pytest.raises(mpmeter.WaitTimeout):
            outbox.flush(timeout=1.5)
        stats = outbox.stats()
        assert stats.pending == 1 and stats.expired == 0, stats
        assert 0 < stats.seconds_to_first_expiry <= 24 * HOUR, stats
        assert stats.oldest_pending_hour == datetime.fromtimestamp(hour_of(int(clock.now)), timezone.utc)
        clock.now += 25 * HOUR  # AWS's 24 hours are over
        outbox.flush(timeout=30)
        stats = outbox.stats()
        assert (stats.expired, stats.pending, stats.seconds_to_first_expiry) == (1, 0, None), stats
    [slot] = fates.slots
    assert slot.state == SlotState.EXPIRED and slot.reason, slot
    assert emulator.ledger() == []


def test_machine_mode_meters_by_meter_usage(client, emulator, tmp_path, no_leaks):
    with Outbox(client, tmp_path / "m.db", product_code=PRODUCT, mode=OutboxMode.MACHINE,
                machine_identity="ec2-instance:i-0python") as outbox:
        t = int(time.time())  # one hour for both, even on an hour's boundary
        outbox.record(None, "hosts", 1, usage_time=t)
        outbox.record(None, "hosts", Decimal("0.25"), usage_time=t)
        outbox.seal_now()
        outbox.flush(timeout=30)
        [slot] = outbox.slots_of_hour(t)
        assert (slot.state, slot.customer, slot.quantity) == (SlotState.ACCEPTED, "ec2-instance:i-0python",
                                                              Decimal("1.25"))
    [entry] = emulator.ledger()
    assert (entry["operation"], entry["quantity"]) == ("MeterUsage", "1.25")


def test_late_usage_is_refused_by_policy(client, tmp_path, no_leaks):
    with Outbox(client, tmp_path / "late.db", product_code=PRODUCT, late_policy=LatePolicy.REFUSE,
                seal_delay=7200) as outbox:
        t = past_hour()
        outbox.record("demo-customer-1", "users", 1, usage_time=t)
        outbox.seal_now("demo-customer-1")
        with pytest.raises(mpmeter.LateUsageError) as info:
            outbox.record("demo-customer-1", "users", 1, usage_time=t)
        assert_c_error(info, Result.ERR_LATE_USAGE, "sealed")
        assert isinstance(info.value, ValueError)


def test_every_bad_input_raises_with_the_c_code_and_message(client, tmp_path, no_leaks):
    store = tmp_path / "bad.db"
    for options, result, fragment in [
        (dict(mode=7), Result.ERR_UNKNOWN_ENUM, "7"),
        (dict(late_policy=9), Result.ERR_UNKNOWN_ENUM, "9"),
        (dict(seal_delay=-1), Result.ERR_INVALID_ARGUMENT, "seal"),
        (dict(seal_delay=86401), Result.ERR_INVALID_ARGUMENT, "seal"),
        (dict(max_requests_per_second=0), Result.ERR_INVALID_ARGUMENT, "1"),
        (dict(mode=OutboxMode.MACHINE, machine_identity=""), Result.ERR_INVALID_ARGUMENT, "identity"),
    ]:
        with pytest.raises(mpmeter.InvalidRequestError) as info:
            Outbox(client, store, product_code=PRODUCT, **options)
        assert_c_error(info, result, fragment)
    with pytest.raises(mpmeter.InvalidRequestError) as info:
        Outbox(client, "", product_code=PRODUCT)
    assert_c_error(info, Result.ERR_INVALID_ARGUMENT, "store")
    with pytest.raises(mpmeter.StoreError) as info:
        Outbox(client, tmp_path / "no-such-directory" / "o.db", product_code=PRODUCT)
    assert_c_error(info, Result.ERR_STORE, "")
    with pytest.raises(mpmeter.InvalidRequestError) as info:
        Outbox(client, store, product_code="")
    assert info.value.result in (Result.ERR_INVALID_ARGUMENT, Result.ERR_INVALID_REQUEST)
    with pytest.raises(TypeError):
        Outbox(object(), store, product_code=PRODUCT)  # type: ignore[arg-type]

    with Outbox(client, store, product_code=PRODUCT) as outbox:
        # One process per file: a second open is refused, not corrupting.
        with pytest.raises(mpmeter.StoreLockedError) as info:
            Outbox(client, store, product_code=PRODUCT)
        assert_c_error(info, Result.ERR_STORE_LOCKED, "in use")
        assert isinstance(info.value, mpmeter.StoreError)

        t = past_hour()
        with pytest.raises(TypeError, match="float"):
            outbox.record("demo-customer-1", "users", 0.1, usage_time=t)  # type: ignore[arg-type]
        with pytest.raises(TypeError):
            outbox.record("demo-customer-1", "users", True, usage_time=t)
        with pytest.raises(TypeError):
            outbox.record_batch([OutboxEvent("demo-customer-1", "users", 1.5, t)])  # type: ignore[arg-type]
        for quantity, fragment in [("1.0000001", "6 fraction digits"), (Decimal("1E-7"), "6 fraction digits"),
                                   ("1e3", "quantity"), (-1, "quantity"), (Decimal("NaN"), "quantity"),
                                   ("", "quantity")]:
            with pytest.raises(mpmeter.InvalidRequestError) as info:
                outbox.record("demo-customer-1", "users", quantity, usage_time=t)
            assert_c_error(info, Result.ERR_INVALID_ARGUMENT, fragment)
        for kwargs, fragment in [(dict(customer=None), "customer"), (dict(event_id=""), "event"),
                                 (dict(usage_time=int(time.time()) + 2 * HOUR), "future")]:
            args = dict(customer="demo-customer-1", dimension="users", quantity=1, usage_time=t)
            args.update(kwargs)
            with pytest.raises(mpmeter.InvalidRequestError) as info:
                outbox.record(args.pop("customer"), args.pop("dimension"), args.pop("quantity"), **args)
            assert_c_error(info, Result.ERR_INVALID_ARGUMENT, fragment)
        with pytest.raises(mpmeter.InvalidRequestError) as info:
            outbox.record("demo-customer-1", "users\0x", 1, usage_time=t)
        assert info.value.code == "MPM_ERR_INVALID_ARGUMENT" and "NUL" in info.value.message
        with pytest.raises(TypeError):
            outbox.record("demo-customer-1", "users", 1, usage_time=datetime.now(timezone.utc).timestamp())  # type: ignore[arg-type]
        with pytest.raises(mpmeter.InvalidRequestError, match="naive"):
            outbox.record("demo-customer-1", "users", 1, usage_time=datetime.now())

        # The message is the library's own, word for word: the same call straight into C.
        code = _lib.fn.mpm_outbox_record(outbox._handle(), b"demo-customer-1", b"users", t, b"1.0000001", None)
        c_code, c_message = _lib.last_error()
        with pytest.raises(mpmeter.InvalidRequestError) as info:
            outbox.record("demo-customer-1", "users", "1.0000001", usage_time=t)
        assert (code, info.value.result) == (c_code, c_code) == (Result.ERR_INVALID_ARGUMENT,) * 2
        assert info.value.message == "record: " + c_message

        # A batch is all or nothing; the error names the event.
        with pytest.raises(mpmeter.InvalidRequestError) as info:
            outbox.record_batch([OutboxEvent("demo-customer-1", "users", 1, t),
                                 OutboxEvent("demo-customer-1", "users", "1.0000001", t)])
        assert_c_error(info, Result.ERR_INVALID_ARGUMENT, "event 1: quantity")
        with pytest.raises(TypeError):
            outbox.record_batch([("demo-customer-1", "users", 1, t)])  # type: ignore[list-item]
        outbox.record_batch([])
        with pytest.raises(mpmeter.InvalidRequestError):
            outbox.flush(timeout=-1)
        with pytest.raises(TypeError):
            outbox.flush(timeout="1")  # type: ignore[arg-type]
        stats = outbox.stats()
        assert (stats.open, stats.pending) == (0, 0), "a bad input was recorded"


def test_close_twice_and_use_after_close(client, tmp_path, no_leaks):
    outbox = Outbox(client, tmp_path / "c.db", product_code=PRODUCT, seal_delay=7200)
    assert mpmeter.live_handles().get("outbox") == 1
    outbox.record("demo-customer-1", "users", 1, usage_time=past_hour())
    outbox.close()
    outbox.close()  # idempotent
    assert outbox.closed and "closed" in repr(outbox)
    assert "outbox" not in mpmeter.live_handles()
    for call in (lambda: outbox.record("demo-customer-1", "users", 1), outbox.stats, outbox.flush,
                 outbox.seal_now, lambda: outbox.slots_of_hour(0),
                 lambda: outbox.record_batch([OutboxEvent("demo-customer-1", "users", 1)])):
        with pytest.raises(mpmeter.OutboxClosedError) as info:
            call()
        assert (info.value.code, info.value.result) == ("MPM_ERR_OUTBOX_CLOSED", Result.ERR_OUTBOX_CLOSED)
    # Closed means released: the next open takes the store, and finds what was recorded.
    with Outbox(client, tmp_path / "c.db", product_code=PRODUCT, seal_delay=7200) as again:
        assert again.stats().open == 1


def test_the_context_manager_closes_and_releases_the_store(client, tmp_path, no_leaks):
    store = str(tmp_path / "ctx.db")
    with Outbox(client, store, product_code=PRODUCT, seal_delay=7200) as outbox:
        assert not outbox.closed
        outbox.record("demo-customer-1", "users", 2, usage_time=past_hour())
    assert outbox.closed
    with pytest.raises(RuntimeError):
        with Outbox(client, store, product_code=PRODUCT, seal_delay=7200) as outbox:
            raise RuntimeError("the block failed")
    assert outbox.closed  # closed on the way out of a failing block too
    with Outbox(client, store, product_code=PRODUCT, seal_delay=7200) as outbox:
        assert outbox.stats().open == 1


def test_the_outbox_outlives_its_client_object(emulator, tmp_path, no_leaks):
    emulator.reset()
    client = make_client(emulator)
    outbox = Outbox(client, tmp_path / "o.db", product_code=PRODUCT, seal_delay=7200)
    client.close()  # the outbox keeps its own reference to the C client
    outbox.record("demo-customer-1", "users", 1, usage_time=past_hour())
    outbox.flush(timeout=30)
    assert outbox.stats().accepted == 1
    outbox.close()


def test_an_exception_in_the_callback_is_logged_and_delivery_goes_on(client, emulator, tmp_path, caplog,
                                                                      no_leaks):
    seen = []

    def on_terminal(slot):
        seen.append(slot.customer)
        raise ValueError("the application's callback failed")

    t = past_hour()
    with caplog.at_level(logging.ERROR, logger="mpmeter.outbox"):
        with Outbox(client, tmp_path / "o.db", product_code=PRODUCT, seal_delay=7200,
                    on_terminal=on_terminal) as outbox:
            outbox.record("demo-customer-1", "users", 1, usage_time=t)
            outbox.record("demo-customer-2", "users", 1, usage_time=t)
            outbox.flush(timeout=30)
            assert outbox.stats().accepted == 2
    assert sorted(seen) == ["demo-customer-1", "demo-customer-2"]
    logged = [r for r in caplog.records if r.name == "mpmeter.outbox"]
    assert len(logged) == 2, logged
    assert all(r.exc_info and r.exc_info[0] is ValueError for r in logged)
    assert "on_terminal" in logged[0].getMessage()


def test_close_inside_the_callback_is_refused(client, tmp_path, no_leaks):
    errors = []
    box = {}
    called = threading.Event()

    def on_terminal(slot):
        try:
            box["outbox"].close()
        except RuntimeError as e:
            errors.append(str(e))
        called.set()

    with Outbox(client, tmp_path / "o.db", product_code=PRODUCT, seal_delay=7200,
                on_terminal=on_terminal) as outbox:
        box["outbox"] = outbox
        outbox.record("demo-customer-1", "users", 1, usage_time=past_hour())
        outbox.flush(timeout=30)
        assert called.wait(30)
        assert not outbox.closed
    box.clear()
    assert len(errors) == 1 and "callback" in errors[0]


def test_quantities_stay_exact(client, emulator, tmp_path, no_leaks):
    t = past_hour()
    with Outbox(client, tmp_path / "q.db", product_code=PRODUCT, seal_delay=7200) as outbox:
        outbox.record_batch([OutboxEvent("demo-customer-1", "data_gb", Decimal("0.1"), t + i) for i in range(10)])
        outbox.record("demo-customer-1", "data_gb", Decimal("2.50000000"), usage_time=t)  # zeros only
        [slot] = outbox.slots_of_hour(t)
        assert slot.quantity == Decimal("3.5") and slot.state == SlotState.OPEN
        outbox.flush(timeout=30)
    [entry] = emulator.ledger()
    assert decimal.Decimal(entry["quantity"]) == Decimal("3.5")


def test_an_outbox_dropped_inside_its_own_callback_is_freed_elsewhere(client, tmp_path, monkeypatch):
    # The callback drops the last reference: the finalizer then runs on the library's
    # callback thread, where mpm_outbox_free must not be called (mpmeter.h: a callback may
    # call any mpm_outbox function but that one on its own outbox).
    import gc

    holder = {}
    freed = threading.Event()
    callback_threads, free_threads = set(), []
    real_free = _lib.free_handle

    def watched_free(kind, free, ptr):
        if kind == "outbox":
            free_threads.append(threading.get_ident())
        real_free(kind, free, ptr)

    monkeypatch.setattr(_lib, "free_handle", watched_free)

    def on_terminal(slot):
        callback_threads.add(threading.get_ident())
        outbox = holder.pop("outbox", None)
        if outbox is not None:
            weakref_finalize = outbox._finalizer
            del outbox
            gc.collect()
            if not weakref_finalize.alive:
                freed.set()

    outbox = Outbox(client, tmp_path / "drop.db", product_code=PRODUCT, seal_delay=7200, on_terminal=on_terminal)
    outbox.record("demo-customer-1", "users", 1, usage_time=past_hour())
    outbox.seal_now()
    holder["outbox"] = outbox
    del outbox
    assert freed.wait(30), "the outbox was not collected in its callback"
    deadline = time.monotonic() + 10
    while "outbox" in mpmeter.live_handles() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "outbox" not in mpmeter.live_handles()
    assert len(free_threads) == 1 and not callback_threads & set(free_threads)
    # The store was released: it opens again.
    with Outbox(client, tmp_path / "drop.db", product_code=PRODUCT, seal_delay=7200) as again:
        assert again.stats().accepted == 1


def test_a_clock_that_raises_is_logged_and_the_system_clock_read_instead(client, tmp_path, caplog, no_leaks):
    def broken_clock():
        raise RuntimeError("the test clock broke")

    with caplog.at_level(logging.ERROR, logger="mpmeter.outbox"):
        with Outbox(client, tmp_path / "clock.db", product_code=PRODUCT, seal_delay=7200,
                    clock=broken_clock) as outbox:
            outbox.record("demo-customer-1", "users", 1, usage_time=past_hour())  # C reads the clock
            stats = outbox.stats()
            assert stats.open == 1 and 0 < stats.seconds_to_first_expiry <= 24 * HOUR, stats
            with pytest.raises(RuntimeError, match="broke"):
                outbox.record("demo-customer-1", "users", 1)  # "now" is the caller's own clock call
    logged = [r for r in caplog.records if r.name == "mpmeter.outbox" and "clock raised" in r.getMessage()]
    assert logged and all(r.exc_info and r.exc_info[0] is RuntimeError for r in logged)
