"""EC2 security group egress rules."""

from __future__ import annotations

from tests.emulator.conftest import Cloud


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
