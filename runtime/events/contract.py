"""What the event consumers' infrastructure and their handlers must agree on, defined once.

- ``EVENT_LOG_HANDLER``, ``UPLOAD_STATISTICS_HANDLER``: the Lambda entry points (one asset).
- ``ENV_*``: the environment variables the functions read; ``DEFAULT_*``: their defaults.
- ``STREAM_PATTERN``, ``check_stream``: what an event log's stream may be called.
- ``EVENT_LOG_*``, ``STATISTICS_*``, ``KEY_ATTRIBUTE_TYPE``, ``EXPIRY_ATTRIBUTE``: the two
  tables' keys and TTL attribute; ``EventLogItem``, ``UploadMarker``, ``UploadStatistics``:
  their items.
- ``EVENT_TYPE_ATTRIBUTE``: the SNS message attribute that names a domain event's type;
  ``UPLOAD_PROCESSED_EVENT_TYPE`` and ``UploadProcessed``: the upload pipeline's event, as
  far as the statistics read it (runtime/uploads/contract.py is the producer's side).
- ``METRIC_*``: the handlers' CloudWatch metrics, for alarms and dashboards.

The handlers import this file as the top-level module ``contract`` (it ships in the same
Lambda asset); the CDK stack loads it by file path (``stacks.contracts.load_contract("events")``).
So it imports only the standard library.
"""

# No ``from __future__ import annotations``: see runtime/items/contract.py.
import re
from typing import Any, Final, NotRequired, TypedDict

# ----------------------------------------------------------------------- entry points

#: ``module.function`` inside this folder: the ``Handler`` of each Lambda function.
EVENT_LOG_HANDLER: Final = "event_log.handler"
UPLOAD_STATISTICS_HANDLER: Final = "upload_statistics.handler"

# ---------------------------------------------------------------------- environment
# A missing or malformed required variable stops the function at cold start (import), with
# a message naming it, before any message is taken off the queue.

#: Required by the event log: its table (keys ``EVENT_LOG_PARTITION_KEY``/``EVENT_LOG_SORT_KEY``).
ENV_EVENT_LOG_TABLE: Final = "EVENT_LOG_TABLE_NAME"
#: Required by the event log: the stream this function records, ``check_stream`` rules.
ENV_EVENT_STREAM: Final = "EVENT_STREAM"
#: Optional for the event log: whole days >= 1 an event is kept after its SNS timestamp.
ENV_EVENT_RETENTION_DAYS: Final = "EVENT_RETENTION_DAYS"
DEFAULT_EVENT_RETENTION_DAYS: Final = 90
#: Required by the statistics: its table (keys ``STATISTICS_PARTITION_KEY``/``STATISTICS_SORT_KEY``).
ENV_STATISTICS_TABLE: Final = "STATISTICS_TABLE_NAME"
#: Optional for the statistics: whole days >= 1 a counted upload's marker is kept. Keep it
#: above the subscriber queue's retention (FanOut's default: 4 days) and, to survive a
#: producer's republish after a DLQ redrive, above the upload pipeline's DLQ retention.
ENV_MARKER_RETENTION_DAYS: Final = "MARKER_RETENTION_DAYS"
DEFAULT_MARKER_RETENTION_DAYS: Final = 7
#: Read by Powertools: the service name in logs, traces and the metric dimension (recommended,
#: one per function), the CloudWatch namespace of the metrics (required), the log level (optional).
ENV_SERVICE_NAME: Final = "POWERTOOLS_SERVICE_NAME"
ENV_METRICS_NAMESPACE: Final = "POWERTOOLS_METRICS_NAMESPACE"
ENV_LOG_LEVEL: Final = "LOG_LEVEL"

# --------------------------------------------------------------------------- streams

#: An event log's stream: it starts every partition key, before ``KEY_SEPARATOR``, so it may
#: not contain one; lower case, so that ``Audit`` and ``audit`` are not two logs.
STREAM_PATTERN: Final = r"[a-z0-9-]{1,64}"
_STREAM: Final = re.compile(STREAM_PATTERN)


def check_stream(stream: Any, name: str = "stream") -> str:
    """``stream`` if it is a valid stream name; otherwise ``ValueError`` naming ``name``, the
    value and the rule (the CDK side calls it at synth, the handler at cold start)."""
    if not isinstance(stream, str) or not _STREAM.fullmatch(stream):
        raise ValueError(f"{name} ({stream!r}) must be 1 to 64 characters of a-z, 0-9 and '-'")
    return stream


# ----------------------------------------------------------------------------- tables

#: Every key attribute of both tables is a string (DynamoDB's ``S``).
KEY_ATTRIBUTE_TYPE: Final = "S"
#: Joins the parts of a key value.
KEY_SEPARATOR: Final = "#"
#: The TTL attribute of both tables: epoch seconds.
EXPIRY_ATTRIBUTE: Final = "expires_at"

