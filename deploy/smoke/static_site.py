"""Smoke checks of the ``static-site`` pattern (see ``deploy/smoke/__init__.py``).

On both targets: the content bucket's encryption, versioning, public access block and
TLS-only policy; the site's files, byte for byte, as the bucket deployment uploaded
them (``site/`` without ``site/app/`` for the static website; ``site/app/`` and its
``config.json`` for the serverless web app); the access-log bucket, which receives S3
access logs and CloudFront's standard logs (v2: delivery source, destination and
delivery); the distribution (origin through its OAC, root object, HTTPS redirect, 404
page where the site has one, the API behaviour where it has one) and its invalidation.
In a real account also the response headers policy, and live traffic: the page, its
security headers, a missing page, and the API refusing a request without a token.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from typing import Any

from deploy.isolation import ROOT
from deploy.smoke import SmokeContext, SmokeSkip

SITE = ROOT / "site"
#: The web app's folder of site/: the serverless web app's site, left out of the static website.
WEB_APP = SITE / "app"
#: What each kind of file's Content-Type must contain (JavaScript's differs between tools).
CONTENT_TYPES = {".html": "text/html", ".css": "text/css", ".js": "javascript"}
WEB_APP_CONFIG = "config.json"
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
ALL_VIEWER_EXCEPT_HOST_HEADER = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
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


def _distribution_config_of_template(ctx: SmokeContext) -> dict[str, Any]:
    (logical_id,) = ctx.tagged("AWS::CloudFront::Distribution")
    return dict(ctx.template["Resources"][logical_id]["Properties"]["DistributionConfig"])


def _is_web_app(ctx: SmokeContext) -> bool:
    """The serverless web app's site: the one that routes an API behind its distribution."""
    return bool(_distribution_config_of_template(ctx).get("CacheBehaviors"))


def _site_files(ctx: SmokeContext) -> dict[str, Any]:
    """Object key -> local file the deployment uploaded."""
    folder = WEB_APP if _is_web_app(ctx) else SITE
    files = {str(path.relative_to(folder)): path for path in folder.rglob("*") if path.is_file()}
    return {key: path for key, path in files.items() if folder != SITE or not key.startswith(f"{WEB_APP.name}/")}


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
    files = _site_files(ctx)
    for name, path in files.items():
        response = s3.get_object(Bucket=_bucket(ctx), Key=name)
        assert response["Body"].read() == path.read_bytes(), f"{name} differs from {path.relative_to(ROOT)}"
        wanted = CONTENT_TYPES.get(path.suffix, "")
        assert wanted in response["ContentType"], f"{name} is served as {response['ContentType']}"
    listed = s3.list_objects_v2(Bucket=_bucket(ctx)).get("Contents", [])
    extra = sorted({item["Key"] for item in listed} - set(files) - {WEB_APP_CONFIG})
    assert extra == [], f"the bucket holds files the site does not have: {extra}"


def check_web_app_config_names_the_login_and_the_api(ctx: SmokeContext) -> None:
    if not _is_web_app(ctx):
        raise SmokeSkip("the static website has no config.json: it signs nobody in")
    body = ctx.client("s3").get_object(Bucket=_bucket(ctx), Key=WEB_APP_CONFIG)["Body"].read()
    config = json.loads(body)
    assert sorted(config) == ["apiBase", "authority", "clientId", "redirectPath", "scopes"], config
    assert (config["apiBase"], config["redirectPath"], config["scopes"]) == ("/api", "/", ["openid", "email"]), config
    assert config["authority"].startswith("https://"), config["authority"]
    assert config["authority"].endswith(f".auth.{ctx.region}.amazoncognito.com"), config["authority"]
    (client,) = ctx.logical_ids("AWS::Cognito::UserPoolClient")
    assert config["clientId"] == ctx.resources.get(client, f"skipped-{client}"), config["clientId"]


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
    bucket_domain = f"{_bucket(ctx)}.s3.{ctx.region}.amazonaws.com"
    origins = [origin for origin in config["Origins"]["Items"] if origin["DomainName"] == bucket_domain]
    assert len(origins) == 1, f"expected one origin for {bucket_domain}, got {config['Origins']['Items']}"
    origin = origins[0]
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
    # Error pages would replace the API's own answers too: the web app has none.
    wanted = {} if _is_web_app(ctx) else {403: "/404.html", 404: "/404.html"}
    assert errors == wanted, f"custom error responses: {errors}"
    assert not config.get("Logging", {}).get("Enabled"), "legacy logging is on; the site uses standard logging v2"


def check_api_behaviour_reaches_the_api_uncached(ctx: SmokeContext) -> None:
    if not _is_web_app(ctx):
        raise SmokeSkip("the static website routes no API")
    config = _distribution(ctx)["DistributionConfig"]
    behaviors = config.get("CacheBehaviors", {}).get("Items") or []
    assert [b["PathPattern"] for b in behaviors] == ["/api/*"], behaviors
    (behavior,) = behaviors
    assert behavior["ViewerProtocolPolicy"] == "https-only", behavior
    assert behavior.get("CachePolicyId") == CACHING_DISABLED, behavior
    assert behavior.get("OriginRequestPolicyId") == ALL_VIEWER_EXCEPT_HOST_HEADER, behavior
    assert sorted(behavior["AllowedMethods"]["Items"]) == ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"]
    (origin,) = [o for o in config["Origins"]["Items"] if o["Id"] == behavior["TargetOriginId"]]
    assert ".execute-api." in origin["DomainName"], origin["DomainName"]
    assert origin["CustomOriginConfig"]["OriginProtocolPolicy"] == "https-only", origin


def check_api_prefix_function_runs_on_viewer_requests(ctx: SmokeContext) -> None:
    if not _is_web_app(ctx):
        raise SmokeSkip("the static website routes no API")
    (function_id,) = ctx.logical_ids("AWS::CloudFront::Function")
    ctx.physical_id(function_id)  # skips where the emulator could not create the function
    (behavior,) = _distribution(ctx)["DistributionConfig"]["CacheBehaviors"]["Items"]
    associations = behavior.get("FunctionAssociations", {}).get("Items") or []
    assert [a["EventType"] for a in associations] == ["viewer-request"], associations


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
    index = _site_files(ctx)["index.html"].read_text()
    assert body == index, f"the home page is not the deployed index.html: {body[:200]!r}"
    for name, value in SECURITY_HEADERS.items():
        assert headers.get(name) == value, f"{name}: {headers.get(name)!r}, expected {value!r}"
    assert headers.get("content-security-policy", "").startswith("default-src 'self'"), headers


def check_missing_page_answers_404(ctx: SmokeContext) -> None:
    ctx.require_aws("GET of a missing page over CloudFront")
    if _is_web_app(ctx):
        # No error page (it would replace the API's answers): S3's own 403 for a missing key.
        _get(_site_url(ctx) + "/missing-page", expected=403)
        return
    status, _, body = _get(_site_url(ctx) + "/missing-page", expected=404)
    assert "Page not found" in body, f"the 404 answer is not site/404.html: {body[:200]!r}"


def check_api_refuses_a_request_without_a_token(ctx: SmokeContext) -> None:
    ctx.require_aws("a request to /api over CloudFront")
    if not _is_web_app(ctx):
        raise SmokeSkip("the static website routes no API")
    # Through the distribution, its prefix function and API Gateway's Cognito authorizer.
    _get(_site_url(ctx) + "/api/items", expected=401)


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
