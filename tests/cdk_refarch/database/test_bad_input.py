"""Database and Cache refuse bad input at synth, naming the property, the value and what is allowed."""

from __future__ import annotations

import math
import re
from typing import Any

import pytest
from aws_cdk import App, RemovalPolicy, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sns as sns

from cdk_refarch import PatternConfigError
from cdk_refarch.database import Cache, CacheAlarmOptions, CacheOptions, Database, DatabaseAlarmOptions
from tests.cdk_refarch.database.variants import ENV, app_group, vpc
from tests.synthesis import CDK_CONTEXT


def _raises(message: str) -> Any:
    return pytest.raises(PatternConfigError, match=re.escape(message))


def _stack() -> Stack:
    return Stack(App(context=CDK_CONTEXT), "T", env=ENV)


def _database(stack: Stack | None = None, **props: Any) -> Database:
    stack = stack or _stack()
    return Database(stack, "Db", vpc=props.pop("vpc", None) or vpc(stack), **props)


def _cache(stack: Stack | None = None, **props: Any) -> Cache:
    stack = stack or _stack()
    return Cache(stack, "Cache", vpc=vpc(stack), **props)


# The profile and Multi-AZ.


@pytest.mark.parametrize("days", [0, 36, True, math.nan, 7.0])
def test_backup_retention_outside_one_to_thirty_five_days(days: Any) -> None:
    with _raises(f"backup_retention_days ({days!r}) must be an integer from 1 to 35 days"):
        _database(backup_retention_days=days)


def test_single_az_in_production_needs_the_override() -> None:
    with _raises(
        "multi_az (False) with production=True: a single-AZ database is down for as long as its AZ or host is "
        "(no standby to fail over to, notes 001:2180-2199); pass allow_single_az_in_production=True to accept "
        "that, or production=False"
    ):
        _database(multi_az=False)


@pytest.mark.parametrize("props", [{}, {"production": False, "multi_az": False}])
def test_the_override_is_refused_where_it_changes_nothing(props: dict[str, Any]) -> None:
    with _raises("allow_single_az_in_production is only used with production=True and multi_az=False"):
        _database(allow_single_az_in_production=True, **props)


@pytest.mark.parametrize(
    ("prop", "value"),
    [("production", "yes"), ("multi_az", 1), ("deletion_protection", "no"), ("performance_insights", None)],
)
def test_flags_are_true_or_false(prop: str, value: Any) -> None:
    with _raises(f"{prop} ({value!r}) must be True or False"):
        _database(**{prop: value})


def test_removal_policy_retain_snapshot_or_destroy() -> None:
    with _raises(
        "removal_policy (<RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE: 'RETAIN_ON_UPDATE_OR_DELETE'>) must be "
        "RemovalPolicy.RETAIN, SNAPSHOT or DESTROY"
    ):
        _database(removal_policy=RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE)


# Engines and instance classes.


def test_unknown_engine() -> None:
    with _raises("engine ('oracle') must be one of: postgres, mysql"):
        _database(engine="oracle")


@pytest.mark.parametrize(
    ("engine", "version", "known"),
    [("postgres", "15", "16, 17, 18"), ("postgres", 18, "16, 17, 18"), ("mysql", "8.0", "8.4")],
)
def test_unknown_engine_version_lists_the_known_ones(engine: str, version: Any, known: str) -> None:
    with _raises(f"engine_version ({version!r}) is not a {engine} major version this construct knows: {known}"):
        _database(engine=engine, engine_version=version)


def test_mysql_on_a_class_without_performance_insights() -> None:
    with _raises(
        "instance_type (db.t4g.micro) has no Performance Insights for mysql: choose db.t4g.medium or larger, "
        "or pass performance_insights=False"
    ):
        _database(engine="mysql", instance_type=ec2.InstanceType("t4g.micro"))


def test_instance_type_is_an_instance_type() -> None:
    with _raises("instance_type ('t4g.medium') must be an ec2.InstanceType, e.g. ec2.InstanceType('t4g.medium')"):
        _database(instance_type="t4g.medium")


def test_a_class_of_unknown_memory_needs_the_memory_and_connection_thresholds() -> None:
    with _raises(
        "instance_type (db.c6gd.large) is not a class whose memory this construct knows, so its alarms cannot "
        "size themselves: pass DatabaseAlarmOptions(freeable_memory_mib=..., connections=...)"
    ):
        _database(instance_type=ec2.InstanceType("c6gd.large"))


# Storage.


