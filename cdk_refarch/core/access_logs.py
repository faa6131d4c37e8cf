"""A bucket that receives S3 server access logs and CloudFront standard logs."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_s3 as s3
from constructs import Construct

from cdk_refarch.core.errors import require


class AccessLogBucket(Construct):
    """One private, encrypted, TLS-only log bucket that several patterns can share.

    Create one per stack and pass ``.bucket`` to every pattern's ``existing_log_bucket``
    so that a stack never ends up with a log bucket per construct.

    Defaults and why:
    - Block Public Access on every setting, TLS-only (and TLS 1.2+) bucket policy.
    - SSE-S3 encryption: S3 server access logging cannot deliver to SSE-KMS buckets.
    - Object ownership ``BUCKET_OWNER_PREFERRED``: CloudFront standard logging still
      delivers through an ACL grant, which ``BUCKET_OWNER_ENFORCED`` would refuse;
      S3 server access logs are granted by bucket policy instead.
    - Objects expire after ``expiration`` (the stage's log retention).
    - ``removal_policy`` RETAIN unless the caller chooses otherwise; with DESTROY the
      objects are deleted too (``auto_delete_objects``), since a bucket with objects
      cannot be deleted by CloudFormation.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        expiration: Duration = Duration.days(365),
        removal_policy: RemovalPolicy = RemovalPolicy.RETAIN,
    ) -> None:
        super().__init__(scope, construct_id)
        days = expiration.to_days()
        require(days >= 1, f"expiration ({days} days) must be at least 1 day")

        self.bucket = s3.Bucket(
            self,
            "Bucket",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            minimum_tls_version=1.2,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="expire-logs",
                    expiration=expiration,
                    noncurrent_version_expiration=Duration.days(1),
                    abort_incomplete_multipart_upload_after=Duration.days(1),
                )
            ],
            removal_policy=removal_policy,
            auto_delete_objects=removal_policy == RemovalPolicy.DESTROY,
        )
