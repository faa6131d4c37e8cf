"""Database's and Cache's cross-field input checks (one function each, called before
anything is built), and the synth-time warning for a database or cache no one may reach."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import jsii
from aws_cdk import Annotations, RemovalPolicy, Token
from aws_cdk import aws_ec2 as ec2
from constructs import Construct, IConstruct, IValidation

from cdk_refarch.core.errors import PatternConfigError, require
from cdk_refarch.core.retention import log_retention
from cdk_refarch.core.validation import check_bool, check_int
from cdk_refarch.database.engines import RDS_ENGINES, RdsEngine, memory_gib
from cdk_refarch.database.options import (
    CacheOptions,
    DatabaseAlarmOptions,
    check_daily_window,
    check_weekly_window,
    check_windows_apart,
)

#: RDS's refresh intervals for enhanced monitoring, in seconds.
MONITORING_INTERVALS = (1, 5, 10, 15, 30, 60)
_REMOVAL_POLICIES = (RemovalPolicy.RETAIN, RemovalPolicy.SNAPSHOT, RemovalPolicy.DESTROY)


def check_peers(peers: Sequence[ec2.IConnectable]) -> None:
    """Every peer is, or has, a security group: the port opens to groups, never to a CIDR."""
    for peer in peers:
        groups = peer.connections.security_groups if hasattr(peer, "connections") else []
        require(
            bool(groups),
            f"allowed peer ({peer!r}) has no security group: pass a security group or a construct with "
            "one (a service, an instance); the port is never opened to an address range",
        )


def selected_subnets(vpc: ec2.IVpc, selection: ec2.SubnetSelection, prop: str) -> ec2.SelectedSubnets:
    """The subnets of ``selection``, in at least two AZs as RDS and ElastiCache subnet groups need."""
    try:
        selected = vpc.select_subnets(
            availability_zones=selection.availability_zones,
            one_per_az=selection.one_per_az,
            subnet_filters=selection.subnet_filters,
            subnet_group_name=selection.subnet_group_name,
            subnets=selection.subnets,
            subnet_type=selection.subnet_type,
        )
    except RuntimeError as error:  # jsii surfaces CDK's errors as RuntimeError
        raise PatternConfigError(f"{prop} selects no subnets of the VPC: {error}") from error
    zones = {subnet.availability_zone for subnet in selected.subnets}
    if not any(Token.is_unresolved(zone) for zone in zones):
        require(
            len(zones) >= 2,
            f"{prop} selects subnets in {len(zones)} availability zone(s) ({', '.join(sorted(zones))}): a "
            "database or cache subnet group needs subnets in at least two",
        )
    return selected


def check_database(
    *,
    engine: str,
    engine_version: str | None,
    instance_type: ec2.InstanceType | None,
    production: bool,
    multi_az: bool | None,
    allow_single_az_in_production: bool,
    backup_retention_days: int | None,
    deletion_protection: bool | None,
    removal_policy: RemovalPolicy | None,
    allocated_storage_gib: int,
    max_allocated_storage_gib: int,
    port: int | None,
    master_username: str | None,
    database_name: str | None,
    backup_window: str,
    maintenance_window: str,
    performance_insights: bool,
    monitoring_interval_seconds: int,
    log_retention_days: int,
    allowed_peers: Sequence[ec2.IConnectable],
    read_replicas: int,
    alarms: DatabaseAlarmOptions,
) -> None:
    """Every rule on Database's input that concerns more than one field, or a plain property."""
    require(engine in RDS_ENGINES, f"engine ({engine!r}) must be one of: {', '.join(RDS_ENGINES)}")
    known = RDS_ENGINES[engine]
    require(
        engine_version is None or engine_version in known.versions,
        f"engine_version ({engine_version!r}) is not a {engine} major version this construct knows: "
        f"{', '.join(known.versions)}",
    )
    check_bool("production", production)
    check_bool("allow_single_az_in_production", allow_single_az_in_production)
    check_bool("performance_insights", performance_insights)
    for prop, value in (("multi_az", multi_az), ("deletion_protection", deletion_protection)):
        if value is not None:
            check_bool(prop, value)
    if production and multi_az is False:
        require(
            allow_single_az_in_production,
            "multi_az (False) with production=True: a single-AZ database is down for as long as its AZ or "
            "host is (no standby to fail over to, notes 001:2180-2199); pass allow_single_az_in_production=True "
            "to accept that, or production=False",
        )
    else:
        require(
            not allow_single_az_in_production,
            "allow_single_az_in_production is only used with production=True and multi_az=False",
        )
    if backup_retention_days is not None:
        check_int("backup_retention_days", backup_retention_days, minimum=1, maximum=35, unit="days")
    require(
        removal_policy is None or removal_policy in _REMOVAL_POLICIES,
        f"removal_policy ({removal_policy!r}) must be RemovalPolicy.RETAIN, SNAPSHOT or DESTROY",
    )
    _check_storage(allocated_storage_gib, max_allocated_storage_gib, alarms)
    if port is not None:
        check_int("port", port, minimum=1150, maximum=65535)
    _check_names(known, master_username, database_name)
    backup = check_daily_window("preferred_backup_window", backup_window, minimum_minutes=30)
    maintenance = check_weekly_window("preferred_maintenance_window", maintenance_window, minimum_minutes=30)
    check_windows_apart(
        ("preferred_backup_window", backup_window, backup),
        ("preferred_maintenance_window", maintenance_window, maintenance),
    )
    if instance_type is not None:
        require(
            isinstance(instance_type, ec2.InstanceType),
            f"instance_type ({instance_type!r}) must be an ec2.InstanceType, e.g. ec2.InstanceType('t4g.medium')",
        )
        _check_instance_class(known, instance_type.to_string(), performance_insights, alarms)
    intervals = ", ".join(str(seconds) for seconds in MONITORING_INTERVALS)
    require(
        monitoring_interval_seconds in MONITORING_INTERVALS and not isinstance(monitoring_interval_seconds, bool),
        f"monitoring_interval_seconds ({monitoring_interval_seconds!r}) must be one of: {intervals}",
    )
    log_retention("log_retention_days", log_retention_days)
    check_peers(allowed_peers)
    check_int("read_replicas", read_replicas, minimum=0, maximum=15)


