"""The fan-out stack as the app builds it: the upload events' topic and its three queues,
filtered on the attributes the upload handler publishes (``runtime/uploads/contract.py``)."""

from __future__ import annotations

from typing import Any

import pytest

from stacks.contracts import load_contract
from tests.synthesis import Synthesized

STACK = "EventDrivenPipeline-*-Events"
CONTRACT = load_contract("uploads")


@pytest.fixture(params=["sandbox", "production"])
def app(request: pytest.FixtureRequest) -> Synthesized:
    return request.getfixturevalue(request.param)


def _filters(app: Synthesized) -> dict[str, Any]:
    """Filter policy (or None) by the queue each SQS subscription feeds."""
    found = {}
    for subscription in app.resources(STACK, "AWS::SNS::Subscription").values():
        properties = subscription["Properties"]
        if properties["Protocol"] == "sqs":
            queue = properties["Endpoint"]["Fn::GetAtt"][0]
            found[queue.removeprefix("Events").split("Queue")[0]] = properties.get("FilterPolicy")
    return found


def test_each_queue_gets_the_events_its_filter_names(app: Synthesized) -> None:
    processed = [CONTRACT.EVENT_TYPE]
    assert _filters(app) == {
        "Processed": {CONTRACT.EVENT_TYPE_ATTRIBUTE: processed},
        "Images": {CONTRACT.EVENT_TYPE_ATTRIBUTE: processed, CONTRACT.CONTENT_TYPE_ATTRIBUTE: [{"prefix": "image/"}]},
        "Audit": None,
    }


def test_queues_are_kept_in_production_and_deleted_in_the_sandbox(app: Synthesized) -> None:
    production = "-Production-" in app.stack(STACK).stack_name
    policies = {queue["DeletionPolicy"] for queue in app.resources(STACK, "AWS::SQS::Queue").values()}
    assert policies == {"Retain" if production else "Delete"}


def test_the_upload_pipeline_may_publish_with_the_topics_key(app: Synthesized) -> None:
    statements = [
        statement
        for policy in app.resources("EventDrivenPipeline-*-Pipeline", "AWS::IAM::Policy").values()
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
    ]
    publish = [s for s in statements if s["Action"] == "sns:Publish"]
    assert len(publish) == 1 and publish[0]["Resource"]["Fn::GetStackOutput"]["StackName"].endswith("-Events")
    key = [s for s in statements if s["Action"] == ["kms:Decrypt", "kms:GenerateDataKey"]]
    assert len(key) == 1 and key[0]["Resource"]["Fn::GetStackOutput"]["StackName"].endswith("-Events")
