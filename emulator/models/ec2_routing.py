"""EC2: how a VPC's traffic leaves it (gateways, route tables, routes, Elastic IPs, NAT
gateways, VPC endpoints), where moto's CloudFormation gets it wrong.

moto's own models of these types cannot be deleted, so a VPC never goes away with its
stack; most drop their tags; a subnet's route table association is not recorded on the
route table (``DescribeRouteTables`` shows none); a route cannot go to an IPv6
destination. Each model here creates its resource through moto's EC2 backend and
removes it as CloudFormation does; a removal that EC2 refuses while something still
depends on it (an attached gateway, an associated route table) fails, and moto retries
it once the dependent resource is gone.
"""

from __future__ import annotations

from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.ec2.exceptions import DependencyViolationError, InvalidRouteError, InvalidRouteTableIdError

from emulator.models.base import SandboxModel, as_list
from emulator.models.ec2 import ec2_backend, tag
from emulator.models.registry import overrides, registered


@overrides("AWS::EC2::InternetGateway")
class InternetGateway(SandboxModel):
    TYPE = "AWS::EC2::InternetGateway"
    ATTRIBUTES = ("InternetGatewayId",)

    @classmethod
    def create(
        cls, name: str, properties: dict[str, Any], account_id: str, region_name: str, logical_id: str
    ) -> InternetGateway:
        backend = ec2_backend(account_id, region_name)
        gateway = backend.create_internet_gateway()
        tag(backend, gateway.id, properties)
        return cls(gateway.id, account_id, region_name, properties, {"InternetGatewayId": gateway.id})

    def remove(self) -> None:
        ec2_backend(self.account_id, self.region_name).delete_internet_gateway(self.physical_resource_id)


@overrides("AWS::EC2::VPCGatewayAttachment")
class VpcGatewayAttachment(SandboxModel):
    TYPE = "AWS::EC2::VPCGatewayAttachment"

    @classmethod
    def create(
        cls, name: str, properties: dict[str, Any], account_id: str, region_name: str, logical_id: str
    ) -> VpcGatewayAttachment:
        backend, vpc_id = ec2_backend(account_id, region_name), properties["VpcId"]
        if properties.get("InternetGatewayId"):
            backend.attach_internet_gateway(properties["InternetGatewayId"], vpc_id)
        else:
            backend.attach_vpn_gateway(vpn_gateway_id=properties["VpnGatewayId"], vpc_id=vpc_id)
        return cls(name, account_id, region_name, properties)

    def remove(self) -> None:
        backend, vpc_id = ec2_backend(self.account_id, self.region_name), self.properties["VpcId"]
        if self.properties.get("InternetGatewayId"):
            backend.detach_internet_gateway(self.properties["InternetGatewayId"], vpc_id)
        else:
            backend.detach_vpn_gateway(vpn_gateway_id=self.properties["VpnGatewayId"], vpc_id=vpc_id)


@registered
class EgressOnlyInternetGateway(SandboxModel, CloudFormationModel):
    """IPv6 egress for private subnets of a dual-stack VPC."""

    TYPE = "AWS::EC2::EgressOnlyInternetGateway"
    ATTRIBUTES = ("Id",)

    @classmethod
    def create(
        cls, name: str, properties: dict[str, Any], account_id: str, region_name: str, logical_id: str
    ) -> EgressOnlyInternetGateway:
        backend = ec2_backend(account_id, region_name)
        gateway = backend.create_egress_only_internet_gateway(properties["VpcId"])
        tag(backend, gateway.id, properties)
        return cls(gateway.id, account_id, region_name, properties, {"Id": gateway.id})

    def remove(self) -> None:
        ec2_backend(self.account_id, self.region_name).delete_egress_only_internet_gateway(self.physical_resource_id)


@overrides("AWS::EC2::RouteTable")
class RouteTable(SandboxModel):
    TYPE = "AWS::EC2::RouteTable"
    ATTRIBUTES = ("RouteTableId",)

    @classmethod
    def create(
        cls, name: str, properties: dict[str, Any], account_id: str, region_name: str, logical_id: str
    ) -> RouteTable:
        backend = ec2_backend(account_id, region_name)
        table = backend.create_route_table(properties["VpcId"])
        tag(backend, table.id, properties)
        return cls(table.id, account_id, region_name, properties, {"RouteTableId": table.id})

    def remove(self) -> None:
        ec2_backend(self.account_id, self.region_name).delete_route_table(self.physical_resource_id)


@overrides("AWS::EC2::SubnetRouteTableAssociation")
class SubnetRouteTableAssociation(SandboxModel):
    TYPE = "AWS::EC2::SubnetRouteTableAssociation"
    ATTRIBUTES = ("Id",)

    @classmethod
    def create(
        cls, name: str, properties: dict[str, Any], account_id: str, region_name: str, logical_id: str
    ) -> SubnetRouteTableAssociation:
        backend = ec2_backend(account_id, region_name)
        association_id = backend.associate_route_table(properties["RouteTableId"], subnet_id=properties["SubnetId"])
        return cls(association_id, account_id, region_name, properties, {"Id": association_id})

    def remove(self) -> None:
        ec2_backend(self.account_id, self.region_name).disassociate_route_table(self.physical_resource_id)


