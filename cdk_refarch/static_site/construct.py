"""StaticSite: a private S3 bucket served worldwide through CloudFront.

Where the study notes and current AWS practice differ, this construct follows current
practice (see ``shared/PRACTICES.md``):

- Origin access is Origin Access Control (OAC). The notes never mention origin access;
  the legacy Origin Access Identity (OAI) is not used.
- The viewer certificate must live in us-east-1, whatever region the stack is in
  (notes 003:2435-2437 say a certificate is usable anywhere).
- RTMP distributions (notes 003:2856) no longer exist; this is a web distribution.
- CloudFront serves a cached object until its TTL ends (notes 001:4325-4329 are wrong),
  so a content deployment invalidates the distribution.
- Access logs use CloudFront's standard logging v2 (delivered by CloudWatch Logs, the
  bucket granted by policy), not the legacy logging that needs ACLs on the log bucket.
- An API behind the site (``api=ApiRoute(...)``) shares the site's origin, so the page
  needs no CORS (notes 003:1594 use CORS for a page calling an API elsewhere).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from aws_cdk import RemovalPolicy
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_kms as kms
from aws_cdk import aws_route53 as route53
from aws_cdk import aws_route53_targets as targets
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_deployment as s3_deployment
from constructs import Construct

from cdk_refarch.core.buckets import AccessLogBucket
from cdk_refarch.core.front_door import FrontDoorOptions, alias_records, front_door_certificate, front_door_web_acl
from cdk_refarch.core.tags import tag_pattern
from cdk_refarch.core.waf import CLOUDFRONT_REGION, WebAcl
from cdk_refarch.static_site.api_route import ApiRoute, api_behavior
from cdk_refarch.static_site.builders import content_bucket, error_responses, security_headers, standard_logging
from cdk_refarch.static_site.checks import DEFAULT_CONTENT_SECURITY_POLICY, check_static_site, with_connect_sources
from cdk_refarch.static_site.deployment import site_deployment
from cdk_refarch.static_site.nag import acknowledge_site

__all__ = ["CLOUDFRONT_REGION", "DEFAULT_CONTENT_SECURITY_POLICY", "ApiRoute", "StaticSite"]


class StaticSite(Construct):
    """A static website: private S3 bucket, CloudFront with OAC, optional domain, WAF and
    an API behind the same distribution.

    Attributes: ``bucket``, ``distribution``, ``log_bucket`` (``None`` without access
    logs), ``web_acl`` (only when created here), ``certificate`` (only with a domain),
    ``deployment`` (only with ``site_sources``), ``api_function`` (the CloudFront
    Function that strips the API's prefix, only with ``api``), ``url``.

    Every default and the reason for it is listed in ``cdk_refarch/static_site/README.md``.
    """

    PATTERN = "static-site"

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        site_sources: str | None = None,
        site_exclude: Sequence[str] = (),
        extra_files: Mapping[str, Mapping[str, Any]] | None = None,
        existing_bucket: s3.IBucket | None = None,
        encryption_key: kms.IKey | None = None,
        access_logs: bool = True,
        existing_log_bucket: s3.IBucket | None = None,
        default_root_object: str = "index.html",
        single_page_app: bool = False,
        error_page: str | None = None,
        front_door: FrontDoorOptions = FrontDoorOptions(),
        geo_restriction: cloudfront.GeoRestriction | None = None,
        price_class: cloudfront.PriceClass = cloudfront.PriceClass.PRICE_CLASS_100,
        content_security_policy: str | None = DEFAULT_CONTENT_SECURITY_POLICY,
        connect_sources: Sequence[str] = (),
        api: ApiRoute | None = None,
        log_retention_days: int = 365,
        removal_policy: RemovalPolicy = RemovalPolicy.RETAIN,
    ) -> None:
        super().__init__(scope, construct_id)
        exclude, connect, files = tuple(site_exclude), tuple(connect_sources), dict(extra_files or {})
        check_static_site(
            self,
            site_sources=site_sources,
            existing_bucket=existing_bucket,
            encryption_key=encryption_key,
            access_logs=access_logs,
            existing_log_bucket=existing_log_bucket,
            default_root_object=default_root_object,
            single_page_app=single_page_app,
            error_page=error_page,
            front_door=front_door,
            content_security_policy=content_security_policy,
            connect_sources=connect,
            site_exclude=exclude,
            extra_files=files,
            api=api,
            log_retention_days=log_retention_days,
        )
        tag_pattern(self)

        self.log_bucket: s3.IBucket | None = None
        if access_logs:
            self.log_bucket = (
                existing_log_bucket
                or AccessLogBucket(
                    self, "AccessLogs", expiration_days=log_retention_days, removal_policy=removal_policy
                ).bucket
            )
        self.bucket: s3.IBucket = existing_bucket or content_bucket(
            self, encryption_key=encryption_key, log_bucket=self.log_bucket, removal_policy=removal_policy
        )
        self.certificate = front_door_certificate(self, front_door)
        self.web_acl: WebAcl | None
        self.web_acl, web_acl_arn = front_door_web_acl(
            self,
            front_door,
            waf_scope="CLOUDFRONT",
            metric_prefix="StaticSite",
            log_retention_days=log_retention_days,
            removal_policy=removal_policy,
        )
        self.distribution = self._distribution(
            front_door,
            web_acl_arn,
            default_root_object=default_root_object,
            single_page_app=single_page_app,
            error_page=error_page,
            geo_restriction=geo_restriction,
            price_class=price_class,
            content_security_policy=with_connect_sources(content_security_policy, connect),
            api=api,
        )
        if self.log_bucket is not None:
            standard_logging(self, self.distribution, self.log_bucket)
        alias_records(self, front_door, route53.RecordTarget.from_alias(targets.CloudFrontTarget(self.distribution)))
        self.deployment: s3_deployment.BucketDeployment | None = None
        if site_sources is not None:
            self.deployment = site_deployment(
                self,
                site_sources,
                exclude=exclude,
                extra_files=files,
                bucket=self.bucket,
                distribution=self.distribution,
                log_retention_days=log_retention_days,
                removal_policy=removal_policy,
            )
        acknowledge_site(
            self,
            self.distribution,
            front_door=front_door,
            log_bucket=self.log_bucket,
            geo_restriction=geo_restriction,
            encryption_key=encryption_key,
        )
        self.url = f"https://{front_door.domain_name or self.distribution.distribution_domain_name}"

    def _distribution(
        self,
        front_door: FrontDoorOptions,
        web_acl_arn: str | None,
        *,
        default_root_object: str,
        single_page_app: bool,
        error_page: str | None,
        geo_restriction: cloudfront.GeoRestriction | None,
        price_class: cloudfront.PriceClass,
        content_security_policy: str | None,
        api: ApiRoute | None,
    ) -> cloudfront.Distribution:
        headers = security_headers(self, content_security_policy)
        self.api_function: cloudfront.Function | None = None
        behaviors = None
        if api is not None:
            behavior, self.api_function = api_behavior(self, api, headers)
            behaviors = {api.path_pattern: behavior}
        return cloudfront.Distribution(
            self,
            "Distribution",
            comment=f"Static site {self.node.path}"[:128],
            default_behavior=cloudfront.BehaviorOptions(
                origin=origins.S3BucketOrigin.with_origin_access_control(self.bucket),
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                allowed_methods=cloudfront.AllowedMethods.ALLOW_GET_HEAD,
                cached_methods=cloudfront.CachedMethods.CACHE_GET_HEAD,
                cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,
                response_headers_policy=headers,
                compress=True,
            ),
            additional_behaviors=behaviors,
            default_root_object=default_root_object,
            http_version=cloudfront.HttpVersion.HTTP2_AND_3,
            enable_ipv6=True,
            price_class=price_class,
            # Only a custom certificate can carry a TLS policy; the default one is fixed.
            minimum_protocol_version=(cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021 if self.certificate else None),
            domain_names=[front_door.domain_name] if front_door.domain_name else None,
            certificate=self.certificate,
            web_acl_id=web_acl_arn,
            geo_restriction=geo_restriction,
            error_responses=error_responses(single_page_app, error_page),
        )
