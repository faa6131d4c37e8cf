"""Bad input fails when the construct is built, with a message naming property and value.

FrontDoorOptions' own rules (either/or WAF, zone and certificate only with a domain, the
domain's shape) are in tests/cdk_refarch/core/test_front_door.py; here are the rules
StaticSite checks against its stack and its other properties.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import App, Environment, Stack
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_kms as kms
from aws_cdk import aws_route53 as route53
from aws_cdk import aws_s3 as s3

from cdk_refarch import AccessLogBucket, FrontDoorOptions, PatternConfigError, StaticSite, WebAclOptions
from cdk_refarch.static_site.checks import MAX_CSP_LENGTH
from tests.cdk_refarch.static_site.variants import EU_WEST_1, IMPORTED_WEB_ACL, US_EAST_1
from tests.synthesis import CDK_CONTEXT

RETENTION_PERIODS = (
    "1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653"
)
OBJECT_KEY_RULE = (
    "must be a plain object key such as 'index.html' or 'errors/404.html': at most 255 characters of "
    "letters, digits and . _ ~ -, in segments separated by '/', without a leading '/', an empty segment, "
    "'.' or '..'"
)


def _stack(env: Environment | None = US_EAST_1) -> Stack:
    # The app's feature flags: with them CDK grants S3 server access logs by bucket policy,
    # as the bucket-owner-enforced log bucket requires.
    return Stack(App(context=CDK_CONTEXT), "Test", env=env)


def _zone(stack: Stack, name: str = "example.com") -> route53.IHostedZone:
    return route53.HostedZone.from_hosted_zone_attributes(stack, "Zone", hosted_zone_id="Z123", zone_name=name)


def _site(stack: Stack | None = None, **props: Any) -> StaticSite:
    return StaticSite(stack or _stack(), "Site", **props)


def _raises(message: str) -> Any:
    return pytest.raises(PatternConfigError, match=re.escape(message))


def _fails(message: str, **props: Any) -> None:
    with _raises(message):
        _site(**props)


# --- the front door against the stack --------------------------------------------------


def test_domain_outside_the_hosted_zone() -> None:
    stack = _stack()
    with _raises("domain_name ('www.example.org') is not inside hosted_zone ('example.com')"):
        _site(stack, front_door=FrontDoorOptions(domain_name="www.example.org", hosted_zone=_zone(stack)))


def test_certificate_outside_us_east_1() -> None:
    stack = _stack()
    arn = "arn:aws:acm:eu-west-1:111111111111:certificate/abc"
    certificate = acm.Certificate.from_certificate_arn(stack, "Cert", arn)
    with _raises(f"certificate ({arn}) is in eu-west-1: CloudFront only accepts certificates from us-east-1"):
        _site(
            stack,
            front_door=FrontDoorOptions(
                domain_name="www.example.com", hosted_zone=_zone(stack), certificate=certificate
            ),
        )


@pytest.mark.parametrize(("env", "shown"), [(EU_WEST_1, "eu-west-1"), (None, "not set (environment-agnostic)")])
def test_certificate_cannot_be_created_outside_us_east_1(env: Environment | None, shown: str) -> None:
    stack = _stack(env)
    with _raises(
        "domain_name makes the construct create a CloudFront resource that must live in us-east-1, "
        f"but the stack's region is {shown}: deploy the stack to us-east-1, "
        "or pass certificate= with a certificate created in us-east-1"
    ):
        _site(
            stack,
            access_logs=False,
            front_door=FrontDoorOptions(domain_name="www.example.com", hosted_zone=_zone(stack)),
        )


def test_web_acl_cannot_be_created_outside_us_east_1() -> None:
    with _raises(
        "web_acl makes the construct create a CloudFront resource that must live in us-east-1, "
        "but the stack's region is eu-west-1: deploy the stack to us-east-1, "
        "or pass web_acl_arn of a web ACL created in us-east-1"
    ):
        _site(_stack(EU_WEST_1), access_logs=False, front_door=FrontDoorOptions(web_acl=WebAclOptions()))


def test_an_imported_cloudfront_web_acl_works_from_any_region() -> None:
    site = _site(_stack(EU_WEST_1), access_logs=False, front_door=FrontDoorOptions(web_acl_arn=IMPORTED_WEB_ACL))
    assert site.web_acl is None


@pytest.mark.parametrize(
    "arn",
    [
        "arn:aws:wafv2:eu-west-1:111111111111:regional/webacl/x/1234",
        "arn:aws:wafv2:us-east-1:111111111111:regional/webacl/x/1234",
        "not-an-arn",
    ],
)
def test_web_acl_arn_must_be_cloudfront_scoped(arn: str) -> None:
    _fails(
        f"web_acl_arn ({arn!r}) must be the ARN of a WAFv2 web ACL with CLOUDFRONT scope "
        "(arn:aws:wafv2:us-east-1:ACCOUNT:global/webacl/NAME/ID)",
        front_door=FrontDoorOptions(web_acl_arn=arn),
    )


def test_cloudfront_web_acl_arn_outside_us_east_1() -> None:
    arn = "arn:aws:wafv2:eu-west-1:111111111111:global/webacl/x/1234"
    _fails(
        f"web_acl_arn ({arn!r}) is in eu-west-1: a CLOUDFRONT web ACL for this stack must be in us-east-1",
        front_door=FrontDoorOptions(web_acl_arn=arn),
    )


# --- access logs (CloudFront standard logging v2) ---------------------------------------


@pytest.mark.parametrize(("env", "shown"), [(EU_WEST_1, "eu-west-1"), (None, "not set (environment-agnostic)")])
def test_access_logs_need_a_us_east_1_stack(env: Environment | None, shown: str) -> None:
    _fails(
        "access_logs (True) makes the construct create the delivery source of CloudFront's standard logs (v2), "
        f"which must live in us-east-1, but the stack's region is {shown}: deploy the stack to us-east-1, "
        "or pass access_logs=False",
        stack=_stack(env),
    )


def test_access_logs_off_works_outside_us_east_1() -> None:
    assert _site(_stack(EU_WEST_1), access_logs=False).log_bucket is None


@pytest.mark.parametrize(("prop", "value"), [("access_logs", "yes"), ("access_logs", 1), ("single_page_app", 0)])
def test_flags_must_be_bool(prop: str, value: Any) -> None:
    _fails(f"{prop} ({value!r}) must be True or False", **{prop: value})


def test_existing_log_bucket_with_logs_off() -> None:
    stack = _stack()
    logs = AccessLogBucket(stack, "Logs")
    with _raises("existing_log_bucket cannot be combined with access_logs=False"):
        _site(stack, access_logs=False, existing_log_bucket=logs.bucket)


# --- site files and object keys ---------------------------------------------------------


def test_empty_site_folder(tmp_path: Path) -> None:
    (tmp_path / "nested").mkdir()
    _fails(
        f"site_sources ({str(tmp_path)!r}) is empty: it must hold at least one file to deploy",
        site_sources=str(tmp_path),
    )


def test_missing_site_folder(tmp_path: Path) -> None:
    missing = str(tmp_path / "nope")
    _fails(f"site_sources ({missing!r}) must be an existing folder", site_sources=missing)


@pytest.mark.parametrize("prop", ["default_root_object", "error_page"])
@pytest.mark.parametrize(
    "key", ["../x", "a//b", "a b.html", "/index.html", "", ".", "x/../index.html", "errors/", "index.html\n"]
)
def test_object_keys_must_be_plain(prop: str, key: str) -> None:
    _fails(f"{prop} ({key!r}) {OBJECT_KEY_RULE}", **{prop: key})


def test_object_key_of_256_characters() -> None:
    key = "a" * 251 + ".html"
    _fails(f"default_root_object ({key!r}) {OBJECT_KEY_RULE}", default_root_object=key)


@pytest.mark.parametrize("prop", ["default_root_object", "error_page"])
def test_object_key_missing_from_site_sources(tmp_path: Path, prop: str) -> None:
    (tmp_path / "index.html").write_text("<h1>home</h1>")
    (tmp_path / "errors").mkdir()
    _fails(
        f"{prop} ('errors/404.html') is not in site_sources ({str(tmp_path)!r}): CloudFront would answer "
        "with an error page of S3's instead",
        site_sources=str(tmp_path),
        **{prop: "errors/404.html"},
    )


def test_object_keys_in_nested_folders_are_found(tmp_path: Path) -> None:
    (tmp_path / "errors").mkdir()
    (tmp_path / "errors" / "404.html").write_text("not found")
    (tmp_path / "home.html").write_text("home")
    site = _site(site_sources=str(tmp_path), default_root_object="home.html", error_page="errors/404.html")
    assert site.deployment is not None


def test_single_page_app_with_error_page() -> None:
    _fails(
        "error_page ('404.html') cannot be combined with single_page_app=True: "
        "a single-page app answers every missing path with /index.html",
        single_page_app=True,
        error_page="404.html",
    )


# --- buckets, retention, content security policy ----------------------------------------


def test_encryption_key_with_existing_bucket() -> None:
    stack = _stack()
    bucket = s3.Bucket.from_bucket_name(stack, "Existing", "my-bucket")
    key = kms.Key(stack, "Key")
    with _raises(
        "encryption_key cannot be combined with existing_bucket: "
        "the existing bucket keeps the encryption it was created with"
    ):
        _site(stack, existing_bucket=bucket, encryption_key=key)


@pytest.mark.parametrize("days", [8, 0, True, 7.0, float("nan"), float("inf")])
def test_log_retention_days_must_be_a_cloudwatch_period(days: Any) -> None:
    _fails(
        f"log_retention_days ({days!r}) must be one of the CloudWatch Logs retention periods: {RETENTION_PERIODS}",
        log_retention_days=days,
    )


@pytest.mark.parametrize("policy", ["", " "])
def test_empty_content_security_policy(policy: str) -> None:
    _fails(
        f"content_security_policy ({policy!r}) must be a policy, or None to send no CSP header",
        content_security_policy=policy,
    )


@pytest.mark.parametrize("newline", ["\n", "\r", "\r\n"])
def test_content_security_policy_on_two_lines(newline: str) -> None:
    policy = f"default-src 'self';{newline}script-src 'self'"
    _fails(
        f"content_security_policy ({policy[:40]!r}...) must be one line: an HTTP header value cannot hold a line break",
        content_security_policy=policy,
    )


def test_content_security_policy_longer_than_cloudfront_allows() -> None:
    policy = "default-src 'self'; img-src " + "x" * (MAX_CSP_LENGTH - 28 + 1)
    assert len(policy) == MAX_CSP_LENGTH + 1 == 1784
    _fails(
        "content_security_policy (1784 characters) must be at most 1783 characters, CloudFront's limit for the header",
        content_security_policy=policy,
    )


def test_content_security_policy_of_exactly_1783_characters() -> None:
    policy = "default-src 'self'; img-src " + "x" * (MAX_CSP_LENGTH - 28)
    assert len(policy) == 1783
    _site(content_security_policy=policy)
