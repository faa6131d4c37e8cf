"""The site's files: uploaded by CDK's ``BucketDeployment``, with the role it runs as."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aws_cdk import CustomResource, RemovalPolicy, Stack
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_deployment as s3_deployment
from constructs import Construct

from cdk_refarch.core.nag import acknowledge, wildcard_object_resources
from cdk_refarch.core.retention import log_retention


def site_deployment(
    scope: Construct,
    site_sources: str,
    *,
    exclude: tuple[str, ...],
    extra_files: Mapping[str, Mapping[str, Any]],
    bucket: s3.IBucket,
    distribution: cloudfront.Distribution,
    log_retention_days: int,
    removal_policy: RemovalPolicy,
) -> s3_deployment.BucketDeployment:
    """Upload ``site_sources`` (less what ``exclude`` matches) and ``extra_files`` (JSON,
    deploy-time values filled in by the handler), then invalidate the distribution.

    One deployment for all of them: its prune deletes whatever its sources lack, so a
    second deployment into the bucket would delete the first one's files. Excluded files
    stay out of the asset itself, so prune removes them from the bucket too.

    The handler (CDK's, one per stack) runs with a role of the stack's that may write
    its own log group and invalidate this distribution only: CDK's ``distribution=``
    would grant invalidation on every distribution ("*"), and its default role carries
    AWSLambdaBasicExecutionRole (create any log group, write to all of them).
    """
    # An explicit log group, so the handler's logs expire with the stage's retention
    # and are deleted with the stack instead of outliving it.
    log_group = logs.LogGroup(
        scope,
        "DeploymentLogs",
        retention=log_retention("log_retention_days", log_retention_days),
        removal_policy=removal_policy,
    )
    role = _deployment_role(scope)
    deployment = s3_deployment.BucketDeployment(
        scope,
        "Deployment",
        sources=[
            s3_deployment.Source.asset(site_sources, exclude=list(exclude) or None),
            # Without escape: CDK writes each deploy-time value as a whole JSON value,
            # quotes included, and escaping would quote it a second time.
            *(s3_deployment.Source.json_data(key, dict(data)) for key, data in sorted(extra_files.items())),
        ],
        destination_bucket=bucket,
        log_group=log_group,
        memory_limit=256,
        role=role,
    )
    resource = next(child for child in deployment.node.children if isinstance(child, CustomResource))
    cfn = resource.node.default_child
    cfn.add_property_override("DistributionId", distribution.distribution_id)  # type: ignore[union-attr]
    cfn.add_property_override("DistributionPaths", ["/*"])  # type: ignore[union-attr]
    distribution.grant(role, "cloudfront:CreateInvalidation", "cloudfront:GetInvalidation")
    log_group.grant_write(role)
    _acknowledge_deployment_role(role)
    _acknowledge_handler_runtime(Stack.of(scope))
    return deployment


def _deployment_role(scope: Construct) -> iam.Role:
    stack = Stack.of(scope)
    existing = stack.node.try_find_child("SiteDeploymentRole")
    if isinstance(existing, iam.Role):
        return existing
    return iam.Role(
        stack,
        "SiteDeploymentRole",
        assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
        description="CDK BucketDeployment handler: syncs site files, invalidates their distribution",
    )


def _acknowledge_deployment_role(role: iam.Role) -> None:
    for action in ("s3:GetBucket*", "s3:GetObject*", "s3:List*", "s3:Abort*", "s3:DeleteObject*"):
        acknowledge(
            role,
            f"AwsSolutions-IAM5[Action::{action}]",
            "CDK's BucketDeployment grants the S3 read/write action groups it needs to sync the "
            "site into its bucket (list, get, put, prune); the resources are the asset and site buckets.",
        )
    for resource in wildcard_object_resources(role):
        acknowledge(
            role,
            f"AwsSolutions-IAM5[Resource::{resource}]",
            "The deployment syncs (puts and prunes) every object of the site bucket, and CDK's "
            "asset grant covers the objects of the bootstrap asset bucket, where the site's zip "
            "is; both buckets are named exactly.",
        )


def _acknowledge_handler_runtime(stack: Stack) -> None:
    for child in stack.node.children:
        if isinstance(child, lambda_.Function) and child.node.id.startswith("Custom::CDKBucketDeployment"):
            acknowledge(
                child,
                "AwsSolutions-L1",
                "aws-cdk-lib pins the runtime of its BucketDeployment handler and moves it forward "
                "in its own releases; the handler runs only during deployments.",
            )
