"""Smoke checks of the ``static-site`` pattern (see ``deploy/smoke/__init__.py``).

On both targets: the content bucket's encryption, versioning, public access block and
TLS-only policy; the site's files, byte for byte, as the bucket deployment uploaded
them; the access-log bucket, which receives S3 access logs and CloudFront's standard
logs (v2: delivery source, destination and delivery); the distribution (origin through its OAC, root object,
HTTPS redirect, 404 page) and its invalidation. In a real account also the
response headers policy, and live traffic: the page, its security headers, the 404.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from typing import Any

from deploy.isolation import ROOT
from deploy.smoke import SmokeContext

SITE = ROOT / "site"
SITE_FILES = {"index.html": "text/html", "404.html": "text/html", "styles.css": "text/css"}
SECURITY_HEADERS = {
    "strict-transport-security": "max-age=63072000; includeSubDomains",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
}
# A new distribution can answer with errors for a few minutes after CloudFormation is done.
LIVE_RETRY_SECONDS = 180


def _distribution_id(ctx: SmokeContext) -> str:
    return ctx.only("AWS::CloudFront::Distribution")


def _bucket(ctx: SmokeContext) -> str:
    """The content bucket: the one the distribution's origin names in the template."""
    (logical_id,) = ctx.tagged("AWS::CloudFront::Distribution")
    config = ctx.template["Resources"][logical_id]["Properties"]["DistributionConfig"]
    bucket_id, _ = config["Origins"][0]["DomainName"]["Fn::GetAtt"]
    return ctx.physical_id(bucket_id)


def _distribution(ctx: SmokeContext) -> dict[str, Any]:
    response = ctx.client("cloudfront").get_distribution(Id=_distribution_id(ctx))
    return dict(response["Distribution"])


def _site_url(ctx: SmokeContext) -> str:
    distribution = _distribution(ctx)
    aliases = distribution["DistributionConfig"].get("Aliases", {}).get("Items") or []
    return f"https://{aliases[0] if aliases else distribution['DomainName']}"


def check_content_bucket_is_encrypted(ctx: SmokeContext) -> None:
    rules = ctx.client("s3").get_bucket_encryption(Bucket=_bucket(ctx))["ServerSideEncryptionConfiguration"]["Rules"]
    algorithms = [rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] for rule in rules]
    assert algorithms == ["AES256"], f"expected SSE-S3 (AES256), got {algorithms}"


def check_content_bucket_is_versioned(ctx: SmokeContext) -> None:
    status = ctx.client("s3").get_bucket_versioning(Bucket=_bucket(ctx)).get("Status")
    assert status == "Enabled", f"versioning is {status!r}"


def check_content_bucket_blocks_public_access(ctx: SmokeContext) -> None:
    config = ctx.client("s3").get_public_access_block(Bucket=_bucket(ctx))["PublicAccessBlockConfiguration"]
    assert all(config.values()) and len(config) == 4, f"public access block is {config}"


def check_content_bucket_policy_denies_plain_http(ctx: SmokeContext) -> None:
    policy = json.loads(ctx.client("s3").get_bucket_policy(Bucket=_bucket(ctx))["Policy"])
    denies_http = [
        statement
        for statement in policy["Statement"]
        if statement["Effect"] == "Deny"
        and statement.get("Condition", {}).get("Bool", {}).get("aws:SecureTransport") in ("false", False)
    ]
    assert denies_http, f"no statement denies requests without TLS: {policy}"


def check_site_files_are_deployed(ctx: SmokeContext) -> None:
    s3 = ctx.client("s3")
    for name, content_type in SITE_FILES.items():
        response = s3.get_object(Bucket=_bucket(ctx), Key=name)
        assert response["Body"].read() == (SITE / name).read_bytes(), f"{name} differs from site/{name}"
        assert response["ContentType"].startswith(content_type), f"{name} is served as {response['ContentType']}"


def check_access_logs_go_to_the_log_bucket(ctx: SmokeContext) -> None:
    s3 = ctx.client("s3")
    logging = s3.get_bucket_logging(Bucket=_bucket(ctx)).get("LoggingEnabled")
    assert logging, "the content bucket writes no server access logs"
    log_bucket = logging["TargetBucket"]
    assert log_bucket in ctx.resources.values(), f"access logs go to {log_bucket}, not to the stack's log bucket"
    s3.head_bucket(Bucket=log_bucket)


def check_distribution_logs_to_the_log_bucket_through_standard_logging_v2(ctx: SmokeContext) -> None:
    # CloudFront's delivery sources live in us-east-1, whatever region reads them.
    logs = ctx.client("logs", region="us-east-1")
    delivery = logs.get_delivery(id=ctx.only("AWS::Logs::Delivery"))["delivery"]
    source = logs.get_delivery_source(name=delivery["deliverySourceName"])["deliverySource"]
    assert source["logType"] == "ACCESS_LOGS", source
    assert any(arn.endswith(f":distribution/{_distribution_id(ctx)}") for arn in source["resourceArns"]), source
    destination_name = delivery["deliveryDestinationArn"].rsplit(":", 1)[-1]
    destination = logs.get_delivery_destination(name=destination_name)["deliveryDestination"]
    bucket_arn = destination["deliveryDestinationConfiguration"]["destinationResourceArn"]
    log_bucket = ctx.client("s3").get_bucket_logging(Bucket=_bucket(ctx))["LoggingEnabled"]["TargetBucket"]
    assert bucket_arn.endswith(f":::{log_bucket}"), f"CloudFront logs go to {bucket_arn}, not to {log_bucket}"


