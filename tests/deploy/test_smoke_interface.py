"""The smoke-check interface: finding a stack's checks, running them, reporting outcomes."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from deploy.report import smoke_lines
from deploy.smoke import (
    AWS,
    EMULATOR,
    FAILED,
    PASSED,
    SKIPPED,
    SmokeContext,
    load_checks,
    module_name,
    patterns_of,
    run_checks,
)


@pytest.mark.parametrize(
    ("pattern", "module"),
    [
        ("static-site", "static_site"),
        ("serverless-api", "serverless_api"),
        ("dynamo-table", "dynamo_table"),
        ("account-baseline", "account_baseline"),
        ("fan-out2", "fan_out2"),
    ],
)
def test_module_name_is_the_snake_case_of_the_pattern(pattern: str, module: str) -> None:
    assert module_name(pattern) == module


def _tags(pattern: str) -> list[dict[str, str]]:
    return [{"Key": "Stage", "Value": "sandbox"}, {"Key": "Pattern", "Value": pattern}]


def context(stack_id: str, target: str = EMULATOR, **overrides: Any) -> SmokeContext:
    values: dict[str, Any] = {
        "stack_id": stack_id,
        "stack_name": f"sandbox-{stack_id.lower()}",
        "target": target,
        "region": "us-east-1",
        "outputs": {"Url": "https://example.com"},
        "resources": {"Bucket": "my-bucket"},
        "skipped": {"Headers": "moto has no API for it"},
        "template": {
            "Resources": {
                "Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"Tags": _tags("probe-stack")}},
                "Headers": {"Type": "AWS::CloudFront::ResponseHeadersPolicy"},
            }
        },
        "client_factory": lambda service, region: (service, region),
    }
    return SmokeContext(**{**values, **overrides})


@pytest.fixture
def probe_module(tmp_path: Path) -> Iterator[str]:
    """deploy.smoke.probe_stack, with one check per outcome, for stack id ProbeStack."""
    name = "deploy.smoke.probe_stack"
    path = tmp_path / "probe_stack.py"
    path.write_text("""
from deploy.smoke import SmokeSkip

def check_passes(ctx):
    assert ctx.only("AWS::S3::Bucket") == "my-bucket"

def check_fails_with_a_message(ctx):
    assert ctx.outputs["Url"] == "https://other.example.com", "the URL is wrong"

def check_fails_without_a_message(ctx):
    assert 1 + 1 == 3

def check_raises(ctx):
    raise RuntimeError("boom")

def check_reads_a_skipped_resource(ctx):
    ctx.physical_id("Headers")

def check_needs_aws(ctx):
    ctx.require_aws("live HTTP")

def helper_not_a_check(ctx):
    raise AssertionError("never run")
