"""StaticSite's input checks, all in one function called before anything is built."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from typing import Any

from aws_cdk import Stack, Token
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from cdk_refarch.core.errors import require
from cdk_refarch.core.front_door import FrontDoorOptions, check_front_door, require_cloudfront_region
from cdk_refarch.core.retention import log_retention
from cdk_refarch.core.validation import check_bool, without_tokens
from cdk_refarch.static_site.api_route import ApiRoute

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

#: CloudFront's limit for the Content-Security-Policy value of a response headers policy.
MAX_CSP_LENGTH = 1783

# Plain object keys: path segments of URL-safe characters, no empty, "." or ".." segment.
_OBJECT_KEY = re.compile(r"^(?!.*(?:^|/)\.{1,2}(?:/|$))[A-Za-z0-9._~-]+(?:/[A-Za-z0-9._~-]+)*$")
# An https origin: lower-case host labels, optional port, nothing after it.
_HTTPS_ORIGIN = re.compile(r"^https://(?:(?!-)[a-z0-9-]{1,63}(?<!-)\.)*(?!-)[a-z0-9-]{1,63}(?<!-)(?::\d{1,5})?$")


def with_connect_sources(policy: str | None, connect_sources: tuple[str, ...]) -> str | None:
    """``policy`` with ``connect-src 'self'`` and ``connect_sources`` added, if any."""
    if policy is None or not connect_sources:
        return policy
    return f"{policy}; connect-src 'self' {' '.join(connect_sources)}"


def check_static_site(
    scope: Construct,
    *,
    site_sources: str | None,
    existing_bucket: s3.IBucket | None,
    encryption_key: kms.IKey | None,
    access_logs: bool,
    existing_log_bucket: s3.IBucket | None,
    default_root_object: str,
    single_page_app: bool,
    error_page: str | None,
    front_door: FrontDoorOptions,
    content_security_policy: str | None,
    connect_sources: tuple[str, ...],
    site_exclude: tuple[str, ...],
    extra_files: Mapping[str, Mapping[str, Any]],
    api: ApiRoute | None,
    log_retention_days: int,
) -> None:
    """Every rule on StaticSite's input that concerns more than one field or the stack."""
    log_retention("log_retention_days", log_retention_days)
    check_bool("access_logs", access_logs)
    check_bool("single_page_app", single_page_app)
    _check_site_sources(site_sources)
    _check_deployment(site_sources, site_exclude, extra_files)
    _check_object_key("default_root_object", default_root_object, site_sources)
    require(
        not (single_page_app and error_page),
        f"error_page ({error_page!r}) cannot be combined with single_page_app=True: "
        "a single-page app answers every missing path with /index.html",
    )
    if error_page is not None:
        _check_object_key("error_page", error_page, site_sources)
    require(
        existing_bucket is None or encryption_key is None,
        "encryption_key cannot be combined with existing_bucket: "
        "the existing bucket keeps the encryption it was created with",
    )
    require(
        access_logs or existing_log_bucket is None,
        "existing_log_bucket cannot be combined with access_logs=False",
    )
    _check_connect_sources(content_security_policy, connect_sources)
    _check_content_security_policy(with_connect_sources(content_security_policy, connect_sources))
    if api is not None:
        _check_api(scope, api, single_page_app=single_page_app, error_page=error_page)
    check_front_door(scope, front_door, endpoint="CloudFront", waf_scope="CLOUDFRONT")
    if access_logs:
        require_cloudfront_region(
            Stack.of(scope),
            "access_logs (True)",
            "pass access_logs=False",
            what="the delivery source of CloudFront's standard logs (v2), which",
        )


def _check_site_sources(site_sources: str | None) -> None:
    if site_sources is None:
        return
    require(os.path.isdir(site_sources), f"site_sources ({site_sources!r}) must be an existing folder")
    has_file = any(files for _, _, files in os.walk(site_sources))
    require(has_file, f"site_sources ({site_sources!r}) is empty: it must hold at least one file to deploy")


def _check_object_key(prop: str, key: str, site_sources: str | None) -> None:
    require(
        isinstance(key, str) and len(key) <= 255 and bool(_OBJECT_KEY.fullmatch(key)),
        f"{prop} ({key!r}) must be a plain object key such as 'index.html' or 'errors/404.html': "
        "at most 255 characters of letters, digits and . _ ~ -, in segments separated by '/', "
        "without a leading '/', an empty segment, '.' or '..'",
    )
    if site_sources is not None:
        require(
            os.path.isfile(os.path.join(site_sources, *key.split("/"))),
            f"{prop} ({key!r}) is not in site_sources ({site_sources!r}): CloudFront would answer "
            "with an error page of S3's instead",
        )


