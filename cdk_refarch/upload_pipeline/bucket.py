"""The uploads bucket and the EventBridge rule that turns its new objects into messages."""

from __future__ import annotations

from typing import Any

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from cdk_refarch.core.buckets import secure_bucket
from cdk_refarch.upload_pipeline.options import OBJECT_CREATED

#: Where the uploads bucket's server access logs go in the log bucket.
ACCESS_LOG_PREFIX = "s3/uploads/"
#: An upload never completed is aborted (and its parts deleted) after this many days.
ABORT_MULTIPART_DAYS = 7


def uploads_bucket(
    scope: Construct,
    *,
    log_bucket: s3.IBucket,
    noncurrent_version_expiration_days: int,
    removal_policy: RemovalPolicy,
) -> s3.Bucket:
    """The project's secure bucket (``Bucket``) that sends every event to EventBridge.

    EventBridge delivery is the bucket's own ``NotificationConfiguration`` property,
    set on the CloudFormation resource. CDK's ``event_bridge_enabled=True`` (like
    ``add_event_notification``) writes it through a ``Custom::S3BucketNotifications``
    resource and a Lambda function of its own instead (aws-cdk #2004, #9890): one more
    function and role to secure, and one that overwrites notifications set elsewhere.
    """
    bucket = secure_bucket(
        scope,
        "Bucket",
        removal_policy=removal_policy,
        lifecycle_rules=[
            s3.LifecycleRule(
                id="noncurrent-versions",
                noncurrent_version_expiration=Duration.days(noncurrent_version_expiration_days),
                abort_incomplete_multipart_upload_after=Duration.days(ABORT_MULTIPART_DAYS),
            )
        ],
        server_access_logs_bucket=log_bucket,
        server_access_logs_prefix=ACCESS_LOG_PREFIX,
    )
    resource = bucket.node.default_child
    assert isinstance(resource, s3.CfnBucket)
    resource.notification_configuration = s3.CfnBucket.NotificationConfigurationProperty(
        event_bridge_configuration=s3.CfnBucket.EventBridgeConfigurationProperty(event_bridge_enabled=True)
    )
    return bucket


def object_key_filter(prefix: str, suffixes: tuple[str, ...]) -> list[dict[str, str]] | None:
    """EventBridge's match for ``detail.object.key``: a prefix, suffixes (any of them),
    or both. One field takes no "prefix and suffix" pair, so both together are one
    wildcard per suffix (``uploads/*.jpg``); ``*`` matches any characters, ``/``
    included, and the checked prefix and suffixes hold no wildcard syntax. A key in
    which prefix and suffix would overlap (prefix ``a.jpg``, suffix ``.jpg``, key
    ``a.jpg``) does not match the wildcard, and a rule with a wildcard counts against
    EventBridge's quota of 30 such rules per bus and account. ``None``: every key."""
    if suffixes and prefix:
        return [{"wildcard": f"{prefix}*{suffix}"} for suffix in suffixes]
    if suffixes:
        return [{"suffix": suffix} for suffix in suffixes]
    if prefix:
        return [{"prefix": prefix}]
    return None


def object_created_pattern(bucket_name: str, prefix: str, suffixes: tuple[str, ...]) -> dict[str, Any]:
    """The event pattern of a new object in this bucket whose key passes the filter."""
    detail: dict[str, Any] = {"bucket": {"name": [bucket_name]}}
    key_filter = object_key_filter(prefix, suffixes)
    if key_filter is not None:
        detail["object"] = {"key": key_filter}
    return {"source": ["aws.s3"], "detail-type": [OBJECT_CREATED], "detail": detail}


def object_created_rule(
    scope: Construct,
    *,
    bucket: s3.IBucket,
    prefix: str,
    suffixes: tuple[str, ...],
    queue: sqs.IQueue,
    dead_letter_queue: sqs.IQueue,
    retry_attempts: int,
    max_event_age_seconds: int,
) -> events.Rule:
    """A rule on the default event bus (``ObjectCreatedRule``, where S3 sends its events)
    whose target is ``queue``. The target grants EventBridge ``sqs:SendMessage`` for this
    rule only (``aws:SourceArn``) on ``queue`` and on ``dead_letter_queue``, where an
    event goes once the retries or the event's age run out."""
    pattern = object_created_pattern(bucket.bucket_name, prefix, suffixes)
    return events.Rule(
        scope,
        "ObjectCreatedRule",
        description="New objects of the uploads bucket, to the buffer queue",
        event_pattern=events.EventPattern(
            source=pattern["source"], detail_type=pattern["detail-type"], detail=pattern["detail"]
        ),
        targets=[
            targets.SqsQueue(
                queue,
                dead_letter_queue=dead_letter_queue,
                retry_attempts=retry_attempts,
                max_event_age=Duration.seconds(max_event_age_seconds),
            )
        ],
    )
