"""Loading libmpmeter and declaring the C functions the package calls.

The library is looked for, in order: the file named by $MPMETER_LIBRARY; libmpmeter.so next to
this package (where a wheel, `pip install` and `pip install -e` put it: setup.py); target/release
of the source tree this package sits in; the system loader (libmpmeter.so.0, then
libmpmeter.so). The debug build (target/debug, ~10 times larger) is loaded only when
$MPMETER_LIBRARY names it, as `make test-python` does, never by accident.

Every handle the package makes goes through `new_handle` / `free_handle`, which keep a count
per kind: `mpmeter.live_handles()` shows it, and the tests use it to prove nothing leaks.
"""

import ctypes
import ctypes.util
import os
import pathlib
import threading
from collections import Counter
from typing import Any, Callable, Dict, List, Optional, Tuple

from ._enums import Result

_HERE = pathlib.Path(__file__).resolve().parent
_LIB_NAME = "libmpmeter.so"


def _candidates() -> List[str]:
    env = os.environ.get("MPMETER_LIBRARY")
    if env:
        # An explicit choice is final: failing loudly beats silently loading another build.
        return [env]
    found = [_HERE / _LIB_NAME]
    # bindings/python/mpmeter -> the repository root; its release build only.
    root = _HERE.parents[2] if len(_HERE.parents) > 2 else None
    if root is not None and (root / "Cargo.toml").is_file():
        found.append(root / "target" / "release" / _LIB_NAME)
    paths = [str(p) for p in found if p.is_file()]
    # The system loader last (an installed libmpmeter, LD_LIBRARY_PATH).
    paths += ["libmpmeter.so.0", _LIB_NAME]
    system = ctypes.util.find_library("mpmeter")
    if system:
        paths.append(system)
    return paths


def _load() -> Tuple[ctypes.CDLL, str]:
    errors = []
    for path in _candidates():
        try:
            return ctypes.CDLL(path), path
        except OSError as exc:
            errors.append(f"{path}: {exc}")
    raise ImportError(
        "mpmeter: cannot load libmpmeter (set MPMETER_LIBRARY to its path); tried:\n  "
        + "\n  ".join(errors)
    )


lib, library_path = _load()

c_void_p = ctypes.c_void_p
c_char_p = ctypes.c_char_p
c_bool = ctypes.c_bool
c_size_t = ctypes.c_size_t
c_int32 = ctypes.c_int32
c_int64 = ctypes.c_int64
c_uint16 = ctypes.c_uint16
c_uint32 = ctypes.c_uint32

# void (*)(const mpm_response *, void *): runs on a library thread.
RESPONSE_CALLBACK = ctypes.CFUNCTYPE(None, c_void_p, c_void_p)
# void (*)(const mpm_outbox_slot *, void *): the outbox's terminal-state callback.
OUTBOX_SLOT_CALLBACK = ctypes.CFUNCTYPE(None, c_void_p, c_void_p)
# int64_t (*)(void *): the outbox's test clock, Unix milliseconds.
OUTBOX_CLOCK = ctypes.CFUNCTYPE(c_int64, c_void_p)


class OutboxEvent(ctypes.Structure):
    """`mpm_outbox_event`: the arguments of mpm_outbox_record, for mpm_outbox_record_batch."""

    _fields_ = [("customer", c_char_p), ("dimension", c_char_p), ("usage_time", c_int64),
                ("quantity", c_char_p), ("event_id", c_char_p)]


class OutboxStats(ctypes.Structure):
    """`mpm_outbox_stats`, plain data in the header's order."""

    _fields_ = [("open", ctypes.c_uint64), ("pending", ctypes.c_uint64),
                ("accepted", ctypes.c_uint64), ("duplicate", ctypes.c_uint64),
                ("conflict", ctypes.c_uint64), ("rejected", ctypes.c_uint64),
                ("expired", ctypes.c_uint64), ("oldest_pending_hour", c_int64),
                ("seconds_to_first_expiry", c_int64), ("foreign", ctypes.c_uint64)]


