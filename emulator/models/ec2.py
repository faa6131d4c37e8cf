"""EC2: VPCs, their IPv6 ranges, subnets, flow logs and security group egress rules,
where moto's CloudFormation leaves them out or gets them wrong. Gateways, route tables,
NAT gateways and VPC endpoints are in ``ec2_routing.py``.

What moto's own models get wrong: a VPC loses its DNS attributes and cannot give its
``Ipv6CidrBlocks``; its default security group lacks the rule that lets members reach
each other; a subnet loses its IPv6 range, ``MapPublicIpOnLaunch`` and
``AssignIpv6AddressOnCreation``; a flow log cannot be deleted.
"""

from __future__ import annotations

from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.ec2.exceptions import (
    InvalidFlowLogIdError,
    InvalidPermissionNotFoundError,
    InvalidSecurityGroupNotFoundError,
)
from moto.ec2.models import EC2Backend, ec2_backends

from emulator.models.base import SandboxModel, as_bool, tags_as_dict
from emulator.models.registry import overrides, registered


def ec2_backend(account_id: str, region_name: str) -> EC2Backend:
    return ec2_backends[account_id][region_name]


def tag(backend: EC2Backend, resource_id: str, properties: dict[str, Any]) -> None:
    """The template's tags on the resource, which moto's models mostly drop."""
    tags = tags_as_dict(properties.get("Tags"))
    if tags:
        backend.create_tags([resource_id], tags)


