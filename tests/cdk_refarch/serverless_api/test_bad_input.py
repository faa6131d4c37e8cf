"""ServerlessApi's bad input fails when it is built, naming the property and value.

FrontDoorOptions' own rules are in tests/cdk_refarch/core/test_front_door.py, the web
ACL ARN's in test_waf.py, DynamoTable's options in tests/cdk_refarch/test_dynamo_table.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import App, Stack
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_route53 as route53
from aws_cdk import aws_sns as sns
from aws_cdk.assertions import Template

from cdk_refarch import (
    AlarmOptions,
    ApiAuthorization,
    ApiFunction,
    CognitoOptions,
    FrontDoorOptions,
    PatternConfigError,
    Route,
    ServerlessApi,
    TableOptions,
    Throttle,
    UsagePlanOptions,
)
from stacks.serverless_api.stack import ITEMS_CODE
from tests.cdk_refarch.static_site.variants import EU_WEST_1
from tests.synthesis import CDK_CONTEXT

KEY = dynamodb.Attribute(name="id", type=dynamodb.AttributeType.STRING)
INF, NAN = float("inf"), float("nan")
SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:prod/db"
PARAMETER_ARN = "arn:aws:ssm:eu-west-1:111111111111:parameter/prod/api-token"
ENV_NAME_RULE = "must match [A-Za-z_][A-Za-z0-9_]*: letters, digits and _, not starting with a digit"
MEMORY = "memory_size ({!r}) must be an integer from 128 to 10240 MB"
TIMEOUT = (
    "timeout_seconds (API Gateway ends a REST API integration after 29 seconds) ({!r}) must be an integer from 1 to 29"
)
RESERVED = (
    "reserved_concurrency (0 would stop the function; None leaves it unreserved) ({!r}) must be an integer at least 1"
)
LATENCY = "latency_p99_ms (API Gateway's integration timeout is 29 s) ({!r}) must be an integer from 1 to 29000"
ERROR_RATE = "server_error_rate (a fraction of requests) ({!r}) must be a finite number above 0 below 1"


def _raises(message: str) -> Any:
    return pytest.raises(PatternConfigError, match=re.escape(message))


def _stack() -> Stack:
    return Stack(App(context=CDK_CONTEXT), "Test", env=EU_WEST_1)


def _function(**props: Any) -> ApiFunction:
    return ApiFunction(code_path=ITEMS_CODE, **props)


def _api(stack: Stack | None = None, **props: Any) -> ServerlessApi:
    defaults: dict[str, Any] = {
        "functions": {"items": _function()},
        "routes": [Route("GET", "/items", "items")],
        "table": TableOptions(partition_key=KEY),
    }
    return ServerlessApi(stack or _stack(), "Api", **{**defaults, **props})


# --- numbers: ranges, and never bool, NaN or infinity -----------------------------------


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: Throttle(rate_limit=INF), "rate_limit (inf) must be a finite number above 0"),
        (lambda: Throttle(rate_limit=NAN), "rate_limit (nan) must be a finite number above 0"),
        (lambda: Throttle(rate_limit=True), "rate_limit (True) must be a finite number above 0"),
        (lambda: Throttle(rate_limit=0), "rate_limit (0) must be a finite number above 0"),
        (lambda: Throttle(burst_limit=True), "burst_limit (True) must be an integer at least 1"),
        (lambda: Throttle(burst_limit=INF), "burst_limit (inf) must be an integer at least 1"),
        (lambda: UsagePlanOptions(quota_per_day=True), "quota_per_day (True) must be an integer at least 1"),
        (lambda: UsagePlanOptions(quota_per_day=NAN), "quota_per_day (nan) must be an integer at least 1"),
        (lambda: UsagePlanOptions(quota_per_day=0), "quota_per_day (0) must be an integer at least 1"),
        (lambda: UsagePlanOptions(rate_limit=NAN), "rate_limit (nan) must be a finite number above 0"),
        (lambda: UsagePlanOptions(burst_limit=False), "burst_limit (False) must be an integer at least 1"),
        (lambda: _function(memory_size=True), MEMORY.format(True)),
        (lambda: _function(memory_size=INF), MEMORY.format(INF)),
        (lambda: _function(memory_size=127), MEMORY.format(127)),
        (lambda: _function(memory_size=10_241), MEMORY.format(10_241)),
        (lambda: _function(memory_size=512.5), MEMORY.format(512.5)),
        (lambda: _function(timeout_seconds=True), TIMEOUT.format(True)),
        (lambda: _function(timeout_seconds=NAN), TIMEOUT.format(NAN)),
        (lambda: _function(timeout_seconds=0), TIMEOUT.format(0)),
        (lambda: _function(timeout_seconds=30), TIMEOUT.format(30)),
        (lambda: _function(timeout_seconds=900), TIMEOUT.format(900)),
        (lambda: _function(reserved_concurrency=True), RESERVED.format(True)),
        (lambda: _function(reserved_concurrency=INF), RESERVED.format(INF)),
        (lambda: _function(reserved_concurrency=0), RESERVED.format(0)),
        (
            lambda: _function(account_concurrency_limit=True),
            "account_concurrency_limit (True) must be an integer at least 1000",
        ),
        (
            lambda: _function(account_concurrency_limit=NAN),
            "account_concurrency_limit (nan) must be an integer at least 1000",
        ),
        (lambda: AlarmOptions(latency_p99_ms=INF), LATENCY.format(INF)),
        (lambda: AlarmOptions(latency_p99_ms=True), LATENCY.format(True)),
        (lambda: AlarmOptions(latency_p99_ms=0), LATENCY.format(0)),
        (lambda: AlarmOptions(latency_p99_ms=29_001), LATENCY.format(29_001)),
        (lambda: AlarmOptions(server_error_rate=NAN), ERROR_RATE.format(NAN)),
        (lambda: AlarmOptions(server_error_rate=True), ERROR_RATE.format(True)),
        (lambda: AlarmOptions(server_error_rate=5), ERROR_RATE.format(5)),
        (lambda: AlarmOptions(server_error_rate=0), ERROR_RATE.format(0)),
        (lambda: CognitoOptions(mfa_required=1), "mfa_required (1) must be True or False"),
    ],
)
def test_numbers_and_flags(build: Callable[[], object], message: str) -> None:
    with _raises(message):
        build()


@pytest.mark.parametrize("days", [10, True, NAN, INF, 7.0])
def test_log_retention_days(days: Any) -> None:
    with _raises(f"log_retention_days ({days!r}) must be one of the CloudWatch Logs retention periods: 1, 3, 5"):
        _api(log_retention_days=days)


def test_the_jsii_kernel_still_works_after_a_refusal() -> None:
    """NaN or infinity serialized to jsii would kill its kernel, and every later CDK call
    in the process would fail with a broken pipe: the checks refuse them first."""
    with _raises("latency_p99_ms"):
        _api(alarms=AlarmOptions(latency_p99_ms=INF))
    with _raises("rate_limit (nan)"):
        _api(throttle=Throttle(rate_limit=NAN))
    with _raises("log_retention_days (inf)"):
        _api(log_retention_days=INF)
    stack = _stack()
    sns.Topic(stack, "Topic")
    Template.from_stack(stack).resource_count_is("AWS::SNS::Topic", 1)


def test_p99_latency_threshold_up_to_the_integration_timeout() -> None:
    assert AlarmOptions(latency_p99_ms=29_000).latency_p99_ms == 29_000


# --- burst below rate -------------------------------------------------------------------


@pytest.mark.parametrize("options", [Throttle, UsagePlanOptions])
def test_burst_below_rate(options: Callable[..., object]) -> None:
    with _raises(
        "burst_limit (5) must not be below rate_limit (10): the bucket must hold at least one second of steady traffic"
    ):
        options(rate_limit=10, burst_limit=5)
    with _raises("burst_limit (10) must not be below rate_limit (10.5)"):
        options(rate_limit=10.5, burst_limit=10)
    options(rate_limit=10, burst_limit=10)


# --- functions ---------------------------------------------------------------------------


def test_handler_module_must_exist(tmp_path: Path) -> None:
    with _raises(f"handler ('main.handler') needs {tmp_path}/main.py, which does not exist"):
        ApiFunction(code_path=str(tmp_path), handler="main.handler")


@pytest.mark.parametrize("handler", ["handler", "handler.", "1mod.handler", "handler.handler\n"])
def test_handler_must_be_module_and_function(handler: str) -> None:
    with _raises(f"handler ({handler!r}) must be 'module.function', e.g. 'handler.handler'"):
        _function(handler=handler)


def test_code_path_must_exist(tmp_path: Path) -> None:
    with _raises(f"code_path ({str(tmp_path / 'nope')!r}) must be an existing folder"):
        ApiFunction(code_path=str(tmp_path / "nope"))


def test_table_actions_are_item_level_only() -> None:
    with _raises("table_actions (dynamodb:*, dynamodb:DeleteTable) are not item-level DynamoDB actions; allowed: "):
        _function(table_actions=("dynamodb:GetItem", "dynamodb:DeleteTable", "dynamodb:*"))


# --- reserved concurrency against the account's quota ------------------------------------


def test_reserved_concurrency_above_what_a_default_account_can_reserve() -> None:
    with _raises(
        "reserved_concurrency (901) must be at most 900: Lambda keeps 100 of the account's 1000 unreserved; "
        "if your account's quota is higher, say so with account_concurrency_limit"
    ):
        _function(reserved_concurrency=901)
    assert _function(reserved_concurrency=900).reserved_concurrency == 900


def test_reserved_concurrency_within_a_raised_quota() -> None:
    assert _function(reserved_concurrency=1500, account_concurrency_limit=2000).reserved_concurrency == 1500
    with _raises("reserved_concurrency (1901) must be at most 1900: Lambda keeps 100 of the account's 2000 unreserved"):
        _function(reserved_concurrency=1901, account_concurrency_limit=2000)


def test_account_concurrency_limit_below_the_default_quota() -> None:
    with _raises("account_concurrency_limit (999) must be an integer at least 1000"):
        _function(account_concurrency_limit=999)


def test_reserved_concurrency_summed_across_functions() -> None:
    functions = {"reader": _function(reserved_concurrency=500), "writer": _function(reserved_concurrency=401)}
    routes = [Route("GET", "/items", "reader"), Route("POST", "/items", "writer")]
    with _raises(
        "reserved_concurrency of all functions (901) must be at most 900: Lambda keeps 100 of the account's 1000 "
        "unreserved"
    ):
        _api(functions=functions, routes=routes)
    raised = {
        "reader": _function(reserved_concurrency=500, account_concurrency_limit=2000),
        "writer": _function(reserved_concurrency=401, account_concurrency_limit=2000),
    }
    api = _api(functions=raised, routes=routes)
    assert set(api.functions) == {"reader", "writer"}


# --- environment variables and secrets ---------------------------------------------------


@pytest.mark.parametrize("name", ["1X", "A-B", "A B", "", "A\n", "É"])
@pytest.mark.parametrize("prop", ["environment", "secrets"])
def test_environment_variable_names(prop: str, name: str) -> None:
    value = SECRET_ARN if prop == "secrets" else "x"
    label = "environment variable" if prop == "environment" else "secrets variable"
    with _raises(f"{label} name ({name!r}) {ENV_NAME_RULE}"):
        _function(**{prop: {name: value}})


@pytest.mark.parametrize("prop", ["table_name_variable", "cors_origins_variable"])
@pytest.mark.parametrize("name", ["1X", "A-B", "A B", ""])
def test_variable_names_the_api_sets(prop: str, name: str) -> None:
    with _raises(f"{prop} name ({name!r}) {ENV_NAME_RULE}"):
        _api(**{prop: name})


def test_functions_may_not_set_what_the_api_sets() -> None:
    with _raises("function items sets TABLE_NAME, which ServerlessApi sets itself"):
        _api(functions={"items": _function(environment={"TABLE_NAME": "other"})})


def test_environment_values_must_be_strings() -> None:
    with _raises("environment variable FEATURE (1) must be a string"):
        _function(environment={"FEATURE": 1})


@pytest.mark.parametrize("name", ["DB_PASSWORD", "api_key", "GITHUB_TOKEN", "CLIENT_SECRET", "PRIVATE_KEY", "ApiKey"])
def test_secret_looking_environment_variables_are_refused(name: str) -> None:
    with _raises(
        f"environment variable {name} looks like a secret, and environment variables are plain text in the "
        f"template and the console: pass secrets={{{name!r}: '<ARN of a Secrets Manager secret or SSM "
        "parameter>'}, and the function reads the value at run time"
    ):
        _function(environment={name: "hunter2"})


@pytest.mark.parametrize(
    "arn",
    [
        "hunter2",
        "arn:aws:s3:::bucket/key",
        "arn:aws:secretsmanager:eu-west-1:1111:secret:db",
        "arn:aws:secretsmanager:eu-west-1:111111111111:secret:",
        "arn:aws:ssm:eu-west-1:111111111111:parameter",
        f"{SECRET_ARN}\n",
    ],
)
def test_secrets_must_be_secret_or_parameter_arns(arn: str) -> None:
    with _raises(
        f"secrets variable DB_PASSWORD ({arn!r}) must be the ARN of a Secrets Manager secret "
        "(arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME) or an SSM parameter "
        "(arn:aws:ssm:REGION:ACCOUNT:parameter/NAME)"
    ):
        _function(secrets={"DB_PASSWORD": arn})


def test_environment_and_secrets_both_set_a_name() -> None:
    with _raises("environment and secrets both set FEATURE"):
        _function(environment={"FEATURE": "on"}, secrets={"FEATURE": PARAMETER_ARN})


def test_secrets_reach_the_function_as_arns_with_read_access_to_each() -> None:
    stack = _stack()
    function = _function(secrets={"DB_PASSWORD": SECRET_ARN, "API_TOKEN": PARAMETER_ARN})
    _api(stack, functions={"items": function})
    resources = Template.from_stack(stack).to_json()["Resources"]
    (handler,) = [r["Properties"] for r in resources.values() if r["Type"] == "AWS::Lambda::Function"]
    variables = handler["Environment"]["Variables"]
    assert (variables["DB_PASSWORD"], variables["API_TOKEN"]) == (SECRET_ARN, PARAMETER_ARN)
    role_id = handler["Role"]["Fn::GetAtt"][0]
    (policy,) = [
        r["Properties"]
        for r in resources.values()
        if r["Type"] == "AWS::IAM::Policy" and r["Properties"]["Roles"] == [{"Ref": role_id}]
    ]
    statements = policy["PolicyDocument"]["Statement"]
    read_secret = {
        "Action": "secretsmanager:GetSecretValue",
        "Effect": "Allow",
        # The ARN as given, and with the "-AbCdEf" suffix Secrets Manager appends.
        "Resource": [SECRET_ARN, f"{SECRET_ARN}-??????"],
    }
    assert read_secret in statements
    assert {"Action": "ssm:GetParameter", "Effect": "Allow", "Resource": PARAMETER_ARN} in statements
    secret_actions = [s for s in statements if "secretsmanager" in str(s["Action"]) or "ssm:" in str(s["Action"])]
    assert len(secret_actions) == 2


# --- routes ------------------------------------------------------------------------------


def test_route_to_unknown_function() -> None:
    with _raises("route GET /items names function 'orders', which is not one of functions (items)"):
        _api(routes=[Route("GET", "/items", "orders")])


def test_duplicate_routes() -> None:
    with _raises("routes repeat GET /items"):
        _api(routes=[Route("GET", "/items", "items"), Route("GET", "/items", "items")])


@pytest.mark.parametrize("path", ["items", "/items/", "/items/{id", "/it ems", "/items//x", "/items\n", "/{1d}"])
def test_bad_route_path(path: str) -> None:
    with _raises(f"path ({path!r}) must start with '/' and hold segments such as 'items' or '{{id}}'"):
        Route("GET", path, "items")


def test_repeated_path_variable() -> None:
    with _raises("path ('/a/{id}/b/{id}') repeats the path variable {id}: each variable of a path needs its own name"):
        Route("GET", "/a/{id}/b/{id}", "items")


def test_sibling_path_variables_with_different_names() -> None:
    with _raises(
        "routes use {id} and {key} under /items: API Gateway allows one path variable name per parent; "
        "use the same name in both"
    ):
        _api(routes=[Route("GET", "/items/{id}", "items"), Route("DELETE", "/items/{key}", "items")])
    with _raises("routes use {id2} and {key} under /items/{id}/tags"):
        _api(routes=[Route("GET", "/items/{id}/tags/{id2}", "items"), Route("GET", "/items/{id}/tags/{key}", "items")])


def test_same_path_variable_under_one_parent_and_different_ones_under_others() -> None:
    api = _api(
        routes=[
            Route("GET", "/items/{id}", "items"),
            Route("DELETE", "/items/{id}", "items"),
            Route("GET", "/orders/{order}", "items"),
            Route("GET", "/items/{id}/tags/{tag}", "items"),
        ]
    )
    assert api.api.root.get_resource("items") is not None


def test_body_schema_on_get() -> None:
    with _raises("body_schema is given for GET /items, but only POST, PUT, PATCH requests carry a body"):
        Route("GET", "/items", "items", body_schema={"type": "object"})


def test_body_schema_newer_than_draft_4() -> None:
    with _raises(
        "body_schema of POST /items declares 'https://json-schema.org/draft/2020-12/schema': API Gateway "
        "models take JSON Schema draft 4"
    ):
        Route("POST", "/items", "items", body_schema={"$schema": "https://json-schema.org/draft/2020-12/schema"})


def test_unknown_method() -> None:
    with _raises("method ('FETCH') must be one of GET, POST, PUT, PATCH, DELETE, HEAD"):
        Route("FETCH", "/items", "items")


def test_functions_and_routes_must_not_be_empty() -> None:
    with _raises("functions must name at least one ApiFunction"):
        _api(functions={})
    with _raises("routes must hold at least one Route"):
        _api(routes=[])


# --- CORS --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "origin",
    [
        "app.example.com",
        "https://app.example.com/",
        "https://app.example.com/path",
        "ftp://x.example.com",
        "https://App.Example.com",
        "https://app.example.com:123456",
        "https://app.example.com\n",
    ],
)
def test_cors_origin_that_is_not_an_origin(origin: str) -> None:
    with _raises(
        f"cors_origins entry ({origin!r}) must be an origin such as 'https://app.example.com' "
        "(scheme, lower-case host, optional port, no path); pass ('*',) alone to allow any origin"
    ):
        _api(cors_origins=[origin])


@pytest.mark.parametrize("port", ["0", "65536", "99999"])
def test_cors_origin_port_outside_the_tcp_range(port: str) -> None:
    origin = f"https://a.example.com:{port}"
    with _raises(f"cors_origins entry ({origin!r}) has port {port}: ports are 1 to 65535"):
        _api(cors_origins=[origin])


def test_cors_origin_ports_at_the_edges_of_the_range() -> None:
    _api(cors_origins=["https://a.example.com:1", "http://localhost:65535", "http://localhost:5173"])


def test_wildcard_origin_only_alone() -> None:
    with _raises("cors_origins entry ('*') must be an origin"):
        _api(cors_origins=["https://app.example.com", "*"])


@pytest.mark.parametrize("header", ["X Custom", "X_Custom", "", "X-Custom\n"])
def test_cors_allow_headers_must_be_header_names(header: str) -> None:
    with _raises(f"cors_allow_headers entry ({header!r}) must be an HTTP header name: letters, digits and -"):
        _api(cors_origins=["https://app.example.com"], cors_allow_headers=["Content-Type", header])


# --- table, authorization, alarms, stage ------------------------------------------------


def test_table_and_existing_table_both_or_neither() -> None:
    stack = _stack()
    existing = dynamodb.TableV2.from_table_name(stack, "T", "items")
    with _raises("pass exactly one of table (create a table here) or existing_table"):
        _api(stack, existing_table=existing)
    with _raises("pass exactly one of table (create a table here) or existing_table"):
        _api(table=None)


def test_cognito_options_need_cognito_authorization() -> None:
    with _raises("cognito_options is only used with authorization=ApiAuthorization.COGNITO"):
        _api(authorization=ApiAuthorization.IAM, cognito_options=CognitoOptions())


@pytest.mark.parametrize("email", ["nope", "a@b", "a b@example.com", "@example.com", "ops@example.com\n", ""])
def test_alarm_email_must_be_an_address(email: str) -> None:
    with _raises(f"email ({email!r}) must be an e-mail address such as 'ops@example.com'"):
        AlarmOptions(email=email)


def test_alarm_email_only_with_the_topic_created_here() -> None:
    topic = sns.Topic(_stack(), "Topic")
    with _raises("email is only used with the topic created here; subscribe it to your own topic instead"):
        AlarmOptions(topic=topic, email="ops@example.com")


@pytest.mark.parametrize("name", ["v-1", "", "v" * 129, "v1\n"])
def test_stage_name(name: str) -> None:
    with _raises(f"stage_name ({name!r}) must be 1-128 letters, digits or _"):
        _api(stage_name=name)


# --- the front door against the stack --------------------------------------------------


def test_certificate_from_another_region() -> None:
    stack = _stack()
    arn = "arn:aws:acm:us-east-1:111111111111:certificate/abc"
    zone = route53.HostedZone.from_hosted_zone_attributes(stack, "Z", hosted_zone_id="Z1", zone_name="example.com")
    with _raises(
        f"certificate ({arn}) is in us-east-1: A regional API Gateway domain only accepts certificates from eu-west-1"
    ):
        _api(
            stack,
            front_door=FrontDoorOptions(
                domain_name="api.example.com",
                hosted_zone=zone,
                certificate=acm.Certificate.from_certificate_arn(stack, "C", arn),
            ),
        )


def test_cloudfront_web_acl_arn_on_a_regional_api() -> None:
    arn = "arn:aws:wafv2:us-east-1:111111111111:global/webacl/a/b"
    with _raises(
        f"web_acl_arn ({arn!r}) must be the ARN of a WAFv2 web ACL with REGIONAL scope "
        "(arn:aws:wafv2:REGION:ACCOUNT:regional/webacl/NAME/ID)"
    ):
        _api(front_door=FrontDoorOptions(web_acl_arn=arn))


def test_regional_web_acl_arn_from_another_region() -> None:
    arn = "arn:aws:wafv2:us-east-1:111111111111:regional/webacl/a/b"
    with _raises(f"web_acl_arn ({arn!r}) is in us-east-1: a REGIONAL web ACL for this stack must be in eu-west-1"):
        _api(front_door=FrontDoorOptions(web_acl_arn=arn))
