"""Typed options for ``Database`` and ``Cache``; each checks its own input when it is built."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns

from cdk_refarch.core.alarms import check_email
from cdk_refarch.core.errors import require
from cdk_refarch.core.validation import check_int, check_number
from cdk_refarch.database.engines import CACHE_ENGINES

_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_TIME = r"([01]\d|2[0-3]):([0-5]\d)"
_DAILY = re.compile(rf"^{_TIME}-{_TIME}$")
_WEEKLY = re.compile(rf"^({'|'.join(_DAYS)}):{_TIME}-({'|'.join(_DAYS)}):{_TIME}$", re.IGNORECASE)
_DAY, _WEEK = 24 * 60, 7 * 24 * 60
Window = frozenset[int]  # minutes of the week the window covers


def check_daily_window(prop: str, value: object, *, minimum_minutes: int) -> Window:
    """A daily ``hh24:mi-hh24:mi`` window (UTC) as the minutes of the week it covers."""
    match = _DAILY.fullmatch(value) if isinstance(value, str) else None
    require(match is not None, f"{prop} ({value!r}) must be hh24:mi-hh24:mi in UTC, e.g. '03:00-04:00'")
    assert match is not None
    start = int(match[1]) * 60 + int(match[2])
    length = (int(match[3]) * 60 + int(match[4]) - start) % _DAY
    require(length >= minimum_minutes, f"{prop} ({value!r}) must last at least {minimum_minutes} minutes")
    return frozenset((day * _DAY + start + minute) % _WEEK for day in range(7) for minute in range(length))


def check_weekly_window(prop: str, value: object, *, minimum_minutes: int) -> Window:
    """A weekly ``ddd:hh24:mi-ddd:hh24:mi`` window (UTC) as the minutes of the week it covers."""
    match = _WEEKLY.fullmatch(value) if isinstance(value, str) else None
    require(match is not None, f"{prop} ({value!r}) must be ddd:hh24:mi-ddd:hh24:mi in UTC, e.g. 'sun:04:30-sun:05:30'")
    assert match is not None
    start = _DAYS.index(match[1].lower()) * _DAY + int(match[2]) * 60 + int(match[3])
    end = _DAYS.index(match[4].lower()) * _DAY + int(match[5]) * 60 + int(match[6])
    length = (end - start) % _WEEK
    require(length >= minimum_minutes, f"{prop} ({value!r}) must last at least {minimum_minutes} minutes")
    return frozenset((start + minute) % _WEEK for minute in range(length))


def check_windows_apart(first: tuple[str, str, Window], second: tuple[str, str, Window]) -> None:
    """Backups (snapshots) and maintenance must not overlap: RDS refuses it, and a
    snapshot during maintenance would slow both."""
    (first_prop, first_value, first_minutes), (second_prop, second_value, second_minutes) = first, second
    require(
        not first_minutes & second_minutes,
        f"{first_prop} ({first_value!r}) and {second_prop} ({second_value!r}) must not overlap",
    )


# ElastiCache node types: cache.<family>.<size>, e.g. cache.t4g.micro.
_NODE_TYPE = re.compile(r"^cache\.[a-z][a-z0-9-]*\.[a-z0-9]+$")
# ACL rules ElastiCache refuses in an access string (passwords are set through the API,
# "reset" would drop them) or that would let a client in without IAM (nopass).
_FORBIDDEN_ACL = re.compile(r"^(?:[<>#!].*|nopass|resetpass|reset)$", re.IGNORECASE)


def _check_topic_and_email(topic: sns.ITopic | None, email: str | None) -> None:
    check_email("email", email)
    require(
        topic is None or email is None,
        "email is only used with the topic created here; subscribe it to your own topic instead",
    )


@dataclass(frozen=True)
class CacheAlarmOptions:
    """Thresholds of the cache's alarms (the busiest node counts) and where they notify.

    :param cpu_percent: EngineCPUUtilization (the engine's own thread) above which to
        alarm for 15 minutes.
    :param memory_percent: DatabaseMemoryUsagePercentage (of maxmemory) above which to alarm.
    :param evictions: keys evicted in 5 minutes, over all nodes, above which to alarm.
    :param topic: an SNS topic to notify; ``None`` creates an encrypted one (the
        database's topic when the cache belongs to a ``Database``).
    :param email: subscribe this address to the topic created here.
    """

    cpu_percent: float = 80
    memory_percent: float = 80
    evictions: int = 100
    topic: sns.ITopic | None = None
    email: str | None = None

    def __post_init__(self) -> None:
        check_number("cpu_percent", self.cpu_percent, minimum=1, maximum=100)
        check_number("memory_percent", self.memory_percent, minimum=1, maximum=100)
        check_int("evictions", self.evictions, minimum=0)
        _check_topic_and_email(self.topic, self.email)


@dataclass(frozen=True)
class DatabaseAlarmOptions:
    """Thresholds of the database's alarms and where they notify.

    :param cpu_percent: CPUUtilization above which to alarm for 15 minutes.
    :param free_storage_gib: FreeStorageSpace below which to alarm; ``None``: 10% of
        ``allocated_storage_gib``. Storage autoscaling grows the volume when free space
        stays under 10% of the *current* allocation, so once the volume has grown, the
        alarm fires only when autoscaling lags or has reached ``max_allocated_storage_gib``.
    :param freeable_memory_mib: FreeableMemory below which to alarm for 15 minutes;
        ``None``: 10% of the instance class's memory.
    :param connections: DatabaseConnections above which to alarm for 15 minutes;
        ``None``: 80% of the engine's default max_connections for the class (estimated).
    :param replica_lag_seconds: ReplicaLag of any read replica above which to alarm for 15 minutes.
    :param cache: the cache's thresholds; they notify this topic, so set no topic or
        e-mail on them.
    :param topic: an SNS topic to notify; ``None`` creates an encrypted one.
    :param email: subscribe this address to the topic created here.
    """

    cpu_percent: float = 80
    free_storage_gib: float | None = None
    freeable_memory_mib: int | None = None
    connections: int | None = None
    replica_lag_seconds: int = 60
    cache: CacheAlarmOptions = field(default_factory=CacheAlarmOptions)
    topic: sns.ITopic | None = None
    email: str | None = None

    def __post_init__(self) -> None:
        check_number("cpu_percent", self.cpu_percent, minimum=1, maximum=100)
        if self.free_storage_gib is not None:
            check_number("free_storage_gib", self.free_storage_gib, above=0, unit="GiB")
        if self.freeable_memory_mib is not None:
            check_int("freeable_memory_mib", self.freeable_memory_mib, minimum=1, unit="MiB")
        if self.connections is not None:
            check_int("connections", self.connections, minimum=1)
        check_int("replica_lag_seconds", self.replica_lag_seconds, minimum=1, unit="seconds")
        require(
            isinstance(self.cache, CacheAlarmOptions),
            f"cache ({self.cache!r}) must be CacheAlarmOptions(cpu_percent=..., memory_percent=..., evictions=...)",
        )
        require(
            self.cache.topic is None and self.cache.email is None,
            "DatabaseAlarmOptions.cache holds thresholds only: the cache's alarms notify the database's "
            "topic, so set topic or email on DatabaseAlarmOptions",
        )
        _check_topic_and_email(self.topic, self.email)


@dataclass(frozen=True)
class CacheOptions:
    """An ElastiCache replication group (cluster mode disabled: one primary, its replicas).

    :param engine: ``"valkey"`` or ``"redis"`` (Redis OSS).
    :param engine_version: a version of ``engines.CACHE_ENGINES``; ``None``: the engine's default.
    :param node_type: ``None``: ``cache.m7g.large`` in production, ``cache.t4g.micro`` otherwise.
    :param replicas: read replicas of the primary (0..5); ``None``: 1 in production, 0
        otherwise. With one or more, the group is Multi-AZ with automatic failover.
    :param snapshot_retention_days: daily snapshots kept (0..35, 0 for none); ``None``:
        7 in production, 1 otherwise.
    :param snapshot_window: ``hh24:mi-hh24:mi`` in UTC, at least 60 minutes.
    :param maintenance_window: ``ddd:hh24:mi-ddd:hh24:mi`` in UTC, at least 60 minutes,
        apart from the snapshot window.
    :param port: the port clients connect to.
    :param access_string: the app user's ACL rules (keys, channels, commands); the
        default allows every key and channel and every command but the dangerous ones
        (FLUSHALL, KEYS, CONFIG, DEBUG...).
    :param existing_key: a KMS key for encryption at rest; ``None`` creates a rotated one.
    """

    engine: str = "valkey"
    engine_version: str | None = None
    node_type: str | None = None
    replicas: int | None = None
    snapshot_retention_days: int | None = None
    snapshot_window: str = "05:00-06:00"
    maintenance_window: str = "sun:06:30-sun:07:30"
    port: int = 6379
    access_string: str = "on ~* &* +@all -@dangerous"
    existing_key: kms.IKey | None = None

    def __post_init__(self) -> None:
        engines = ", ".join(CACHE_ENGINES)
        require(self.engine in CACHE_ENGINES, f"cache engine ({self.engine!r}) must be one of: {engines}")
        known = CACHE_ENGINES[self.engine].versions
        require(
            self.engine_version is None or self.engine_version in known,
            f"cache engine_version ({self.engine_version!r}) is not a {self.engine} version this construct "
            f"knows: {', '.join(known)}",
        )
        require(
            self.node_type is None or (isinstance(self.node_type, str) and bool(_NODE_TYPE.fullmatch(self.node_type))),
            f"node_type ({self.node_type!r}) must be an ElastiCache node type such as 'cache.t4g.micro'",
        )
        if self.replicas is not None:
            check_int("replicas", self.replicas, minimum=0, maximum=5)
        if self.snapshot_retention_days is not None:
            check_int("snapshot_retention_days", self.snapshot_retention_days, minimum=0, maximum=35, unit="days")
        snapshot = check_daily_window("snapshot_window", self.snapshot_window, minimum_minutes=60)
        maintenance = check_weekly_window("maintenance_window", self.maintenance_window, minimum_minutes=60)
        check_windows_apart(
            ("snapshot_window", self.snapshot_window, snapshot),
            ("maintenance_window", self.maintenance_window, maintenance),
        )
        check_int("cache port", self.port, minimum=1024, maximum=65535)
        self._check_access_string()

    def _check_access_string(self) -> None:
        rules = self.access_string.split() if isinstance(self.access_string, str) else []
        require(
            bool(rules) and rules[0].lower() == "on",
            f"access_string ({self.access_string!r}) must start with 'on' and list the user's rules, "
            "e.g. 'on ~* &* +@all -@dangerous'",
        )
        forbidden = [rule for rule in rules if _FORBIDDEN_ACL.fullmatch(rule)]
        require(
            not forbidden,
            f"access_string must not contain {', '.join(repr(rule) for rule in forbidden)}: ElastiCache refuses "
            "passwords and 'reset' in an access string, and the user authenticates with IAM",
        )
