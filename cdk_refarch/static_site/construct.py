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
- New buckets already block public access, disable ACLs and use SSE-S3; the construct
  still sets each explicitly so the template says what it does.
"""

from __future__ import annotations

import os

from aws_cdk import Duration, RemovalPolicy, Stack, Token
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_route53 as route53
from aws_cdk import aws_route53_targets as targets
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_deployment as s3_deployment
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

from cdk_refarch.core.access_logs import AccessLogBucket
from cdk_refarch.core.dns import check_domain
from cdk_refarch.core.errors import PatternConfigError, require
from cdk_refarch.core.nag import acknowledge, wildcard_object_resources
from cdk_refarch.core.retention import log_retention
from cdk_refarch.core.waf import WebAclOptions, check_web_acl_arn, new_web_acl

#: CloudFront reads viewer certificates and CLOUDFRONT-scoped web ACLs from this region only.
CLOUDFRONT_REGION = "us-east-1"

#: A strict policy for a site that serves its own scripts, styles and images. Pass
#: ``content_security_policy=`` to replace it, or ``None`` to send no CSP header.
DEFAULT_CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data:",
        "script-src 'self'",
        "style-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "upgrade-insecure-requests",
    ]
)


class StaticSite(Construct):
    """A static website: private S3 bucket, CloudFront with OAC, optional domain and WAF.

    Attributes: ``bucket``, ``distribution``, ``log_bucket`` (``None`` without access
    logs), ``web_acl`` (only when created here), ``certificate`` (only with a domain),
    ``deployment`` (only with ``site_sources``), ``url``.

    Every default and the reason for it is listed in ``patterns/static_site/README.md``.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        site_sources: str | None = None,
        existing_bucket: s3.IBucket | None = None,
        encryption_key: kms.IKey | None = None,
        access_logs: bool = True,
        existing_log_bucket: s3.IBucket | None = None,
        default_root_object: str = "index.html",
        single_page_app: bool = False,
        error_page: str | None = None,
        domain_name: str | None = None,
        hosted_zone: route53.IHostedZone | None = None,
        certificate: acm.ICertificate | None = None,
        web_acl: WebAclOptions | None = None,
        web_acl_arn: str | None = None,
        geo_restriction: cloudfront.GeoRestriction | None = None,
        price_class: cloudfront.PriceClass = cloudfront.PriceClass.PRICE_CLASS_100,
        content_security_policy: str | None = DEFAULT_CONTENT_SECURITY_POLICY,
        log_retention_days: int = 365,
        removal_policy: RemovalPolicy = RemovalPolicy.RETAIN,
    ) -> None:
        super().__init__(scope, construct_id)
        stack = Stack.of(self)
        retention = log_retention("log_retention_days", log_retention_days)
        _check_site_sources(site_sources)
        _check_object_key("default_root_object", default_root_object)
        require(
            not (single_page_app and error_page),
            f"error_page ({error_page!r}) cannot be combined with single_page_app=True: "
            "a single-page app answers every missing path with /index.html",
        )
        if error_page is not None:
            _check_object_key("error_page", error_page)
        require(
            existing_bucket is None or encryption_key is None,
            "encryption_key cannot be combined with existing_bucket: "
            "the existing bucket keeps the encryption it was created with",
        )
        require(
            access_logs or existing_log_bucket is None,
            "existing_log_bucket cannot be combined with access_logs=False",
        )
        require(
            web_acl is None or web_acl_arn is None,
            "pass either web_acl (create a web ACL here) or web_acl_arn (use an existing one), not both",
        )
        check_domain(domain_name, hosted_zone, certificate, endpoint="CloudFront", certificate_region=CLOUDFRONT_REGION)
        if web_acl_arn is not None:
            check_web_acl_arn(web_acl_arn, "CLOUDFRONT")
        if web_acl is not None:
            _require_cloudfront_region(stack, "web_acl", "pass web_acl_arn of a web ACL created in us-east-1")
        if domain_name is not None and certificate is None:
            _require_cloudfront_region(
                stack, "domain_name", "pass certificate= with a certificate created in us-east-1"
            )

        self.log_bucket: s3.IBucket | None = None
        if access_logs:
            self.log_bucket = (
                existing_log_bucket
                or AccessLogBucket(
                    self,
                    "AccessLogs",
                    expiration=Duration.days(log_retention_days),
                    removal_policy=removal_policy,
                ).bucket
            )

        self.bucket: s3.IBucket = existing_bucket or self._create_bucket(encryption_key, removal_policy)
        if encryption_key is not None:
            acknowledge(
                stack,
                "@aws-cdk/aws-cloudfront-origins:wildcardKeyPolicyForOac",
                "The key policy lets CloudFront decrypt for distributions of this account only "
                "(AWS:SourceArn arn:aws:cloudfront::ACCOUNT:distribution/*); naming the one "
                "distribution would make a cycle (key -> distribution -> bucket -> key).",
            )

        self.certificate: acm.ICertificate | None = None
        if domain_name is not None:
            assert hosted_zone is not None  # checked by _check_domain
            self.certificate = certificate or acm.Certificate(
                self,
                "Certificate",
                domain_name=domain_name,
                validation=acm.CertificateValidation.from_dns(hosted_zone),
            )

        self.web_acl: wafv2.CfnWebACL | None = None
        if web_acl is not None:
            self.web_acl = new_web_acl(
                self, "WebAcl", waf_scope="CLOUDFRONT", options=web_acl, metric_prefix="StaticSite"
            )
            web_acl_arn = self.web_acl.attr_arn

        self.distribution = cloudfront.Distribution(
            self,
            "Distribution",
            comment=f"Static site {self.node.path}"[:128],
            default_behavior=cloudfront.BehaviorOptions(
                origin=origins.S3BucketOrigin.with_origin_access_control(self.bucket),
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                allowed_methods=cloudfront.AllowedMethods.ALLOW_GET_HEAD,
                cached_methods=cloudfront.CachedMethods.CACHE_GET_HEAD,
                cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,
                response_headers_policy=self._security_headers(content_security_policy),
                compress=True,
            ),
            default_root_object=default_root_object,
            http_version=cloudfront.HttpVersion.HTTP2_AND_3,
            enable_ipv6=True,
            price_class=price_class,
            # Only a custom certificate can carry a TLS policy; the default one is fixed.
            minimum_protocol_version=(cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021 if self.certificate else None),
            domain_names=[domain_name] if domain_name else None,
            certificate=self.certificate,
            web_acl_id=web_acl_arn,
            geo_restriction=geo_restriction,
            error_responses=_error_responses(single_page_app, error_page),
            enable_logging=access_logs,
            log_bucket=self.log_bucket,
            log_file_prefix="cloudfront/" if access_logs else None,
        )
        self._acknowledge_distribution_findings(domain_name, geo_restriction)

        if domain_name is not None:
            assert hosted_zone is not None
            target = route53.RecordTarget.from_alias(targets.CloudFrontTarget(self.distribution))
            route53.ARecord(self, "AliasA", zone=hosted_zone, record_name=domain_name, target=target)
            route53.AaaaRecord(self, "AliasAAAA", zone=hosted_zone, record_name=domain_name, target=target)

        self.deployment: s3_deployment.BucketDeployment | None = None
        if site_sources is not None:
            self.deployment = self._deploy(site_sources, retention, removal_policy)

        self.url = f"https://{domain_name or self.distribution.distribution_domain_name}"

    def _create_bucket(self, encryption_key: kms.IKey | None, removal_policy: RemovalPolicy) -> s3.Bucket:
        return s3.Bucket(
            self,
            "Bucket",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            encryption=s3.BucketEncryption.KMS if encryption_key else s3.BucketEncryption.S3_MANAGED,
            encryption_key=encryption_key,
            # An S3 Bucket Key cuts KMS requests (and their cost) by ~99% for SSE-KMS.
            bucket_key_enabled=True if encryption_key else None,
            enforce_ssl=True,
            minimum_tls_version=1.2,
            versioned=True,
            lifecycle_rules=[
                # Notes 001:1617-1620: old versions to Glacier after 30 days, gone after 365.
                s3.LifecycleRule(
                    id="noncurrent-versions",
                    noncurrent_version_transitions=[
                        s3.NoncurrentVersionTransition(
                            storage_class=s3.StorageClass.GLACIER,
                            transition_after=Duration.days(30),
                        )
                    ],
                    noncurrent_version_expiration=Duration.days(365),
                    abort_incomplete_multipart_upload_after=Duration.days(7),
                )
            ],
            server_access_logs_bucket=self.log_bucket,
            server_access_logs_prefix="s3/site/" if self.log_bucket else None,
            removal_policy=removal_policy,
            auto_delete_objects=removal_policy == RemovalPolicy.DESTROY,
        )

    def _security_headers(self, content_security_policy: str | None) -> cloudfront.ResponseHeadersPolicy:
        if content_security_policy is not None:
            require(
                content_security_policy.strip() != "",
                "content_security_policy ('') must be a policy, or None to send no CSP header",
            )
        csp = (
            cloudfront.ResponseHeadersContentSecurityPolicy(
                content_security_policy=content_security_policy, override=True
            )
            if content_security_policy is not None
            else None
        )
        return cloudfront.ResponseHeadersPolicy(
            self,
            "SecurityHeaders",
            comment="HSTS, nosniff, frame and referrer policy, CSP for the static site",
            security_headers_behavior=cloudfront.ResponseSecurityHeadersBehavior(
                strict_transport_security=cloudfront.ResponseHeadersStrictTransportSecurity(
                    access_control_max_age=Duration.days(365 * 2),
                    include_subdomains=True,
                    override=True,
                ),
                content_type_options=cloudfront.ResponseHeadersContentTypeOptions(override=True),
                frame_options=cloudfront.ResponseHeadersFrameOptions(
                    frame_option=cloudfront.HeadersFrameOption.DENY, override=True
                ),
                referrer_policy=cloudfront.ResponseHeadersReferrerPolicy(
                    referrer_policy=cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN,
                    override=True,
                ),
                content_security_policy=csp,
            ),
        )

    def _deploy(
        self, site_sources: str, retention: logs.RetentionDays, removal_policy: RemovalPolicy
    ) -> s3_deployment.BucketDeployment:
        # An explicit log group, so the handler's logs expire with the stage's retention
        # and are deleted with the stack instead of outliving it.
        log_group = logs.LogGroup(self, "DeploymentLogs", retention=retention, removal_policy=removal_policy)
        deployment = s3_deployment.BucketDeployment(
            self,
            "Deployment",
            sources=[s3_deployment.Source.asset(site_sources)],
            destination_bucket=self.bucket,
            distribution=self.distribution,
            distribution_paths=["/*"],
            log_group=log_group,
            memory_limit=256,
        )
        # BucketDeployment's handler is a singleton Lambda shared by every deployment in
        # the stack; its role is the one finding-bearing resource and sits under it.
        handler = deployment.handler_role.node.scope
        assert handler is not None
        acknowledge(
            handler,
            "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
            "CDK's BucketDeployment handler writes its own logs; the AWS managed basic execution "
            "role grants only CloudWatch Logs writes.",
        )
        for action in ("s3:GetBucket*", "s3:GetObject*", "s3:List*", "s3:Abort*", "s3:DeleteObject*"):
            acknowledge(
                handler,
                f"AwsSolutions-IAM5[Action::{action}]",
                "CDK's BucketDeployment grants the read/write action groups it needs to sync the "
                "site into the bucket; the resources are limited to the asset and site buckets.",
            )
        for resource in wildcard_object_resources(deployment.handler_role):
            acknowledge(
                handler,
                f"AwsSolutions-IAM5[Resource::{resource}]",
                "The deployment syncs (puts and prunes) every object of the site bucket and reads "
                "every object of the CDK asset bucket; the buckets themselves are fixed.",
            )
        acknowledge(
            handler,
            "AwsSolutions-L1",
            "aws-cdk-lib pins the runtime of its BucketDeployment handler and moves it forward "
            "in its own releases; the handler runs only during deployments.",
        )
        acknowledge(
            handler,
            "AwsSolutions-IAM5[Resource::*]",
            "cloudfront:CreateInvalidation and GetInvalidation do not support resource-level "
            "permissions narrower than the distribution list CDK grants them on.",
        )
        return deployment

    def _acknowledge_distribution_findings(
        self, domain_name: str | None, geo_restriction: cloudfront.GeoRestriction | None
    ) -> None:
        if geo_restriction is None:
            acknowledge(
                self.distribution,
                "AwsSolutions-CFR1",
                "A public website is served worldwide by design; pass geo_restriction to limit "
                "the countries that can reach it.",
            )
        if domain_name is None:
            acknowledge(
                self.distribution,
                "AwsSolutions-CFR4",
                "Without a custom domain CloudFront serves its default *.cloudfront.net "
                "certificate, whose TLS policy CloudFront fixes; with domain_name the "
                "distribution requires TLSv1.2_2021.",
            )


