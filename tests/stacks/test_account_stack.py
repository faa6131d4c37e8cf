"""The account stack: API Gateway's CloudWatch Logs role, once per account and region."""

from __future__ import annotations

import pytest

from tests.synthesis import Synthesized

STACK = "Account"
PUSH_TO_CLOUDWATCH = {
    "Fn::Join": [
        "",
        ["arn:", {"Ref": "AWS::Partition"}, ":iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"],
    ]
}


@pytest.fixture(params=["sandbox", "production"])
def app(request: pytest.FixtureRequest) -> Synthesized:
    return request.getfixturevalue(request.param)


def test_one_stack_name_for_every_stage(sandbox: Synthesized, production: Synthesized) -> None:
    assert sandbox.stacks[STACK].stack_name == production.stacks[STACK].stack_name == "refarch-account"
    # The same resources whatever the stage: deploying either stage never changes the other's.
    assert sandbox.template_json(STACK)["Resources"] == production.template_json(STACK)["Resources"]


def test_only_the_role_and_the_account_setting(app: Synthesized) -> None:
    types = sorted(r["Type"] for r in app.template_json(STACK)["Resources"].values())
    assert types == ["AWS::ApiGateway::Account", "AWS::IAM::Role"]


def test_role_trusts_api_gateway_for_this_account_only(app: Synthesized) -> None:
    _, role = app.only(STACK, "AWS::IAM::Role")
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
    role_id, _ = app.only(STACK, "AWS::IAM::Role")
    _, account = app.only(STACK, "AWS::ApiGateway::Account")
    assert account["Properties"] == {"CloudWatchRoleArn": {"Fn::GetAtt": [role_id, "Arn"]}}


def test_role_and_setting_are_retained_in_every_stage(app: Synthesized) -> None:
    for resource in app.template_json(STACK)["Resources"].values():
        assert (resource["DeletionPolicy"], resource["UpdateReplacePolicy"]) == ("Retain", "Retain"), resource["Type"]


def test_tagged_with_its_pattern_and_no_stage(app: Synthesized) -> None:
    _, role = app.only(STACK, "AWS::IAM::Role")
    tags = {t["Key"]: t["Value"] for t in role["Properties"]["Tags"]}
    assert tags == {"Application": "aws-reference-architectures", "Pattern": "account-baseline"}


def test_the_api_stack_depends_on_it_and_has_no_account_role_of_its_own(app: Synthesized) -> None:
    assert app.stacks[STACK] in app.stacks["ServerlessApi"].dependencies
    app.template("ServerlessApi").resource_count_is("AWS::ApiGateway::Account", 0)
    assert app.stacks["ServerlessApi"].region == app.stacks[STACK].region
    assert app.stacks["ServerlessApi"].account == app.stacks[STACK].account
