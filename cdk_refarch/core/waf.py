"""WAFv2 web ACLs: the one definition every front door attaches, and its logging."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from aws_cdk import ArnFormat, Names, RemovalPolicy, Stack, Token
from aws_cdk import aws_logs as logs
from aws_cdk import aws_wafv2 as wafv2
from aws_cdk.region_info import RegionInfo
from constructs import Construct

from cdk_refarch.core.errors import require
from cdk_refarch.core.retention import log_retention
from cdk_refarch.core.validation import check_int

WafScope = Literal["CLOUDFRONT", "REGIONAL"]

#: CloudFront takes CLOUDFRONT-scoped web ACLs (and certificates) from this region only.
CLOUDFRONT_REGION = "us-east-1"

#: WAFv2 rate-based rules accept limits in this range (requests per evaluation window).
RATE_LIMIT_RANGE = (10, 2_000_000_000)

#: Headers WAF must not write into its logs: credentials and session cookies.
REDACTED_HEADERS = ("authorization", "cookie")

#: AWS managed rule groups, in evaluation order after the IP reputation list: known
#: malicious sources first (cheap), then request-shape rules.
MANAGED_RULE_GROUPS = (
    "AWSManagedRulesAmazonIpReputationList",
    "AWSManagedRulesCommonRuleSet",
    "AWSManagedRulesKnownBadInputsRuleSet",
)

_WEB_ACL_ARN = re.compile(
    r"^arn:(?P<partition>aws[a-z-]*):wafv2:(?P<region>[a-z0-9-]+):\d{12}:(?P<scope>global|regional)/webacl/[\w-]+/[\w-]+$"
)


def check_web_acl_arn(arn: str, waf_scope: WafScope, stack: Stack) -> None:
    """An existing web ACL's ARN must have the scope, region and partition the front door
    needs: a CloudFront ACL is global and in us-east-1; a regional one is in the stack's
    region. Parts the stack leaves open (an environment-agnostic region) are not checked."""
    if Token.is_unresolved(arn):
        return
    shape = (
        f"arn:aws:wafv2:{CLOUDFRONT_REGION}:ACCOUNT:global/webacl/NAME/ID"
        if waf_scope == "CLOUDFRONT"
        else "arn:aws:wafv2:REGION:ACCOUNT:regional/webacl/NAME/ID"
    )
    match = _WEB_ACL_ARN.fullmatch(arn)
    wanted_scope = "global" if waf_scope == "CLOUDFRONT" else "regional"
    require(
        match is not None and match["scope"] == wanted_scope,
        f"web_acl_arn ({arn!r}) must be the ARN of a WAFv2 web ACL with {waf_scope} scope ({shape})",
    )
    assert match is not None
    region = CLOUDFRONT_REGION if waf_scope == "CLOUDFRONT" else stack.region
    if Token.is_unresolved(region):
        return
    require(
        match["region"] == region,
        f"web_acl_arn ({arn!r}) is in {match['region']}: a {waf_scope} web ACL for this stack must be in {region}",
    )
    partition = RegionInfo.get(region).partition
    require(
        partition is None or match["partition"] == partition,
        f"web_acl_arn ({arn!r}) is in partition {match['partition']}: the stack's region {region} is in {partition}",
    )


@dataclass(frozen=True)
class WebAclOptions:
    """A WAFv2 web ACL that a pattern creates for its front door.

    :param rate_limit: requests a single client IP may send in any 5-minute window
        before WAF blocks it; ``None``: no rate rule, for a front door whose clients come
        through a proxy that limits each of them itself, such as an API behind CloudFront
        with its own web ACL: this ACL would see CloudFront's addresses, and every viewer
        behind one edge server would share one count.
    """

    rate_limit: int | None = 1000

    def __post_init__(self) -> None:
        if self.rate_limit is not None:
            low, high = RATE_LIMIT_RANGE
            check_int("rate_limit", self.rate_limit, minimum=low, maximum=high)


class WebAcl(Construct):
    """A web ACL (allow by default) with AWS managed rules, a per-IP rate rule and logs.

    Rules: the Amazon IP reputation list, the common rule set (OWASP-style) and known
    bad inputs (e.g. Log4j and Java deserialization probes), then the rate rule (unless
    ``rate_limit`` is ``None``). Every
    request WAF evaluates is logged to a log group named ``aws-waf-logs-...`` (the
    prefix WAF requires) with the stage's retention, the ``authorization`` and
    ``cookie`` headers redacted. A CLOUDFRONT-scoped ACL, and so its log group, must be
    created in us-east-1; a REGIONAL one in the region of what it protects.

    Attributes: ``web_acl`` (the CfnWebACL), ``arn``, ``log_group``.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        waf_scope: WafScope,
        options: WebAclOptions,
        metric_prefix: str,
        log_retention_days: int,
        removal_policy: RemovalPolicy,
    ) -> None:
        super().__init__(scope, construct_id)
        retention = log_retention("log_retention_days", log_retention_days)
        self.web_acl = wafv2.CfnWebACL(
            self,
            "Resource",
            scope=waf_scope,
            default_action=wafv2.CfnWebACL.DefaultActionProperty(allow={}),
            visibility_config=_visibility(f"{metric_prefix}WebAcl"),
            rules=[
                *_managed_rules(),
                *([] if options.rate_limit is None else [_rate_rule(options.rate_limit, len(MANAGED_RULE_GROUPS))]),
            ],
        )
        self.arn = self.web_acl.attr_arn
        log_group_name = "aws-waf-logs-" + Names.unique_resource_name(self, max_length=100, separator="-")
        self.log_group = logs.LogGroup(
            self, "Logs", log_group_name=log_group_name, retention=retention, removal_policy=removal_policy
        )
        # WAF takes the log group's ARN without the ":*" that LogGroup.log_group_arn ends with.
        destination = Stack.of(self).format_arn(
            service="logs",
            resource="log-group",
            resource_name=self.log_group.log_group_name,
            arn_format=ArnFormat.COLON_RESOURCE_NAME,
        )
        wafv2.CfnLoggingConfiguration(
            self,
            "Logging",
            resource_arn=self.arn,
            log_destination_configs=[destination],
            redacted_fields=[
                wafv2.CfnLoggingConfiguration.FieldToMatchProperty(single_header={"Name": header})
                for header in REDACTED_HEADERS
            ],
        )


