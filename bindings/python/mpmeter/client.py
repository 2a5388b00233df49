"""`Credentials` and `Client`: the handles a program keeps, and the four operations.

Each operation builds its C request from Python values, starts the call and frees the request
at once (the library copies it); the returned `Response` owns the response handle.
"""

import datetime as _dt
import decimal
import os
import weakref
from typing import Any, Callable, Iterable, Optional, Type, TypeVar, Union

from . import _lib, _observe
from ._enums import Operation, Platform, Region, Result, RetryMode
from ._lib import fn, text
from .errors import InvalidRequestError, from_last_error
from .model import (
    MAX_BATCH_RECORDS,
    BatchMeterUsageResult,
    MeterUsageResult,
    RegisterUsageResult,
    ResolveCustomerResult,
    UsageAllocation,
    UsageRecord,
    c_string,
    quantity_arg,
    unix_seconds,
)
from .response import Response

_H = TypeVar("_H", bound="_Handle")
_C = TypeVar("_C", bound="Credentials")
Quantity = Union[int, decimal.Decimal]


def _check(code: int, what: str) -> None:
    if code != Result.OK:
        raise from_last_error(*_lib.last_error(), what=what)


def _made(kind: str, ptr: Any, what: str) -> Any:
    if not ptr:
        raise from_last_error(*_lib.last_error(), what=what)
    return _lib.new_handle(kind, ptr)


class _Handle:
    """An owned C handle of one kind, freed by close(), `with`, or garbage collection."""

    _kind: str = ""
    _free_fn: Any = None
    _ptr: Any

    def _own(self, ptr: Any) -> None:
        self._ptr = ptr
        self._finalizer = weakref.finalize(self, _lib.free_handle, self._kind, type(self)._free_fn, ptr)

    def close(self) -> None:
        """Frees the handle. Idempotent."""
        self._finalizer()
        self._ptr = None

    def __enter__(self: _H) -> _H:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _handle(self) -> Any:
        if self._ptr is None:
            raise ValueError(f"the {self._kind} is closed")
        return self._ptr


class Credentials(_Handle):
    """Credentials a client signs with. A client keeps its own reference, so these may be
    closed as soon as the client is made."""

    _kind = "credentials"
    _free_fn = fn.mpm_credentials_free

    def __init__(self, _ptr: Any) -> None:
        self._own(_ptr)

    @classmethod
    def basic(cls: Type[_C], access_key_id: str, secret_access_key: str,
              session_token: Optional[str] = None) -> _C:
        """Static keys (and a session token for temporary credentials)."""
        ptr = fn.mpm_credentials_new_basic(
            c_string(access_key_id, "access_key_id"),
            c_string(secret_access_key, "secret_access_key"),
            c_string(session_token, "session_token", optional=True),
        )
        return cls(_made(cls._kind, ptr, "Credentials.basic"))

    @classmethod
    def anonymous(cls: Type[_C]) -> _C:
        """No credentials: requests are sent unsigned."""
        return cls(_made(cls._kind, fn.mpm_credentials_new_anonymous(), "Credentials.anonymous"))

    @classmethod
    def default_chain(cls: Type[_C]) -> _C:
        """The AWS SDKs' default provider chain (what a client uses without credentials):
        environment, shared files, web identity, container, IMDS; resolved at the first call."""
        return cls(_made(cls._kind, fn.mpm_credentials_new_default_chain(), "Credentials.default_chain"))

    @classmethod
    def profile(cls: Type[_C], name: Optional[str] = None) -> _C:
        """A profile of the shared config/credentials files (None: AWS_PROFILE, else default)."""
        ptr = fn.mpm_credentials_new_profile(c_string(name, "name", optional=True))
        return cls(_made(cls._kind, ptr, "Credentials.profile"))

    @classmethod
    def for_platform(cls: Type[_C], platform: Union[Platform, int]) -> _C:
        """Strict platform mode: only the source AWS supports for metering on `platform`
        (a Platform: EC2 instance role, ECS task role, EKS IRSA web identity)."""
        ptr = fn.mpm_credentials_new_for_platform(int(Platform(platform)))
        return cls(_made(cls._kind, ptr, "Credentials.for_platform"))

    @property
    def provider_name(self) -> str:
        """The provider that supplied the credentials in use ("environment", "static", ...),
        "" before the first resolution. Never a key."""
        return _lib.copy_out(fn.mpm_credentials_provider_name, self._handle())

    @classmethod
    def from_env(cls: Type[_C]) -> _C:
        """Static keys from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN, read
        now (CredentialsError if unset)."""
        from .errors import CredentialsError

        akid, secret = os.environ.get("AWS_ACCESS_KEY_ID"), os.environ.get("AWS_SECRET_ACCESS_KEY")
        if not akid or not secret:
            raise CredentialsError(
                "no credentials given and AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY are not set",
                code="MPM_ERR_CREDENTIALS", result=Result.ERR_CREDENTIALS,
            )
        return cls.basic(akid, secret, os.environ.get("AWS_SESSION_TOKEN") or None)

    def __repr__(self) -> str:  # never shows a secret
        return f"<mpmeter.Credentials {'closed' if self._ptr is None else 'open'}>"


