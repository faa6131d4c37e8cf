"""Network's defaults and options, on the test stacks in variants.py beside this file."""

from __future__ import annotations

import ipaddress
from typing import Any

from aws_cdk import aws_ec2 as ec2

from cdk_refarch import NatStrategy, Network
from tests.cdk_refarch.network.variants import EXISTING_VPC
from tests.synthesis import Synthesized

SUBNET = "AWS::EC2::Subnet"


def _network(app: Synthesized, stack_id: str) -> Network:
    found = app.stacks[stack_id].node.find_child("Network")
    assert isinstance(found, Network)
    return found


def _tier(subnet: dict[str, Any]) -> str:
    tags = {tag["Key"]: tag["Value"] for tag in subnet["Properties"]["Tags"]}
    return tags["aws-cdk:subnet-type"]


def _subnets(app: Synthesized, stack_id: str) -> dict[str, list[dict[str, Any]]]:
    """The stack's subnets by tier (Public, Private, Isolated), in template order."""
    tiers: dict[str, list[dict[str, Any]]] = {}
    for subnet in app.resources(stack_id, SUBNET).values():
        tiers.setdefault(_tier(subnet), []).append(subnet["Properties"])
    return tiers


def _default_routes(app: Synthesized, stack_id: str) -> dict[str, dict[str, Any]]:
    """Route table logical ID -> its route to 0.0.0.0/0."""
    return {
        route["Properties"]["RouteTableId"]["Ref"]: route["Properties"]
        for route in app.resources(stack_id, "AWS::EC2::Route").values()
        if route["Properties"].get("DestinationCidrBlock") == "0.0.0.0/0"
    }


def _endpoints(app: Synthesized, stack_id: str, kind: str) -> dict[str, dict[str, Any]]:
    """Service name (``s3``, ``ecr.api``...) -> the endpoint's properties."""
    found = {}
    for endpoint in app.resources(stack_id, "AWS::EC2::VPCEndpoint").values():
        properties = endpoint["Properties"]
        if properties["VpcEndpointType"] != kind:
            continue
        name = properties["ServiceName"]
        name = name["Fn::Join"][1][-1].lstrip(".") if isinstance(name, dict) else name.split(".", 3)[-1]
        found[name] = properties
    return found


# --- defaults ---------------------------------------------------------------------------


def test_default_vpc_spans_three_azs_with_three_tiers_of_equal_subnets(variants: Synthesized) -> None:
    _, vpc = variants.only("NetworkDefaults", "AWS::EC2::VPC")
    assert vpc["Properties"]["CidrBlock"] == "10.0.0.0/16"
    assert vpc["Properties"]["EnableDnsHostnames"] is True and vpc["Properties"]["EnableDnsSupport"] is True
    tiers = _subnets(variants, "NetworkDefaults")
    assert sorted(tiers) == ["Isolated", "Private", "Public"]
    # An environment-agnostic stack gets three AZs, named as CDK names its default two.
    zones = [{"Fn::Select": [index, {"Fn::GetAZs": ""}]} for index in range(3)]
    for subnets in tiers.values():
        assert [subnet["AvailabilityZone"] for subnet in subnets] == zones
    # 9 subnets share the /16 equally: a /20 each.
    cidrs = [ipaddress.ip_network(s["CidrBlock"]) for subnets in tiers.values() for s in subnets]
    assert {cidr.prefixlen for cidr in cidrs} == {20}
    assert not any(subnet["MapPublicIpOnLaunch"] for subnets in tiers.values() for subnet in subnets)
    network = _network(variants, "NetworkDefaults")
    assert network.workload_subnets.subnet_type == ec2.SubnetType.PRIVATE_WITH_EGRESS


def test_default_is_one_nat_gateway_for_every_private_subnet(variants: Synthesized) -> None:
    template = variants.template("NetworkDefaults")
    template.resource_count_is("AWS::EC2::NatGateway", 1)
    template.resource_count_is("AWS::EC2::EIP", 1)
    (nat_id,) = variants.resources("NetworkDefaults", "AWS::EC2::NatGateway")
    routes = _default_routes(variants, "NetworkDefaults")
    private = [table for table in routes if "Private" in table]
    assert len(private) == 3
    assert all(routes[table]["NatGatewayId"] == {"Ref": nat_id} for table in private)
    isolated = [table for table in variants.resources("NetworkDefaults", "AWS::EC2::RouteTable") if "Isolated" in table]
    assert len(isolated) == 3 and not set(isolated) & set(routes)
    network = _network(variants, "NetworkDefaults")
    assert (network.nat, network.nat_gateways) == (NatStrategy.SINGLE, 1)


def test_default_locks_the_default_security_group(variants: Synthesized) -> None:
    _, restrict = variants.only("NetworkDefaults", "Custom::VpcRestrictDefaultSG")
    assert restrict["Properties"]["DefaultSecurityGroupId"] == {
        "Fn::GetAtt": [variants.only("NetworkDefaults", "AWS::EC2::VPC")[0], "DefaultSecurityGroup"]
    }
    # IPv4 only: no IPv6 egress rule to revoke, so no AwsCustomResource.
    variants.template("NetworkDefaults").resource_count_is("Custom::AWS", 0)


