"""StaticSite's input checks, all in one function called before anything is built."""

from __future__ import annotations

import os
import re

from aws_cdk import Stack
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from cdk_refarch.core.errors import require
from cdk_refarch.core.front_door import FrontDoorOptions, check_front_door, require_cloudfront_region
from cdk_refarch.core.retention import log_retention
from cdk_refarch.core.validation import check_bool

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
    log_retention_days: int,
) -> None:
    """Every rule on StaticSite's input that concerns more than one field or the stack."""
    log_retention("log_retention_days", log_retention_days)
    check_bool("access_logs", access_logs)
    check_bool("single_page_app", single_page_app)
    _check_site_sources(site_sources)
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
    _check_content_security_policy(content_security_policy)
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
