"""SQS queues, shaped as CDK's ``sqs.Queue`` synthesizes them, and queue policies."""

from __future__ import annotations

import json
from typing import Any

from tests.emulator.conftest import Cloud
from tests.emulator.templates import KEY
from tests.emulator.templates import SNS_SENDS_TO_SQS as POLICY


def test_a_queue_policy_is_set_on_its_queues(cloud: Cloud) -> None:
    cloud.deploy(
        {
            "Queue": {"Type": "AWS::SQS::Queue"},
            "QueuePolicy": {
                "Type": "AWS::SQS::QueuePolicy",
                "Properties": {"Queues": [{"Ref": "Queue"}], "PolicyDocument": POLICY},
            },
        }
    )
    sqs = cloud.client("sqs")
    queue = cloud.physical_id("Queue")
    assert (
        json.loads(sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["Policy"])["Attributes"]["Policy"])
        == POLICY
    )

    assert cloud.delete() == "DELETE_COMPLETE"


KMS_QUEUE: dict[str, Any] = {
    "Type": "AWS::SQS::Queue",
    "Properties": {
        "KmsMasterKeyId": {"Fn::GetAtt": ["Key", "Arn"]},
        "MessageRetentionPeriod": 345600,
        "ReceiveMessageWaitTimeSeconds": 20,
        "RedrivePolicy": {"deadLetterTargetArn": {"Fn::GetAtt": ["Dlq", "Arn"]}, "maxReceiveCount": 5},
        "VisibilityTimeout": 60,
    },
}


def attributes_of(cloud: Cloud, logical_id: str) -> dict[str, str]:
    queue = cloud.physical_id(logical_id)
    return dict(cloud.client("sqs").get_queue_attributes(QueueUrl=queue, AttributeNames=["All"])["Attributes"])


def test_queues_keep_encryption_redrive_and_timing_as_cdk_sets_them(cloud: Cloud) -> None:
    # As CDK's sqs.Queue synthesizes them: KMS-encrypted with a dead-letter queue,
    # SSE-SQS, and FIFO with content-based deduplication (no QueueName: CloudFormation names it).
    cloud.deploy(
        {
            "Key": KEY,
            "Dlq": {
                "Type": "AWS::SQS::Queue",
                "Properties": {"KmsMasterKeyId": {"Fn::GetAtt": ["Key", "Arn"]}, "MessageRetentionPeriod": 1209600},
            },
            "Orders": KMS_QUEUE,
            "Big": {"Type": "AWS::SQS::Queue", "Properties": {"SqsManagedSseEnabled": True}},
            "Fifo": {
                "Type": "AWS::SQS::Queue",
                "Properties": {"ContentBasedDeduplication": True, "FifoQueue": True, "SqsManagedSseEnabled": True},
            },
        }
    )
    key = cloud.client("kms").describe_key(KeyId=cloud.physical_id("Key"))["KeyMetadata"]["Arn"]
    orders, dlq = attributes_of(cloud, "Orders"), attributes_of(cloud, "Dlq")
    assert (orders["KmsMasterKeyId"], orders["SqsManagedSseEnabled"]) == (key, "false")
    assert json.loads(orders["RedrivePolicy"]) == {"deadLetterTargetArn": dlq["QueueArn"], "maxReceiveCount": 5}
    assert (orders["VisibilityTimeout"], orders["ReceiveMessageWaitTimeSeconds"]) == ("60", "20")
    assert (orders["MessageRetentionPeriod"], dlq["MessageRetentionPeriod"]) == ("345600", "1209600")
    big = attributes_of(cloud, "Big")
    assert big["SqsManagedSseEnabled"] == "true" and "KmsMasterKeyId" not in big
    fifo = attributes_of(cloud, "Fifo")
    assert fifo["QueueArn"].endswith(".fifo") and cloud.physical_id("Fifo").startswith(
        "https://sqs.us-east-1.amazonaws.com/123456789012/stack-Fifo-"
    )
    assert (fifo["FifoQueue"], fifo["ContentBasedDeduplication"]) == ("true", "true")

    assert cloud.delete() == "DELETE_COMPLETE"
    assert cloud.client("sqs").list_queues().get("QueueUrls", []) == []


def test_queue_policies_let_sns_and_eventbridge_send_from_their_source(cloud: Cloud) -> None:
    # CDK's policy for a topic subscription and for a rule's target: SendMessage allowed
    # to the service principal, for one source ARN.
    def allow(service: str, source: dict[str, Any]) -> dict[str, Any]:
        return {
            "Action": "sqs:SendMessage",
            "Condition": {"ArnEquals": {"aws:SourceArn": source}},
            "Effect": "Allow",
            "Principal": {"Service": service},
            "Resource": {"Fn::GetAtt": ["Queue", "Arn"]},
        }

    cloud.deploy(
        {
            "Queue": {"Type": "AWS::SQS::Queue"},
            "Topic": {"Type": "AWS::SNS::Topic"},
            "Rule": {"Type": "AWS::Events::Rule", "Properties": {"EventPattern": {"source": ["app"]}}},
            "QueuePolicy": {
                "Type": "AWS::SQS::QueuePolicy",
                "Properties": {
                    "Queues": [{"Ref": "Queue"}],
                    "PolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [
                            allow("sns.amazonaws.com", {"Ref": "Topic"}),
                            allow("events.amazonaws.com", {"Fn::GetAtt": ["Rule", "Arn"]}),
                        ],
                    },
                },
            },
        }
    )
    sqs = cloud.client("sqs")
    policy = json.loads(
        sqs.get_queue_attributes(QueueUrl=cloud.physical_id("Queue"), AttributeNames=["Policy"])["Attributes"]["Policy"]
    )
    sources = [statement["Condition"]["ArnEquals"]["aws:SourceArn"] for statement in policy["Statement"]]
    rule_arn = cloud.client("events").describe_rule(Name=cloud.physical_id("Rule"))["Arn"]
    assert sources == [cloud.physical_id("Topic"), rule_arn]

    assert cloud.delete() == "DELETE_COMPLETE"
