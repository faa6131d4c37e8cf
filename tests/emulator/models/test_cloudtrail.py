"""CloudTrail trails: read back through the CloudTrail API, multi-region from every region,
and refused as CloudTrail refuses a trail that could not write where it is told."""

from __future__ import annotations

from typing import Any

import pytest

from tests.emulator.conftest import Cloud

TRAIL_NAME = "account-trail"
TRAIL_ARN = {"Fn::Sub": f"arn:${{AWS::Partition}}:cloudtrail:${{AWS::Region}}:${{AWS::AccountId}}:trail/{TRAIL_NAME}"}
CLOUDTRAIL = {"Service": "cloudtrail.amazonaws.com"}


def _resources() -> dict[str, Any]:
    """A trail as AccountBaseline builds it: bucket, key, log group and role, with the
    policies CloudTrail needs for this trail, and the trail waiting for them."""
    return {
        "Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"VersioningConfiguration": {"Status": "Enabled"}}},
        "BucketPolicy": {
            "Type": "AWS::S3::BucketPolicy",
            "Properties": {
                "Bucket": {"Ref": "Bucket"},
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": CLOUDTRAIL,
                            "Action": "s3:GetBucketAcl",
                            "Resource": {"Fn::GetAtt": ["Bucket", "Arn"]},
                            "Condition": {"StringEquals": {"aws:SourceArn": TRAIL_ARN}},
                        },
                        {
                            "Effect": "Allow",
                            "Principal": CLOUDTRAIL,
                            "Action": "s3:PutObject",
                            "Resource": {"Fn::Sub": "${Bucket.Arn}/AWSLogs/${AWS::AccountId}/*"},
                            "Condition": {
                                "StringEquals": {
                                    "s3:x-amz-acl": "bucket-owner-full-control",
                                    "aws:SourceArn": TRAIL_ARN,
                                }
                            },
                        },
                    ],
                },
            },
        },
        "Key": {
            "Type": "AWS::KMS::Key",
            "Properties": {
                "EnableKeyRotation": True,
                "KeyPolicy": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}},
                            "Action": "kms:*",
                            "Resource": "*",
                        },
                        {
                            "Effect": "Allow",
                            "Principal": CLOUDTRAIL,
                            "Action": "kms:GenerateDataKey*",
                            "Resource": "*",
                            "Condition": {"StringEquals": {"aws:SourceArn": TRAIL_ARN}},
                        },
                    ],
                },
            },
        },
        "Logs": {"Type": "AWS::Logs::LogGroup", "Properties": {"RetentionInDays": 90}},
        "LogsRole": {
            "Type": "AWS::IAM::Role",
            "Properties": {
                "AssumeRolePolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [{"Effect": "Allow", "Principal": CLOUDTRAIL, "Action": "sts:AssumeRole"}],
                }
            },
        },
        "LogsRolePolicy": {
            "Type": "AWS::IAM::Policy",
            "Properties": {
                "PolicyName": "trail-logs",
                "Roles": [{"Ref": "LogsRole"}],
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                            "Resource": {"Fn::Sub": "${Logs.Arn}:log-stream:${AWS::AccountId}_CloudTrail_*"},
                        }
                    ],
                },
            },
        },
        "Trail": {
            "Type": "AWS::CloudTrail::Trail",
            "DependsOn": ["BucketPolicy", "LogsRolePolicy"],
            "Properties": {
                "TrailName": TRAIL_NAME,
                "IsLogging": True,
                "IsMultiRegionTrail": True,
                "IncludeGlobalServiceEvents": True,
                "EnableLogFileValidation": True,
                "S3BucketName": {"Ref": "Bucket"},
                "KMSKeyId": {"Fn::GetAtt": ["Key", "Arn"]},
                "CloudWatchLogsLogGroupArn": {"Fn::GetAtt": ["Logs", "Arn"]},
                "CloudWatchLogsRoleArn": {"Fn::GetAtt": ["LogsRole", "Arn"]},
                "EventSelectors": [{"IncludeManagementEvents": True, "ReadWriteType": "All"}],
                "Tags": [{"Key": "Pattern", "Value": "account-baseline"}],
            },
        },
    }


