"""Bad input fails when the construct is built, with a message naming property and value."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import App, Environment, Stack
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_route53 as route53
from aws_cdk import aws_s3 as s3

from cdk_refarch import AccessLogBucket, PatternConfigError, StaticSite, WebAclOptions
from tests.cdk_refarch.static_site.variants import EU_WEST_1, IMPORTED_WEB_ACL, US_EAST_1


def _stack(env: Environment | None = US_EAST_1) -> Stack:
    return Stack(App(), "Test", env=env)


def _zone(stack: Stack, name: str = "example.com") -> route53.IHostedZone:
    return route53.HostedZone.from_hosted_zone_attributes(stack, "Zone", hosted_zone_id="Z123", zone_name=name)


def _site(stack: Stack | None = None, **props: Any) -> StaticSite:
    return StaticSite(stack or _stack(), "Site", **props)


def _fails(message: str, **props: Any) -> None:
    with pytest.raises(PatternConfigError, match=re.escape(message)):
        _site(**props)


def test_domain_name_without_hosted_zone() -> None:
    _fails("domain_name ('www.example.com') needs hosted_zone", domain_name="www.example.com")


@pytest.mark.parametrize(
    "domain",
    [
        "example",
        "Www.Example.com",
        "-www.example.com",
        "www..example.com",
        "www.example.com.",
        "ex ample.com",
        "a" * 64 + ".com",
    ],
)
def test_invalid_domain_name(domain: str) -> None:
    stack = _stack()
    with pytest.raises(PatternConfigError, match=re.escape(f"domain_name ({domain!r}) must be a fully qualified")):
        _site(stack, domain_name=domain, hosted_zone=_zone(stack))


def test_domain_outside_the_hosted_zone() -> None:
    stack = _stack()
    with pytest.raises(
        PatternConfigError, match=re.escape("domain_name ('www.example.org') is not inside hosted_zone ('example.com')")
    ):
        _site(stack, domain_name="www.example.org", hosted_zone=_zone(stack))


def test_certificate_outside_us_east_1() -> None:
    stack = _stack()
    arn = "arn:aws:acm:eu-west-1:111111111111:certificate/abc"
    certificate = acm.Certificate.from_certificate_arn(stack, "Cert", arn)
    with pytest.raises(
        PatternConfigError,
        match=re.escape(f"certificate ({arn}) is in eu-west-1: CloudFront only accepts certificates from us-east-1"),
    ):
        _site(stack, domain_name="www.example.com", hosted_zone=_zone(stack), certificate=certificate)


@pytest.mark.parametrize(("env", "shown"), [(EU_WEST_1, "eu-west-1"), (None, "not set (environment-agnostic)")])
def test_certificate_cannot_be_created_outside_us_east_1(env: Environment | None, shown: str) -> None:
    stack = _stack(env)
    with pytest.raises(PatternConfigError, match=re.escape(f"the stack's region is {shown}")):
        _site(stack, domain_name="www.example.com", hosted_zone=_zone(stack))


def test_web_acl_cannot_be_created_outside_us_east_1() -> None:
    with pytest.raises(
        PatternConfigError,
        match=re.escape(
            "web_acl makes StaticSite create a CloudFront resource that must live in us-east-1, "
            "but the stack's region is eu-west-1"
        ),
    ):
        _site(_stack(EU_WEST_1), web_acl=WebAclOptions())


def test_hosted_zone_or_certificate_without_domain() -> None:
    stack = _stack()
    with pytest.raises(PatternConfigError, match="hosted_zone is only used with domain_name"):
        _site(stack, hosted_zone=_zone(stack))


def test_empty_site_folder(tmp_path: Path) -> None:
    (tmp_path / "nested").mkdir()
    _fails(f"site_sources ({str(tmp_path)!r}) is empty: it must hold at least one file", site_sources=str(tmp_path))


def test_missing_site_folder(tmp_path: Path) -> None:
    missing = str(tmp_path / "nope")
    _fails(f"site_sources ({missing!r}) must be an existing folder", site_sources=missing)


def test_web_acl_and_web_acl_arn_together() -> None:
    _fails("pass either web_acl", web_acl=WebAclOptions(), web_acl_arn=IMPORTED_WEB_ACL)


@pytest.mark.parametrize(
    "arn",
    [
        "arn:aws:wafv2:eu-west-1:111111111111:regional/webacl/x/1234",
        "arn:aws:wafv2:us-east-1:111111111111:regional/webacl/x/1234",
        "not-an-arn",
    ],
)
def test_web_acl_arn_must_be_cloudfront_scoped(arn: str) -> None:
    _fails(f"web_acl_arn ({arn!r}) must be the ARN of a WAFv2 web ACL with CLOUDFRONT scope", web_acl_arn=arn)


@pytest.mark.parametrize("limit", [9, 2_000_000_001, 100.5])
def test_rate_limit_out_of_range(limit: Any) -> None:
    with pytest.raises(
        PatternConfigError, match=re.escape(f"rate_limit ({limit!r}) must be an integer from 10 to 2000000000")
    ):
        WebAclOptions(rate_limit=limit)


def test_log_retention_days_must_be_a_cloudwatch_period() -> None:
    _fails(
        "log_retention_days (8) must be one of the CloudWatch Logs retention periods: 1, 3, 5, 7, 14",
        log_retention_days=8,
    )


def test_single_page_app_with_error_page() -> None:
    _fails(
        "error_page ('404.html') cannot be combined with single_page_app=True",
        single_page_app=True,
        error_page="404.html",
    )


@pytest.mark.parametrize(
    ("prop", "value"),
    [("default_root_object", "/index.html"), ("default_root_object", ""), ("error_page", "/404.html")],
)
def test_object_keys(prop: str, value: str) -> None:
    _fails(f"{prop} ({value!r}) must be an object key", **{prop: value})


def test_encryption_key_with_existing_bucket() -> None:
    from aws_cdk import aws_kms as kms

    stack = _stack()
    bucket = s3.Bucket.from_bucket_name(stack, "Existing", "my-bucket")
    key = kms.Key(stack, "Key")
    with pytest.raises(PatternConfigError, match="encryption_key cannot be combined with existing_bucket"):
        _site(stack, existing_bucket=bucket, encryption_key=key)


def test_existing_log_bucket_with_logs_off() -> None:
    stack = _stack()
    logs = AccessLogBucket(stack, "Logs")
    with pytest.raises(PatternConfigError, match="existing_log_bucket cannot be combined with access_logs=False"):
        _site(stack, access_logs=False, existing_log_bucket=logs.bucket)


def test_empty_content_security_policy() -> None:
    _fails("content_security_policy ('') must be a policy, or None to send no CSP header", content_security_policy=" ")
