"""Fixtures for the items Lambda: environment, a moto-backed table, and event builders.

The handler module is loaded from runtime/items/handler.py under the name
``items_handler``, a name that cannot clash with any other module of the pytest
session. runtime/items is *appended* to sys.path, for the handler's
``from contract import ...``, so that it never shadows top-level modules; the
tests import that same ``contract`` module (``CONTRACT``), so the handler and
the tests share one copy of the routes, variable names and schemas.
"""

from __future__ import annotations

import base64
import importlib
import importlib.util
import io
import json
import re
import sys
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, Final

import boto3
import pytest
from moto import mock_aws
from moto.core.config import DefaultConfig

from tests.runtime import lambda_harness
from tests.runtime.contracts import load_module

ITEMS_DIR = Path(__file__).resolve().parents[3] / "runtime" / "items"
if str(ITEMS_DIR) not in sys.path:
    sys.path.append(str(ITEMS_DIR))

#: runtime/items/contract.py, the very module the handler imports.
CONTRACT: Final[ModuleType] = importlib.import_module("contract")
HANDLER_MODULE, HANDLER_FUNCTION = CONTRACT.HANDLER.rsplit(".", 1)

TABLE_NAME = "items-test"
REGION = "us-east-1"
METRICS_NAMESPACE = "ItemsTests"
SERVICE_NAME = "items"
STAGE = "prod"

ENV = {
    CONTRACT.ENV_TABLE_NAME: TABLE_NAME,
    **lambda_harness.lambda_environment(REGION),
    CONTRACT.ENV_METRICS_NAMESPACE: METRICS_NAMESPACE,
    CONTRACT.ENV_SERVICE_NAME: SERVICE_NAME,
    CONTRACT.ENV_LOG_LEVEL: "INFO",
}


@pytest.fixture(autouse=True)
def aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    # A developer's own AWS setup must never leak into (or be hit by) the tests.
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB"):
        monkeypatch.delenv(name, raising=False)


def load_handler(module_name: str) -> ModuleType:
    """runtime/items/handler.py, executed afresh under ``module_name`` (and registered in sys.modules)."""
    return load_module(module_name, ITEMS_DIR / f"{HANDLER_MODULE}.py")


@pytest.fixture
def items_handler(aws_env: None) -> ModuleType:
    """The handler module, loaded once per session with the test environment in place."""
    return sys.modules.get("items_handler") or load_handler("items_handler")


@pytest.fixture
def contract(items_handler: ModuleType) -> ModuleType:
    """The contract module, as the handler imported it."""
    assert sys.modules["contract"] is CONTRACT
    return CONTRACT


# One moto mock per test module, a fresh table per test. Starting a mock resets
# every moto backend and (by default) boto3's default session, which made
# each test pay ~40 ms before doing anything; deleting the one table the tests
# use gives the same isolation. The session is kept because aws_env already
# pins credentials and region.
_MOTO_CONFIG: Final[DefaultConfig] = {"core": {"reset_boto3_session": False}}


@pytest.fixture(scope="module")
def moto_account() -> Iterator[None]:
    with mock_aws(config=_MOTO_CONFIG):
        yield


@pytest.fixture
def table(moto_account: None, items_handler: ModuleType) -> Iterator[Any]:
    """A fresh, empty items table in moto; the handler builds its table resource anew for it."""
    items_handler.reset_table_cache()
    resource = boto3.resource("dynamodb", region_name=REGION)
    created = resource.create_table(
        TableName=TABLE_NAME,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    yield created
    created.delete()
    items_handler.reset_table_cache()


@pytest.fixture
def missing_table(moto_account: None, items_handler: ModuleType) -> Iterator[None]:
    """A moto account in which the configured table does not exist."""
    items_handler.reset_table_cache()
    yield
    items_handler.reset_table_cache()


LogLines = Callable[[], list[dict[str, Any]]]


@pytest.fixture
def log_lines(items_handler: ModuleType) -> Iterator[LogLines]:
    """The handler's structured log records emitted during the test, parsed.

    The powertools Logger binds its stream when the module is imported, so
    capsys (which swaps sys.stdout per test) cannot see it; the handler's
    stream is pointed at a buffer instead.
    """
    buffer = io.StringIO()
    log_handler = items_handler.logger.registered_handler
    previous = log_handler.setStream(buffer)

    def _read() -> list[dict[str, Any]]:
        return [json.loads(line) for line in buffer.getvalue().splitlines() if line.strip()]

    yield _read
    log_handler.setStream(previous)


def FakeLambdaContext() -> lambda_harness.FakeLambdaContext:  # noqa: N802 - stands for the class
    return lambda_harness.FakeLambdaContext(function_name="items-handler", region=REGION)


def _template_pattern(template: str) -> re.Pattern[str]:
    # "/items/{id}" -> r"/items/(?P<id>[^/]+)": what API Gateway matches a resource path with.
    return re.compile(re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template)))


