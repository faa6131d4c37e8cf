"""ServerlessApi's bad input fails when it is built, naming the property and value."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import App, Stack
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_route53 as route53

from cdk_refarch import (
    AlarmOptions,
    ApiAuthorization,
    ApiFunction,
    CognitoOptions,
    PatternConfigError,
    ProvisionedCapacity,
    Route,
    ServerlessApi,
    TableOptions,
    Throttle,
    UsagePlanOptions,
    WebAclOptions,
)
from stacks.serverless_api.stack import ITEMS_CODE
from tests.cdk_refarch.static_site.variants import EU_WEST_1

KEY = dynamodb.Attribute(name="id", type=dynamodb.AttributeType.STRING)


def _raises(message: str) -> Any:
    return pytest.raises(PatternConfigError, match=re.escape(message))


def _api(stack: Stack | None = None, **props: Any) -> ServerlessApi:
    defaults: dict[str, Any] = {
        "functions": {"items": ApiFunction(code_path=ITEMS_CODE)},
        "routes": [Route("GET", "/items", "items")],
        "table": TableOptions(partition_key=KEY),
    }
    return ServerlessApi(stack or Stack(App(), "Test", env=EU_WEST_1), "Api", **{**defaults, **props})


@pytest.mark.parametrize("memory", [127, 10_241, 512.5])
def test_memory_outside_lambda_range(memory: Any) -> None:
    with _raises(f"memory_size ({memory!r}) must be an integer from 128 to 10240 MB"):
        ApiFunction(code_path=ITEMS_CODE, memory_size=memory)


@pytest.mark.parametrize("timeout", [0, 30, 900])
def test_timeout_beyond_api_gateway(timeout: int) -> None:
    with _raises(
        f"timeout_seconds ({timeout}) must be from 1 to 29: API Gateway ends a REST API integration after 29 seconds"
    ):
        ApiFunction(code_path=ITEMS_CODE, timeout_seconds=timeout)


def test_handler_module_must_exist(tmp_path: Path) -> None:
    with _raises(f"handler ('main.handler') needs {tmp_path}/main.py, which does not exist"):
        ApiFunction(code_path=str(tmp_path), handler="main.handler")


def test_handler_must_be_module_and_function() -> None:
    with _raises("handler ('handler') must be 'module.function'"):
        ApiFunction(code_path=ITEMS_CODE, handler="handler")


def test_code_path_must_exist(tmp_path: Path) -> None:
    with _raises(f"code_path ({str(tmp_path / 'nope')!r}) must be an existing folder"):
        ApiFunction(code_path=str(tmp_path / "nope"))


def test_table_actions_are_item_level_only() -> None:
    with _raises("table_actions (dynamodb:*, dynamodb:DeleteTable) are not item-level DynamoDB actions"):
        ApiFunction(code_path=ITEMS_CODE, table_actions=("dynamodb:GetItem", "dynamodb:DeleteTable", "dynamodb:*"))


def test_reserved_concurrency_zero() -> None:
    with _raises("reserved_concurrency (0) must be at least 1"):
        ApiFunction(code_path=ITEMS_CODE, reserved_concurrency=0)


def test_sort_key_equal_to_partition_key() -> None:
    with _raises("sort_key ('id') must differ from partition_key ('id')"):
        TableOptions(partition_key=KEY, sort_key=dynamodb.Attribute(name="id", type=dynamodb.AttributeType.NUMBER))


def test_ttl_on_a_key_attribute() -> None:
    with _raises("time_to_live_attribute ('id') cannot be a key attribute"):
        TableOptions(partition_key=KEY, time_to_live_attribute="id")


def test_provisioned_minimum_above_maximum() -> None:
    with _raises("min_read (5) must not exceed max_read (2)"):
        ProvisionedCapacity(min_read=5, max_read=2)


@pytest.mark.parametrize(
    "origin",
    [
        "app.example.com",
        "https://app.example.com/",
        "https://app.example.com/path",
        "ftp://x.example.com",
        "https://App.Example.com",
    ],
)
def test_cors_origin_that_is_not_an_origin(origin: str) -> None:
    with _raises(f"cors_origins entry ({origin!r}) must be an origin such as 'https://app.example.com'"):
        _api(cors_origins=[origin])


def test_wildcard_origin_only_alone() -> None:
    with _raises("cors_origins entry ('*') must be an origin"):
        _api(cors_origins=["https://app.example.com", "*"])


def test_route_to_unknown_function() -> None:
    with _raises("route GET /items names function 'orders', which is not one of functions (items)"):
        _api(routes=[Route("GET", "/items", "orders")])


def test_duplicate_routes() -> None:
    with _raises("routes repeat GET /items"):
        _api(routes=[Route("GET", "/items", "items"), Route("GET", "/items", "items")])


@pytest.mark.parametrize("path", ["items", "/items/", "/items/{id", "/it ems"])
def test_bad_route_path(path: str) -> None:
    with _raises(f"path ({path!r}) must start with '/'"):
        Route("GET", path, "items")


def test_body_schema_on_get() -> None:
    with _raises("body_schema is given for GET /items, but only POST, PUT, PATCH requests carry a body"):
        Route("GET", "/items", "items", body_schema={"type": "object"})


def test_body_schema_newer_than_draft_4() -> None:
    with _raises(
        "declares 'https://json-schema.org/draft/2020-12/schema': API Gateway models take JSON Schema draft 4"
    ):
        Route("POST", "/items", "items", body_schema={"$schema": "https://json-schema.org/draft/2020-12/schema"})


def test_unknown_method() -> None:
    with _raises("method ('FETCH') must be one of GET, POST, PUT, PATCH, DELETE, HEAD"):
        Route("FETCH", "/items", "items")


def test_table_and_existing_table_both_or_neither() -> None:
    stack = Stack(App(), "Test")
    existing = dynamodb.TableV2.from_table_name(stack, "T", "items")
    with _raises("pass exactly one of table (create a table here) or existing_table"):
        _api(stack, existing_table=existing)
    with _raises("pass exactly one of table"):
        _api(table=None)


def test_cognito_options_need_cognito_authorization() -> None:
    with _raises("cognito_options is only used with authorization=ApiAuthorization.COGNITO"):
        _api(authorization=ApiAuthorization.IAM, cognito_options=CognitoOptions())


def test_certificate_from_another_region() -> None:
    stack = Stack(App(), "Test", env=EU_WEST_1)
    arn = "arn:aws:acm:us-east-1:111111111111:certificate/abc"
    zone = route53.HostedZone.from_hosted_zone_attributes(stack, "Z", hosted_zone_id="Z1", zone_name="example.com")
    with _raises(
        f"certificate ({arn}) is in us-east-1: A regional API Gateway domain only accepts certificates from eu-west-1"
    ):
        _api(
            stack,
            domain_name="api.example.com",
            hosted_zone=zone,
            certificate=acm.Certificate.from_certificate_arn(stack, "C", arn),
        )


def test_domain_without_zone() -> None:
    with _raises("domain_name ('api.example.com') needs hosted_zone"):
        _api(domain_name="api.example.com")


def test_web_acl_twice_and_cloudfront_arn() -> None:
    arn = "arn:aws:wafv2:eu-west-1:111111111111:regional/webacl/a/b"
    with _raises("pass either web_acl"):
        _api(web_acl=WebAclOptions(), web_acl_arn=arn)
    global_arn = "arn:aws:wafv2:us-east-1:111111111111:global/webacl/a/b"
    with _raises(f"web_acl_arn ({global_arn!r}) must be the ARN of a WAFv2 web ACL with REGIONAL scope"):
        _api(web_acl_arn=global_arn)


def test_stage_name() -> None:
    with _raises("stage_name ('v-1') must be 1-128 letters, digits or _"):
        _api(stage_name="v-1")


def test_throttle_usage_plan_and_alarm_ranges() -> None:
    with _raises("rate_limit (0) must be above 0"):
        Throttle(rate_limit=0)
    with _raises("quota_per_day (0) must be at least 1"):
        UsagePlanOptions(quota_per_day=0)
    with _raises("server_error_rate (5) must be a fraction between 0 and 1"):
        AlarmOptions(server_error_rate=5)


def test_log_retention_days() -> None:
    with _raises("log_retention_days (10) must be one of the CloudWatch Logs retention periods"):
        _api(log_retention_days=10)
