"""The web tier stack as the app builds it: runtime/web behind the ALB, in the network's VPC."""

from __future__ import annotations

from typing import Any

import pytest

from stacks.web_tier.stack import web_contract
from tests.synthesis import Synthesized

STACK, DATA = "ThreeTierWeb-*-Web", "ThreeTierWeb-*-Data"


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


def _data_reference(app: Synthesized, part: Any) -> str:
    """A literal part of user data as it is; a reference to the data stack's output as
    ``<attribute>`` of its database instance, e.g. ``<Endpoint.Port>``."""
    if isinstance(part, str):
        return part
    if "Fn::GetStackOutput" not in part:
        return "<other>"  # the asset bucket's name
    instance, _ = app.only(DATA, "AWS::RDS::DBInstance")
    target, attribute = app.output_of(part, DATA)["Fn::GetAtt"]
    assert target == instance, part
    return f"<{attribute}>"


def test_user_data_installs_the_app_for_the_stage(app: Synthesized) -> None:
    contract = web_contract()
    data = _props(app, "AWS::EC2::LaunchTemplate")["LaunchTemplateData"]
    script = "".join(_data_reference(app, part) for part in data["UserData"]["Fn::Base64"]["Fn::Join"][1])
    install = script.rstrip().splitlines()[-1]
    settings = [
        f"{contract.ENV_STAGE}={_stage(app)}",
        f"{contract.ENV_APP_NAME}={contract.SERVICE_NAME}",
        f"{contract.ENV_DB_HOST}=<Endpoint.Address>",
        f"{contract.ENV_DB_PORT}=<Endpoint.Port>",
        f"{contract.ENV_DB_NAME}=app",
        f"{contract.ENV_AWS_REGION}=us-east-1",
        f"{contract.ENV_DB_SECRET_ARN}=<MasterUserSecret.SecretArn>",
    ]
    quoted = " ".join(f"'{setting}'" for setting in settings)
    assert install == f'cd "$workdir" && env {quoted} sh {contract.INSTALL_SCRIPT}'


def test_the_instances_read_the_database_secret_and_nothing_else_of_it(app: Synthesized) -> None:
    (policy,) = [
        p["Properties"]
        for p in app.resources(STACK, "AWS::IAM::Policy").values()
        if "InstanceRole" in str(p["Properties"]["Roles"])
    ]
    secret_statements = [s for s in policy["PolicyDocument"]["Statement"] if "s3:GetObject*" not in s["Action"]]
    read, decrypt = secret_statements
    instance, _ = app.only(DATA, "AWS::RDS::DBInstance")
    (key,) = [k for k in app.resources(DATA, "AWS::KMS::Key") if k.startswith("DatabaseKey")]
    assert read["Action"] == ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"]
    assert app.output_of(read["Resource"], DATA) == {"Fn::GetAtt": [instance, "MasterUserSecret.SecretArn"]}
    assert decrypt["Action"] == "kms:Decrypt"
    assert app.output_of(decrypt["Resource"], DATA) == {"Fn::GetAtt": [key, "Arn"]}
    assert decrypt["Condition"]["StringEquals"]["kms:ViaService"] == {
        "Fn::Join": ["", ["secretsmanager.us-east-1.", {"Ref": "AWS::URLSuffix"}]]
    }


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
