"""What the upload pipeline's infrastructure and its handler must agree on, defined once.

- ``HANDLER``: the Lambda entry point.
- ``ENV_*``: the environment variables the function reads.
- ``S3_*``: the EventBridge events the rule forwards to the buffer queue.
- ``RECORDS_*``: the key of the records table the handler writes.
- ``IDEMPOTENCY_*``: the key and expiry attribute of Powertools' idempotency table.
- ``EVENT_*``: the event the handler publishes to the topic per processed object, and
  the message attributes subscribers filter on.
- ``UploadRecord``: one object's record, both the records table's item and the body of
  the published message.
- ``METRIC_*``: the handler's CloudWatch metrics, for alarms and dashboards.

The handler imports this file as the top-level module ``contract`` (it ships in the
same Lambda asset); the CDK stack and the smoke checks load it by file path
(``stacks.contracts.load_contract("uploads")``). So it imports only the standard library.
"""

# No ``from __future__ import annotations``: see runtime/items/contract.py.
from typing import Final, TypedDict

#: ``module.function`` inside this folder: the ``Handler`` of the Lambda function.
HANDLER: Final = "handler.handler"

# ---------------------------------------------------------------------- environment
# Missing required variables stop the function at cold start (import), with a message
# naming them, before any message is taken off the queue.

#: Required: the table the handler writes one record per object into.
ENV_RECORDS_TABLE: Final = "RECORDS_TABLE_NAME"
#: Required: Powertools' idempotency table (partition key ``IDEMPOTENCY_KEY``, TTL on ``IDEMPOTENCY_EXPIRY``).
ENV_IDEMPOTENCY_TABLE: Final = "IDEMPOTENCY_TABLE_NAME"
#: Required: the SNS topic the handler publishes an ``EVENT_TYPE`` event to per processed
#: object. A standard topic: the handler sends no MessageGroupId, so a FIFO topic is refused.
ENV_EVENT_TOPIC_ARN: Final = "EVENT_TOPIC_ARN"
#: Optional (default ``DEFAULT_IDEMPOTENCY_TTL_SECONDS``): how long an event stays recorded
#: as processed; a duplicate within it is not processed again.
ENV_IDEMPOTENCY_TTL_SECONDS: Final = "IDEMPOTENCY_TTL_SECONDS"
DEFAULT_IDEMPOTENCY_TTL_SECONDS: Final = 24 * 60 * 60
#: Read by Powertools: the service name in logs, traces and the metric dimension (recommended),
#: the CloudWatch namespace of the metrics (required), the log level (optional, INFO).
ENV_SERVICE_NAME: Final = "POWERTOOLS_SERVICE_NAME"
ENV_METRICS_NAMESPACE: Final = "POWERTOOLS_METRICS_NAMESPACE"
ENV_LOG_LEVEL: Final = "LOG_LEVEL"

# ------------------------------------------------------------------- incoming events

#: The EventBridge ``source`` and ``detail-type`` of S3's event for a new object (the rule
#: matches both); the handler refuses any other event as a poison message.
S3_EVENT_SOURCE: Final = "aws.s3"
S3_OBJECT_CREATED: Final = "Object Created"

# ----------------------------------------------------------------------------- tables

#: The records table: one item per object (``s3://bucket/key``), holding the newest
#: version the handler has seen, by S3's sequencer.
RECORDS_PARTITION_KEY: Final = "object_id"
#: Powertools' DynamoDB persistence layer defaults, written out so the table matches.
IDEMPOTENCY_KEY: Final = "id"
IDEMPOTENCY_EXPIRY: Final = "expiration"

# ------------------------------------------------------------------ published events

#: The message attribute every published event carries, and its value.
EVENT_TYPE_ATTRIBUTE: Final = "event_type"
EVENT_TYPE: Final = "upload.processed"
#: A second attribute subscribers can filter on: the object's content type.
CONTENT_TYPE_ATTRIBUTE: Final = "content_type"


class UploadRecord(TypedDict):
    """One object, as the records table stores it and as the published message carries it (JSON).

    The table item has one more attribute, ``sequencer_key``: ``sequencer`` upper-cased and
    left-padded with zeros, which the handler's conditional write compares.
    """

    object_id: str  # RECORDS_PARTITION_KEY: "s3://<bucket>/<key>"
    bucket: str
    key: str  # as stored in S3 (not URL-encoded)
    version_id: str | None  # None when the bucket is not versioned
    size: int  # bytes (HeadObject ContentLength)
    etag: str  # without the quotes
    content_type: str
    metadata: dict[str, str]  # user metadata (x-amz-meta-*), names in lower case
    last_modified: str  # ISO 8601, UTC
    event_id: str  # the EventBridge event's id
    event_time: str  # the EventBridge event's time, as sent
    reason: str | None  # PutObject, POST Object, CopyObject or CompleteMultipartUpload
    sequencer: str  # as sent by S3
    processed_at: str  # ISO 8601, UTC, milliseconds


# ----------------------------------------------------------------------------- metrics

#: Objects recorded and announced.
METRIC_OBJECTS_PROCESSED: Final = "ObjectsProcessed"
#: Objects gone (deleted, or overwritten in an unversioned bucket) before processing.
METRIC_OBJECTS_MISSING: Final = "ObjectsMissing"
#: Events older than the record already stored for their object: neither written nor announced.
METRIC_STALE_EVENTS: Final = "StaleEvents"
#: Events already processed (same event id within the idempotency TTL).
METRIC_DUPLICATE_EVENTS: Final = "DuplicateEvents"
#: Messages that are not S3 "Object Created" events (they end in the dead-letter queue).
METRIC_INVALID_MESSAGES: Final = "InvalidMessages"
#: Messages reported as batch item failures, invalid ones included: SQS delivers them again.
METRIC_FAILED_MESSAGES: Final = "FailedMessages"