@pytest.mark.parametrize(("allocated", "maximum"), [(30, 30), (100, 50)])
def test_storage_ceiling_not_above_the_allocation(allocated: int, maximum: int) -> None:
    with _raises(
        f"max_allocated_storage_gib ({maximum}) must be above allocated_storage_gib ({allocated}): it is the "
        "ceiling storage autoscaling grows the volume to"
    ):
        _database(allocated_storage_gib=allocated, max_allocated_storage_gib=maximum)


def test_storage_ceiling_less_than_ten_percent_above_the_allocation() -> None:
    with _raises(
        "max_allocated_storage_gib (105) must be at least 10% above allocated_storage_gib (100), i.e. 110 or "
        "more: RDS refuses a smaller autoscaling ceiling"
    ):
        _database(allocated_storage_gib=100, max_allocated_storage_gib=105)


@pytest.mark.parametrize("allocated", [10, 70000])
def test_allocated_storage_outside_gp3_sizes(allocated: int) -> None:
    with _raises(f"allocated_storage_gib ({allocated}) must be an integer from 20 to 65536 GiB"):
        _database(allocated_storage_gib=allocated, max_allocated_storage_gib=65536)


# Windows.


@pytest.mark.parametrize("window", ["3:00-04:00", "03:00", "24:00-01:00", "sun:03:00-sun:04:00", None])
def test_backup_window_format(window: Any) -> None:
    with _raises(f"preferred_backup_window ({window!r}) must be hh24:mi-hh24:mi in UTC, e.g. '03:00-04:00'"):
        _database(preferred_backup_window=window)


@pytest.mark.parametrize("window", ["sunday:04:30-sun:05:30", "sun:04:30-05:30", "sun:4:30-sun:05:30"])
def test_maintenance_window_format(window: str) -> None:
    with _raises(
        f"preferred_maintenance_window ({window!r}) must be ddd:hh24:mi-ddd:hh24:mi in UTC, e.g. 'sun:04:30-sun:05:30'"
    ):
        _database(preferred_maintenance_window=window)


@pytest.mark.parametrize(
    ("prop", "window"),
    [("preferred_backup_window", "03:00-03:15"), ("preferred_maintenance_window", "sun:05:00-sun:05:00")],
)
def test_windows_last_at_least_thirty_minutes(prop: str, window: str) -> None:
    with _raises(f"{prop} ({window!r}) must last at least 30 minutes"):
        _database(**{prop: window})


@pytest.mark.parametrize(
    ("backup", "maintenance"), [("05:00-06:00", "sun:04:30-sun:05:30"), ("23:30-00:30", "sat:23:45-sun:00:15")]
)
def test_backup_and_maintenance_windows_must_not_overlap(backup: str, maintenance: str) -> None:
    with _raises(
        f"preferred_backup_window ({backup!r}) and preferred_maintenance_window ({maintenance!r}) must not overlap"
    ):
        _database(preferred_backup_window=backup, preferred_maintenance_window=maintenance)


# Network, names, monitoring.


@pytest.mark.parametrize("port", [80, 1149, 65536])
def test_port_range(port: int) -> None:
    with _raises(f"port ({port}) must be an integer from 1150 to 65535"):
        _database(port=port)


def test_a_cidr_is_never_an_allowed_peer() -> None:
    with pytest.raises(PatternConfigError, match=r"allowed peer \(.*\) has no security group: pass a security group"):
        _database(allowed_peers=[ec2.Peer.ipv4("10.0.0.0/16")])


def test_allow_from_refuses_a_cidr_too() -> None:
    database = _database(production=False)
    with pytest.raises(PatternConfigError, match=r"the port is never opened to an address range"):
        database.allow_from(ec2.Peer.any_ipv4())


def test_subnets_in_one_zone_cannot_hold_a_database() -> None:
    stack = _stack()
    with _raises(
        "vpc_subnets selects subnets in 1 availability zone(s) (eu-west-1a): a database or cache subnet group "
        "needs subnets in at least two"
    ):
        _database(stack, vpc=vpc(stack, zones=1))


def test_a_vpc_without_isolated_subnets() -> None:
    stack = _stack()
    private = ec2.Vpc.from_vpc_attributes(
        stack,
        "Private",
        vpc_id="vpc-0a1b2c3d4e5f60718",
        availability_zones=["eu-west-1a", "eu-west-1b"],
        private_subnet_ids=["subnet-0c00000000000000c", "subnet-0d00000000000000d"],
    )
    with pytest.raises(PatternConfigError, match=r"^vpc_subnets selects no subnets of the VPC: "):
        _database(stack, vpc=private)


