"""EventBridge rules with an SQS target, shaped as CDK's ``events.Rule`` with a
``targets.SqsQueue`` (dead-letter queue, retry policy) synthesizes them, and what they
deliver."""

from __future__ import annotations

import json
from typing import Any

from tests.emulator.conftest import Cloud

RULE: dict[str, Any] = {
    "Type": "AWS::Events::Rule",
    "Properties": {
        "EventPattern": {
            "source": ["app.orders"],
            "detail-type": ["Order Placed"],
            "detail": {"total": [{"numeric": [">", 0]}]},
        },
        "State": "ENABLED",
        "Targets": [
            {
                "Arn": {"Fn::GetAtt": ["Work", "Arn"]},
                "DeadLetterConfig": {"Arn": {"Fn::GetAtt": ["Dlq", "Arn"]}},
                "Id": "Target0",
                "RetryPolicy": {"MaximumEventAgeInSeconds": 7200, "MaximumRetryAttempts": 3},
            }
        ],
    },
}


def routed(**rule: Any) -> dict[str, Any]:
    return {"Work": {"Type": "AWS::SQS::Queue"}, "Dlq": {"Type": "AWS::SQS::Queue"}, "Rule": rule or RULE}


def put(cloud: Cloud, detail_type: str, detail: dict[str, Any]) -> None:
    entry = {"Source": "app.orders", "DetailType": detail_type, "Detail": json.dumps(detail)}
    assert cloud.client("events").put_events(Entries=[entry])["FailedEntryCount"] == 0


def received(cloud: Cloud, queue: str) -> list[dict[str, Any]]:
    messages = cloud.client("sqs").receive_message(QueueUrl=cloud.physical_id(queue), MaxNumberOfMessages=10)
    return [json.loads(message["Body"]) for message in messages.get("Messages", [])]


def test_a_rule_keeps_its_targets_dead_letter_queue_and_retry_policy(cloud: Cloud) -> None:
    stack = cloud.deploy(routed(), outputs={"Arn": {"Value": {"Fn::GetAtt": ["Rule", "Arn"]}}})
    events, name = cloud.client("events"), cloud.physical_id("Rule")
    rule = events.describe_rule(Name=name)
    assert (rule["State"], rule["EventBusName"], cloud.outputs(stack)["Arn"]) == ("ENABLED", "default", rule["Arn"])
    assert json.loads(rule["EventPattern"])["detail-type"] == ["Order Placed"]
    sqs = cloud.client("sqs")
    arn = {
        q: sqs.get_queue_attributes(QueueUrl=cloud.physical_id(q), AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        for q in ("Work", "Dlq")
    }
    assert events.list_targets_by_rule(Rule=name)["Targets"] == [
        {
            "Id": "Target0",
            "Arn": arn["Work"],
            "DeadLetterConfig": {"Arn": arn["Dlq"]},
            "RetryPolicy": {"MaximumRetryAttempts": 3, "MaximumEventAgeInSeconds": 7200},
        }
    ]

    assert cloud.delete() == "DELETE_COMPLETE"
    assert events.list_rules()["Rules"] == []


def test_a_matching_event_reaches_the_queue_whole_and_others_do_not(cloud: Cloud) -> None:
    cloud.deploy(routed())
    put(cloud, "Order Placed", {"total": 12})
    put(cloud, "Order Placed", {"total": 0})  # the numeric filter refuses it
    put(cloud, "Order Shipped", {"total": 12})

    [event] = received(cloud, "Work")
    # EventBridge delivers the whole event to a target without input transformation.
    assert set(event) == {"version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail"}
    assert (event["source"], event["detail-type"], event["detail"]) == ("app.orders", "Order Placed", {"total": 12})
    assert (event["account"], event["region"]) == ("123456789012", "us-east-1")
    assert received(cloud, "Dlq") == []


def test_a_disabled_rule_delivers_nothing(cloud: Cloud) -> None:
    cloud.deploy(routed(**{**RULE, "Properties": {**RULE["Properties"], "State": "DISABLED"}}))
    put(cloud, "Order Placed", {"total": 12})
    assert received(cloud, "Work") == []


def test_a_generated_name_is_within_eventbridges_limit(cloud: Cloud) -> None:
    long_stack = "CdkRefarchSandbox-UploadPipelineStack"
    cloud.deploy({**routed(), "UploadPipelineUploadedRuleWithALongLogicalId7CA5CB4B": RULE}, name=long_stack)
    name = cloud.physical_id("UploadPipelineUploadedRuleWithALongLogicalId7CA5CB4B", name=long_stack)
    head, _, suffix = name.rpartition("-")
    assert len(name) == 64 and head.startswith(f"{long_stack}-Upload") and len(suffix) == 12
    assert cloud.client("events").describe_rule(Name=name)["Name"] == name
