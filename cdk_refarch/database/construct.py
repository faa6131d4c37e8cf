"""Database: an RDS instance (PostgreSQL by default, MySQL by option) in isolated subnets,
with read replicas and an ElastiCache cache in front when asked.

Where the study notes and current AWS practice differ, this construct follows current
practice (see ``shared/PRACTICES.md``):

- Multi-AZ gives availability, not read scaling: the standby is synchronous and not
  readable, and takes over on an AZ or host failure (001:2189-2199). The notes' "Multi-AZ
  for scalability" (001:996) is wrong. Reads scale with read replicas, which are
  asynchronous and may lag (001:2201-2210); they are not a failover target.
- Storage is gp3 with autoscaling (the notes list gp2, io1 and magnetic, 001:2118-2122).
- The master password is RDS-managed: generated into Secrets Manager, encrypted with
  the database's key, rotated every 7 days by RDS itself, never in the template (the
  notes predate it). Applications should use IAM database authentication (on).
- Performance Insights is reached through CloudWatch Database Insights (Standard mode,
  free 7-day retention) since AWS retired the Performance Insights console in 2026.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from aws_cdk import ArnFormat, RemovalPolicy, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_rds as rds
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from cdk_refarch.core.alarms import alarm_topic
from cdk_refarch.core.retention import log_retention
from cdk_refarch.core.tags import tag_pattern
from cdk_refarch.database import instance as builders
from cdk_refarch.database.cache import Cache
from cdk_refarch.database.checks import (
    check_database,
    check_db_user,
    check_peers,
    selected_subnets,
    warn_when_unreachable,
)
from cdk_refarch.database.engines import RDS_ENGINES, default_instance_type, memory_gib
from cdk_refarch.database.monitoring import database_alarms
from cdk_refarch.database.nag import acknowledge_database
from cdk_refarch.database.options import CacheOptions, DatabaseAlarmOptions

_DEFAULT_ALARMS = DatabaseAlarmOptions()


class Database(Construct):
    """An RDS instance with stage-like defaults from ``production``, reached only from the
    security groups you allow (``allowed_peers``, ``allow_from``).

    ``production=True`` (the default): Multi-AZ, 30 days of backups, deletion protection,
    a final snapshot on deletion. ``production=False``: single-AZ, 7 days, no protection,
    deleted with the stack. Each can be set on its own.

    Attributes: ``instance``, ``secret`` (the RDS-managed master secret), ``endpoint``
    (``hostname``, ``port``), ``security_group``, ``key``, ``parameter_group``,
    ``subnet_group``, ``monitoring_role``, ``replicas``, ``cache`` (``None`` without
    ``cache=CacheOptions(...)``), ``alarm_topic``, ``alarms`` (the cache's included).

    Every default and the reason for it is listed in ``cdk_refarch/database/README.md``.
    """

    PATTERN = "database"

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        vpc: ec2.IVpc,
        vpc_subnets: ec2.SubnetSelection | None = None,
        engine: str = "postgres",
        engine_version: str | None = None,
        instance_type: ec2.InstanceType | None = None,
        production: bool = True,
        multi_az: bool | None = None,
        allow_single_az_in_production: bool = False,
        backup_retention_days: int | None = None,
        deletion_protection: bool | None = None,
        removal_policy: RemovalPolicy | None = None,
        allocated_storage_gib: int = 20,
        max_allocated_storage_gib: int = 100,
        existing_key: kms.IKey | None = None,
        port: int | None = None,
        master_username: str | None = None,
        database_name: str | None = None,
        preferred_backup_window: str = "03:00-04:00",
        preferred_maintenance_window: str = "sun:04:30-sun:05:30",
        performance_insights: bool = True,
        monitoring_interval_seconds: int = 60,
        log_retention_days: int = 365,
        allowed_peers: Sequence[ec2.IConnectable] = (),
        read_replicas: int = 0,
        replica_instance_type: ec2.InstanceType | None = None,
        cache: CacheOptions | None = None,
        alarms: DatabaseAlarmOptions = _DEFAULT_ALARMS,
    ) -> None:
        super().__init__(scope, construct_id)
        check_database(
            engine=engine,
            engine_version=engine_version,
            instance_type=instance_type,
            production=production,
            multi_az=multi_az,
            allow_single_az_in_production=allow_single_az_in_production,
            backup_retention_days=backup_retention_days,
            deletion_protection=deletion_protection,
            removal_policy=removal_policy,
            allocated_storage_gib=allocated_storage_gib,
            max_allocated_storage_gib=max_allocated_storage_gib,
            port=port,
            master_username=master_username,
            database_name=database_name,
            backup_window=preferred_backup_window,
            maintenance_window=preferred_maintenance_window,
            performance_insights=performance_insights,
            monitoring_interval_seconds=monitoring_interval_seconds,
            log_retention_days=log_retention_days,
            allowed_peers=allowed_peers,
            read_replicas=read_replicas,
            alarms=alarms,
        )
        tag_pattern(self)
        known = RDS_ENGINES[engine]
        instance_type = instance_type or default_instance_type(known, production=production)
        self._engine = known
        self._port = port or known.default_port
        multi_az = production if multi_az is None else multi_az
        policy = removal_policy or (RemovalPolicy.SNAPSHOT if production else RemovalPolicy.DESTROY)
        protected = production if deletion_protection is None else deletion_protection
        selection = vpc_subnets or ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED)
        selected_subnets(vpc, selection, "vpc_subnets")
        identifier = builders.resource_identifier(self, prefix="db", max_length=50)

        self.key: kms.IKey = existing_key or builders.encryption_key(
            self,
            description="Encrypts the database: storage, snapshots, master secret, Performance Insights, logs",
            removal_policy=policy,
        )
        builders.allow_log_groups(self.key, name_prefix=f"/aws/rds/instance/{identifier}")
        self.security_group = builders.security_group(self, vpc, what="Database")
        self.security_group.apply_removal_policy(builders.helper_policy(policy))
        self.subnet_group = rds.SubnetGroup(
            self,
            "SubnetGroup",
            vpc=vpc,
            vpc_subnets=selection,
            description="Database: isolated subnets",
            removal_policy=builders.helper_policy(policy),
        )
        rds_engine = known.versions[engine_version or known.default_version]()
        self.parameter_group = rds.ParameterGroup(
            self,
            "ParameterGroup",
            engine=rds_engine,
            description=f"Database: TLS required, slow statements logged ({known.name})",
            parameters=dict(known.parameters),
            removal_policy=builders.helper_policy(policy),
        )
        self.monitoring_role = builders.monitoring_role(self, identifier=identifier)
        settings = builders.InstanceSettings(
            vpc=vpc,
            subnet_group=self.subnet_group,
            security_group=self.security_group,
            key=self.key,
            parameter_group=self.parameter_group,
            monitoring_role=self.monitoring_role,
            monitoring_interval_seconds=monitoring_interval_seconds,
            performance_insights=performance_insights,
            engine=known,
            max_allocated_storage_gib=max_allocated_storage_gib,
            deletion_protection=protected,
            removal_policy=policy,
            log_retention=log_retention("log_retention_days", log_retention_days),
        )
        self.instance = builders.primary_instance(
            self,
            settings,
            engine=rds_engine,
            instance_type=instance_type,
            identifier=identifier,
            multi_az=multi_az,
            backup_retention_days=backup_retention_days or (30 if production else 7),
            allocated_storage_gib=allocated_storage_gib,
            port=self._port,
            master_username=master_username or known.default_username,
            database_name=database_name,
            backup_window=preferred_backup_window,
            maintenance_window=preferred_maintenance_window,
        )
        assert self.instance.secret is not None  # RDS manages the master password: CDK imports its secret
        self.secret: secretsmanager.ISecret = self.instance.secret
        self.endpoint: rds.Endpoint = self.instance.instance_endpoint
        self.replicas = builders.read_replicas(
            self,
            settings,
            source=self.instance,
            count=read_replicas,
            instance_type=replica_instance_type or instance_type,
            identifier=identifier,
        )
        acknowledge_database(
            instance=self.instance,
            replicas=self.replicas,
            monitoring_role=self.monitoring_role,
            multi_az=multi_az,
            production=production,
            deletion_protection=protected,
            default_port=self._port == known.default_port,
        )

        self.alarm_topic = alarms.topic or alarm_topic(
            self, removal_policy=builders.helper_policy(policy), email=alarms.email
        )
        self.cache: Cache | None = None
        if cache is not None:
            self.cache = Cache(
                self,
                "Cache",
                vpc=vpc,
                vpc_subnets=selection,
                options=cache,
                production=production,
                removal_policy=policy,
                alarms=replace(alarms.cache, topic=self.alarm_topic),
            )
        self._peers: list[ec2.IConnectable] = []
        for peer in allowed_peers:
            self.allow_from(peer)
        warn_when_unreachable(self, reachable=lambda: bool(self._peers), what="database")
        self.alarms = database_alarms(
            self,
            instance=self.instance,
            replicas=self.replicas,
            options=alarms,
            topic=self.alarm_topic,
            engine=known,
            allocated_storage_gib=allocated_storage_gib,
            memory_gib=memory_gib(instance_type.to_string()),
        )
        if self.cache is not None:
            self.alarms.extend(self.cache.alarms)

    def allow_from(self, peer: ec2.IConnectable) -> None:
        """Open the database port (and the cache's, if any) to ``peer``'s security group,
        and let that group reach them: the three-tier chaining of notes 001:466-496. When
        ``peer`` is in another stack, the rules go into that stack (``instance.allow_peer``)."""
        check_peers([peer])
        builders.allow_peer(self.security_group, peer, self._port, f"database port {self._port}")
        if self.cache is not None:
            self.cache.allow_from(peer)
        self._peers.append(peer)

    def grant_secret_read(self, grantee: iam.IGrantable) -> iam.Grant:
        """Let ``grantee`` read the master secret: ``secretsmanager:GetSecretValue`` and
        ``DescribeSecret`` on it, and ``kms:Decrypt`` on the database's key through Secrets
        Manager only, all in the grantee's own policy.

        ``secret.grant_read`` names the grantee in the key's policy instead, which from
        another stack is a dependency cycle (that stack depends on this one for the ARN);
        the key trusts the account's IAM policies, so this needs no change to it."""
        stack = Stack.of(self)
        read = iam.Grant.add_to_principal(
            grantee=grantee,
            actions=["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"],
            resource_arns=[self.secret.secret_arn],
        )
        decrypt = iam.Grant.add_to_principal(
            grantee=grantee,
            actions=["kms:Decrypt"],
            resource_arns=[self.key.key_arn],
            conditions={"StringEquals": {"kms:ViaService": f"secretsmanager.{stack.region}.{stack.url_suffix}"}},
        )
        return read.combine(decrypt)

    def grant_connect(self, grantee: iam.IGrantable, db_user: str) -> iam.Grant:
        """Let ``grantee`` log in as ``db_user`` with IAM database authentication, on the
        primary and every read replica (``rds-db:connect`` on
        ``arn:PARTITION:rds-db:REGION:ACCOUNT:dbuser:{DbiResourceId}/{db_user}``). The
        user must exist in the database with the ``rds_iam`` role (PostgreSQL) or the
        ``AWSAuthenticationPlugin`` (MySQL)."""
        user = check_db_user(db_user, self._engine)
        stack = Stack.of(self)
        arns = [
            stack.format_arn(
                service="rds-db",
                resource="dbuser",
                resource_name=f"{_dbi_resource_id(instance)}/{user}",
                arn_format=ArnFormat.COLON_RESOURCE_NAME,
            )
            for instance in (self.instance, *self.replicas)
        ]
        return iam.Grant.add_to_principal(grantee=grantee, actions=["rds-db:connect"], resource_arns=arns)


def _dbi_resource_id(instance: rds.DatabaseInstanceBase) -> str:
    """The instance's DbiResourceId, read from its resource: a replica's
    ``instance_resource_id`` is its ARN unless a feature flag says otherwise."""
    resource = instance.node.default_child
    assert isinstance(resource, rds.CfnDBInstance)
    return resource.attr_dbi_resource_id
