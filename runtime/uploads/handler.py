"""Upload pipeline: S3 -> EventBridge ("Object Created") -> SQS buffer queue (with a DLQ) -> this Lambda.

Per S3 object: read its metadata, write its record to DynamoDB (once per event, never
over a newer one), publish one event to SNS. Behaviour, shapes, configuration and IAM
are described in README.md next to this file; every name the infrastructure must agree
on comes from ``contract.py``.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Final

import boto3
from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.idempotency.exceptions import IdempotencyAlreadyInProgressError
from boto3.dynamodb.types import TypeDeserializer
from botocore.exceptions import ClientError
from contract import (
    CONTENT_TYPE_ATTRIBUTE,
    DEFAULT_IDEMPOTENCY_TTL_SECONDS,
    ENV_EVENT_TOPIC_ARN,
    ENV_IDEMPOTENCY_TABLE,
    ENV_IDEMPOTENCY_TTL_SECONDS,
    ENV_METRICS_NAMESPACE,
    ENV_RECORDS_TABLE,
    EVENT_TYPE,
    EVENT_TYPE_ATTRIBUTE,
    IDEMPOTENCY_EXPIRY,
    IDEMPOTENCY_KEY,
    METRIC_DUPLICATE_EVENTS,
    METRIC_FAILED_MESSAGES,
    METRIC_INVALID_MESSAGES,
    METRIC_OBJECTS_MISSING,
    METRIC_OBJECTS_PROCESSED,
    METRIC_STALE_EVENTS,
    RECORDS_PARTITION_KEY,
    S3_EVENT_SOURCE,
    S3_OBJECT_CREATED,
    UploadRecord,
)

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
    from aws_lambda_powertools.utilities.idempotency.persistence.datarecord import DataRecord
    from aws_lambda_powertools.utilities.typing import LambdaContext

__all__ = ["ConfigurationError", "InvalidMessageError", "ObjectCreated", "handler", "parse_object_created"]

# ------------------------------------------------------------------ incoming messages

#: The width every sequencer is padded to for comparison; longer ones are refused as invalid.
SEQUENCER_WIDTH: Final = 64
_SEQUENCER: Final = re.compile(f"[0-9A-Fa-f]{{1,{SEQUENCER_WIDTH}}}")


class InvalidMessageError(ValueError):
    """The message is not an S3 "Object Created" event from EventBridge: a poison message."""


@dataclass(frozen=True)
class ObjectCreated:
    """The parts of S3's EventBridge event the handler uses."""

    event_id: str
    event_time: str
    bucket: str
    # As stored in S3: unlike S3's own notifications (to SQS, SNS, Lambda), S3's
    # EventBridge events do not URL-encode the key, so it is used as it is.
    key: str
    version_id: str | None
    etag: str | None
    sequencer: str
    reason: str | None

    @property
    def object_id(self) -> str:
        return f"s3://{self.bucket}/{self.key}"


def _lookup(event: dict[str, Any], path: str) -> Any:
    value: Any = event
    for name in path.split("."):
        value = value.get(name) if isinstance(value, dict) else None
    return value


def _required(event: dict[str, Any], path: str) -> str:
    value = _lookup(event, path)
    if not isinstance(value, str) or not value:
        raise InvalidMessageError(f"{path} must be a non-empty string, not {json.dumps(value)[:80]}")
    return value


def _optional(event: dict[str, Any], path: str) -> str | None:
    return None if _lookup(event, path) is None else _required(event, path)


