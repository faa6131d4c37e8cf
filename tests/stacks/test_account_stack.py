"""The account stack: the account baseline (a CloudTrail trail, an optional budget) and API
Gateway's CloudWatch Logs role, once per account and region."""

from __future__ import annotations

import re
from typing import Any

import pytest
from aws_cdk import App, Stack, Validations
from cdk_nag import AwsSolutionsChecks

from cdk_refarch import PatternConfigError
from cdk_refarch.core.tags import tag_stack
from stacks.account.stack import AccountStack, budget_from_context
from stacks.composition import ACCOUNT_STACK_NAME, build_app
from tests.quality.test_gates import lint_findings
from tests.synthesis import CDK_CONTEXT, Synthesized, synthesize

STACK = "Account"
OPS = "ops@example.com"
PUSH_TO_CLOUDWATCH = {
    "Fn::Join": [
        "",
        ["arn:", {"Ref": "AWS::Partition"}, ":iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"],
    ]
}


@pytest.fixture(params=["sandbox", "production"])
def app(request: pytest.FixtureRequest) -> Synthesized:
    return request.getfixturevalue(request.param)


def _api_gateway_role(app: Synthesized) -> tuple[str, dict[str, Any]]:
    return app.only(STACK, "AWS::IAM::Role", "ApiGatewayLogging")


def test_one_stack_name_for_every_stage(sandbox: Synthesized, production: Synthesized) -> None:
    assert sandbox.stack(STACK).stack_name == production.stack(STACK).stack_name == "refarch-account"
    # The same resources whatever the stage: deploying either stage never changes the other's.
    assert sandbox.template_json(STACK)["Resources"] == production.template_json(STACK)["Resources"]


def test_the_baseline_and_the_api_gateway_role_and_nothing_else(app: Synthesized) -> None:
    types = sorted(r["Type"] for r in app.template_json(STACK)["Resources"].values())
    assert types == [
        "AWS::ApiGateway::Account",
        "AWS::CloudTrail::Trail",
        "AWS::IAM::Policy",
        "AWS::IAM::Role",
        "AWS::IAM::Role",
        "AWS::KMS::Key",
        "AWS::Logs::LogGroup",
        "AWS::S3::Bucket",
        "AWS::S3::Bucket",
        "AWS::S3::BucketPolicy",
        "AWS::S3::BucketPolicy",
    ]


def test_the_description_says_what_it_holds(app: Synthesized) -> None:
    assert app.template_json(STACK)["Description"] == (
        "Account baseline (retained): a multi-region CloudTrail trail and API Gateway's CloudWatch Logs role"
    )


def test_the_trail_logs_every_region_with_validation_under_its_key(app: Synthesized) -> None:
    key_id, _ = app.only(STACK, "AWS::KMS::Key")
    _, trail = app.only(STACK, "AWS::CloudTrail::Trail")
    props = trail["Properties"]
    assert (props["IsMultiRegionTrail"], props["EnableLogFileValidation"], props["IsLogging"]) == (True, True, True)
    assert props["KMSKeyId"] == {"Fn::GetAtt": [key_id, "Arn"]}
    assert props["TrailName"].startswith("refarchaccount-Baseline-")
    assert app.only(STACK, "AWS::Logs::LogGroup")[1]["Properties"]["RetentionInDays"] == 90


def test_role_trusts_api_gateway_for_this_account_only(app: Synthesized) -> None:
    _, role = _api_gateway_role(app)
    props = role["Properties"]
    assert props["AssumeRolePolicyDocument"]["Statement"] == [
        {
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}},
            "Effect": "Allow",
            "Principal": {"Service": "apigateway.amazonaws.com"},
        }
    ]
    assert props["ManagedPolicyArns"] == [PUSH_TO_CLOUDWATCH]
    assert "Policies" not in props


def test_the_account_setting_uses_the_role(app: Synthesized) -> None:
    role_id, _ = _api_gateway_role(app)
    _, account = app.only(STACK, "AWS::ApiGateway::Account")
    assert account["Properties"] == {"CloudWatchRoleArn": {"Fn::GetAtt": [role_id, "Arn"]}}


def test_the_api_gateway_role_keeps_the_logical_ids_it_was_deployed_with(app: Synthesized) -> None:
    # A retained resource whose logical ID changes is orphaned in the account, not moved.
    assert _api_gateway_role(app)[0] == "ApiGatewayLoggingRoleCE57A8ED"
    assert app.only(STACK, "AWS::ApiGateway::Account")[0] == "ApiGatewayLoggingAccount6B9E3F2C"


def test_everything_is_retained_in_every_stage(app: Synthesized) -> None:
    for logical_id, resource in app.template_json(STACK)["Resources"].items():
        assert (resource["DeletionPolicy"], resource["UpdateReplacePolicy"]) == ("Retain", "Retain"), logical_id


