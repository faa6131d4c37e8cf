"""A VPC with public, private and isolated subnets, NAT by strategy, flow logs and VPC
endpoints: ``Network``."""

from cdk_refarch.network.construct import Network
from cdk_refarch.network.options import INTERFACE_SERVICES, InterfaceEndpoints, NatStrategy, VpcOptions

__all__ = ["INTERFACE_SERVICES", "InterfaceEndpoints", "NatStrategy", "Network", "VpcOptions"]
