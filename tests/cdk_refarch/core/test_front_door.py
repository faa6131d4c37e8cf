"""FrontDoorOptions' own rules, the checks against the stack, and the no-WAF acknowledgment."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import App, Environment, Stack, Validations
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_route53 as route53
from cdk_nag import AwsSolutionsChecks

from cdk_refarch import FrontDoorOptions, PatternConfigError, WebAclOptions
from cdk_refarch.core.front_door import acknowledge_no_waf, check_front_door, front_door_certificate
from tests.cdk_refarch.static_site.variants import EU_WEST_1, IMPORTED_WEB_ACL, US_EAST_1
from tests.synthesis import CDK_CONTEXT, Synthesized, synthesize

REGIONAL_WEB_ACL = "arn:aws:wafv2:eu-west-1:111111111111:regional/webacl/shared/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"


def _raises(message: str) -> Any:
    return pytest.raises(PatternConfigError, match=re.escape(message))


def _stack(env: Environment | None = US_EAST_1) -> Stack:
    return Stack(App(context=CDK_CONTEXT), "Test", env=env)


def _zone(stack: Stack, name: str = "example.com") -> route53.IHostedZone:
    return route53.HostedZone.from_hosted_zone_attributes(stack, "Zone", hosted_zone_id="Z123", zone_name=name)


# --- FrontDoorOptions --------------------------------------------------------------------


def test_web_acl_and_web_acl_arn_together() -> None:
    with _raises("pass either web_acl (create a web ACL here) or web_acl_arn (use an existing one), not both"):
        FrontDoorOptions(web_acl=WebAclOptions(), web_acl_arn=IMPORTED_WEB_ACL)


def test_hosted_zone_without_domain() -> None:
    with _raises("hosted_zone is only used with domain_name; pass domain_name too"):
        FrontDoorOptions(hosted_zone=_zone(_stack()))


def test_certificate_without_domain() -> None:
    certificate = acm.Certificate.from_certificate_arn(
        _stack(), "Cert", "arn:aws:acm:us-east-1:111111111111:certificate/abc"
    )
    with _raises("certificate is only used with domain_name; pass domain_name too"):
        FrontDoorOptions(certificate=certificate)


def test_domain_name_without_hosted_zone() -> None:
    with _raises(
        "domain_name ('www.example.com') needs hosted_zone: the Route 53 hosted zone that holds it "
        "(for the alias records and the certificate's DNS validation)"
    ):
        FrontDoorOptions(domain_name="www.example.com")


@pytest.mark.parametrize(
    "domain",
    [
        "example",
        "Www.Example.com",
        "-www.example.com",
        "www-.example.com",
        "www..example.com",
        "www.example.com.",
        "ex ample.com",
        "a" * 64 + ".com",
        "www.example.c",
        ("a" * 63 + ".") * 4 + "com",
        "www.example.com\n",
        "",
    ],
)
def test_invalid_domain_name(domain: str) -> None:
    stack = _stack()
    with _raises(
        f"domain_name ({domain!r}) must be a fully qualified lower-case domain name such as 'www.example.com': "
        "labels of letters, digits and hyphens, separated by dots"
    ):
        FrontDoorOptions(domain_name=domain, hosted_zone=_zone(stack))


@pytest.mark.parametrize("domain", ["example.com", "www.example.com", "a-b.c1.example.com", "xn--bcher-kva.example"])
def test_valid_domain_names(domain: str) -> None:
    assert FrontDoorOptions(domain_name=domain, hosted_zone=_zone(_stack())).domain_name == domain


def test_has_waf() -> None:
    assert not FrontDoorOptions().has_waf
    assert FrontDoorOptions(web_acl=WebAclOptions()).has_waf
    assert FrontDoorOptions(web_acl_arn=IMPORTED_WEB_ACL).has_waf


# --- check_front_door: against the stack -----------------------------------------------


def test_domain_must_be_inside_the_zone() -> None:
    stack = _stack(EU_WEST_1)
    options = FrontDoorOptions(domain_name="api.example.org", hosted_zone=_zone(stack))
    with _raises("domain_name ('api.example.org') is not inside hosted_zone ('example.com')"):
        check_front_door(stack, options, endpoint="API", waf_scope="REGIONAL")
    lookalike = FrontDoorOptions(domain_name="notexample.com", hosted_zone=_zone(_stack(EU_WEST_1)))
    with _raises("domain_name ('notexample.com') is not inside hosted_zone ('example.com')"):
        check_front_door(stack, lookalike, endpoint="API", waf_scope="REGIONAL")


@pytest.mark.parametrize(("domain", "zone"), [("example.com", "example.com"), ("api.example.com", "Example.COM.")])
def test_domain_at_the_apex_or_below_a_written_zone_name(domain: str, zone: str) -> None:
    stack = _stack(EU_WEST_1)
    options = FrontDoorOptions(domain_name=domain, hosted_zone=_zone(stack, zone))
    check_front_door(stack, options, endpoint="API", waf_scope="REGIONAL")


def test_regional_certificate_must_be_in_the_stacks_region() -> None:
    stack = _stack(EU_WEST_1)
    arn = "arn:aws:acm:us-east-1:111111111111:certificate/abc"
    options = FrontDoorOptions(
        domain_name="api.example.com",
        hosted_zone=_zone(stack),
        certificate=acm.Certificate.from_certificate_arn(stack, "Cert", arn),
    )
    with _raises(f"certificate ({arn}) is in us-east-1: An API endpoint only accepts certificates from eu-west-1"):
        check_front_door(stack, options, endpoint="An API endpoint", waf_scope="REGIONAL")


def test_cloudfront_certificate_must_be_in_us_east_1_whatever_the_stacks_region() -> None:
    stack = _stack(EU_WEST_1)
    arn = "arn:aws:acm:us-east-1:111111111111:certificate/abc"
    options = FrontDoorOptions(
        domain_name="www.example.com",
        hosted_zone=_zone(stack),
        certificate=acm.Certificate.from_certificate_arn(stack, "Cert", arn),
    )
    check_front_door(stack, options, endpoint="CloudFront", waf_scope="CLOUDFRONT")


def test_a_regional_web_acl_can_be_created_anywhere() -> None:
    stack = _stack(EU_WEST_1)
    check_front_door(stack, FrontDoorOptions(web_acl=WebAclOptions()), endpoint="API", waf_scope="REGIONAL")


@pytest.mark.parametrize(("env", "shown"), [(EU_WEST_1, "eu-west-1"), (None, "not set (environment-agnostic)")])
def test_a_cloudfront_web_acl_is_created_in_us_east_1_only(env: Environment | None, shown: str) -> None:
    with _raises(
        "web_acl makes the construct create a CloudFront resource that must live in us-east-1, but the stack's "
        f"region is {shown}: deploy the stack to us-east-1, or pass web_acl_arn of a web ACL created in us-east-1"
    ):
        check_front_door(
            _stack(env), FrontDoorOptions(web_acl=WebAclOptions()), endpoint="CloudFront", waf_scope="CLOUDFRONT"
        )


def test_certificate_is_created_only_for_a_domain_without_one() -> None:
    stack = _stack()
    assert front_door_certificate(stack, FrontDoorOptions()) is None
    given = acm.Certificate.from_certificate_arn(stack, "Given", "arn:aws:acm:us-east-1:111111111111:certificate/a")
    zone = _zone(stack)
    options = FrontDoorOptions(domain_name="www.example.com", hosted_zone=zone, certificate=given)
    assert front_door_certificate(stack, options) is given
    created = front_door_certificate(stack, FrontDoorOptions(domain_name="www.example.com", hosted_zone=zone))
    assert isinstance(created, acm.Certificate)
    assert created.node.id == "Certificate"


# --- the no-WAF acknowledgment, as cdk-nag sees it -------------------------------------


def _acknowledged(app: Synthesized, stack_id: str) -> dict[str, set[str]]:
    """The cdk-nag rules acknowledged on each construct path of the stack."""
    artifact = app.stack(stack_id).artifact_id
    metadata = json.loads((app.outdir / f"{artifact}.metadata.json").read_text())
    found: dict[str, set[str]] = {}
    for path, entries in metadata.items():
        for entry in entries:
            if entry["type"] == "aws:cdk:acknowledged-rules":
                found.setdefault(path, set()).update(rule.split("::", 1)[1] for rule in entry["data"])
    return found


def _bare_distributions(app: App) -> list[Stack]:
    """Distributions without any WAF attached, each acknowledged (or not) by the front door's rule."""
    stack = Stack(app, "Bare", env=US_EAST_1)
    cases = {
        "NoWafOption": FrontDoorOptions(),
        "WebAclOption": FrontDoorOptions(web_acl=WebAclOptions()),
        "WebAclArnOption": FrontDoorOptions(web_acl_arn=IMPORTED_WEB_ACL),
    }
    for name, options in cases.items():
        distribution = cloudfront.Distribution(
            stack, name, default_behavior=cloudfront.BehaviorOptions(origin=origins.HttpOrigin("origin.example.com"))
        )
        acknowledge_no_waf(distribution, options, "AwsSolutions-CFR2")
    Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    return [stack]


