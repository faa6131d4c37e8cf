"""The upload handler's incoming messages: S3 "Object Created" events from EventBridge, in SQS bodies.

``parse_object_created`` turns a message body into an ``ObjectCreated`` or refuses it with
``InvalidMessageError`` (a poison message, naming the field that is wrong); ``sequencer_key``
makes S3's sequencers comparable as strings. The handler imports this file as the top-level
module ``messages`` (it ships in the same Lambda asset), so it imports only the standard
library and ``contract``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from contract import S3_EVENT_SOURCE, S3_OBJECT_CREATED

__all__ = ["SEQUENCER_WIDTH", "InvalidMessageError", "ObjectCreated", "parse_object_created", "sequencer_key"]

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


def sequencer_key(sequencer: str) -> str:
    """``sequencer`` in an order-preserving string form: S3 says to compare sequencers of one
    key by left-padding the shorter with zeros and comparing the strings; padding all of them
    to one width lets DynamoDB's string comparison do it. Upper case: they are hexadecimal."""
    return sequencer.upper().rjust(SEQUENCER_WIDTH, "0")
