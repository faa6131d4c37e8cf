"""The event consumers' incoming messages: SNS notifications, in the bodies of SQS messages.

``parse_notification`` turns an SQS body (SNS's JSON envelope: the subscription does not use
raw message delivery) into a ``Notification``, and ``parse_upload_processed`` its message into
an ``Upload``; both refuse anything else with ``InvalidMessageError``, naming the field that is
wrong (a poison message). ``stored_message`` is the form the event log stores a message in,
``media_type`` the content type the statistics count under. The handlers import this file as
the top-level module ``messages`` (it ships in the same Lambda asset), so it imports only the
standard library and ``contract``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Clamped, Context, Decimal, DecimalException, Inexact, Overflow, Rounded, Underflow
from typing import Any, Final

from contract import EVENT_TYPE_ATTRIBUTE, STATISTICS_OTHER_CONTENT_TYPE, UPLOAD_PROCESSED_EVENT_TYPE

__all__ = [
    "MAX_MESSAGE_DEPTH",
    "InvalidMessageError",
    "Notification",
    "Upload",
    "media_type",
    "parse_notification",
    "parse_upload_processed",
    "stored_message",
    "utc_iso",
]

_NOTIFICATION_TYPE: Final = "Notification"
#: The only attribute type whose value the event log takes as an event type.
_STRING_ATTRIBUTE: Final = "String"
#: Nesting levels of a message stored as a map: one below DynamoDB's documented 32, so that
#: whether the ``message`` attribute itself counts as a level does not matter.
MAX_MESSAGE_DEPTH: Final = 31
#: DynamoDB numbers: 38 significant digits, 1E-130 to 9.99...E+125 (boto3's own context).
_DYNAMODB_NUMBER: Final = Context(prec=38, Emin=-128, Emax=126, traps=[Clamped, Overflow, Inexact, Rounded, Underflow])
#: RFC 6838 type/subtype (lower-cased, parameters removed), 127 characters each at most.
_MEDIA_TYPE: Final = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]{0,126}/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}")


class InvalidMessageError(ValueError):
    """The message is not an SNS notification, or not the event expected: a poison message."""


@dataclass(frozen=True)
class Notification:
    """The parts of SNS's envelope the handlers use."""

    message_id: str
    topic_arn: str
    timestamp: datetime  # UTC
    message: str
    attributes: dict[str, str]  # name -> Value, whatever the Type
    event_type: str | None  # the EVENT_TYPE_ATTRIBUTE attribute, when it is a String


@dataclass(frozen=True)
class Upload:
    """The parts of the upload pipeline's ``upload.processed`` message the statistics count."""

    event_id: str
    event_time: datetime  # UTC
    content_type: str
    size: int


def _describe(value: Any) -> str:
    return json.dumps(value)[:80]


def _string(container: dict[str, Any], name: str, where: str = "") -> str:
    value = container.get(name)
    if not isinstance(value, str) or not value:
        raise InvalidMessageError(f"{where}{name} must be a non-empty string, not {_describe(value)}")
    return value


def _timestamp(container: dict[str, Any], name: str, where: str = "") -> datetime:
    text = _string(container, name, where)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidMessageError(f"{where}{name} is not an ISO 8601 timestamp: {text[:40]!r}") from None
    if moment.tzinfo is None:
        # Without an offset the UTC day (the key) would depend on the reader's assumption.
        raise InvalidMessageError(f"{where}{name} has no time zone: {text[:40]!r}")
    return moment.astimezone(UTC)


