"""Smoke checks of the ``serverless-api`` pattern (see ``deploy/smoke/__init__.py``).

On both targets: the function's runtime, architecture, tracing, layer and its wiring to
the items table; the API's endpoint type, routes with the template's authorization (IAM
or a Cognito authorizer), validator, body models and stage; the alarms. In a real
account also, for an IAM-authorized API, a signed round trip through the deployed URL
(create, get, list, delete), and a refusal without a signature (403) or token (401).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from deploy.smoke import SmokeContext, SmokeSkip
from stacks.serverless_api.contract import items_contract

CONTRACT = items_contract()
ROUTES = {(route.path, route.method) for route in CONTRACT.ROUTES}


def _function_name(ctx: SmokeContext) -> str:
    return ctx.only("AWS::Lambda::Function")


def _function(ctx: SmokeContext) -> dict[str, Any]:
    return dict(ctx.client("lambda").get_function_configuration(FunctionName=_function_name(ctx)))


def _api_url(ctx: SmokeContext) -> str:
    return f"https://{_api_id(ctx)}.execute-api.{ctx.region}.amazonaws.com/{_stage_name(ctx)}"


def _api_id(ctx: SmokeContext) -> str:
    return ctx.only("AWS::ApiGateway::RestApi")


def _stage_name(ctx: SmokeContext) -> str:
    (logical_id,) = ctx.logical_ids("AWS::ApiGateway::Stage")
    return str(ctx.template["Resources"][logical_id]["Properties"]["StageName"])


def check_function_runtime_architecture_and_tracing(ctx: SmokeContext) -> None:
    config = _function(ctx)
    assert config["Runtime"] == "python3.14", config["Runtime"]
    assert config["Architectures"] == ["arm64"], config["Architectures"]
    assert config["TracingConfig"]["Mode"] == "Active", config["TracingConfig"]
    assert config["Handler"] == CONTRACT.HANDLER, config["Handler"]
    layers = [layer["Arn"] for layer in config.get("Layers", [])]
    assert any(":layer:AWSLambdaPowertoolsPythonV3-python314-arm64:" in arn for arn in layers), layers


def check_function_reaches_the_items_table(ctx: SmokeContext) -> None:
    table = _function(ctx)["Environment"]["Variables"][CONTRACT.ENV_TABLE_NAME]
    described = ctx.client("dynamodb").describe_table(TableName=table)["Table"]
    assert described["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}], described["KeySchema"]


def check_function_reserved_concurrency_matches_the_stage(ctx: SmokeContext) -> None:
    (logical_id,) = ctx.tagged("AWS::Lambda::Function")
    wanted = ctx.template["Resources"][logical_id]["Properties"].get("ReservedConcurrentExecutions")
    response = ctx.client("lambda").get_function_concurrency(FunctionName=_function_name(ctx))
    assert response.get("ReservedConcurrentExecutions") == wanted, response


def check_api_is_regional(ctx: SmokeContext) -> None:
    api = ctx.client("apigateway").get_rest_api(restApiId=_api_id(ctx))
    assert api["endpointConfiguration"]["types"] == ["REGIONAL"], api["endpointConfiguration"]


def _authorization(ctx: SmokeContext) -> str:
    """The routes' authorization type, as the template gives it (one for every route)."""
    resources = ctx.template["Resources"]
    found = {
        resources[key]["Properties"].get("AuthorizationType", "NONE")
        for key in ctx.logical_ids("AWS::ApiGateway::Method")
        if resources[key]["Properties"]["HttpMethod"] != "OPTIONS"
    }
    assert len(found) == 1, f"the routes mix authorization types: {sorted(found)}"
    return found.pop()


def check_api_routes_require_authorization_and_validation(ctx: SmokeContext) -> None:
    client = ctx.client("apigateway")
    api_id = _api_id(ctx)
    wanted = _authorization(ctx)
    assert wanted in ("AWS_IAM", "COGNITO_USER_POOLS"), f"the routes' authorization is {wanted}"
    validators = client.get_request_validators(restApiId=api_id)["items"]
    assert [(v["validateRequestBody"], v["validateRequestParameters"]) for v in validators] == [(True, True)]
    found = set()
    for resource in client.get_resources(restApiId=api_id, embed=["methods"])["items"]:
        for method, detail in (resource.get("resourceMethods") or {}).items():
            if method == "OPTIONS":
                continue
            found.add((resource["path"], method))
            method_detail = (
                detail
                if "authorizationType" in detail
                else client.get_method(restApiId=api_id, resourceId=resource["id"], httpMethod=method)
            )
            assert method_detail["authorizationType"] == wanted, (resource["path"], method, method_detail)
            if wanted == "COGNITO_USER_POOLS":
                assert method_detail.get("authorizerId"), (resource["path"], method, "no authorizer")
                assert not method_detail.get("authorizationScopes"), "scopes would refuse the site's ID tokens"
            assert method_detail.get("requestValidatorId") == validators[0]["id"], (resource["path"], method)
    assert found == ROUTES, f"routes: {sorted(found)}"


