"""LoadBalancedFrontDoor: the ALB front door WebTier and ContainerService share."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from aws_cdk import App, Environment, Stack, Validations
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_elasticloadbalancingv2_targets as elb_targets
from aws_cdk import aws_route53 as route53
from cdk_nag import AwsSolutionsChecks

from cdk_refarch import AccessLogBucket, FrontDoorOptions, PatternConfigError, WebAclOptions
from cdk_refarch.core.load_balancer import PLAIN_HTTP_WARNING, LoadBalancedFrontDoor, LoadBalancerOptions
from cdk_refarch.core.nag import acknowledge
from tests.quality.test_gates import lint_findings
from tests.synthesis import CDK_CONTEXT, Synthesized, synthesize

ENV = Environment(region="eu-west-1")
TARGET_PORT = 8080


def _front_door(stack: Stack, **props: Any) -> LoadBalancedFrontDoor:
    vpc = ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=0, restrict_default_security_group=False)
    logs = AccessLogBucket(stack, "Logs")
    front = LoadBalancedFrontDoor(stack, "Front", vpc=vpc, log_bucket=logs.bucket, **props)
    targets = ec2.SecurityGroup(stack, "Targets", vpc=vpc)
    front.allow_to(targets, TARGET_PORT)
    front.listener.add_targets(
        "App",
        port=TARGET_PORT,
        protocol=elbv2.ApplicationProtocol.HTTP,
        targets=[elb_targets.IpTarget("10.0.0.10")],
        health_check=elbv2.HealthCheck(path="/health"),
    )
    return front


def _build(app: App) -> list[Stack]:
    https = Stack(app, "Https", env=ENV)
    zone = route53.HostedZone.from_hosted_zone_attributes(https, "Zone", hosted_zone_id="Z123", zone_name="example.com")
    _front_door(
        https,
        front_door=FrontDoorOptions(domain_name="app.example.com", hosted_zone=zone, web_acl=WebAclOptions()),
        options=LoadBalancerOptions(deletion_protection=True),
    )
    plain = Stack(app, "PlainHttp", env=ENV)
    _front_door(plain, options=LoadBalancerOptions(plain_http=True, ingress_prefix_list_id="pl-3b927c52"))
    for stack in (https, plain):
        # The test's bare VPC (no flow log) is not what these tests are about.
        acknowledge(stack.node.find_child("Vpc"), "AwsSolutions-VPC7", "A bare VPC for load balancer tests.")
    Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    return [https, plain]


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    return synthesize(tmp_path_factory.mktemp("alb"), _build)


def _props(app: Synthesized, stack: str, resource_type: str) -> list[dict[str, Any]]:
    return [resource["Properties"] for resource in app.resources(stack, resource_type).values()]


def test_nag_and_lint_are_clean(app: Synthesized) -> None:
    for stack in ("Https", "PlainHttp"):
        assert app.violations_of(stack) == []
        assert lint_findings(app, stack) == []


def test_https_listener_with_a_tls_1_3_policy_and_a_redirect(app: Synthesized) -> None:
    listeners = {props["Port"]: props for props in _props(app, "Https", "AWS::ElasticLoadBalancingV2::Listener")}
    assert sorted(listeners) == [80, 443]
    https = listeners[443]
    assert https["Protocol"] == "HTTPS"
    assert https["SslPolicy"] == "ELBSecurityPolicy-TLS13-1-2-2021-06"
    assert len(https["Certificates"]) == 1
    (redirect,) = listeners[80]["DefaultActions"]
    assert redirect["Type"] == "redirect"
    assert redirect["RedirectConfig"] == {"Port": "443", "Protocol": "HTTPS", "StatusCode": "HTTP_301"}


def test_load_balancer_attributes(app: Synthesized) -> None:
    (props,) = _props(app, "Https", "AWS::ElasticLoadBalancingV2::LoadBalancer")
    assert props["Scheme"] == "internet-facing"
    attributes = {a["Key"]: a["Value"] for a in props["LoadBalancerAttributes"]}
    assert attributes["routing.http.drop_invalid_header_fields.enabled"] == "true"
    assert attributes["routing.http.desync_mitigation_mode"] == "strictest"
    assert attributes["deletion_protection.enabled"] == "true"
    assert attributes["access_logs.s3.enabled"] == "true"
    assert attributes["access_logs.s3.prefix"] == "alb/Front"


def test_security_group_opens_listener_ports_and_reaches_only_the_targets_port(app: Synthesized) -> None:
    groups = app.resources("Https", "AWS::EC2::SecurityGroup")
    (alb_group,) = [g for g in groups.values() if g["Properties"]["GroupDescription"].startswith("Load balancer")]
    ingress = sorted((r["CidrIp"], r["FromPort"]) for r in alb_group["Properties"]["SecurityGroupIngress"])
    assert ingress == [("0.0.0.0/0", 80), ("0.0.0.0/0", 443)]
    # Created without outbound rules; the one egress rule is to the targets' group and port.
    assert "SecurityGroupEgress" not in alb_group["Properties"]
    egress = _props(app, "Https", "AWS::EC2::SecurityGroupEgress")
    assert [(e["FromPort"], e["ToPort"], "DestinationSecurityGroupId" in e) for e in egress] == [
        (TARGET_PORT, TARGET_PORT, True)
    ]


def test_plain_http_listens_on_80_only_from_the_prefix_list_and_warns(app: Synthesized) -> None:
    (listener,) = _props(app, "PlainHttp", "AWS::ElasticLoadBalancingV2::Listener")
    assert (listener["Port"], listener["Protocol"]) == (80, "HTTP")
    groups = app.resources("PlainHttp", "AWS::EC2::SecurityGroup")
    (alb_id,) = [k for k, g in groups.items() if g["Properties"]["GroupDescription"].startswith("Load balancer")]
    # A prefix-list rule is its own resource; nothing else may reach the load balancer.
    assert "SecurityGroupIngress" not in groups[alb_id]["Properties"]
    ingress = [
        (rule.get("SourcePrefixListId"), rule["FromPort"])
        for rule in _props(app, "PlainHttp", "AWS::EC2::SecurityGroupIngress")
        if rule["GroupId"] == {"Fn::GetAtt": [alb_id, "GroupId"]}
    ]
    assert ingress == [("pl-3b927c52", 80)]
    assert app.warnings_of("PlainHttp") == []  # cdk-nag would make a warning a finding
    assert any(PLAIN_HTTP_WARNING in notice and "serves plain HTTP" in notice for notice in _infos(app, "PlainHttp"))
    assert _infos(app, "Https") == []


def _infos(app: Synthesized, stack_id: str) -> list[str]:
    artifact = app.stacks[stack_id].artifact_id
    metadata = json.loads((app.outdir / f"{artifact}.metadata.json").read_text())
    return [entry["data"] for entries in metadata.values() for entry in entries if entry["type"] == "aws:cdk:info"]


def test_domain_alias_and_web_acl(app: Synthesized) -> None:
    (record,) = _props(app, "Https", "AWS::Route53::RecordSet")
    assert (record["Name"], record["Type"]) == ("app.example.com.", "A")
    (association,) = _props(app, "Https", "AWS::WAFv2::WebACLAssociation")
    (lb_id,) = app.resources("Https", "AWS::ElasticLoadBalancingV2::LoadBalancer")
    assert association["ResourceArn"] == {"Ref": lb_id}


def _raises(message: str) -> Any:
    return pytest.raises(PatternConfigError, match=re.escape(message))


def test_https_without_a_domain_is_refused() -> None:
    with _raises("HTTPS needs a certificate: pass FrontDoorOptions(domain_name=..., hosted_zone=...)"):
        _front_door(Stack(App(context=CDK_CONTEXT), "T", env=ENV))


def test_plain_http_with_a_domain_is_refused() -> None:
    stack = Stack(App(context=CDK_CONTEXT), "T", env=ENV)
    zone = route53.HostedZone.from_hosted_zone_attributes(stack, "Zone", hosted_zone_id="Z1", zone_name="example.com")
    with _raises("plain_http=True cannot be combined with a domain"):
        _front_door(
            stack,
            front_door=FrontDoorOptions(domain_name="app.example.com", hosted_zone=zone),
            options=LoadBalancerOptions(plain_http=True),
        )


@pytest.mark.parametrize(
    ("props", "message"),
    [
        ({"ingress_cidrs": ("10.0.0.1/8",)}, "ingress_cidrs entry ('10.0.0.1/8') must be an IPv4 CIDR block"),
        ({"ingress_cidrs": ("nope",)}, "ingress_cidrs entry ('nope') must be an IPv4 CIDR block"),
        (
            {"ingress_cidrs": ("10.0.0.0/8",), "ingress_prefix_list_id": "pl-1"},
            "pass either ingress_cidrs or ingress_prefix_list_id, not both",
        ),
        ({"ingress_prefix_list_id": "sg-1"}, "ingress_prefix_list_id ('sg-1') must be a prefix list ID"),
        ({"idle_timeout_seconds": True}, "idle_timeout_seconds (True) must be an integer from 1 to 4000"),
        ({"idle_timeout_seconds": 4001}, "idle_timeout_seconds (4001) must be an integer from 1 to 4000"),
        ({"plain_http": "yes"}, "plain_http ('yes') must be True or False"),
    ],
)
def test_bad_options(props: dict[str, Any], message: str) -> None:
    with _raises(message):
        LoadBalancerOptions(**props)


@pytest.mark.parametrize("port", [0, 65536, True])
def test_allow_to_a_port_outside_the_tcp_range(port: Any) -> None:
    stack = Stack(App(context=CDK_CONTEXT), "T", env=ENV)
    front = _front_door(stack, options=LoadBalancerOptions(plain_http=True))
    with _raises(f"port ({port!r}) must be an integer from 1 to 65535"):
        front.allow_to(ec2.SecurityGroup(stack, "Other", vpc=front.load_balancer.vpc), port)  # type: ignore[arg-type]
