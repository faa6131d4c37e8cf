"""Smoke checks of the ``web-tier`` pattern (see ``deploy/smoke/__init__.py``).

On both targets: the load balancer (scheme, attributes, listeners and redirect), the
target group's health check, the Auto Scaling group's sizes and health checks, and its
launch template (IMDSv2 with one hop, an encrypted gp3 root volume, no key pair), and
each secret the app's settings name: it exists, and user data holds its ARN, not its
values. In a real account also a GET of the page and of /health through the load balancer.
"""

from __future__ import annotations

import base64
import json
import re
import urllib.request

from deploy.smoke import SmokeContext, SmokeSkip, _load_balancer, _secrets

GROUP = "AWS::AutoScaling::AutoScalingGroup"
LAUNCH_TEMPLATE = "AWS::EC2::LaunchTemplate"


def check_load_balancer_scheme_and_attributes(ctx: SmokeContext) -> None:
    _load_balancer.scheme_and_attributes(ctx)


def check_listeners(ctx: SmokeContext) -> None:
    _load_balancer.listeners(ctx)


def check_target_group_health_check(ctx: SmokeContext) -> None:
    _load_balancer.target_group_health_check(ctx)


def check_group_sizes_and_health_checks(ctx: SmokeContext) -> None:
    declared = _load_balancer.properties_of(ctx, GROUP)
    described = ctx.client("autoscaling").describe_auto_scaling_groups(AutoScalingGroupNames=[ctx.only(GROUP)])
    (group,) = described["AutoScalingGroups"]
    assert (group["MinSize"], group["MaxSize"]) == (int(declared["MinSize"]), int(declared["MaxSize"])), group
    wanted = int(declared.get("DesiredCapacity", declared["MinSize"]))
    assert group["DesiredCapacity"] == wanted, group["DesiredCapacity"]
    assert group["HealthCheckType"] == "ELB", group["HealthCheckType"]
    assert group["HealthCheckGracePeriod"] == declared["HealthCheckGracePeriod"], group["HealthCheckGracePeriod"]


def check_launch_template_requires_imdsv2_and_encrypts_the_root_volume(ctx: SmokeContext) -> None:
    versions = ctx.client("ec2").describe_launch_template_versions(
        LaunchTemplateId=ctx.only(LAUNCH_TEMPLATE), Versions=["$Latest"]
    )["LaunchTemplateVersions"]
    data = versions[0]["LaunchTemplateData"]
    options = data["MetadataOptions"]
    assert (options["HttpTokens"], options["HttpPutResponseHopLimit"]) == ("required", 1), options
    (root,) = data["BlockDeviceMappings"]
    assert root["Ebs"]["Encrypted"] is True and root["Ebs"]["VolumeType"] == "gp3", root
    assert "KeyName" not in data, "the instances have a key pair"


def _install_settings(ctx: SmokeContext) -> dict[str, str]:
    """The ``'NAME=value'`` settings user data passes to the install command, as deployed."""
    versions = ctx.client("ec2").describe_launch_template_versions(
        LaunchTemplateId=ctx.only(LAUNCH_TEMPLATE), Versions=["$Latest"]
    )["LaunchTemplateVersions"]
    script = base64.b64decode(versions[0]["LaunchTemplateData"]["UserData"]).decode()
    (install,) = [line for line in script.splitlines() if line.startswith('cd "$workdir" && ')]
    return dict(setting.split("=", 1) for setting in re.findall(r"'([A-Za-z_][A-Za-z0-9_]*=[^']*)'", install))


def check_secrets_the_app_reads_exist_and_are_not_in_user_data(ctx: SmokeContext) -> None:
    """Each setting that names a Secrets Manager secret names one that exists; user data
    holds its ARN, never one of its values."""
    settings = _install_settings(ctx)
    arns = [value for value in settings.values() if ":secretsmanager:" in value]
    for arn in arns:
        values = _secrets.secret_fields(ctx, arn)
        leaked = [key for key, value in values.items() if isinstance(value, str) and value in settings.values()]
        assert not leaked, f"user data holds the {leaked} of secret {arn}"
    if not arns:
        raise SmokeSkip("the app reads no secret (no setting names one)")


def check_health_answers_through_the_load_balancer(ctx: SmokeContext) -> None:
    ctx.require_aws("GET through the load balancer")
    client = ctx.client("elbv2")
    arn = ctx.only(_load_balancer.LOAD_BALANCER)
    ports = {listener["Port"] for listener in client.describe_listeners(LoadBalancerArn=arn)["Listeners"]}
    if 443 in ports:
        raise SmokeSkip("the load balancer serves HTTPS at its domain: check https://DOMAIN/health")
    host = client.describe_load_balancers(LoadBalancerArns=[arn])["LoadBalancers"][0]["DNSName"]
    with urllib.request.urlopen(f"http://{host}/health", timeout=15) as response:
        health = json.loads(response.read())
    assert health["status"] == "ok" and health["availability_zone"], health
