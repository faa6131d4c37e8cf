"""EC2 security group egress rules, which moto's CloudFormation leaves out."""

from __future__ import annotations

from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.ec2.exceptions import InvalidSecurityGroupNotFoundError
from moto.ec2.models import ec2_backends

from emulator.models.base import SandboxModel
from emulator.models.registry import registered


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
        except InvalidSecurityGroupNotFoundError:
            pass  # the rule went with its group
