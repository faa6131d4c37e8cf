"""Database's parts: the key, parameter group, subnet group, security group, monitoring
role and log groups, then the instance and its read replicas on them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from aws_cdk import ArnFormat, Duration, Names, RemovalPolicy, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_rds as rds
from constructs import Construct

from cdk_refarch.database.engines import RdsEngine

#: The CA RDS signs the instance's certificate with (RSA 2048, valid until 2061), named
#: rather than left to the region's default so clients can pin its bundle.
CA_CERTIFICATE = rds.CaCertificate.RDS_CA_RSA2048_G1


def data_policy(policy: RemovalPolicy) -> RemovalPolicy:
    """The key and the logs outlive the database unless it is destroyed: a retained
    instance or a final snapshot is unreadable without its key, and the logs are the
    record of what happened to it."""
    return RemovalPolicy.DESTROY if policy == RemovalPolicy.DESTROY else RemovalPolicy.RETAIN


def helper_policy(policy: RemovalPolicy) -> RemovalPolicy:
    """Subnet, parameter, security and user groups: kept with a retained resource (which
    still uses them), deleted otherwise (a snapshot needs none of them)."""
    return RemovalPolicy.RETAIN if policy == RemovalPolicy.RETAIN else RemovalPolicy.DESTROY


def resource_identifier(scope: Construct, *, prefix: str, max_length: int) -> str:
    """A lower-case name unique in the account and region (stack and construct path,
    with their hash), for resources whose name must be known before they exist."""
    unique = Names.unique_resource_name(scope, max_length=max_length, separator="-").lower()
    name = re.sub(r"-+", "-", re.sub(r"[^a-z0-9]", "-", unique)).strip("-")
    return name if name[:1].isalpha() else f"{prefix}-{name}"[:max_length].rstrip("-")


def encryption_key(scope: Construct, *, description: str, removal_policy: RemovalPolicy) -> kms.Key:
    """A customer-managed key, rotated yearly, kept as long as what it encrypts."""
    return kms.Key(
        scope,
        "Key",
        enable_key_rotation=True,
        description=description,
        removal_policy=data_policy(removal_policy),
        pending_window=Duration.days(7),
    )


def allow_log_groups(key: kms.IKey, *, name_prefix: str) -> None:
    """Let CloudWatch Logs use ``key``, for log groups named ``name_prefix...`` of this
    account and region only. (An imported key's policy is its owner's: no-op there.)"""
    stack = Stack.of(key)
    key.add_to_resource_policy(
        iam.PolicyStatement(
            actions=["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
            principals=[iam.ServicePrincipal(f"logs.{stack.region}.amazonaws.com")],
            resources=["*"],
            conditions={
                "ArnLike": {
                    "kms:EncryptionContext:aws:logs:arn": stack.format_arn(
                        service="logs",
                        resource="log-group",
                        resource_name=f"{name_prefix}*",
                        arn_format=ArnFormat.COLON_RESOURCE_NAME,
                    )
                }
            },
        )
    )


def security_group(scope: Construct, vpc: ec2.IVpc, *, what: str) -> ec2.SecurityGroup:
    """No ingress until ``allow_from``; no egress at all: a database or cache answers
    connections and opens none."""
    return ec2.SecurityGroup(
        scope,
        "SecurityGroup",
        vpc=vpc,
        allow_all_outbound=False,
        description=f"{what}: its port from the allowed security groups only; no outbound",
    )


def allow_peer(group: ec2.ISecurityGroup, peer: ec2.IConnectable, port: int, description: str) -> None:
    """Open ``port`` of ``group`` to each security group of ``peer``, and let a peer whose
    outbound is restricted reach it.

    The ingress rule is a remote rule: when the peer lives in another stack (a stateless
    tier), the rule goes into that stack, which already depends on this one, so the
    database's stack never depends on its clients'. A peer that allows all outbound gets
    no egress rule (CDK would ignore it with a warning).
    """
    for peer_group in peer.connections.security_groups:
        group.add_ingress_rule(peer_group, ec2.Port.tcp(port), description, True)
        if not peer_group.allow_all_outbound:
            peer_group.add_egress_rule(group, ec2.Port.tcp(port), description)


def monitoring_role(scope: Construct, *, identifier: str) -> iam.Role:
    """Enhanced monitoring's role, usable by RDS only for this account's instances named
    ``identifier...`` (the primary and its replicas)."""
    stack = Stack.of(scope)
    principal = iam.ServicePrincipal(
        "monitoring.rds.amazonaws.com",
        conditions={
            "StringEquals": {"aws:SourceAccount": stack.account},
            "ArnLike": {
                "aws:SourceArn": stack.format_arn(
                    service="rds",
                    resource="db",
                    resource_name=f"{identifier}*",
                    arn_format=ArnFormat.COLON_RESOURCE_NAME,
                )
            },
        },
    )
    return iam.Role(
        scope,
        "MonitoringRole",
        assumed_by=principal,
        description="RDS enhanced monitoring: OS metrics to the RDSOSMetrics log group",
        managed_policies=[
            iam.ManagedPolicy.from_aws_managed_policy_name("service-role/AmazonRDSEnhancedMonitoringRole")
        ],
    )


@dataclass(frozen=True)
class InstanceSettings:
    """What the primary and its read replicas share."""

    vpc: ec2.IVpc
    subnet_group: rds.ISubnetGroup
    security_group: ec2.ISecurityGroup
    key: kms.IKey
    parameter_group: rds.IParameterGroup
    monitoring_role: iam.IRole
    monitoring_interval_seconds: int
    performance_insights: bool
    engine: RdsEngine
    max_allocated_storage_gib: int
    deletion_protection: bool
    removal_policy: RemovalPolicy
    log_retention: logs.RetentionDays

    def common(self) -> dict[str, Any]:
        insights: dict[str, Any] = {"enable_performance_insights": self.performance_insights}
        if self.performance_insights:
            # Database Insights' Standard mode: Performance Insights with its free 7-day retention.
            insights.update(
                performance_insight_retention=rds.PerformanceInsightRetention.DEFAULT,
                performance_insight_encryption_key=self.key,
                database_insights_mode=rds.DatabaseInsightsMode.STANDARD,
            )
        return {
            "vpc": self.vpc,
            "subnet_group": self.subnet_group,
            "security_groups": [self.security_group],
            "storage_type": rds.StorageType.GP3,
            "max_allocated_storage": self.max_allocated_storage_gib,
            "parameter_group": self.parameter_group,
            "iam_authentication": True,
            "monitoring_interval": Duration.seconds(self.monitoring_interval_seconds),
            "monitoring_role": self.monitoring_role,
            "cloudwatch_logs_exports": list(self.engine.log_exports),
            "auto_minor_version_upgrade": True,
            "copy_tags_to_snapshot": True,
            "publicly_accessible": False,
            "deletion_protection": self.deletion_protection,
            **insights,
        }


def log_groups(scope: Construct, settings: InstanceSettings, *, identifier: str) -> list[logs.LogGroup]:
    """The groups RDS exports ``identifier``'s logs to, created first so they have a
    retention and the key (RDS would create them without either)."""
    return [
        logs.LogGroup(
            scope,
            f"{export.title().replace('-', '')}Logs",
            log_group_name=f"/aws/rds/instance/{identifier}/{export}",
            retention=settings.log_retention,
            encryption_key=settings.key,
            removal_policy=data_policy(settings.removal_policy),
        )
        for export in settings.engine.log_exports
    ]


def primary_instance(
    scope: Construct,
    settings: InstanceSettings,
    *,
    engine: rds.IInstanceEngine,
    instance_type: ec2.InstanceType,
    identifier: str,
    multi_az: bool,
    backup_retention_days: int,
    allocated_storage_gib: int,
    port: int,
    master_username: str,
    database_name: str | None,
    backup_window: str,
    maintenance_window: str,
) -> rds.DatabaseInstance:
    """The primary. Its master password is RDS-managed: RDS generates it into Secrets
    Manager under ``settings.key`` and rotates it every 7 days, with no rotation Lambda."""
    groups = log_groups(scope, settings, identifier=identifier)
    instance = rds.DatabaseInstance(
        scope,
        "Instance",
        engine=engine,
        instance_type=instance_type,
        instance_identifier=identifier,
        credentials=rds.Credentials.from_username(master_username, encryption_key=settings.key),
        manage_master_user_password=True,
        multi_az=multi_az,
        allocated_storage=allocated_storage_gib,
        backup_retention=Duration.days(backup_retention_days),
        preferred_backup_window=backup_window,
        preferred_maintenance_window=maintenance_window,
        allow_major_version_upgrade=False,
        storage_encrypted=True,
        storage_encryption_key=settings.key,
        ca_certificate=CA_CERTIFICATE,
        port=port,
        database_name=database_name,
        removal_policy=settings.removal_policy,
        **settings.common(),
    )
    instance.node.add_dependency(*groups)
    return instance


def read_replicas(
    scope: Construct,
    settings: InstanceSettings,
    *,
    source: rds.DatabaseInstance,
    count: int,
    instance_type: ec2.InstanceType,
    identifier: str,
) -> list[rds.DatabaseInstanceReadReplica]:
    """``count`` asynchronous read replicas of ``source``, monitored alike. They need the
    source's automated backups, which are always on here (1..35 days). A replica in the
    source's Region is encrypted with the source's key and takes its CA and port: those
    properties are inherited, not set."""
    replicas = []
    for number in range(1, count + 1):
        replica_scope = Construct(scope, f"Replica{number}")
        replica_id = f"{identifier}-replica{number}"
        groups = log_groups(replica_scope, settings, identifier=replica_id)
        replica = rds.DatabaseInstanceReadReplica(
            replica_scope,
            "Instance",
            source_database_instance=source,
            instance_type=instance_type,
            instance_identifier=replica_id,
            # A snapshot of a replica would repeat the source's: replicas are deleted or kept, never snapshotted.
            removal_policy=helper_policy(settings.removal_policy),
            **settings.common(),
        )
        replica.node.add_dependency(*groups)
        replicas.append(replica)
    return replicas
