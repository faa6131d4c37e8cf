"""The container service stack as the app builds it: the default image on Fargate."""

from __future__ import annotations

from typing import Any

import pytest

from tests.synthesis import Synthesized

STACK = "ContainerMicroservice-*-Service"


@pytest.fixture(params=["sandbox", "production"])
def app(request: pytest.FixtureRequest) -> Synthesized:
    return request.getfixturevalue(request.param)


def _props(app: Synthesized, resource_type: str) -> dict[str, Any]:
    _, resource = app.only(STACK, resource_type)
    return dict(resource["Properties"])


def test_task_size_and_capacity_follow_the_stage(app: Synthesized) -> None:
    production = "-Production-" in app.stack(STACK).stack_name
    task = _props(app, "AWS::ECS::TaskDefinition")
    target = _props(app, "AWS::ApplicationAutoScaling::ScalableTarget")
    if production:
        assert (task["Cpu"], task["Memory"], target["MinCapacity"], target["MaxCapacity"]) == ("512", "1024", 2, 6)
    else:
        assert (task["Cpu"], task["Memory"], target["MinCapacity"], target["MaxCapacity"]) == ("256", "512", 1, 2)
    assert task["RuntimePlatform"]["CpuArchitecture"] == "ARM64"


def test_tasks_run_in_the_network_stacks_workload_subnets_without_public_ips(app: Synthesized) -> None:
    awsvpc = _props(app, "AWS::ECS::Service")["NetworkConfiguration"]["AwsvpcConfiguration"]
    assert awsvpc["AssignPublicIp"] == "DISABLED"
    outputs = [subnet["Fn::GetStackOutput"] for subnet in awsvpc["Subnets"]]
    assert outputs and all(
        output["StackName"] == app.stack("ContainerMicroservice-*-Network").stack_name for output in outputs
    )
    assert all("PrivateSubnet" in output["OutputName"] for output in outputs)


def test_deployments_roll_back(app: Synthesized) -> None:
    configuration = _props(app, "AWS::ECS::Service")["DeploymentConfiguration"]
    assert configuration["DeploymentCircuitBreaker"] == {"Enable": True, "Rollback": True}
    assert (configuration["MinimumHealthyPercent"], configuration["MaximumPercent"]) == (100, 200)
