"""The alarms of ``Database`` (CPU, storage, memory, connections, replica lag) and of
``Cache`` (engine CPU, memory, evictions), through ``cdk_refarch.core.alarms``."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_elasticache as elasticache
from aws_cdk import aws_rds as rds
from aws_cdk import aws_sns as sns
from constructs import Construct

from cdk_refarch.core.alarms import add_alarm
from cdk_refarch.database.engines import RdsEngine, estimated_max_connections
from cdk_refarch.database.options import CacheAlarmOptions, DatabaseAlarmOptions

_PERIOD = Duration.minutes(5)
#: Periods of 5 minutes a load alarm waits for: a busy quarter of an hour, not a spike.
SUSTAINED_PERIODS = 3
_GIB, _MIB = 1024**3, 1024**2


def storage_threshold_gib(options: DatabaseAlarmOptions, allocated_storage_gib: int) -> float:
    return options.free_storage_gib if options.free_storage_gib is not None else allocated_storage_gib / 10


def memory_threshold_mib(options: DatabaseAlarmOptions, memory_gib: float | None) -> int:
    if options.freeable_memory_mib is not None:
        return options.freeable_memory_mib
    assert memory_gib is not None  # checked: a class of unknown memory needs the threshold
    return int(memory_gib * 1024 / 10)


def connections_threshold(options: DatabaseAlarmOptions, engine: RdsEngine, memory_gib: float | None) -> int:
    if options.connections is not None:
        return options.connections
    assert memory_gib is not None  # checked, as above
    return max(1, estimated_max_connections(engine, memory_gib) * 8 // 10)


def database_alarms(
    scope: Construct,
    *,
    instance: rds.DatabaseInstance,
    replicas: Sequence[rds.DatabaseInstanceReadReplica],
    options: DatabaseAlarmOptions,
    topic: sns.ITopic,
    engine: RdsEngine,
    allocated_storage_gib: int,
    memory_gib: float | None,
) -> list[cloudwatch.Alarm]:
    storage_gib = storage_threshold_gib(options, allocated_storage_gib)
    memory_mib = memory_threshold_mib(options, memory_gib)
    connections = connections_threshold(options, engine, memory_gib)
    below = cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD
    alarms = [
        add_alarm(
            scope,
            "CpuAlarm",
            metric=instance.metric_cpu_utilization(period=_PERIOD, statistic="Average"),
            threshold=options.cpu_percent,
            evaluation_periods=SUSTAINED_PERIODS,
            description=f"Database CPU above {options.cpu_percent:g}% for 15 minutes",
            topic=topic,
        ),
        add_alarm(
            scope,
            "FreeStorageAlarm",
            metric=instance.metric_free_storage_space(period=_PERIOD, statistic="Minimum"),
            threshold=storage_gib * _GIB,
            comparison=below,
            description=f"Database free storage below {storage_gib:g} GiB: autoscaling lags or is at its ceiling",
            topic=topic,
        ),
        add_alarm(
            scope,
            "FreeableMemoryAlarm",
            metric=instance.metric_freeable_memory(period=_PERIOD, statistic="Average"),
            threshold=memory_mib * _MIB,
            comparison=below,
            evaluation_periods=SUSTAINED_PERIODS,
            description=f"Database freeable memory below {memory_mib} MiB for 15 minutes",
            topic=topic,
        ),
        add_alarm(
            scope,
            "ConnectionsAlarm",
            metric=instance.metric_database_connections(period=_PERIOD, statistic="Maximum"),
            threshold=connections,
            evaluation_periods=SUSTAINED_PERIODS,
            description=f"Database connections above {connections} for 15 minutes",
            topic=topic,
        ),
    ]
    for number, replica in enumerate(replicas, start=1):
        alarms.append(
            add_alarm(
                scope,
                f"Replica{number}LagAlarm",
                metric=replica.metric("ReplicaLag", period=_PERIOD, statistic="Maximum"),
                threshold=options.replica_lag_seconds,
                evaluation_periods=SUSTAINED_PERIODS,
                description=f"Read replica {number} more than {options.replica_lag_seconds} s behind for 15 minutes",
                topic=topic,
            )
        )
    return alarms


def cache_alarms(
    scope: Construct,
    *,
    group: elasticache.CfnReplicationGroup,
    nodes: int,
    options: CacheAlarmOptions,
    topic: sns.ITopic,
) -> list[cloudwatch.Alarm]:
    """Over every node of the group (ElastiCache names them ``<group id>-001``,
    ``-002``...): the busiest node's CPU and memory, the evictions of all."""

    def over_nodes(name: str, statistic: str, function: str, label: str) -> cloudwatch.MathExpression:
        metrics: dict[str, cloudwatch.IMetric] = {
            f"node{number}": cloudwatch.Metric(
                namespace="AWS/ElastiCache",
                metric_name=name,
                dimensions_map={"CacheClusterId": f"{group.ref}-{number:03d}"},
                statistic=statistic,
                period=_PERIOD,
            )
            for number in range(1, nodes + 1)
        }
        return cloudwatch.MathExpression(
            expression=f"{function}([{', '.join(metrics)}])", using_metrics=metrics, label=label, period=_PERIOD
        )

    return [
        add_alarm(
            scope,
            "CpuAlarm",
            metric=over_nodes("EngineCPUUtilization", "Average", "MAX", "Busiest node's engine CPU"),
            threshold=options.cpu_percent,
            evaluation_periods=SUSTAINED_PERIODS,
            description=f"Cache engine CPU above {options.cpu_percent:g}% on a node for 15 minutes",
            topic=topic,
        ),
        add_alarm(
            scope,
            "MemoryAlarm",
            metric=over_nodes("DatabaseMemoryUsagePercentage", "Maximum", "MAX", "Fullest node's memory"),
            threshold=options.memory_percent,
            description=f"Cache memory above {options.memory_percent:g}% of maxmemory on a node",
            topic=topic,
        ),
        add_alarm(
            scope,
            "EvictionsAlarm",
            metric=over_nodes("Evictions", "Sum", "SUM", "Evictions"),
            threshold=options.evictions,
            description=f"Cache evicted more than {options.evictions} keys in 5 minutes: it is too small",
            topic=topic,
        ),
    ]
