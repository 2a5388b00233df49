"""Enums of the C API, mirrored by hand from include/mpmeter.h.

A test (tests/test_header_enums.py) parses the header and fails on any difference, so a
value added to or changed in the C API cannot be missed here. Most are C enums (`C_ENUMS`);
the outbox's are groups of `#define MPM_OUTBOX_...` constants taken as uint32_t
(`C_DEFINES`).
"""

from enum import IntEnum
from typing import Dict, Tuple, Type

# The C enum each class mirrors and the prefix its members drop.
C_ENUMS: Dict[Type[IntEnum], Tuple[str, str]] = {}
# The prefix of the `#define` constants each class mirrors (every one with that prefix).
C_DEFINES: Dict[Type[IntEnum], str] = {}


class Result(IntEnum):
    """The result codes of the C API (`mpm_result`)."""

    OK = 0
    ERR_NULL_ARGUMENT = 1
    ERR_INVALID_UTF8 = 2
    ERR_INVALID_ARGUMENT = 3
    ERR_UNKNOWN_ENUM = 4
    ERR_INVALID_REQUEST = 5
    ERR_WRONG_OPERATION = 6
    ERR_NOT_FINISHED = 7
    ERR_INDEX_OUT_OF_RANGE = 8
    ERR_WAIT_TIMEOUT = 9
    ERR_WOULD_DEADLOCK = 10
    ERR_ALREADY_SET = 11
    ERR_RUNTIME = 12
    ERR_PANIC = 13
    ERR_ENDPOINT = 14
    ERR_NOT_SET = 15
    ERR_NO_OUTPUT = 16
    ERR_SERVICE = 100
    ERR_TRANSPORT = 101
    ERR_TIMEOUT = 102
    ERR_CANCELLED = 103
    ERR_CREDENTIALS = 104
    ERR_SIGNING = 105
    ERR_INVALID_RESPONSE = 106
    ERR_STORE = 107
    ERR_STORE_LOCKED = 108
    ERR_LATE_USAGE = 109
    ERR_OUTBOX_CLOSED = 110
    ERR_MACHINE_IDENTITY = 111


C_ENUMS[Result] = ("mpm_result", "MPM_")


class ServiceErrorKind(IntEnum):
    """Which modeled exception the service answered with (`mpm_service_error`)."""

    NONE = 0
    UNKNOWN = 1
    CUSTOMER_NOT_ENTITLED = 2
    DISABLED_API = 3
    DUPLICATE_REQUEST = 4
    EXPIRED_TOKEN = 5
    IDEMPOTENCY_CONFLICT = 6
    INTERNAL_SERVICE_ERROR = 7
    INVALID_CUSTOMER_IDENTIFIER = 8
    INVALID_ENDPOINT_REGION = 9
    INVALID_LICENSE = 10
    INVALID_PRODUCT_CODE = 11
    INVALID_PUBLIC_KEY_VERSION = 12
    INVALID_REGION = 13
    INVALID_TAG = 14
    INVALID_TOKEN = 15
    INVALID_USAGE_ALLOCATIONS = 16
    INVALID_USAGE_DIMENSION = 17
    PLATFORM_NOT_SUPPORTED = 18
    THROTTLING = 19
    TIMESTAMP_OUT_OF_BOUNDS = 20


C_ENUMS[ServiceErrorKind] = ("mpm_service_error", "MPM_SERVICE_ERROR_")


class Operation(IntEnum):
    """The operation a response belongs to (`mpm_operation`)."""

    NONE = 0
    METER_USAGE = 1
    BATCH_METER_USAGE = 2
    RESOLVE_CUSTOMER = 3
    REGISTER_USAGE = 4


C_ENUMS[Operation] = ("mpm_operation", "MPM_OPERATION_")


class RecordStatus(IntEnum):
    """The status of a BatchMeterUsage result entry (`mpm_record_status`)."""

    NONE = 0
    UNKNOWN = 1
    SUCCESS = 2
    CUSTOMER_NOT_SUBSCRIBED = 3
    DUPLICATE_RECORD = 4


C_ENUMS[RecordStatus] = ("mpm_record_status", "MPM_RECORD_STATUS_")


