"""SNS topics, topic policies and subscriptions, shaped as CDK's ``sns.Topic`` and
``SqsSubscription`` synthesize them, and the fan-out to the queues whose filter matches."""

from __future__ import annotations

import json
from typing import Any

from tests.emulator.conftest import Cloud
from tests.emulator.templates import KEY
from tests.emulator.templates import SNS_SENDS_TO_SQS as POLICY


def test_a_topic_policy_and_a_queue_subscription(cloud: Cloud) -> None:
    cloud.deploy(
        {
            "Queue": {"Type": "AWS::SQS::Queue"},
            "Topic": {"Type": "AWS::SNS::Topic"},
            "TopicPolicy": {
                "Type": "AWS::SNS::TopicPolicy",
                "Properties": {"Topics": [{"Ref": "Topic"}], "PolicyDocument": POLICY},
            },
            "Subscription": {
                "Type": "AWS::SNS::Subscription",
                "Properties": {
                    "TopicArn": {"Ref": "Topic"},
                    "Protocol": "sqs",
                    "Endpoint": {"Fn::GetAtt": ["Queue", "Arn"]},
                    "RawMessageDelivery": True,
                },
            },
        }
    )
    sns = cloud.client("sns")
    topic = cloud.physical_id("Topic")
    assert json.loads(sns.get_topic_attributes(TopicArn=topic)["Attributes"]["Policy"]) == POLICY
    subscription = cloud.physical_id("Subscription")
    assert sns.get_subscription_attributes(SubscriptionArn=subscription)["Attributes"]["RawMessageDelivery"] == "true"

    assert cloud.delete() == "DELETE_COMPLETE"
    assert sns.list_subscriptions()["Subscriptions"] == []


def test_an_alarm_topics_email_subscription_is_created_and_deleted(cloud: Cloud) -> None:
    # What an alarm topic of CDK's SnsAction with an EmailSubscription synthesizes: a
    # KMS-encrypted topic and an "email" subscription. No e-mail goes out.
    cloud.deploy(
        {
            "Key": {
                "Type": "AWS::KMS::Key",
                "Properties": {"KeyPolicy": {"Version": "2012-10-17", "Statement": []}},
            },
            "Topic": {"Type": "AWS::SNS::Topic", "Properties": {"KmsMasterKeyId": {"Fn::GetAtt": ["Key", "Arn"]}}},
            "Mail": {
                "Type": "AWS::SNS::Subscription",
                "Properties": {"TopicArn": {"Ref": "Topic"}, "Protocol": "email", "Endpoint": "ops@example.com"},
            },
        }
    )
    sns, topic = cloud.client("sns"), cloud.physical_id("Topic")
    assert cloud.events()["Mail"] == ("CREATE_COMPLETE", "")
    [subscription] = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    assert subscription["SubscriptionArn"] == cloud.physical_id("Mail")
    assert (subscription["Protocol"], subscription["Endpoint"]) == ("email", "ops@example.com")

    assert cloud.delete() == "DELETE_COMPLETE"
    assert sns.list_subscriptions()["Subscriptions"] == []


def queue_subscription(queue: str, **attributes: Any) -> dict[str, Any]:
    return {
        "Type": "AWS::SNS::Subscription",
        "Properties": {
            "TopicArn": {"Ref": "Topic"},
            "Protocol": "sqs",
            "Endpoint": {"Fn::GetAtt": [queue, "Arn"]},
            **attributes,
        },
    }


FAN_OUT: dict[str, Any] = {
    "Key": KEY,
    "Topic": {
        "Type": "AWS::SNS::Topic",
        "Properties": {
            "KmsMasterKeyId": {"Fn::GetAtt": ["Key", "Arn"]},
            "Tags": [{"Key": "Pattern", "Value": "fan-out"}],
        },
    },
    "Dlq": {"Type": "AWS::SQS::Queue"},
    "Orders": {"Type": "AWS::SQS::Queue"},
    "Big": {"Type": "AWS::SQS::Queue"},
    "Audit": {"Type": "AWS::SQS::Queue"},
    # As CDK's SqsSubscription synthesizes them (filter_policy, filter_policy_with_message_body).
    "OrdersSubscription": queue_subscription(
        "Orders",
        FilterPolicy={"kind": ["order"]},
        RawMessageDelivery=True,
        RedrivePolicy={"deadLetterTargetArn": {"Fn::GetAtt": ["Dlq", "Arn"]}},
    ),
    "BigSubscription": queue_subscription(
        "Big", FilterPolicy={"size": [{"numeric": [">", 100]}]}, FilterPolicyScope="MessageBody"
    ),
    "AuditSubscription": queue_subscription("Audit"),
}


