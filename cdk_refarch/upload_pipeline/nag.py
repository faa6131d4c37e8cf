"""UploadPipeline's cdk-nag acknowledgments: only findings that are true by design,
each on the one construct it concerns, with the exact names cdk-nag reports."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aws_cdk import Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3

from cdk_refarch.core.nag import acknowledge, wildcard_resources

if TYPE_CHECKING:
    from cdk_refarch.upload_pipeline.construct import UploadPipeline


def object_wildcards(role: iam.IRole, bucket: s3.Bucket, prefix: str) -> list[str]:
    """The ``<Bucket.Arn>/<prefix>*`` resources of ``role``'s policy, as cdk-nag names them."""
    resource = bucket.node.default_child
    assert isinstance(resource, s3.CfnBucket)
    logical_id = Stack.of(bucket).get_logical_id(resource)
    return wildcard_resources(role, suffix=f"/{prefix}*", containing=f"<{logical_id}.Arn>")


def acknowledge_upload_grant(principal: iam.IPrincipal, bucket: s3.Bucket, *, prefix: str) -> None:
    """``grant_upload``'s one wildcard, on the role it was granted to (another kind of
    principal acknowledges its own)."""
    if not isinstance(principal, iam.Role):
        return
    for resource in object_wildcards(principal, bucket, prefix):
        acknowledge(
            principal,
            f"AwsSolutions-IAM5[Resource::{resource}]",
            "An uploader names the keys of the objects it uploads, so it may put any key under the "
            "pipeline's prefix; s3:PutObject only, and only that prefix of the uploads bucket.",
        )


def acknowledge_by_design(pipeline: UploadPipeline, *, prefix: str) -> None:
    role = pipeline.function.role
    assert isinstance(role, iam.Role)  # the function's own
    for resource in object_wildcards(role, pipeline.bucket, prefix):
        acknowledge(
            role,
            f"AwsSolutions-IAM5[Resource::{resource}]",
            "The function reads whichever new object it is told of (s3:GetObject, s3:GetObjectVersion), "
            "and a new object may have any key under the pipeline's prefix; only that prefix of the "
            "uploads bucket is granted.",
        )
    acknowledge(
        pipeline.rule_dead_letter_queue,
        "AwsSolutions-SQS3",
        "This queue is the dead-letter queue of the EventBridge rule's target (DeadLetterConfig); "
        "cdk-nag only recognises queues named in an SQS redrive policy or a function's DeadLetterConfig.",
    )
