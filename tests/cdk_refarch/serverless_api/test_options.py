"""ServerlessApi's defaults and options, on the test stacks in variants.py beside this file."""

from __future__ import annotations

import json
from typing import Any

from tests.cdk_refarch.serverless_api.variants import API_CERT, API_WEB_ACL, ORIGINS, ZONE_ID
from tests.synthesis import Synthesized


def _all(app: Synthesized, stack: str, resource_type: str) -> list[dict[str, Any]]:
    return [r["Properties"] for r in app.resources(stack, resource_type).values()]


def _one(app: Synthesized, stack: str, resource_type: str) -> tuple[str, dict[str, Any]]:
    """Logical ID and Properties of the stack's one resource of ``resource_type``."""
    logical_id, resource = app.only(stack, resource_type)
    return logical_id, resource["Properties"]


def _routes(app: Synthesized, stack: str) -> list[dict[str, Any]]:
    return [m for m in _all(app, stack, "AWS::ApiGateway::Method") if m["HttpMethod"] != "OPTIONS"]


# --- defaults -------------------------------------------------------------------------


def test_default_creates_an_on_demand_table_with_pitr_retained(variants: Synthesized) -> None:
    table = next(iter(variants.resources("ApiDefaults", "AWS::DynamoDB::GlobalTable").values()))
    assert table["DeletionPolicy"] == "Retain"
    props = table["Properties"]
    assert props["BillingMode"] == "PAY_PER_REQUEST"
    assert props["Replicas"][0]["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert "StreamSpecification" not in props and "TimeToLiveSpecification" not in props


def test_default_logs_are_kept_a_year_and_retained(variants: Synthesized) -> None:
    groups = variants.resources("ApiDefaults", "AWS::Logs::LogGroup").values()
    assert {g["Properties"]["RetentionInDays"] for g in groups} == {365}
    assert {g["DeletionPolicy"] for g in groups} == {"Retain"}


def test_default_has_no_cors_usage_plan_domain_or_web_acl(variants: Synthesized) -> None:
    template = variants.template("ApiDefaults")
    for resource_type in (
        "AWS::ApiGateway::UsagePlan",
        "AWS::ApiGateway::ApiKey",
        "AWS::ApiGateway::DomainName",
        "AWS::WAFv2::WebACL",
        "AWS::WAFv2::WebACLAssociation",
        "AWS::Cognito::UserPool",
    ):
        template.resource_count_is(resource_type, 0)
    assert all(m["HttpMethod"] != "OPTIONS" for m in _all(variants, "ApiDefaults", "AWS::ApiGateway::Method"))
    assert all(m.get("ApiKeyRequired") in (None, False) for m in _routes(variants, "ApiDefaults"))


def test_default_stage_throttling(variants: Synthesized) -> None:
    _, stage = _one(variants, "ApiDefaults", "AWS::ApiGateway::Stage")
    (settings,) = stage["MethodSettings"]
    assert (settings["ThrottlingRateLimit"], settings["ThrottlingBurstLimit"]) == (50, 100)


def test_default_alarm_thresholds(variants: Synthesized) -> None:
    alarms = {a.get("MetricName", "math"): a for a in _all(variants, "ApiDefaults", "AWS::CloudWatch::Alarm")}
    assert alarms["5XXError"]["Threshold"] == 0.01
    assert alarms["Latency"]["Threshold"] == 3000


# --- Cognito, usage plan, CORS, throttling, alarms, two functions, table options ------


def test_cognito_pool_is_strong_with_mfa_and_threat_protection(variants: Synthesized) -> None:
    _, pool = _one(variants, "ApiOptions", "AWS::Cognito::UserPool")
    assert pool["AdminCreateUserConfig"] == {"AllowAdminCreateUserOnly": True}
    assert pool["Policies"]["PasswordPolicy"] == {
        "MinimumLength": 12,
        "RequireLowercase": True,
        "RequireNumbers": True,
        "RequireSymbols": True,
        "RequireUppercase": True,
        "TemporaryPasswordValidityDays": 3,
    }
    assert pool["MfaConfiguration"] == "ON"
    assert pool["EnabledMfas"] == ["SOFTWARE_TOKEN_MFA"]
    assert pool["UserPoolTier"] == "PLUS"
    assert pool["UserPoolAddOns"] == {"AdvancedSecurityMode": "ENFORCED"}
    _, client = _one(variants, "ApiOptions", "AWS::Cognito::UserPoolClient")
    assert client["GenerateSecret"] is False
    assert client["PreventUserExistenceErrors"] == "ENABLED"


def test_cognito_authorizer_on_every_route_plus_api_key(variants: Synthesized) -> None:
    authorizer_id, authorizer = _one(variants, "ApiOptions", "AWS::ApiGateway::Authorizer")
    assert authorizer["Type"] == "COGNITO_USER_POOLS"
    for method in _routes(variants, "ApiOptions"):
        assert method["AuthorizationType"] == "COGNITO_USER_POOLS"
        assert method["AuthorizerId"] == {"Ref": authorizer_id}
        assert method["ApiKeyRequired"] is True


def test_usage_plan_with_throttle_and_daily_quota(variants: Synthesized) -> None:
    _, plan = _one(variants, "ApiOptions", "AWS::ApiGateway::UsagePlan")
    assert plan["Throttle"] == {"BurstLimit": 4, "RateLimit": 2}
    assert plan["Quota"] == {"Limit": 500, "Period": "DAY"}
    variants.template("ApiOptions").resource_count_is("AWS::ApiGateway::UsagePlanKey", 1)


def test_cors_allow_list_in_preflight_and_function(variants: Synthesized) -> None:
    preflight = [m for m in _all(variants, "ApiOptions", "AWS::ApiGateway::Method") if m["HttpMethod"] == "OPTIONS"]
    assert preflight, "no CORS preflight methods"
    for method in preflight:
        assert method["AuthorizationType"] == "NONE"
        params = method["Integration"]["IntegrationResponses"][0]["ResponseParameters"]
        assert params["method.response.header.Access-Control-Allow-Origin"] == f"'{ORIGINS[0]}'"
    for function in _all(variants, "ApiOptions", "AWS::Lambda::Function"):
        assert function["Environment"]["Variables"]["CORS_ALLOW_ORIGINS"] == ",".join(ORIGINS)


def test_any_origin_only_when_asked(variants: Synthesized) -> None:
    preflight = [m for m in _all(variants, "ApiDomain", "AWS::ApiGateway::Method") if m["HttpMethod"] == "OPTIONS"]
    params = preflight[0]["Integration"]["IntegrationResponses"][0]["ResponseParameters"]
    assert params["method.response.header.Access-Control-Allow-Origin"] == "'*'"


def test_stage_name_throttle_and_retention_options(variants: Synthesized) -> None:
    _, stage = _one(variants, "ApiOptions", "AWS::ApiGateway::Stage")
    assert stage["StageName"] == "v1"
    (settings,) = stage["MethodSettings"]
    assert (settings["ThrottlingRateLimit"], settings["ThrottlingBurstLimit"]) == (5, 7)
    groups = variants.resources("ApiOptions", "AWS::Logs::LogGroup").values()
    assert {g["Properties"]["RetentionInDays"] for g in groups} == {30}
    assert {g["DeletionPolicy"] for g in groups} == {"Delete"}


def test_each_function_gets_its_own_role_and_actions(variants: Synthesized) -> None:
    functions = {f["Description"]: f for f in _all(variants, "ApiOptions", "AWS::Lambda::Function")}
    writer, reader = functions["orders: writer"], functions["orders: reader"]
    assert (writer["MemorySize"], writer["Timeout"], writer["ReservedConcurrentExecutions"]) == (1024, 29, 5)
    assert writer["Environment"]["Variables"]["FEATURE"] == "on"
    assert "ReservedConcurrentExecutions" not in reader
    assert writer["Role"] != reader["Role"]
    actions_by_role = {}
    for policy in _all(variants, "ApiOptions", "AWS::IAM::Policy"):
        (role,) = policy["Roles"]
        dynamo = [s for s in policy["PolicyDocument"]["Statement"] if str(s["Action"]).count("dynamodb:")]
        actions_by_role[role["Ref"]] = sorted(a for s in dynamo for a in s["Action"])
    assert actions_by_role[writer["Role"]["Fn::GetAtt"][0]] == [
        "dynamodb:DeleteItem",
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:Scan",
        "dynamodb:UpdateItem",
    ]
    assert actions_by_role[reader["Role"]["Fn::GetAtt"][0]] == ["dynamodb:GetItem", "dynamodb:Scan"]
    # Each route is served by the function it names.
    integrations = {m["HttpMethod"]: json.dumps(m["Integration"]["Uri"]) for m in _routes(variants, "ApiOptions")}
    writer_id = next(
        k
        for k, v in variants.resources("ApiOptions", "AWS::Lambda::Function").items()
        if v["Properties"]["Description"] == "orders: writer"
    )
    assert writer_id in integrations["POST"] and writer_id not in integrations["GET"]


def test_provisioned_table_with_sort_key_ttl_stream_and_kms(variants: Synthesized) -> None:
    _, table = _one(variants, "ApiOptions", "AWS::DynamoDB::GlobalTable")
    assert table["KeySchema"] == [
        {"AttributeName": "customer", "KeyType": "HASH"},
        {"AttributeName": "order", "KeyType": "RANGE"},
    ]
    assert table["BillingMode"] == "PROVISIONED"
    replica = table["Replicas"][0]
    assert replica["ReadProvisionedThroughputSettings"]["ReadCapacityAutoScalingSettings"]["MaxCapacity"] == 20
    assert replica["DeletionProtectionEnabled"] is True
    key_id = next(k for k in variants.resources("ApiOptions", "AWS::KMS::Key") if k.startswith("TableKey"))
    assert replica["SSESpecification"] == {"KMSMasterKeyId": {"Fn::GetAtt": [key_id, "Arn"]}}
    assert table["SSESpecification"] == {"SSEEnabled": True, "SSEType": "KMS"}
    assert table["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}
    assert table["StreamSpecification"] == {"StreamViewType": "NEW_AND_OLD_IMAGES"}


def test_alarm_options_and_given_topic(variants: Synthesized) -> None:
    topic_id = next(k for k in variants.resources("ApiOptions", "AWS::SNS::Topic") if k.startswith("OpsTopic"))
    variants.template("ApiOptions").resource_count_is("AWS::SNS::Topic", 1)
    alarms = _all(variants, "ApiOptions", "AWS::CloudWatch::Alarm")
    # 5xx rate, p99 latency, errors and throttles per function (2 x 2), table throttles.
    assert len(alarms) == 7
    by_metric = {a.get("MetricName", "math"): a for a in alarms}
    assert by_metric["5XXError"]["Threshold"] == 0.05
    assert by_metric["Latency"]["Threshold"] == 1500
    assert all(a["AlarmActions"] == [{"Ref": topic_id}] for a in alarms)


def test_created_regional_web_acl_is_associated_with_the_stage(variants: Synthesized) -> None:
    acl_id, acl = _one(variants, "ApiOptions", "AWS::WAFv2::WebACL")
    assert acl["Scope"] == "REGIONAL"
    assert [rule["Name"] for rule in acl["Rules"]] == [
        "AWSManagedRulesAmazonIpReputationList",
        "AWSManagedRulesCommonRuleSet",
        "AWSManagedRulesKnownBadInputsRuleSet",
        "RateLimitPerIp",
    ]
    assert acl["Rules"][3]["Statement"]["RateBasedStatement"]["Limit"] == 300
    group_id, group = variants.only("ApiOptions", "AWS::Logs::LogGroup", "ServiceWebAclLogs")
    assert group["Properties"]["LogGroupName"].startswith("aws-waf-logs-")
    assert group["Properties"]["RetentionInDays"] == 30
    _, logging = _one(variants, "ApiOptions", "AWS::WAFv2::LoggingConfiguration")
    assert logging["ResourceArn"] == {"Fn::GetAtt": [acl_id, "Arn"]}
    assert logging["LogDestinationConfigs"] == [
        {"Fn::Join": ["", ["arn:aws:logs:eu-west-1:111111111111:log-group:", {"Ref": group_id}]]}
    ]
    _, association = _one(variants, "ApiOptions", "AWS::WAFv2::WebACLAssociation")
    assert association["WebACLArn"] == {"Fn::GetAtt": [acl_id, "Arn"]}
    assert "ServiceApiDeploymentStage" in json.dumps(association["ResourceArn"])


# --- custom domain, imported certificate, existing table/pool/web ACL ------------------


def test_custom_domain_with_imported_regional_certificate(variants: Synthesized) -> None:
    domain_id, domain = _one(variants, "ApiDomain", "AWS::ApiGateway::DomainName")
    assert domain == {
        "DomainName": "api.example.com",
        "EndpointConfiguration": {"Types": ["REGIONAL"]},
        "RegionalCertificateArn": API_CERT,
        "SecurityPolicy": "TLS_1_2",
        "Tags": [{"Key": "Pattern", "Value": "serverless-api"}],
    }
    _, record = _one(variants, "ApiDomain", "AWS::Route53::RecordSet")
    assert (record["Name"], record["Type"], record["HostedZoneId"]) == ("api.example.com.", "A", ZONE_ID)
    assert record["AliasTarget"]["DNSName"] == {"Fn::GetAtt": [domain_id, "RegionalDomainName"]}
    _, api = _one(variants, "ApiDomain", "AWS::ApiGateway::RestApi")
    assert api["DisableExecuteApiEndpoint"] is True
    variants.template("ApiDomain").resource_count_is("AWS::CertificateManager::Certificate", 0)


def test_existing_table_pool_and_web_acl_are_used_not_created(variants: Synthesized) -> None:
    template = variants.template("ApiDomain")
    for resource_type in ("AWS::DynamoDB::GlobalTable", "AWS::Cognito::UserPool", "AWS::WAFv2::WebACL"):
        template.resource_count_is(resource_type, 0)
    _, association = _one(variants, "ApiDomain", "AWS::WAFv2::WebACLAssociation")
    assert association["WebACLArn"] == API_WEB_ACL
    _, authorizer = _one(variants, "ApiDomain", "AWS::ApiGateway::Authorizer")
    assert "eu-west-1_abcdefghi" in json.dumps(authorizer["ProviderARNs"])
    (function,) = _all(variants, "ApiDomain", "AWS::Lambda::Function")
    assert function["Environment"]["Variables"]["TABLE_NAME"] == "items-table"


def test_api_leaves_the_account_logging_role_to_the_account_stack(variants: Synthesized) -> None:
    for stack in ("ApiDefaults", "ApiOptions", "ApiDomain"):
        variants.template(stack).resource_count_is("AWS::ApiGateway::Account", 0)
        roles = [json.dumps(r["AssumeRolePolicyDocument"]) for r in _all(variants, stack, "AWS::IAM::Role")]
        assert not [r for r in roles if "apigateway.amazonaws.com" in r], stack
        _, stage = _one(variants, stack, "AWS::ApiGateway::Stage")
        # Execution logs stay on: they use the account's role (ApiGatewayAccountLogging).
        assert stage["MethodSettings"][0]["LoggingLevel"] == "INFO"
