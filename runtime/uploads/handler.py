"""Upload pipeline: S3 -> EventBridge ("Object Created") -> SQS buffer queue (with a DLQ) -> this Lambda.

Per S3 object: read its metadata, write its record to DynamoDB (once per event, never
over a newer one), publish one event to SNS. Behaviour, shapes, configuration and IAM
are described in README.md next to this file; every name the infrastructure must agree
on comes from ``contract.py``. The message parsing is in ``messages.py``, the configuration
in ``settings.py``: top-level modules of the same Lambda asset, like the contract.
"""

from __future__ import annotations

import json
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
    UploadRecord,
)
from messages import InvalidMessageError, ObjectCreated, parse_object_created, sequencer_key
from settings import ConfigurationError, load_settings

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
    from aws_lambda_powertools.utilities.idempotency.persistence.datarecord import DataRecord
    from aws_lambda_powertools.utilities.typing import LambdaContext

__all__ = ["ConfigurationError", "InvalidMessageError", "ObjectCreated", "handler", "parse_object_created"]

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
