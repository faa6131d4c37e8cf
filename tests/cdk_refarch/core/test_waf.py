"""WAF: the web ACL options, an existing ACL's ARN against the stack, and the ACL built here."""

from __future__ import annotations

import re
from typing import Any

import pytest
from aws_cdk import App, Environment, Fn, RemovalPolicy, Stack

from cdk_refarch import PatternConfigError, WebAclOptions
from cdk_refarch.core.waf import WebAcl, check_web_acl_arn
from tests.cdk_refarch.static_site.variants import EU_WEST_1, US_EAST_1
from tests.synthesis import CDK_CONTEXT, Synthesized

CN_NORTH_1 = Environment(account="111111111111", region="cn-north-1")
ACL = "webacl/shared/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
CLOUDFRONT_SHAPE = "(arn:aws:wafv2:us-east-1:ACCOUNT:global/webacl/NAME/ID)"
REGIONAL_SHAPE = "(arn:aws:wafv2:REGION:ACCOUNT:regional/webacl/NAME/ID)"
MANAGED_RULE_GROUPS = [
    "AWSManagedRulesAmazonIpReputationList",
    "AWSManagedRulesCommonRuleSet",
    "AWSManagedRulesKnownBadInputsRuleSet",
]
#: The app's web ACLs: (stack, scope) in the production stage.
APP_WEB_ACLS = [("StaticWebsite-*-Site", "CLOUDFRONT"), ("ServerlessWebApp-*-Api", "REGIONAL")]


def _raises(message: str) -> Any:
    return pytest.raises(PatternConfigError, match=re.escape(message))


def _stack(env: Environment | None) -> Stack:
    return Stack(App(context=CDK_CONTEXT), "Test", env=env)


def _arn(partition: str, region: str, scope: str) -> str:
    return f"arn:{partition}:wafv2:{region}:111111111111:{scope}/{ACL}"


# --- WebAclOptions -----------------------------------------------------------------------


def test_no_rate_limit_builds_no_rate_rule() -> None:
    stack = _stack(EU_WEST_1)
    acl = WebAcl(
        stack,
        "Acl",
        waf_scope="REGIONAL",
        options=WebAclOptions(rate_limit=None),
        metric_prefix="Test",
        log_retention_days=7,
        removal_policy=RemovalPolicy.DESTROY,
    )
    rules = stack.resolve(acl.web_acl.rules)
    assert [rule["name"] for rule in rules] == MANAGED_RULE_GROUPS


@pytest.mark.parametrize("limit", [9, 2_000_000_001, 100.5, True, False, float("nan"), float("inf"), "100"])
def test_rate_limit_out_of_range(limit: Any) -> None:
    with _raises(f"rate_limit ({limit!r}) must be an integer from 10 to 2000000000"):
        WebAclOptions(rate_limit=limit)


@pytest.mark.parametrize("limit", [10, 1000, 2_000_000_000])
def test_rate_limit_in_range(limit: int) -> None:
    assert WebAclOptions(rate_limit=limit).rate_limit == limit


# --- an existing web ACL's ARN -----------------------------------------------------------


@pytest.mark.parametrize("env", [US_EAST_1, EU_WEST_1, None])
def test_a_cloudfront_acl_from_us_east_1_suits_any_stack(env: Environment | None) -> None:
    check_web_acl_arn(_arn("aws", "us-east-1", "global"), "CLOUDFRONT", _stack(env))


@pytest.mark.parametrize("env", [US_EAST_1, EU_WEST_1])
def test_a_cloudfront_acl_outside_us_east_1(env: Environment) -> None:
    arn = _arn("aws", "eu-west-1", "global")
    with _raises(f"web_acl_arn ({arn!r}) is in eu-west-1: a CLOUDFRONT web ACL for this stack must be in us-east-1"):
        check_web_acl_arn(arn, "CLOUDFRONT", _stack(env))


def test_a_cloudfront_acl_in_another_partition() -> None:
    arn = _arn("aws-cn", "us-east-1", "global")
    with _raises(f"web_acl_arn ({arn!r}) is in partition aws-cn: the stack's region us-east-1 is in aws"):
        check_web_acl_arn(arn, "CLOUDFRONT", _stack(US_EAST_1))


def test_a_regional_acl_in_the_stacks_region() -> None:
    check_web_acl_arn(_arn("aws", "eu-west-1", "regional"), "REGIONAL", _stack(EU_WEST_1))
    check_web_acl_arn(_arn("aws-cn", "cn-north-1", "regional"), "REGIONAL", _stack(CN_NORTH_1))


@pytest.mark.parametrize(("env", "acl_region"), [(EU_WEST_1, "us-east-1"), (US_EAST_1, "eu-west-1")])
def test_a_regional_acl_in_another_region(env: Environment, acl_region: str) -> None:
    arn = _arn("aws", acl_region, "regional")
    with _raises(
        f"web_acl_arn ({arn!r}) is in {acl_region}: a REGIONAL web ACL for this stack must be in {env.region}"
    ):
        check_web_acl_arn(arn, "REGIONAL", _stack(env))


@pytest.mark.parametrize(
    ("env", "partition", "region", "stack_partition"),
    [(US_EAST_1, "aws-cn", "us-east-1", "aws"), (CN_NORTH_1, "aws", "cn-north-1", "aws-cn")],
)
def test_a_regional_acl_in_another_partition(
    env: Environment, partition: str, region: str, stack_partition: str
) -> None:
    arn = _arn(partition, region, "regional")
    with _raises(
        f"web_acl_arn ({arn!r}) is in partition {partition}: the stack's region {region} is in {stack_partition}"
    ):
        check_web_acl_arn(arn, "REGIONAL", _stack(env))


