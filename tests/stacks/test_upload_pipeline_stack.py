"""The upload pipeline stack as the app builds it: ``runtime/uploads`` on the buffer queue,
with the contract's variables, tables and key names."""

from __future__ import annotations

from typing import Any

import pytest

from stacks.contracts import load_contract
from tests.synthesis import Synthesized

STACK = "EventDrivenPipeline-*-Pipeline"
CONTRACT = load_contract("uploads")


@pytest.fixture(params=["sandbox", "production"])
def app(request: pytest.FixtureRequest) -> Synthesized:
    return request.getfixturevalue(request.param)


def _function(app: Synthesized) -> dict[str, Any]:
    functions = app.resources(STACK, "AWS::Lambda::Function")
    (handler,) = [f["Properties"] for f in functions.values() if f["Properties"].get("Handler") == CONTRACT.HANDLER]
    return dict(handler)


def test_the_handler_gets_every_variable_of_its_contract(app: Synthesized) -> None:
    variables = _function(app)["Environment"]["Variables"]
    for name in (
        CONTRACT.ENV_RECORDS_TABLE,
        CONTRACT.ENV_IDEMPOTENCY_TABLE,
        CONTRACT.ENV_EVENT_TOPIC_ARN,
        CONTRACT.ENV_IDEMPOTENCY_TTL_SECONDS,
        CONTRACT.ENV_SERVICE_NAME,
        CONTRACT.ENV_METRICS_NAMESPACE,
        CONTRACT.ENV_LOG_LEVEL,
    ):
        assert name in variables, name
    topic = variables[CONTRACT.ENV_EVENT_TOPIC_ARN]["Fn::GetStackOutput"]
    assert topic["StackName"] == app.stack("EventDrivenPipeline-*-Events").stack_name


def test_the_tables_use_the_contracts_keys(app: Synthesized) -> None:
    keys = sorted(
        (table["Properties"]["KeySchema"][0]["AttributeName"], table["Properties"].get("TimeToLiveSpecification"))
        for table in app.resources(STACK, "AWS::DynamoDB::GlobalTable").values()
    )
    ttl = {"AttributeName": CONTRACT.IDEMPOTENCY_EXPIRY, "Enabled": True}
    assert keys == sorted([(CONTRACT.RECORDS_PARTITION_KEY, None), (CONTRACT.IDEMPOTENCY_KEY, ttl)])


def test_only_the_prefix_is_processed(app: Synthesized) -> None:
    (_, rule) = app.only(STACK, "AWS::Events::Rule")
    pattern = rule["Properties"]["EventPattern"]
    assert pattern["detail-type"] == [CONTRACT.S3_OBJECT_CREATED]
    assert pattern["detail"]["object"]["key"] == [{"prefix": "uploads/"}]


def test_the_stage_sets_concurrency_and_table_protection(app: Synthesized) -> None:
    production = "-Production-" in app.stack(STACK).stack_name
    assert _function(app).get("ReservedConcurrentExecutions") == (20 if production else None)
    protections = {
        table["Properties"]["Replicas"][0].get("DeletionProtectionEnabled", False)
        for table in app.resources(STACK, "AWS::DynamoDB::GlobalTable").values()
    }
    assert protections == {production}
