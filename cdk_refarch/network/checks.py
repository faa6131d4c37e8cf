"""Network's input checks, all in one function called before anything is built."""

from __future__ import annotations

import ipaddress
import math

from aws_cdk import aws_ec2 as ec2

from cdk_refarch.core.errors import PatternConfigError, require
from cdk_refarch.core.retention import log_retention
from cdk_refarch.core.validation import check_bool, check_int
from cdk_refarch.network.options import INTERFACE_SERVICES, InterfaceEndpoints, NatStrategy, VpcOptions

#: The prefix lengths a VPC's IPv4 range can have, and the smallest subnet AWS allows.
VPC_PREFIXES = (16, 28)
SMALLEST_SUBNET = 28
MAX_AZS = 6


def check_network(
    *,
    vpc: VpcOptions | None,
    existing_vpc: ec2.IVpc | None,
    gateway_endpoints: bool,
    interface_endpoints: InterfaceEndpoints | None,
    flow_logs: bool,
    log_retention_days: int,
) -> None:
    """Every rule on Network's input, including those that concern more than one field."""
    log_retention("log_retention_days", log_retention_days)
    check_bool("gateway_endpoints", gateway_endpoints)
    check_bool("flow_logs", flow_logs)
    require(
        vpc is None or existing_vpc is None,
        "vpc cannot be combined with existing_vpc: an existing VPC keeps its own address range, "
        "availability zones, NAT gateways and IP protocols",
    )
    if vpc is not None:
        _check_vpc_options(vpc)
    nat = (vpc or VpcOptions()).nat if existing_vpc is None else None
    if interface_endpoints is not None:
        _check_interface_endpoints(interface_endpoints, nat=nat, gateway_endpoints=gateway_endpoints)


def _check_vpc_options(vpc: VpcOptions) -> None:
    require(isinstance(vpc, VpcOptions), f"vpc ({vpc!r}) must be a VpcOptions")
    check_int("max_azs", vpc.max_azs, minimum=1, maximum=MAX_AZS)
    require(
        isinstance(vpc.nat, NatStrategy),
        f"nat ({vpc.nat!r}) must be a NatStrategy: NONE, SINGLE or PER_AZ",
    )
    check_bool("ipv6", vpc.ipv6)
    network = _network("cidr", vpc.cidr)
    # Every tier gets an equal, power-of-two share of the range in every AZ (CDK's split).
    tiers = 2 if vpc.nat is NatStrategy.NONE else 3
    subnets = tiers * vpc.max_azs
    needed = SMALLEST_SUBNET - math.ceil(math.log2(subnets))
    require(
        network.prefixlen <= needed,
        f"cidr ({vpc.cidr!r}) is too small for {subnets} subnets ({tiers} tiers in {vpc.max_azs} AZs): "
        f"each subnet needs at least a /{SMALLEST_SUBNET} (16 addresses, 5 of them reserved by AWS); "
        f"use a /{needed} or larger, or fewer AZs",
    )


def _network(prop: str, cidr: object) -> ipaddress.IPv4Network:
    low, high = VPC_PREFIXES
    message = (
        f"{prop} ({cidr!r}) must be an IPv4 network such as '10.0.0.0/16', with a prefix from "
        f"/{low} to /{high} (the sizes a VPC can have) and no host bits set"
    )
    if not isinstance(cidr, str):
        raise PatternConfigError(message)
    try:
        network = ipaddress.IPv4Network(cidr, strict=True)
    except ValueError:
        raise PatternConfigError(message) from None
    require(low <= network.prefixlen <= high, message)
    return network


def _check_interface_endpoints(
    endpoints: InterfaceEndpoints, *, nat: NatStrategy | None, gateway_endpoints: bool
) -> None:
    require(
        isinstance(endpoints, InterfaceEndpoints),
        f"interface_endpoints ({endpoints!r}) must be an InterfaceEndpoints, or None for none",
    )
    known = ", ".join(INTERFACE_SERVICES)
    services = endpoints.services
    require(
        isinstance(services, (tuple, list)) and len(services) > 0,
        f"interface_endpoints.services ({services!r}) must name at least one of: {known}",
    )
    for name in services:
        require(name in INTERFACE_SERVICES, f"interface_endpoints.services: {name!r} is not one of: {known}")
    repeated = sorted({name for name in services if list(services).count(name) > 1})
    require(not repeated, f"interface_endpoints.services names {', '.join(repeated)} more than once")
    check_bool("interface_endpoints.private_dns", endpoints.private_dns)
    require(
        not (nat is NatStrategy.NONE and "ecr.dkr" in services and not gateway_endpoints),
        "interface_endpoints with 'ecr.dkr' and nat NONE need gateway_endpoints=True: ECR serves "
        "image layers from S3, which subnets without NAT reach only through the S3 gateway endpoint",
    )
