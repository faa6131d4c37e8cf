"""What the emulator cannot create: recorded as skipped, with the reason, and the stack
still deploys."""

from __future__ import annotations

from tests.emulator.conftest import Cloud


def test_a_skipped_type_keeps_the_stack_and_its_outputs_and_says_why(cloud: Cloud) -> None:
    stack = cloud.deploy(
        {
            "Headers": {"Type": "AWS::CloudFront::ResponseHeadersPolicy", "Properties": {}},
            "Unknown": {"Type": "AWS::Nothing::Here", "Properties": {}},
        },
        outputs={"Arn": {"Value": {"Fn::GetAtt": ["Unknown", "Arn"]}}, "Id": {"Value": {"Ref": "Headers"}}},
    )
    assert stack["StackStatus"] == "CREATE_COMPLETE"
    assert cloud.outputs(stack) == {"Arn": "skipped-Unknown.Arn", "Id": "skipped-Headers"}
    events = cloud.events()
    assert events["Headers"][1].startswith(
        "skipped: moto 5.2.5's CloudFront backend has no response headers policy API"
    )
    assert events["Unknown"][1] == (
        "skipped: moto 5.2.5 has no CloudFormation support for AWS::Nothing::Here, and the sandbox does not emulate it"
    )


def test_an_unknown_custom_resource_is_skipped_instead_of_waiting_for_docker(cloud: Cloud) -> None:
    stack = cloud.deploy(
        {
            "Custom": {
                "Type": "Custom::Anything",
                "Properties": {"ServiceToken": "arn:aws:lambda:us-east-1:123456789012:function:x"},
            }
        },
        outputs={"Value": {"Value": {"Fn::GetAtt": ["Custom", "Value"]}}},
    )
    assert stack["StackStatus"] == "CREATE_COMPLETE"
    assert "cannot run (moto needs Docker" in cloud.events()["Custom"][1]
