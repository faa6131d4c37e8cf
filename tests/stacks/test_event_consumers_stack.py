"""The event consumers as the applications build them: ``runtime/events`` functions on the
fan-out queues (a stateless stack), writing the tables of the stateful fan-out stack."""

from __future__ import annotations

import json
import re

import pytest
from aws_cdk import App, Stack
from aws_cdk import aws_dynamodb as dynamodb

from cdk_refarch import PatternConfigError
from cdk_refarch.fan_out import FanOut, QueueOptions
from stacks.contracts import load_contract
from stacks.event_consumers.stack import Consumer, EventConsumersStack
from stacks.stages import STAGES
from tests.synthesis import CDK_CONTEXT, Synthesized

CONTRACT = load_contract("events")
PIPELINE, MICROSERVICE = "EventDrivenPipeline", "ContainerMicroservice"
#: Application -> the stateless stack's role, and queue -> (handler, table, stream).
CONSUMERS = {
    PIPELINE: (
        "Consumers",
        {
            "Processed": (CONTRACT.UPLOAD_STATISTICS_HANDLER, "StatisticsTable", None),
            "Images": (CONTRACT.EVENT_LOG_HANDLER, "EventLogTable", "images"),
            "Audit": (CONTRACT.EVENT_LOG_HANDLER, "EventLogTable", "audit"),
        },
    ),
    MICROSERVICE: ("Worker", {"Worker": (CONTRACT.EVENT_LOG_HANDLER, "EventLogTable", "domain-events")}),
}


@pytest.fixture(params=["sandbox", "production"])
def app(request: pytest.FixtureRequest) -> Synthesized:
    return request.getfixturevalue(request.param)


def _production(app: Synthesized) -> bool:
    return "-Production-" in app.stack(f"{PIPELINE}-*-Events").stack_name


@pytest.mark.parametrize("title", list(CONSUMERS))
def test_each_queue_has_its_consumer_writing_its_table(app: Synthesized, title: str) -> None:
    role, expected = CONSUMERS[title]
    stack = f"{title}-*-{role}"
    functions = app.resources(stack, "AWS::Lambda::Function")
    mappings = app.resources(stack, "AWS::Lambda::EventSourceMapping")
    assert len(functions) == len(mappings) == len(expected)
    for queue, (handler, table, stream) in expected.items():
        (key,) = [k for k in functions if k.startswith(f"{queue}Function")]
        function = functions[key]["Properties"]
        assert function["Handler"] == handler
        variables = function["Environment"]["Variables"]
        table_variable = (
            CONTRACT.ENV_EVENT_LOG_TABLE if handler == CONTRACT.EVENT_LOG_HANDLER else CONTRACT.ENV_STATISTICS_TABLE
        )
        tables = app.resources(f"{title}-*-Events", "AWS::DynamoDB::GlobalTable")
        (table_id,) = [k for k in tables if k.startswith(table)]
        assert app.output_of(variables[table_variable], f"{title}-*-Events") == {"Ref": table_id}
        assert variables.get(CONTRACT.ENV_EVENT_STREAM) == stream
        assert variables[CONTRACT.ENV_METRICS_NAMESPACE] == title
        (mapping,) = [m["Properties"] for m in mappings.values() if m["Properties"]["FunctionName"] == {"Ref": key}]
        (queue_id,) = [
            k for k in app.resources(f"{title}-*-Events", "AWS::SQS::Queue") if k.startswith(f"Events{queue}Queue")
        ]
        assert app.output_of(mapping["EventSourceArn"], f"{title}-*-Events") == {"Fn::GetAtt": [queue_id, "Arn"]}
        assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
        assert mapping["ScalingConfig"] == {"MaximumConcurrency": 10 if _production(app) else 2}


@pytest.mark.parametrize("title", list(CONSUMERS))
def test_each_consumer_may_write_only_what_its_handler_writes(app: Synthesized, title: str) -> None:
    role, expected = CONSUMERS[title]
    for policy in app.resources(f"{title}-*-{role}", "AWS::IAM::Policy").values():
        (queue,) = [q for q in expected if f"{q}Role" in json.dumps(policy["Properties"]["Roles"])]
        handler, table, _ = expected[queue]
        writes = [s for s in policy["Properties"]["PolicyDocument"]["Statement"] if "dynamodb" in json.dumps(s)]
        (write,) = writes
        wanted = (
            "dynamodb:PutItem" if handler == CONTRACT.EVENT_LOG_HANDLER else ["dynamodb:PutItem", "dynamodb:UpdateItem"]
        )
        assert write["Action"] == wanted
        assert table in json.dumps(write["Resource"])