def test_default_flow_log_records_all_traffic_for_a_year_and_is_retained(variants: Synthesized) -> None:
    _, flow_log = variants.only("NetworkDefaults", "AWS::EC2::FlowLog")
    group_id, group = variants.only("NetworkDefaults", "AWS::Logs::LogGroup")
    vpc_id, _ = variants.only("NetworkDefaults", "AWS::EC2::VPC")
    props = flow_log["Properties"]
    assert (props["ResourceType"], props["ResourceId"], props["TrafficType"]) == ("VPC", {"Ref": vpc_id}, "ALL")
    assert (props["LogDestinationType"], props["LogGroupName"]) == ("cloud-watch-logs", {"Ref": group_id})
    assert group["Properties"]["RetentionInDays"] == 365
    assert group["DeletionPolicy"] == group["UpdateReplacePolicy"] == "Retain"


def test_default_gateway_endpoints_serve_every_route_table_and_no_interface_endpoints(variants: Synthesized) -> None:
    tables = sorted(variants.resources("NetworkDefaults", "AWS::EC2::RouteTable"))
    gateways = _endpoints(variants, "NetworkDefaults", "Gateway")
    assert sorted(gateways) == ["dynamodb", "s3"]
    for endpoint in gateways.values():
        assert sorted(table["Ref"] for table in endpoint["RouteTableIds"]) == tables
    assert _endpoints(variants, "NetworkDefaults", "Interface") == {}
    variants.template("NetworkDefaults").resource_count_is("AWS::EC2::SecurityGroup", 0)
    assert _network(variants, "NetworkDefaults").endpoint_security_group is None


def test_every_resource_of_the_pattern_is_tagged(variants: Synthesized) -> None:
    for resource_type in (
        "AWS::EC2::VPC",
        SUBNET,
        "AWS::EC2::NatGateway",
        "AWS::EC2::FlowLog",
        "AWS::EC2::VPCEndpoint",
    ):
        for resource in variants.resources("NetworkDefaults", resource_type).values():
            assert {"Key": "Pattern", "Value": "network"} in resource["Properties"]["Tags"], resource_type


# --- a range, looked-up AZs, a NAT per AZ, IPv6, some interface endpoints ---------------


def test_options_range_split_across_looked_up_azs(variants: Synthesized) -> None:
    tiers = _subnets(variants, "NetworkOptions")
    # With an account and region CDK looks the AZs up (dummy values until cdk.context.json has them).
    assert [subnet["AvailabilityZone"] for subnet in tiers["Public"]] == ["dummy1a", "dummy1b"]
    cidrs = [s["CidrBlock"] for subnets in tiers.values() for s in subnets]
    assert cidrs == [f"10.1.{third}.0/23" for third in range(0, 12, 2)]


def test_options_one_nat_gateway_per_az_serves_its_own_az(variants: Synthesized) -> None:
    assert len(variants.resources("NetworkOptions", "AWS::EC2::NatGateway")) == 2
    routes = _default_routes(variants, "NetworkOptions")
    for index in (1, 2):
        (table,) = [table for table in routes if table.startswith(f"NetworkVpcPrivateSubnet{index}")]
        nat = routes[table]["NatGatewayId"]["Ref"]
        assert nat.startswith(f"NetworkVpcPublicSubnet{index}NATGateway"), (table, nat)
    network = _network(variants, "NetworkOptions")
    assert (network.nat, network.nat_gateways) == (NatStrategy.PER_AZ, 2)


def test_options_dual_stack_and_the_default_groups_ipv6_egress_revoked(variants: Synthesized) -> None:
    stack = "NetworkOptions"
    cidr_id, cidr = variants.only(stack, "AWS::EC2::VPCCidrBlock")
    assert cidr["Properties"]["AmazonProvidedIpv6CidrBlock"] is True
    assert all("Ipv6CidrBlock" in s for subnets in _subnets(variants, stack).values() for s in subnets)
    (eigw_id,) = variants.resources(stack, "AWS::EC2::EgressOnlyInternetGateway")
    ipv6_routes = [
        route["Properties"]
        for route in variants.resources(stack, "AWS::EC2::Route").values()
        if route["Properties"].get("DestinationIpv6CidrBlock") == "::/0"
    ]
    assert sum(route.get("EgressOnlyInternetGatewayId") == {"Ref": eigw_id} for route in ipv6_routes) == 2
    # CDK's restriction leaves the ::/0 egress rule EC2 adds (aws-cdk #29709); this revokes it.
    _, revoke = variants.only(stack, "Custom::AWS")
    create = "".join(
        part if isinstance(part, str) else "<group>" for part in revoke["Properties"]["Create"]["Fn::Join"][1]
    )
    assert '"action":"revokeSecurityGroupEgress"' in create
    assert '"IpPermissions":[{"IpProtocol":"-1","Ipv6Ranges":[{"CidrIpv6":"::/0"}]}]' in create
    assert cidr_id in revoke["DependsOn"]


