"""Smoke checks of the ``account-baseline`` pattern (see ``deploy/smoke/__init__.py``).

On both targets: API Gateway's account settings name the role the stack created, and
that role trusts API Gateway for this account only; the trail logs every region with
log file validation, under its rotated key, to a versioned TLS-only bucket and a log
group; the monthly budget, when the template has one, has its limit and mails its
notifications.
"""

from __future__ import annotations

import json
from typing import Any

from deploy.smoke import SmokeContext, SmokeSkip

TRAIL = "AWS::CloudTrail::Trail"
BUDGET = "AWS::Budgets::Budget"


def _api_gateway_role_name(ctx: SmokeContext) -> str:
    # The role the account setting names; the trail's log role is the pattern's other role.
    (account,) = ctx.logical_ids("AWS::ApiGateway::Account")
    role_id, _ = ctx.template["Resources"][account]["Properties"]["CloudWatchRoleArn"]["Fn::GetAtt"]
    return ctx.physical_id(role_id)


def check_api_gateway_account_uses_the_logging_role(ctx: SmokeContext) -> None:
    role = ctx.client("iam").get_role(RoleName=_api_gateway_role_name(ctx))["Role"]
    account = ctx.client("apigateway").get_account()
    assert account.get("cloudwatchRoleArn") == role["Arn"], account.get("cloudwatchRoleArn")


def check_logging_role_trusts_api_gateway_of_this_account_only(ctx: SmokeContext) -> None:
    role = ctx.client("iam").get_role(RoleName=_api_gateway_role_name(ctx))["Role"]
    (statement,) = role["AssumeRolePolicyDocument"]["Statement"]
    assert statement["Principal"] == {"Service": "apigateway.amazonaws.com"}, statement["Principal"]
    source = statement.get("Condition", {}).get("StringEquals", {}).get("aws:SourceAccount")
    assert source and source == role["Arn"].split(":")[4], statement.get("Condition")


def _trail_properties(ctx: SmokeContext) -> dict[str, Any]:
    (trail,) = ctx.logical_ids(TRAIL)
    return dict(ctx.template["Resources"][trail]["Properties"])


def _trail(ctx: SmokeContext) -> dict[str, Any]:
    name = ctx.only(TRAIL)
    trails = ctx.client("cloudtrail").describe_trails(trailNameList=[name])["trailList"]
    # AWS answers with the named trail only; moto with every trail, so filter here.
    (trail,) = [trail for trail in trails if trail["Name"] == name]
    return dict(trail)


def _referenced(ctx: SmokeContext, value: Any) -> str:
    """The physical ID of the resource a template ``Ref`` or ``Fn::GetAtt`` names."""
    logical_id = value["Ref"] if "Ref" in value else value["Fn::GetAtt"][0]
    return ctx.physical_id(logical_id)


def check_trail_logs_every_region_with_log_file_validation(ctx: SmokeContext) -> None:
    trail = _trail(ctx)
    assert trail["IsMultiRegionTrail"] is True, trail
    assert trail["IncludeGlobalServiceEvents"] is True, trail
    assert trail["LogFileValidationEnabled"] is True, trail
    status = ctx.client("cloudtrail").get_trail_status(Name=trail["TrailARN"])
    assert status["IsLogging"] is True, status


def check_trail_encrypts_with_its_rotated_key(ctx: SmokeContext) -> None:
    trail, key_id = _trail(ctx), _referenced(ctx, _trail_properties(ctx)["KMSKeyId"])
    kms = ctx.client("kms")
    key = kms.describe_key(KeyId=key_id)["KeyMetadata"]
    assert trail.get("KmsKeyId") == key["Arn"], (trail.get("KmsKeyId"), key["Arn"])
    assert kms.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"] is True


