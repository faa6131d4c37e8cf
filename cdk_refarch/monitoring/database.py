"""The data tier's section: the RDS primary and its read replicas, and the ElastiCache
cache in front (a ``Database``'s, or a ``Cache`` on its own)."""

from __future__ import annotations

from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_rds as rds

from cdk_refarch.core.errors import require
from cdk_refarch.database import Cache, Database
from cdk_refarch.monitoring.section import Section, section_title
from cdk_refarch.monitoring.widgets import PERCENTILES, PERIOD, QUARTER, THIRD, graph, line

_DATABASE_NOTE = (
    "One line per instance (primary, then read replicas). RDS publishes one value a minute per "
    "metric, so its latency is shown as averages: percentiles of a few averages are not request "
    "percentiles. RDS counts no errors: they show in the callers' sections and the exported logs."
)
_CACHE_NOTE = (
    "One line per node (`<group>-001` is the first primary). Request latency is the engine's, "
    "in microseconds, as p50/p90/p99."
)


def database_section(db: Database | Cache, *, title: str | None = None) -> Section:
    """A ``Database``: IOPS, read/write latency, connections and CPU of every instance,
    then freeable memory, free storage, disk queue depth and replica lag; with its
    cache, the cache's rows too. A ``Cache``: hits and misses, read and write latency
    p50/p90/p99, evictions, then engine CPU, memory and connections of every node.
    The tier's alarms (a database's include its cache's)."""
    require(isinstance(db, (Database, Cache)), f"db ({db!r}) must be a Database or a Cache")
    if isinstance(db, Cache):
        return Section(
            title=section_title("Cache", db, title), rows=_cache_rows(db), alarms=db.alarms, description=_CACHE_NOTE
        )
    rows = _database_rows(db)
    note = _DATABASE_NOTE
    if db.cache is not None:
        rows.extend(_cache_rows(db.cache))
        note = f"{_DATABASE_NOTE}\n\nCache: {_CACHE_NOTE}"
    return Section(title=section_title("Database", db, title), rows=rows, alarms=db.alarms, description=note)


def _database_rows(db: Database) -> list[list[cloudwatch.IWidget]]:
    instances: dict[str, rds.IDatabaseInstance] = {"primary": db.instance}
    instances.update({f"replica {number}": replica for number, replica in enumerate(db.replicas, start=1)})

    def each(metric_name: str, statistic: str, suffix: str = "") -> list[cloudwatch.IMetric]:
        return [
            line(instance.metric(metric_name), f"{name}{suffix}", statistic) for name, instance in instances.items()
        ]

    saturation_width = QUARTER if db.replicas else THIRD
    saturation: list[cloudwatch.IWidget] = [
        graph("Freeable memory", each("FreeableMemory", "Minimum"), width=saturation_width, unit="Bytes"),
        graph("Free storage", each("FreeStorageSpace", "Minimum"), width=saturation_width, unit="Bytes"),
        graph("Disk queue depth", each("DiskQueueDepth", "Average"), width=saturation_width, unit="Count"),
    ]
    if db.replicas:
        lag = {name: instance for name, instance in instances.items() if name != "primary"}
        saturation.append(
            graph("Replica lag", [line(r.metric("ReplicaLag"), n, "Maximum") for n, r in lag.items()], unit="Seconds")
        )
    return [
        [
            graph(
                "IOPS", each("ReadIOPS", "Average", " read") + each("WriteIOPS", "Average", " write"), unit="Count/s"
            ),
            graph(
                "Read and write latency",
                each("ReadLatency", "Average", " read") + each("WriteLatency", "Average", " write"),
                unit="Seconds",
            ),
            graph("Connections", each("DatabaseConnections", "Maximum"), unit="Count"),
            graph("CPU", each("CPUUtilization", "Average"), unit="%"),
        ],
        saturation,
    ]


def _cache_rows(cache: Cache) -> list[list[cloudwatch.IWidget]]:
    group = cache.replication_group
    # ElastiCache names a replication group's nodes <group id>-001, -002...
    nodes = {f"node {n}": f"{group.ref}-{n:03d}" for n in range(1, (group.num_cache_clusters or 1) + 1)}

    def metric(metric_name: str, node: str) -> cloudwatch.Metric:
        return cloudwatch.Metric(
            namespace="AWS/ElastiCache", metric_name=metric_name, dimensions_map={"CacheClusterId": node}, period=PERIOD
        )

    def each(metric_name: str, statistic: str, suffix: str = "") -> list[cloudwatch.IMetric]:
        return [line(metric(metric_name, node), f"{name}{suffix}", statistic) for name, node in nodes.items()]

    def latency(metric_name: str) -> list[cloudwatch.IMetric]:
        return [
            line(metric(metric_name, node), f"{name} {statistic}", statistic)
            for name, node in nodes.items()
            for statistic in PERCENTILES
        ]

    return [
        [
            graph("Cache hits and misses", each("CacheHits", "Sum", " hits") + each("CacheMisses", "Sum", " misses")),
            graph("Cache read latency", latency("SuccessfulReadRequestLatency"), unit="Microseconds"),
            graph("Cache write latency", latency("SuccessfulWriteRequestLatency"), unit="Microseconds"),
            graph("Cache evictions", each("Evictions", "Sum"), unit="Count"),
        ],
        [
            graph("Cache engine CPU", each("EngineCPUUtilization", "Average"), width=THIRD, unit="%"),
            graph("Cache memory used", each("DatabaseMemoryUsagePercentage", "Maximum"), width=THIRD, unit="%"),
            graph("Cache connections", each("CurrConnections", "Maximum"), width=THIRD, unit="Count"),
        ],
    ]
