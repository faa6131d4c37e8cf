"""SQS queue policies."""

from __future__ import annotations

import json

from tests.emulator.conftest import Cloud
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