def default_group_rules(group_id: str, account_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The rules EC2 gives a VPC's default security group, as (ingress, egress) arguments
    of moto's authorize/revoke calls: members reach each other; all IPv4 egress."""
    ingress = {
        "group_name_or_id": group_id,
        "ip_protocol": "-1",
        "from_port": None,
        "to_port": None,
        "ip_ranges": [],
        "source_groups": [{"GroupId": group_id, "UserId": account_id}],
    }
    egress = {**ingress, "ip_ranges": [{"CidrIp": "0.0.0.0/0"}], "source_groups": []}
    return ingress, egress


IPV6_EGRESS = {"ip_protocol": "-1", "from_port": None, "to_port": None, "ip_ranges": [{"CidrIpv6": "::/0"}]}


@overrides("AWS::EC2::VPC")
class Vpc(SandboxModel):
    TYPE = "AWS::EC2::VPC"
    ATTRIBUTES = ("CidrBlock", "CidrBlockAssociations", "DefaultSecurityGroup", "Ipv6CidrBlocks", "VpcId")

    @classmethod
    def create(cls, name: str, properties: dict[str, Any], account_id: str, region_name: str, logical_id: str) -> Vpc:
        backend = ec2_backend(account_id, region_name)
        vpc = backend.create_vpc(
            cidr_block=properties["CidrBlock"], instance_tenancy=properties.get("InstanceTenancy", "default")
        )
        # CloudFormation's defaults: DNS support on, DNS hostnames off.
        backend.modify_vpc_attribute(vpc.id, "enable_dns_support", as_bool(properties.get("EnableDnsSupport"), True))
        backend.modify_vpc_attribute(vpc.id, "enable_dns_hostnames", as_bool(properties.get("EnableDnsHostnames")))
        tag(backend, vpc.id, properties)
        group = backend.get_default_security_group(vpc.id)
        if group is not None:
            # moto's default group has only the egress rule; EC2's also lets members in.
            ingress, _ = default_group_rules(group.id, account_id)
            backend.authorize_security_group_ingress(**ingress)
        return cls(vpc.id, account_id, region_name, properties)

    def get_cfn_attribute(self, attribute_name: str) -> Any:
        # Read when asked: the IPv6 range is associated after the VPC is created.
        backend = ec2_backend(self.account_id, self.region_name)
        vpc = backend.get_vpc(self.physical_resource_id)
        values = {
            "CidrBlock": vpc.cidr_block,
            "CidrBlockAssociations": [a["association_id"] for a in vpc.get_cidr_block_association_set(ipv6=False)],
            "DefaultSecurityGroup": getattr(backend.get_default_security_group(vpc.id), "id", None),
            "Ipv6CidrBlocks": [a["cidr_block"] for a in vpc.get_cidr_block_association_set(ipv6=True)],
            "VpcId": vpc.id,
        }
        if attribute_name not in values:
            return super().get_cfn_attribute(attribute_name)
        return values[attribute_name]

    def remove(self) -> None:
        # Fails while subnets or route tables remain; moto retries after removing them.
        ec2_backend(self.account_id, self.region_name).delete_vpc(self.physical_resource_id)


@registered
class VpcCidrBlock(SandboxModel, CloudFormationModel):
    """A secondary IPv4 range or an Amazon-provided IPv6 /56 for a VPC."""

    TYPE = "AWS::EC2::VPCCidrBlock"
    ATTRIBUTES = ("Id", "Ipv6CidrBlock")

    @classmethod
    def create(
        cls, name: str, properties: dict[str, Any], account_id: str, region_name: str, logical_id: str
    ) -> VpcCidrBlock:
        backend = ec2_backend(account_id, region_name)
        ipv6 = as_bool(properties.get("AmazonProvidedIpv6CidrBlock"))
        if not ipv6 and not properties.get("CidrBlock"):
            raise ValueError(f"{cls.TYPE} {name}: the emulator supports CidrBlock or AmazonProvidedIpv6CidrBlock")
        vpc_id = properties["VpcId"]
        association = backend.associate_vpc_cidr_block(vpc_id, properties.get("CidrBlock"), ipv6)
        if ipv6:
            # As EC2 does when a VPC gets an IPv6 range: its default group lets all IPv6 out.
            group = backend.get_default_security_group(vpc_id)
            if group is not None:
                backend.authorize_security_group_egress(group_name_or_id=group.id, **IPV6_EGRESS)
        association_id = association["association_id"]
        attributes = {"Id": association_id, "Ipv6CidrBlock": association["cidr_block"] if ipv6 else None}
        return cls(association_id, account_id, region_name, properties, attributes)

    def remove(self) -> None:
        backend = ec2_backend(self.account_id, self.region_name)
        if backend.vpcs.get(self.properties["VpcId"]) is not None:
            backend.disassociate_vpc_cidr_block(self.physical_resource_id)


@overrides("AWS::EC2::Subnet")
class Subnet(SandboxModel):
    TYPE = "AWS::EC2::Subnet"
    ATTRIBUTES = ("AvailabilityZone", "CidrBlock", "Ipv6CidrBlocks", "SubnetId", "VpcId")

    @classmethod
    def create(
        cls, name: str, properties: dict[str, Any], account_id: str, region_name: str, logical_id: str
    ) -> Subnet:
        p = properties
        backend = ec2_backend(account_id, region_name)
        subnet = backend.create_subnet(
            vpc_id=p["VpcId"],
            cidr_block=p["CidrBlock"],
            ipv6_cidr_block=p.get("Ipv6CidrBlock"),
            availability_zone=p.get("AvailabilityZone"),
        )
        backend.modify_subnet_attribute(subnet.id, "map_public_ip_on_launch", as_bool(p.get("MapPublicIpOnLaunch")))
        backend.modify_subnet_attribute(
            subnet.id, "assign_ipv6_address_on_creation", as_bool(p.get("AssignIpv6AddressOnCreation"))
        )
        tag(backend, subnet.id, p)
        attributes = {
            "AvailabilityZone": subnet.availability_zone,
            "CidrBlock": subnet.cidr_block,
            "Ipv6CidrBlocks": [p["Ipv6CidrBlock"]] if p.get("Ipv6CidrBlock") else [],
            "SubnetId": subnet.id,
            "VpcId": subnet.vpc_id,
        }
        return cls(subnet.id, account_id, region_name, p, attributes)

    def remove(self) -> None:
        ec2_backend(self.account_id, self.region_name).delete_subnet(self.physical_resource_id)


@overrides("AWS::EC2::FlowLog")
class FlowLog(SandboxModel):
    """Through moto's flow logs (to CloudWatch Logs, S3 or Firehose); no record is ever
    written, as the emulator carries no traffic."""

    TYPE = "AWS::EC2::FlowLog"
    ATTRIBUTES = ("Id",)

    @classmethod
    def create(
        cls, name: str, properties: dict[str, Any], account_id: str, region_name: str, logical_id: str
    ) -> FlowLog:
        p = properties
        backend = ec2_backend(account_id, region_name)
        (flow_log,), _ = backend.create_flow_logs(
            p["ResourceType"],
            [p["ResourceId"]],
            p.get("TrafficType", "ALL"),
            p.get("DeliverLogsPermissionArn"),
            p.get("LogDestinationType", "cloud-watch-logs"),
            p.get("LogDestination"),
            p.get("LogGroupName"),
            p.get("LogFormat"),
            p.get("MaxAggregationInterval", 600),
        )
        tag(backend, flow_log.id, p)
        return cls(flow_log.id, account_id, region_name, p, {"Id": flow_log.id})

    def remove(self) -> None:
        try:
            ec2_backend(self.account_id, self.region_name).delete_flow_logs([self.physical_resource_id])
        except InvalidFlowLogIdError:
            pass


@registered
class SecurityGroupEgress(SandboxModel, CloudFormationModel):
    TYPE = "AWS::EC2::SecurityGroupEgress"
    ATTRIBUTES = ("Id",)

    @classmethod
    def create(
        cls, name: str, properties: dict[str, Any], account_id: str, region_name: str, logical_id: str
    ) -> SecurityGroupEgress:
        backend = ec2_backends[account_id][region_name]
        rules, _ = backend.authorize_security_group_egress(**cls._rule(properties))
        rule_id = rules[0].id if rules else name
        return cls(rule_id, account_id, region_name, properties, {"Id": rule_id})

    @staticmethod
    def _rule(p: dict[str, Any]) -> dict[str, Any]:
        ip_ranges = [{"CidrIp": p["CidrIp"], "Description": p.get("Description")}] if p.get("CidrIp") else []
        if p.get("CidrIpv6"):
            ip_ranges.append({"CidrIpv6": p["CidrIpv6"], "Description": p.get("Description")})
        groups = [{"GroupId": p["DestinationSecurityGroupId"]}] if p.get("DestinationSecurityGroupId") else []
        prefixes = [{"PrefixListId": p["DestinationPrefixListId"]}] if p.get("DestinationPrefixListId") else []
        return {
            "group_name_or_id": p["GroupId"],
            "ip_protocol": str(p["IpProtocol"]),
            "from_port": p.get("FromPort", -1),
            "to_port": p.get("ToPort", -1),
            "ip_ranges": ip_ranges,
            "source_groups": groups,
            "prefix_list_ids": prefixes,
        }

    def remove(self) -> None:
        try:
            ec2_backends[self.account_id][self.region_name].revoke_security_group_egress(**self._rule(self.properties))
        except (InvalidSecurityGroupNotFoundError, InvalidPermissionNotFoundError):
            pass  # the rule went with its group