@pytest.mark.parametrize("username", ["1admin", "admin_user", "rdsadmin", "a" * 64, ""])
def test_master_username(username: str) -> None:
    with _raises(
        f"master_username ({username!r}) must be 1 to 63 letters or digits starting with a letter, and not 'rdsadmin'"
    ):
        _database(master_username=username)


@pytest.mark.parametrize("name", ["my-db", "1db", "a" * 65])
def test_database_name(name: str) -> None:
    with _raises(f"database_name ({name!r}) must be 1 to 64 letters, digits or underscores starting with a letter"):
        _database(engine="mysql", database_name=name)


@pytest.mark.parametrize("seconds", [0, 2, 120, True])
def test_monitoring_interval(seconds: Any) -> None:
    with _raises(f"monitoring_interval_seconds ({seconds!r}) must be one of: 1, 5, 10, 15, 30, 60"):
        _database(monitoring_interval_seconds=seconds)


def test_log_retention_is_a_cloudwatch_period() -> None:
    with _raises("log_retention_days (8) must be one of the CloudWatch Logs retention periods: 1, 3, 5, 7, 14,"):
        _database(log_retention_days=8)


@pytest.mark.parametrize("count", [-1, 16, 1.5])
def test_read_replica_count(count: Any) -> None:
    with _raises(f"read_replicas ({count!r}) must be an integer from 0 to 15"):
        _database(read_replicas=count)


@pytest.mark.parametrize("user", ["1user", "user name", "a" * 64, None])
def test_grant_connect_needs_a_database_user_name(user: Any) -> None:
    stack = _stack()
    database = _database(stack, production=False, allowed_peers=[app_group(stack)])
    role = iam.Role(database, "Role", assumed_by=iam.ServicePrincipal("ecs-tasks.amazonaws.com"))
    with _raises(
        f"db_user ({user!r}) must be a postgres user name: 1 to 63 letters, digits, _, $ or -, "
        "not starting with a digit"
    ):
        database.grant_connect(role, user)


# Alarm options.


@pytest.mark.parametrize("percent", [0, 101, math.nan, True])
def test_cpu_alarm_threshold_is_a_percentage(percent: Any) -> None:
    with _raises(f"cpu_percent ({percent!r}) must be a finite number from 1 to 100"):
        DatabaseAlarmOptions(cpu_percent=percent)


@pytest.mark.parametrize(
    ("props", "message"),
    [
        ({"free_storage_gib": 0}, "free_storage_gib (0) must be a finite number above 0"),
        ({"freeable_memory_mib": 0}, "freeable_memory_mib (0) must be an integer at least 1 MiB"),
        ({"connections": 0}, "connections (0) must be an integer at least 1"),
        ({"replica_lag_seconds": 0}, "replica_lag_seconds (0) must be an integer at least 1 seconds"),
    ],
)
def test_database_alarm_thresholds(props: dict[str, Any], message: str) -> None:
    with _raises(message):
        DatabaseAlarmOptions(**props)


def test_free_storage_threshold_below_the_allocation() -> None:
    with _raises("free_storage_gib (20) must be below allocated_storage_gib (20)"):
        _database(alarms=DatabaseAlarmOptions(free_storage_gib=20))


def test_the_cache_alarms_of_a_database_notify_its_topic() -> None:
    with _raises(
        "DatabaseAlarmOptions.cache holds thresholds only: the cache's alarms notify the database's topic, so "
        "set topic or email on DatabaseAlarmOptions"
    ):
        DatabaseAlarmOptions(cache=CacheAlarmOptions(email="ops@example.com"))


def test_email_only_with_the_topic_created_here() -> None:
    topic = sns.Topic(_stack(), "Topic")
    with _raises("email is only used with the topic created here; subscribe it to your own topic instead"):
        DatabaseAlarmOptions(topic=topic, email="ops@example.com")


def test_email_must_be_an_address() -> None:
    with _raises("email ('ops') must be an e-mail address such as 'ops@example.com'"):
        CacheAlarmOptions(email="ops")


@pytest.mark.parametrize(
    ("props", "message"),
    [
        ({"memory_percent": 0}, "memory_percent (0) must be a finite number from 1 to 100"),
        ({"evictions": -1}, "evictions (-1) must be an integer at least 0"),
    ],
)
def test_cache_alarm_thresholds(props: dict[str, Any], message: str) -> None:
    with _raises(message):
        CacheAlarmOptions(**props)


