"""The items service as the app builds it: a data stack and an API stack, per stage."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from stacks.serverless_api.contract import items_contract
from tests.synthesis import Synthesized

API = "ServerlessWebApp-*-Api"
DATA = "ServerlessWebApp-*-Data"
ALARMS = "ServerlessWebApp-*-Alarms"


@pytest.fixture(params=["sandbox", "production"])
def app(request: pytest.FixtureRequest) -> Synthesized:
    return request.getfixturevalue(request.param)


def _stage(app: Synthesized) -> str:
    return "production" if "-Production-" in app.stack(API).stack_name else "sandbox"


# --- the data stack ---------------------------------------------------------------------


def test_table_keys_billing_pitr_and_encryption(app: Synthesized) -> None:
    _, table = app.only(DATA, "AWS::DynamoDB::GlobalTable")
    props = table["Properties"]
    assert props["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}]
    assert props["AttributeDefinitions"] == [{"AttributeName": "id", "AttributeType": "S"}]
    assert props["BillingMode"] == "PAY_PER_REQUEST"
    (replica,) = props["Replicas"]
    assert replica["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    # AWS-owned key: no SSESpecification with a KMS key.
    assert "SSESpecification" not in props or props["SSESpecification"].get("SSEEnabled") is False


def test_table_protection_follows_the_stage(app: Synthesized) -> None:
    logical_id, table = app.only(DATA, "AWS::DynamoDB::GlobalTable")
    (replica,) = table["Properties"]["Replicas"]
    if _stage(app) == "production":
        assert replica["DeletionProtectionEnabled"] is True
        assert table["DeletionPolicy"] == "Retain"
    else:
        assert replica.get("DeletionProtectionEnabled", False) is False
        assert table["DeletionPolicy"] == "Delete"
    # Stateful: the logical ID must never change, or CloudFormation replaces the table.
    assert logical_id == "ItemsTableE2D1F4C3"


# --- the API stack ----------------------------------------------------------------------


def test_function_runtime_architecture_tracing_and_layer(app: Synthesized) -> None:
    _, function = app.only(API, "AWS::Lambda::Function")
    props = function["Properties"]
    assert props["Runtime"] == "python3.14"
    assert props["Architectures"] == ["arm64"]
    assert props["TracingConfig"] == {"Mode": "Active"}
    assert props["Handler"] == "handler.handler"
    assert (props["MemorySize"], props["Timeout"]) == (256, 10)
    # The stack is in us-east-1 (CloudFront's region), so the layer's ARN is literal.
    assert props["Layers"] == [
        "arn:aws:lambda:us-east-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python314-arm64:36"
    ]


def test_function_environment_points_at_the_data_stack_table(app: Synthesized) -> None:
    _, function = app.only(API, "AWS::Lambda::Function")
    env = function["Properties"]["Environment"]["Variables"]
    output = env["TABLE_NAME"]["Fn::GetStackOutput"]
    assert output["StackName"] == app.stack(DATA).stack_name
    assert (env["POWERTOOLS_SERVICE_NAME"], env["POWERTOOLS_METRICS_NAMESPACE"], env["LOG_LEVEL"]) == (
        "items",
        "items",
        "INFO",
    )


def test_function_may_use_only_the_table_actions_it_needs(app: Synthesized) -> None:
    _, policy = app.only(API, "AWS::IAM::Policy")
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    dynamo = [s for s in statements if any(a.startswith("dynamodb:") for a in s["Action"])]
    assert len(dynamo) == 1
    assert sorted(dynamo[0]["Action"]) == [
        "dynamodb:DeleteItem",
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:Scan",
        "dynamodb:UpdateItem",
    ]
    assert "Fn::GetStackOutput" in dynamo[0]["Resource"]
    logs = [s for s in statements if s["Action"] == ["logs:CreateLogStream", "logs:PutLogEvents"]]
    assert len(logs) == 1 and "Fn::GetAtt" in logs[0]["Resource"]
    # No managed policy: the role is the function's own.
    roles = app.resources(API, "AWS::IAM::Role")
    function_roles = [
        r for r in roles.values() if "lambda.amazonaws.com" in json.dumps(r["Properties"]["AssumeRolePolicyDocument"])
    ]
    assert len(function_roles) == 1
    assert "ManagedPolicyArns" not in function_roles[0]["Properties"]


def test_log_groups_and_their_retention(app: Synthesized) -> None:
    days = 365 if _stage(app) == "production" else 7
    groups = app.resources(API, "AWS::Logs::LogGroup")
    # The function's, the API's access logs, and in production the web ACL's.
    expected = ["ItemsAccessLogs", "ItemsLogs"] + (["ItemsWebAclLogs"] if _stage(app) == "production" else [])
    assert sorted(re.sub(r"[0-9A-F]{8}$", "", k) for k in groups) == expected
    assert all(g["Properties"]["RetentionInDays"] == days for g in groups.values())
    policy = "Retain" if _stage(app) == "production" else "Delete"
    assert {g["DeletionPolicy"] for g in groups.values()} == {policy}


def test_reserved_concurrency_follows_the_stage(app: Synthesized) -> None:
    _, function = app.only(API, "AWS::Lambda::Function")
    expected = 50 if _stage(app) == "production" else None
    assert function["Properties"].get("ReservedConcurrentExecutions") == expected


def test_api_is_regional(app: Synthesized) -> None:
    _, api = app.only(API, "AWS::ApiGateway::RestApi")
    assert api["Properties"]["EndpointConfiguration"] == {"Types": ["REGIONAL"]}
    assert (
        "DisableExecuteApiEndpoint" not in api["Properties"] or api["Properties"]["DisableExecuteApiEndpoint"] is False
    )


def test_stage_logging_tracing_and_throttling(app: Synthesized) -> None:
    _, stage = app.only(API, "AWS::ApiGateway::Stage")
    props = stage["Properties"]
    assert props["StageName"] == "api"
    assert props["TracingEnabled"] is True
    access = json.loads(props["AccessLogSetting"]["Format"])
    assert access["requestId"] == "$context.requestId" and access["status"] == "$context.status"
    (settings,) = props["MethodSettings"]
    rate, burst = (100, 200) if _stage(app) == "production" else (10, 20)
    assert settings == {
        "DataTraceEnabled": False,
        "HttpMethod": "*",
        "LoggingLevel": "INFO",
        "MetricsEnabled": True,
        "ResourcePath": "/*",
        "ThrottlingBurstLimit": burst,
        "ThrottlingRateLimit": rate,
    }


def test_every_route_takes_the_pools_id_tokens_and_the_validator(app: Synthesized) -> None:
    validator_id, validator = app.only(API, "AWS::ApiGateway::RequestValidator")
    assert validator["Properties"]["ValidateRequestBody"] is True
    assert validator["Properties"]["ValidateRequestParameters"] is True
    authorizer_id, authorizer = app.only(API, "AWS::ApiGateway::Authorizer")
    props = authorizer["Properties"]
    assert (props["Type"], props["IdentitySource"]) == ("COGNITO_USER_POOLS", "method.request.header.Authorization")
    (pool_arn,) = props["ProviderARNs"]
    pool_id, _ = app.only(DATA, "AWS::Cognito::UserPool")
    output = pool_arn["Fn::GetStackOutput"]
    assert (output["StackName"], output["Region"]) == (app.stack(DATA).stack_name, "us-east-1")
    assert app.template_json(DATA)["Outputs"][output["OutputName"]]["Value"] == {"Fn::GetAtt": [pool_id, "Arn"]}
    methods = [m["Properties"] for m in app.resources(API, "AWS::ApiGateway::Method").values()]
    routes = [m for m in methods if m["HttpMethod"] != "OPTIONS"]
    assert sorted(m["HttpMethod"] for m in routes) == ["DELETE", "GET", "GET", "POST", "PUT"]
    for method in routes:
        assert method["AuthorizationType"] == "COGNITO_USER_POOLS"
        assert method["AuthorizerId"] == {"Ref": authorizer_id}
        # No scopes: with scopes the authorizer would want an access token, and the page sends its ID token.
        assert "AuthorizationScopes" not in method
        assert method["RequestValidatorId"] == {"Ref": validator_id}
        assert method["Integration"]["Type"] == "AWS_PROXY"


def test_routes_are_the_handlers_contract(app: Synthesized) -> None:
    contract = items_contract()
    resources = app.template_json(API)["Resources"]

    def path_of(resource_ref: dict[str, Any]) -> str:
        if "Fn::GetAtt" in resource_ref:  # the API's root
            return ""
        resource = resources[resource_ref["Ref"]]["Properties"]
        return f"{path_of(resource['ParentId'])}/{resource['PathPart']}"

    methods = [m["Properties"] for m in app.resources(API, "AWS::ApiGateway::Method").values()]
    routes = {(m["HttpMethod"], path_of(m["ResourceId"])) for m in methods if m["HttpMethod"] != "OPTIONS"}
    assert routes == {(spec.method, spec.path) for spec in contract.ROUTES}


def test_bodies_are_validated_against_the_handler_schemas(app: Synthesized) -> None:
    contract = items_contract()
    models = {m["Properties"]["Schema"]["title"]: m for m in app.resources(API, "AWS::ApiGateway::Model").values()}
    assert {title: m["Properties"]["Schema"] for title, m in models.items()} == {
        "ItemCreate": contract.ITEM_CREATE_SCHEMA,
        "ItemUpdate": contract.ITEM_UPDATE_SCHEMA,
    }
    assert {m["Properties"]["ContentType"] for m in models.values()} == {"application/json"}
    methods = [m["Properties"] for m in app.resources(API, "AWS::ApiGateway::Method").values()]
    with_body = sorted(m["HttpMethod"] for m in methods if "RequestModels" in m)
    assert with_body == sorted(spec.method for spec in contract.ROUTES if spec.body_schema is not None)
    assert with_body == ["POST", "PUT"]
    with_id = sorted(m["HttpMethod"] for m in methods if m.get("RequestParameters") == {"method.request.path.id": True})
    assert with_id == ["DELETE", "GET", "PUT"]


def test_function_environment_names_come_from_the_contract(app: Synthesized) -> None:
    contract = items_contract()
    _, function = app.only(API, "AWS::Lambda::Function")
    variables = set(function["Properties"]["Environment"]["Variables"])
    assert {contract.ENV_TABLE_NAME, contract.ENV_SERVICE_NAME, contract.ENV_METRICS_NAMESPACE} <= variables
    assert contract.ENV_LOG_LEVEL in variables


def test_cors_follows_the_stage(app: Synthesized) -> None:
    methods = [m["Properties"] for m in app.resources(API, "AWS::ApiGateway::Method").values()]
    preflight = [m for m in methods if m["HttpMethod"] == "OPTIONS"]
    _, function = app.only(API, "AWS::Lambda::Function")
    env = function["Properties"]["Environment"]["Variables"]
    if _stage(app) == "production":
        assert preflight == []
        assert "CORS_ALLOW_ORIGINS" not in env
    else:
        assert len(preflight) == 3
        headers = preflight[0]["Integration"]["IntegrationResponses"][0]["ResponseParameters"]
        assert headers["method.response.header.Access-Control-Allow-Origin"] == "'http://localhost:5173'"
        assert env["CORS_ALLOW_ORIGINS"] == "http://localhost:5173"


def test_web_acl_follows_the_stage(app: Synthesized) -> None:
    acls = app.resources(API, "AWS::WAFv2::WebACL")
    associations = app.resources(API, "AWS::WAFv2::WebACLAssociation")
    if _stage(app) == "production":
        ((acl_id, acl),) = acls.items()
        assert acl["Properties"]["Scope"] == "REGIONAL"
        ((_, association),) = associations.items()
        assert association["Properties"]["WebACLArn"] == {"Fn::GetAtt": [acl_id, "Arn"]}
    else:
        assert acls == {} and associations == {}


def test_alarms_notify_the_applications_encrypted_topic(app: Synthesized) -> None:
    # The API creates no topic: its alarms notify the application's, in the Alarms stack.
    assert app.resources(API, "AWS::SNS::Topic") == {}
    topic_id, topic = app.only(ALARMS, "AWS::SNS::Topic")
    key_id, _ = app.only(ALARMS, "AWS::KMS::Key")
    assert topic["Properties"]["KmsMasterKeyId"] == {"Fn::GetAtt": [key_id, "Arn"]}
    alarms = app.resources(API, "AWS::CloudWatch::Alarm")
    by_metric = {a["Properties"].get("MetricName") or "math": a["Properties"] for a in alarms.values()}
    assert sorted(by_metric) == ["5XXError", "Errors", "Latency", "Throttles", "math"]
    assert by_metric["5XXError"]["Threshold"] == 0.01 and by_metric["5XXError"]["Statistic"] == "Average"
    assert by_metric["Latency"]["Threshold"] == 3000 and by_metric["Latency"]["ExtendedStatistic"] == "p99"
    for alarm in alarms.values():
        props = alarm["Properties"]
        (action,) = props["AlarmActions"]
        assert action["Fn::GetStackOutput"]["StackName"] == app.stack(ALARMS).stack_name
        assert props["TreatMissingData"] == "notBreaching"


def test_outputs(app: Synthesized) -> None:
    outputs = app.template_json(API)["Outputs"]
    assert {"ApiUrl", "FunctionName"} <= set(outputs)
    assert "TableName" in app.template_json(DATA)["Outputs"]


def test_pattern_tags(app: Synthesized) -> None:
    for resource_type in (
        "AWS::Lambda::Function",
        "AWS::IAM::Role",
        "AWS::Logs::LogGroup",
        "AWS::ApiGateway::RestApi",
        "AWS::SNS::Topic",
        "AWS::KMS::Key",
        "AWS::CloudWatch::Alarm",
    ):
        for logical_id, resource in app.resources(API, resource_type).items():
            tags = {t["Key"]: t["Value"] for t in resource["Properties"].get("Tags", [])}
            assert tags == {
                "Application": "aws-reference-architectures",
                "App": "serverless-web-app",
                "Pattern": "serverless-api",
                "Stage": _stage(app),
            }, logical_id
    # The table is built by DynamoTable in a stack of its own: its pattern is its own.
    _, table = app.only(DATA, "AWS::DynamoDB::GlobalTable")
    (replica,) = table["Properties"]["Replicas"]
    assert {t["Key"]: t["Value"] for t in replica["Tags"]} == {
        "Application": "aws-reference-architectures",
        "App": "serverless-web-app",
        "Pattern": "dynamo-table",
        "Stage": _stage(app),
    }


def test_the_account_role_lives_in_the_account_stack(app: Synthesized) -> None:
    template = app.template(API)
    template.resource_count_is("AWS::ApiGateway::Account", 0)
    roles = app.resources(API, "AWS::IAM::Role").values()
    assert not [r for r in roles if "apigateway.amazonaws.com" in json.dumps(r["Properties"])]
    assert app.stacks["Account"] in app.stack(API).dependencies


def test_alarm_key_lets_cloudwatch_use_it_for_this_accounts_alarms_only(app: Synthesized) -> None:
    _, key = app.only(ALARMS, "AWS::KMS::Key")
    statements = key["Properties"]["KeyPolicy"]["Statement"]
    (grant,) = [s for s in statements if s["Principal"] == {"Service": "cloudwatch.amazonaws.com"}]
    assert grant["Action"] == ["kms:Decrypt", "kms:GenerateDataKey*"]
    assert grant["Condition"]["StringEquals"] == {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}
    source_arn = grant["Condition"]["ArnLike"]["aws:SourceArn"]["Fn::Join"][1]
    assert source_arn == ["arn:aws:cloudwatch:us-east-1:", {"Ref": "AWS::AccountId"}, ":alarm:*"]


@pytest.mark.parametrize(("stage", "email"), [("sandbox", None), ("production", "alarms@example.com")])
def test_alarm_email_subscription(request: pytest.FixtureRequest, stage: str, email: str | None) -> None:
    app: Synthesized = request.getfixturevalue(stage)
    subscriptions = [s["Properties"] for s in app.resources(ALARMS, "AWS::SNS::Subscription").values()]
    topic_id, _ = app.only(ALARMS, "AWS::SNS::Topic")
    expected = [{"Endpoint": email, "Protocol": "email", "TopicArn": {"Ref": topic_id}}] if email else []
    assert subscriptions == expected
