"""S3 buckets as CloudFormation configures and deletes them, bucket policies, and bucket
notifications to EventBridge and SQS (the bucket's own property, and CDK's
``Custom::S3BucketNotifications``)."""

from __future__ import annotations

import json
from typing import Any

from emulator.notes import EMULATED
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


def uploads_rule(key_filter: dict[str, str], queue: str) -> dict[str, Any]:
    """CDK's events.Rule for the bucket's Object Created events whose key matches."""
    return {
        "Type": "AWS::Events::Rule",
        "Properties": {
            "EventPattern": {
                "source": ["aws.s3"],
                "detail-type": ["Object Created"],
                "detail": {"bucket": {"name": [{"Ref": "Uploads"}]}, "object": {"key": [key_filter]}},
            },
            "State": "ENABLED",
            "Targets": [{"Arn": {"Fn::GetAtt": [queue, "Arn"]}, "Id": "Target0"}],
        },
    }


def upload_pipeline(bucket: dict[str, Any], **resources: Any) -> dict[str, Any]:
    return {
        "Uploads": bucket,
        "Work": {"Type": "AWS::SQS::Queue"},
        "Csv": {"Type": "AWS::SQS::Queue"},
        "Incoming": uploads_rule({"prefix": "incoming/"}, "Work"),
        # A prefix and a suffix together: EventBridge's wildcard (one field takes one of each).
        "CsvFiles": uploads_rule({"wildcard": "incoming/*.csv"}, "Csv"),
        **resources,
    }


def queued(cloud: Cloud, queue: str = "Work") -> list[dict[str, Any]]:
    messages = cloud.client("sqs").receive_message(QueueUrl=cloud.physical_id(queue), MaxNumberOfMessages=10)
    return [json.loads(message["Body"]) for message in messages.get("Messages", [])]


def test_a_bucket_sends_object_created_events_to_eventbridge(cloud: Cloud) -> None:
    bucket = {
        "Type": "AWS::S3::Bucket",
        "Properties": {"NotificationConfiguration": {"EventBridgeConfiguration": {"EventBridgeEnabled": True}}},
    }
    cloud.deploy(upload_pipeline(bucket))
    s3, name = cloud.client("s3"), cloud.physical_id("Uploads")
    configuration = s3.get_bucket_notification_configuration(Bucket=name)
    assert configuration["EventBridgeConfiguration"] == {}

    s3.put_object(Bucket=name, Key="incoming/orders.csv", Body=b"id,total\n1,12\n")
    s3.put_object(Bucket=name, Key="elsewhere/orders.csv", Body=b"x")
    s3.put_object(Bucket=name, Key="incoming/readme.txt", Body=b"x")

    incoming = {e["detail"]["object"]["key"]: e for e in queued(cloud)}
    assert sorted(incoming) == ["incoming/orders.csv", "incoming/readme.txt"]
    assert [e["detail"]["object"]["key"] for e in queued(cloud, "Csv")] == ["incoming/orders.csv"]
    event = incoming["incoming/orders.csv"]
    assert (event["source"], event["detail-type"], event["account"]) == ("aws.s3", "Object Created", "123456789012")
    assert (event["region"], event["resources"]) == ("us-east-1", [f"arn:aws:s3:::{name}"])
    assert event["detail"]["bucket"] == {"name": name}
    assert (event["detail"]["object"]["key"], event["detail"]["object"]["size"]) == ("incoming/orders.csv", 14)
    # Where moto's event differs from S3's (emulator/README.md): S3 spells "etag" and gives
    # the API call as the reason ("PutObject").
    assert "eTag" in event["detail"]["object"] and event["detail"]["reason"] == "ObjectCreated"

    for key in ("incoming/orders.csv", "elsewhere/orders.csv", "incoming/readme.txt"):
        s3.delete_object(Bucket=name, Key=key)
    assert cloud.delete() == "DELETE_COMPLETE"


def test_cdks_bucket_notifications_resource_turns_eventbridge_on(cloud: Cloud) -> None:
    # What s3.Bucket(event_bridge_enabled=True) synthesizes: a custom resource whose
    # handler puts the configuration.
    notifications = {
        "Type": "Custom::S3BucketNotifications",
        "Properties": {
            "ServiceToken": "arn:aws:lambda:us-east-1:123456789012:function:BucketNotificationsHandler",
            "BucketName": {"Ref": "Uploads"},
            "NotificationConfiguration": {"EventBridgeConfiguration": {}},
            "Managed": True,
            "SkipDestinationValidation": False,
        },
    }
    stack = upload_pipeline({"Type": "AWS::S3::Bucket"}, Notifications=notifications)
    cloud.deploy(stack)
    s3, name = cloud.client("s3"), cloud.physical_id("Uploads")
    assert s3.get_bucket_notification_configuration(Bucket=name)["EventBridgeConfiguration"] == {}
    status, reason = cloud.events()["Notifications"]
    assert status == "CREATE_COMPLETE" and reason.startswith(f"{EMULATED}puts the notification configuration")
    s3.put_object(Bucket=name, Key="incoming/a.csv", Body=b"a")
    assert [event["detail"]["object"]["key"] for event in queued(cloud)] == ["incoming/a.csv"]

    s3.delete_object(Bucket=name, Key="incoming/a.csv")
    assert cloud.delete() == "DELETE_COMPLETE"


def test_the_notifications_of_a_bucket_outside_the_stack_are_added_to_and_taken_back(cloud: Cloud) -> None:
    s3, sqs = cloud.client("s3"), cloud.client("sqs")
    s3.create_bucket(Bucket="imported")
    external = sqs.create_queue(QueueName="external")["QueueUrl"]
    external_arn = sqs.get_queue_attributes(QueueUrl=external, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    s3.put_bucket_notification_configuration(
        Bucket="imported",
        NotificationConfiguration={
            "QueueConfigurations": [{"Id": "external", "QueueArn": external_arn, "Events": ["s3:ObjectRemoved:*"]}]
        },
    )
    cloud.deploy(
        {
            "Work": {"Type": "AWS::SQS::Queue"},
            "Notifications": {
                "Type": "Custom::S3BucketNotifications",
                "Properties": {
                    "ServiceToken": "arn:aws:lambda:us-east-1:123456789012:function:BucketNotificationsHandler",
                    "BucketName": "imported",
                    "NotificationConfiguration": {
                        "QueueConfigurations": [
                            {
                                "Events": ["s3:ObjectCreated:*"],
                                "Filter": {"Key": {"FilterRules": [{"Name": "suffix", "Value": ".csv"}]}},
                                "QueueArn": {"Fn::GetAtt": ["Work", "Arn"]},
                            }
                        ]
                    },
                    "Managed": False,
                },
            },
        }
    )
    configurations = s3.get_bucket_notification_configuration(Bucket="imported")["QueueConfigurations"]
    assert [c["QueueArn"] for c in configurations] == [external_arn, configurations[1]["QueueArn"]]
    assert configurations[1]["Filter"] == {"Key": {"FilterRules": [{"Name": "Suffix", "Value": ".csv"}]}}
    s3.put_object(Bucket="imported", Key="a.csv", Body=b"a")
    [record] = [r for event in queued(cloud) if "Records" in event for r in event["Records"]]
    assert (record["eventName"], record["s3"]["object"]["key"]) == ("ObjectCreated:Put", "a.csv")

    assert cloud.delete() == "DELETE_COMPLETE"
    remaining = s3.get_bucket_notification_configuration(Bucket="imported")["QueueConfigurations"]
    assert [(c["Id"], c["QueueArn"]) for c in remaining] == [("external", external_arn)]