def test_a_topic_keeps_its_encryption_and_tags_and_a_fifo_topic_its_settings(cloud: Cloud) -> None:
    cloud.deploy(
        {
            **FAN_OUT,
            "FifoTopic": {
                "Type": "AWS::SNS::Topic",
                "Properties": {
                    "ContentBasedDeduplication": True,
                    "FifoTopic": True,
                    "KmsMasterKeyId": {"Fn::GetAtt": ["Key", "Arn"]},
                    "TopicName": "stack-FifoTopic-F6F1AE1E.fifo",
                },
            },
        }
    )
    sns, topic = cloud.client("sns"), cloud.physical_id("Topic")
    key = cloud.client("kms").describe_key(KeyId=cloud.physical_id("Key"))["KeyMetadata"]["Arn"]
    assert sns.get_topic_attributes(TopicArn=topic)["Attributes"]["KmsMasterKeyId"] == key
    assert sns.list_tags_for_resource(ResourceArn=topic)["Tags"] == [{"Key": "Pattern", "Value": "fan-out"}]
    fifo = sns.get_topic_attributes(TopicArn=cloud.physical_id("FifoTopic"))["Attributes"]
    assert (fifo["FifoTopic"], fifo["ContentBasedDeduplication"], fifo["KmsMasterKeyId"]) == ("true", "true", key)
    orders = sns.get_subscription_attributes(SubscriptionArn=cloud.physical_id("OrdersSubscription"))["Attributes"]
    assert json.loads(orders["FilterPolicy"]) == {"kind": ["order"]}
    assert (orders["FilterPolicyScope"], orders["RawMessageDelivery"]) == ("MessageAttributes", "true")
    dlq = cloud.client("sqs").get_queue_attributes(QueueUrl=cloud.physical_id("Dlq"), AttributeNames=["QueueArn"])
    assert json.loads(orders["RedrivePolicy"]) == {"deadLetterTargetArn": dlq["Attributes"]["QueueArn"]}
    big = sns.get_subscription_attributes(SubscriptionArn=cloud.physical_id("BigSubscription"))["Attributes"]
    assert (big["FilterPolicyScope"], json.loads(big["FilterPolicy"])) == (
        "MessageBody",
        {"size": [{"numeric": [">", 100]}]},
    )

    assert cloud.delete() == "DELETE_COMPLETE"
    assert sns.list_topics()["Topics"] == [] and sns.list_subscriptions()["Subscriptions"] == []


def test_a_message_reaches_exactly_the_queues_whose_filter_matches(cloud: Cloud) -> None:
    cloud.deploy(FAN_OUT)
    sns, sqs = cloud.client("sns"), cloud.client("sqs")

    def publish(kind: str, size: int) -> None:
        attributes = {"kind": {"DataType": "String", "StringValue": kind}}
        sns.publish(
            TopicArn=cloud.physical_id("Topic"), Message=json.dumps({"size": size}), MessageAttributes=attributes
        )

    def bodies(queue: str) -> list[str]:
        messages = sqs.receive_message(QueueUrl=cloud.physical_id(queue), MaxNumberOfMessages=10).get("Messages", [])
        return [message["Body"] for message in messages]

    publish("order", 5)  # attribute filter only
    publish("refund", 500)  # body filter only
    publish("refund", 7)  # neither

    # Raw delivery: the message itself; otherwise SNS's envelope, with the attributes.
    assert bodies("Orders") == ['{"size": 5}']
    assert [json.loads(body) for body in bodies("Big")][0]["Message"] == '{"size": 500}'
    audit = [json.loads(body) for body in bodies("Audit")]
    assert [envelope["Message"] for envelope in audit] == ['{"size": 5}', '{"size": 500}', '{"size": 7}']
    assert audit[0]["MessageAttributes"]["kind"] == {"Type": "String", "Value": "order"}
    assert bodies("Dlq") == []