# name: (restype, argtypes). Handles are c_void_p; strings in are bytes (c_char_p);
# strings out are c_char_p (None for NULL), borrowed from the handle and copied at once.
_PROTOTYPES: Dict[str, Tuple[Any, List[Any]]] = {
    # errors and version
    "mpm_last_error_code": (c_uint32, []),
    "mpm_last_error_message": (c_char_p, []),
    "mpm_result_name": (c_char_p, [c_uint32]),
    "mpm_service_error_name": (c_char_p, [c_uint32]),
    "mpm_service_error_exception_name": (c_char_p, [c_uint32]),
    "mpm_version": (c_char_p, []),
    "mpm_runtime_set_worker_threads": (c_uint32, [c_uint32]),
    # credentials
    "mpm_credentials_new_basic": (c_void_p, [c_char_p, c_char_p, c_char_p]),
    "mpm_credentials_new_anonymous": (c_void_p, []),
    "mpm_credentials_new_default_chain": (c_void_p, []),
    "mpm_credentials_new_profile": (c_void_p, [c_char_p]),
    "mpm_credentials_new_for_platform": (c_void_p, [c_uint32]),
    "mpm_credentials_provider_name": (c_size_t, [c_void_p, c_char_p, c_size_t]),
    "mpm_credentials_free": (None, [c_void_p]),
    # config
    "mpm_config_new": (c_void_p, []),
    "mpm_config_new_from_environment": (c_void_p, []),
    "mpm_config_free": (None, [c_void_p]),
    "mpm_config_set_connect_timeout_ms": (c_uint32, [c_void_p, c_uint32]),
    "mpm_config_set_attempt_timeout_ms": (c_uint32, [c_void_p, c_uint32]),
    "mpm_config_set_operation_timeout_ms": (c_uint32, [c_void_p, c_uint32]),
    "mpm_config_set_max_attempts": (c_uint32, [c_void_p, c_uint32]),
    "mpm_config_set_retry_mode": (c_uint32, [c_void_p, c_uint32]),
    "mpm_config_set_app_id": (c_uint32, [c_void_p, c_char_p]),
    # client
    "mpm_client_new_with_region_name": (c_void_p, [c_char_p, c_void_p]),
    "mpm_client_new_with_endpoint": (c_void_p, [c_char_p, c_void_p]),
    "mpm_client_new_with_config": (c_void_p, [c_char_p, c_char_p, c_void_p, c_void_p]),
    "mpm_client_credentials_source": (c_size_t, [c_void_p, c_char_p, c_size_t]),
    "mpm_client_free": (None, [c_void_p]),
    "mpm_client_api_version": (c_char_p, [c_void_p]),
    "mpm_client_endpoint_prefix": (c_char_p, [c_void_p]),
    "mpm_client_service_name": (c_char_p, [c_void_p]),
    "mpm_client_service_full_name": (c_char_p, [c_void_p]),
    "mpm_client_endpoint": (c_size_t, [c_void_p, c_char_p, c_size_t]),
    "mpm_client_region_name": (c_size_t, [c_void_p, c_char_p, c_size_t]),
    "mpm_client_region": (c_uint32, [c_void_p]),
    "mpm_client_set_credentials": (c_uint32, [c_void_p, c_void_p]),
    "mpm_client_set_endpoint": (c_uint32, [c_void_p, c_char_p]),
    "mpm_client_set_region_name": (c_uint32, [c_void_p, c_char_p]),
    "mpm_client_meter_usage": (c_void_p, [c_void_p, c_void_p]),
    "mpm_client_batch_meter_usage": (c_void_p, [c_void_p, c_void_p]),
    "mpm_client_resolve_customer": (c_void_p, [c_void_p, c_void_p]),
    "mpm_client_register_usage": (c_void_p, [c_void_p, c_void_p]),
    # MeterUsage request
    "mpm_meter_usage_request_new": (c_void_p, []),
    "mpm_meter_usage_request_free": (None, [c_void_p]),
    "mpm_meter_usage_request_set_product_code": (c_uint32, [c_void_p, c_char_p]),
    "mpm_meter_usage_request_set_timestamp": (c_uint32, [c_void_p, c_int64]),
    "mpm_meter_usage_request_set_usage_dimension": (c_uint32, [c_void_p, c_char_p]),
    "mpm_meter_usage_request_set_usage_quantity": (c_uint32, [c_void_p, c_int32]),
    "mpm_meter_usage_request_set_usage_quantity_as_decimal": (c_uint32, [c_void_p, c_char_p]),
    "mpm_meter_usage_request_set_dry_run": (c_uint32, [c_void_p, c_bool]),
    "mpm_meter_usage_request_add_usage_allocation": (c_uint32, [c_void_p, c_void_p]),
    "mpm_meter_usage_request_set_client_token": (c_uint32, [c_void_p, c_char_p]),
    "mpm_meter_usage_request_is_valid": (c_bool, [c_void_p]),
    # BatchMeterUsage request
    "mpm_batch_meter_usage_request_new": (c_void_p, []),
    "mpm_batch_meter_usage_request_free": (None, [c_void_p]),
    "mpm_batch_meter_usage_request_set_product_code": (c_uint32, [c_void_p, c_char_p]),
    "mpm_batch_meter_usage_request_add_usage_record": (c_uint32, [c_void_p, c_void_p]),
    "mpm_batch_meter_usage_request_is_valid": (c_bool, [c_void_p]),
    # ResolveCustomer request
    "mpm_resolve_customer_request_new": (c_void_p, []),
    "mpm_resolve_customer_request_free": (None, [c_void_p]),
    "mpm_resolve_customer_request_set_registration_token": (c_uint32, [c_void_p, c_char_p]),
    "mpm_resolve_customer_request_is_valid": (c_bool, [c_void_p]),
    # RegisterUsage request
    "mpm_register_usage_request_new": (c_void_p, []),
    "mpm_register_usage_request_free": (None, [c_void_p]),
    "mpm_register_usage_request_set_product_code": (c_uint32, [c_void_p, c_char_p]),
    "mpm_register_usage_request_set_public_key_version": (c_uint32, [c_void_p, c_int32]),
    "mpm_register_usage_request_set_nonce": (c_uint32, [c_void_p, c_char_p]),
    "mpm_register_usage_request_is_valid": (c_bool, [c_void_p]),
    # usage allocation
    "mpm_usage_allocation_new": (c_void_p, []),
    "mpm_usage_allocation_free": (None, [c_void_p]),
    "mpm_usage_allocation_set_allocated_usage_quantity": (c_uint32, [c_void_p, c_int32]),
    "mpm_usage_allocation_set_allocated_usage_quantity_as_decimal": (c_uint32, [c_void_p, c_char_p]),
    "mpm_usage_allocation_add_tag": (c_uint32, [c_void_p, c_char_p, c_char_p]),
    "mpm_usage_allocation_allocated_usage_quantity": (c_uint32, [c_void_p, ctypes.POINTER(c_int32)]),
    "mpm_usage_allocation_allocated_usage_quantity_as_decimal": (c_char_p, [c_void_p]),
    "mpm_usage_allocation_tag_count": (c_size_t, [c_void_p]),
    "mpm_usage_allocation_tag_key_at": (c_char_p, [c_void_p, c_size_t]),
    "mpm_usage_allocation_tag_value_at": (c_char_p, [c_void_p, c_size_t]),
    # usage record
    "mpm_usage_record_new": (c_void_p, []),
    "mpm_usage_record_free": (None, [c_void_p]),
    "mpm_usage_record_set_timestamp": (c_uint32, [c_void_p, c_int64]),
    "mpm_usage_record_set_customer_identifier": (c_uint32, [c_void_p, c_char_p]),
    "mpm_usage_record_set_dimension": (c_uint32, [c_void_p, c_char_p]),
    "mpm_usage_record_set_quantity": (c_uint32, [c_void_p, c_int32]),
    "mpm_usage_record_set_quantity_as_decimal": (c_uint32, [c_void_p, c_char_p]),
    "mpm_usage_record_add_usage_allocation": (c_uint32, [c_void_p, c_void_p]),
    "mpm_usage_record_set_customer_aws_account_id": (c_uint32, [c_void_p, c_char_p]),
    "mpm_usage_record_set_license_arn": (c_uint32, [c_void_p, c_char_p]),
    "mpm_usage_record_timestamp": (c_uint32, [c_void_p, ctypes.POINTER(c_int64)]),
    "mpm_usage_record_quantity": (c_uint32, [c_void_p, ctypes.POINTER(c_int32)]),
    "mpm_usage_record_customer_identifier": (c_char_p, [c_void_p]),
    "mpm_usage_record_dimension": (c_char_p, [c_void_p]),
    "mpm_usage_record_quantity_as_decimal": (c_char_p, [c_void_p]),
    "mpm_usage_record_customer_aws_account_id": (c_char_p, [c_void_p]),
    "mpm_usage_record_license_arn": (c_char_p, [c_void_p]),
    "mpm_usage_record_usage_allocation_count": (c_size_t, [c_void_p]),
    "mpm_usage_record_usage_allocation_at": (c_void_p, [c_void_p, c_size_t]),
    # response
    "mpm_response_is_finished": (c_bool, [c_void_p]),
    "mpm_response_wait": (c_uint32, [c_void_p, c_int64]),
    "mpm_response_on_finished": (c_uint32, [c_void_p, RESPONSE_CALLBACK, c_void_p]),
    "mpm_response_cancel": (c_uint32, [c_void_p]),
    "mpm_response_free": (None, [c_void_p]),
    "mpm_response_result": (c_uint32, [c_void_p]),
    "mpm_response_service_error": (c_uint32, [c_void_p]),
    "mpm_response_error_code": (c_char_p, [c_void_p]),
    "mpm_response_error_message": (c_char_p, [c_void_p]),
    "mpm_response_request_id": (c_char_p, [c_void_p]),
    "mpm_response_http_status": (c_uint16, [c_void_p]),
    "mpm_response_attempts": (c_uint32, [c_void_p]),
    "mpm_response_operation": (c_uint32, [c_void_p]),
    # typed responses
    "mpm_meter_usage_response_metering_record_id": (c_char_p, [c_void_p]),
    "mpm_batch_meter_usage_response_result_count": (c_uint32, [c_void_p, ctypes.POINTER(c_size_t)]),
    "mpm_batch_meter_usage_response_result_at": (c_void_p, [c_void_p, c_size_t]),
    "mpm_batch_meter_usage_response_unprocessed_count": (c_uint32, [c_void_p, ctypes.POINTER(c_size_t)]),
    "mpm_batch_meter_usage_response_unprocessed_at": (c_void_p, [c_void_p, c_size_t]),
    "mpm_usage_record_result_status": (c_uint32, [c_void_p]),
    "mpm_usage_record_result_status_name": (c_char_p, [c_void_p]),
    "mpm_usage_record_result_metering_record_id": (c_char_p, [c_void_p]),
    "mpm_usage_record_result_usage_record": (c_void_p, [c_void_p]),
    "mpm_resolve_customer_response_customer_identifier": (c_char_p, [c_void_p]),
    "mpm_resolve_customer_response_product_code": (c_char_p, [c_void_p]),
    "mpm_resolve_customer_response_customer_aws_account_id": (c_char_p, [c_void_p]),
    "mpm_resolve_customer_response_license_arn": (c_char_p, [c_void_p]),
    "mpm_resolve_customer_response_agreement_id": (c_char_p, [c_void_p]),
    "mpm_register_usage_response_signature": (c_char_p, [c_void_p]),
    "mpm_register_usage_response_public_key_rotation_timestamp": (c_uint32, [c_void_p, ctypes.POINTER(c_int64)]),
    # outbox options
    "mpm_outbox_options_new": (c_void_p, []),
    "mpm_outbox_options_free": (None, [c_void_p]),
    "mpm_outbox_options_set_mode": (c_uint32, [c_void_p, c_uint32]),
    "mpm_outbox_options_set_product_code": (c_uint32, [c_void_p, c_char_p]),
    "mpm_outbox_options_set_seal_delay": (c_uint32, [c_void_p, c_int64]),
    "mpm_outbox_options_set_late_policy": (c_uint32, [c_void_p, c_uint32]),
    "mpm_outbox_options_set_max_requests_per_second": (c_uint32, [c_void_p, c_uint32]),
    "mpm_outbox_options_set_machine_identity": (c_uint32, [c_void_p, c_char_p]),
    "mpm_outbox_options_set_on_terminal": (c_uint32, [c_void_p, OUTBOX_SLOT_CALLBACK, c_void_p]),
    "mpm_outbox_options_set_sqlite_vfs": (c_uint32, [c_void_p, c_char_p]),
    "mpm_outbox_options_set_clock": (c_uint32, [c_void_p, OUTBOX_CLOCK, c_void_p]),
    # outbox
    "mpm_outbox_open": (c_void_p, [c_void_p, c_char_p, c_void_p]),
    "mpm_outbox_record": (c_uint32, [c_void_p, c_char_p, c_char_p, c_int64, c_char_p, c_char_p]),
    "mpm_outbox_record_batch": (c_uint32, [c_void_p, ctypes.POINTER(OutboxEvent), c_size_t]),
    "mpm_outbox_flush": (c_uint32, [c_void_p, c_int64]),
    "mpm_outbox_seal_now": (c_uint32, [c_void_p, c_char_p]),
    "mpm_outbox_get_stats": (c_uint32, [c_void_p, ctypes.POINTER(OutboxStats)]),
    "mpm_outbox_slots_of_hour": (c_void_p, [c_void_p, c_int64]),
    "mpm_outbox_close": (c_uint32, [c_void_p, c_int64]),
    "mpm_outbox_free": (None, [c_void_p]),
    # outbox slots
    "mpm_outbox_slot_product_code": (c_char_p, [c_void_p]),
    "mpm_outbox_slot_customer": (c_char_p, [c_void_p]),
    "mpm_outbox_slot_dimension": (c_char_p, [c_void_p]),
    "mpm_outbox_slot_quantity": (c_char_p, [c_void_p]),
    "mpm_outbox_slot_metering_record_id": (c_char_p, [c_void_p]),
    "mpm_outbox_slot_reason": (c_char_p, [c_void_p]),
    "mpm_outbox_slot_hour": (c_int64, [c_void_p]),
    "mpm_outbox_slot_state": (c_uint32, [c_void_p]),
    "mpm_outbox_slot_attempts": (c_uint32, [c_void_p]),
    "mpm_outbox_slot_is_foreign": (c_bool, [c_void_p]),
    "mpm_outbox_slot_iter_count": (c_size_t, [c_void_p]),
    "mpm_outbox_slot_iter_next": (c_void_p, [c_void_p]),
    "mpm_outbox_slot_iter_free": (None, [c_void_p]),
}


