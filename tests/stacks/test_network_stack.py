"""The network stack as the app builds it, per stage."""

from __future__ import annotations

import pytest

from tests.synthesis import Synthesized

STACK = "ThreeTierWeb-*-Network"
INTERFACE_SERVICES = ["ec2messages", "ecr.api", "ecr.dkr", "kms", "logs", "secretsmanager", "ssm", "ssmmessages"]


@pytest.fixture(params=["sandbox", "production"])
def app(request: pytest.FixtureRequest) -> Synthesized:
    return request.getfixturevalue(request.param)


def _stage(app: Synthesized) -> str:
    return "production" if "-Production-" in app.stack(STACK).stack_name else "sandbox"


def test_stack_name_description_and_output(app: Synthesized) -> None:
    stage = _stage(app)
    stack = app.stack(STACK)
    assert stack.stack_name == f"ThreeTierWeb-{stage.capitalize()}-Network"
    assert stack.termination_protection is (stage == "production")  # stateful
    template = app.template_json(STACK)
    assert template["Description"] == f"Three-tier web: VPC, NAT, flow logs, endpoints ({stage})"
    vpc_id, _ = app.only(STACK, "AWS::EC2::VPC")
    assert template["Outputs"]["VpcId"]["Value"] == {"Ref": vpc_id}
    # Stateful: the VPC's logical ID must never change, or CloudFormation replaces it.
    assert vpc_id == "NetworkVpc7FB7348F"


def test_vpc_range_azs_and_nat_follow_the_stage(app: Synthesized) -> None:
    production = _stage(app) == "production"
    _, vpc = app.only(STACK, "AWS::EC2::VPC")
    assert vpc["Properties"]["CidrBlock"] == ("10.20.0.0/16" if production else "10.10.0.0/16")
    zones = 3 if production else 2
    assert len(app.resources(STACK, "AWS::EC2::Subnet")) == 3 * zones
    assert len(app.resources(STACK, "AWS::EC2::NatGateway")) == (zones if production else 1)
    network = app.stack(STACK).network  # type: ignore[attr-defined]
    assert network.nat_gateways == (3 if production else 1)


def _service(name: object) -> str:
    if isinstance(name, str):
        return name.split(".", 3)[3]
    return str(name["Fn::Join"][1][-1]).lstrip(".")  # type: ignore[index]


def test_interface_endpoints_only_in_production(app: Synthesized) -> None:
    # With the stack's region known the service name is a plain string (com.amazonaws.REGION.ssm).
    endpoints = [
        _service(endpoint["Properties"]["ServiceName"])
        for endpoint in app.resources(STACK, "AWS::EC2::VPCEndpoint").values()
        if endpoint["Properties"]["VpcEndpointType"] == "Interface"
    ]
    assert sorted(endpoints) == (INTERFACE_SERVICES if _stage(app) == "production" else [])


def test_flow_log_retention_and_removal_follow_the_stage(app: Synthesized) -> None:
    _, group = app.only(STACK, "AWS::Logs::LogGroup")
    if _stage(app) == "production":
        assert (group["Properties"]["RetentionInDays"], group["DeletionPolicy"]) == (365, "Retain")
    else:
        assert (group["Properties"]["RetentionInDays"], group["DeletionPolicy"]) == (7, "Delete")


def test_resources_carry_the_stack_and_pattern_tags(app: Synthesized) -> None:
    _, vpc = app.only(STACK, "AWS::EC2::VPC")
    tags = {tag["Key"]: tag["Value"] for tag in vpc["Properties"]["Tags"]}
    assert {key: tags[key] for key in ("Application", "App", "Stage", "Pattern")} == {
        "Application": "aws-reference-architectures",
        "App": "three-tier-web",
        "Stage": _stage(app),
        "Pattern": "network",
    }
