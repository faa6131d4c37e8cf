"""The network stack's own per-stage settings."""

from __future__ import annotations

from dataclasses import dataclass

from cdk_refarch import InterfaceEndpoints, NatStrategy, VpcOptions


@dataclass(frozen=True)
class NetworkSettings:
    """
    :param vpc: the VPC's shape. The sandbox spans 2 AZs behind one NAT gateway (about
        33 USD a month); production 3 AZs with one NAT gateway each, so that losing an AZ
        leaves the others their egress. Each stage has its own range, so that the two
        VPCs can be peered or share a transit gateway without overlapping.
    :param interface_endpoints: none in the sandbox (each costs about 7.30 USD a month
        per AZ); in production all eight, so that Session Manager, image pulls, logs,
        secrets and keys stay inside the VPC.
    """

    vpc: VpcOptions
    interface_endpoints: InterfaceEndpoints | None


SETTINGS = {
    "sandbox": NetworkSettings(
        vpc=VpcOptions(cidr="10.10.0.0/16", max_azs=2, nat=NatStrategy.SINGLE),
        interface_endpoints=None,
    ),
    "production": NetworkSettings(
        vpc=VpcOptions(cidr="10.20.0.0/16", max_azs=3, nat=NatStrategy.PER_AZ),
        interface_endpoints=InterfaceEndpoints(),
    ),
}
