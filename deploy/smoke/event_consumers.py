"""Smoke checks of the event consumers (``stacks/event_consumers``; see ``deploy/smoke/__init__.py``).

On both targets, read back through the Lambda, SQS and DynamoDB APIs: each function runs a
``runtime/events`` handler on arm64, polls exactly one queue with partial batch responses
and the template's concurrency cap, that queue's visibility timeout is at least six times
the function's timeout, and the table its environment names exists.

What the handlers write is not checked here: the emulator runs no Lambda code (moto needs
Docker), and in a real account the consumers take the fan-out's probes at once. Their
unit tests (``tests/runtime/events``) run them against moto's DynamoDB.
"""

from __future__ import annotations

from typing import Any

from deploy.smoke import SmokeContext, _queues
from stacks.contracts import load_contract

FUNCTION = "AWS::Lambda::Function"


def _functions(ctx: SmokeContext) -> dict[str, dict[str, Any]]:
    """The deployed configuration of each consumer function, by logical ID."""
    lambda_ = ctx.client("lambda")
    found = {
        logical_id: lambda_.get_function_configuration(FunctionName=ctx.physical_id(logical_id))
        for logical_id in ctx.logical_ids(FUNCTION)
    }
    assert found, f"no function in {ctx.stack_name}"
    return found


def check_functions_run_an_events_handler_on_arm64(ctx: SmokeContext) -> None:
    contract = load_contract("events")
    handlers = {contract.EVENT_LOG_HANDLER, contract.UPLOAD_STATISTICS_HANDLER}
    for logical_id, configuration in _functions(ctx).items():
        assert configuration["Handler"] in handlers, (logical_id, configuration["Handler"])
        assert configuration["Architectures"] == ["arm64"], (logical_id, configuration["Architectures"])
        assert configuration["TracingConfig"]["Mode"] == "Active", (logical_id, configuration["TracingConfig"])


def check_each_function_polls_one_queue_with_partial_batch_responses(ctx: SmokeContext) -> None:
    for logical_id in ctx.logical_ids(FUNCTION):
        _queues.assert_consumes_with_partial_batch_responses(ctx, logical_id)


def check_each_function_writes_a_table_that_exists(ctx: SmokeContext) -> None:
    contract = load_contract("events")
    dynamodb = ctx.client("dynamodb")
    for logical_id, configuration in _functions(ctx).items():
        variables = configuration["Environment"]["Variables"]
        names = [variables[v] for v in (contract.ENV_EVENT_LOG_TABLE, contract.ENV_STATISTICS_TABLE) if v in variables]
        assert len(names) == 1, (logical_id, variables)
        status = dynamodb.describe_table(TableName=names[0])["Table"]["TableStatus"]
        assert status == "ACTIVE", (logical_id, names[0], status)