# The cache.


@pytest.mark.parametrize("days", [-1, 36, True])
def test_cache_snapshot_retention_outside_zero_to_thirty_five_days(days: Any) -> None:
    with _raises(f"snapshot_retention_days ({days!r}) must be an integer from 0 to 35 days"):
        CacheOptions(snapshot_retention_days=days)


def test_a_production_cache_needs_a_failover_replica() -> None:
    with _raises(
        "replicas (0) with production=True: a production cache needs at least one replica for Multi-AZ with "
        "automatic failover, or a node failure empties it and sends every read to the database"
    ):
        _cache(options=CacheOptions(replicas=0))


def test_a_production_database_refuses_a_cache_without_replicas_too() -> None:
    with _raises("replicas (0) with production=True: a production cache needs at least one replica"):
        _database(cache=CacheOptions(replicas=0))


@pytest.mark.parametrize("count", [-1, 6])
def test_cache_replica_count(count: int) -> None:
    with _raises(f"replicas ({count}) must be an integer from 0 to 5"):
        CacheOptions(replicas=count)


def test_unknown_cache_engine() -> None:
    with _raises("cache engine ('memcached') must be one of: valkey, redis"):
        CacheOptions(engine="memcached")


@pytest.mark.parametrize(
    ("engine", "version", "known"), [("valkey", "7.0", "7.2, 8.0, 8.1, 8.2, 9.0"), ("redis", "6.2", "7.0, 7.1")]
)
def test_unknown_cache_version_lists_the_known_ones(engine: str, version: str, known: str) -> None:
    with _raises(f"cache engine_version ({version!r}) is not a {engine} version this construct knows: {known}"):
        CacheOptions(engine=engine, engine_version=version)


@pytest.mark.parametrize("node", ["t4g.micro", "cache.t4g", "Cache.T4G.MICRO"])
def test_cache_node_type(node: str) -> None:
    with _raises(f"node_type ({node!r}) must be an ElastiCache node type such as 'cache.t4g.micro'"):
        CacheOptions(node_type=node)


def test_cache_snapshot_window_format_and_length() -> None:
    with _raises("snapshot_window ('5:00-06:00') must be hh24:mi-hh24:mi in UTC, e.g. '03:00-04:00'"):
        CacheOptions(snapshot_window="5:00-06:00")
    with _raises("snapshot_window ('05:00-05:30') must last at least 60 minutes"):
        CacheOptions(snapshot_window="05:00-05:30")
    with _raises("maintenance_window ('sun:06:30-sun:07:00') must last at least 60 minutes"):
        CacheOptions(maintenance_window="sun:06:30-sun:07:00")


def test_cache_snapshot_and_maintenance_windows_must_not_overlap() -> None:
    with _raises("snapshot_window ('06:00-07:00') and maintenance_window ('sun:06:30-sun:07:30') must not overlap"):
        CacheOptions(snapshot_window="06:00-07:00")


@pytest.mark.parametrize("port", [80, 65536])
def test_cache_port(port: int) -> None:
    with _raises(f"cache port ({port}) must be an integer from 1024 to 65535"):
        CacheOptions(port=port)


@pytest.mark.parametrize("rules", ["~* +@all", "", "off ~* +@all"])
def test_access_string_starts_with_on(rules: str) -> None:
    with _raises(f"access_string ({rules!r}) must start with 'on' and list the user's rules"):
        CacheOptions(access_string=rules)


@pytest.mark.parametrize(
    ("rules", "bad"), [("on nopass ~* +@all", "'nopass'"), ("on >secret ~* reset", "'>secret', 'reset'")]
)
def test_access_string_holds_no_password_or_reset(rules: str, bad: str) -> None:
    with _raises(f"access_string must not contain {bad}: ElastiCache refuses passwords and 'reset'"):
        CacheOptions(access_string=rules)


def test_a_cidr_is_never_a_cache_peer() -> None:
    with pytest.raises(PatternConfigError, match=r"allowed peer \(.*\) has no security group"):
        _cache(production=False, allowed_peers=[ec2.Peer.ipv4("10.0.0.0/8")])


def test_cache_removal_policy() -> None:
    with _raises(
        "removal_policy (<RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE: 'RETAIN_ON_UPDATE_OR_DELETE'>) must be "
        "RemovalPolicy.RETAIN, SNAPSHOT or DESTROY"
    ):
        _cache(removal_policy=RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE)
