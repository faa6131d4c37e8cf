"""EC2: internet and egress-only gateways, route tables, routes, Elastic IPs, NAT gateways
and VPC endpoints, each deleted with its stack."""

from __future__ import annotations

from typing import Any

from tests.emulator.conftest import Cloud
from tests.emulator.templates import vpc

TAGS = [{"Key": "Pattern", "Value": "network"}]


def _routing(*, ipv6: bool = False) -> dict[str, Any]:
    """A public subnet through an internet gateway, a NAT gateway in it, and a private
    route table through the NAT (and the egress-only gateway with ``ipv6``)."""
    resources: dict[str, Any] = {
        "Igw": {"Type": "AWS::EC2::InternetGateway", "Properties": {"Tags": TAGS}},
        "Attachment": {
            "Type": "AWS::EC2::VPCGatewayAttachment",
            "Properties": {"VpcId": {"Ref": "Vpc"}, "InternetGatewayId": {"Ref": "Igw"}},
        },
        "PublicTable": {"Type": "AWS::EC2::RouteTable", "Properties": {"VpcId": {"Ref": "Vpc"}, "Tags": TAGS}},
        "PublicAssociation": {
            "Type": "AWS::EC2::SubnetRouteTableAssociation",
            "Properties": {"RouteTableId": {"Ref": "PublicTable"}, "SubnetId": {"Ref": "Subnet"}},
        },
        "PublicRoute": {
            "Type": "AWS::EC2::Route",
            "Properties": {
                "RouteTableId": {"Ref": "PublicTable"},
                "DestinationCidrBlock": "0.0.0.0/0",
                "GatewayId": {"Ref": "Igw"},
            },
            "DependsOn": ["Attachment"],
        },
        "Eip": {"Type": "AWS::EC2::EIP", "Properties": {"Domain": "vpc", "Tags": TAGS}},
        "Nat": {
            "Type": "AWS::EC2::NatGateway",
            "Properties": {
                "SubnetId": {"Ref": "Subnet"},
                "AllocationId": {"Fn::GetAtt": ["Eip", "AllocationId"]},
                "Tags": TAGS,
            },
        },
        "PrivateTable": {"Type": "AWS::EC2::RouteTable", "Properties": {"VpcId": {"Ref": "Vpc"}}},
        "PrivateRoute": {
            "Type": "AWS::EC2::Route",
            "Properties": {
                "RouteTableId": {"Ref": "PrivateTable"},
                "DestinationCidrBlock": "0.0.0.0/0",
                "NatGatewayId": {"Ref": "Nat"},
            },
        },
    }
    if ipv6:
        resources["Eigw"] = {"Type": "AWS::EC2::EgressOnlyInternetGateway", "Properties": {"VpcId": {"Ref": "Vpc"}}}
        resources["PrivateIpv6Route"] = {
            "Type": "AWS::EC2::Route",
            "Properties": {
                "RouteTableId": {"Ref": "PrivateTable"},
                "DestinationIpv6CidrBlock": "::/0",
                "EgressOnlyInternetGatewayId": {"Ref": "Eigw"},
            },
        }
    return vpc(ipv6=ipv6, **resources)


def _routes(cloud: Cloud, table: str) -> list[dict[str, Any]]:
    (found,) = cloud.client("ec2").describe_route_tables(RouteTableIds=[cloud.physical_id(table)])["RouteTables"]
    return [route for route in found["Routes"] if route.get("GatewayId") != "local"]


