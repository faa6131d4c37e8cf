"""Checks for custom domain names, shared by every pattern that takes one."""

from __future__ import annotations

import re

from aws_cdk import Arn, ArnFormat, Token
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_route53 as route53

from cdk_refarch.core.errors import require

# Lower-case LDH labels of 1..63 characters, at least two labels, 253 characters in all.
_DOMAIN_NAME = re.compile(r"^(?=.{1,253}$)(?:(?!-)[a-z0-9-]{1,63}(?<!-)\.)+(?!-)[a-z0-9-]{2,63}(?<!-)$")


def check_domain(
    domain_name: str | None,
    hosted_zone: route53.IHostedZone | None,
    certificate: acm.ICertificate | None,
    *,
    endpoint: str,
    certificate_region: str | None = None,
) -> None:
    """A domain needs a well-formed name inside its hosted zone; the zone and the
    certificate are only used with a domain. ``certificate_region``, when known, is
    the one region ``endpoint`` (e.g. "CloudFront") takes certificates from; it is
    checked when the certificate's ARN is known."""
    if domain_name is None:
        require(hosted_zone is None, "hosted_zone is only used with domain_name; pass domain_name too")
        require(certificate is None, "certificate is only used with domain_name; pass domain_name too")
        return
    require(
        bool(_DOMAIN_NAME.match(domain_name)),
        f"domain_name ({domain_name!r}) must be a fully qualified lower-case domain name such as "
        "'www.example.com': labels of letters, digits and hyphens, separated by dots",
    )
    require(
        hosted_zone is not None,
        f"domain_name ({domain_name!r}) needs hosted_zone: the Route 53 hosted zone that holds it "
        "(for the alias records and the certificate's DNS validation)",
    )
    assert hosted_zone is not None
    zone_name = hosted_zone.zone_name
    if not Token.is_unresolved(zone_name):
        zone = zone_name.rstrip(".").lower()
        require(
            domain_name == zone or domain_name.endswith("." + zone),
            f"domain_name ({domain_name!r}) is not inside hosted_zone ({zone!r})",
        )
    if certificate is not None and certificate_region and not Token.is_unresolved(certificate.certificate_arn):
        region = Arn.split(certificate.certificate_arn, ArnFormat.SLASH_RESOURCE_NAME).region
        require(
            region == certificate_region,
            f"certificate ({certificate.certificate_arn}) is in {region}: {endpoint} only accepts "
            f"certificates from {certificate_region}",
        )