def _json_object(text: str, what: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise InvalidMessageError(f"{what} is not JSON ({str(error)[:80]})") from None
    if not isinstance(value, dict):
        raise InvalidMessageError(f"{what} is not a JSON object")
    return value


def _attributes(envelope: dict[str, Any]) -> tuple[dict[str, str], str | None]:
    raw = envelope.get("MessageAttributes")
    if raw is None:
        return {}, None
    if not isinstance(raw, dict):
        raise InvalidMessageError(f"MessageAttributes must be a JSON object, not {_describe(raw)}")
    values: dict[str, str] = {}
    types: dict[str, str] = {}
    for name, attribute in raw.items():
        if not isinstance(attribute, dict) or not all(isinstance(attribute.get(f), str) for f in ("Type", "Value")):
            raise InvalidMessageError(f"MessageAttributes.{name[:64]} must have a string Type and Value")
        values[name], types[name] = attribute["Value"], attribute["Type"]
    event_type = values.get(EVENT_TYPE_ATTRIBUTE) if types.get(EVENT_TYPE_ATTRIBUTE) == _STRING_ATTRIBUTE else None
    return values, event_type


def parse_notification(body: str) -> Notification:
    """The SNS notification in an SQS message's body; ``InvalidMessageError`` for anything else
    (a raw-delivered message, a subscription confirmation, ...). The signature is not checked:
    the queue's policy lets only the topic send (see README.md)."""
    envelope = _json_object(body, "the message body")
    if envelope.get("Type") != _NOTIFICATION_TYPE:
        raise InvalidMessageError(f"Type is {_describe(envelope.get('Type'))}, not {_NOTIFICATION_TYPE!r}")
    message = envelope.get("Message")
    if not isinstance(message, str):
        raise InvalidMessageError(f"Message must be a string, not {_describe(message)}")
    attributes, event_type = _attributes(envelope)
    return Notification(
        message_id=_string(envelope, "MessageId"),
        topic_arn=_string(envelope, "TopicArn"),
        timestamp=_timestamp(envelope, "Timestamp"),
        message=message,
        attributes=attributes,
        event_type=event_type,
    )


def parse_upload_processed(notification: Notification) -> Upload:
    """The upload in an ``upload.processed`` notification (runtime/uploads' ``UploadRecord`` as
    JSON); ``InvalidMessageError`` for another event or a record without the counted fields."""
    if notification.event_type != UPLOAD_PROCESSED_EVENT_TYPE:
        raise InvalidMessageError(
            f"MessageAttributes.{EVENT_TYPE_ATTRIBUTE} is {_describe(notification.event_type)}, "
            f"not {UPLOAD_PROCESSED_EVENT_TYPE!r}"
        )
    record = _json_object(notification.message, "Message")
    size = record.get("size")
    if type(size) is not int or size < 0:  # bool is an int, 1.0 is not a byte count
        raise InvalidMessageError(f"Message.size must be a whole number of bytes >= 0, not {_describe(size)}")
    return Upload(
        event_id=_string(record, "event_id", "Message."),
        event_time=_timestamp(record, "event_time", "Message."),
        content_type=_string(record, "content_type", "Message."),
        size=size,
    )


def _storable(value: Any, depth: int) -> bool:
    if isinstance(value, dict):
        return depth <= MAX_MESSAGE_DEPTH and all(
            isinstance(key, str) and key and _storable(item, depth + 1) for key, item in value.items()
        )
    if isinstance(value, list):
        return depth <= MAX_MESSAGE_DEPTH and all(_storable(item, depth + 1) for item in value)
    if isinstance(value, Decimal):
        try:
            _DYNAMODB_NUMBER.create_decimal(value)
        except DecimalException:
            return False
    return True


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a DynamoDB number")


def stored_message(message: str) -> dict[str, Any] | str:
    """``message`` as the event log stores it: a JSON object as a map (numbers as ``Decimal``),
    so that its fields can be read and filtered on; anything else, and any object DynamoDB could
    not hold (numbers beyond its range, NaN, nesting deeper than ``MAX_MESSAGE_DEPTH``, empty
    names), as the string SNS delivered: an event is never lost for its shape."""
    try:
        value = json.loads(message, parse_float=Decimal, parse_int=Decimal, parse_constant=_refuse_constant)
    except (ValueError, RecursionError):
        return message
    return value if isinstance(value, dict) and _storable(value, 1) else message


def media_type(content_type: str) -> str:
    """The media type a content type is counted under: ``Text/CSV; charset=utf-8`` is
    ``text/csv``; anything that is no ``type/subtype`` is ``STATISTICS_OTHER_CONTENT_TYPE``."""
    essence = content_type.split(";", 1)[0].strip().lower()
    return essence if _MEDIA_TYPE.fullmatch(essence) else STATISTICS_OTHER_CONTENT_TYPE


def utc_iso(moment: datetime) -> str:
    """``2026-11-02T10:00:00.000Z``: fixed width, so that strings sort in time order."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
