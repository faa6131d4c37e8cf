"""SNS topic policies and subscriptions."""

from __future__ import annotations

import json

from tests.emulator.conftest import Cloud
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
