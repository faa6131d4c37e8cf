"""UploadPipeline's input checks, in one function called before anything is built."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns

from cdk_refarch.core.errors import require
from cdk_refarch.core.functions import MEMORY_RANGE, TIMEOUT_RANGE, check_handler_code
from cdk_refarch.core.retention import log_retention
from cdk_refarch.core.validation import check_bool, check_int
from cdk_refarch.upload_pipeline.bucket import object_created_pattern
from cdk_refarch.upload_pipeline.options import LOG_LEVELS, RECORDS_PARTITION_KEY

#: Lambda's longest batching window, in seconds.
MAX_BATCHING_WINDOW_SECONDS = 300
#: The visibility timeout is at least this many times the function's timeout: AWS's
#: advice for Lambda on SQS, so that a throttled or retried batch is not handed out twice.
VISIBILITY_TIMEOUT_FACTOR = 6
#: SQS's longest visibility timeout (12 hours).
MAX_VISIBILITY_TIMEOUT_SECONDS = 43_200
#: EventBridge's default quota for an event pattern's size, in characters.
MAX_EVENT_PATTERN = 2048
#: DynamoDB's longest attribute name, in bytes.
MAX_ATTRIBUTE_NAME = 255
#: An S3 object key is at most 1024 bytes.
MAX_KEY_LENGTH = 1024

# S3's "safe characters" for key names (S3 user guide, "Naming objects"), less "*",
# which EventBridge's wildcard match would read as a wildcard; a prefix may not start
# with "/" nor hold "//" (an empty path segment is almost always a mistake).
_PREFIX = re.compile(r"^(?!/)(?!.*//)[A-Za-z0-9!_.'()/-]*$")
_SUFFIX = re.compile(r"^[A-Za-z0-9!_.'()/-]+$")
_SERVICE_NAME = re.compile(r"^[\x21-\x7e](?:[\x20-\x7e]{0,253}[\x21-\x7e])?$")


def visibility_timeout(timeout_seconds: int, given: int | None) -> int:
    """The buffer queue's visibility timeout: ``given``, or 6x the function's timeout."""
    return given if given is not None else VISIBILITY_TIMEOUT_FACTOR * timeout_seconds


def check_upload_pipeline(
    *,
    code_path: str,
    handler: str,
    event_topic: sns.ITopic,
    event_topic_key: kms.IKey | None,
    prefix: str,
    suffixes: Sequence[str],
    noncurrent_version_expiration_days: int,
    memory_size: int,
    timeout_seconds: int,
    reserved_concurrency: int | None,
    batch_size: int,
    max_batching_window_seconds: int,
    maximum_concurrency: int | None,
    visibility_timeout_seconds: int | None,
    max_receive_count: int,
    rule_retry_attempts: int,
    rule_max_event_age_seconds: int,
    existing_records_table: dynamodb.ITableV2 | None,
    records_partition_key: str,
    idempotency_key: str,
    idempotency_expiry_attribute: str,
    idempotency_ttl_seconds: int,
    deletion_protection: bool,
    service_name: str,
    log_level: str,
    log_retention_days: int,
) -> None:
    """Every rule on UploadPipeline's plain properties and between them."""
    log_retention("log_retention_days", log_retention_days)
    check_handler_code(code_path, handler)
    check_key_filter(prefix, suffixes)
    check_int("noncurrent_version_expiration_days", noncurrent_version_expiration_days, minimum=1, unit="days")
    check_int("memory_size", memory_size, minimum=MEMORY_RANGE[0], maximum=MEMORY_RANGE[1], unit="MB")
    check_int("timeout_seconds", timeout_seconds, minimum=TIMEOUT_RANGE[0], maximum=TIMEOUT_RANGE[1], unit="s")
    _check_polling(batch_size, max_batching_window_seconds, maximum_concurrency, reserved_concurrency)
    _check_retries(
        timeout_seconds, visibility_timeout_seconds, max_receive_count, idempotency_ttl_seconds, rule_retry_attempts
    )
    check_int("rule_max_event_age_seconds", rule_max_event_age_seconds, minimum=60, maximum=86_400, unit="s")
    check_bool("deletion_protection", deletion_protection)
    _check_attributes(records_partition_key, idempotency_key, idempotency_expiry_attribute)
    require(
        existing_records_table is None or records_partition_key == RECORDS_PARTITION_KEY,
        "records_partition_key is only used for a records table created here; existing_records_table "
        "brings its own key",
    )
    require(
        event_topic_key is None or event_topic.master_key is None or event_topic_key is event_topic.master_key,
        "event_topic_key is for a topic whose key CDK does not know (an imported topic); this topic has "
        "its own master_key, which is granted",
    )
    require(
        isinstance(service_name, str)
        and bool(_SERVICE_NAME.fullmatch(service_name))
        and not service_name.startswith("AWS/"),
        f"service_name ({service_name!r}) must be 1 to 255 printable ASCII characters, not starting or ending "
        "with a space nor with 'AWS/' (it is also the CloudWatch metrics namespace)",
    )
    require(log_level in LOG_LEVELS, f"log_level ({log_level!r}) must be one of {', '.join(LOG_LEVELS)}")


