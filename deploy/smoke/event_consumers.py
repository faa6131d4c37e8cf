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

from deploy.smoke import SmokeContext
from stacks.contracts import load_contract

FUNCTION = "AWS::Lambda::Function"
MAPPING = "AWS::Lambda::EventSourceMapping"


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
    lambda_, sqs = ctx.client("lambda"), ctx.client("sqs")
    declared = {
        ctx.template["Resources"][key]["Properties"]["FunctionName"]["Ref"]: ctx.template["Resources"][key][
            "Properties"
        ]
        for key in ctx.logical_ids(MAPPING)
    }
    for logical_id, configuration in _functions(ctx).items():
        mappings = lambda_.list_event_source_mappings(FunctionName=configuration["FunctionName"])["EventSourceMappings"]
        assert len(mappings) == 1, (logical_id, mappings)
        (mapping,) = mappings
        assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"], mapping
        cap = declared[logical_id].get("ScalingConfig", {}).get("MaximumConcurrency")
        assert mapping.get("ScalingConfig", {}).get("MaximumConcurrency") == cap, (mapping, cap)
        queue_name = mapping["EventSourceArn"].rsplit(":", 1)[-1]
        url = sqs.get_queue_url(QueueName=queue_name)["QueueUrl"]
        visibility = int(
            sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["VisibilityTimeout"])["Attributes"][
                "VisibilityTimeout"
            ]
        )
        timeout = configuration["Timeout"]
        assert visibility >= 6 * timeout, f"{queue_name}: visibility timeout {visibility}s is below 6 x {timeout}s"


def check_each_function_writes_a_table_that_exists(ctx: SmokeContext) -> None:
    contract = load_contract("events")
    dynamodb = ctx.client("dynamodb")
    for logical_id, configuration in _functions(ctx).items():
        variables = configuration["Environment"]["Variables"]
        names = [variables[v] for v in (contract.ENV_EVENT_LOG_TABLE, contract.ENV_STATISTICS_TABLE) if v in variables]
        assert len(names) == 1, (logical_id, variables)
        status = dynamodb.describe_table(TableName=names[0])["Table"]["TableStatus"]
        assert status == "ACTIVE", (logical_id, names[0], status)