class Client(_Handle):
    """A Marketplace Metering client, safe to share between threads.

    `Client()` follows the environment as boto3 does: the region, endpoint and settings not
    given here are read from the environment and the shared config files (`AWS_REGION`,
    `AWS_DEFAULT_REGION`, `AWS_PROFILE`'s region, `AWS_ENDPOINT_URL_MARKETPLACE_METERING`,
    `AWS_ENDPOINT_URL`, `AWS_MAX_ATTEMPTS`, `AWS_RETRY_MODE`, ...), and without `credentials`
    the AWS SDKs' default chain (environment, profile, web identity, container, IMDS) is
    resolved at the first call. Arguments win over the environment:
    `Client(region="eu-west-1")`, `Client(endpoint="http://127.0.0.1:PORT")` (signing for
    `region`, default us-east-1), or both. `from_environment=False` opts out: only the
    arguments count (then a region or an endpoint must be given; without one, `AWS_REGION` /
    `AWS_DEFAULT_REGION` alone is still taken as the region). Settings: `max_attempts` (1
    turns retries off), `connect_timeout`, `attempt_timeout`, `operation_timeout` (seconds),
    `retry_mode` (a RetryMode), `app_id`. Responses outlive the client.
    """

    _kind = "client"
    _free_fn = fn.mpm_client_free

    def __init__(self, region: Union[str, Region, None] = None, endpoint: Optional[str] = None,
                 credentials: Optional[Credentials] = None, *, max_attempts: Optional[int] = None,
                 connect_timeout: Optional[float] = None, attempt_timeout: Optional[float] = None,
                 operation_timeout: Optional[float] = None,
                 retry_mode: Union[RetryMode, int, None] = None, app_id: Optional[str] = None,
                 from_environment: bool = True) -> None:
        if region is None and endpoint is None and not from_environment:
            region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
            if not region:
                raise InvalidRequestError("give a region or an endpoint (or from_environment=True)",
                                          code="MPM_ERR_NULL_ARGUMENT")
        _observe.refresh_log_level()
        region_arg = c_string(_region_name(region), "region", optional=True)
        endpoint_arg = c_string(endpoint, "endpoint", optional=True)
        creds_arg = credentials._handle() if credentials is not None else None
        new = fn.mpm_config_new_from_environment if from_environment else fn.mpm_config_new
        config = _made("config", new(), "the client's settings")
        try:
            _configure(config, max_attempts, connect_timeout, attempt_timeout, operation_timeout,
                       retry_mode, app_id)
            ptr = fn.mpm_client_new_with_config(region_arg, endpoint_arg, creds_arg, config)
            self._own(_made(self._kind, ptr, "Client"))
        finally:
            _lib.free_handle("config", fn.mpm_config_free, config)

    # --- properties -------------------------------------------------------------------------

    def metrics(self) -> "_observe.ClientMetrics":
        """The client's counters and latency so far, a `ClientMetrics` snapshot."""
        return _observe.get_metrics(self._handle())

    def _buffer(self, getter: Callable[..., int]) -> str:
        return _lib.copy_out(getter, self._handle())

    @property
    def endpoint(self) -> str:
        """The URL calls go to (the explicit endpoint, or the region's)."""
        return self._buffer(fn.mpm_client_endpoint)

    @property
    def region(self) -> str:
        """The signing region's name."""
        return self._buffer(fn.mpm_client_region_name)

    @property
    def credentials_source(self) -> str:
        """Where credentials come from ("static", "default-chain/environment", ...); no key."""
        return self._buffer(fn.mpm_client_credentials_source)

    @property
    def api_version(self) -> Optional[str]:
        return text(fn.mpm_client_api_version(self._handle()))

    @property
    def service_name(self) -> Optional[str]:
        return text(fn.mpm_client_service_name(self._handle()))

    @property
    def service_full_name(self) -> Optional[str]:
        return text(fn.mpm_client_service_full_name(self._handle()))

    @property
    def endpoint_prefix(self) -> Optional[str]:
        return text(fn.mpm_client_endpoint_prefix(self._handle()))

    def set_credentials(self, credentials: Credentials) -> None:
        """Signs calls started from now on with `credentials`."""
        _check(fn.mpm_client_set_credentials(self._handle(), credentials._handle()), "credentials")

    # --- operations -------------------------------------------------------------------------

    def meter_usage(self, *, product_code: str, timestamp: _dt.datetime, usage_dimension: str,
                    usage_quantity: Optional[Quantity] = None,
                    usage_allocations: Iterable[UsageAllocation] = (), dry_run: bool = False,
                    client_token: Optional[str] = None) -> "Response[MeterUsageResult]":
        """Starts a MeterUsage call (one hour of one dimension) and returns its Response."""
        with _Request("meter_usage") as req:
            set_ = _Setter(req.ptr, "mpm_meter_usage_request_")
            set_.string("set_product_code", product_code, "product_code")
            set_.code(fn.mpm_meter_usage_request_set_timestamp(req.ptr, unix_seconds(timestamp, "timestamp")),
                      "timestamp")
            set_.string("set_usage_dimension", usage_dimension, "usage_dimension")
            if usage_quantity is not None:
                set_.quantity("set_usage_quantity", usage_quantity, "usage_quantity")
            if dry_run:
                set_.code(fn.mpm_meter_usage_request_set_dry_run(req.ptr, True), "dry_run")
            if client_token is not None:
                set_.string("set_client_token", client_token, "client_token")
            for i, allocation in enumerate(usage_allocations):
                _add_allocation(fn.mpm_meter_usage_request_add_usage_allocation, req.ptr, allocation,
                                f"usage_allocations[{i}]")
            return self._start(fn.mpm_client_meter_usage, req.ptr, Operation.METER_USAGE)

    def batch_meter_usage(self, records: Iterable[UsageRecord], product_code: Optional[str] = None
                          ) -> "Response[BatchMeterUsageResult]":
        """Starts a BatchMeterUsage call (1 to 25 UsageRecords) and returns its Response."""
        records = list(records)
        if len(records) > MAX_BATCH_RECORDS:
            raise InvalidRequestError(
                f"{len(records)} records: a BatchMeterUsage call takes at most {MAX_BATCH_RECORDS}",
                code="MPM_ERR_INVALID_ARGUMENT",
            )
        with _Request("batch_meter_usage") as req:
            if product_code is not None:
                _check(fn.mpm_batch_meter_usage_request_set_product_code(
                    req.ptr, c_string(product_code, "product_code")), "product_code")
            for i, record in enumerate(records):
                _add_record(req.ptr, record, f"records[{i}]")
            return self._start(fn.mpm_client_batch_meter_usage, req.ptr, Operation.BATCH_METER_USAGE)

    def resolve_customer(self, registration_token: str) -> "Response[ResolveCustomerResult]":
        """Starts a ResolveCustomer call and returns its Response."""
        with _Request("resolve_customer") as req:
            _check(fn.mpm_resolve_customer_request_set_registration_token(
                req.ptr, c_string(registration_token, "registration_token")), "registration_token")
            return self._start(fn.mpm_client_resolve_customer, req.ptr, Operation.RESOLVE_CUSTOMER)

    def register_usage(self, product_code: str, public_key_version: int,
                       nonce: Optional[str] = None) -> "Response[RegisterUsageResult]":
        """Starts a RegisterUsage call and returns its Response."""
        if isinstance(public_key_version, bool) or not isinstance(public_key_version, int):
            raise TypeError("public_key_version must be an int")
        if not 1 <= public_key_version <= 2**31 - 1:
            raise InvalidRequestError(f"public_key_version {public_key_version} is out of range",
                                      code="MPM_ERR_INVALID_ARGUMENT")
        with _Request("register_usage") as req:
            _check(fn.mpm_register_usage_request_set_product_code(
                req.ptr, c_string(product_code, "product_code")), "product_code")
            _check(fn.mpm_register_usage_request_set_public_key_version(req.ptr, public_key_version),
                   "public_key_version")
            if nonce is not None:
                _check(fn.mpm_register_usage_request_set_nonce(req.ptr, c_string(nonce, "nonce")), "nonce")
            return self._start(fn.mpm_client_register_usage, req.ptr, Operation.REGISTER_USAGE)

    def _start(self, start: Callable[..., Any], request: Any, operation: Operation) -> "Response[Any]":
        ptr = start(self._handle(), request)
        return Response(_made("response", ptr, operation.name.lower()), operation)

    def __repr__(self) -> str:
        if self._ptr is None:
            return "<mpmeter.Client closed>"
        return f"<mpmeter.Client {self.region} {self.endpoint}>"


