"""S3 buckets as CloudFormation configures and deletes them, and bucket policies."""

from __future__ import annotations

import json

from tests.emulator.conftest import Cloud
from tests.emulator.templates import TLS_ONLY


def test_bucket_configuration_reads_back_as_in_aws(cloud: Cloud) -> None:
    cloud.deploy(
        {
            "Logs": {"Type": "AWS::S3::Bucket"},
            "Bucket": {
                "Type": "AWS::S3::Bucket",
                "Properties": {
                    "VersioningConfiguration": {"Status": "Enabled"},
                    "PublicAccessBlockConfiguration": {
                        "BlockPublicAcls": True,
                        "BlockPublicPolicy": True,
                        "IgnorePublicAcls": True,
                        "RestrictPublicBuckets": True,
                    },
                    "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
                    "LoggingConfiguration": {"DestinationBucketName": {"Ref": "Logs"}, "LogFilePrefix": "s3/"},
                    "LifecycleConfiguration": {
                        "Rules": [
                            {
                                "Id": "old-versions",
                                "Status": "Enabled",
                                "NoncurrentVersionTransitions": [{"StorageClass": "GLACIER", "TransitionInDays": 30}],
                                "NoncurrentVersionExpiration": {"NoncurrentDays": 365},
                                "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7},
                            }
                        ]
                    },
                },
            },
            "Policy": {
                "Type": "AWS::S3::BucketPolicy",
                "Properties": {"Bucket": {"Ref": "Bucket"}, "PolicyDocument": TLS_ONLY},
            },
        }
    )
    s3, bucket = cloud.client("s3"), cloud.physical_id("Bucket")
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    assert all(s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"].values())
    assert s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]["Rules"] == [
        {"ObjectOwnership": "BucketOwnerEnforced"}
    ]
    assert s3.get_bucket_logging(Bucket=bucket)["LoggingEnabled"] == {
        "TargetBucket": cloud.physical_id("Logs"),
        "TargetPrefix": "s3/",
    }
    [rule] = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    assert rule["NoncurrentVersionTransitions"] == [{"NoncurrentDays": 30, "StorageClass": "GLACIER"}]
    assert json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"]) == TLS_ONLY


def test_a_non_empty_bucket_fails_the_stack_deletion_and_the_stack_stays(cloud: Cloud) -> None:
    cloud.deploy({"Bucket": {"Type": "AWS::S3::Bucket"}})
    cloud.client("s3").put_object(Bucket=cloud.physical_id("Bucket"), Key="a.txt", Body=b"a")

    assert cloud.delete() == "DELETE_FAILED"
    stack = cloud.client("cloudformation").describe_stacks(StackName="stack")["Stacks"][0]
    assert stack["StackStatus"] == "DELETE_FAILED" and "not empty" in stack.get(
        "StackStatusReason", cloud.events()["stack"][1]
    )