def _visibility(metric: str) -> wafv2.CfnWebACL.VisibilityConfigProperty:
    return wafv2.CfnWebACL.VisibilityConfigProperty(
        cloud_watch_metrics_enabled=True, metric_name=metric, sampled_requests_enabled=True
    )


def _managed_rules() -> list[wafv2.CfnWebACL.RuleProperty]:
    return [
        wafv2.CfnWebACL.RuleProperty(
            name=group,
            priority=priority,
            override_action=wafv2.CfnWebACL.OverrideActionProperty(none={}),
            statement=wafv2.CfnWebACL.StatementProperty(
                managed_rule_group_statement=wafv2.CfnWebACL.ManagedRuleGroupStatementProperty(
                    vendor_name="AWS", name=group
                )
            ),
            visibility_config=_visibility(group),
        )
        for priority, group in enumerate(MANAGED_RULE_GROUPS)
    ]


def _rate_rule(limit: int, priority: int) -> wafv2.CfnWebACL.RuleProperty:
    return wafv2.CfnWebACL.RuleProperty(
        name="RateLimitPerIp",
        priority=priority,
        action=wafv2.CfnWebACL.RuleActionProperty(block={}),
        statement=wafv2.CfnWebACL.StatementProperty(
            rate_based_statement=wafv2.CfnWebACL.RateBasedStatementProperty(
                aggregate_key_type="IP", limit=limit, evaluation_window_sec=300
            )
        ),
        visibility_config=_visibility("RateLimitPerIp"),
    )