def test_what_the_stack_leaves_open_is_not_checked() -> None:
    # An environment-agnostic stack's region is a token: any region's regional ACL passes.
    check_web_acl_arn(_arn("aws", "ap-south-1", "regional"), "REGIONAL", _stack(None))
    # An ARN only known at deploy time is not checked at all.
    check_web_acl_arn(Fn.import_value("SharedWebAclArn"), "REGIONAL", _stack(EU_WEST_1))


@pytest.mark.parametrize(
    ("arn", "waf_scope", "shape"),
    [
        (_arn("aws", "us-east-1", "regional"), "CLOUDFRONT", CLOUDFRONT_SHAPE),
        (_arn("aws", "eu-west-1", "global"), "REGIONAL", REGIONAL_SHAPE),
        ("arn:aws:waf-regional:eu-west-1:111111111111:webacl/aaaa", "REGIONAL", REGIONAL_SHAPE),
        ("arn:aws:wafv2:eu-west-1:1111:regional/webacl/a/b", "REGIONAL", REGIONAL_SHAPE),
        ("arn:aws:wafv2:eu-west-1:111111111111:regional/ipset/a/b", "REGIONAL", REGIONAL_SHAPE),
        (_arn("aws", "eu-west-1", "regional") + "\n", "REGIONAL", REGIONAL_SHAPE),
        ("not-an-arn", "CLOUDFRONT", CLOUDFRONT_SHAPE),
        ("", "REGIONAL", REGIONAL_SHAPE),
    ],
)
def test_the_arn_must_be_a_web_acl_of_the_front_doors_scope(arn: str, waf_scope: Any, shape: str) -> None:
    with _raises(f"web_acl_arn ({arn!r}) must be the ARN of a WAFv2 web ACL with {waf_scope} scope {shape}"):
        check_web_acl_arn(arn, waf_scope, _stack(EU_WEST_1))


# --- the web ACL built here, as the production stage builds it --------------------------


@pytest.mark.parametrize(("stack_id", "scope"), APP_WEB_ACLS)
def test_managed_rule_groups_then_the_rate_rule(production: Synthesized, stack_id: str, scope: str) -> None:
    _, acl = production.only(stack_id, "AWS::WAFv2::WebACL")
    props = acl["Properties"]
    assert (props["Scope"], props["DefaultAction"]) == (scope, {"Allow": {}})
    managed = props["Rules"][: len(MANAGED_RULE_GROUPS)]
    assert [rule["Name"] for rule in managed] == MANAGED_RULE_GROUPS
    for priority, (rule, group) in enumerate(zip(managed, MANAGED_RULE_GROUPS, strict=True)):
        assert rule["Priority"] == priority
        assert rule["Statement"] == {"ManagedRuleGroupStatement": {"Name": group, "VendorName": "AWS"}}
        # The groups' own actions apply (block), not overridden to count.
        assert rule["OverrideAction"] == {"None": {}}
    if stack_id == "ServerlessWebApp-*-Api":
        # Behind the site's CloudFront, whose ACL limits each viewer: no per-IP rule here,
        # which would count every viewer behind one edge server as one.
        assert len(props["Rules"]) == len(MANAGED_RULE_GROUPS)
        return
    (rate,) = props["Rules"][len(MANAGED_RULE_GROUPS) :]
    assert (rate["Name"], rate["Priority"], rate["Action"]) == ("RateLimitPerIp", 3, {"Block": {}})
    assert rate["Statement"]["RateBasedStatement"] == {
        "AggregateKeyType": "IP",
        "EvaluationWindowSec": 300,
        "Limit": 1000,
    }
    for rule in props["Rules"]:
        assert rule["VisibilityConfig"] == {
            "CloudWatchMetricsEnabled": True,
            "MetricName": rule["Name"],
            "SampledRequestsEnabled": True,
        }


@pytest.mark.parametrize(("stack_id", "scope"), APP_WEB_ACLS)
def test_every_request_is_logged_without_credentials(production: Synthesized, stack_id: str, scope: str) -> None:
    acl_id, _ = production.only(stack_id, "AWS::WAFv2::WebACL")
    group_id, group = production.only(
        stack_id, "AWS::Logs::LogGroup", f"{'Site' if scope == 'CLOUDFRONT' else 'Items'}WebAclLogs"
    )
    name = group["Properties"]["LogGroupName"]
    # WAF only logs to groups named aws-waf-logs-*; the name is fixed, so it must be unique.
    assert re.fullmatch(r"aws-waf-logs-[A-Za-z0-9-]+", name) and len(name) <= 512
    assert production.stack(stack_id).stack_name.replace("-", "") in name
    assert group["Properties"]["RetentionInDays"] == 365
    assert (group["DeletionPolicy"], group["UpdateReplacePolicy"]) == ("Retain", "Retain")
    _, logging = production.only(stack_id, "AWS::WAFv2::LoggingConfiguration")
    props = logging["Properties"]
    assert props["ResourceArn"] == {"Fn::GetAtt": [acl_id, "Arn"]}
    (destination,) = props["LogDestinationConfigs"]
    parts = destination["Fn::Join"][1]
    # The log group's ARN without the ":*" that LogGroup.log_group_arn ends with.
    assert parts[-2:] == [":log-group:", {"Ref": group_id}]
    assert ":*" not in str(parts)
    assert props["RedactedFields"] == [
        {"SingleHeader": {"Name": "authorization"}},
        {"SingleHeader": {"Name": "cookie"}},
    ]


def test_the_sandbox_has_no_web_acl(sandbox: Synthesized) -> None:
    for stack_id, _ in APP_WEB_ACLS:
        for resource_type in ("AWS::WAFv2::WebACL", "AWS::WAFv2::LoggingConfiguration"):
            sandbox.template(stack_id).resource_count_is(resource_type, 0)