def _check_content_security_policy(policy: str | None) -> None:
    if policy is None:
        return
    require(
        isinstance(policy, str) and policy.strip() != "",
        f"content_security_policy ({policy!r}) must be a policy, or None to send no CSP header",
    )
    require(
        "\n" not in policy and "\r" not in policy,
        f"content_security_policy ({policy[:40]!r}...) must be one line: an HTTP header value cannot hold a line break",
    )
    require(
        len(policy) <= MAX_CSP_LENGTH,
        f"content_security_policy ({len(policy)} characters) must be at most {MAX_CSP_LENGTH} "
        "characters, CloudFront's limit for the header",
    )


def _check_deployment(
    site_sources: str | None, site_exclude: tuple[str, ...], extra_files: Mapping[str, Mapping[str, Any]]
) -> None:
    for name, value in (("site_exclude", site_exclude), ("extra_files", extra_files)):
        require(
            not value or site_sources is not None,
            f"{name} is only used with site_sources: it shapes what the deployment uploads",
        )
    for pattern in site_exclude:
        require(
            isinstance(pattern, str) and pattern.strip() != "" and "\n" not in pattern,
            f"site_exclude entry ({pattern!r}) must be a glob pattern such as 'drafts' or '*.map'",
        )
    for key, data in extra_files.items():
        _check_object_key("extra_files key", key, None)
        require(
            site_sources is None or not os.path.exists(os.path.join(site_sources, *key.split("/"))),
            f"extra_files key {key!r} is also a file in site_sources ({site_sources!r}): "
            "one of them would silently replace the other",
        )
        require(isinstance(data, Mapping), f"extra_files[{key!r}] ({data!r}) must be a mapping, written as JSON")
        try:
            json.dumps(data)
        except (TypeError, ValueError) as error:
            require(False, f"extra_files[{key!r}] cannot be written as JSON: {error}")


def _check_connect_sources(policy: str | None, connect_sources: tuple[str, ...]) -> None:
    if not connect_sources:
        return
    require(
        policy is not None,
        "connect_sources adds to the content security policy: it cannot be combined with content_security_policy=None",
    )
    assert policy is not None
    require(
        "connect-src" not in policy,
        "connect_sources cannot be combined with a content_security_policy that has its own connect-src: "
        "say the sources in one place",
    )
    for source in connect_sources:
        probe = without_tokens(source) if isinstance(source, str) else ""
        require(
            probe == "token" or bool(_HTTPS_ORIGIN.fullmatch(probe)),
            f"connect_sources entry ({source!r}) must be an https origin such as 'https://auth.example.com' "
            "(lower-case host, optional port, no path)",
        )


def _check_api(scope: Construct, api: ApiRoute, *, single_page_app: bool, error_page: str | None) -> None:
    # CloudFront's custom error responses cover every behaviour of the distribution.
    require(
        not single_page_app and error_page is None,
        f"api ({api.path_pattern}) cannot be combined with single_page_app or error_page: CloudFront's "
        "error responses apply to every behaviour, so the API's own 403 and 404 answers would become the page",
    )
    rest_api = api.rest_api
    try:
        rest_api.deployment_stage  # noqa: B018 - reading it is the check: CDK raises without a stage
    except Exception:  # jsii surfaces CDK's error as a plain exception
        require(False, f"api.rest_api ({rest_api.node.path}) has no deployment stage for CloudFront to reach")
    cfn = rest_api.node.default_child
    require(
        not (isinstance(cfn, apigw.CfnRestApi) and cfn.disable_execute_api_endpoint is True),
        f"api.rest_api ({rest_api.node.path}) turns its execute-api endpoint off, which is where CloudFront "
        "sends the requests; serve it without a custom domain of its own",
    )
    api_stack, site_stack = Stack.of(rest_api), Stack.of(scope)
    require(
        not (Token.is_unresolved(api_stack.region) and not Token.is_unresolved(site_stack.region)),
        f"api.rest_api is in stack {api_stack.node.path}, which has no region: CloudFront's origin names the "
        "API's regional endpoint, so give that stack an env with a region",
    )