""")
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    sys.modules[name] = module
    yield "ProbeStack"
    del sys.modules[name]


def _named(name: str) -> str:
    return f"probe-stack: {name}"


def test_checks_run_in_order_and_report_every_outcome(probe_module: str) -> None:
    report = run_checks(context(probe_module))
    outcomes = [(result.name, result.outcome) for result in report.results]
    assert outcomes == [
        (_named("check_passes"), PASSED),
        (_named("check_fails_with_a_message"), FAILED),
        (_named("check_fails_without_a_message"), FAILED),
        (_named("check_raises"), FAILED),
        (_named("check_reads_a_skipped_resource"), SKIPPED),
        (_named("check_needs_aws"), SKIPPED),
    ]
    assert report.modules == ["deploy.smoke.probe_stack"] and report.missing == []
    details = {result.name.split(": ", 1)[1]: result.detail for result in report.results}
    assert details["check_fails_with_a_message"] == "the URL is wrong"
    assert details["check_fails_without_a_message"] == "assertion failed: assert 1 + 1 == 3"
    assert details["check_raises"] == "RuntimeError: boom"
    assert details["check_reads_a_skipped_resource"] == "Headers was skipped by the emulator: moto has no API for it"
    assert "needs a real account" in details["check_needs_aws"]
    assert not report.ok and report.count(FAILED) == 3


def test_require_aws_lets_the_check_run_in_a_real_account(probe_module: str) -> None:
    report = run_checks(context(probe_module, target=AWS))
    assert {r.name: r.outcome for r in report.results}[_named("check_needs_aws")] == PASSED


def test_a_pattern_without_a_module_is_reported_as_having_no_checks() -> None:
    assert load_checks("no-such-pattern") is None
    template = {"Resources": {"Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"Tags": _tags("no-such-pattern")}}}}
    report = run_checks(context("Stack", template=template))
    assert not report.has_checks and report.results == [] and report.missing == ["no-such-pattern"]
    assert "deploy/smoke/no_such_pattern.py" in smoke_lines(report)[0]


def test_a_stack_without_pattern_tags_has_no_checks() -> None:
    report = run_checks(context("Stack", template={"Resources": {"Bucket": {"Type": "AWS::S3::Bucket"}}}))
    assert not report.has_checks and report.modules == [] and report.missing == []
    assert "no resource of the stack carries a Pattern tag" in smoke_lines(report)[0]


def test_patterns_are_read_from_list_map_and_replica_tags() -> None:
    template = {
        "Resources": {
            "Listed": {"Type": "AWS::S3::Bucket", "Properties": {"Tags": _tags("static-site")}},
            "Mapped": {"Type": "AWS::SSM::Parameter", "Properties": {"Tags": {"Pattern": "web-tier"}}},
            "Table": {
                "Type": "AWS::DynamoDB::GlobalTable",
                "Properties": {"Replicas": [{"Region": "us-east-1", "Tags": _tags("dynamo-table")}]},
            },
            "Untagged": {"Type": "AWS::CloudFront::OriginAccessControl", "Properties": {}},
        }
    }
    assert patterns_of(template) == ["dynamo-table", "static-site", "web-tier"]


def test_only_picks_the_patterns_own_resource_of_a_tagged_type() -> None:
    template = {
        "Resources": {
            "Mine": {"Type": "AWS::S3::Bucket", "Properties": {"Tags": _tags("static-site")}},
            "Theirs": {"Type": "AWS::S3::Bucket", "Properties": {"Tags": _tags("serverless-api")}},
            "Oac": {"Type": "AWS::CloudFront::OriginAccessControl", "Properties": {}},
        }
    }
    ctx = context("Stack", template=template, resources={"Mine": "a", "Theirs": "b", "Oac": "c"}, pattern="static-site")
    assert ctx.only("AWS::S3::Bucket") == "a"
    assert ctx.for_pattern("serverless-api").only("AWS::S3::Bucket") == "b"
    # A type that carries no tags is looked up among all of the stack's.
    assert ctx.only("AWS::CloudFront::OriginAccessControl") == "c"


def test_a_stack_of_two_patterns_runs_both_modules() -> None:
    template = {
        "Resources": {
            "Site": {"Type": "AWS::CloudFront::Distribution", "Properties": {"Tags": _tags("static-site")}},
            "Table": {
                "Type": "AWS::DynamoDB::GlobalTable",
                "Properties": {"Replicas": [{"Tags": _tags("dynamo-table")}]},
            },
        }
    }
    report = run_checks(context("Composed", template=template, resources={}))
    assert report.modules == ["deploy.smoke.dynamo_table", "deploy.smoke.static_site"]
    prefixes = {result.name.split(": ", 1)[0] for result in report.results}
    assert prefixes == {"dynamo-table", "static-site"}


def test_clients_are_bound_to_the_stacks_region_unless_told_otherwise() -> None:
    ctx = context("StaticSite")
    assert ctx.client("s3") == ("s3", "us-east-1")
    assert ctx.client("s3", region="eu-west-1") == ("s3", "eu-west-1")


def test_the_static_site_module_has_its_checks() -> None:
    found = load_checks("static-site")
    assert found is not None
    name, checks = found
    assert name == "deploy.smoke.static_site"
    names = [check.__name__ for check in checks]
    assert "check_site_files_are_deployed" in names and "check_site_answers_with_security_headers" in names