def _ms(seconds: float, what: str) -> int:
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise TypeError(f"{what} must be a number of seconds")
    ms = int(round(seconds * 1000))
    if not 1 <= ms <= 2**32 - 1:
        raise InvalidRequestError(f"{what} {seconds} s is out of range", code="MPM_ERR_INVALID_ARGUMENT")
    return ms


def _configure(config: Any, max_attempts: Optional[int], connect_timeout: Optional[float],
               attempt_timeout: Optional[float], operation_timeout: Optional[float],
               retry_mode: Union[RetryMode, int, None], app_id: Optional[str]) -> None:
    if max_attempts is not None:
        if isinstance(max_attempts, bool) or not isinstance(max_attempts, int):
            raise TypeError("max_attempts must be an int")
        if not 0 <= max_attempts <= 2**32 - 1:
            raise InvalidRequestError(f"max_attempts {max_attempts} is out of range",
                                      code="MPM_ERR_INVALID_ARGUMENT")
        _check(fn.mpm_config_set_max_attempts(config, max_attempts), "max_attempts")
    for value, setter, what in ((connect_timeout, fn.mpm_config_set_connect_timeout_ms, "connect_timeout"),
                                (attempt_timeout, fn.mpm_config_set_attempt_timeout_ms, "attempt_timeout"),
                                (operation_timeout, fn.mpm_config_set_operation_timeout_ms, "operation_timeout")):
        if value is not None:
            _check(setter(config, _ms(value, what)), what)
    if retry_mode is not None:
        _check(fn.mpm_config_set_retry_mode(config, int(RetryMode(retry_mode))), "retry_mode")
    if app_id is not None:
        _check(fn.mpm_config_set_app_id(config, c_string(app_id, "app_id")), "app_id")


