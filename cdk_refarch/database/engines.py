"""The engines and versions the Database and Cache constructs know, and what each needs.

A version missing here is refused with the list of known ones: each entry was checked
against what aws-cdk-lib 2.275, cfn-lint 1.58 and the RDS / ElastiCache documentation
(2026-11) accept, with every default of the constructs (IAM authentication, managed
master password, Performance Insights, log exports, TLS, RBAC with IAM users).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_rds as rds


@dataclass(frozen=True)
class RdsEngine:
    """One RDS engine: its known major versions and what the construct sets for it."""

    name: str
    #: Major version -> the CDK engine (built on demand: jsii objects, not import-time state).
    versions: Mapping[str, Callable[[], rds.IInstanceEngine]]
    default_version: str
    default_port: int
    default_username: str
    username_max_length: int
    database_name_max_length: int
    #: Logs exported to CloudWatch Logs (one log group each, created by the construct).
    log_exports: tuple[str, ...]
    #: The custom parameter group: TLS required, slow statements logged.
    parameters: Mapping[str, str]
    #: Classes on which RDS offers no Performance Insights (Database Insights) for the engine.
    no_insights_classes: frozenset[str]
    #: max_connections = DBInstanceClassMemory / this (RDS's default formula), capped.
    bytes_per_connection: int
    max_connections_cap: int | None


def _postgres(version: rds.PostgresEngineVersion) -> Callable[[], rds.IInstanceEngine]:
    return lambda: rds.DatabaseInstanceEngine.postgres(version=version)


def _mysql(full: str, major: str) -> Callable[[], rds.IInstanceEngine]:
    return lambda: rds.DatabaseInstanceEngine.mysql(version=rds.MysqlEngineVersion.of(full, major))


POSTGRES = RdsEngine(
    name="postgres",
    # Major versions only: RDS creates the instance on the newest minor of the major and
    # keeps it current (auto minor version upgrade), so the template never pins a minor
    # that RDS later retires. PostgreSQL 13 left standard support in February 2026.
    versions=MappingProxyType(
        {
            "16": _postgres(rds.PostgresEngineVersion.VER_16),
            "17": _postgres(rds.PostgresEngineVersion.VER_17),
            "18": _postgres(rds.PostgresEngineVersion.VER_18),
        }
    ),
    default_version="18",
    default_port=5432,
    default_username="postgres",
    username_max_length=63,
    database_name_max_length=63,
    log_exports=("postgresql", "upgrade", "iam-db-auth-error"),
    parameters=MappingProxyType({"rds.force_ssl": "1", "log_min_duration_statement": "1000"}),
    no_insights_classes=frozenset(),
    bytes_per_connection=9531392,
    max_connections_cap=5000,
)

MYSQL = RdsEngine(
    name="mysql",
    # A full minor version: cfn-lint 1.58 (E3691) refuses a major-only MySQL EngineVersion.
    # RDS upgrades the minor during the maintenance window; the template keeps the minor
    # it was created with, which CloudFormation does not send again unless it changes.
    # MySQL 8.0 is left out: its RDS standard support ended on 2026-07-31, and new 8.0
    # instances run (and are billed) on Extended Support.
    versions=MappingProxyType({"8.4": _mysql("8.4.10", "8.4")}),
    default_version="8.4",
    default_port=3306,
    default_username="admin",
    username_max_length=32,
    database_name_max_length=64,
    # The general log (every statement) is left out: it is large and holds every query's text.
    log_exports=("error", "slowquery", "iam-db-auth-error"),
    parameters=MappingProxyType(
        {"require_secure_transport": "ON", "slow_query_log": "1", "long_query_time": "1", "log_output": "FILE"}
    ),
    no_insights_classes=frozenset({"t2.micro", "t2.small", "t3.micro", "t3.small", "t4g.micro", "t4g.small"}),
    bytes_per_connection=12582880,
    max_connections_cap=None,
)

RDS_ENGINES: Mapping[str, RdsEngine] = MappingProxyType({POSTGRES.name: POSTGRES, MYSQL.name: MYSQL})

#: The instance classes when none is given (without the ``db.`` prefix CDK adds).
PRODUCTION_INSTANCE = "m7g.large"
SANDBOX_INSTANCE = "t4g.micro"
#: The smallest burstable class with Performance Insights for every engine here.
SANDBOX_INSTANCE_WITH_INSIGHTS = "t4g.medium"


def default_instance_type(engine: RdsEngine, *, production: bool) -> ec2.InstanceType:
    """Graviton general purpose in production (no CPU credits to run out of), the
    cheapest burstable class with Performance Insights for the engine otherwise."""
    if production:
        return ec2.InstanceType(PRODUCTION_INSTANCE)
    if SANDBOX_INSTANCE in engine.no_insights_classes:
        return ec2.InstanceType(SANDBOX_INSTANCE_WITH_INSIGHTS)
    return ec2.InstanceType(SANDBOX_INSTANCE)


# Memory of the classes the alarms can size themselves for: burstable by size, the
# others by GiB per vCPU (a "large" has 2 vCPUs, an "Nxlarge" 4N).
_BURSTABLE_GIB = {"micro": 1, "small": 2, "medium": 4, "large": 8, "xlarge": 16, "2xlarge": 32}
_GIB_PER_VCPU = {"m": 4, "r": 8, "x2g": 16}
#: RDS keeps part of a class's memory for the OS and its own agents; DBInstanceClassMemory,
#: which the max_connections formulas divide, is about this share of it (e.g. 87
#: connections for PostgreSQL on a 1 GiB class, 1 GiB x 0.77 / 9531392).
CLASS_MEMORY_SHARE = 0.75


def memory_gib(instance_type: str) -> float | None:
    """The memory of ``instance_type`` (e.g. ``m7g.large``), or None for a class this
    table does not know."""
    family, _, size = instance_type.removeprefix("db.").partition(".")
    if not family or not size:
        return None
    if family.startswith("t"):
        return _BURSTABLE_GIB.get(size)
    per_vcpu = _GIB_PER_VCPU.get(family) or _GIB_PER_VCPU.get(family[0])
    if per_vcpu is None:
        return None
    if size == "large":
        return 2 * per_vcpu
    if size == "xlarge":
        return 4 * per_vcpu
    multiple = size.removesuffix("xlarge")
    return 4 * int(multiple) * per_vcpu if size.endswith("xlarge") and multiple.isdigit() else None


def estimated_max_connections(engine: RdsEngine, gib: float) -> int:
    """RDS's default max_connections for ``engine`` on a class of ``gib`` GiB."""
    connections = int(gib * 1024**3 * CLASS_MEMORY_SHARE // engine.bytes_per_connection)
    return min(connections, engine.max_connections_cap) if engine.max_connections_cap else connections


@dataclass(frozen=True)
class CacheEngine:
    """One ElastiCache engine: the versions known to work with TLS and RBAC with IAM users
    (Valkey 7.2+, Redis OSS 7.0+), and its default port."""

    name: str
    versions: tuple[str, ...]
    default_version: str
    default_port: int = 6379


#: Valkey: the engine AWS recommends for new caches since October 2024, priced 20% below
#: Redis OSS for nodes. 8.2 is the newest 8.x; 9.0 is known and selectable.
VALKEY = CacheEngine(name="valkey", versions=("7.2", "8.0", "8.1", "8.2", "9.0"), default_version="8.2")
#: Redis OSS: 7.x only, as IAM authentication needs 7.0 or later.
REDIS = CacheEngine(name="redis", versions=("7.0", "7.1"), default_version="7.1")

CACHE_ENGINES: Mapping[str, CacheEngine] = MappingProxyType({VALKEY.name: VALKEY, REDIS.name: REDIS})

#: Node types when none is given: Graviton general purpose in production, the smallest
#: burstable node otherwise.
PRODUCTION_NODE = "cache.m7g.large"
SANDBOX_NODE = "cache.t4g.micro"
