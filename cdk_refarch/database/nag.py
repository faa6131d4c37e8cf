"""Database's and Cache's cdk-nag acknowledgments: only findings that are true by design
or by the caller's explicit choice, each on the one construct it concerns."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import aws_iam as iam
from aws_cdk import aws_rds as rds
from constructs import IConstruct

from cdk_refarch.core.nag import acknowledge

#: How cdk-nag names the AWS managed policy of RDS enhanced monitoring.
MONITORING_POLICY = "Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"

_PORT_REASON = (
    "The port is reachable only from the security groups passed as allowed peers, in isolated subnets "
    "with no public address; a scanner inside the VPC finds any port, and the engine's default port is "
    "what clients, drivers and proxies expect. Pass port=... for another."
)


def acknowledge_database(
    *,
    instance: rds.DatabaseInstance,
    replicas: Sequence[rds.DatabaseInstanceReadReplica],
    monitoring_role: iam.IRole,
    multi_az: bool,
    production: bool,
    deletion_protection: bool,
    default_port: bool,
) -> None:
    acknowledge(
        monitoring_role,
        f"AwsSolutions-IAM4[{MONITORING_POLICY}]",
        "AWS's service-role policy for enhanced monitoring, maintained by AWS as RDS changes: it only creates "
        "and writes log groups named RDS* (RDSOSMetrics); the role's trust is limited to this account's instances "
        "of this database (aws:SourceAccount, aws:SourceArn).",
    )
    if not multi_az:
        why = "production=True with allow_single_az_in_production=True" if production else "production=False"
        acknowledge(
            instance,
            "AwsSolutions-RDS3",
            f"Single-AZ was chosen explicitly ({why}): the database is down while its AZ or host is, "
            "which the caller accepted.",
        )
    if not deletion_protection:
        _no_deletion_protection(instance)
    if default_port:
        acknowledge(instance, "AwsSolutions-RDS11", _PORT_REASON)
    for replica in replicas:
        _acknowledge_replica(replica, deletion_protection=deletion_protection)


def _no_deletion_protection(instance: IConstruct) -> None:
    acknowledge(
        instance,
        "AwsSolutions-RDS10",
        "Deletion protection is off by the caller's choice (deletion_protection=False, or the "
        "non-production profile), so the stack can be destroyed with its database.",
    )


def _acknowledge_replica(replica: rds.DatabaseInstanceReadReplica, *, deletion_protection: bool) -> None:
    acknowledge(
        replica,
        "AwsSolutions-RDS2",
        "A read replica in its source's Region is encrypted with the source's key (the customer-managed "
        "key): CloudFormation inherits StorageEncrypted and KmsKeyId from the source and takes neither.",
    )
    acknowledge(
        replica,
        "AwsSolutions-RDS3",
        "A read replica serves reads (asynchronous, notes 001:2201-2210); availability comes from the "
        "primary's Multi-AZ standby, and a standby per replica would double its cost for no read capacity.",
    )
    acknowledge(
        replica,
        "AwsSolutions-RDS11",
        "A read replica takes its source's port (CloudFormation sets no Engine or Port on it). " + _PORT_REASON,
    )
    if not deletion_protection:
        _no_deletion_protection(replica)


def acknowledge_cache(*, group: IConstruct, replicas: int, default_port: bool) -> None:
    acknowledge(
        group,
        "AwsSolutions-AEC6",
        "Clients authenticate as an RBAC user with IAM (short-lived SigV4 tokens, elasticache:Connect), "
        "and the group's default user is disabled: there is no shared AUTH token to store or rotate.",
    )
    if replicas == 0:
        acknowledge(
            group,
            "AwsSolutions-AEC4",
            "A single node by the caller's choice (production=False, replicas=0): a cache that loses its "
            "node is refilled from the database.",
        )
    if default_port:
        acknowledge(group, "AwsSolutions-AEC5", _PORT_REASON)
