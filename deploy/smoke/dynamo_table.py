"""Smoke checks of the ``dynamo-table`` pattern (see ``deploy/smoke/__init__.py``).

On both targets: the table's key schema, on-demand billing, point-in-time
recovery, encryption and deletion protection, read back through the DynamoDB API and
compared with what the template asked for.
"""

from __future__ import annotations

from typing import Any

from deploy.smoke import SmokeContext

TABLE_TYPE = "AWS::DynamoDB::GlobalTable"


def _table(ctx: SmokeContext) -> dict[str, Any]:
    return dict(ctx.client("dynamodb").describe_table(TableName=ctx.only(TABLE_TYPE))["Table"])


def _declared(ctx: SmokeContext) -> dict[str, Any]:
    (logical_id,) = ctx.tagged(TABLE_TYPE)
    ctx.physical_id(logical_id)  # a skip, with the reason, if the emulator skipped it
    return dict(ctx.template["Resources"][logical_id]["Properties"])


def check_table_key_schema(ctx: SmokeContext) -> None:
    declared = _declared(ctx)
    table = _table(ctx)
    assert table["KeySchema"] == declared["KeySchema"], table["KeySchema"]
    types = {a["AttributeName"]: a["AttributeType"] for a in table["AttributeDefinitions"]}
    assert types == {a["AttributeName"]: a["AttributeType"] for a in declared["AttributeDefinitions"]}, types


def check_table_is_on_demand(ctx: SmokeContext) -> None:
    _declared(ctx)
    billing = _table(ctx).get("BillingModeSummary", {}).get("BillingMode")
    assert billing == "PAY_PER_REQUEST", f"billing mode is {billing!r}"


def check_table_has_point_in_time_recovery(ctx: SmokeContext) -> None:
    _declared(ctx)
    backups = ctx.client("dynamodb").describe_continuous_backups(TableName=ctx.only(TABLE_TYPE))
    status = backups["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"]
    assert status == "ENABLED", f"point-in-time recovery is {status}"


def check_table_uses_the_aws_owned_key(ctx: SmokeContext) -> None:
    _declared(ctx)
    # With the AWS-owned key DynamoDB reports no SSE description (or SSE disabled); a
    # customer-managed key would show SSEType KMS and the key's ARN.
    sse = _table(ctx).get("SSEDescription")
    assert sse is None or sse.get("SSEType") != "KMS", f"unexpected SSE: {sse}"


def check_table_deletion_protection_matches_the_stage(ctx: SmokeContext) -> None:
    declared = _declared(ctx)
    wanted = bool(declared["Replicas"][0].get("DeletionProtectionEnabled", False))
    actual = bool(_table(ctx).get("DeletionProtectionEnabled", False))
    assert actual == wanted, f"deletion protection is {actual}, the template asks for {wanted}"
