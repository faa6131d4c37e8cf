"""Database and Cache stacks for the option assertions, synthesized once per test module with cdk-nag."""

from __future__ import annotations

import json

from aws_cdk import App, Environment, RemovalPolicy, Stack, Validations
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from cdk_nag import AwsSolutionsChecks

from cdk_refarch.database import Cache, CacheAlarmOptions, CacheOptions, Database, DatabaseAlarmOptions
from tests.synthesis import Synthesized

ENV = Environment(region="eu-west-1")
APP_GROUP = "sg-0123456789abcdef0"
DEFAULTS, SANDBOX, FULL = "DatabaseDefaults", "DatabaseSandbox", "DatabaseFull"
ALLOW_LATER, NO_PEER = "DatabaseAllowLater", "DatabaseNoPeer"
DATABASE_STACKS = (DEFAULTS, SANDBOX, FULL, ALLOW_LATER, NO_PEER)
CACHE_DEFAULTS, CACHE_SANDBOX = "CacheDefaults", "CacheSandbox"
CACHE_STACKS = (CACHE_DEFAULTS, CACHE_SANDBOX)


def vpc(stack: Stack, *, zones: int = 2) -> ec2.IVpc:
    """An existing VPC with isolated subnets (no route out) in ``zones`` AZs: the Network
    pattern's own tests cover networks, and an imported one adds nothing to synthesize."""
    names = ["eu-west-1a", "eu-west-1b", "eu-west-1c"][:zones]
    return ec2.Vpc.from_vpc_attributes(
        stack,
        "Vpc",
        vpc_id="vpc-0a1b2c3d4e5f60718",
        availability_zones=names,
        isolated_subnet_ids=[f"subnet-0e0000000000000{index}e" for index in range(zones)],
        isolated_subnet_route_table_ids=[f"rtb-0e0000000000000{index}e" for index in range(zones)],
    )


def app_group(stack: Stack) -> ec2.ISecurityGroup:
    """The application tier's group, imported as another stack would hand it over."""
    return ec2.SecurityGroup.from_security_group_id(stack, "AppGroup", APP_GROUP)


def database(stack: Stack, stack_id: str) -> Database:
    found = stack.node.find_child("Db")
    assert isinstance(found, Database), stack_id
    return found


def acknowledged(app: Synthesized, stack: str) -> dict[str, list[str]]:
    """The rules acknowledged on each construct (path below the stack), as cdk-nag reads them."""
    artifact = app.stacks[stack].artifact_id
    metadata = json.loads((app.outdir / f"{artifact}.metadata.json").read_text())
    found: dict[str, list[str]] = {}
    for path, entries in metadata.items():
        for entry in entries:
            if entry["type"] == "aws:cdk:acknowledged-rules":
                rules = found.setdefault(path.removeprefix(f"/{stack}/"), [])
                rules.extend(rule.removeprefix("Annotation::") for rule in entry["data"])
    return {path: sorted(rules) for path, rules in sorted(found.items())}


def build(app: App) -> list[Stack]:
    # Every default: the production profile, PostgreSQL, reached from the app's group.
    defaults = Stack(app, DEFAULTS, env=ENV)
    Database(defaults, "Db", vpc=vpc(defaults), allowed_peers=[app_group(defaults)])

    # The sandbox profile, from a created group (which gets the egress rule to the port),
    # alarms mailed.
    sandbox = Stack(app, SANDBOX, env=ENV)
    sandbox_vpc = vpc(sandbox)
    web = ec2.SecurityGroup(sandbox, "Web", vpc=sandbox_vpc, allow_all_outbound=False)
    Database(
        sandbox,
        "Db",
        vpc=sandbox_vpc,
        production=False,
        allowed_peers=[web],
        alarms=DatabaseAlarmOptions(email="ops@example.com"),
    )

    # MySQL with every option changed: replicas, a Redis OSS cache, a key and a topic of
    # one's own, windows, port, storage, single-AZ by override, kept on deletion.
    full = Stack(app, FULL, env=ENV)
    full_vpc = vpc(full, zones=3)
    key = kms.Key(full, "OwnKey", enable_key_rotation=True)
    topic = sns.Topic(
        full, "OpsTopic", master_key=kms.Key(full, "TopicKey", enable_key_rotation=True), enforce_ssl=True
    )
    shop = Database(
        full,
        "Db",
        vpc=full_vpc,
        engine="mysql",
        engine_version="8.4",
        instance_type=ec2.InstanceType("t4g.medium"),
        multi_az=False,
        allow_single_az_in_production=True,
        backup_retention_days=14,
        deletion_protection=False,
        removal_policy=RemovalPolicy.RETAIN,
        allocated_storage_gib=50,
        max_allocated_storage_gib=200,
        existing_key=key,
        port=3307,
        master_username="dbadmin",
        database_name="shop",
        preferred_backup_window="22:00-22:30",
        preferred_maintenance_window="sat:23:30-sun:00:30",
        monitoring_interval_seconds=15,
        log_retention_days=30,
        allowed_peers=[app_group(full)],
        read_replicas=2,
        replica_instance_type=ec2.InstanceType("t4g.large"),
        cache=CacheOptions(
            engine="redis",
            engine_version="7.0",
            node_type="cache.t4g.small",
            replicas=2,
            snapshot_retention_days=14,
            snapshot_window="01:00-02:00",
            maintenance_window="mon:03:00-mon:04:00",
            port=6380,
            access_string="on ~shop:* +@read +@write",
        ),
        alarms=DatabaseAlarmOptions(
            cpu_percent=70,
            free_storage_gib=5,
            freeable_memory_mib=256,
            connections=150,
            replica_lag_seconds=30,
            cache=CacheAlarmOptions(cpu_percent=60, memory_percent=75, evictions=0),
            topic=topic,
        ),
    )
    worker = iam.Role(full, "Worker", assumed_by=iam.ServicePrincipal("ecs-tasks.amazonaws.com"))
    shop.grant_connect(worker, "shop_app")
    assert shop.cache is not None
    shop.cache.grant_connect(worker)

    # No peer at construction: the app's group is allowed afterwards, before synth.
    later = Stack(app, ALLOW_LATER, env=ENV)
    later_db = Database(later, "Db", vpc=vpc(later), production=False, cache=CacheOptions())
    later_db.allow_from(app_group(later))

    # No peer at all: the construct warns (asserted on purpose).
    nobody = Stack(app, NO_PEER, env=ENV)
    Database(nobody, "Db", vpc=vpc(nobody), production=False, cache=CacheOptions())

    Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    return [defaults, sandbox, full, later, nobody]


def build_caches(app: App) -> list[Stack]:
    # A cache on its own, every default (production: Valkey, a replica, Multi-AZ).
    defaults = Stack(app, CACHE_DEFAULTS, env=ENV)
    cache = Cache(defaults, "Cache", vpc=vpc(defaults), allowed_peers=[app_group(defaults)])
    reader = iam.Role(defaults, "Reader", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
    cache.grant_connect(reader)

    # The non-production profile with Redis OSS on its default port, an e-mail for alarms.
    sandbox = Stack(app, CACHE_SANDBOX, env=ENV)
    Cache(
        sandbox,
        "Cache",
        vpc=vpc(sandbox),
        production=False,
        options=CacheOptions(engine="redis"),
        allowed_peers=[app_group(sandbox)],
        alarms=CacheAlarmOptions(email="ops@example.com"),
    )
    Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    return [defaults, sandbox]
