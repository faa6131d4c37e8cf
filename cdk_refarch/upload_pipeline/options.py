"""Typed options and constants for ``UploadPipeline``; each dataclass checks itself."""

from __future__ import annotations

from dataclasses import astuple, dataclass, fields

from aws_cdk import aws_sns as sns

from cdk_refarch.core.alarms import check_email
from cdk_refarch.core.errors import require
from cdk_refarch.core.validation import check_env_var_names, check_int

#: The EventBridge detail type S3 sends for a new object (PutObject, POST, CopyObject,
#: CompleteMultipartUpload); the runtime contract's ``S3_OBJECT_CREATED``, written out
#: here because the library never imports ``runtime/``.
OBJECT_CREATED = "Object Created"

#: The records table's partition key and Powertools' idempotency key and expiry
#: attribute: the runtime contract's ``RECORDS_PARTITION_KEY``, ``IDEMPOTENCY_KEY`` and
#: ``IDEMPOTENCY_EXPIRY`` (Powertools' DynamoDB persistence layer defaults).
RECORDS_PARTITION_KEY = "object_id"
IDEMPOTENCY_KEY = "id"
IDEMPOTENCY_EXPIRY = "expiration"

#: Powertools' log levels (``LOG_LEVEL``).
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")

#: Variables Lambda sets itself and refuses in a function's environment.
LAMBDA_RESERVED_VARIABLES = frozenset(
    {
        "_HANDLER",
        "_X_AMZN_TRACE_ID",
        "AWS_ACCESS_KEY",
        "AWS_ACCESS_KEY_ID",
        "AWS_DEFAULT_REGION",
        "AWS_EXECUTION_ENV",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
        "AWS_LAMBDA_FUNCTION_NAME",
        "AWS_LAMBDA_FUNCTION_VERSION",
        "AWS_LAMBDA_INITIALIZATION_TYPE",
        "AWS_LAMBDA_LOG_GROUP_NAME",
        "AWS_LAMBDA_LOG_STREAM_NAME",
        "AWS_LAMBDA_RUNTIME_API",
        "AWS_REGION",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "LAMBDA_RUNTIME_DIR",
        "LAMBDA_TASK_ROOT",
    }
)


@dataclass(frozen=True)
class HandlerVariables:
    """The names of the environment variables the handler reads; the defaults are the
    runtime contract's (``runtime/uploads/contract.py``), so change one only together
    with the handler. The Powertools names are the ones Powertools itself reads."""

    records_table: str = "RECORDS_TABLE_NAME"
    idempotency_table: str = "IDEMPOTENCY_TABLE_NAME"
    event_topic_arn: str = "EVENT_TOPIC_ARN"
    idempotency_ttl_seconds: str = "IDEMPOTENCY_TTL_SECONDS"
    service_name: str = "POWERTOOLS_SERVICE_NAME"
    metrics_namespace: str = "POWERTOOLS_METRICS_NAMESPACE"
    log_level: str = "LOG_LEVEL"

    def __post_init__(self) -> None:
        for field in fields(self):
            name = getattr(self, field.name)
            check_env_var_names(f"variables.{field.name}", [name])
            require(
                name not in LAMBDA_RESERVED_VARIABLES,
                f"variables.{field.name} ({name!r}) is a variable Lambda sets itself and refuses in a "
                "function's environment",
            )
        names = astuple(self)
        repeated = sorted({name for name in names if names.count(name) > 1})
        require(not repeated, f"variables name {', '.join(repeated)} more than once: each setting needs its own")


@dataclass(frozen=True)
class UploadAlarmOptions:
    """The pipeline's alarm thresholds and where they notify.

    :param oldest_message_age_seconds: alarm when the oldest event in the buffer queue
        is older than this: the consumer has stopped or cannot keep up.
    :param function_errors: alarm when the function fails more invocations than this in
        5 minutes (a failed record reported through batch item failures is not an error).
    :param topic: an SNS topic to notify; ``None`` creates an encrypted one.
    :param email: subscribe this address to the topic created here.
    """

    oldest_message_age_seconds: int = 900
    function_errors: int = 0
    topic: sns.ITopic | None = None
    email: str | None = None

    def __post_init__(self) -> None:
        # SQS keeps a message at most 14 days: an older message cannot exist.
        check_int(
            "oldest_message_age_seconds", self.oldest_message_age_seconds, minimum=60, maximum=1_209_600, unit="s"
        )
        check_int("function_errors", self.function_errors, minimum=0)
        check_email("email", self.email)
        require(
            self.topic is None or self.email is None,
            "email is only used with the topic created here; subscribe it to your own topic instead",
        )