@pytest.mark.parametrize("title", list(CONSUMERS))
def test_the_tables_are_stateful_with_the_contracts_keys(app: Synthesized, title: str) -> None:
    stack = app.stack(f"{title}-*-Events")
    assert bool(stack.termination_protection) is _production(app)
    assert not app.stack(f"{title}-*-{CONSUMERS[title][0]}").termination_protection
    tables = app.resources(f"{title}-*-Events", "AWS::DynamoDB::GlobalTable")
    assert len(tables) == (2 if title == PIPELINE else 1)
    for key, table in tables.items():
        properties = table["Properties"]
        keys = [(k["AttributeName"], k["KeyType"]) for k in properties["KeySchema"]]
        if key.startswith("EventLog"):
            assert keys == [(CONTRACT.EVENT_LOG_PARTITION_KEY, "HASH"), (CONTRACT.EVENT_LOG_SORT_KEY, "RANGE")]
        else:
            assert keys == [(CONTRACT.STATISTICS_PARTITION_KEY, "HASH"), (CONTRACT.STATISTICS_SORT_KEY, "RANGE")]
        assert properties["TimeToLiveSpecification"] == {"AttributeName": CONTRACT.EXPIRY_ATTRIBUTE, "Enabled": True}
        (replica,) = properties["Replicas"]
        assert replica["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
        assert replica.get("DeletionProtectionEnabled", False) is _production(app)
        assert table["DeletionPolicy"] == ("Retain" if _production(app) else "Delete")


@pytest.mark.parametrize("title", list(CONSUMERS))
def test_queues_give_the_consumers_six_times_their_timeout(app: Synthesized, title: str) -> None:
    subscribed = [q for k, q in app.resources(f"{title}-*-Events", "AWS::SQS::Queue").items() if "DeadLetter" not in k]
    assert subscribed and all(q["Properties"]["VisibilityTimeout"] == 180 for q in subscribed)


def test_the_worker_takes_every_message_that_names_its_event_type(app: Synthesized) -> None:
    (subscription,) = [
        s["Properties"]
        for s in app.resources(f"{MICROSERVICE}-*-Events", "AWS::SNS::Subscription").values()
        if s["Properties"]["Protocol"] == "sqs"
    ]
    assert subscription["FilterPolicy"] == {CONTRACT.EVENT_TYPE_ATTRIBUTE: [{"exists": True}]}


# Bad input.


def _consumers_stack(queue: str, handler: str, stream: str | None) -> None:
    app = App(context=CDK_CONTEXT)
    events = Stack(app, "Events")
    fan_out = FanOut(events, "Events", queues={"orders": QueueOptions(visibility_timeout_seconds=180)})
    table = dynamodb.TableV2(
        events, "Table", partition_key=dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING)
    )
    EventConsumersStack(
        app,
        "Consumers",
        stage=STAGES["sandbox"],
        fan_out=fan_out,
        consumers=[Consumer(queue, handler, table, stream)],
        metrics_namespace="Test",
    )


@pytest.mark.parametrize(
    ("consumer", "message"),
    [
        (
            ("orders", CONTRACT.EVENT_LOG_HANDLER, "Orders"),
            "stream of consumer 'orders' ('Orders') must be 1 to 64 characters of a-z, 0-9 and '-'",
        ),
        (
            ("orders", CONTRACT.EVENT_LOG_HANDLER, None),
            "stream of consumer 'orders' (None) must be 1 to 64 characters of a-z, 0-9 and '-'",
        ),
        (
            ("orders", "handler.handler", None),
            "handler ('handler.handler') must be 'event_log.handler' or 'upload_statistics.handler'",
        ),
        (
            ("orders", CONTRACT.UPLOAD_STATISTICS_HANDLER, "orders"),
            "stream ('orders') is for the event log only",
        ),
        (
            ("bills", CONTRACT.UPLOAD_STATISTICS_HANDLER, None),
            "queue_name ('bills') is not a queue; queues: orders",
        ),
    ],
)
def test_bad_consumers_fail_at_synth(consumer: tuple[str, str, str | None], message: str) -> None:
    with pytest.raises((PatternConfigError, ValueError), match=re.escape(message)):
        _consumers_stack(*consumer)