def check_api_body_models(ctx: SmokeContext) -> None:
    models = ctx.client("apigateway").get_models(restApiId=_api_id(ctx))["items"]
    titles = sorted(json.loads(model["schema"])["title"] for model in models if "schema" in model)
    wanted = {route.body_schema["title"] for route in CONTRACT.ROUTES if route.body_schema}
    assert wanted <= set(titles), titles


def check_api_stage_traces_and_throttles(ctx: SmokeContext) -> None:
    stage = ctx.client("apigateway").get_stage(restApiId=_api_id(ctx), stageName=_stage_name(ctx))
    assert stage.get("tracingEnabled") is True, stage
    settings = stage.get("methodSettings", {}).get("*/*", {})
    assert settings.get("throttlingRateLimit", 0) > 0 and settings.get("throttlingBurstLimit", 0) > 0, settings
    assert settings.get("dataTraceEnabled") is False, settings


def check_alarms_exist(ctx: SmokeContext) -> None:
    names = [ctx.physical_id(logical_id) for logical_id in ctx.tagged("AWS::CloudWatch::Alarm")]
    assert names, "the pattern has no alarms"
    alarms = ctx.client("cloudwatch").describe_alarms(AlarmNames=names)["MetricAlarms"]
    assert sorted(a["AlarmName"] for a in alarms) == sorted(names), [a["AlarmName"] for a in alarms]
    assert all(a["AlarmActions"] for a in alarms), "an alarm notifies nobody"


def check_alarm_topic_mails_the_alarm_email(ctx: SmokeContext) -> None:
    wanted = sorted(
        resource["Properties"]["Endpoint"]
        for resource in ctx.template.get("Resources", {}).values()
        if resource["Type"] == "AWS::SNS::Subscription" and resource["Properties"].get("Protocol") == "email"
    )
    if not wanted:
        raise SmokeSkip("no alarm e-mail was given (-c alarm_email / ALARM_EMAIL=): the topic has no subscriber")
    topic = ctx.only("AWS::SNS::Topic")
    subscriptions = ctx.client("sns").list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    mailed = sorted(sub["Endpoint"] for sub in subscriptions if sub["Protocol"] == "email")
    assert mailed == wanted, f"the alarm topic mails {mailed}, the template asks for {wanted}"


def check_signed_round_trip(ctx: SmokeContext) -> None:
    ctx.require_aws("calling the API")
    if _authorization(ctx) != "AWS_IAM":
        raise SmokeSkip("the API takes Cognito ID tokens, not IAM signatures: sign in on the site to call it")
    base = _api_url(ctx)
    created = _signed(ctx, "POST", f"{base}{CONTRACT.ITEMS_PATH}", {"name": "smoke test", "tags": ["smoke"]})
    assert created[0] == 201, created
    item = created[1]
    try:
        status, fetched = _signed(ctx, "GET", f"{base}{CONTRACT.ITEMS_PATH}/{item['id']}")
        assert status == 200 and fetched["name"] == "smoke test", (status, fetched)
        status, page = _signed(ctx, "GET", f"{base}{CONTRACT.ITEMS_PATH}?limit=100")
        assert status == 200 and "items" in page, (status, page)
    finally:
        # The only write: the item this check created is removed again.
        status, _ = _signed(ctx, "DELETE", f"{base}{CONTRACT.ITEMS_PATH}/{item['id']}")
        assert status == 204, status
    status, _ = _signed(ctx, "GET", f"{base}{CONTRACT.ITEMS_PATH}/{item['id']}")
    assert status == 404, status


def check_unsigned_requests_are_refused(ctx: SmokeContext) -> None:
    ctx.require_aws("calling the API")
    try:
        with urllib.request.urlopen(_api_url(ctx) + CONTRACT.ITEMS_PATH, timeout=30) as response:
            raise AssertionError(f"an unsigned request was answered {response.status}")
    except urllib.error.HTTPError as error:
        # IAM refuses a missing signature with 403, a Cognito authorizer a missing token with 401.
        wanted = 403 if _authorization(ctx) == "AWS_IAM" else 401
        assert error.code == wanted, (error.code, wanted)


def _signed(ctx: SmokeContext, method: str, url: str, body: Any = None) -> tuple[int, Any]:
    """An IAM (SigV4) signed request with the caller's own credentials."""
    import boto3
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest

    data = json.dumps(body).encode() if body is not None else None
    headers = {"Content-Type": "application/json"} if data else {}
    request = AWSRequest(method=method, url=url, data=data, headers=headers)
    credentials = boto3.Session().get_credentials()
    assert credentials is not None, "no AWS credentials to sign with"
    SigV4Auth(credentials.get_frozen_credentials(), "execute-api", ctx.region).add_auth(request)
    prepared = urllib.request.Request(url, data=data, method=method, headers=dict(request.headers))
    try:
        with urllib.request.urlopen(prepared, timeout=30) as response:
            text = response.read().decode()
            return response.status, json.loads(text) if text else None
    except urllib.error.HTTPError as error:
        text = error.read().decode()
        return error.code, json.loads(text) if text else None
