"""IAM managed policies that CloudFormation can delete and Ref."""

from __future__ import annotations

from tests.emulator.conftest import Cloud


def test_a_managed_policy_is_detached_and_deleted_with_the_stack(cloud: Cloud) -> None:
    stack = cloud.deploy(
        {
            "Role": {
                "Type": "AWS::IAM::Role",
                "Properties": {"AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": []}},
            },
            "Reader": {
                "Type": "AWS::IAM::ManagedPolicy",
                "Properties": {
                    "Roles": [{"Ref": "Role"}],
                    "PolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [{"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": "*"}],
                    },
                },
            },
        },
        outputs={"Arn": {"Value": {"Ref": "Reader"}}},
    )
    iam = cloud.client("iam")
    [attached] = iam.list_attached_role_policies(RoleName=cloud.physical_id("Role"))["AttachedPolicies"]
    assert cloud.outputs(stack) == {"Arn": attached["PolicyArn"]}

    assert cloud.delete() == "DELETE_COMPLETE"
    assert cloud.client("iam").list_policies(Scope="Local")["Policies"] == []