# The resources the CDK stack defines, one per path in the contract's routes.
_RESOURCES: Final = [(template, _template_pattern(template)) for template in sorted({r.path for r in CONTRACT.ROUTES})]


def _resource_and_path_parameters(path: str) -> tuple[str, dict[str, str] | None]:
    # Mirrors the API the CDK stack defines from the contract (/items and
    # /items/{id} today); anything else is what a greedy {proxy+} resource
    # would deliver.
    for template, pattern in _RESOURCES:
        match = pattern.fullmatch(path)
        if match:
            return template, match.groupdict() or None
    return "/{proxy+}", {"proxy": path.lstrip("/")}


def make_event(
    method: str,
    path: str,
    *,
    body: str | None = None,
    query: Mapping[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
    base64_body: bool = False,
    request_id: str | None = None,
) -> dict[str, Any]:
    """An API Gateway REST API (v1) Lambda proxy integration event."""
    resource, path_parameters = _resource_and_path_parameters(path)
    all_headers = {
        "Accept": "application/json",
        "Host": "abc123.execute-api.us-east-1.amazonaws.com",
        "User-Agent": "pytest",
        "X-Forwarded-For": "203.0.113.10",
        "X-Forwarded-Port": "443",
        "X-Forwarded-Proto": "https",
    }
    if body is not None:
        all_headers["Content-Type"] = "application/json"
    all_headers.update(headers or {})
    if body is not None and base64_body:
        body = base64.b64encode(body.encode("utf-8")).decode("ascii")
    request_id = request_id or str(uuid.uuid4())
    return {
        "resource": resource,
        "path": path,
        "httpMethod": method,
        "headers": all_headers,
        "multiValueHeaders": {name: [value] for name, value in all_headers.items()},
        "queryStringParameters": dict(query) if query else None,
        "multiValueQueryStringParameters": {k: [v] for k, v in query.items()} if query else None,
        "pathParameters": path_parameters,
        "stageVariables": None,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "abc123",
            "domainName": "abc123.execute-api.us-east-1.amazonaws.com",
            "domainPrefix": "abc123",
            "extendedRequestId": "Ab1CdEFgIAMFkVQ=",
            "httpMethod": method,
            "identity": {"sourceIp": "203.0.113.10", "userAgent": "pytest"},
            "path": f"/{STAGE}{path}",
            "protocol": "HTTP/1.1",
            "requestId": request_id,
            "requestTime": "01/Jan/2024:00:00:00 +0000",
            "requestTimeEpoch": 1704067200000,
            "resourceId": "res123",
            "resourcePath": resource,
            "stage": STAGE,
        },
        "body": body,
        "isBase64Encoded": base64_body,
    }


@dataclass(frozen=True)
class ApiResponse:
    status: int
    headers: dict[str, list[str]]
    body: str | None

    def json(self) -> Any:
        assert self.body is not None
        return json.loads(self.body)

    def header(self, name: str) -> str | None:
        values = self.headers.get(name)
        return values[0] if values else None


Invoke = Callable[..., ApiResponse]


@pytest.fixture
def invoke(items_handler: ModuleType) -> Invoke:
    """Call the real Lambda entry point with a REST proxy event and decode its proxy response."""

    def _invoke(method: str, path: str, *, json_body: Any = None, **kwargs: Any) -> ApiResponse:
        if json_body is not None:
            kwargs["body"] = json.dumps(json_body)
        entry_point = getattr(items_handler, HANDLER_FUNCTION)
        result = entry_point(make_event(method, path, **kwargs), FakeLambdaContext())
        return ApiResponse(
            status=result["statusCode"],
            headers=dict(result.get("multiValueHeaders") or {}),
            body=result.get("body"),
        )

    return _invoke


# ------------------------------------------------------- helpers for the test modules


def scan_all(table: Any) -> list[dict[str, Any]]:
    response = table.scan(ConsistentRead=True)
    items = list(response["Items"])
    while "LastEvaluatedKey" in response:
        response = table.scan(ConsistentRead=True, ExclusiveStartKey=response["LastEvaluatedKey"])
        items.extend(response["Items"])
    return items


def create(invoke: Invoke, **fields: Any) -> dict[str, Any]:
    response = invoke("POST", "/items", json_body={"name": "widget", **fields})
    assert response.status == 201, response.body
    item: dict[str, Any] = response.json()
    return item
