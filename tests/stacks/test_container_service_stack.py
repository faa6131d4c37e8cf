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


DATA, EVENTS = "ContainerMicroservice-*-Data", "ContainerMicroservice-*-Events"


def _database(app: Synthesized, attribute: str) -> dict[str, Any]:
    """``Fn::GetAtt`` of the data stack's database instance."""
    instance, _ = app.only(DATA, "AWS::RDS::DBInstance")
    return {"Fn::GetAtt": [instance, attribute]}


def _key_arn(app: Synthesized, stack_id: str, prefix: str) -> dict[str, Any]:
    (key,) = [k for k in app.resources(stack_id, "AWS::KMS::Key") if k.startswith(prefix)]
    return {"Fn::GetAtt": [key, "Arn"]}


def test_the_tasks_get_the_databases_address_and_login_from_its_secret(app: Synthesized) -> None:
    (container,) = _props(app, "AWS::ECS::TaskDefinition")["ContainerDefinitions"]
    environment = {variable["Name"]: variable["Value"] for variable in container["Environment"]}
    assert environment["DATABASE_NAME"] == "app"
    assert app.output_of(environment["DATABASE_HOST"], DATA) == _database(app, "Endpoint.Address")
    assert app.output_of(environment["DATABASE_PORT"], DATA) == _database(app, "Endpoint.Port")
    secrets = {secret["Name"]: secret["ValueFrom"]["Fn::Join"][1] for secret in container["Secrets"]}
    assert set(secrets) == {"DATABASE_USERNAME", "DATABASE_PASSWORD"}
    for name, field in (("DATABASE_USERNAME", ":username::"), ("DATABASE_PASSWORD", ":password::")):
        arn, suffix = secrets[name]
        assert app.output_of(arn, DATA) == _database(app, "MasterUserSecret.SecretArn") and suffix == field
    assert not any("PASSWORD" in name for name in environment)  # the login is never a plain variable


def test_the_execution_role_reads_the_secret_through_its_own_policy(app: Synthesized) -> None:
    (policy,) = [
        p["Properties"]["PolicyDocument"]["Statement"]
        for p in app.resources(STACK, "AWS::IAM::Policy").values()
        if "ExecutionRole" in str(p["Properties"]["Roles"])
    ]
    read = [s for s in policy if s["Action"] == ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"]]
    decrypt = [s for s in policy if s["Action"] == "kms:Decrypt"]
    assert len(read) == 1 and app.output_of(read[0]["Resource"], DATA) == _database(app, "MasterUserSecret.SecretArn")
    assert len(decrypt) == 1 and app.output_of(decrypt[0]["Resource"], DATA) == _key_arn(app, DATA, "DatabaseKey")
    assert "kms:ViaService" in decrypt[0]["Condition"]["StringEquals"]
    # The database's stack names no role of this one: no dependency cycle.
    assert "ExecutionRole" not in str(app.template_json(DATA))


def test_the_task_role_may_publish_domain_events_and_nothing_else(app: Synthesized) -> None:
    (container,) = _props(app, "AWS::ECS::TaskDefinition")["ContainerDefinitions"]
    environment = {variable["Name"]: variable["Value"] for variable in container["Environment"]}
    topic, _ = app.only(EVENTS, "AWS::SNS::Topic")
    assert app.output_of(environment["EVENTS_TOPIC_ARN"], EVENTS) == {"Ref": topic}
    (policy,) = [
        p["Properties"]["PolicyDocument"]["Statement"]
        for p in app.resources(STACK, "AWS::IAM::Policy").values()
        if "TaskRole" in str(p["Properties"]["Roles"])
    ]
    assert [statement["Action"] for statement in policy] == ["sns:Publish", ["kms:Decrypt", "kms:GenerateDataKey"]]
    assert [app.output_of(statement["Resource"], EVENTS) for statement in policy] == [
        {"Ref": topic},
        _key_arn(app, EVENTS, "EventsKey"),
    ]
