"""Typed options for ``Network``; ``checks.py`` checks them when the construct is built."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from aws_cdk import aws_ec2 as ec2


class NatStrategy(Enum):
    """How private subnets reach the internet (prices in ``cdk_refarch/network/README.md``).

    - ``NONE``: no NAT gateway and no private-with-egress tier; workloads run in the
      isolated subnets and reach AWS services through VPC endpoints only.
    - ``SINGLE``: one NAT gateway, in the first AZ, for every private subnet: cheapest
      egress, but an outage of that AZ cuts the egress of all of them.
    - ``PER_AZ``: one NAT gateway per AZ, each AZ's private subnet routed through its own.
    """

    NONE = "none"
    SINGLE = "single"
    PER_AZ = "per-az"


#: The VPC's address range when none is given.
DEFAULT_CIDR = "10.0.0.0/16"
#: Availability zones when none are given: three, so that losing one leaves two.
DEFAULT_MAX_AZS = 3


@dataclass(frozen=True)
class VpcOptions:
    """The shape of a VPC that ``Network`` creates (not with ``existing_vpc``).

    :param cidr: the VPC's IPv4 range, a /16 to /28 network such as ``10.0.0.0/16``;
        every subnet tier gets an equal share in every AZ.
    :param max_azs: 1 to 6 availability zones (fewer if the region has fewer).
    :param nat: the :class:`NatStrategy`; one NAT gateway by default.
    :param ipv6: dual stack: an Amazon-provided /56, a /64 per subnet, and an
        egress-only internet gateway for the private subnets' IPv6 egress.
    """

    cidr: str = DEFAULT_CIDR
    max_azs: int = DEFAULT_MAX_AZS
    nat: NatStrategy = NatStrategy.SINGLE
    ipv6: bool = False


#: The AWS services an interface endpoint can be asked for, by the last part of their
#: endpoint service name (``com.amazonaws.REGION.<name>``).
INTERFACE_SERVICES: dict[str, ec2.InterfaceVpcEndpointAwsService] = {
    "ssm": ec2.InterfaceVpcEndpointAwsService.SSM,
    "ssmmessages": ec2.InterfaceVpcEndpointAwsService.SSM_MESSAGES,
    "ec2messages": ec2.InterfaceVpcEndpointAwsService.EC2_MESSAGES,
    "ecr.api": ec2.InterfaceVpcEndpointAwsService.ECR,
    "ecr.dkr": ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER,
    "logs": ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS,
    "secretsmanager": ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
    "kms": ec2.InterfaceVpcEndpointAwsService.KMS,
}


@dataclass(frozen=True)
class InterfaceEndpoints:
    """Interface endpoints (PrivateLink) in the private subnets, one per service and AZ.

    :param services: names from :data:`INTERFACE_SERVICES`; all eight by default: Session
        Manager (``ssm``, ``ssmmessages``, ``ec2messages``), ECR image pulls (``ecr.api``,
        ``ecr.dkr``), CloudWatch Logs, Secrets Manager and KMS.
    :param private_dns: the services' public names resolve to the endpoints inside the
        VPC, so SDKs and agents use them with no configuration.
    """

    services: tuple[str, ...] = tuple(INTERFACE_SERVICES)
    private_dns: bool = True