def test_tagged_with_its_pattern_and_no_stage(app: Synthesized) -> None:
    for resource_type in ("AWS::IAM::Role", "AWS::CloudTrail::Trail", "AWS::S3::Bucket", "AWS::KMS::Key"):
        for logical_id, resource in app.resources(STACK, resource_type).items():
            tags = {t["Key"]: t["Value"] for t in resource["Properties"]["Tags"]}
            assert tags == {"Application": "aws-reference-architectures", "Pattern": "account-baseline"}, logical_id


def test_no_budget_without_the_context_key(app: Synthesized) -> None:
    assert app.resources(STACK, "AWS::Budgets::Budget") == {}


def test_the_api_stack_depends_on_it_and_has_no_account_role_of_its_own(app: Synthesized) -> None:
    assert app.stack(STACK) in app.stack("ServerlessWebApp-*-Api").dependencies
    app.template("ServerlessWebApp-*-Api").resource_count_is("AWS::ApiGateway::Account", 0)
    assert app.stack("ServerlessWebApp-*-Api").region == app.stack(STACK).region
    assert app.stack("ServerlessWebApp-*-Api").account == app.stack(STACK).account


# The budget, from the context.


def _account_stack(**context: str) -> AccountStack:
    """The app's account stack, built (not synthesized) from ``context`` by the composition."""
    stacks = build_app(App(context={**CDK_CONTEXT, **context}))
    (account,) = [stack for stack in stacks if isinstance(stack, AccountStack)]
    return account


def test_the_composition_passes_the_budget_and_the_alarm_email() -> None:
    account = _account_stack(stage="production", monthly_budget_usd="50", alarm_email=OPS)
    assert account.baseline.budget is not None
    budget = account.resolve(account.baseline.budget.budget)
    assert budget["budgetLimit"] == {"amount": 50.0, "unit": "USD"}
    notifications = account.resolve(account.baseline.budget.notifications_with_subscribers)
    assert [n["subscribers"] for n in notifications] == [[{"address": OPS, "subscriptionType": "EMAIL"}]] * 2
    assert account.template_options.description == (
        "Account baseline (retained): a multi-region CloudTrail trail, a monthly cost budget of 50 USD and "
        "API Gateway's CloudWatch Logs role"
    )


def test_a_budget_without_an_alarm_email_is_refused() -> None:
    message = (
        "monthly_budget_usd (50.0) needs an alarm e-mail, which the budget mails: pass "
        "-c alarm_email=you@example.com (make ... ALARM_EMAIL=you@example.com)"
    )
    with pytest.raises(PatternConfigError, match=re.escape(message)):
        _account_stack(monthly_budget_usd="50")


@pytest.mark.parametrize("value", ["fifty", "50 USD", "$50"])
def test_a_budget_that_is_not_a_number_is_refused(value: str) -> None:
    message = f"monthly_budget_usd ({value!r}) must be a number of US dollars, e.g. -c monthly_budget_usd=50"
    with pytest.raises(PatternConfigError, match=re.escape(message)):
        _account_stack(monthly_budget_usd=value, alarm_email=OPS)


def test_a_budget_amount_the_baseline_refuses_is_refused() -> None:
    with pytest.raises(PatternConfigError, match=re.escape("monthly_budget_usd (0.0) must be a finite number")):
        _account_stack(monthly_budget_usd="0", alarm_email=OPS)


@pytest.mark.parametrize(("value", "expected"), [(None, None), ("", None), ("50", 50.0), ("12.5", 12.5), (75, 75)])
def test_budget_from_context(value: object, expected: float | None) -> None:
    assert budget_from_context(value) == expected


@pytest.fixture(scope="module")
def budgeted(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    """The account stack alone, with a budget, tagged and nag-checked as the app does."""

    def build(app: App) -> list[Stack]:
        stack = AccountStack(app, STACK, stack_name=ACCOUNT_STACK_NAME, monthly_budget_usd="125.5", alarm_email=OPS)
        tag_stack(stack, {"Application": "aws-reference-architectures"})
        Validations.of(app).add_plugins(AwsSolutionsChecks(app))
        return [stack]

    return synthesize(tmp_path_factory.mktemp("account-budget"), build)


def test_a_budgeted_account_stack_is_clean(budgeted: Synthesized) -> None:
    assert budgeted.violations_of(STACK) == []
    assert lint_findings(budgeted, STACK) == []
    assert budgeted.warnings_of(STACK) == []


def test_the_budget_is_retained_and_mails_at_80_actual_and_100_forecasted(budgeted: Synthesized) -> None:
    _, budget = budgeted.only(STACK, "AWS::Budgets::Budget")
    assert (budget["DeletionPolicy"], budget["UpdateReplacePolicy"]) == ("Retain", "Retain")
    assert budget["Properties"]["Budget"]["BudgetLimit"] == {"Amount": 125.5, "Unit": "USD"}
    notifications = [entry["Notification"] for entry in budget["Properties"]["NotificationsWithSubscribers"]]
    assert [(n["NotificationType"], n["Threshold"]) for n in notifications] == [("ACTUAL", 80), ("FORECASTED", 100)]