def test_a_trail_reads_back_logging_from_every_region_and_goes_with_its_stack(cloud: Cloud) -> None:
    stack = cloud.deploy(_resources(), outputs={"Arn": {"Value": {"Fn::GetAtt": ["Trail", "Arn"]}}})
    assert stack["StackStatus"] == "CREATE_COMPLETE", cloud.events()
    assert cloud.physical_id("Trail") == TRAIL_NAME
    cloudtrail = cloud.client("cloudtrail")
    (trail,) = cloudtrail.describe_trails(trailNameList=[TRAIL_NAME])["trailList"]
    assert trail["IsMultiRegionTrail"] is True
    assert trail["IncludeGlobalServiceEvents"] is True
    assert trail["LogFileValidationEnabled"] is True
    assert trail["S3BucketName"] == cloud.physical_id("Bucket")
    assert trail["KmsKeyId"].endswith(f":key/{cloud.physical_id('Key')}")
    assert trail["CloudWatchLogsLogGroupArn"].split(":log-group:")[1].removesuffix(":*") == cloud.physical_id("Logs")
    assert trail["CloudWatchLogsRoleArn"].endswith(f":role/{cloud.physical_id('LogsRole')}")
    assert cloud.outputs(stack)["Arn"] == trail["TrailARN"]
    assert cloudtrail.get_trail_status(Name=TRAIL_NAME)["IsLogging"] is True
    selectors = cloudtrail.get_event_selectors(TrailName=TRAIL_NAME)["EventSelectors"]
    assert selectors == [{"IncludeManagementEvents": True, "ReadWriteType": "All"}]
    (tags,) = cloudtrail.list_tags(ResourceIdList=[trail["TrailARN"]])["ResourceTagList"]
    assert {"Key": "Pattern", "Value": "account-baseline"} in tags["TagsList"]
    # A multi-region trail shows in every region, with its home region.
    (shadow,) = cloud.client("cloudtrail", "eu-west-1").describe_trails()["trailList"]
    assert (shadow["Name"], shadow["HomeRegion"]) == (TRAIL_NAME, "us-east-1")

    assert cloud.delete() == "DELETE_COMPLETE"
    assert cloudtrail.describe_trails()["trailList"] == []


def test_a_trail_that_is_not_logging_reads_back_stopped(cloud: Cloud) -> None:
    resources = _resources()
    resources["Trail"]["Properties"]["IsLogging"] = False
    assert cloud.deploy(resources)["StackStatus"] == "CREATE_COMPLETE"
    assert cloud.client("cloudtrail").get_trail_status(Name=TRAIL_NAME)["IsLogging"] is False


def _no_bucket_policy(resources: dict[str, Any]) -> None:
    del resources["BucketPolicy"]
    resources["Trail"]["DependsOn"] = ["LogsRolePolicy"]


def _another_trail(statement: dict[str, Any]) -> None:
    statement["Condition"]["StringEquals"]["aws:SourceArn"] = {
        "Fn::Sub": "arn:${AWS::Partition}:cloudtrail:${AWS::Region}:${AWS::AccountId}:trail/another"
    }


def _break_write(resources: dict[str, Any]) -> None:
    _another_trail(resources["BucketPolicy"]["Properties"]["PolicyDocument"]["Statement"][1])


def _break_key(resources: dict[str, Any]) -> None:
    _another_trail(resources["Key"]["Properties"]["KeyPolicy"]["Statement"][1])


def _break_role(resources: dict[str, Any]) -> None:
    resources["LogsRolePolicy"]["Properties"]["PolicyDocument"]["Statement"][0]["Action"] = ["logs:CreateLogStream"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_no_bucket_policy, "Incorrect S3 bucket policy is detected for bucket"),
        (_break_write, "Incorrect S3 bucket policy is detected for bucket"),
        (_break_key, "Insufficient permissions to access S3 bucket"),
        (_break_role, "Access denied. Verify in IAM that the role has adequate permissions."),
        (
            lambda r: r["Trail"]["Properties"].pop("CloudWatchLogsRoleArn"),
            "You must specify a log group and a role ARN.",
        ),
    ],
    ids=["no bucket policy", "policy for another trail", "key for another trail", "role cannot write", "no role"],
)
def test_what_cloudtrail_refuses(cloud: Cloud, change: Any, message: str) -> None:
    resources = _resources()
    change(resources)
    assert cloud.deploy(resources)["StackStatus"] == "CREATE_FAILED"
    assert message in cloud.events()["Trail"][1]
    assert cloud.client("cloudtrail").describe_trails()["trailList"] == []
