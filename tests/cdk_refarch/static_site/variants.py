"""Stacks that use the patterns' options, for the option assertions and the nag check.

StaticSite's are here, ServerlessApi's in tests/cdk_refarch/serverless_api/variants.py,
Network's in tests/cdk_refarch/network/variants.py. ``SiteWithApi`` routes paths of two
sites to ServerlessApi's ``ApiOptions`` API, in another region.

They are synthesized together, once per session, with cdk-nag on (tests/conftest.py).
Every stack except ``NoLogs`` and ``NetworkNoFlowLogs`` must come out clean; they turn
logging off and show that the constructs do not hide that choice from cdk-nag
(tests/quality/test_gates.py).
"""

from __future__ import annotations

from aws_cdk import App, Environment, RemovalPolicy, Stack, Validations
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_kms as kms
from aws_cdk import aws_route53 as route53
from aws_cdk import aws_s3 as s3
from cdk_nag import AwsSolutionsChecks

from cdk_refarch import AccessLogBucket, ApiRoute, FrontDoorOptions, ServerlessApi, StaticSite, WebAclOptions
from stacks.static_site.stack import SITE_SOURCES

US_EAST_1 = Environment(account="111111111111", region="us-east-1")
EU_WEST_1 = Environment(account="111111111111", region="eu-west-1")
ZONE_ID = "Z0123456789ABCDEFGHIJ"
IMPORTED_CERT = "arn:aws:acm:us-east-1:111111111111:certificate/11111111-2222-3333-4444-555555555555"
IMPORTED_WEB_ACL = "arn:aws:wafv2:us-east-1:111111111111:global/webacl/shared/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
CUSTOM_CSP = "default-src 'self'; script-src 'self' https://cdn.example.com"
CONNECT_SOURCES = ("https://auth.example.com", "https://login.example.org:8443")
WEB_APP_FOLDER = "app"


def _zone(stack: Stack) -> route53.IHostedZone:
    return route53.HostedZone.from_hosted_zone_attributes(
        stack, "Zone", hosted_zone_id=ZONE_ID, zone_name="example.com"
    )


def build_variants(app: App) -> list[Stack]:
    stacks: list[Stack] = []

    # Every default: no files, no domain, no WAF; in us-east-1, where CloudFront's
    # standard logs (on by default) must be delivered from.
    defaults = Stack(app, "Defaults", env=US_EAST_1)
    StaticSite(defaults, "Site")
    stacks.append(defaults)

    # Single-page app, geo allow-list, all edge locations, a custom CSP.
    spa = Stack(app, "SinglePageApp", env=US_EAST_1)
    StaticSite(
        spa,
        "Site",
        site_sources=SITE_SOURCES,
        single_page_app=True,
        geo_restriction=cloudfront.GeoRestriction.allowlist("DE", "FR"),
        price_class=cloudfront.PriceClass.PRICE_CLASS_ALL,
        content_security_policy=CUSTOM_CSP,
        removal_policy=RemovalPolicy.DESTROY,
        log_retention_days=14,
    )
    stacks.append(spa)

    # Custom domain with a certificate and a web ACL created here, SSE-KMS.
    domain = Stack(app, "CustomDomain", env=US_EAST_1)
    StaticSite(
        domain,
        "Site",
        front_door=FrontDoorOptions(
            domain_name="www.example.com", hosted_zone=_zone(domain), web_acl=WebAclOptions(rate_limit=500)
        ),
        encryption_key=kms.Key(domain, "Key", enable_key_rotation=True),
    )
    stacks.append(domain)

    # An imported certificate and web ACL, no CSP, an existing content bucket, and one
    # log bucket shared by two sites.
    imported = Stack(app, "ImportedResources", env=US_EAST_1)
    logs = AccessLogBucket(imported, "SharedLogs")
    StaticSite(
        imported,
        "Site",
        front_door=FrontDoorOptions(
            domain_name="docs.example.com",
            hosted_zone=_zone(imported),
            certificate=acm.Certificate.from_certificate_arn(imported, "Cert", IMPORTED_CERT),
            web_acl_arn=IMPORTED_WEB_ACL,
        ),
        content_security_policy=None,
        existing_log_bucket=logs.bucket,
    )
    own_bucket = s3.Bucket(
        imported,
        "OwnBucket",
        enforce_ssl=True,
        versioned=True,
        server_access_logs_bucket=logs.bucket,
        server_access_logs_prefix="s3/own/",
    )
    StaticSite(imported, "SecondSite", existing_bucket=own_bucket, existing_log_bucket=logs.bucket)
    stacks.append(imported)

    # Access logs turned off, so the site can live outside us-east-1: cdk-nag must
    # still report the missing logs (tests/quality/test_gates.py checks).
    no_logs = Stack(app, "NoLogs", env=EU_WEST_1)
    StaticSite(no_logs, "Site", access_logs=False)
    stacks.append(no_logs)

    from tests.cdk_refarch.serverless_api.variants import build_api_variants

    api_stacks = build_api_variants(app)
    stacks.extend(api_stacks)
    stacks.append(_site_with_api(app, next(stack for stack in api_stacks if stack.node.id == "ApiOptions")))
    from tests.cdk_refarch.network.variants import build_network_variants

    stacks.extend(build_network_variants(app))
    Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    return stacks


def _site_with_api(app: App, api_stack: Stack) -> Stack:
    """Two sites in front of an API of another region: one strips a prefix of its own and
    deploys a JSON file with a deploy-time value, the other forwards paths as they are."""
    service = api_stack.node.find_child("Service")
    assert isinstance(service, ServerlessApi)
    stack = Stack(app, "SiteWithApi", env=US_EAST_1)
    site = StaticSite(
        stack,
        "Site",
        site_sources=SITE_SOURCES,
        site_exclude=(WEB_APP_FOLDER,),
        extra_files={"settings/api.json": {"apiBase": "/backend", "apiId": service.api.rest_api_id}},
        api=ApiRoute(service.api, path_pattern="/backend/v1/*", strip_prefix="/backend"),
        connect_sources=CONNECT_SOURCES,
        removal_policy=RemovalPolicy.DESTROY,
    )
    StaticSite(
        stack,
        "Unstripped",
        api=ApiRoute(service.api, strip_prefix=None),
        existing_log_bucket=site.log_bucket,
    )
    return stack
