"""`Credentials` and `Client`: the handles a program keeps, and the four operations.

Each operation builds its C request from Python values, starts the call and frees the request
at once (the library copies it); the returned `Response` owns the response handle.
"""

import os
import weakref

from . import _lib, _observe
from ._enums import Operation, Platform, Region, Result, RetryMode
from ._lib import fn, text
from .errors import InvalidRequestError, from_last_error
from .model import (
    MAX_BATCH_RECORDS,
    UsageAllocation,
    UsageRecord,
    c_string,
    quantity_arg,
    unix_seconds,
)
from .response import Response


def _check(code, what):
    if code != Result.OK:
        raise from_last_error(*_lib.last_error(), what=what)


def _made(kind, ptr, what):
    if not ptr:
        raise from_last_error(*_lib.last_error(), what=what)
    return _lib.new_handle(kind, ptr)


class _Handle:
    """An owned C handle of one kind, freed by close(), `with`, or garbage collection."""

    _kind = None
    _free_fn = None

    def _own(self, ptr):
        self._ptr = ptr
        self._finalizer = weakref.finalize(self, _lib.free_handle, self._kind, type(self)._free_fn, ptr)

    def close(self):
        """Frees the handle. Idempotent."""
        self._finalizer()
        self._ptr = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _handle(self):
        if self._ptr is None:
            raise ValueError(f"the {self._kind} is closed")
        return self._ptr


class Credentials(_Handle):
    """Credentials a client signs with. A client keeps its own reference, so these may be
    closed as soon as the client is made."""

    _kind = "credentials"
    _free_fn = fn.mpm_credentials_free

    def __init__(self, _ptr):
        self._own(_ptr)

    @classmethod
    def basic(cls, access_key_id, secret_access_key, session_token=None):
        """Static keys (and a session token for temporary credentials)."""
        ptr = fn.mpm_credentials_new_basic(
            c_string(access_key_id, "access_key_id"),
            c_string(secret_access_key, "secret_access_key"),
            c_string(session_token, "session_token", optional=True),
        )
        return cls(_made(cls._kind, ptr, "Credentials.basic"))

    @classmethod
    def anonymous(cls):
        """No credentials: requests are sent unsigned."""
        return cls(_made(cls._kind, fn.mpm_credentials_new_anonymous(), "Credentials.anonymous"))

    @classmethod
    def default_chain(cls):
        """The AWS SDKs' default provider chain (what a client uses without credentials):
        environment, shared files, web identity, container, IMDS; resolved at the first call."""
        return cls(_made(cls._kind, fn.mpm_credentials_new_default_chain(), "Credentials.default_chain"))

    @classmethod
    def profile(cls, name=None):
        """A profile of the shared config/credentials files (None: AWS_PROFILE, else default)."""
        ptr = fn.mpm_credentials_new_profile(c_string(name, "name", optional=True))
        return cls(_made(cls._kind, ptr, "Credentials.profile"))

    @classmethod
    def for_platform(cls, platform):
        """Strict platform mode: only the source AWS supports for metering on `platform`
        (a Platform: EC2 instance role, ECS task role, EKS IRSA web identity)."""
        ptr = fn.mpm_credentials_new_for_platform(int(Platform(platform)))
        return cls(_made(cls._kind, ptr, "Credentials.for_platform"))

    @property
    def provider_name(self):
        """The provider that supplied the credentials in use ("environment", "static", ...),
        "" before the first resolution. Never a key."""
        return _lib.copy_out(fn.mpm_credentials_provider_name, self._handle())

    @classmethod
    def from_env(cls):
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

    def __repr__(self):  # never shows a secret
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

    def __init__(self, region=None, endpoint=None, credentials=None, *, max_attempts=None,
                 connect_timeout=None, attempt_timeout=None, operation_timeout=None,
                 retry_mode=None, app_id=None, from_environment=True):
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

    def _buffer(self, getter):
        return _lib.copy_out(getter, self._handle())

    @property
    def endpoint(self):
        """The URL calls go to (the explicit endpoint, or the region's)."""
        return self._buffer(fn.mpm_client_endpoint)

    @property
    def region(self):
        """The signing region's name."""
        return self._buffer(fn.mpm_client_region_name)

    @property
    def credentials_source(self):
        """Where credentials come from ("static", "default-chain/environment", ...); no key."""
        return self._buffer(fn.mpm_client_credentials_source)

    @property
    def api_version(self):
        return text(fn.mpm_client_api_version(self._handle()))

    @property
    def service_name(self):
        return text(fn.mpm_client_service_name(self._handle()))

    @property
    def service_full_name(self):
        return text(fn.mpm_client_service_full_name(self._handle()))

    @property
    def endpoint_prefix(self):
        return text(fn.mpm_client_endpoint_prefix(self._handle()))

    def set_credentials(self, credentials):
        """Signs calls started from now on with `credentials`."""
        _check(fn.mpm_client_set_credentials(self._handle(), credentials._handle()), "credentials")

    # --- operations -------------------------------------------------------------------------

    def meter_usage(self, *, product_code, timestamp, usage_dimension, usage_quantity=None,
                    usage_allocations=(), dry_run=False, client_token=None):
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

    def batch_meter_usage(self, records, product_code=None):
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

    def resolve_customer(self, registration_token):
        """Starts a ResolveCustomer call and returns its Response."""
        with _Request("resolve_customer") as req:
            _check(fn.mpm_resolve_customer_request_set_registration_token(
                req.ptr, c_string(registration_token, "registration_token")), "registration_token")
            return self._start(fn.mpm_client_resolve_customer, req.ptr, Operation.RESOLVE_CUSTOMER)

    def register_usage(self, product_code, public_key_version, nonce=None):
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

    def _start(self, start, request, operation):
        ptr = start(self._handle(), request)
        return Response(_made("response", ptr, operation.name.lower()), operation)

    def __repr__(self):
        if self._ptr is None:
            return "<mpmeter.Client closed>"
        return f"<mpmeter.Client {self.region} {self.endpoint}>"


