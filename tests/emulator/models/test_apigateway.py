"""API Gateway REST APIs, deployments, stages and the account's CloudWatch role."""

from __future__ import annotations

from tests.emulator.conftest import Cloud
from tests.emulator.templates import PREFLIGHT_METHOD

ROLE = {
    "Type": "AWS::IAM::Role",
    "Properties": {"AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": []}},
}
# A deployment needs a method.
OPTIONS = PREFLIGHT_METHOD


def test_a_rest_api_keeps_the_properties_moto_drops(cloud: Cloud) -> None:
    cloud.deploy(
        {
            "Api": {
                "Type": "AWS::ApiGateway::RestApi",
                "Properties": {
                    "Name": "items",
                    "EndpointConfiguration": {"Types": ["REGIONAL"]},
                    "BinaryMediaTypes": ["image/png"],
                    "Tags": [{"Key": "Stage", "Value": "sandbox"}],
                },
            },
        }
    )
    apigateway = cloud.client("apigateway")
    api = apigateway.get_rest_api(restApiId=cloud.physical_id("Api"))
    assert api["endpointConfiguration"]["types"] == ["REGIONAL"]
    assert (api["binaryMediaTypes"], api["tags"]) == (["image/png"], {"Stage": "sandbox"})

    assert cloud.delete() == "DELETE_COMPLETE"
    assert apigateway.get_rest_apis()["items"] == []


def test_a_stage_reads_back_with_its_settings_and_goes_with_its_deployment(cloud: Cloud) -> None:
    cloud.deploy(
        {
            "Api": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Name": "items"}},
            "Options": OPTIONS,
            "Deployment": {
                "Type": "AWS::ApiGateway::Deployment",
                "DependsOn": ["Options"],
                "Properties": {"RestApiId": {"Ref": "Api"}},
            },
            "Logs": {"Type": "AWS::Logs::LogGroup", "Properties": {"LogGroupName": "/api"}},
            "Stage": {
                "Type": "AWS::ApiGateway::Stage",
                "Properties": {
                    "RestApiId": {"Ref": "Api"},
                    "DeploymentId": {"Ref": "Deployment"},
                    "StageName": "v1",
                    "Variables": {"table": "items"},
                    "AccessLogSetting": {
                        "DestinationArn": {"Fn::GetAtt": ["Logs", "Arn"]},
                        "Format": "$context.requestId",
                    },
                    "MethodSettings": [{"HttpMethod": "*", "ResourcePath": "/*", "LoggingLevel": "ERROR"}],
                },
            },
        }
    )
    apigateway, api = cloud.client("apigateway"), cloud.physical_id("Api")
    stage = apigateway.get_stage(restApiId=api, stageName="v1")
    assert stage["deploymentId"] == cloud.physical_id("Deployment")
    assert stage["variables"] == {"table": "items"}
    assert stage["accessLogSettings"]["format"] == "$context.requestId"
    assert stage["methodSettings"]["*/*"]["loggingLevel"] == "ERROR"

    assert cloud.delete() == "DELETE_COMPLETE"
    assert apigateway.get_rest_apis()["items"] == []


def test_the_account_gets_its_cloudwatch_role(cloud: Cloud) -> None:
    cloud.deploy(
        {
            "Role": ROLE,
            "Account": {
                "Type": "AWS::ApiGateway::Account",
                "Properties": {"CloudWatchRoleArn": {"Fn::GetAtt": ["Role", "Arn"]}},
            },
        }
    )
    apigateway = cloud.client("apigateway")
    assert apigateway.get_account()["cloudwatchRoleArn"].endswith(cloud.physical_id("Role"))
