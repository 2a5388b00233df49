"""The library's log and metrics in Python.

Log: libmpmeter's events go to the standard `logging` logger "mpmeter" (the emitting module in
`record.mpm_target`). The callback is registered at import, always, and filtered at the
library by level: the library is told the logger's effective level at import, whenever a
`Client` is made, and by `mpmeter.refresh_log_level()` (call it after changing levels once
clients exist), so events nobody wants never cross into Python. Levels: error, warning,
info, debug, and the library's trace as level 5. Messages carry no secret (the library
redacts them). The callback runs on library threads and never raises into C.

Metrics: `Client.metrics()` returns a `ClientMetrics` snapshot of the client's counters.
"""

from __future__ import annotations

import atexit
import ctypes
import dataclasses
import logging
from typing import Any, Optional, Tuple

from . import _lib
from ._enums import LogLevel

logger = logging.getLogger("mpmeter")

TRACE = 5
_OFF, _ERROR, _WARN, _INFO, _DEBUG, _TRACE = (
    LogLevel.OFF, LogLevel.ERROR, LogLevel.WARN, LogLevel.INFO, LogLevel.DEBUG, LogLevel.TRACE)
# The library's level -> the logging level.
_TO_LOGGING: "dict[int, int]" = {_ERROR: logging.ERROR, _WARN: logging.WARNING, _INFO: logging.INFO,
               _DEBUG: logging.DEBUG, _TRACE: TRACE}

# void (*)(uint32_t level, const char *target, const char *message, void *userdata)
LOG_CALLBACK = ctypes.CFUNCTYPE(None, ctypes.c_uint32, ctypes.c_char_p, ctypes.c_char_p,
                                ctypes.c_void_p)

_LATENCY_BUCKETS = 12
LATENCY_BUCKETS_MS: Tuple[Optional[int], ...] = (
    5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, None)

_COUNTERS = (
    "calls", "succeeded", "failed", "in_flight", "attempts",
    "retries_throttling", "retries_transient", "retries_timeout", "retries_clock_skew",
    "throttles", "quota_exhausted",
    "failed_invalid_request", "failed_endpoint", "failed_credentials", "failed_signing",
    "failed_transport", "failed_timeout", "failed_service", "failed_invalid_response",
    "failed_cancelled",
    "latency_count", "latency_sum_us", "latency_max_us",
)


class _CMetrics(ctypes.Structure):
    _fields_ = ([("size", ctypes.c_uint64)] + [(n, ctypes.c_uint64) for n in _COUNTERS]
                + [("latency_buckets", ctypes.c_uint64 * _LATENCY_BUCKETS)])


@dataclasses.dataclass(frozen=True)
class ClientMetrics:
    """A client's counters since it was made (see `mpm_client_metrics` in mpmeter.h).

    `latency_buckets[i]` counts calls of at most `LATENCY_BUCKETS_MS[i]` milliseconds (the
    last bucket: slower than 10 s).
    """

    calls: int
    succeeded: int
    failed: int
    in_flight: int
    attempts: int
    retries_throttling: int
    retries_transient: int
    retries_timeout: int
    retries_clock_skew: int
    throttles: int
    quota_exhausted: int
    failed_invalid_request: int
    failed_endpoint: int
    failed_credentials: int
    failed_signing: int
    failed_transport: int
    failed_timeout: int
    failed_service: int
    failed_invalid_response: int
    failed_cancelled: int
    latency_count: int
    latency_sum_us: int
    latency_max_us: int
    latency_buckets: Tuple[int, ...]

    @property
    def retries(self) -> int:
        """All retries, whatever their reason."""
        return (self.retries_throttling + self.retries_transient + self.retries_timeout
                + self.retries_clock_skew)

    @property
    def latency_mean_ms(self) -> Optional[float]:
        """Mean latency of the calls timed, in milliseconds (None before the first)."""
        if not self.latency_count:
            return None
        return self.latency_sum_us / self.latency_count / 1000.0


_set_log_callback = _lib.lib.mpm_set_log_callback
_set_log_callback.restype = ctypes.c_uint32
_set_log_callback.argtypes = [ctypes.c_uint32, LOG_CALLBACK, ctypes.c_void_p]
_get_metrics = _lib.lib.mpm_client_get_metrics
_get_metrics.restype = ctypes.c_uint32
_get_metrics.argtypes = [ctypes.c_void_p, ctypes.POINTER(_CMetrics)]


def get_metrics(client_ptr: Any) -> ClientMetrics:
    out = _CMetrics()
    out.size = ctypes.sizeof(_CMetrics)
    code = _get_metrics(client_ptr, ctypes.byref(out))
    if code != 0:
        raise RuntimeError(f"mpm_client_get_metrics failed: {_lib.last_error()}")
    values = {n: int(getattr(out, n)) for n in _COUNTERS}
    return ClientMetrics(latency_buckets=tuple(int(v) for v in out.latency_buckets), **values)


def _forward(level: int, target: Optional[bytes], message: Optional[bytes],
             _userdata: Any) -> None:
    try:
        py_level = _TO_LOGGING.get(level, logging.DEBUG)
        if not logger.isEnabledFor(py_level):
            return
        text = (message or b"").decode("utf-8", "replace")
        where = (target or b"").decode("utf-8", "replace")
        logger.log(py_level, "%s", text, extra={"mpm_target": where})
    except Exception:  # never into C; logging reports its own handler errors
        pass


# Kept alive for as long as the library may call it.
_callback = LOG_CALLBACK(_forward)
_registered_level: Optional[int] = None


def _library_level() -> int:
    level = logger.getEffectiveLevel()
    if logger.disabled:
        return _OFF
    if level > logging.WARNING:
        return _ERROR
    if level > logging.INFO:
        return _WARN
    if level > logging.DEBUG:
        return _INFO
    if level > TRACE:
        return _DEBUG
    return _TRACE


def refresh_log_level() -> None:
    """Tells the library the "mpmeter" logger's effective level now (done at import and
    whenever a Client is made; call it after changing logging levels later)."""
    global _registered_level
    level = _library_level()
    if level == _registered_level:
        return
    if _set_log_callback(level, _callback, None) == 0:
        _registered_level = level


def _unregister() -> None:
    # No call into Python once the interpreter is going away.
    _set_log_callback(_OFF, LOG_CALLBACK(), None)


refresh_log_level()
atexit.register(_unregister)