def test_gateways_route_tables_and_a_nat_gateway_read_back_and_go_with_the_stack(cloud: Cloud) -> None:
    stack = cloud.deploy(_routing())
    assert stack["StackStatus"] == "CREATE_COMPLETE", cloud.events()
    ec2 = cloud.client("ec2")
    vpc_id, subnet_id = cloud.physical_id("Vpc"), cloud.physical_id("Subnet")
    (gateway,) = ec2.describe_internet_gateways(InternetGatewayIds=[cloud.physical_id("Igw")])["InternetGateways"]
    assert gateway["Attachments"][0]["VpcId"] == vpc_id and gateway["Tags"] == TAGS
    (table,) = ec2.describe_route_tables(RouteTableIds=[cloud.physical_id("PublicTable")])["RouteTables"]
    # moto's own association is missing from the route table; this one is there.
    assert [a["SubnetId"] for a in table["Associations"]] == [subnet_id]
    assert {"Key": "Pattern", "Value": "network"} in table["Tags"]
    assert [(r["DestinationCidrBlock"], r["GatewayId"]) for r in _routes(cloud, "PublicTable")] == [
        ("0.0.0.0/0", gateway["InternetGatewayId"])
    ]
    (nat,) = ec2.describe_nat_gateways(NatGatewayIds=[cloud.physical_id("Nat")])["NatGateways"]
    assert (nat["State"], nat["SubnetId"], nat["NatGatewayAddresses"][0]["PublicIp"]) == (
        "available",
        subnet_id,
        cloud.physical_id("Eip"),  # an Elastic IP's Ref is its address
    )
    assert [route["NatGatewayId"] for route in _routes(cloud, "PrivateTable")] == [nat["NatGatewayId"]]

    assert cloud.delete() == "DELETE_COMPLETE", cloud.events()
    assert ec2.describe_vpcs(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Vpcs"] == []
    assert (
        ec2.describe_internet_gateways(Filters=[{"Name": "tag:Pattern", "Values": ["network"]}])["InternetGateways"]
        == []
    )
    assert ec2.describe_addresses()["Addresses"] == []
    # EC2 lists a deleted NAT gateway for a while, and frees its network interface at once.
    assert ec2.describe_nat_gateways(NatGatewayIds=[nat["NatGatewayId"]])["NatGateways"][0]["State"] == "deleted"
    assert (
        ec2.describe_network_interfaces(Filters=[{"Name": "subnet-id", "Values": [subnet_id]}])["NetworkInterfaces"]
        == []
    )


def test_private_ipv6_traffic_leaves_through_the_egress_only_gateway(cloud: Cloud) -> None:
    stack = cloud.deploy(_routing(ipv6=True))
    assert stack["StackStatus"] == "CREATE_COMPLETE", cloud.events()
    eigw = cloud.physical_id("Eigw")
    (gateway,) = cloud.client("ec2").describe_egress_only_internet_gateways(EgressOnlyInternetGatewayIds=[eigw])[
        "EgressOnlyInternetGateways"
    ]
    assert gateway["Attachments"][0]["VpcId"] == cloud.physical_id("Vpc")
    assert {
        route.get("DestinationIpv6CidrBlock"): route.get("EgressOnlyInternetGatewayId")
        for route in _routes(cloud, "PrivateTable")
    }[("::/0")] == eigw

    assert cloud.delete() == "DELETE_COMPLETE", cloud.events()


def test_gateway_and_interface_endpoints(cloud: Cloud) -> None:
    service = {"Fn::Join": ["", ["com.amazonaws.", {"Ref": "AWS::Region"}, ".s3"]]}
    stack = cloud.deploy(
        vpc(
            Table={"Type": "AWS::EC2::RouteTable", "Properties": {"VpcId": {"Ref": "Vpc"}}},
            Group={
                "Type": "AWS::EC2::SecurityGroup",
                "Properties": {"GroupDescription": "endpoints", "VpcId": {"Ref": "Vpc"}},
            },
            S3={
                "Type": "AWS::EC2::VPCEndpoint",
                "Properties": {
                    "VpcId": {"Ref": "Vpc"},
                    "ServiceName": service,
                    "VpcEndpointType": "Gateway",
                    "RouteTableIds": [{"Ref": "Table"}],
                    "Tags": TAGS,
                },
            },
            Ssm={
                "Type": "AWS::EC2::VPCEndpoint",
                "Properties": {
                    "VpcId": {"Ref": "Vpc"},
                    "ServiceName": "com.amazonaws.us-east-1.ssm",
                    "VpcEndpointType": "Interface",
                    "PrivateDnsEnabled": True,
                    "SubnetIds": [{"Ref": "Subnet"}],
                    "SecurityGroupIds": [{"Fn::GetAtt": ["Group", "GroupId"]}],
                },
            },
        )
    )
    assert stack["StackStatus"] == "CREATE_COMPLETE", cloud.events()
    ec2 = cloud.client("ec2")
    endpoints = {e["VpcEndpointId"]: e for e in ec2.describe_vpc_endpoints()["VpcEndpoints"]}
    s3, ssm = endpoints[cloud.physical_id("S3")], endpoints[cloud.physical_id("Ssm")]
    assert (s3["VpcEndpointType"], s3["ServiceName"], s3["RouteTableIds"]) == (
        "Gateway",
        "com.amazonaws.us-east-1.s3",
        [cloud.physical_id("Table")],
    )
    assert s3["Tags"] == TAGS
    assert (ssm["VpcEndpointType"], ssm["SubnetIds"], ssm["PrivateDnsEnabled"]) == (
        "Interface",
        [cloud.physical_id("Subnet")],
        True,
    )
    assert [group["GroupId"] for group in ssm["Groups"]] == [cloud.physical_id("Group")]

    assert cloud.delete() == "DELETE_COMPLETE", cloud.events()
    # As in EC2, deleted endpoints stay listed for a while.
    assert {e["State"].lower() for e in ec2.describe_vpc_endpoints()["VpcEndpoints"]} == {"deleted"}
