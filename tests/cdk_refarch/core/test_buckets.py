"""secure_bucket, the one way the project makes a bucket, and the shared AccessLogBucket."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import pytest
from aws_cdk import App, Duration, RemovalPolicy, Stack
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk.assertions import Template

from cdk_refarch import AccessLogBucket, PatternConfigError, secure_bucket
from tests.synthesis import CDK_CONTEXT

BLOCK_ALL = {
    "BlockPublicAcls": True,
    "BlockPublicPolicy": True,
    "IgnorePublicAcls": True,
    "RestrictPublicBuckets": True,
}


@cache
def _buckets() -> dict[str, Any]:
    """One stack with a bucket per removal policy and encryption, and a shared log bucket."""
    stack = Stack(App(context=CDK_CONTEXT), "Buckets")
    logs = AccessLogBucket(stack, "Logs", expiration_days=90)
    secure_bucket(
        stack,
        "Plain",
        removal_policy=RemovalPolicy.RETAIN,
        server_access_logs_bucket=logs.bucket,
        server_access_logs_prefix="s3/plain/",
    )
    secure_bucket(
        stack,
        "Keyed",
        removal_policy=RemovalPolicy.DESTROY,
        encryption_key=kms.Key(stack, "Key", enable_key_rotation=True),
        lifecycle_rules=[s3.LifecycleRule(id="old", noncurrent_version_expiration=Duration.days(10))],
    )
    secure_bucket(stack, "Snapshot", removal_policy=RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE)
    return Template.from_stack(stack).to_json()["Resources"]


def _bucket(prefix: str) -> tuple[str, dict[str, Any]]:
    (found,) = [
        (k, v)
        for k, v in _buckets().items()
        if v["Type"] == "AWS::S3::Bucket" and re.fullmatch(f"{prefix}[0-9A-F]{{8}}", k)
    ]
    return found


def _policy(bucket_id: str) -> list[dict[str, Any]]:
    (policy,) = [
        v
        for v in _buckets().values()
        if v["Type"] == "AWS::S3::BucketPolicy" and v["Properties"]["Bucket"] == {"Ref": bucket_id}
    ]
    return policy["Properties"]["PolicyDocument"]["Statement"]


@pytest.mark.parametrize("prefix", ["Plain", "Keyed", "Snapshot", "LogsBucket"])
def test_every_bucket_is_private_owner_enforced_versioned_and_tls_only(prefix: str) -> None:
    bucket_id, bucket = _bucket(prefix)
    props = bucket["Properties"]
    assert props["PublicAccessBlockConfiguration"] == BLOCK_ALL
    assert props["OwnershipControls"] == {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    assert props["VersioningConfiguration"] == {"Status": "Enabled"}
    assert "AccessControl" not in props
    denies = [s for s in _policy(bucket_id) if s["Effect"] == "Deny"]
    assert [(s["Action"], s["Principal"], s["Condition"]) for s in denies] == [
        ("s3:*", {"AWS": "*"}, {"Bool": {"aws:SecureTransport": "false"}}),
        ("s3:*", {"AWS": "*"}, {"NumericLessThan": {"s3:TlsVersion": 1.2}}),
    ]
    for statement in denies:
        assert statement["Resource"] == [
            {"Fn::GetAtt": [bucket_id, "Arn"]},
            {"Fn::Join": ["", [{"Fn::GetAtt": [bucket_id, "Arn"]}, "/*"]]},
        ]


def test_sse_s3_without_a_key() -> None:
    _, bucket = _bucket("Plain")
    assert bucket["Properties"]["BucketEncryption"] == {
        "ServerSideEncryptionConfiguration": [{"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
    }


def test_sse_kms_with_a_bucket_key_when_given_a_key() -> None:
    key_id = next(k for k, v in _buckets().items() if v["Type"] == "AWS::KMS::Key")
    _, bucket = _bucket("Keyed")
    assert bucket["Properties"]["BucketEncryption"] == {
        "ServerSideEncryptionConfiguration": [
            {
                "BucketKeyEnabled": True,
                "ServerSideEncryptionByDefault": {
                    "KMSMasterKeyID": {"Fn::GetAtt": [key_id, "Arn"]},
                    "SSEAlgorithm": "aws:kms",
                },
            }
        ]
    }


def test_objects_are_deleted_with_the_bucket_only_with_destroy() -> None:
    kept = {prefix: _bucket(prefix)[1] for prefix in ("Plain", "Snapshot", "LogsBucket")}
    assert {prefix: b["DeletionPolicy"] for prefix, b in kept.items()} == {
        "Plain": "Retain",
        "Snapshot": "RetainExceptOnCreate",
        "LogsBucket": "Retain",
    }
    keyed_id, keyed = _bucket("Keyed")
    assert (keyed["DeletionPolicy"], keyed["UpdateReplacePolicy"]) == ("Delete", "Delete")
    auto_delete = [v for v in _buckets().values() if v["Type"] == "Custom::S3AutoDeleteObjects"]
    assert [r["Properties"]["BucketName"] for r in auto_delete] == [{"Ref": keyed_id}]


def test_a_stack_without_destroy_has_no_auto_delete_at_all() -> None:
    stack = Stack(App(context=CDK_CONTEXT), "Kept")
    secure_bucket(stack, "A", removal_policy=RemovalPolicy.RETAIN)
    secure_bucket(stack, "B", removal_policy=RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE)
    template = Template.from_stack(stack)
    template.resource_count_is("Custom::S3AutoDeleteObjects", 0)
    template.resource_count_is("AWS::Lambda::Function", 0)
    template.resource_count_is("AWS::IAM::Role", 0)
    for bucket in template.find_resources("AWS::S3::Bucket").values():
        assert "aws-cdk:auto-delete-objects" not in str(bucket["Properties"].get("Tags"))


def test_lifecycle_rules_and_server_access_logs_are_passed_through() -> None:
    _, keyed = _bucket("Keyed")
    (rule,) = keyed["Properties"]["LifecycleConfiguration"]["Rules"]
    assert (rule["Id"], rule["NoncurrentVersionExpiration"]) == ("old", {"NoncurrentDays": 10})
    logs_id, _ = _bucket("LogsBucket")
    _, plain = _bucket("Plain")
    assert plain["Properties"]["LoggingConfiguration"] == {
        "DestinationBucketName": {"Ref": logs_id},
        "LogFilePrefix": "s3/plain/",
    }
    plain_id, _ = _bucket("Plain")
    # Log delivery is granted by bucket policy (no ACL), for this bucket and prefix only.
    (grant,) = [s for s in _policy(logs_id) if s["Effect"] == "Allow"]
    assert grant["Principal"] == {"Service": "logging.s3.amazonaws.com"}
    assert grant["Action"] == "s3:PutObject"
    assert grant["Resource"] == {"Fn::Join": ["", [{"Fn::GetAtt": [logs_id, "Arn"]}, "/s3/plain/*"]]}
    assert grant["Condition"]["ArnLike"] == {"aws:SourceArn": {"Fn::GetAtt": [plain_id, "Arn"]}}


def test_access_log_bucket_expires_logs_and_their_old_versions() -> None:
    _, bucket = _bucket("LogsBucket")
    props = bucket["Properties"]
    assert props["LifecycleConfiguration"]["Rules"] == [
        {
            "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1},
            "ExpirationInDays": 90,
            "Id": "expire-logs",
            "NoncurrentVersionExpiration": {"NoncurrentDays": 30},
            "Status": "Enabled",
        }
    ]
    # S3 server access logging cannot deliver to an SSE-KMS bucket.
    assert props["BucketEncryption"]["ServerSideEncryptionConfiguration"] == [
        {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
    ]


@pytest.mark.parametrize("days", [0, -1, True, 1.5, float("nan")])
def test_access_log_bucket_expiration_days(days: Any) -> None:
    with pytest.raises(
        PatternConfigError, match=re.escape(f"expiration_days ({days!r}) must be an integer at least 1 days")
    ):
        AccessLogBucket(Stack(App(context=CDK_CONTEXT), "Test"), "Logs", expiration_days=days)


def test_server_access_logs_without_the_bucket_policy_flag_fail_with_the_flags_name() -> None:
    from aws_cdk import RemovalPolicy

    from cdk_refarch.core.buckets import ACCESS_LOGS_BY_POLICY_FLAG, secure_bucket

    stack = Stack(App(context={ACCESS_LOGS_BY_POLICY_FLAG: False}), "NoFlag")
    logs = AccessLogBucket(stack, "Logs")
    with pytest.raises(PatternConfigError, match=re.escape(f"need the feature flag {ACCESS_LOGS_BY_POLICY_FLAG}")):
        secure_bucket(stack, "Site", removal_policy=RemovalPolicy.RETAIN, server_access_logs_bucket=logs.bucket)