class Region(IntEnum):
    """AWS regions with a value in the C API (`mpm_region`); any region also works by name."""

    INVALID = 0
    AP_NORTHEAST_1 = 289
    AP_SOUTHEAST_1 = 353
    AP_SOUTHEAST_2 = 354
    EU_WEST_1 = 961
    SA_EAST_1 = 2625
    US_EAST_1 = 2881
    US_GOV_WEST_1 = 3265
    US_WEST_1 = 3009
    US_WEST_2 = 3010
    AF_SOUTH_1 = 3457
    AP_EAST_1 = 321
    AP_EAST_2 = 322
    AP_NORTHEAST_2 = 290
    AP_NORTHEAST_3 = 291
    AP_SOUTH_1 = 385
    AP_SOUTH_2 = 386
    AP_SOUTHEAST_3 = 355
    AP_SOUTHEAST_4 = 356
    AP_SOUTHEAST_5 = 357
    AP_SOUTHEAST_6 = 358
    AP_SOUTHEAST_7 = 359
    CA_CENTRAL_1 = 69121
    CA_WEST_1 = 3777
    EU_CENTRAL_1 = 66305
    EU_CENTRAL_2 = 66306
    EU_NORTH_1 = 769
    EU_SOUTH_1 = 897
    EU_SOUTH_2 = 898
    EU_WEST_2 = 962
    EU_WEST_3 = 963
    IL_CENTRAL_1 = 69633
    ME_CENTRAL_1 = 69889
    ME_SOUTH_1 = 4481
    MX_CENTRAL_1 = 70145
    US_EAST_2 = 2882
    CN_NORTH_1 = 3841
    CN_NORTHWEST_1 = 4065
    US_GOV_EAST_1 = 3137
    EUSC_DE_EAST_1 = 4929
    US_ISO_EAST_1 = 5185
    US_ISO_WEST_1 = 5313
    US_ISOB_EAST_1 = 5441
    US_ISOB_WEST_1 = 5569
    US_ISOF_EAST_1 = 5697
    US_ISOF_SOUTH_1 = 5761
    EU_ISOE_WEST_1 = 6081


C_ENUMS[Region] = ("mpm_region", "MPM_REGION_")


class Platform(IntEnum):
    """A platform of strict credential mode (`mpm_platform`)."""

    EC2 = 1
    ECS = 2
    EKS_IRSA = 3


C_ENUMS[Platform] = ("mpm_platform", "MPM_PLATFORM_")


class RetryMode(IntEnum):
    """Retry modes (`mpm_retry_mode`): only STANDARD is implemented; LEGACY and ADAPTIVE are
    refused (InvalidRequestError), never run as standard."""

    STANDARD = 1
    LEGACY = 2
    ADAPTIVE = 3


C_ENUMS[RetryMode] = ("mpm_retry_mode", "MPM_RETRY_MODE_")


class LogLevel(IntEnum):
    """The library's log levels (`mpm_log_level`), most severe first; see `mpmeter` logging."""

    OFF = 0
    ERROR = 1
    WARN = 2
    INFO = 3
    DEBUG = 4
    TRACE = 5


C_ENUMS[LogLevel] = ("mpm_log_level", "MPM_LOG_")


class OutboxMode(IntEnum):
    """How the outbox delivers (`MPM_OUTBOX_MODE_*`): SAAS by BatchMeterUsage, per customer;
    MACHINE by MeterUsage, from this EC2 instance / ECS task / EKS pod."""

    SAAS = 0
    MACHINE = 1


C_DEFINES[OutboxMode] = "MPM_OUTBOX_MODE_"


class LatePolicy(IntEnum):
    """What `Outbox.record` does with usage for a slot already sealed (`MPM_OUTBOX_LATE_*`):
    roll it into the current hour (same month; the default) or refuse it (LateUsageError)."""

    ROLL_INTO_CURRENT_HOUR = 0
    REFUSE = 1


C_DEFINES[LatePolicy] = "MPM_OUTBOX_LATE_"


class SlotState(IntEnum):
    """The state of an outbox slot (`MPM_OUTBOX_STATE_*`). Terminal: ACCEPTED, DUPLICATE
    (accepted; an earlier send whose answer was lost may be the one that counted), CONFLICT
    (AWS holds another quantity), REJECTED (see the slot's reason), EXPIRED (AWS's window
    closed before delivery)."""

    OPEN = 0
    SEALED = 1
    SENDING = 2
    ACCEPTED = 3
    DUPLICATE = 4
    CONFLICT = 5
    REJECTED = 6
    EXPIRED = 7

    @property
    def is_terminal(self) -> bool:
        return self >= SlotState.ACCEPTED


C_DEFINES[SlotState] = "MPM_OUTBOX_STATE_"
