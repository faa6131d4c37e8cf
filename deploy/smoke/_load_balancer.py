"""Reads of the ALB front door (``cdk_refarch.core.load_balancer``) that the
``web-tier`` and ``container-service`` smoke modules call from their own checks.

No function here is named ``check_*``: this module is no pattern's, and a check runs in
the module that defines it (see ``deploy/smoke/__init__.py``)."""

from __future__ import annotations

from typing import Any

from deploy.smoke import SmokeContext

LOAD_BALANCER = "AWS::ElasticLoadBalancingV2::LoadBalancer"
TARGET_GROUP = "AWS::ElasticLoadBalancingV2::TargetGroup"


def properties_of(ctx: SmokeContext, resource_type: str) -> dict[str, Any]:
    (logical_id,) = ctx.tagged(resource_type)
    ctx.physical_id(logical_id)  # a skip, with the reason, if the emulator skipped it
    return dict(ctx.template["Resources"][logical_id]["Properties"])


def scheme_and_attributes(ctx: SmokeContext) -> None:
    client = ctx.client("elbv2")
    arn = ctx.only(LOAD_BALANCER)
    (balancer,) = client.describe_load_balancers(LoadBalancerArns=[arn])["LoadBalancers"]
    assert (balancer["Scheme"], balancer["Type"]) == ("internet-facing", "application"), balancer
    described = client.describe_load_balancer_attributes(LoadBalancerArn=arn)["Attributes"]
    attributes = {a["Key"]: a["Value"] for a in described}
    assert attributes.get("routing.http.drop_invalid_header_fields.enabled") == "true", attributes
    assert attributes.get("routing.http.desync_mitigation_mode") == "strictest", attributes
    assert attributes.get("access_logs.s3.enabled") == "true", attributes
    declared = {a["Key"]: a["Value"] for a in properties_of(ctx, LOAD_BALANCER)["LoadBalancerAttributes"]}
    assert attributes.get("deletion_protection.enabled") == declared["deletion_protection.enabled"], attributes


def listeners(ctx: SmokeContext) -> None:
    listeners = ctx.client("elbv2").describe_listeners(LoadBalancerArn=ctx.only(LOAD_BALANCER))["Listeners"]
    by_port = {listener["Port"]: listener for listener in listeners}
    if 443 in by_port:
        assert by_port[443]["Protocol"] == "HTTPS", by_port[443]
        assert by_port[443]["SslPolicy"] == "ELBSecurityPolicy-TLS13-1-2-2021-06", by_port[443]
        (redirect,) = by_port[80]["DefaultActions"]
        assert redirect["Type"] == "redirect" and redirect["RedirectConfig"]["Protocol"] == "HTTPS", redirect
    else:
        assert sorted(by_port) == [80] and by_port[80]["Protocol"] == "HTTP", sorted(by_port)
        (forward,) = by_port[80]["DefaultActions"]
        assert forward["Type"] == "forward", forward


def target_group_health_check(ctx: SmokeContext) -> None:
    declared = properties_of(ctx, TARGET_GROUP)
    described = ctx.client("elbv2").describe_target_groups(TargetGroupArns=[ctx.only(TARGET_GROUP)])
    (group,) = described["TargetGroups"]
    assert group["HealthCheckPath"] == declared["HealthCheckPath"], group
    assert group["HealthCheckIntervalSeconds"] == declared["HealthCheckIntervalSeconds"], group
    assert group["HealthCheckTimeoutSeconds"] == declared["HealthCheckTimeoutSeconds"], group
    assert group["HealthCheckTimeoutSeconds"] < group["HealthCheckIntervalSeconds"], group
    assert group["TargetType"] == declared.get("TargetType", "instance"), group
