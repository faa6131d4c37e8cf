"""The bucket the trail delivers its log and digest files to."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from cdk_refarch.account_baseline.encryption import CLOUDTRAIL
from cdk_refarch.account_baseline.options import TrailOptions
from cdk_refarch.core.buckets import secure_bucket

#: Days an overwritten or expired log file stays as a noncurrent version, as core's
#: AccessLogBucket keeps logs: a file cannot be erased without trace in less than that.
NONCURRENT_DAYS = 30
#: Where the trail bucket's own S3 server access logs go in the log bucket.
ACCESS_LOGS_PREFIX = "cloudtrail-bucket/"


def trail_bucket(
    scope: Construct,
    *,
    key: kms.IKey,
    arn: str,
    options: TrailOptions,
    log_bucket: s3.IBucket,
    removal_policy: RemovalPolicy,
) -> s3.Bucket:
    """``TrailBucket``: core's secure bucket under the trail's key, its accesses logged to
    ``log_bucket``, archived and expired by ``options``; CloudTrail may check its ACL and
    write under ``AWSLogs/<account>/`` for this trail only (``aws:SourceArn``), as the
    CloudTrail User Guide's "Amazon S3 bucket policy for CloudTrail" shows."""
    transitions = None
    if options.archive_after_days is not None:
        transitions = [
            s3.Transition(
                storage_class=s3.StorageClass.GLACIER_INSTANT_RETRIEVAL,
                transition_after=Duration.days(options.archive_after_days),
            )
        ]
    bucket = secure_bucket(
        scope,
        "TrailBucket",
        removal_policy=removal_policy,
        encryption_key=key,
        lifecycle_rules=[
            s3.LifecycleRule(
                id="archive-and-expire-trail-files",
                transitions=transitions,
                expiration=Duration.days(options.retention_days),
                noncurrent_version_expiration=Duration.days(NONCURRENT_DAYS),
            )
        ],
        server_access_logs_bucket=log_bucket,
        server_access_logs_prefix=ACCESS_LOGS_PREFIX,
    )
    this_trail = {"aws:SourceArn": arn}
    service = iam.ServicePrincipal(CLOUDTRAIL)
    bucket.add_to_resource_policy(
        iam.PolicyStatement(
            sid="AWSCloudTrailAclCheck",
            principals=[service],
            actions=["s3:GetBucketAcl"],
            resources=[bucket.bucket_arn],
            conditions={"StringEquals": this_trail},
        )
    )
    bucket.add_to_resource_policy(
        iam.PolicyStatement(
            sid="AWSCloudTrailWrite",
            principals=[service],
            actions=["s3:PutObject"],
            resources=[bucket.arn_for_objects(f"AWSLogs/{Stack.of(scope).account}/*")],
            conditions={"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", **this_trail}},
        )
    )
    keep_policy(bucket, removal_policy)
    return bucket


def keep_policy(bucket: s3.IBucket, removal_policy: RemovalPolicy) -> None:
    """Give ``bucket``'s policy the bucket's removal policy: a retained trail (or log
    bucket) goes on being written only while the policy that lets it stays too."""
    assert bucket.policy is not None  # secure_bucket's TLS-only policy at least
    bucket.policy.apply_removal_policy(removal_policy)
