"""WebTier stacks for the option assertions, synthesized once per test module with cdk-nag."""

from __future__ import annotations

from pathlib import Path

from aws_cdk import App, Environment, RemovalPolicy, Stack, Validations
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_kms as kms
from aws_cdk import aws_route53 as route53
from aws_cdk import aws_secretsmanager as secretsmanager
from cdk_nag import AwsSolutionsChecks

from cdk_refarch import FrontDoorOptions, LoadBalancerOptions, WebAclOptions
from cdk_refarch.core.capacity import Capacity, HealthCheckOptions
from cdk_refarch.core.load_balancer_alarms import TierAlarmOptions
from cdk_refarch.core.nag import acknowledge
from cdk_refarch.web_tier import WebAppOptions, WebTier

WEB_APP = str(Path(__file__).resolve().parents[3] / "runtime" / "web")
ENV = Environment(region="eu-west-1")


def vpc(stack: Stack) -> ec2.Vpc:
    """A bare VPC with private subnets; the Network pattern's own tests cover networks."""
    created = ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=1, restrict_default_security_group=False)
    acknowledge(created, "AwsSolutions-VPC7", "A bare VPC for web tier tests; Network has flow logs.")
    return created


def build(app: App) -> list[Stack]:
    defaults = Stack(app, "WebDefaults", env=ENV)
    WebTier(
        defaults,
        "Web",
        vpc=vpc(defaults),
        app=WebAppOptions(source=WEB_APP),
        load_balancer=LoadBalancerOptions(plain_http=True),
        removal_policy=RemovalPolicy.DESTROY,
        log_retention_days=7,
    )
    full = Stack(app, "WebOptions", env=ENV)
    zone = route53.HostedZone.from_hosted_zone_attributes(full, "Zone", hosted_zone_id="Z123", zone_name="example.com")
    key = kms.Key(full, "SecretKey", enable_key_rotation=True)
    login = secretsmanager.Secret(full, "Login", encryption_key=key)
    acknowledge(login, "AwsSolutions-SMG4", "A test secret: its owner (a database) rotates it in real use.")
    WebTier(
        full,
        "Web",
        vpc=vpc(full),
        app=WebAppOptions(
            source=WEB_APP,
            port=9000,
            environment={"APP_STAGE": "test", "DATABASE_HOST": key.key_id},
            secrets={"DATABASE_LOGIN_ARN": login},
        ),
        front_door=FrontDoorOptions(domain_name="www.example.com", hosted_zone=zone, web_acl=WebAclOptions()),
        load_balancer=LoadBalancerOptions(deletion_protection=True, ingress_cidrs=("203.0.113.0/24",)),
        instance_type="m7g.large",
        root_volume_gib=20,
        capacity=Capacity(minimum=2, desired=3, maximum=6),
        health_check=HealthCheckOptions(path="/healthz", interval_seconds=10, timeout_seconds=4),
        health_check_grace_seconds=120,
        cpu_target_percent=60,
        requests_per_target=500,
        alarms=TierAlarmOptions(email="ops@example.com", latency_p99_ms=800),
    )
    Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    return [defaults, full]