def parse_object_created(body: str) -> ObjectCreated:
    """The EventBridge event in an SQS message's body; ``InvalidMessageError`` for anything else."""
    try:
        event = json.loads(body)
    except (ValueError, RecursionError) as error:
        raise InvalidMessageError(f"the message body is not JSON ({error})") from None
    if not isinstance(event, dict):
        raise InvalidMessageError("the message body is not a JSON object")
    kind = (event.get("source"), event.get("detail-type"))
    if kind != (S3_EVENT_SOURCE, S3_OBJECT_CREATED):
        raise InvalidMessageError(f"source and detail-type are {kind}, not {(S3_EVENT_SOURCE, S3_OBJECT_CREATED)}")
    event_time = _required(event, "time")
    try:
        datetime.fromisoformat(event_time)
    except ValueError:
        raise InvalidMessageError(f"time is not an ISO 8601 timestamp: {event_time[:40]!r}") from None
    sequencer = _required(event, "detail.object.sequencer")
    if not _SEQUENCER.fullmatch(sequencer):
        raise InvalidMessageError(f"detail.object.sequencer is not 1-{SEQUENCER_WIDTH} hex digits: {sequencer[:80]!r}")
    etag = _optional(event, "detail.object.etag")
    return ObjectCreated(
        event_id=_required(event, "id"),
        event_time=event_time,
        bucket=_required(event, "detail.bucket.name"),
        key=_required(event, "detail.object.key"),
        version_id=_optional(event, "detail.object.version-id"),
        etag=etag.strip('"') if etag else None,
        sequencer=sequencer,
        reason=_optional(event, "detail.reason"),
    )


# ------------------------------------------------------------------- configuration


class ConfigurationError(RuntimeError):
    """The environment lacks a required variable or holds a malformed one."""


@dataclass(frozen=True)
class Settings:
    records_table: str
    idempotency_table: str
    event_topic_arn: str
    idempotency_ttl_seconds: int


# A standard topic only: a FIFO topic (name ending in .fifo) would refuse every publish
# without a MessageGroupId, so it is refused here, at cold start, instead.
_STANDARD_TOPIC_ARN: Final = re.compile(r"arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}")


def load_settings() -> Settings:
    """The function's settings, read from the environment at cold start.

    Raising here fails the import, so Lambda reports an init error naming the variable
    on the first invocation, instead of every message failing later for the same reason.
    """
    required = {
        ENV_RECORDS_TABLE: os.environ.get(ENV_RECORDS_TABLE, "").strip(),
        ENV_IDEMPOTENCY_TABLE: os.environ.get(ENV_IDEMPOTENCY_TABLE, "").strip(),
        ENV_EVENT_TOPIC_ARN: os.environ.get(ENV_EVENT_TOPIC_ARN, "").strip(),
        # Read by Powertools Metrics, which would fail only when flushing, after the work is done.
        ENV_METRICS_NAMESPACE: os.environ.get(ENV_METRICS_NAMESPACE, "").strip(),
    }
    missing = [name for name, value in required.items() if not value]
    if missing:
        raise ConfigurationError(f"the upload handler needs the environment variable(s) {', '.join(missing)}: not set")
    topic_arn = required[ENV_EVENT_TOPIC_ARN]
    if not _STANDARD_TOPIC_ARN.fullmatch(topic_arn):
        raise ConfigurationError(f"{ENV_EVENT_TOPIC_ARN} ({topic_arn!r}) must be the ARN of a standard SNS topic")
    raw_ttl = os.environ.get(ENV_IDEMPOTENCY_TTL_SECONDS, "").strip()
    if raw_ttl and not (raw_ttl.isascii() and raw_ttl.isdigit() and int(raw_ttl) >= 1):
        raise ConfigurationError(f"{ENV_IDEMPOTENCY_TTL_SECONDS} ({raw_ttl!r}) must be a whole number of seconds >= 1")
    return Settings(
        records_table=required[ENV_RECORDS_TABLE],
        idempotency_table=required[ENV_IDEMPOTENCY_TABLE],
        event_topic_arn=topic_arn,
        idempotency_ttl_seconds=int(raw_ttl) if raw_ttl else DEFAULT_IDEMPOTENCY_TTL_SECONDS,
    )


SETTINGS: Final = load_settings()

# Service name, metrics namespace and log level come from the environment (Powertools reads them).
logger = Logger()
tracer = Tracer()
metrics = Metrics()

# Built once per execution environment, so warm invocations reuse their connections.
s3 = boto3.client("s3")
sns = boto3.client("sns")
records_table = boto3.resource("dynamodb").Table(SETTINGS.records_table)

# ---------------------------------------------------------------------- idempotency