def _region_name(region: Union[str, Region, None]) -> Optional[str]:
    if region is None:
        return None
    if isinstance(region, Region):
        if region == Region.INVALID:
            raise InvalidRequestError("Region.INVALID names no region", code="MPM_ERR_INVALID_ARGUMENT")
        return region.name.lower().replace("_", "-")
    return region


class _Request:
    """A request handle of one operation, freed when the `with` block ends."""

    def __init__(self, operation: str) -> None:
        self.kind = operation + "_request"
        self._free = getattr(fn, f"mpm_{operation}_request_free")
        self.ptr = _made(self.kind, getattr(fn, f"mpm_{operation}_request_new")(), self.kind)

    def __enter__(self) -> "_Request":
        return self

    def __exit__(self, *exc: object) -> None:
        _lib.free_handle(self.kind, self._free, self.ptr)


class _Setter:
    """Calls `<prefix><name>` setters on one C object with checked Python values."""

    def __init__(self, ptr: Any, prefix: str) -> None:
        self.ptr, self.prefix = ptr, prefix

    def code(self, code: int, what: str) -> None:
        _check(code, what)

    def string(self, name: str, value: Optional[str], what: str, optional: bool = False) -> None:
        encoded = c_string(value, what, optional=optional)
        if encoded is not None:
            _check(getattr(fn, self.prefix + name)(self.ptr, encoded), what)

    def quantity(self, name: str, value: Quantity, what: str) -> None:
        form, arg = quantity_arg(value, what)
        if form == "int":
            _check(getattr(fn, self.prefix + name)(self.ptr, arg), what)
        else:
            _check(getattr(fn, self.prefix + name + "_as_decimal")(self.ptr, arg.encode()), what)


