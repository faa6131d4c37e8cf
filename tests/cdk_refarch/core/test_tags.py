"""Tags: each pattern tags what it builds; stacks add theirs, raw CfnResources included."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from aws_cdk import App, CfnResource, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sns as sns
from aws_cdk.assertions import Template
from constructs import Construct

from cdk_refarch.core.tags import PATTERN_TAG, tag_pattern, tag_stack
from tests.synthesis import CDK_CONTEXT, Synthesized

STACK_TAGS = {"Application": "app", "Stage": "test"}
TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "lambda.amazonaws.com"}}],
}


class _Outer(Construct):
    PATTERN = "outer-pattern"

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        tag_pattern(self)


class _Inner(_Outer):
    PATTERN = "inner-pattern"


def _raw_role(scope: Construct, construct_id: str) -> CfnResource:
    """A role as CDK's own custom-resource providers make them: a raw, untaggable CfnResource."""
    return CfnResource(scope, construct_id, type="AWS::IAM::Role", properties={"AssumeRolePolicyDocument": TRUST})


def _tags(resource: dict[str, Any]) -> dict[str, str]:
    return {tag["Key"]: tag["Value"] for tag in resource.get("Properties", {}).get("Tags", [])}


def _without_hash(logical_id: str) -> str:
    return re.sub(r"[0-9A-F]{8}$", "", logical_id)


@cache
def _resources() -> dict[str, dict[str, Any]]:
    stack = Stack(App(context=CDK_CONTEXT), "Tags")
    outer = _Outer(stack, "Outer")
    inner = _Inner(outer, "Inner")
    _raw_role(outer, "RawRole")
    _raw_role(Construct(inner, "Deep"), "RawRole")
    _raw_role(stack, "StackRawRole")
    iam.Role(outer, "Role", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
    sns.Topic(stack, "StackTopic")
    CfnResource(outer, "RawQueue", type="AWS::SQS::Queue")
    tag_stack(stack, STACK_TAGS)
    resources: dict[str, dict[str, Any]] = Template.from_stack(stack).to_json()["Resources"]
    return resources


def test_raw_resources_get_the_nearest_patterns_tag_and_stack_level_ones_none() -> None:
    resources = _resources()
    tags = {_without_hash(logical_id): _tags(resource) for logical_id, resource in resources.items()}
    assert tags["OuterRawRole"] == {**STACK_TAGS, PATTERN_TAG: "outer-pattern"}
    # The nearest pattern above wins: a pattern nested in another tags with its own name.
    assert tags["OuterInnerDeepRawRole"] == {**STACK_TAGS, PATTERN_TAG: "inner-pattern"}
    # A raw resource at stack level (CDK's shared providers) belongs to no pattern.
    assert tags["StackRawRole"] == STACK_TAGS


def test_taggable_resources_are_tagged_by_tags_of() -> None:
    tags = {_without_hash(logical_id): _tags(resource) for logical_id, resource in _resources().items()}
    assert tags["OuterRole"] == {**STACK_TAGS, PATTERN_TAG: "outer-pattern"}
    assert tags["StackTopic"] == STACK_TAGS


def test_only_raw_roles_and_functions_are_rewritten() -> None:
    queue = next(r for k, r in _resources().items() if k.startswith("OuterRawQueue"))
    assert _tags(queue) == {}


# --- the app ---------------------------------------------------------------------------


def _app_tags(app: Synthesized, stack_id: str) -> dict[str, dict[str, str]]:
    return {
        logical_id: _tags(resource)
        for logical_id, resource in app.template_json(stack_id)["Resources"].items()
        if isinstance(resource.get("Properties", {}).get("Tags"), list)
    }


def test_cdks_stack_level_providers_carry_the_stack_tags_but_no_pattern(sandbox: Synthesized) -> None:
    tags = _app_tags(sandbox, "StaticWebsite-Sandbox-Site")
    providers = {
        k: t for k, t in tags.items() if k.startswith(("CustomS3AutoDeleteObjects", "CustomCDKBucketDeployment"))
    }
    assert sorted(_without_hash(k) for k in providers) == [
        "CustomCDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C256MiB",
        "CustomS3AutoDeleteObjectsCustomResourceProviderHandler",
        "CustomS3AutoDeleteObjectsCustomResourceProviderRole",
    ]
    for logical_id, found in providers.items():
        assert found == {"Application": "aws-reference-architectures", "App": "static-website", "Stage": "sandbox"}, (
            logical_id
        )


def test_each_pattern_tags_what_it_builds(production: Synthesized) -> None:
    expected = {
        "StaticWebsite-Production-Site": "static-site",
        "ServerlessWebApp-Production-Api": "serverless-api",
        "Account": "account-baseline",
    }
    for stack_id, pattern in expected.items():
        for logical_id, found in _app_tags(production, stack_id).items():
            if logical_id.startswith(("Custom", "SiteDeploymentRole")):
                continue  # stack-level: shared by every site of the stack
            assert found.get(PATTERN_TAG) == pattern, (stack_id, logical_id, found)
    _, table = production.only("ServerlessWebApp-Production-Data", "AWS::DynamoDB::GlobalTable")
    (replica,) = table["Properties"]["Replicas"]
    assert {tag["Key"]: tag["Value"] for tag in replica["Tags"]}[PATTERN_TAG] == "dynamo-table"
