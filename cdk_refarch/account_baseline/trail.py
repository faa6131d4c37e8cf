"""The trail, and the CloudWatch Logs group it also delivers to with the role it needs."""

from __future__ import annotations

from aws_cdk import ArnFormat, RemovalPolicy, Stack
from aws_cdk import aws_cloudtrail as cloudtrail
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from constructs import Construct

from cdk_refarch.account_baseline.encryption import CLOUDTRAIL
from cdk_refarch.core.nag import acknowledge, wildcard_resources
from cdk_refarch.core.retention import log_retention


def trail_log_group(
    scope: Construct, *, retention_days: int, removal_policy: RemovalPolicy
) -> tuple[logs.LogGroup, iam.Role]:
    """``TrailLogs`` and ``TrailLogsRole``, which may create and write the streams CloudTrail
    names ``<account>_CloudTrail_<home region>[_<n>]`` in that group, and nothing else
    (the policy of "Role policy document for CloudTrail to use CloudWatch Logs")."""
    group = logs.LogGroup(
        scope,
        "TrailLogs",
        retention=log_retention("log_retention_days", retention_days),
        removal_policy=removal_policy,
    )
    # CloudTrail documents no aws:SourceArn for this role's trust; only a principal of
    # this account allowed iam:PassRole on it can hand it to a trail.
    role = iam.Role(
        scope,
        "TrailLogsRole",
        assumed_by=iam.ServicePrincipal(CLOUDTRAIL),
        description="CloudTrail delivers the account trail's events to its CloudWatch Logs group",
    )
    stack = Stack.of(scope)
    streams = stack.format_arn(
        service="logs",
        resource="log-group",
        resource_name=f"{group.log_group_name}:log-stream:{stack.account}_CloudTrail_{stack.region}*",
        arn_format=ArnFormat.COLON_RESOURCE_NAME,
    )
    role.add_to_policy(iam.PolicyStatement(actions=["logs:CreateLogStream", "logs:PutLogEvents"], resources=[streams]))
    role.apply_removal_policy(removal_policy)
    _role_policy(role).apply_removal_policy(removal_policy)  # the retained trail goes on writing
    for resource in wildcard_resources(role, suffix="*", containing=":log-stream:"):
        acknowledge(
            role,
            f"AwsSolutions-IAM5[Resource::{resource}]",
            "CloudTrail writes the trail's events to streams it names <account>_CloudTrail_<region> and, "
            "when busy, with a _<n> suffix; the prefix names them and nothing else in the one log group.",
        )
    return group, role


def account_trail(
    scope: Construct,
    *,
    name: str,
    bucket: s3.Bucket,
    key: kms.IKey,
    log_group: logs.ILogGroup | None,
    logs_role: iam.Role | None,
    removal_policy: RemovalPolicy,
) -> cloudtrail.CfnTrail:
    """``Trail``: every management event (read and write) of every region, global services
    included, with log file validation, encrypted with ``key``.

    The L1 resource, because aws-cdk-lib's ``Trail`` adds bucket policy statements of its
    own without ``aws:SourceArn``. CloudTrail checks at creation that it may write to the
    bucket and the log group, so the trail waits for their policies (``DependsOn``).
    """
    trail = cloudtrail.CfnTrail(
        scope,
        "Trail",
        trail_name=name,
        is_logging=True,
        is_multi_region_trail=True,
        include_global_service_events=True,
        enable_log_file_validation=True,
        s3_bucket_name=bucket.bucket_name,
        kms_key_id=key.key_arn,
        cloud_watch_logs_log_group_arn=log_group.log_group_arn if log_group else None,
        cloud_watch_logs_role_arn=logs_role.role_arn if logs_role else None,
        event_selectors=[
            cloudtrail.CfnTrail.EventSelectorProperty(include_management_events=True, read_write_type="All")
        ],
    )
    trail.apply_removal_policy(removal_policy)
    assert bucket.policy is not None  # secure_bucket's TLS-only policy, which the trail's statements joined
    trail.node.add_dependency(bucket.policy)
    if logs_role is not None:
        # The role itself is ordered by the GetAtt; its policy is not.
        trail.node.add_dependency(_role_policy(logs_role))
    return trail


def _role_policy(role: iam.Role) -> iam.Policy:
    policy = role.node.try_find_child("DefaultPolicy")
    assert isinstance(policy, iam.Policy)  # trail_log_group gave the role its one statement
    return policy