def check_distribution_reads_the_bucket_through_its_oac(ctx: SmokeContext) -> None:
    config = _distribution(ctx)["DistributionConfig"]
    origins = config["Origins"]["Items"]
    assert len(origins) == 1, f"expected one origin, got {len(origins)}"
    origin = origins[0]
    assert origin["DomainName"] == f"{_bucket(ctx)}.s3.{ctx.region}.amazonaws.com", origin["DomainName"]
    oac_id = ctx.only("AWS::CloudFront::OriginAccessControl")
    assert origin.get("OriginAccessControlId") == oac_id, f"the origin uses OAC {origin.get('OriginAccessControlId')!r}"
    oac = ctx.client("cloudfront").get_origin_access_control(Id=oac_id)["OriginAccessControl"]
    signing = oac["OriginAccessControlConfig"]
    assert (signing["SigningBehavior"], signing["SigningProtocol"], signing["OriginAccessControlOriginType"]) == (
        "always",
        "sigv4",
        "s3",
    ), signing


def check_distribution_defaults(ctx: SmokeContext) -> None:
    distribution = _distribution(ctx)
    config = distribution["DistributionConfig"]
    assert config["Enabled"] is True
    assert config["DefaultRootObject"] == "index.html", config["DefaultRootObject"]
    assert config["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "redirect-to-https"
    assert config["HttpVersion"] == "http2and3", config["HttpVersion"]
    assert config["IsIPV6Enabled"] is True
    errors = {
        item["ErrorCode"]: item.get("ResponsePagePath") for item in config["CustomErrorResponses"].get("Items", [])
    }
    assert errors.get(404) == "/404.html", f"custom error responses: {errors}"
    assert not config.get("Logging", {}).get("Enabled"), "legacy logging is on; the site uses standard logging v2"


def check_deployment_invalidated_the_distribution(ctx: SmokeContext) -> None:
    cloudfront = ctx.client("cloudfront")
    distribution_id = _distribution_id(ctx)
    summaries = cloudfront.list_invalidations(DistributionId=distribution_id)["InvalidationList"].get("Items", [])
    assert summaries, "the bucket deployment created no invalidation"
    latest = cloudfront.get_invalidation(DistributionId=distribution_id, Id=summaries[0]["Id"])["Invalidation"]
    assert "/*" in latest["InvalidationBatch"]["Paths"]["Items"], latest["InvalidationBatch"]


def check_response_headers_policy(ctx: SmokeContext) -> None:
    policy_id = ctx.only("AWS::CloudFront::ResponseHeadersPolicy")
    distribution = _distribution(ctx)["DistributionConfig"]
    assert distribution["DefaultCacheBehavior"].get("ResponseHeadersPolicyId") == policy_id
    policy = ctx.client("cloudfront").get_response_headers_policy(Id=policy_id)["ResponseHeadersPolicy"]
    headers = policy["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]
    assert headers["StrictTransportSecurity"]["AccessControlMaxAgeSec"] == 63072000, headers
    assert headers["FrameOptions"]["FrameOption"] == "DENY", headers
    assert headers["ContentTypeOptions"]["Override"] is True, headers
    assert headers["ContentSecurityPolicy"]["ContentSecurityPolicy"].startswith("default-src 'self'"), headers


def check_site_answers_with_security_headers(ctx: SmokeContext) -> None:
    ctx.require_aws("GET of the site over CloudFront")
    status, headers, body = _get(_site_url(ctx), expected=200)
    assert "It works." in body, f"the home page does not say 'It works.': {body[:200]!r}"
    for name, value in SECURITY_HEADERS.items():
        assert headers.get(name) == value, f"{name}: {headers.get(name)!r}, expected {value!r}"
    assert headers.get("content-security-policy", "").startswith("default-src 'self'"), headers


def check_missing_page_answers_404(ctx: SmokeContext) -> None:
    ctx.require_aws("GET of a missing page over CloudFront")
    status, _, body = _get(_site_url(ctx) + "/missing-page", expected=404)
    assert "Page not found" in body, f"the 404 answer is not site/404.html: {body[:200]!r}"


def _get(url: str, expected: int) -> tuple[int, dict[str, str], str]:
    """GET ``url`` until it answers ``expected`` (a new distribution takes a while)."""
    deadline = time.monotonic() + LIVE_RETRY_SECONDS
    while True:
        try:
            with urllib.request.urlopen(url, timeout=15) as response:
                status, headers, body = response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            status, headers, body = error.code, error.headers, error.read()
        except urllib.error.URLError as error:
            status, headers, body = 0, {}, str(error.reason).encode()
        if status == expected or time.monotonic() > deadline:
            assert status == expected, f"GET {url} answered {status}, expected {expected}"
            return status, {key.lower(): value for key, value in headers.items()}, body.decode(errors="replace")
        time.sleep(10)