def _count_duplicate(response: Any, idempotent_data: DataRecord) -> Any:
    """Powertools calls this when it returns a stored result instead of processing again."""
    metrics.add_metric(name=METRIC_DUPLICATE_EVENTS, unit=MetricUnit.Count, value=1)
    logger.info("duplicate event: already handled", extra={"outcome": response})
    return response


idempotency_config: Final = IdempotencyConfig(
    # The EventBridge event id: S3 and EventBridge may deliver one event more than once.
    event_key_jmespath="event_id",
    raise_on_no_idempotency_key=True,
    expires_after_seconds=SETTINGS.idempotency_ttl_seconds,
    response_hook=_count_duplicate,
)
persistence_layer: Final = DynamoDBPersistenceLayer(
    table_name=SETTINGS.idempotency_table, key_attr=IDEMPOTENCY_KEY, expiry_attr=IDEMPOTENCY_EXPIRY
)

# --------------------------------------------------------------------- S3 and records


class Outcome(StrEnum):
    PROCESSED = "processed"
    MISSING = "missing"
    STALE = "stale"


#: What S3 answers HeadObject when the object or version is gone (a HEAD error has no body,
#: so the code is the status), or when If-Match no longer matches: overwritten.
_GONE_CODES: Final = frozenset({"404", "NoSuchKey", "NoSuchVersion", "412", "PreconditionFailed"})
#: S3's default when an upload sets no Content-Type; SNS refuses an empty attribute value.
_DEFAULT_CONTENT_TYPE: Final = "binary/octet-stream"
_SEQUENCER_KEY: Final = "sequencer_key"


def sequencer_key(sequencer: str) -> str:
    """``sequencer`` in an order-preserving string form: S3 says to compare sequencers of one
    key by left-padding the shorter with zeros and comparing the strings; padding all of them
    to one width lets DynamoDB's string comparison do it. Upper case: they are hexadecimal."""
    return sequencer.upper().rjust(SEQUENCER_WIDTH, "0")


def _error_code(error: ClientError) -> str:
    code: str = error.response.get("Error", {}).get("Code", "")
    return code


def _deserialize(value: Any) -> Any:
    return None if value is None else TypeDeserializer().deserialize(value)


def _utc_iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@tracer.capture_method(capture_response=False)
def read_object(event: ObjectCreated) -> UploadRecord | None:
    """The object's record, read from S3; ``None`` when the version the event announces is gone."""
    request: dict[str, Any] = {"Bucket": event.bucket, "Key": event.key}
    if event.version_id is not None:
        request["VersionId"] = event.version_id
    if event.etag is not None:
        # In an unversioned bucket a later upload replaces the object: its metadata must
        # not be recorded under this (older) event's sequencer.
        request["IfMatch"] = f'"{event.etag}"'
    try:
        head = s3.head_object(**request)
    except ClientError as error:
        code = _error_code(error)
        if code not in _GONE_CODES:
            raise  # AccessDenied, throttling, ...: a failure, SQS delivers the message again
        gone = "overwritten" if code in {"412", "PreconditionFailed"} else "deleted"
        logger.info("object gone before processing", extra={"gone": gone, "error_code": code})
        return None
    return UploadRecord(
        object_id=event.object_id,
        bucket=event.bucket,
        key=event.key,
        version_id=event.version_id,
        size=head["ContentLength"],
        etag=head["ETag"].strip('"'),
        content_type=head.get("ContentType") or _DEFAULT_CONTENT_TYPE,
        metadata=dict(head.get("Metadata", {})),
        last_modified=_utc_iso(head["LastModified"]),
        event_id=event.event_id,
        event_time=event.event_time,
        reason=event.reason,
        sequencer=event.sequencer,
        processed_at=_utc_iso(datetime.now(UTC)),
    )


