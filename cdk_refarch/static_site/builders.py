"""The parts StaticSite is built from, one function each."""

from __future__ import annotations

from aws_cdk import ArnFormat, Duration, Names, RemovalPolicy, Stack
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from constructs import Construct

from cdk_refarch.core.buckets import secure_bucket
from cdk_refarch.core.waf import CLOUDFRONT_REGION


def content_bucket(
    scope: Construct, *, encryption_key: kms.IKey | None, log_bucket: s3.IBucket | None, removal_policy: RemovalPolicy
) -> s3.Bucket:
    """The site's bucket (``Bucket``): old versions to Glacier after 30 days, gone after
    365 (notes 001:1617-1620), server access logs to ``log_bucket``."""
    return secure_bucket(
        scope,
        "Bucket",
        removal_policy=removal_policy,
        encryption_key=encryption_key,
        lifecycle_rules=[
            s3.LifecycleRule(
                id="noncurrent-versions",
                noncurrent_version_transitions=[
                    s3.NoncurrentVersionTransition(
                        storage_class=s3.StorageClass.GLACIER, transition_after=Duration.days(30)
                    )
                ],
                noncurrent_version_expiration=Duration.days(365),
                abort_incomplete_multipart_upload_after=Duration.days(7),
            )
        ],
        server_access_logs_bucket=log_bucket,
        server_access_logs_prefix="s3/site/" if log_bucket else None,
    )


def security_headers(scope: Construct, content_security_policy: str | None) -> cloudfront.ResponseHeadersPolicy:
    """HSTS (2 years, subdomains), nosniff, frame DENY, a referrer policy and the CSP."""
    csp = (
        cloudfront.ResponseHeadersContentSecurityPolicy(content_security_policy=content_security_policy, override=True)
        if content_security_policy is not None
        else None
    )
    return cloudfront.ResponseHeadersPolicy(
        scope,
        "SecurityHeaders",
        comment="HSTS, nosniff, frame and referrer policy, CSP for the static site",
        security_headers_behavior=cloudfront.ResponseSecurityHeadersBehavior(
            strict_transport_security=cloudfront.ResponseHeadersStrictTransportSecurity(
                access_control_max_age=Duration.days(365 * 2), include_subdomains=True, override=True
            ),
            content_type_options=cloudfront.ResponseHeadersContentTypeOptions(override=True),
            frame_options=cloudfront.ResponseHeadersFrameOptions(
                frame_option=cloudfront.HeadersFrameOption.DENY, override=True
            ),
            referrer_policy=cloudfront.ResponseHeadersReferrerPolicy(
                referrer_policy=cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN, override=True
            ),
            content_security_policy=csp,
        ),
    )


def error_responses(single_page_app: bool, error_page: str | None) -> list[cloudfront.ErrorResponse] | None:
    # With OAC and no s3:ListBucket grant, S3 answers a missing key with 403, not 404.
    if single_page_app:
        page, status, ttl = "/index.html", 200, 10
    elif error_page is not None:
        page, status, ttl = f"/{error_page}", 404, 60
    else:
        return None
    return [
        cloudfront.ErrorResponse(
            http_status=http_status,
            response_http_status=status,
            response_page_path=page,
            ttl=Duration.seconds(ttl),
        )
        for http_status in (403, 404)
    ]


def standard_logging(scope: Construct, distribution: cloudfront.Distribution, log_bucket: s3.IBucket) -> None:
    """CloudFront standard logging v2 to ``log_bucket``: a delivery source (the
    distribution's access logs), a destination (the bucket, JSON lines) and the delivery
    between them, created in us-east-1 as CloudFront requires. CloudWatch Logs' delivery
    service writes under ``AWSLogs/ACCOUNT/``; the bucket policy lets it do so only for
    delivery sources of this account."""
    stack = Stack.of(scope)
    # Names are per account and region: the stack name keeps two stages apart.
    name = f"{stack.stack_name[:27]}-{Names.unique_resource_name(scope, max_length=32, separator='-')}"
    source = logs.CfnDeliverySource(
        scope,
        "AccessLogSource",
        name=name,
        log_type="ACCESS_LOGS",
        resource_arn=distribution.distribution_arn,
    )
    destination = logs.CfnDeliveryDestination(
        scope,
        "AccessLogDestination",
        name=name,
        destination_resource_arn=log_bucket.bucket_arn,
        output_format="json",
    )
    logs.CfnDelivery(
        scope,
        "AccessLogDelivery",
        delivery_source_name=source.ref,
        delivery_destination_arn=destination.attr_arn,
    )
    conditions = {
        "StringEquals": {"aws:SourceAccount": stack.account},
        "ArnLike": {
            "aws:SourceArn": stack.format_arn(
                service="logs",
                region=CLOUDFRONT_REGION,
                resource="delivery-source",
                resource_name="*",
                arn_format=ArnFormat.COLON_RESOURCE_NAME,
            )
        },
    }
    service = iam.ServicePrincipal("delivery.logs.amazonaws.com")
    log_bucket.add_to_resource_policy(
        iam.PolicyStatement(
            sid="CloudFrontLogDeliveryWrite",
            principals=[service],
            actions=["s3:PutObject"],
            resources=[log_bucket.arn_for_objects(f"AWSLogs/{stack.account}/*")],
            conditions={
                **conditions,
                "StringEquals": {**conditions["StringEquals"], "s3:x-amz-acl": "bucket-owner-full-control"},
            },
        )
    )
    log_bucket.add_to_resource_policy(
        iam.PolicyStatement(
            sid="CloudFrontLogDeliveryAclCheck",
            principals=[service],
            actions=["s3:GetBucketAcl", "s3:ListBucket"],
            resources=[log_bucket.bucket_arn],
            conditions=conditions,
        )
    )
