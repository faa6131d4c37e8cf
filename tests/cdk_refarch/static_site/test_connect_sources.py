"""StaticSite's ``connect_sources``: what the page may ``fetch`` besides its own origin."""

from __future__ import annotations

import re
from typing import Any

import pytest
from aws_cdk import App, Aws, Stack
from aws_cdk.assertions import Template

from cdk_refarch import DEFAULT_CONTENT_SECURITY_POLICY, PatternConfigError, StaticSite
from cdk_refarch.static_site.checks import MAX_CSP_LENGTH
from tests.cdk_refarch.static_site.variants import CONNECT_SOURCES, US_EAST_1
from tests.synthesis import CDK_CONTEXT, Synthesized


def _csp(app: Synthesized, stack_id: str, prefix: str) -> Any:
    policy = app.only(stack_id, "AWS::CloudFront::ResponseHeadersPolicy", prefix)[1]
    return policy["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]["ContentSecurityPolicy"]


def test_connect_sources_add_a_connect_src_to_the_default_policy(variants: Synthesized) -> None:
    assert _csp(variants, "SiteWithApi", "SiteSecurityHeaders") == {
        "ContentSecurityPolicy": f"{DEFAULT_CONTENT_SECURITY_POLICY}; connect-src 'self' {' '.join(CONNECT_SOURCES)}",
        "Override": True,
    }


def test_without_connect_sources_the_policy_is_unchanged(variants: Synthesized) -> None:
    assert _csp(variants, "SiteWithApi", "UnstrippedSecurityHeaders")["ContentSecurityPolicy"] == (
        DEFAULT_CONTENT_SECURITY_POLICY
    )
    assert "connect-src" not in DEFAULT_CONTENT_SECURITY_POLICY


def test_a_deploy_time_origin_is_joined_in() -> None:
    stack = Stack(App(context=CDK_CONTEXT), "Test", env=US_EAST_1)
    StaticSite(stack, "Site", connect_sources=[f"https://login-{Aws.STACK_NAME}.example.com"])
    ((_, policy),) = Template.from_stack(stack).find_resources("AWS::CloudFront::ResponseHeadersPolicy").items()
    csp = policy["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]["ContentSecurityPolicy"]
    assert csp["ContentSecurityPolicy"]["Fn::Join"][1] == [
        f"{DEFAULT_CONTENT_SECURITY_POLICY}; connect-src 'self' https://login-",
        {"Ref": "AWS::StackName"},
        ".example.com",
    ]


# --- refusals -----------------------------------------------------------------------------


def _fails(message: str, **props: Any) -> None:
    with pytest.raises(PatternConfigError, match=re.escape(message)):
        StaticSite(Stack(App(context=CDK_CONTEXT), "Test", env=US_EAST_1), "Site", **props)


@pytest.mark.parametrize(
    "source",
    [
        "http://auth.example.com",
        "https://auth.example.com/",
        "https://auth.example.com/oauth2",
        "https://Auth.example.com",
        "https://*.example.com",
        "auth.example.com",
        "https://auth.example.com; script-src *",
        "'self'",
        "",
    ],
)
def test_each_source_is_an_https_origin(source: str) -> None:
    _fails(
        f"connect_sources entry ({source!r}) must be an https origin such as 'https://auth.example.com' "
        "(lower-case host, optional port, no path)",
        connect_sources=[source],
    )


def test_connect_sources_need_a_policy() -> None:
    _fails(
        "connect_sources adds to the content security policy: it cannot be combined with content_security_policy=None",
        connect_sources=["https://auth.example.com"],
        content_security_policy=None,
    )


def test_connect_sources_and_a_connect_src_of_the_policy_are_either_or() -> None:
    _fails(
        "connect_sources cannot be combined with a content_security_policy that has its own connect-src",
        connect_sources=["https://auth.example.com"],
        content_security_policy="default-src 'self'; connect-src 'self' https://other.example.com",
    )


def test_connect_sources_count_towards_cloudfronts_limit() -> None:
    sources = [f"https://host{i}.example.com" for i in range(80)]
    length = len(f"{DEFAULT_CONTENT_SECURITY_POLICY}; connect-src 'self' {' '.join(sources)}")
    _fails(
        f"content_security_policy ({length} characters) must be at most {MAX_CSP_LENGTH} characters",
        connect_sources=sources,
    )