def test_no_waf_is_acknowledged_only_when_neither_waf_option_is_given(tmp_path: Path) -> None:
    app = synthesize(tmp_path, _bare_distributions)
    unacknowledged_cfr2 = [v for v in app.violations_of("Bare") if v.startswith("AwsSolutions-CFR2 ")]
    # The distributions whose options name a WAF keep the finding: only the caller's
    # choice of no WAF is acknowledged, never a WAF that was asked for but not attached.
    assert unacknowledged_cfr2 == [
        "AwsSolutions-CFR2 at Bare/WebAclArnOption/Resource",
        "AwsSolutions-CFR2 at Bare/WebAclOption/Resource",
    ]
    acknowledged = _acknowledged(app, "Bare")
    assert acknowledged == {"/Bare/NoWafOption": {"AwsSolutions-CFR2"}}


@pytest.mark.parametrize(
    ("stack_id", "front_door", "rule"),
    [
        ("StaticWebsite-*-Site", "Site/Distribution", "AwsSolutions-CFR2"),
        ("ServerlessWebApp-*-Api", "Items/Api", "AwsSolutions-APIG3"),
    ],
)
def test_the_apps_front_doors_acknowledge_no_waf_in_the_sandbox_only(
    sandbox: Synthesized, production: Synthesized, stack_id: str, front_door: str, rule: str
) -> None:
    # Sandbox: no WAF, and the finding is acknowledged as the stage's choice.
    path = f"/{sandbox.stack(stack_id).node.id}/{front_door}"
    assert rule in _acknowledged(sandbox, stack_id).get(path, set())
    assert not [v for v in sandbox.violations_of(stack_id) if v.startswith(f"{rule} ")]
    # Production: a web ACL is attached, so there is neither a finding nor an acknowledgment.
    assert not [path for path, rules in _acknowledged(production, stack_id).items() if rule in rules]
    assert not [v for v in production.violations_of(stack_id) if v.startswith(f"{rule} ")]