#: The event log: ``<stream>#<YYYY-MM-DD>`` (UTC day of the SNS timestamp) and
#: ``<timestamp, UTC, milliseconds>#<SNS MessageId>``: one Query per stream and day, in time order.
EVENT_LOG_PARTITION_KEY: Final = "stream_day"
EVENT_LOG_SORT_KEY: Final = "event_key"


class EventLogItem(TypedDict):
    """One SNS notification, as the event log stores it."""

    stream_day: str  # EVENT_LOG_PARTITION_KEY: "audit#2026-11-02"
    event_key: str  # EVENT_LOG_SORT_KEY: "2026-11-02T10:00:00.000Z#<MessageId>"
    message_id: str  # the SNS MessageId
    topic_arn: str
    event_type: NotRequired[str]  # the EVENT_TYPE_ATTRIBUTE message attribute, when it is a String
    attributes: dict[str, str]  # every message attribute: name -> Value (Binary ones base64, as SNS sends them)
    message: dict[str, Any] | str  # a JSON object as a map; anything else as the string SNS sent
    received_at: str  # when the handler stored it, ISO 8601 UTC, milliseconds
    expires_at: int  # EXPIRY_ATTRIBUTE: the SNS timestamp + the retention, epoch seconds


#: The upload statistics: one table, generic keys, three kinds of item (below).
STATISTICS_PARTITION_KEY: Final = "pk"
STATISTICS_SORT_KEY: Final = "sk"
#: A counted upload's marker: ``upload#<event_id>`` / ``marker``.
STATISTICS_MARKER_PREFIX: Final = "upload#"
STATISTICS_MARKER_SORT_KEY: Final = "marker"
#: A day's counters: ``day#<YYYY-MM-DD>`` / ``content_type#<media type>``, and the day's
#: total under ``content_type#*`` (``*`` is no media type: the two never share an item).
STATISTICS_DAY_PREFIX: Final = "day#"
STATISTICS_CONTENT_TYPE_PREFIX: Final = "content_type#"
STATISTICS_ALL_CONTENT_TYPES: Final = "*"
#: Where a content type that is no ``type/subtype`` media type is counted.
STATISTICS_OTHER_CONTENT_TYPE: Final = "other"
#: The counters' attributes.
STATISTICS_UPLOADS: Final = "uploads"
STATISTICS_BYTES: Final = "bytes"
STATISTICS_LAST_UPLOAD_AT: Final = "last_upload_at"


class UploadMarker(TypedDict):
    """An upload already counted: written in the same transaction as its counters."""

    pk: str  # "upload#<event_id>"
    sk: str  # "marker"
    message_id: str  # the SNS MessageId that carried it
    counted_at: str  # ISO 8601 UTC, milliseconds
    expires_at: int  # EXPIRY_ATTRIBUTE: counted_at + the marker retention, epoch seconds


class UploadStatistics(TypedDict):
    """One day's uploads of one content type, or of all (``content_type#*``)."""

    pk: str  # "day#2026-11-02" (UTC day of the upload's event_time)
    sk: str  # "content_type#text/csv" or "content_type#*"
    uploads: int
    bytes: int
    last_upload_at: str  # the event_time of the upload counted last (deliveries are unordered)


# ------------------------------------------------------------------- incoming events

#: The message attribute that names a domain event's type (a String attribute, as the upload
#: pipeline publishes it; a container microservice publishes ``order.placed`` the same way).
EVENT_TYPE_ATTRIBUTE: Final = "event_type"
#: The upload pipeline's event (runtime/uploads/contract.py ``EVENT_TYPE``).
UPLOAD_PROCESSED_EVENT_TYPE: Final = "upload.processed"


class UploadProcessed(TypedDict):
    """The fields of the upload pipeline's message (its ``UploadRecord``) the statistics read."""

    event_id: str  # the S3 event's id: one upload, whichever SNS message carries it
    event_time: str  # ISO 8601 with a time zone: the upload's day
    content_type: str
    size: int  # bytes


# ----------------------------------------------------------------------------- metrics

#: Notifications stored in the event log.
METRIC_EVENTS_RECORDED: Final = "EventsRecorded"
#: Uploads added to the day's counters.
METRIC_UPLOADS_COUNTED: Final = "UploadsCounted"
#: Deliveries of what was already stored or counted: consumed without a write.
METRIC_DUPLICATE_EVENTS: Final = "DuplicateEvents"
#: Counter transactions cancelled by a concurrent one on the same item, then tried again.
METRIC_TRANSACTION_CONFLICTS: Final = "TransactionConflicts"
#: Messages that are not SNS notifications, or not the expected event (they end in the DLQ).
METRIC_INVALID_MESSAGES: Final = "InvalidMessages"
#: Messages reported as batch item failures, invalid ones included: SQS delivers them again.
METRIC_FAILED_MESSAGES: Final = "FailedMessages"
