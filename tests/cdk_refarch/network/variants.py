"""Stacks that use Network's options; part of the variants app (../static_site/variants.py).

``NetworkNoFlowLogs`` turns flow logs off and shows that the construct does not hide
that choice from cdk-nag (tests/quality/test_gates.py).
"""

from __future__ import annotations

from aws_cdk import App, Fn, RemovalPolicy, Stack
from aws_cdk import aws_ec2 as ec2

from cdk_refarch import InterfaceEndpoints, NatStrategy, Network, VpcOptions
from tests.cdk_refarch.static_site.variants import EU_WEST_1

#: The existing VPC of ``NetworkExistingVpc``: two private subnets with their route tables.
EXISTING_VPC = {
    "vpc_id": "vpc-0123456789abcdef0",
    "availability_zones": ["eu-west-1a", "eu-west-1b"],
    "private_subnet_ids": ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"],
    "private_subnet_route_table_ids": ["rtb-0aaaaaaaaaaaaaaa1", "rtb-0aaaaaaaaaaaaaaa2"],
}


def build_network_variants(app: App) -> list[Stack]:
    stacks: list[Stack] = []

    # Every default, environment-agnostic: 3 AZs named by Fn::GetAZs, one NAT gateway.
    defaults = Stack(app, "NetworkDefaults")
    Network(defaults, "Network")
    stacks.append(defaults)

    # A small range in 2 looked-up AZs of a region, a NAT gateway per AZ, dual stack, three
    # interface endpoints without private DNS, short retention, DESTROY.
    options = Stack(app, "NetworkOptions", env=EU_WEST_1)
    Network(
        options,
        "Network",
        vpc=VpcOptions(cidr="10.1.0.0/20", max_azs=2, nat=NatStrategy.PER_AZ, ipv6=True),
        interface_endpoints=InterfaceEndpoints(services=("ssm", "ecr.api", "ecr.dkr"), private_dns=False),
        log_retention_days=14,
        removal_policy=RemovalPolicy.DESTROY,
    )
    stacks.append(options)

    # Endpoints only: no NAT gateway, so no private-with-egress tier.
    endpoints_only = Stack(app, "NetworkEndpointsOnly")
    Network(
        endpoints_only,
        "Network",
        vpc=VpcOptions(max_azs=2, nat=NatStrategy.NONE),
        interface_endpoints=InterfaceEndpoints(),
    )
    stacks.append(endpoints_only)

    # The user's own VPC, whose range comes from another stack's export (a reference
    # cdk-nag cannot read): flow log and endpoints only.
    existing = Stack(app, "NetworkExistingVpc", env=EU_WEST_1)
    vpc = ec2.Vpc.from_vpc_attributes(
        existing, "Vpc", vpc_cidr_block=Fn.import_value("shared-vpc-cidr"), **EXISTING_VPC
    )
    Network(existing, "Network", existing_vpc=vpc, interface_endpoints=InterfaceEndpoints(services=("logs",)))
    stacks.append(existing)

    # Flow logs and gateway endpoints off: cdk-nag must still report the missing flow log.
    no_flow_logs = Stack(app, "NetworkNoFlowLogs")
    Network(no_flow_logs, "Network", vpc=VpcOptions(max_azs=1), flow_logs=False, gateway_endpoints=False)
    stacks.append(no_flow_logs)

    return stacks
