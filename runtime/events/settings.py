"""The event consumers' configuration, read from the environment once, at cold start.

``load_event_log_settings`` and ``load_statistics_settings`` check every variable their
handler needs and name each one that is missing or malformed (``ConfigurationError``). The
handlers import this file as the top-level module ``settings`` (it ships in the same Lambda
asset), so it imports only the standard library and ``contract``, whose ``ENV_*`` names are
the only ones it reads.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Final

from contract import (
    DEFAULT_EVENT_RETENTION_DAYS,
    DEFAULT_MARKER_RETENTION_DAYS,
    ENV_EVENT_LOG_TABLE,
    ENV_EVENT_RETENTION_DAYS,
    ENV_EVENT_STREAM,
    ENV_MARKER_RETENTION_DAYS,
    ENV_METRICS_NAMESPACE,
    ENV_STATISTICS_TABLE,
    check_stream,
)

__all__ = [
    "ConfigurationError",
    "EventLogSettings",
    "StatisticsSettings",
    "load_event_log_settings",
    "load_statistics_settings",
]

#: A century: longer is no retention, and an unbounded number could overflow the arithmetic.
MAX_RETENTION_DAYS: Final = 36_500


class ConfigurationError(RuntimeError):
    """The environment lacks a required variable or holds a malformed one."""


@dataclass(frozen=True)
class EventLogSettings:
    table: str
    stream: str
    retention_days: int


@dataclass(frozen=True)
class StatisticsSettings:
    table: str
    marker_retention_days: int


def _required(handler: str, *names: str) -> dict[str, str]:
    """The variables ``names``, stripped; all missing ones named in one error. Raising here
    fails the handler's import, so Lambda reports an init error naming them on the first
    invocation, instead of every message failing later for the same reason."""
    values = {name: os.environ.get(name, "").strip() for name in names}
    missing = [name for name, value in values.items() if not value]
    if missing:
        needed = ", ".join(missing)
        raise ConfigurationError(f"the {handler} handler needs the environment variable(s) {needed}: not set")
    return values


def _days(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    # The length first: int() of thousands of digits is refused (or slow) before any range check.
    if not (len(raw) <= 6 and raw.isascii() and raw.isdigit() and 1 <= int(raw) <= MAX_RETENTION_DAYS):
        raise ConfigurationError(f"{name} ({raw!r}) must be a whole number of days from 1 to {MAX_RETENTION_DAYS}")
    return int(raw)


def load_event_log_settings() -> EventLogSettings:
    # POWERTOOLS_METRICS_NAMESPACE is read by Powertools Metrics, which would fail only when
    # flushing, after the work is done.
    values = _required("event log", ENV_EVENT_LOG_TABLE, ENV_EVENT_STREAM, ENV_METRICS_NAMESPACE)
    try:
        stream = check_stream(values[ENV_EVENT_STREAM], ENV_EVENT_STREAM)
    except ValueError as error:
        raise ConfigurationError(str(error)) from None
    return EventLogSettings(
        table=values[ENV_EVENT_LOG_TABLE],
        stream=stream,
        retention_days=_days(ENV_EVENT_RETENTION_DAYS, DEFAULT_EVENT_RETENTION_DAYS),
    )


def load_statistics_settings() -> StatisticsSettings:
    values = _required("upload statistics", ENV_STATISTICS_TABLE, ENV_METRICS_NAMESPACE)
    return StatisticsSettings(
        table=values[ENV_STATISTICS_TABLE],
        marker_retention_days=_days(ENV_MARKER_RETENTION_DAYS, DEFAULT_MARKER_RETENTION_DAYS),
    )