def test_options_interface_endpoints_behind_one_https_group(variants: Synthesized) -> None:
    stack = "NetworkOptions"
    endpoints = _endpoints(variants, stack, "Interface")
    assert sorted(endpoints) == ["ecr.api", "ecr.dkr", "ssm"]
    group_id, group = variants.only(stack, "AWS::EC2::SecurityGroup")
    private = [name for name in variants.resources(stack, SUBNET) if name.startswith("NetworkVpcPrivate")]
    for endpoint in endpoints.values():
        assert endpoint["PrivateDnsEnabled"] is False
        assert endpoint["SecurityGroupIds"] == [{"Fn::GetAtt": [group_id, "GroupId"]}]
        assert sorted(subnet["Ref"] for subnet in endpoint["SubnetIds"]) == sorted(private)
    (ingress,) = group["Properties"]["SecurityGroupIngress"]
    assert (ingress["CidrIp"], ingress["IpProtocol"], ingress["FromPort"], ingress["ToPort"]) == (
        "10.1.0.0/20",
        "tcp",
        443,
        443,
    )
    # No way out: CDK's placeholder rule that matches no traffic.
    assert [rule["CidrIp"] for rule in group["Properties"]["SecurityGroupEgress"]] == ["255.255.255.255/32"]


def test_options_retention_and_destroy(variants: Synthesized) -> None:
    _, group = variants.only("NetworkOptions", "AWS::Logs::LogGroup", "NetworkFlowLogs")
    assert group["Properties"]["RetentionInDays"] == 14
    assert group["DeletionPolicy"] == "Delete"


# --- no NAT: endpoints only --------------------------------------------------------------


def test_without_nat_there_is_no_egress_tier_and_endpoints_go_to_isolated_subnets(variants: Synthesized) -> None:
    stack = "NetworkEndpointsOnly"
    template = variants.template(stack)
    for resource_type in ("AWS::EC2::NatGateway", "AWS::EC2::EIP"):
        template.resource_count_is(resource_type, 0)
    tiers = _subnets(variants, stack)
    assert sorted(tiers) == ["Isolated", "Public"] and all(len(subnets) == 2 for subnets in tiers.values())
    isolated = sorted(name for name in variants.resources(stack, SUBNET) if "Isolated" in name)
    endpoints = _endpoints(variants, stack, "Interface")
    assert sorted(endpoints) == sorted(
        ["ssm", "ssmmessages", "ec2messages", "ecr.api", "ecr.dkr", "logs", "secretsmanager", "kms"]
    )
    assert all(sorted(s["Ref"] for s in endpoint["SubnetIds"]) == isolated for endpoint in endpoints.values())
    assert all(endpoint["PrivateDnsEnabled"] is True for endpoint in endpoints.values())
    network = _network(variants, stack)
    assert (network.nat, network.nat_gateways) == (NatStrategy.NONE, 0)
    assert network.workload_subnets.subnet_type == ec2.SubnetType.PRIVATE_ISOLATED


# --- an existing VPC ---------------------------------------------------------------------


def test_existing_vpc_gets_a_flow_log_and_endpoints_only(variants: Synthesized) -> None:
    stack = "NetworkExistingVpc"
    template = variants.template(stack)
    for resource_type in ("AWS::EC2::VPC", SUBNET, "AWS::EC2::NatGateway", "Custom::VpcRestrictDefaultSG"):
        template.resource_count_is(resource_type, 0)
    _, flow_log = variants.only(stack, "AWS::EC2::FlowLog")
    assert flow_log["Properties"]["ResourceId"] == EXISTING_VPC["vpc_id"]
    gateways = _endpoints(variants, stack, "Gateway")
    assert all(e["RouteTableIds"] == EXISTING_VPC["private_subnet_route_table_ids"] for e in gateways.values())
    (logs,) = _endpoints(variants, stack, "Interface").values()
    assert logs["SubnetIds"] == EXISTING_VPC["private_subnet_ids"]
    _, group = variants.only(stack, "AWS::EC2::SecurityGroup")
    assert group["Properties"]["SecurityGroupIngress"][0]["CidrIp"] == {"Fn::ImportValue": "shared-vpc-cidr"}
    network = _network(variants, stack)
    assert (network.nat, network.nat_gateways) == (None, 0)
    assert network.workload_subnets.subnet_type == ec2.SubnetType.PRIVATE_WITH_EGRESS


# --- flow logs and gateway endpoints off --------------------------------------------------


def test_flow_logs_and_gateway_endpoints_can_be_turned_off(variants: Synthesized) -> None:
    template = variants.template("NetworkNoFlowLogs")
    for resource_type in ("AWS::EC2::FlowLog", "AWS::Logs::LogGroup", "AWS::EC2::VPCEndpoint"):
        template.resource_count_is(resource_type, 0)
    network = _network(variants, "NetworkNoFlowLogs")
    assert (network.flow_log, network.flow_log_group, network.gateway_endpoints) == (None, None, {})
