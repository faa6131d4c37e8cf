"""The web tier stack as the app builds it: runtime/web behind the ALB, in the network's VPC."""

from __future__ import annotations

from typing import Any

import pytest

from stacks.web_tier.stack import web_contract
from tests.synthesis import Synthesized

STACK = "ThreeTierWeb-*-Web"


@pytest.fixture(params=["sandbox", "production"])
def app(request: pytest.FixtureRequest) -> Synthesized:
    return request.getfixturevalue(request.param)


def _stage(app: Synthesized) -> str:
    return "production" if "-Production-" in app.stack(STACK).stack_name else "sandbox"


def _props(app: Synthesized, resource_type: str) -> dict[str, Any]:
    _, resource = app.only(STACK, resource_type)
    return dict(resource["Properties"])


def test_the_app_port_and_health_path_come_from_the_contract(app: Synthesized) -> None:
    contract = web_contract()
    target = _props(app, "AWS::ElasticLoadBalancingV2::TargetGroup")
    assert (target["Port"], target["HealthCheckPath"]) == (contract.PORT, contract.HEALTH_PATH)


def test_user_data_installs_the_app_for_the_stage(app: Synthesized) -> None:
    contract = web_contract()
    data = _props(app, "AWS::EC2::LaunchTemplate")["LaunchTemplateData"]
    script = "".join(part for part in data["UserData"]["Fn::Base64"]["Fn::Join"][1] if isinstance(part, str))
    assert f"{contract.ENV_STAGE}={_stage(app)} {contract.ENV_APP_NAME}={contract.SERVICE_NAME}" in script
    assert script.rstrip().endswith(f"sh {contract.INSTALL_SCRIPT}")


def test_sizes_follow_the_stage(app: Synthesized) -> None:
    group = _props(app, "AWS::AutoScaling::AutoScalingGroup")
    data = _props(app, "AWS::EC2::LaunchTemplate")["LaunchTemplateData"]
    if _stage(app) == "production":
        assert (group["MinSize"], group["MaxSize"], data["InstanceType"]) == ("2", "6", "t4g.small")
    else:
        assert (group["MinSize"], group["MaxSize"], data["InstanceType"]) == ("1", "2", "t4g.micro")


def test_instances_run_in_the_network_stacks_workload_subnets(app: Synthesized) -> None:
    subnets = _props(app, "AWS::AutoScaling::AutoScalingGroup")["VPCZoneIdentifier"]
    outputs = [subnet["Fn::GetStackOutput"] for subnet in subnets]
    assert outputs and all(output["StackName"] == app.stack("ThreeTierWeb-*-Network").stack_name for output in outputs)
    assert all("PrivateSubnet" in output["OutputName"] for output in outputs)


def test_without_a_domain_the_load_balancer_serves_plain_http_with_deletion_protection_per_stage(
    app: Synthesized,
) -> None:
    listeners = app.resources(STACK, "AWS::ElasticLoadBalancingV2::Listener").values()
    assert [(listener["Properties"]["Port"], listener["Properties"]["Protocol"]) for listener in listeners] == [
        (80, "HTTP")
    ]
    attributes = {
        a["Key"]: a["Value"] for a in _props(app, "AWS::ElasticLoadBalancingV2::LoadBalancer")["LoadBalancerAttributes"]
    }
    assert attributes["deletion_protection.enabled"] == ("true" if _stage(app) == "production" else "false")
