"""EC2: VPCs, IPv6 ranges, subnets, flow logs and security group egress rules."""

from __future__ import annotations

import ipaddress
from typing import Any

from tests.emulator.conftest import Cloud
from tests.emulator.templates import vpc


def _default_group(cloud: Cloud) -> dict[str, Any]:
    (group,) = cloud.client("ec2").describe_security_groups(
        Filters=[
            {"Name": "vpc-id", "Values": [cloud.physical_id("Vpc")]},
            {"Name": "group-name", "Values": ["default"]},
        ]
    )["SecurityGroups"]
    return dict(group)


def test_a_vpc_keeps_its_dns_attributes_tags_and_the_default_groups_rules(cloud: Cloud) -> None:
    stack = cloud.deploy(
        vpc(),
        outputs={
            "Cidr": {"Value": {"Fn::GetAtt": ["Vpc", "CidrBlock"]}},
            "DefaultGroup": {"Value": {"Fn::GetAtt": ["Vpc", "DefaultSecurityGroup"]}},
        },
    )
    ec2, vpc_id = cloud.client("ec2"), cloud.physical_id("Vpc")
    for attribute, key in (("enableDnsSupport", "EnableDnsSupport"), ("enableDnsHostnames", "EnableDnsHostnames")):
        assert ec2.describe_vpc_attribute(VpcId=vpc_id, Attribute=attribute)[key]["Value"] is True
    assert {"Key": "Name", "Value": "test"} in ec2.describe_vpcs(VpcIds=[vpc_id])["Vpcs"][0]["Tags"]
    group = _default_group(cloud)
    assert cloud.outputs(stack) == {"Cidr": "10.0.0.0/16", "DefaultGroup": group["GroupId"]}
    # As in EC2: members of the default group reach each other, and all IPv4 goes out.
    assert [pair["GroupId"] for pair in group["IpPermissions"][0]["UserIdGroupPairs"]] == [group["GroupId"]]
    assert group["IpPermissionsEgress"][0]["IpRanges"] == [{"CidrIp": "0.0.0.0/0"}]

    assert cloud.delete() == "DELETE_COMPLETE"
    assert ec2.describe_vpcs(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Vpcs"] == []


def test_a_subnet_keeps_its_zone_and_public_ip_setting(cloud: Cloud) -> None:
    cloud.deploy(vpc())
    (subnet,) = cloud.client("ec2").describe_subnets(SubnetIds=[cloud.physical_id("Subnet")])["Subnets"]
    assert (subnet["AvailabilityZone"], subnet["CidrBlock"], subnet["MapPublicIpOnLaunch"]) == (
        "us-east-1a",
        "10.0.0.0/24",
        False,
    )
    assert {"Key": "aws-cdk:subnet-type", "Value": "Public"} in subnet["Tags"]

    assert cloud.delete() == "DELETE_COMPLETE"


def test_an_ipv6_range_gives_the_subnet_a_64_and_the_default_group_ipv6_egress(cloud: Cloud) -> None:
    stack = cloud.deploy(vpc(ipv6=True), outputs={"Ipv6": {"Value": {"Fn::GetAtt": ["Ipv6", "Ipv6CidrBlock"]}}})
    assert stack["StackStatus"] == "CREATE_COMPLETE", cloud.events()
    vpc_range = ipaddress.ip_network(cloud.outputs(stack)["Ipv6"])
    ec2 = cloud.client("ec2")
    (subnet,) = ec2.describe_subnets(SubnetIds=[cloud.physical_id("Subnet")])["Subnets"]
    (association,) = subnet["Ipv6CidrBlockAssociationSet"]
    subnet_range = ipaddress.ip_network(association["Ipv6CidrBlock"])
    # Fn::Cidr's second /64 of the VPC's /56.
    assert (vpc_range.prefixlen, subnet_range) == (56, list(vpc_range.subnets(new_prefix=64))[1])
    assert subnet["AssignIpv6AddressOnCreation"] is True
    # EC2 adds an IPv6 egress rule to the default group when the VPC gets an IPv6 range.
    assert {"CidrIpv6": "::/0"} in [
        r for rule in _default_group(cloud)["IpPermissionsEgress"] for r in rule["Ipv6Ranges"]
    ]

    assert cloud.delete() == "DELETE_COMPLETE"


def test_a_flow_log_goes_to_its_log_group_and_is_deleted_with_the_stack(cloud: Cloud) -> None:
    cloud.deploy(
        vpc(
            Logs={"Type": "AWS::Logs::LogGroup", "Properties": {"RetentionInDays": 7}},
            FlowLog={
                "Type": "AWS::EC2::FlowLog",
                "Properties": {
                    "ResourceId": {"Ref": "Vpc"},
                    "ResourceType": "VPC",
                    "TrafficType": "ALL",
                    "LogDestinationType": "cloud-watch-logs",
                    "LogGroupName": {"Ref": "Logs"},
                    "DeliverLogsPermissionArn": "arn:aws:iam::123456789012:role/flow-logs",
                    "Tags": [{"Key": "Pattern", "Value": "network"}],
                },
            },
        )
    )
    ec2 = cloud.client("ec2")
    (flow_log,) = ec2.describe_flow_logs(FlowLogIds=[cloud.physical_id("FlowLog")])["FlowLogs"]
    assert (flow_log["ResourceId"], flow_log["LogGroupName"], flow_log["TrafficType"]) == (
        cloud.physical_id("Vpc"),
        cloud.physical_id("Logs"),
        "ALL",
    )
    assert {"Key": "Pattern", "Value": "network"} in flow_log["Tags"]

    assert cloud.delete() == "DELETE_COMPLETE"
    assert ec2.describe_flow_logs()["FlowLogs"] == []


def test_an_egress_rule_is_added_to_its_group(cloud: Cloud) -> None:
    cloud.deploy(
        {
            "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16"}},
            "Group": {
                "Type": "AWS::EC2::SecurityGroup",
                "Properties": {"GroupDescription": "g", "VpcId": {"Ref": "Vpc"}},
            },
            "Egress": {
                "Type": "AWS::EC2::SecurityGroupEgress",
                "Properties": {
                    "GroupId": {"Fn::GetAtt": ["Group", "GroupId"]},
                    "IpProtocol": "tcp",
                    "FromPort": 443,
                    "ToPort": 443,
                    "CidrIp": "10.0.0.0/8",
                },
            },
        }
    )
    group = cloud.client("ec2").describe_security_groups(GroupIds=[cloud.physical_id("Group")])["SecurityGroups"][0]
    assert {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443} in [
        {k: rule.get(k) for k in ("IpProtocol", "FromPort", "ToPort")} for rule in group["IpPermissionsEgress"]
    ]

    assert cloud.delete() == "DELETE_COMPLETE"
