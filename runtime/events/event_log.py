"""Event log: SNS topic -> SQS queue (FanOut, SNS envelope, with a DLQ) -> this Lambda -> DynamoDB.

Records every notification of one stream (``EVENT_STREAM``) for audit and replay, once per SNS
message: a conditional put on its key, so a redelivery writes nothing and is not an error.
Behaviour, item shape, configuration and IAM are described in README.md next to this file;
every name the infrastructure must agree on comes from ``contract.py``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final

import boto3
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import process_partial_response
from botocore.exceptions import ClientError
from consumer import DYNAMODB_CONFIG, error_code, handle_record, logger, metrics, processor, tracer
from contract import (
    EVENT_LOG_PARTITION_KEY,
    EVENT_LOG_SORT_KEY,
    EVENT_TYPE_ATTRIBUTE,
    KEY_SEPARATOR,
    METRIC_DUPLICATE_EVENTS,
    METRIC_EVENTS_RECORDED,
    EventLogItem,
)
from messages import Notification, stored_message, utc_iso
from settings import ConfigurationError, load_event_log_settings

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
    from aws_lambda_powertools.utilities.typing import LambdaContext

__all__ = ["ConfigurationError", "handler", "log_item", "record_event"]

SETTINGS: Final = load_event_log_settings()
_SECONDS_PER_DAY: Final = 86_400

# Built once per execution environment, so warm invocations reuse their connections.
table = boto3.resource("dynamodb", config=DYNAMODB_CONFIG).Table(SETTINGS.table)


def log_item(notification: Notification, received_at: datetime) -> EventLogItem:
    """The event log's item for ``notification``. Its key and expiry derive from the SNS
    message alone, so every delivery of one message makes the same key."""
    timestamp = notification.timestamp
    item = EventLogItem(
        stream_day=KEY_SEPARATOR.join((SETTINGS.stream, timestamp.date().isoformat())),
        event_key=KEY_SEPARATOR.join((utc_iso(timestamp), notification.message_id)),
        message_id=notification.message_id,
        topic_arn=notification.topic_arn,
        attributes=dict(notification.attributes),
        message=stored_message(notification.message),
        received_at=utc_iso(received_at),
        # From the event's time, not the write's: a day's partition expires as a whole, and
        # a message redriven from the DLQ days later is still kept for the retention only.
        expires_at=int(timestamp.timestamp()) + SETTINGS.retention_days * _SECONDS_PER_DAY,
    )
    if notification.event_type is not None:
        # Left out when absent, not null: a sparse attribute, ready for an index on it.
        item["event_type"] = notification.event_type
    return item


@tracer.capture_method(capture_response=False)
def record_event(notification: Notification) -> None:
    """Stores ``notification`` unless its item exists: a duplicate delivery is consumed."""
    logger.set_correlation_id(notification.message_id)
    item = log_item(notification, datetime.now(UTC))
    where = {key: item[key] for key in (EVENT_LOG_PARTITION_KEY, EVENT_LOG_SORT_KEY)}
    where[EVENT_TYPE_ATTRIBUTE] = notification.event_type
    try:
        table.put_item(
            Item=item,
            ConditionExpression="attribute_not_exists(#pk)",
            ExpressionAttributeNames={"#pk": EVENT_LOG_PARTITION_KEY},
        )
    except ClientError as error:
        if error_code(error) != "ConditionalCheckFailedException":
            raise  # throttling, access denied, ...: a failure, SQS delivers the message again
        metrics.add_metric(name=METRIC_DUPLICATE_EVENTS, unit=MetricUnit.Count, value=1)
        logger.info("duplicate event: already recorded", extra=where)
        return
    metrics.add_metric(name=METRIC_EVENTS_RECORDED, unit=MetricUnit.Count, value=1)
    logger.info("event recorded", extra=where)


def record_handler(record: SQSRecord) -> None:
    handle_record(record, record_event, expected="an SNS notification")


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics(capture_cold_start_metric=True)
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)
