"""Smoke checks of the ``dynamo-table`` pattern (see ``deploy/smoke/__init__.py``).

On both targets, for every table of the pattern in the stack (a pipeline has two): the
key schema, on-demand billing, point-in-time recovery, encryption and deletion
protection, read back through the DynamoDB API and compared with what the template
asked for.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from deploy.smoke import SmokeContext

TABLE_TYPE = "AWS::DynamoDB::GlobalTable"


def _tables(ctx: SmokeContext) -> Iterator[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(name, declared properties, described table) of each of the pattern's tables."""
    logical_ids = ctx.tagged(TABLE_TYPE)
    assert logical_ids, f"no table of {ctx.pattern} in {ctx.stack_name}"
    client = ctx.client("dynamodb")
    for logical_id in logical_ids:
        name = ctx.physical_id(logical_id)  # a skip, with the reason, if the emulator skipped it
        declared = dict(ctx.template["Resources"][logical_id]["Properties"])
        yield name, declared, dict(client.describe_table(TableName=name)["Table"])


def check_table_key_schema(ctx: SmokeContext) -> None:
    for name, declared, table in _tables(ctx):
        assert table["KeySchema"] == declared["KeySchema"], (name, table["KeySchema"])
        types = {a["AttributeName"]: a["AttributeType"] for a in table["AttributeDefinitions"]}
        wanted = {a["AttributeName"]: a["AttributeType"] for a in declared["AttributeDefinitions"]}
        assert types == wanted, (name, types)


def check_table_is_on_demand(ctx: SmokeContext) -> None:
    for name, _, table in _tables(ctx):
        billing = table.get("BillingModeSummary", {}).get("BillingMode")
        assert billing == "PAY_PER_REQUEST", f"{name}: billing mode is {billing!r}"


def check_table_has_point_in_time_recovery(ctx: SmokeContext) -> None:
    for name, _, _ in _tables(ctx):
        backups = ctx.client("dynamodb").describe_continuous_backups(TableName=name)
        status = backups["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"]
        assert status == "ENABLED", f"{name}: point-in-time recovery is {status}"


def check_table_encryption_matches_the_template(ctx: SmokeContext) -> None:
    for name, declared, table in _tables(ctx):
        # With the AWS-owned key DynamoDB reports no SSE description (or SSE disabled); a
        # customer-managed key shows SSEType KMS and the key's ARN.
        sse = table.get("SSEDescription")
        uses_kms = sse is not None and sse.get("SSEType") == "KMS"
        wants_kms = declared.get("SSESpecification", {}).get("SSEType") == "KMS"
        assert uses_kms == wants_kms, f"{name}: SSE is {sse}, the template asks for {declared.get('SSESpecification')}"


def check_table_deletion_protection_matches_the_stage(ctx: SmokeContext) -> None:
    for name, declared, table in _tables(ctx):
        wanted = bool(declared["Replicas"][0].get("DeletionProtectionEnabled", False))
        actual = bool(table.get("DeletionProtectionEnabled", False))
        assert actual == wanted, f"{name}: deletion protection is {actual}, the template asks for {wanted}"