def check_key_filter(prefix: str, suffixes: Sequence[str]) -> None:
    """A sane key prefix and suffixes, and an event pattern EventBridge takes."""
    require(
        isinstance(prefix, str) and bool(_PREFIX.fullmatch(prefix)),
        f"prefix ({prefix!r}) must be empty or a key prefix of S3's safe characters (letters, digits and "
        "! - _ . ' ( ) /), not starting with '/' nor holding '//', e.g. 'uploads/'",
    )
    require(
        isinstance(suffixes, Sequence) and not isinstance(suffixes, str),
        f"suffixes ({suffixes!r}) must be a sequence of strings such as ('.jpg', '.png'), not one string",
    )
    for suffix in suffixes:
        require(
            isinstance(suffix, str) and bool(_SUFFIX.fullmatch(suffix)),
            f"suffixes entry ({suffix!r}) must be one or more of S3's safe characters (letters, digits and "
            "! - _ . ' ( ) /), e.g. '.jpg'",
        )
        require(
            len(prefix) + len(suffix) <= MAX_KEY_LENGTH,
            f"prefix and suffix {suffix!r} are {len(prefix) + len(suffix)} characters together: an S3 key "
            f"is at most {MAX_KEY_LENGTH}",
        )
    repeated = sorted({suffix for suffix in suffixes if list(suffixes).count(suffix) > 1})
    require(not repeated, f"suffixes repeat {', '.join(repeated)}")
    # Measured with the longest bucket name S3 allows (63 characters).
    pattern = json.dumps(object_created_pattern("b" * 63, prefix, tuple(suffixes)), separators=(",", ":"))
    require(
        len(pattern) <= MAX_EVENT_PATTERN,
        f"prefix and suffixes make an event pattern of up to {len(pattern)} characters: EventBridge takes "
        f"{MAX_EVENT_PATTERN} by default; use fewer or shorter suffixes",
    )


def _check_attributes(records_partition_key: str, idempotency_key: str, idempotency_expiry_attribute: str) -> None:
    for prop, name in (
        ("records_partition_key", records_partition_key),
        ("idempotency_key", idempotency_key),
        ("idempotency_expiry_attribute", idempotency_expiry_attribute),
    ):
        require(
            isinstance(name, str) and 0 < len(name.encode()) <= MAX_ATTRIBUTE_NAME,
            f"{prop} ({name!r}) must be a DynamoDB attribute name of 1 to {MAX_ATTRIBUTE_NAME} bytes",
        )
    require(
        idempotency_expiry_attribute != idempotency_key,
        f"idempotency_expiry_attribute ({idempotency_expiry_attribute!r}) must differ from idempotency_key "
        f"({idempotency_key!r}): DynamoDB's TTL cannot be on a key attribute",
    )


def _check_polling(
    batch_size: int, window_seconds: int, maximum_concurrency: int | None, reserved_concurrency: int | None
) -> None:
    check_int("max_batching_window_seconds", window_seconds, minimum=0, maximum=MAX_BATCHING_WINDOW_SECONDS, unit="s")
    check_int("batch_size", batch_size, minimum=1, maximum=10_000)
    require(
        batch_size <= 10 or window_seconds >= 1,
        f"batch_size ({batch_size}) above 10 needs max_batching_window_seconds of at least 1 (given "
        f"{window_seconds}): Lambda takes batches above 10 messages only with a batching window",
    )
    if reserved_concurrency is not None:
        check_int(
            "reserved_concurrency (0 would stop the function; None leaves it unreserved)",
            reserved_concurrency,
            minimum=1,
        )
    if maximum_concurrency is not None:
        check_int("maximum_concurrency", maximum_concurrency, minimum=2, maximum=1000)
        require(
            reserved_concurrency is None or maximum_concurrency <= reserved_concurrency,
            f"maximum_concurrency ({maximum_concurrency}) must not exceed reserved_concurrency "
            f"({reserved_concurrency}): the invocations above it would be throttled, and each throttled "
            "batch counts as a receive toward the dead-letter queue",
        )


def _check_retries(
    timeout_seconds: int,
    visibility_timeout_seconds: int | None,
    max_receive_count: int,
    idempotency_ttl_seconds: int,
    rule_retry_attempts: int,
) -> None:
    least = VISIBILITY_TIMEOUT_FACTOR * timeout_seconds
    if visibility_timeout_seconds is not None:
        check_int(
            "visibility_timeout_seconds",
            visibility_timeout_seconds,
            maximum=MAX_VISIBILITY_TIMEOUT_SECONDS,
            unit="s",
        )
        require(
            visibility_timeout_seconds >= least,
            f"visibility_timeout_seconds ({visibility_timeout_seconds}) must be at least "
            f"{VISIBILITY_TIMEOUT_FACTOR} times timeout_seconds ({timeout_seconds}), i.e. {least}: otherwise a "
            "batch still being processed becomes visible again and is handed out twice",
        )
    check_int("max_receive_count", max_receive_count, minimum=1, maximum=1000)
    visibility = visibility_timeout(timeout_seconds, visibility_timeout_seconds)
    redelivery = visibility * max_receive_count
    check_int("idempotency_ttl_seconds", idempotency_ttl_seconds, minimum=1, unit="s")
    require(
        idempotency_ttl_seconds >= redelivery,
        f"idempotency_ttl_seconds ({idempotency_ttl_seconds}) must be at least the visibility timeout times "
        f"max_receive_count ({visibility} x {max_receive_count} = {redelivery}): a batch can be delivered "
        "again that long after its first records were processed, and must find them recorded",
    )
    check_int("rule_retry_attempts", rule_retry_attempts, minimum=0, maximum=185)
