"""The upload handler's configuration, read from the environment once, at cold start.

``load_settings`` checks every variable the handler needs and names each one that is
missing or malformed (``ConfigurationError``). The handler imports this file as the
top-level module ``settings`` (it ships in the same Lambda asset), so it imports only the
standard library and ``contract``, whose ``ENV_*`` names are the only ones it reads.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Final

from contract import (
    DEFAULT_IDEMPOTENCY_TTL_SECONDS,
    ENV_EVENT_TOPIC_ARN,
    ENV_IDEMPOTENCY_TABLE,
    ENV_IDEMPOTENCY_TTL_SECONDS,
    ENV_METRICS_NAMESPACE,
    ENV_RECORDS_TABLE,
)

__all__ = ["ConfigurationError", "Settings", "load_settings"]


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

    Raising here fails the handler's import, so Lambda reports an init error naming the
    variable on the first invocation, instead of every message failing later for the same reason.
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
