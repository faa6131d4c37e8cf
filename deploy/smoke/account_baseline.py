"""Smoke checks of the ``account-baseline`` pattern (see ``deploy/smoke/__init__.py``).

On both targets: API Gateway's account settings name the role the stack created, and
that role trusts API Gateway for this account only.
"""

from __future__ import annotations

from deploy.smoke import SmokeContext


def _role_name(ctx: SmokeContext) -> str:
    return ctx.only("AWS::IAM::Role")


def check_api_gateway_account_uses_the_logging_role(ctx: SmokeContext) -> None:
    role = ctx.client("iam").get_role(RoleName=_role_name(ctx))["Role"]
    account = ctx.client("apigateway").get_account()
    assert account.get("cloudwatchRoleArn") == role["Arn"], account.get("cloudwatchRoleArn")


def check_logging_role_trusts_api_gateway_of_this_account_only(ctx: SmokeContext) -> None:
    role = ctx.client("iam").get_role(RoleName=_role_name(ctx))["Role"]
    (statement,) = role["AssumeRolePolicyDocument"]["Statement"]
    assert statement["Principal"] == {"Service": "apigateway.amazonaws.com"}, statement["Principal"]
    source = statement.get("Condition", {}).get("StringEquals", {}).get("aws:SourceAccount")
    assert source and source == role["Arn"].split(":")[4], statement.get("Condition")
