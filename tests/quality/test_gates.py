"""Gates every stack of every stage passes: cdk-nag, CDK warnings, cfn-lint, snapshot."""

from __future__ import annotations

import json
import re

import pytest
from cfnlint.api import lint
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.json import JSONSnapshotExtension

from tests.conftest import synthesized_app
from tests.synthesis import Synthesized, normalized

# cfn-lint findings accepted, each with why: (rule, a pattern the whole message must
# match). Anything else that cfn-lint reports fails the test.
ACCEPTED_LINT_FINDINGS: dict[tuple[str, str], str] = {
    ("W3005", r".* at 'Resources/[^/']+/Properties/Role'"): (
        "aws-cdk-lib makes every Lambda function (its own and ours) DependsOn its execution "
        "role and the role's policy; the Role GetAtt already orders the role, so that one "
        "entry is redundant, not wrong."
    ),
    ("W3010", r"Avoid hardcoding availability zones 'dummy1[a-z]'"): (
        "For a test stack with an account and region, aws-cdk-lib's VPC names the AZs of the "
        "context lookup, which are dummies in the tests; the app's stacks have no account and "
        "use Fn::GetAZs."
    ),
    (
        "W3005",
        r".* at 'Resources/[^/']+/Properties/TargetTrackingConfiguration"
        r"/PredefinedMetricSpecification/ResourceLabel/[^']+'",
    ): (
        "aws-cdk-lib makes a request-count scaling policy DependsOn the listener and the target "
        "group, which its ResourceLabel already references; redundant, not wrong."
    ),
}


def lint_findings(app: Synthesized, stack_id: str) -> list[str]:
    """cfn-lint's matches for the stack, less the accepted ones, as readable lines."""
    stack = app.stacks[stack_id]
    region = stack.region if not stack.region.startswith("${") else "us-east-1"
    matches = lint(json.dumps(app.template_json(stack_id)), regions=[region])
    return [
        f"{match.rule.id} at {'/'.join(str(part) for part in match.path)}: {match.message}"
        for match in matches
        if not any(
            match.rule.id == rule and re.fullmatch(pattern, match.message) for rule, pattern in ACCEPTED_LINT_FINDINGS
        )
    ]


def test_nag_finds_nothing_unacknowledged(app_stack: tuple[str, str]) -> None:
    stage, stack_id = app_stack
    assert synthesized_app(stage).violations_of(stack_id) == []


def test_no_cdk_warnings(app_stack: tuple[str, str]) -> None:
    stage, stack_id = app_stack
    assert synthesized_app(stage).warnings_of(stack_id) == []


def test_cfn_lint_clean(app_stack: tuple[str, str]) -> None:
    stage, stack_id = app_stack
    assert lint_findings(synthesized_app(stage), stack_id) == []


def test_snapshot(app_stack: tuple[str, str], snapshot: SnapshotAssertion) -> None:
    stage, stack_id = app_stack
    template = normalized(synthesized_app(stage).template_json(stack_id))
    assert template == snapshot(extension_class=JSONSnapshotExtension)


def _kept(app: Synthesized, stack_id: str) -> dict[str, tuple[str | None, str | None]]:
    return {
        logical_id: (resource.get("DeletionPolicy"), resource.get("UpdateReplacePolicy"))
        for logical_id, resource in app.template_json(stack_id)["Resources"].items()
        if {resource.get("DeletionPolicy"), resource.get("UpdateReplacePolicy")}
        & {"Retain", "RetainExceptOnCreate", "Snapshot"}
    }


def test_sandbox_templates_retain_nothing(sandbox: Synthesized) -> None:
    """``cdk destroy`` of a sandbox stack must leave nothing billable behind; the account
    stack is the one exception: the account's trail and API Gateway role outlive every stage."""
    kept = {stack_id: _kept(sandbox, stack_id) for stack_id in sandbox.stacks if stack_id != "Account"}
    assert kept == {stack_id: {} for stack_id in kept}


@pytest.mark.parametrize("stage", ["sandbox", "production"])
def test_account_stack_retains_the_whole_account_baseline_in_every_stage(stage: str) -> None:
    resources = synthesized_app(stage).template_json("Account")["Resources"]
    kept = _kept(synthesized_app(stage), "Account")
    assert set(kept.values()) == {("Retain", "Retain")}
    assert sorted(kept) == sorted(resources)


# --- the option variants (tests/variants.py) ------------------------------------------

VARIANTS = [
    "Defaults",
    "SinglePageApp",
    "CustomDomain",
    "ImportedResources",
    "NoLogs",
    "SiteWithApi",
    "ApiDefaults",
    "ApiOptions",
    "ApiDomain",
    "NetworkDefaults",
    "NetworkOptions",
    "NetworkEndpointsOnly",
    "NetworkExistingVpc",
    "NetworkNoFlowLogs",
]

#: The findings of the variants that turn logging off, which the constructs must not hide.
LOGGING_OFF = {
    "NoLogs": [
        "AwsSolutions-CFR3 at NoLogs/Site/Distribution/Resource",
        "AwsSolutions-S1 at NoLogs/Site/Bucket/Resource",
    ],
    "NetworkNoFlowLogs": ["AwsSolutions-VPC7 at NetworkNoFlowLogs/Network/Vpc/Resource"],
}


@pytest.mark.parametrize("stack_id", VARIANTS)
def test_variants_are_clean_unless_logging_is_off(variants: Synthesized, stack_id: str) -> None:
    assert variants.violations_of(stack_id) == LOGGING_OFF.get(stack_id, [])
    assert variants.warnings_of(stack_id) == []
    assert lint_findings(variants, stack_id) == []


def test_variant_list_is_complete(variants: Synthesized) -> None:
    assert sorted(variants.stacks) == sorted(VARIANTS)