def check_trail_bucket_is_versioned_tls_only_and_written_by_this_trail(ctx: SmokeContext) -> None:
    trail = _trail(ctx)
    bucket = _referenced(ctx, _trail_properties(ctx)["S3BucketName"])
    assert trail["S3BucketName"] == bucket, trail["S3BucketName"]
    s3 = ctx.client("s3")
    assert s3.get_bucket_versioning(Bucket=bucket).get("Status") == "Enabled"
    statements = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])["Statement"]
    denies = [s.get("Condition", {}) for s in statements if s["Effect"] == "Deny"]
    assert {"Bool": {"aws:SecureTransport": "false"}} in denies, denies
    writes = [s for s in statements if s["Effect"] == "Allow" and s.get("Action") == "s3:PutObject"]
    sources = [s.get("Condition", {}).get("StringEquals", {}).get("aws:SourceArn") for s in writes]
    assert sources == [trail["TrailARN"]], sources


def check_trail_delivers_to_its_log_group(ctx: SmokeContext) -> None:
    properties = _trail_properties(ctx)
    if "CloudWatchLogsLogGroupArn" not in properties:
        raise SmokeSkip("the trail delivers to S3 only (TrailOptions(cloudwatch_logs=False))")
    trail, group = _trail(ctx), _referenced(ctx, properties["CloudWatchLogsLogGroupArn"])
    # arn:...:log-group:NAME:* in AWS; without the :* in the emulator.
    assert trail["CloudWatchLogsLogGroupArn"].split(":log-group:")[1].removesuffix(":*") == group, trail
    found = ctx.client("logs").describe_log_groups(logGroupNamePrefix=group)["logGroups"]
    (log_group,) = [g for g in found if g["logGroupName"] == group]
    assert log_group.get("retentionInDays") == _retention_days(ctx, properties), log_group
    role = _referenced(ctx, properties["CloudWatchLogsRoleArn"])
    assert trail["CloudWatchLogsRoleArn"].endswith(f":role/{role}"), trail["CloudWatchLogsRoleArn"]


def _retention_days(ctx: SmokeContext, properties: dict[str, Any]) -> int:
    group_id = properties["CloudWatchLogsLogGroupArn"]["Fn::GetAtt"][0]
    return int(ctx.template["Resources"][group_id]["Properties"]["RetentionInDays"])


def check_budget_has_its_limit_and_mails_its_notifications(ctx: SmokeContext) -> None:
    budgets = ctx.logical_ids(BUDGET)
    if not budgets:
        raise SmokeSkip("the template has no budget: -c monthly_budget_usd=... (with an alarm e-mail) adds one")
    (logical_id,) = budgets
    expected = ctx.template["Resources"][logical_id]["Properties"]
    name, account = ctx.physical_id(logical_id), ctx.client("sts").get_caller_identity()["Account"]
    client = ctx.client("budgets", region="us-east-1")  # Budgets is global, served from us-east-1
    budget = client.describe_budget(AccountId=account, BudgetName=name)["Budget"]
    limit = expected["Budget"]["BudgetLimit"]
    assert float(budget["BudgetLimit"]["Amount"]) == float(limit["Amount"]), budget["BudgetLimit"]
    assert (budget["TimeUnit"], budget["BudgetType"]) == ("MONTHLY", "COST"), budget
    notifications = client.describe_notifications_for_budget(AccountId=account, BudgetName=name)["Notifications"]
    found = sorted((n["NotificationType"], float(n["Threshold"])) for n in notifications)
    wanted = sorted(
        (entry["Notification"]["NotificationType"], float(entry["Notification"]["Threshold"]))
        for entry in expected["NotificationsWithSubscribers"]
    )
    assert found == wanted, found
    emails = {s["Address"] for entry in expected["NotificationsWithSubscribers"] for s in entry["Subscribers"]}
    for notification in notifications:
        subscribers = client.describe_subscribers_for_notification(
            AccountId=account, BudgetName=name, Notification=notification
        )["Subscribers"]
        assert {s["Address"] for s in subscribers if s["SubscriptionType"] == "EMAIL"} == emails, subscribers
