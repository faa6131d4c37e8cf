"""Fixtures for the items Lambda: environment, a moto-backed table, and event builders.

The handler module is loaded from runtime/items/app.py under the name
``items_app`` rather than imported as ``app``: the repository root has its own
app.py (the CDK app), and both must be importable in one pytest session.
runtime/items is *appended* to sys.path (for the handler's ``import models``)
so that it never shadows top-level modules.
"""

from __future__ import annotations

import base64
import importlib.util
import io
import json
import sys
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, Final

import boto3
import pytest
from moto import mock_aws
from moto.core.config import DefaultConfig

ITEMS_DIR = Path(__file__).resolve().parents[2] / "runtime" / "items"
if str(ITEMS_DIR) not in sys.path:
    sys.path.append(str(ITEMS_DIR))

TABLE_NAME = "items-test"
REGION = "us-east-1"
METRICS_NAMESPACE = "ItemsTests"
SERVICE_NAME = "items"
STAGE = "prod"

ENV = {
    "TABLE_NAME": TABLE_NAME,
    "AWS_DEFAULT_REGION": REGION,
    "AWS_REGION": REGION,
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SECURITY_TOKEN": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "POWERTOOLS_TRACE_DISABLED": "1",
    "POWERTOOLS_METRICS_NAMESPACE": METRICS_NAMESPACE,
    "POWERTOOLS_SERVICE_NAME": SERVICE_NAME,
    "LOG_LEVEL": "INFO",
}


@pytest.fixture(autouse=True)
def aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    # A developer's own AWS setup must never leak into (or be hit by) the tests.
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def items_app(aws_env: None) -> ModuleType:
    """The handler module, loaded once per session with the test environment in place."""
    module = sys.modules.get("items_app")
    if module is None:
        spec = importlib.util.spec_from_file_location("items_app", ITEMS_DIR / "app.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules["items_app"] = module
        spec.loader.exec_module(module)
    return module


@pytest.fixture
def models(items_app: ModuleType) -> ModuleType:
    return sys.modules["models"]


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
def table(moto_account: None, items_app: ModuleType) -> Iterator[Any]:
    """A fresh, empty items table in moto; the handler builds its table resource anew for it."""
    items_app.reset_table_cache()
    resource = boto3.resource("dynamodb", region_name=REGION)
    created = resource.create_table(
        TableName=TABLE_NAME,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    yield created
    created.delete()
    items_app.reset_table_cache()


@pytest.fixture
def missing_table(moto_account: None, items_app: ModuleType) -> Iterator[None]:
    """A moto account in which the configured table does not exist."""
    items_app.reset_table_cache()
    yield
    items_app.reset_table_cache()


LogLines = Callable[[], list[dict[str, Any]]]


@pytest.fixture
def log_lines(items_app: ModuleType) -> Iterator[LogLines]:
    """The handler's structured log records emitted during the test, parsed.

    The powertools Logger binds its stream when the module is imported, so
    capsys (which swaps sys.stdout per test) cannot see it; the handler's
    stream is pointed at a buffer instead.
    """
    buffer = io.StringIO()
    log_handler = items_app.logger.registered_handler
    previous = log_handler.setStream(buffer)

    def _read() -> list[dict[str, Any]]:
        return [json.loads(line) for line in buffer.getvalue().splitlines() if line.strip()]

    yield _read
    log_handler.setStream(previous)


@dataclass(frozen=True)
class FakeLambdaContext:
    function_name: str = "items-handler"
    function_version: str = "$LATEST"
    memory_limit_in_mb: int = 256
    invoked_function_arn: str = f"arn:aws:lambda:{REGION}:123456789012:function:items-handler"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    log_group_name: str = "/aws/lambda/items-handler"
    log_stream_name: str = "2024/01/01/[$LATEST]0123456789abcdef"

    def get_remaining_time_in_millis(self) -> int:
        return 29_000


def _resource_and_path_parameters(path: str) -> tuple[str, dict[str, str] | None]:
    # Mirrors the API the CDK stack defines: /items and /items/{id}; anything
    # else is what a greedy {proxy+} resource would deliver.
    parts = path.strip("/").split("/")
    if path == "/items":
        return "/items", None
    if len(parts) == 2 and parts[0] == "items":
        return "/items/{id}", {"id": parts[1]}
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
def invoke(items_app: ModuleType) -> Invoke:
    """Call the real Lambda entry point with a REST proxy event and decode its proxy response."""

    def _invoke(method: str, path: str, *, json_body: Any = None, **kwargs: Any) -> ApiResponse:
        if json_body is not None:
            kwargs["body"] = json.dumps(json_body)
        result = items_app.handler(make_event(method, path, **kwargs), FakeLambdaContext())
        return ApiResponse(
            status=result["statusCode"],
            headers=dict(result.get("multiValueHeaders") or {}),
            body=result.get("body"),
        )

    return _invoke
