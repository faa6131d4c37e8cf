"""WAFv2 web ACLs: the one definition every pattern attaches to its front door."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from aws_cdk import Token
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

from cdk_refarch.core.errors import require

# WAFv2 rate-based rules accept limits in this range (requests per evaluation window).
_RATE_LIMIT_RANGE = (10, 2_000_000_000)

# CLOUDFRONT-scoped ACLs live in us-east-1 under "global/"; REGIONAL ones under "regional/".
_WEB_ACL_ARN = {
    "CLOUDFRONT": (
        re.compile(r"^arn:aws[a-z-]*:wafv2:us-east-1:\d{12}:global/webacl/[\w-]+/[\w-]+$"),
        "arn:aws:wafv2:us-east-1:ACCOUNT:global/webacl/NAME/ID",
    ),
    "REGIONAL": (
        re.compile(r"^arn:aws[a-z-]*:wafv2:[a-z0-9-]+:\d{12}:regional/webacl/[\w-]+/[\w-]+$"),
        "arn:aws:wafv2:REGION:ACCOUNT:regional/webacl/NAME/ID",
    ),
}


def check_web_acl_arn(arn: str, waf_scope: Literal["CLOUDFRONT", "REGIONAL"]) -> None:
    """An existing web ACL's ARN must have the scope the front door needs (when known)."""
    if Token.is_unresolved(arn):
        return
    pattern, shape = _WEB_ACL_ARN[waf_scope]
    require(
        bool(pattern.match(arn)),
        f"web_acl_arn ({arn!r}) must be the ARN of a WAFv2 web ACL with {waf_scope} scope ({shape})",
    )


@dataclass(frozen=True)
class WebAclOptions:
    """A WAFv2 web ACL that a pattern creates for its front door.

    The ACL allows by default and applies the AWS managed common rule set (OWASP-style
    protections) and a per-IP rate limit; metrics and sampled requests are on.

    :param rate_limit: requests a single client IP may send in any 5-minute window
        before WAF blocks it.
    """

    rate_limit: int = 1000

    def __post_init__(self) -> None:
        low, high = _RATE_LIMIT_RANGE
        require(
            isinstance(self.rate_limit, int) and low <= self.rate_limit <= high,
            f"rate_limit ({self.rate_limit!r}) must be an integer from {low} to {high}",
        )


def new_web_acl(
    parent: Construct,
    construct_id: str,
    *,
    waf_scope: Literal["CLOUDFRONT", "REGIONAL"],
    options: WebAclOptions,
    metric_prefix: str,
) -> wafv2.CfnWebACL:
    """Create the web ACL described by ``options`` under ``parent``.

    CLOUDFRONT-scoped ACLs must be created in us-east-1; REGIONAL ones in the region of
    the API or load balancer they protect.
    """

    def visibility(metric: str) -> wafv2.CfnWebACL.VisibilityConfigProperty:
        return wafv2.CfnWebACL.VisibilityConfigProperty(
            cloud_watch_metrics_enabled=True, metric_name=metric, sampled_requests_enabled=True
        )

    return wafv2.CfnWebACL(
        parent,
        construct_id,
        scope=waf_scope,
        default_action=wafv2.CfnWebACL.DefaultActionProperty(allow={}),
        visibility_config=visibility(f"{metric_prefix}WebAcl"),
        rules=[
            wafv2.CfnWebACL.RuleProperty(
                name="AWSManagedRulesCommonRuleSet",
                priority=0,
                override_action=wafv2.CfnWebACL.OverrideActionProperty(none={}),
                statement=wafv2.CfnWebACL.StatementProperty(
                    managed_rule_group_statement=wafv2.CfnWebACL.ManagedRuleGroupStatementProperty(
                        vendor_name="AWS", name="AWSManagedRulesCommonRuleSet"
                    )
                ),
                visibility_config=visibility("AWSManagedRulesCommonRuleSet"),
            ),
            wafv2.CfnWebACL.RuleProperty(
                name="RateLimitPerIp",
                priority=1,
                action=wafv2.CfnWebACL.RuleActionProperty(block={}),
                statement=wafv2.CfnWebACL.StatementProperty(
                    rate_based_statement=wafv2.CfnWebACL.RateBasedStatementProperty(
                        aggregate_key_type="IP",
                        limit=options.rate_limit,
                        evaluation_window_sec=300,
                    )
                ),
                visibility_config=visibility("RateLimitPerIp"),
            ),
        ],
    )