def _ms(seconds, what):
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise TypeError(f"{what} must be a number of seconds")
    ms = int(round(seconds * 1000))
    if not 1 <= ms <= 2**32 - 1:
        raise InvalidRequestError(f"{what} {seconds} s is out of range", code="MPM_ERR_INVALID_ARGUMENT")
    return ms


def _configure(config, max_attempts, connect_timeout, attempt_timeout, operation_timeout,
               retry_mode, app_id):
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


def _region_name(region):
    if region is None:
        return None
    if isinstance(region, Region):
        if region == Region.INVALID:
            raise InvalidRequestError("Region.INVALID names no region", code="MPM_ERR_INVALID_ARGUMENT")
        return region.name.lower().replace("_", "-")
    return region


class _Request:
    """A request handle of one operation, freed when the `with` block ends."""

    def __init__(self, operation):
        self.kind = operation + "_request"
        self._free = getattr(fn, f"mpm_{operation}_request_free")
        self.ptr = _made(self.kind, getattr(fn, f"mpm_{operation}_request_new")(), self.kind)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        _lib.free_handle(self.kind, self._free, self.ptr)


class _Setter:
    """Calls `<prefix><name>` setters on one C object with checked Python values."""

    def __init__(self, ptr, prefix):
        self.ptr, self.prefix = ptr, prefix

    def code(self, code, what):
        _check(code, what)

    def string(self, name, value, what, optional=False):
        encoded = c_string(value, what, optional=optional)
        if encoded is not None:
            _check(getattr(fn, self.prefix + name)(self.ptr, encoded), what)

    def quantity(self, name, value, what):
        form, arg = quantity_arg(value, what)
        if form == "int":
            _check(getattr(fn, self.prefix + name)(self.ptr, arg), what)
        else:
            _check(getattr(fn, self.prefix + name + "_as_decimal")(self.ptr, arg.encode()), what)


def _add_allocation(add, owner, allocation, what):
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


def _add_record(request, record, what):
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