class _Functions:
    """The declared C functions as attributes: `fn.mpm_version()`."""

    def __getattr__(self, name: str) -> Any:  # the attributes are set below, from _PROTOTYPES
        raise AttributeError(name)


fn = _Functions()
for _name, (_restype, _argtypes) in _PROTOTYPES.items():
    _f = getattr(lib, _name)
    _f.restype = _restype
    _f.argtypes = _argtypes
    setattr(fn, _name, _f)

PROTOTYPE_NAMES = frozenset(_PROTOTYPES)


def text(value: Optional[bytes]) -> Optional[str]:
    """A C string out (bytes or None) as str or None."""
    return None if value is None else value.decode("utf-8")


def copy_out(getter: Callable[..., int], ptr: Any) -> str:
    """A string from an snprintf-style getter (`size_t f(handle, char *buf, size_t len)`)."""
    size = getter(ptr, None, 0)
    buf = ctypes.create_string_buffer(size + 1)
    getter(ptr, buf, size + 1)
    return buf.value.decode("utf-8")


def last_error() -> Tuple[Result, str]:
    """(code, message) of this thread's last error."""
    return Result(fn.mpm_last_error_code()), text(fn.mpm_last_error_message()) or ""


# Live handles per kind ("client", "response", ...), for leak checks.
_live: "Counter[str]" = Counter()
_live_lock = threading.Lock()


def new_handle(kind: str, ptr: Any) -> Any:
    with _live_lock:
        _live[kind] += 1
    return ptr


def free_handle(kind: str, free: Callable[[Any], None], ptr: Any) -> None:
    free(ptr)
    with _live_lock:
        _live[kind] -= 1


def live_handles() -> Dict[str, int]:
    """The number of handles of each kind this package made and has not freed yet."""
    with _live_lock:
        return {k: v for k, v in _live.items() if v}
