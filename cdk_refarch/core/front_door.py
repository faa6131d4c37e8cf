"""The front door of a pattern: custom domain, certificate, alias records and WAF.

One options type, :class:`FrontDoorOptions`, is what every front door takes (CloudFront
for StaticSite, API Gateway for ServerlessApi, and next the ALB); it checks its own
fields when built, :func:`check_front_door` checks it against the stack once, and the
builders below create what it asks for. ``web_acl`` and ``web_acl_arn`` are either/or.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from aws_cdk import Arn, ArnFormat, RemovalPolicy, Stack, Token
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_route53 as route53
from constructs import Construct, IConstruct

from cdk_refarch.core.errors import PatternConfigError, require
from cdk_refarch.core.nag import acknowledge
from cdk_refarch.core.waf import CLOUDFRONT_REGION, WafScope, WebAcl, WebAclOptions, check_web_acl_arn

# Lower-case LDH labels of 1..63 characters, at least two labels, 253 characters in all.
_DOMAIN_NAME = re.compile(r"^(?=.{1,253}$)(?:(?!-)[a-z0-9-]{1,63}(?<!-)\.)+(?!-)[a-z0-9-]{2,63}(?<!-)$")


@dataclass(frozen=True)
class FrontDoorOptions:
    """How clients reach a pattern: an optional custom domain and an optional WAF.

    :param domain_name: a custom domain, e.g. ``www.example.com``; needs ``hosted_zone``.
    :param hosted_zone: the Route 53 zone holding ``domain_name``, for the alias records
        and the certificate's DNS validation.
    :param certificate: an existing certificate for ``domain_name``; without it one is
        created and validated through ``hosted_zone``.
    :param web_acl: create a WAF web ACL here with these options...
    :param web_acl_arn: ...or attach an existing one. Neither: no WAF, which the
        construct acknowledges to cdk-nag as the caller's choice.
    """

    domain_name: str | None = None
    hosted_zone: route53.IHostedZone | None = None
    certificate: acm.ICertificate | None = None
    web_acl: WebAclOptions | None = None
    web_acl_arn: str | None = None

    def __post_init__(self) -> None:
        require(
            self.web_acl is None or self.web_acl_arn is None,
            "pass either web_acl (create a web ACL here) or web_acl_arn (use an existing one), not both",
        )
        if self.domain_name is None:
            require(self.hosted_zone is None, "hosted_zone is only used with domain_name; pass domain_name too")
            require(self.certificate is None, "certificate is only used with domain_name; pass domain_name too")
            return
        require(
            isinstance(self.domain_name, str) and bool(_DOMAIN_NAME.fullmatch(self.domain_name)),
            f"domain_name ({self.domain_name!r}) must be a fully qualified lower-case domain name such as "
            "'www.example.com': labels of letters, digits and hyphens, separated by dots",
        )
        require(
            self.hosted_zone is not None,
            f"domain_name ({self.domain_name!r}) needs hosted_zone: the Route 53 hosted zone that holds it "
            "(for the alias records and the certificate's DNS validation)",
        )

    @property
    def has_waf(self) -> bool:
        return self.web_acl is not None or self.web_acl_arn is not None


def check_front_door(scope: Construct, options: FrontDoorOptions, *, endpoint: str, waf_scope: WafScope) -> None:
    """The checks that need the stack: the domain inside its zone, the certificate's and
    the web ACL's region, and, for CloudFront, a stack in us-east-1 when a certificate
    or a web ACL is created here (CloudFront reads both from there only)."""
    stack = Stack.of(scope)
    certificate_region = CLOUDFRONT_REGION if waf_scope == "CLOUDFRONT" else stack.region
    if options.domain_name is not None and options.hosted_zone is not None:
        zone_name = options.hosted_zone.zone_name
        if not Token.is_unresolved(zone_name):
            zone = zone_name.rstrip(".").lower()
            require(
                options.domain_name == zone or options.domain_name.endswith("." + zone),
                f"domain_name ({options.domain_name!r}) is not inside hosted_zone ({zone!r})",
            )
    certificate = options.certificate
    if certificate is not None and not Token.is_unresolved(certificate.certificate_arn):
        region = Arn.split(certificate.certificate_arn, ArnFormat.SLASH_RESOURCE_NAME).region
        if not Token.is_unresolved(certificate_region):
            require(
                region == certificate_region,
                f"certificate ({certificate.certificate_arn}) is in {region}: {endpoint} only accepts "
                f"certificates from {certificate_region}",
            )
    if options.web_acl_arn is not None:
        check_web_acl_arn(options.web_acl_arn, waf_scope, stack)
    if waf_scope == "CLOUDFRONT":
        if options.web_acl is not None:
            require_cloudfront_region(stack, "web_acl", "pass web_acl_arn of a web ACL created in us-east-1")
        if options.domain_name is not None and certificate is None:
            require_cloudfront_region(stack, "domain_name", "pass certificate= with a certificate created in us-east-1")


def require_cloudfront_region(
    stack: Stack, prop: str, alternative: str, what: str = "a CloudFront resource that"
) -> None:
    """``prop`` makes the construct create ``what`` must live in us-east-1: refuse any
    other region, and an environment-agnostic stack, whose region is unknown."""
    region = stack.region
    if Token.is_unresolved(region) or region != CLOUDFRONT_REGION:
        shown = "not set (environment-agnostic)" if Token.is_unresolved(region) else region
        raise PatternConfigError(
            f"{prop} makes the construct create {what} must live in "
            f"{CLOUDFRONT_REGION}, but the stack's region is {shown}: deploy the stack to "
            f"{CLOUDFRONT_REGION}, or {alternative}"
        )


def front_door_certificate(scope: Construct, options: FrontDoorOptions) -> acm.ICertificate | None:
    """The given certificate, or a DNS-validated one created as ``Certificate``; ``None``
    without a domain."""
    if options.domain_name is None:
        return None
    assert options.hosted_zone is not None  # FrontDoorOptions checks it
    return options.certificate or acm.Certificate(
        scope,
        "Certificate",
        domain_name=options.domain_name,
        validation=acm.CertificateValidation.from_dns(options.hosted_zone),
    )


def front_door_web_acl(
    scope: Construct,
    options: FrontDoorOptions,
    *,
    waf_scope: WafScope,
    metric_prefix: str,
    log_retention_days: int,
    removal_policy: RemovalPolicy,
) -> tuple[WebAcl | None, str | None]:
    """The web ACL created here as ``WebAcl`` (with its ARN), or the given ARN, or none."""
    if options.web_acl is None:
        return None, options.web_acl_arn
    web_acl = WebAcl(
        scope,
        "WebAcl",
        waf_scope=waf_scope,
        options=options.web_acl,
        metric_prefix=metric_prefix,
        log_retention_days=log_retention_days,
        removal_policy=removal_policy,
    )
    return web_acl, web_acl.arn


def alias_records(
    scope: Construct, options: FrontDoorOptions, target: route53.RecordTarget, *, ipv6: bool = True
) -> None:
    """``AliasA`` (and ``AliasAAAA`` with ``ipv6``) for the domain, when there is one."""
    if options.domain_name is None:
        return
    assert options.hosted_zone is not None
    zone, name = options.hosted_zone, options.domain_name
    route53.ARecord(scope, "AliasA", zone=zone, record_name=name, target=target)
    if ipv6:
        route53.AaaaRecord(scope, "AliasAAAA", zone=zone, record_name=name, target=target)


def acknowledge_no_waf(front_door: IConstruct, options: FrontDoorOptions, rule: str) -> None:
    """Acknowledge cdk-nag's no-WAF ``rule`` on ``front_door`` when the caller chose none."""
    if not options.has_waf:
        acknowledge(
            front_door,
            rule,
            "The caller chose no WAF web ACL for this front door (neither web_acl nor web_acl_arn in "
            "FrontDoorOptions), e.g. to keep a sandbox near free; pass either to attach one.",
        )
