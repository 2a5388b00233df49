"""Exceptions: one class per way a call can fail.

    MeteringError                      every failure raised by mpmeter
    ├── ServiceError                   the service answered with an error
    │   ├── ThrottlingException, DuplicateRequestException, ...  (one per mpm_service_error)
    │   └── UnknownServiceError        a code this version does not model (see .code)
    ├── TransportError                 connecting, sending or receiving failed
    ├── TimeoutError                   an attempt or the whole call timed out
    ├── CancelledError                 the call was cancelled
    ├── CredentialsError               no credentials could be obtained
    ├── SigningError                   the request could not be signed
    ├── InvalidResponseError           the answer could not be read
    ├── InvalidRequestError            bad input, refused before anything is sent (a ValueError)
    ├── StoreError                     the outbox store cannot be opened, read or written
    │   └── StoreLockedError           another process (or open Outbox) holds the store
    ├── LateUsageError                 usage refused as late (sealed slot, closed month)
    ├── OutboxClosedError              the Outbox was closed
    └── MachineIdentityError           machine mode without a machine identity

`WaitTimeout` (a builtin TimeoutError, not a MeteringError) means only that
`Response.result(timeout=...)` or `Outbox.flush(timeout=...)` stopped waiting; the call or
the delivery goes on.
"""

import builtins

from typing import Any, Dict, Optional, Type

from . import _lib
from ._enums import Result, ServiceErrorKind


class MeteringError(Exception):
    """A failed call. `code` is the AWS error code for service errors ("ThrottlingException"),
    else the name of the C result ("MPM_ERR_TRANSPORT"); `result` is the `Result` value."""

    def __init__(self, message: str, *, code: Optional[str] = None, result: Optional[Result] = None,
                 request_id: Optional[str] = None, http_status: Optional[int] = None,
                 attempts: Optional[int] = None,
                 service_error: ServiceErrorKind = ServiceErrorKind.NONE) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.result = result
        self.request_id = request_id
        self.http_status = http_status
        self.attempts = attempts
        self.service_error = service_error

    def __str__(self) -> str:
        parts = [f"{self.code}: {self.message}" if self.code else str(self.message)]
        if self.http_status:
            parts.append(f"HTTP {self.http_status}")
        if self.request_id:
            parts.append(f"request id {self.request_id}")
        if self.attempts:
            parts.append(f"{self.attempts} attempt{'s' if self.attempts != 1 else ''}")
        return parts[0] + (f" ({', '.join(parts[1:])})" if len(parts) > 1 else "")


class ServiceError(MeteringError):
    """The service answered with an error."""


class UnknownServiceError(ServiceError):
    """A service error code this version does not model (`code` holds it)."""


class TransportError(MeteringError):
    """Connecting, sending or receiving failed."""


class TimeoutError(MeteringError, builtins.TimeoutError):  # noqa: A001 - the C API's name
    """An attempt or the whole call timed out."""


class CancelledError(MeteringError):
    """The call was cancelled."""


class CredentialsError(MeteringError):
    """No credentials could be obtained."""


class SigningError(MeteringError):
    """The request could not be signed."""


class InvalidResponseError(MeteringError):
    """The service's answer could not be read (not JSON, wrong shape)."""


class InvalidRequestError(MeteringError, ValueError):
    """Bad input: refused by the wrapper or the library before anything was sent."""


class StoreError(MeteringError):
    """The outbox store cannot be opened, read or written, or its settings (WAL,
    synchronous=FULL, schema version, mode) do not hold."""


class StoreLockedError(StoreError):
    """Another process (or another open Outbox) holds the outbox store: one process per file."""


class LateUsageError(MeteringError, ValueError):
    """Usage refused as late: its slot is sealed and the late policy refuses it, or its month
    is closed."""


class OutboxClosedError(MeteringError):
    """The Outbox was closed."""


class MachineIdentityError(MeteringError):
    """Machine mode without a machine identity (none given, none from the metadata services)."""


class WaitTimeout(builtins.TimeoutError):
    """`Response.result(timeout=...)` or `Outbox.flush(timeout=...)` ran out of time; the call
    or the delivery goes on."""


# One class per modeled exception, named as the service names it; the names come from the
# library (mpm_service_error_exception_name), so this file keeps no list of them.
_SERVICE_CODES = {
    kind: _lib.lib.mpm_service_error_exception_name(kind.value).decode()
    for kind in ServiceErrorKind
    if kind not in (ServiceErrorKind.NONE, ServiceErrorKind.UNKNOWN)
}

SERVICE_ERROR_CLASSES: Dict[ServiceErrorKind, Type[ServiceError]] = {
    ServiceErrorKind.UNKNOWN: UnknownServiceError}
for _kind, _name in _SERVICE_CODES.items():
    _cls: Type[ServiceError] = type(_name, (ServiceError,), {
        "__doc__": f"The service answered {_name}.",
        "__module__": __name__,
    })
    globals()[_name] = _cls
    SERVICE_ERROR_CLASSES[_kind] = _cls

SERVICE_ERROR_NAMES = tuple(_SERVICE_CODES.values())

RESULT_CLASSES: Dict[Result, Type[MeteringError]] = {
    Result.ERR_SERVICE: ServiceError,
    Result.ERR_TRANSPORT: TransportError,
    Result.ERR_TIMEOUT: TimeoutError,
    Result.ERR_CANCELLED: CancelledError,
    Result.ERR_CREDENTIALS: CredentialsError,
    Result.ERR_SIGNING: SigningError,
    Result.ERR_INVALID_RESPONSE: InvalidResponseError,
    Result.ERR_STORE: StoreError,
    Result.ERR_STORE_LOCKED: StoreLockedError,
    Result.ERR_LATE_USAGE: LateUsageError,
    Result.ERR_OUTBOX_CLOSED: OutboxClosedError,
    Result.ERR_MACHINE_IDENTITY: MachineIdentityError,
}

# Result codes that describe the caller's input (codes 1-99 are about arguments).
_INPUT_RESULTS = {
    Result.ERR_NULL_ARGUMENT, Result.ERR_INVALID_UTF8, Result.ERR_INVALID_ARGUMENT,
    Result.ERR_UNKNOWN_ENUM, Result.ERR_INVALID_REQUEST, Result.ERR_ENDPOINT,
}


def from_last_error(code: Any, message: str, what: Optional[str] = None) -> MeteringError:
    """The exception for a failed C call, from its last error."""
    text = f"{what}: {message}" if what else message
    cls = InvalidRequestError if code in _INPUT_RESULTS else RESULT_CLASSES.get(code, MeteringError)
    name = code.name if isinstance(code, Result) else str(code)
    return cls(text, code="MPM_" + name, result=code)


__all__ = [
    "MeteringError", "ServiceError", "UnknownServiceError", "TransportError", "TimeoutError",
    "CancelledError", "CredentialsError", "SigningError", "InvalidResponseError",
    "InvalidRequestError", "StoreError", "StoreLockedError", "LateUsageError",
    "OutboxClosedError", "MachineIdentityError", "WaitTimeout", *SERVICE_ERROR_NAMES,
]
