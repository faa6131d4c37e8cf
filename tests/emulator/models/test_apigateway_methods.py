"""API Gateway methods, models, request validators and gateway responses."""

from __future__ import annotations

import json

from tests.emulator.conftest import Cloud

API = {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Name": "items"}}


def test_models_validators_and_gateway_responses(cloud: Cloud) -> None:
    cloud.deploy(
        {
            "Api": API,
            "Model": {
                "Type": "AWS::ApiGateway::Model",
                "Properties": {
                    "RestApiId": {"Ref": "Api"},
                    "ContentType": "application/json",
                    "Name": "Item",
                    "Schema": {"type": "object"},
                },
            },
            "Validator": {
                "Type": "AWS::ApiGateway::RequestValidator",
                "Properties": {"RestApiId": {"Ref": "Api"}, "Name": "body", "ValidateRequestBody": True},
            },
            "NotFound": {
                "Type": "AWS::ApiGateway::GatewayResponse",
                "Properties": {"RestApiId": {"Ref": "Api"}, "ResponseType": "DEFAULT_4XX", "StatusCode": "404"},
            },
        }
    )
    apigateway, api = cloud.client("apigateway"), cloud.physical_id("Api")
    assert json.loads(apigateway.get_model(restApiId=api, modelName="Item")["schema"]) == {"type": "object"}
    validator = apigateway.get_request_validator(restApiId=api, requestValidatorId=cloud.physical_id("Validator"))
    assert validator["validateRequestBody"] is True
    assert apigateway.get_gateway_response(restApiId=api, responseType="DEFAULT_4XX")["statusCode"] == "404"


def test_a_method_keeps_its_validator_models_and_responses(cloud: Cloud) -> None:
    # moto's own method model would keep only the method type and the integration's URI.
    cloud.deploy(
        {
            "Api": API,
            "Model": {
                "Type": "AWS::ApiGateway::Model",
                "Properties": {"RestApiId": {"Ref": "Api"}, "ContentType": "application/json", "Name": "Item"},
            },
            "Validator": {
                "Type": "AWS::ApiGateway::RequestValidator",
                "Properties": {"RestApiId": {"Ref": "Api"}, "ValidateRequestBody": True},
            },
            "Post": {
                "Type": "AWS::ApiGateway::Method",
                "Properties": {
                    "RestApiId": {"Ref": "Api"},
                    "ResourceId": {"Fn::GetAtt": ["Api", "RootResourceId"]},
                    "HttpMethod": "POST",
                    "AuthorizationType": "AWS_IAM",
                    "RequestValidatorId": {"Ref": "Validator"},
                    "RequestModels": {"application/json": {"Ref": "Model"}},
                    "Integration": {
                        "Type": "MOCK",
                        "RequestTemplates": {"application/json": "{ statusCode: 201 }"},
                        "IntegrationResponses": [{"StatusCode": "201", "ResponseTemplates": {"application/json": ""}}],
                    },
                    "MethodResponses": [{"StatusCode": "201", "ResponseModels": {"application/json": "Empty"}}],
                },
            },
        }
    )
    apigateway, api = cloud.client("apigateway"), cloud.physical_id("Api")
    root = apigateway.get_resources(restApiId=api)["items"][0]["id"]
    method = apigateway.get_method(restApiId=api, resourceId=root, httpMethod="POST")
    assert method["authorizationType"] == "AWS_IAM"
    assert method["requestValidatorId"] == cloud.physical_id("Validator")
    assert method["requestModels"] == {"application/json": "Item"}
    assert method["methodResponses"]["201"]["responseModels"] == {"application/json": "Empty"}
    assert method["methodIntegration"]["integrationResponses"]["201"]["statusCode"] == "201"

    assert cloud.delete() == "DELETE_COMPLETE"