def _check_instance_class(
    engine: RdsEngine, instance_class: str, performance_insights: bool, alarms: DatabaseAlarmOptions
) -> None:
    if performance_insights:
        require(
            instance_class not in engine.no_insights_classes,
            f"instance_type (db.{instance_class}) has no Performance Insights for {engine.name}: choose "
            "db.t4g.medium or larger, or pass performance_insights=False",
        )
    require(
        memory_gib(instance_class) is not None
        or (alarms.freeable_memory_mib is not None and alarms.connections is not None),
        f"instance_type (db.{instance_class}) is not a class whose memory this construct knows, so its "
        "alarms cannot size themselves: pass DatabaseAlarmOptions(freeable_memory_mib=..., connections=...)",
    )


def _check_storage(allocated: int, maximum: int, alarms: DatabaseAlarmOptions) -> None:
    check_int("allocated_storage_gib", allocated, minimum=20, maximum=65536, unit="GiB")
    check_int("max_allocated_storage_gib", maximum, minimum=21, maximum=65536, unit="GiB")
    require(
        maximum > allocated,
        f"max_allocated_storage_gib ({maximum}) must be above allocated_storage_gib ({allocated}): "
        "it is the ceiling storage autoscaling grows the volume to",
    )
    least = -(-allocated * 11 // 10)  # RDS wants the ceiling at least 10% above the allocation
    require(
        maximum >= least,
        f"max_allocated_storage_gib ({maximum}) must be at least 10% above allocated_storage_gib "
        f"({allocated}), i.e. {least} or more: RDS refuses a smaller autoscaling ceiling",
    )
    if alarms.free_storage_gib is not None:
        require(
            alarms.free_storage_gib < allocated,
            f"free_storage_gib ({alarms.free_storage_gib}) must be below allocated_storage_gib ({allocated})",
        )


def _check_names(engine: RdsEngine, master_username: str | None, database_name: str | None) -> None:
    if master_username is not None:
        most = engine.username_max_length
        require(
            isinstance(master_username, str)
            and bool(re.fullmatch(rf"[A-Za-z][A-Za-z0-9]{{0,{most - 1}}}", master_username))
            and master_username.lower() != "rdsadmin",
            f"master_username ({master_username!r}) must be 1 to {most} letters or digits starting with a "
            "letter, and not 'rdsadmin'",
        )
    if database_name is not None:
        most = engine.database_name_max_length
        require(
            isinstance(database_name, str)
            and bool(re.fullmatch(rf"[A-Za-z][A-Za-z0-9_]{{0,{most - 1}}}", database_name)),
            f"database_name ({database_name!r}) must be 1 to {most} letters, digits or underscores "
            "starting with a letter",
        )


def check_db_user(db_user: object, engine: RdsEngine) -> str:
    """A database user name for IAM authentication (``grant_connect``)."""
    most = engine.username_max_length
    require(
        isinstance(db_user, str) and bool(re.fullmatch(rf"[A-Za-z_][A-Za-z0-9_$-]{{0,{most - 1}}}", db_user)),
        f"db_user ({db_user!r}) must be a {engine.name} user name: 1 to {most} letters, digits, _, $ or -, "
        "not starting with a digit",
    )
    return str(db_user)


def check_cache(
    *,
    options: CacheOptions,
    production: bool,
    removal_policy: RemovalPolicy | None,
    allowed_peers: Sequence[ec2.IConnectable],
) -> None:
    """Every rule on Cache's input that concerns more than one field, or a plain property."""
    check_bool("production", production)
    if production:
        require(
            options.replicas is None or options.replicas >= 1,
            f"replicas ({options.replicas}) with production=True: a production cache needs at least one "
            "replica for Multi-AZ with automatic failover, or a node failure empties it and sends every "
            "read to the database",
        )
    require(
        removal_policy is None or removal_policy in _REMOVAL_POLICIES,
        f"removal_policy ({removal_policy!r}) must be RemovalPolicy.RETAIN, SNAPSHOT or DESTROY",
    )
    check_peers(allowed_peers)


@jsii.implements(IValidation)
class PeerWarning:
    """At synth, after every ``allow_from``: a warning on ``construct`` when nothing may
    reach it (no peer given, none added)."""

    def __init__(self, construct: IConstruct, *, reachable: Callable[[], bool], what: str) -> None:
        self._construct = construct
        self._reachable = reachable
        self._what = what

    def validate(self) -> list[str]:
        if not self._reachable():
            Annotations.of(self._construct).add_warning_v2(
                "@cdk-refarch/database:noAllowedPeer",
                f"No security group may reach this {self._what}: pass allowed_peers=[...] or call "
                "allow_from(peer) with the application's security group (or service).",
            )
        return []


def warn_when_unreachable(construct: Construct, *, reachable: Callable[[], bool], what: str) -> None:
    construct.node.add_validation(PeerWarning(construct, reachable=reachable, what=what))
