"""CloudFormation's own behaviour where moto's differs: failures, DependsOn,
Fn::GetStackOutput, Fn::Cidr."""

from __future__ import annotations

from tests.emulator.conftest import Cloud
from tests.emulator.templates import PREFLIGHT_METHOD, TLS_ONLY


def test_a_failing_resource_fails_the_stack_with_its_reason_and_no_outputs(cloud: Cloud) -> None:
    stack = cloud.deploy(
        {
            "Policy": {
                "Type": "AWS::S3::BucketPolicy",
                "Properties": {"Bucket": "no-such-bucket", "PolicyDocument": TLS_ONLY},
            }
        },
        outputs={"Name": {"Value": {"Ref": "Policy"}}},
    )
    assert stack["StackStatus"] == "CREATE_FAILED"
    assert "Outputs" not in stack
    status, reason = cloud.events()["Policy"]
    assert status == "CREATE_FAILED" and "bucket does not exist" in reason
    # Reading the failed stack again must not retry (and fail) the creation.
    assert len(cloud.client("cloudformation").describe_stack_events(StackName="stack")["StackEvents"]) == len(
        cloud.client("cloudformation").describe_stack_events(StackName="stack")["StackEvents"]
    )
    assert cloud.delete() == "DELETE_COMPLETE"


def test_depends_on_is_created_first_even_when_another_resource_reads_it(cloud: Cloud) -> None:
    # The stage reads the deployment (Ref); the deployment depends on the method. moto
    # would create the deployment when the stage needs it, before any method exists.
    stack = cloud.deploy(
        {
            "Stage": {
                "Type": "AWS::ApiGateway::Stage",
                "Properties": {
                    "RestApiId": {"Ref": "Api"},
                    "DeploymentId": {"Ref": "Deployment"},
                    "StageName": "api",
                    "TracingEnabled": True,
                    "MethodSettings": [
                        {"HttpMethod": "*", "ResourcePath": "/*", "ThrottlingRateLimit": 50, "MetricsEnabled": True}
                    ],
                },
            },
            "Deployment": {
                "Type": "AWS::ApiGateway::Deployment",
                "DependsOn": ["Options"],
                "Properties": {"RestApiId": {"Ref": "Api"}},
            },
            "Api": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Name": "items"}},
            "Options": PREFLIGHT_METHOD,
        },
        outputs={"Url": {"Value": {"Fn::Join": ["", ["https://", {"Ref": "Api"}, ".execute-api/", {"Ref": "Stage"}]]}}},
    )
    assert stack["StackStatus"] == "CREATE_COMPLETE", cloud.events()
    apigateway, api = cloud.client("apigateway"), cloud.physical_id("Api")
    stage = apigateway.get_stage(restApiId=api, stageName="api")
    assert stage["tracingEnabled"] is True
    assert stage["methodSettings"]["*/*"]["throttlingRateLimit"] == 50.0
    root = apigateway.get_resources(restApiId=api)["items"][0]["id"]
    assert (
        apigateway.get_method(restApiId=api, resourceId=root, httpMethod="OPTIONS")["methodIntegration"]["type"]
        == "MOCK"
    )

    assert cloud.delete() == "DELETE_COMPLETE"
    assert apigateway.get_rest_apis()["items"] == []


def test_get_stack_output_reads_the_other_stacks_output(cloud: Cloud) -> None:
    cloud.deploy(
        {"Topic": {"Type": "AWS::SNS::Topic"}}, outputs={"TopicArn": {"Value": {"Ref": "Topic"}}}, name="producer"
    )
    read = {"Fn::GetStackOutput": {"StackName": "producer", "Region": {"Ref": "AWS::Region"}, "OutputName": "TopicArn"}}
    cloud.deploy(
        {"Parameter": {"Type": "AWS::SSM::Parameter", "Properties": {"Name": "/arn", "Type": "String", "Value": read}}},
        name="consumer",
    )
    topic = cloud.client("sns").list_topics()["Topics"][0]["TopicArn"]
    assert cloud.client("ssm").get_parameter(Name="/arn")["Parameter"]["Value"] == topic


def test_cidr_cuts_a_block_into_subnets(cloud: Cloud) -> None:
    def select(index: int, block: str, count: int, bits: str) -> dict[str, object]:
        return {"Value": {"Fn::Select": [index, {"Fn::Cidr": [block, count, bits]}]}}

    stack = cloud.deploy(
        {"Topic": {"Type": "AWS::SNS::Topic"}},
        outputs={
            "Ipv4": select(2, "10.0.0.0/16", 4, "8"),
            "Ipv6": select(1, "2600:1f18:abcd:ef00::/56", 9, "64"),
        },
    )
    assert cloud.outputs(stack) == {"Ipv4": "10.0.2.0/24", "Ipv6": "2600:1f18:abcd:ef01::/64"}
