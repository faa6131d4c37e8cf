"""The cdk-nag findings StaticSite acknowledges, each on the narrowest construct."""

from __future__ import annotations

from aws_cdk import Stack
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from cdk_refarch.core.front_door import FrontDoorOptions, acknowledge_no_waf
from cdk_refarch.core.nag import acknowledge


def acknowledge_site(
    scope: Construct,
    distribution: cloudfront.Distribution,
    *,
    front_door: FrontDoorOptions,
    log_bucket: s3.IBucket | None,
    geo_restriction: cloudfront.GeoRestriction | None,
    encryption_key: kms.IKey | None,
) -> None:
    acknowledge_no_waf(distribution, front_door, "AwsSolutions-CFR2")
    if log_bucket is not None:
        acknowledge(
            distribution,
            "AwsSolutions-CFR3",
            "Access logs use CloudFront standard logging v2 (AWS::Logs::Delivery to the log "
            "bucket, next to the distribution); this rule only recognises legacy logging, "
            "which needs ACLs on the log bucket.",
        )
    if geo_restriction is None:
        acknowledge(
            distribution,
            "AwsSolutions-CFR1",
            "A public website is served worldwide by design; pass geo_restriction to limit "
            "the countries that can reach it.",
        )
    if front_door.domain_name is None:
        acknowledge(
            distribution,
            "AwsSolutions-CFR4",
            "Without a custom domain CloudFront serves its default *.cloudfront.net "
            "certificate, whose TLS policy CloudFront fixes; with domain_name the "
            "distribution requires TLSv1.2_2021.",
        )
    if encryption_key is not None:
        acknowledge(
            Stack.of(scope),
            "@aws-cdk/aws-cloudfront-origins:wildcardKeyPolicyForOac",
            "The key policy lets CloudFront decrypt for distributions of this account only "
            "(AWS:SourceArn arn:aws:cloudfront::ACCOUNT:distribution/*); naming the one "
            "distribution would make a cycle (key -> distribution -> bucket -> key).",
        )