def _check_site_sources(site_sources: str | None) -> None:
    if site_sources is None:
        return
    require(os.path.isdir(site_sources), f"site_sources ({site_sources!r}) must be an existing folder")
    has_file = any(files for _, _, files in os.walk(site_sources))
    require(has_file, f"site_sources ({site_sources!r}) is empty: it must hold at least one file to deploy")


def _check_object_key(prop: str, key: str) -> None:
    require(
        bool(key) and not key.startswith("/") and len(key) <= 255,
        f"{prop} ({key!r}) must be an object key such as 'index.html': non-empty, "
        "at most 255 characters, without a leading '/'",
    )


def _require_cloudfront_region(stack: Stack, prop: str, alternative: str) -> None:
    region = stack.region
    shown = "not set (environment-agnostic)" if Token.is_unresolved(region) else region
    if Token.is_unresolved(region) or region != CLOUDFRONT_REGION:
        raise PatternConfigError(
            f"{prop} makes StaticSite create a CloudFront resource that must live in "
            f"{CLOUDFRONT_REGION}, but the stack's region is {shown}: deploy the stack to "
            f"{CLOUDFRONT_REGION}, or {alternative}"
        )


def _error_responses(single_page_app: bool, error_page: str | None) -> list[cloudfront.ErrorResponse] | None:
    # With OAC and no s3:ListBucket grant, S3 answers a missing key with 403, not 404.
    if single_page_app:
        return [
            cloudfront.ErrorResponse(
                http_status=status,
                response_http_status=200,
                response_page_path="/index.html",
                ttl=Duration.seconds(10),
            )
            for status in (403, 404)
        ]
    if error_page is not None:
        return [
            cloudfront.ErrorResponse(
                http_status=status,
                response_http_status=404,
                response_page_path=f"/{error_page}",
                ttl=Duration.seconds(60),
            )
            for status in (403, 404)
        ]
    return None
