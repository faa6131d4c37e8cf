"""Daily upload statistics: the upload pipeline's topic -> SQS queue (FanOut, SNS envelope, with
a DLQ) -> this Lambda -> DynamoDB.

Counts each ``upload.processed`` event once into its day's counters, per media type and in
total, even when it is delivered again: one ``TransactWriteItems`` puts a marker for the upload
(refused if it exists) and adds to both counters, so either all three writes happen or none.
Behaviour, item shapes, configuration and IAM are described in README.md next to this file;
every name the infrastructure must agree on comes from ``contract.py``.
"""

from __future__ import annotations

import itertools
import random
import time
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Final

import boto3
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import process_partial_response
from boto3.dynamodb.types import TypeSerializer
from botocore.exceptions import ClientError
from consumer import DYNAMODB_CONFIG, error_code, handle_record, logger, metrics, processor, tracer
from contract import (
    METRIC_DUPLICATE_EVENTS,
    METRIC_TRANSACTION_CONFLICTS,
    METRIC_UPLOADS_COUNTED,
    STATISTICS_ALL_CONTENT_TYPES,
    STATISTICS_BYTES,
    STATISTICS_CONTENT_TYPE_PREFIX,
    STATISTICS_DAY_PREFIX,
    STATISTICS_LAST_UPLOAD_AT,
    STATISTICS_MARKER_PREFIX,
    STATISTICS_MARKER_SORT_KEY,
    STATISTICS_PARTITION_KEY,
    STATISTICS_SORT_KEY,
    STATISTICS_UPLOADS,
    UPLOAD_PROCESSED_EVENT_TYPE,
    UploadMarker,
)
from messages import Notification, Upload, media_type, parse_upload_processed, utc_iso
from settings import ConfigurationError, load_statistics_settings

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
    from aws_lambda_powertools.utilities.typing import LambdaContext

__all__ = ["ConfigurationError", "count_upload", "handler", "record_upload", "transaction_items"]

SETTINGS: Final = load_statistics_settings()

#: Attempts of one transaction that a concurrent one on a counter item cancels
#: (``TransactionConflict``): uploads of one day all add to the same total item.
CONFLICT_ATTEMPTS: Final = 3
_CONFLICT_BACKOFF_SECONDS: Final = 0.05
_MARKER_EXISTS: Final = "ConditionalCheckFailed"
_CONFLICT: Final = "TransactionConflict"

# Built once per execution environment, so warm invocations reuse their connections.
dynamodb = boto3.client("dynamodb", config=DYNAMODB_CONFIG)
_serializer: Final = TypeSerializer()


def _typed(item: dict[str, Any]) -> dict[str, Any]:
    return {name: _serializer.serialize(value) for name, value in item.items()}


def transaction_items(upload: Upload, message_id: str, now: datetime) -> list[dict[str, Any]]:
    """The marker's conditional Put, then the Updates of the day's counter for the upload's
    media type and of the day's total: ADD is not idempotent, the marker makes it so."""
    marker = UploadMarker(
        pk=STATISTICS_MARKER_PREFIX + upload.event_id,
        sk=STATISTICS_MARKER_SORT_KEY,
        message_id=message_id,
        counted_at=utc_iso(now),
        expires_at=int((now + timedelta(days=SETTINGS.marker_retention_days)).timestamp()),
    )
    items: list[dict[str, Any]] = [
        {
            "Put": {
                "TableName": SETTINGS.table,
                "Item": _typed(dict(marker)),
                "ConditionExpression": "attribute_not_exists(#pk)",
                "ExpressionAttributeNames": {"#pk": STATISTICS_PARTITION_KEY},
            }
        }
    ]
    day = STATISTICS_DAY_PREFIX + upload.event_time.date().isoformat()
    for content_type in (media_type(upload.content_type), STATISTICS_ALL_CONTENT_TYPES):
        key = {STATISTICS_PARTITION_KEY: day, STATISTICS_SORT_KEY: STATISTICS_CONTENT_TYPE_PREFIX + content_type}
        items.append(
            {
                "Update": {
                    "TableName": SETTINGS.table,
                    "Key": _typed(key),
                    "UpdateExpression": "ADD #uploads :one, #bytes :size SET #last = :at",
                    "ExpressionAttributeNames": {
                        "#uploads": STATISTICS_UPLOADS,
                        "#bytes": STATISTICS_BYTES,
                        "#last": STATISTICS_LAST_UPLOAD_AT,
                    },
                    "ExpressionAttributeValues": _typed(
                        {":one": 1, ":size": upload.size, ":at": utc_iso(upload.event_time)}
                    ),
                }
            }
        )
    return items


@tracer.capture_method(capture_response=False)
def count_upload(upload: Upload, message_id: str) -> bool:
    """Counts ``upload`` unless its marker exists; ``False`` if it does (already counted)."""
    items = transaction_items(upload, message_id, datetime.now(UTC))
    for attempt in itertools.count(1):
        try:
            dynamodb.transact_write_items(TransactItems=items)
            return True
        except ClientError as error:
            if error_code(error) != "TransactionCanceledException":
                raise  # throttling beyond botocore's retries, access denied, ...: SQS delivers it again
            # One reason per item, in order: the marker's comes first.
            reasons = [reason.get("Code") for reason in error.response.get("CancellationReasons", [])]
            if reasons[:1] == [_MARKER_EXISTS]:
                return False
            if _CONFLICT not in reasons or attempt == CONFLICT_ATTEMPTS:
                raise
            metrics.add_metric(name=METRIC_TRANSACTION_CONFLICTS, unit=MetricUnit.Count, value=1)
            logger.info("transaction conflict: trying again", extra={"attempt": attempt, "reasons": reasons})
            # Full jitter: the conflicting writers should not meet again on the next attempt.
            time.sleep(random.uniform(0, _CONFLICT_BACKOFF_SECONDS * 2**attempt))
    raise AssertionError("itertools.count() does not end")


def record_upload(notification: Notification) -> None:
    upload = parse_upload_processed(notification)
    # The S3 event's id, as the upload pipeline logs it: one upload across both functions' logs.
    logger.set_correlation_id(upload.event_id)
    where = {"event_id": upload.event_id, "day": upload.event_time.date().isoformat(), "size": upload.size}
    if count_upload(upload, notification.message_id):
        metrics.add_metric(name=METRIC_UPLOADS_COUNTED, unit=MetricUnit.Count, value=1)
        logger.info("upload counted", extra={**where, "media_type": media_type(upload.content_type)})
    else:
        metrics.add_metric(name=METRIC_DUPLICATE_EVENTS, unit=MetricUnit.Count, value=1)
        logger.info("duplicate event: upload already counted", extra=where)


def record_handler(record: SQSRecord) -> None:
    handle_record(record, record_upload, expected=f"an {UPLOAD_PROCESSED_EVENT_TYPE} notification")


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics(capture_cold_start_metric=True)
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)
