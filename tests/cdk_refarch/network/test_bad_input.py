"""Bad input fails when the construct is built, with a message naming property and value."""

from __future__ import annotations

import re
from typing import Any

import pytest
from aws_cdk import App, Stack
from aws_cdk import aws_ec2 as ec2

from cdk_refarch import InterfaceEndpoints, NatStrategy, Network, PatternConfigError, VpcOptions
from tests.cdk_refarch.network.variants import EXISTING_VPC
from tests.synthesis import CDK_CONTEXT

CIDR_RULE = (
    "must be an IPv4 network such as '10.0.0.0/16', with a prefix from /16 to /28 "
    "(the sizes a VPC can have) and no host bits set"
)
SERVICES = "ssm, ssmmessages, ec2messages, ecr.api, ecr.dkr, logs, secretsmanager, kms"


def _stack() -> Stack:
    return Stack(App(context=CDK_CONTEXT), "Test")


def _fails(message: str, stack: Stack | None = None, **props: Any) -> None:
    with pytest.raises(PatternConfigError, match=re.escape(message) + "$"):
        Network(stack or _stack(), "Network", **props)


@pytest.mark.parametrize("max_azs", [0, 7, -1, True, 2.0, "3", None])
def test_max_azs_outside_1_to_6(max_azs: object) -> None:
    _fails(f"max_azs ({max_azs!r}) must be an integer from 1 to 6", vpc=VpcOptions(max_azs=max_azs))  # type: ignore[arg-type]


@pytest.mark.parametrize("cidr", ["10.0.0.0/8", "10.0.0.0/15", "10.0.0.0/29", "10.0.0.0"])
def test_cidr_outside_16_to_28(cidr: str) -> None:
    _fails(f"cidr ({cidr!r}) {CIDR_RULE}", vpc=VpcOptions(cidr=cidr))


@pytest.mark.parametrize("cidr", ["10.0.0.1/16", "10.0.0.0/33", "not-a-cidr", "2001:db8::/56", "", None, 167772160])
def test_cidr_that_is_not_an_ipv4_network(cidr: object) -> None:
    _fails(f"cidr ({cidr!r}) {CIDR_RULE}", vpc=VpcOptions(cidr=cidr))  # type: ignore[arg-type]


def test_cidr_too_small_for_the_subnets() -> None:
    _fails(
        "cidr ('10.0.0.0/25') is too small for 9 subnets (3 tiers in 3 AZs): each subnet needs at least "
        "a /28 (16 addresses, 5 of them reserved by AWS); use a /24 or larger, or fewer AZs",
        vpc=VpcOptions(cidr="10.0.0.0/25"),
    )
    # A /28 is a valid VPC, but too small for two tiers in one AZ.
    _fails(
        "cidr ('10.0.0.0/28') is too small for 2 subnets (2 tiers in 1 AZs): each subnet needs at least "
        "a /28 (16 addresses, 5 of them reserved by AWS); use a /27 or larger, or fewer AZs",
        vpc=VpcOptions(cidr="10.0.0.0/28", max_azs=1, nat=NatStrategy.NONE),
    )


def test_the_smallest_range_that_fits_is_accepted() -> None:
    network = Network(_stack(), "Network", vpc=VpcOptions(cidr="10.0.0.0/27", max_azs=1, nat=NatStrategy.NONE))
    assert [subnet.ipv4_cidr_block for subnet in network.vpc.public_subnets + network.vpc.isolated_subnets] == [
        "10.0.0.0/28",
        "10.0.0.16/28",
    ]


def test_nat_must_be_a_strategy() -> None:
    _fails("nat ('per-az') must be a NatStrategy: NONE, SINGLE or PER_AZ", vpc=VpcOptions(nat="per-az"))  # type: ignore[arg-type]


def test_ipv6_must_be_a_bool() -> None:
    _fails("ipv6 ('yes') must be True or False", vpc=VpcOptions(ipv6="yes"))  # type: ignore[arg-type]


def test_vpc_must_be_vpc_options() -> None:
    _fails("vpc ({'cidr': '10.0.0.0/16'}) must be a VpcOptions", vpc={"cidr": "10.0.0.0/16"})


def test_vpc_options_cannot_shape_an_existing_vpc() -> None:
    stack = _stack()
    existing = ec2.Vpc.from_vpc_attributes(stack, "Existing", vpc_cidr_block="10.9.0.0/16", **EXISTING_VPC)
    _fails(
        "vpc cannot be combined with existing_vpc: an existing VPC keeps its own address range, "
        "availability zones, NAT gateways and IP protocols",
        stack,
        vpc=VpcOptions(max_azs=2),
        existing_vpc=existing,
    )


@pytest.mark.parametrize(
    ("endpoints", "message"),
    [
        (InterfaceEndpoints(services=()), f"interface_endpoints.services (()) must name at least one of: {SERVICES}"),
        (InterfaceEndpoints(services=("s3",)), f"interface_endpoints.services: 's3' is not one of: {SERVICES}"),
        (
            InterfaceEndpoints(services="ssm"),  # type: ignore[arg-type]
            f"interface_endpoints.services ('ssm') must name at least one of: {SERVICES}",
        ),
        (
            InterfaceEndpoints(services=("kms", "logs", "kms")),
            "interface_endpoints.services names kms more than once",
        ),
        (InterfaceEndpoints(private_dns=1), "interface_endpoints.private_dns (1) must be True or False"),  # type: ignore[arg-type]
        (["ssm"], "interface_endpoints (['ssm']) must be an InterfaceEndpoints, or None for none"),
    ],
)
def test_interface_endpoints(endpoints: object, message: str) -> None:
    _fails(message, interface_endpoints=endpoints)


def test_ecr_without_nat_needs_the_s3_gateway_endpoint() -> None:
    _fails(
        "interface_endpoints with 'ecr.dkr' and nat NONE need gateway_endpoints=True: ECR serves image layers "
        "from S3, which subnets without NAT reach only through the S3 gateway endpoint",
        vpc=VpcOptions(nat=NatStrategy.NONE),
        interface_endpoints=InterfaceEndpoints(),
        gateway_endpoints=False,
    )


@pytest.mark.parametrize(("prop", "value"), [("flow_logs", "no"), ("gateway_endpoints", None)])
def test_switches_must_be_bools(prop: str, value: object) -> None:
    _fails(f"{prop} ({value!r}) must be True or False", **{prop: value})


@pytest.mark.parametrize("days", [8, True, 7.0])
def test_log_retention_must_be_a_cloudwatch_period(days: object) -> None:
    with pytest.raises(PatternConfigError, match=re.escape(f"log_retention_days ({days!r}) must be one of")):
        Network(_stack(), "Network", log_retention_days=days)  # type: ignore[arg-type]
