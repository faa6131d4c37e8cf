"""The one way this project makes an S3 bucket, and the access-log bucket built on it."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import Duration, FeatureFlags, RemovalPolicy
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from cdk_refarch.core.errors import require
from cdk_refarch.core.nag import acknowledge
from cdk_refarch.core.validation import check_int

#: The feature flag under which CDK grants S3 server access logging by bucket policy;
#: without it CDK asks for an ACL on the target, which bucket-owner-enforced refuses.
ACCESS_LOGS_BY_POLICY_FLAG = "@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy"


def secure_bucket(
    scope: Construct,
    construct_id: str,
    *,
    removal_policy: RemovalPolicy,
    encryption_key: kms.IKey | None = None,
    lifecycle_rules: Sequence[s3.LifecycleRule] = (),
    server_access_logs_bucket: s3.IBucket | None = None,
    server_access_logs_prefix: str | None = None,
) -> s3.Bucket:
    """A private, versioned, encrypted, TLS-only bucket; every bucket of the project.

    - Block Public Access on all four settings, and bucket-owner-enforced ownership: no
      ACLs, so every object belongs to the bucket's account whoever writes it.
    - SSE-S3, or SSE-KMS with an S3 Bucket Key (about 99% fewer KMS requests) when
      ``encryption_key`` is given.
    - A bucket policy that denies plain HTTP and TLS before 1.2.
    - Versioning, so an overwrite or a delete can be undone; callers expire noncurrent
      versions with ``lifecycle_rules``.
    - With ``RemovalPolicy.DESTROY`` (the sandbox) the objects are deleted with the
      bucket, every version, since CloudFormation cannot delete a bucket with objects;
      never otherwise.

    Server access logs need the app's feature flag
    ``@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy`` (``cdk init`` sets it).
    """
    if server_access_logs_bucket is not None:
        require(
            bool(FeatureFlags.of(scope).is_enabled(ACCESS_LOGS_BY_POLICY_FLAG)),
            f"server access logs to a bucket-owner-enforced log bucket need the feature flag "
            f"{ACCESS_LOGS_BY_POLICY_FLAG} set to true in cdk.json's context (cdk init sets it); "
            "without it CDK grants log delivery with an ACL, which the log bucket refuses",
        )
    return s3.Bucket(
        scope,
        construct_id,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        encryption=s3.BucketEncryption.KMS if encryption_key else s3.BucketEncryption.S3_MANAGED,
        encryption_key=encryption_key,
        bucket_key_enabled=True if encryption_key else None,
        enforce_ssl=True,
        minimum_tls_version=1.2,
        versioned=True,
        lifecycle_rules=list(lifecycle_rules) or None,
        server_access_logs_bucket=server_access_logs_bucket,
        server_access_logs_prefix=server_access_logs_prefix,
        removal_policy=removal_policy,
        auto_delete_objects=removal_policy == RemovalPolicy.DESTROY,
    )


class AccessLogBucket(Construct):
    """One log bucket that several patterns share: S3 server access logs and CloudFront
    standard logs (v2, delivered by CloudWatch Logs).

    Create one per stack and pass ``.bucket`` to every pattern's ``existing_log_bucket``
    so that a stack never ends up with a log bucket per construct.

    Defaults and why:
    - Everything :func:`secure_bucket` does, bucket-owner-enforced included: S3 server
      access logs and CloudFront's standard logging v2 are both granted by bucket
      policy, so no log delivery needs ACLs (CloudFront's legacy logging did).
    - SSE-S3: S3 server access logging cannot deliver to an SSE-KMS bucket.
    - Log objects expire after ``expiration_days`` (the stage's log retention);
      noncurrent versions (an overwritten or deleted log) 30 days later, so a log
      cannot be erased without trace in less than that.
    - ``removal_policy`` RETAIN unless the caller chooses otherwise.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        expiration_days: int = 365,
        removal_policy: RemovalPolicy = RemovalPolicy.RETAIN,
    ) -> None:
        super().__init__(scope, construct_id)
        days = check_int("expiration_days", expiration_days, minimum=1, unit="days")
        self.bucket = secure_bucket(
            self,
            "Bucket",
            removal_policy=removal_policy,
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="expire-logs",
                    expiration=Duration.days(days),
                    noncurrent_version_expiration=Duration.days(30),
                    abort_incomplete_multipart_upload_after=Duration.days(1),
                )
            ],
        )
        acknowledge(
            self.bucket,
            "AwsSolutions-S1",
            "This is the log bucket: logging its own accesses into itself would loop, and into "
            "another bucket would need a log bucket for the log bucket.",
        )