@overrides("AWS::EC2::Route")
class Route(SandboxModel):
    TYPE = "AWS::EC2::Route"

    @classmethod
    def create(cls, name: str, properties: dict[str, Any], account_id: str, region_name: str, logical_id: str) -> Route:
        p = properties
        route = ec2_backend(account_id, region_name).create_route(
            route_table_id=p["RouteTableId"],
            destination_cidr_block=p.get("DestinationCidrBlock"),
            destination_ipv6_cidr_block=p.get("DestinationIpv6CidrBlock"),
            destination_prefix_list_id=p.get("DestinationPrefixListId"),
            gateway_id=p.get("GatewayId"),
            instance_id=p.get("InstanceId"),
            nat_gateway_id=p.get("NatGatewayId"),
            egress_only_igw_id=p.get("EgressOnlyInternetGatewayId"),
            transit_gateway_id=p.get("TransitGatewayId"),
            interface_id=p.get("NetworkInterfaceId"),
            vpc_peering_connection_id=p.get("VpcPeeringConnectionId"),
            vpc_endpoint_id=p.get("VpcEndpointId"),
        )
        return cls(route.id, account_id, region_name, p)

    def remove(self) -> None:
        p = self.properties
        try:
            ec2_backend(self.account_id, self.region_name).delete_route(
                p["RouteTableId"],
                p.get("DestinationCidrBlock"),  # type: ignore[arg-type]
                p.get("DestinationIpv6CidrBlock"),
                p.get("DestinationPrefixListId"),
            )
        except (InvalidRouteError, InvalidRouteTableIdError):
            pass  # gone with its route table


@overrides("AWS::EC2::EIP")
class Eip(SandboxModel):
    TYPE = "AWS::EC2::EIP"
    ATTRIBUTES = ("AllocationId", "PublicIp")

    @classmethod
    def create(cls, name: str, properties: dict[str, Any], account_id: str, region_name: str, logical_id: str) -> Eip:
        backend = ec2_backend(account_id, region_name)
        address = backend.allocate_address(domain=properties.get("Domain", "vpc"))
        tag(backend, address.allocation_id, properties)
        attributes = {"AllocationId": address.allocation_id, "PublicIp": address.public_ip}
        # CloudFormation's Ref of an Elastic IP is its address.
        return cls(address.public_ip, account_id, region_name, properties, attributes)

    def remove(self) -> None:
        backend = ec2_backend(self.account_id, self.region_name)
        allocation_id = self.attributes["AllocationId"]
        users = [
            nat.id
            for nat in backend.nat_gateways.values()
            if nat.state != "deleted" and any(a.get("allocationId") == allocation_id for a in nat.address_set)
        ]
        if users:
            # EC2 refuses too: the address is in use until its NAT gateway is deleted.
            raise DependencyViolationError(f"{allocation_id} is in use by {', '.join(users)}")
        backend.release_address(allocation_id=allocation_id)


@overrides("AWS::EC2::NatGateway")
class NatGateway(SandboxModel):
    TYPE = "AWS::EC2::NatGateway"
    ATTRIBUTES = ("NatGatewayId",)

    @classmethod
    def create(
        cls, name: str, properties: dict[str, Any], account_id: str, region_name: str, logical_id: str
    ) -> NatGateway:
        backend = ec2_backend(account_id, region_name)
        nat = backend.create_nat_gateway(
            properties["SubnetId"],
            properties.get("AllocationId"),  # type: ignore[arg-type]
            connectivity_type=properties.get("ConnectivityType", "public"),
        )
        tag(backend, nat.id, properties)
        return cls(nat.id, account_id, region_name, properties, {"NatGatewayId": nat.id})

    def remove(self) -> None:
        backend = ec2_backend(self.account_id, self.region_name)
        # EC2 keeps a deleted NAT gateway listed for a while (state "deleted"), and
        # removes its network interface at once.
        nat = backend.delete_nat_gateway(self.physical_resource_id)
        backend.enis.pop(nat._eni.id, None)


@overrides("AWS::EC2::VPCEndpoint")
class VpcEndpoint(SandboxModel):
    """Gateway endpoints add a route to the service's prefix list in each route table;
    interface endpoints get a network interface per subnet."""

    TYPE = "AWS::EC2::VPCEndpoint"
    ATTRIBUTES = ("Id", "DnsEntries", "NetworkInterfaceIds")

    @classmethod
    def create(
        cls, name: str, properties: dict[str, Any], account_id: str, region_name: str, logical_id: str
    ) -> VpcEndpoint:
        p = properties
        backend = ec2_backend(account_id, region_name)
        endpoint = backend.create_vpc_endpoint(
            vpc_id=p["VpcId"],
            service_name=p["ServiceName"],
            endpoint_type=p.get("VpcEndpointType", "Gateway"),
            policy_document=p.get("PolicyDocument"),
            route_table_ids=as_list(p.get("RouteTableIds")),
            subnet_ids=as_list(p.get("SubnetIds")),
            security_group_ids=as_list(p.get("SecurityGroupIds")),
            private_dns_enabled=p.get("PrivateDnsEnabled"),
        )
        tag(backend, endpoint.id, p)
        attributes = {
            "Id": endpoint.id,
            "DnsEntries": [f"{entry['hosted_zone_id']}:{entry['dns_name']}" for entry in endpoint.dns_entries or []],
            "NetworkInterfaceIds": list(endpoint.network_interface_ids or []),
        }
        return cls(endpoint.id, account_id, region_name, p, attributes)

    def remove(self) -> None:
        backend = ec2_backend(self.account_id, self.region_name)
        endpoint = backend.vpc_end_points.get(self.physical_resource_id)
        if endpoint is None:
            return
        # moto removes the endpoint's routes table by table, and fails on a table that
        # is already gone (a route table of the same stack may be deleted first).
        endpoint.route_table_ids = [table for table in endpoint.route_table_ids if table in backend.route_tables]
        backend.delete_vpc_endpoints([self.physical_resource_id])