@tracer.capture_method(capture_response=False)
def write_record(record: UploadRecord) -> bool:
    """Writes ``record`` unless the table holds a newer one for the object; ``False`` if it does.

    The same event may write again (its retry after a failed publish); another event with
    the same sequencer may not.
    """
    order = sequencer_key(record["sequencer"])
    try:
        records_table.put_item(
            Item={**record, _SEQUENCER_KEY: order},
            ConditionExpression="attribute_not_exists(#pk) OR #seq < :seq OR (#seq = :seq AND #event = :event)",
            ExpressionAttributeNames={"#pk": RECORDS_PARTITION_KEY, "#seq": _SEQUENCER_KEY, "#event": "event_id"},
            ExpressionAttributeValues={":seq": order, ":event": record["event_id"]},
            # The refusing item comes back with the error: no second read to log what won.
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )
    except ClientError as error:
        if _error_code(error) != "ConditionalCheckFailedException":
            raise
        stored = error.response.get("Item", {}).get("sequencer")
        logger.info("stale event: a newer record is stored", extra={"stored_sequencer": _deserialize(stored)})
        return False
    return True


@tracer.capture_method(capture_response=False)
def publish(record: UploadRecord) -> None:
    sns.publish(
        TopicArn=SETTINGS.event_topic_arn,
        Message=json.dumps(record, sort_keys=True),
        MessageAttributes={
            EVENT_TYPE_ATTRIBUTE: {"DataType": "String", "StringValue": EVENT_TYPE},
            CONTENT_TYPE_ATTRIBUTE: {"DataType": "String", "StringValue": record["content_type"]},
        },
    )


@idempotent_function(data_keyword_argument="event", persistence_store=persistence_layer, config=idempotency_config)
def process_object_created(event: ObjectCreated) -> dict[str, str]:
    """Record and announce one object, once per event id: a second call with the same id
    returns the first call's result. An exception deletes the in-progress mark, so that the
    message's next delivery runs it again."""
    record = read_object(event)
    if record is None:
        metrics.add_metric(name=METRIC_OBJECTS_MISSING, unit=MetricUnit.Count, value=1)
        return {"outcome": Outcome.MISSING}
    if not write_record(record):
        metrics.add_metric(name=METRIC_STALE_EVENTS, unit=MetricUnit.Count, value=1)
        return {"outcome": Outcome.STALE}
    publish(record)
    metrics.add_metric(name=METRIC_OBJECTS_PROCESSED, unit=MetricUnit.Count, value=1)
    logger.info("object processed", extra={"size": record["size"], "content_type": record["content_type"]})
    return {"outcome": Outcome.PROCESSED}


# ----------------------------------------------------------------------- entry point


def record_handler(record: SQSRecord) -> None:
    """One SQS message. Raising reports it in ``batchItemFailures``: SQS delivers it again,
    and after the queue's maxReceiveCount moves it to the dead-letter queue."""
    with logger.append_context_keys(message_id=record.message_id):
        try:
            event = parse_object_created(record.body)
        except InvalidMessageError as error:
            metrics.add_metric(name=METRIC_INVALID_MESSAGES, unit=MetricUnit.Count, value=1)
            metrics.add_metric(name=METRIC_FAILED_MESSAGES, unit=MetricUnit.Count, value=1)
            logger.error("invalid message: not an S3 Object Created event", extra={"problem": str(error)})
            raise
        logger.set_correlation_id(event.event_id)
        try:
            with logger.append_context_keys(object_id=event.object_id, sequencer=event.sequencer):
                process_object_created(event=event)
        except IdempotencyAlreadyInProgressError:
            # Another invocation holds the same event (a duplicate delivered in parallel).
            metrics.add_metric(name=METRIC_FAILED_MESSAGES, unit=MetricUnit.Count, value=1)
            logger.warning("event in progress elsewhere: the message will be delivered again")
            raise
        except Exception:
            metrics.add_metric(name=METRIC_FAILED_MESSAGES, unit=MetricUnit.Count, value=1)
            logger.exception("processing failed: the message will be delivered again")
            raise
        finally:
            logger.set_correlation_id(None)


# Every outcome is a partial batch response, also when every record fails: an all-failed
# batch then looks like any other to the event source mapping (no function error).
processor: Final = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics(capture_cold_start_metric=True)
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    # In-progress marks then expire with the invocation's timeout, so a crashed or timed-out
    # invocation does not block the messages' next delivery.
    idempotency_config.register_lambda_context(context)
    return process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)