def _add_allocation(add: Callable[[Any, Any], int], owner: Any, allocation: UsageAllocation,
                    what: str) -> None:
    if not isinstance(allocation, UsageAllocation):
        raise TypeError(f"{what} must be a UsageAllocation, not {type(allocation).__name__}")
    ptr = _made("usage_allocation", fn.mpm_usage_allocation_new(), what)
    try:
        _Setter(ptr, "mpm_usage_allocation_").quantity(
            "set_allocated_usage_quantity", allocation.quantity, what + ".quantity")
        for key, value in allocation.tags.items():
            _check(fn.mpm_usage_allocation_add_tag(
                ptr, c_string(key, what + ".tags key"), c_string(value, f"{what}.tags[{key!r}]")),
                f"{what}.tags[{key!r}]")
        _check(add(owner, ptr), what)  # copies the allocation
    finally:
        _lib.free_handle("usage_allocation", fn.mpm_usage_allocation_free, ptr)


def _add_record(request: Any, record: UsageRecord, what: str) -> None:
    if not isinstance(record, UsageRecord):
        raise TypeError(f"{what} must be a UsageRecord, not {type(record).__name__}")
    ptr = _made("usage_record", fn.mpm_usage_record_new(), what)
    try:
        set_ = _Setter(ptr, "mpm_usage_record_")
        set_.code(fn.mpm_usage_record_set_timestamp(ptr, unix_seconds(record.timestamp, what + ".timestamp")),
                  what + ".timestamp")
        set_.string("set_dimension", record.dimension, what + ".dimension")
        if record.quantity is not None:
            set_.quantity("set_quantity", record.quantity, what + ".quantity")
        set_.string("set_customer_identifier", record.customer_identifier, what + ".customer_identifier",
                    optional=True)
        set_.string("set_customer_aws_account_id", record.customer_aws_account_id,
                    what + ".customer_aws_account_id", optional=True)
        set_.string("set_license_arn", record.license_arn, what + ".license_arn", optional=True)
        for i, allocation in enumerate(record.usage_allocations):
            _add_allocation(fn.mpm_usage_record_add_usage_allocation, ptr, allocation,
                            f"{what}.usage_allocations[{i}]")
        _check(fn.mpm_batch_meter_usage_request_add_usage_record(request, ptr), what)  # copies it
    finally:
        _lib.free_handle("usage_record", fn.mpm_usage_record_free, ptr)
