"""API Gateway's part of the local stand-in (``local_stack.py``): the REST API's routes
as the contract defines them, the Cognito user pool authorizer, and the Lambda proxy
integration calling the REAL items handler, on DynamoDB from moto in this process.

The handler is loaded by file path, as tests/runtime/items does, under a name of its
own; ``contract`` is loaded by file path too, under the name the handler imports it by,
so runtime/items never goes on sys.path.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any, Final
from urllib.parse import parse_qs

import boto3
from moto import mock_aws

from tests.browser.stub_idp import Reply
from tests.runtime.contracts import load_module

ITEMS_DIR: Final = Path(__file__).resolve().parents[2] / "runtime" / "items"
HANDLER_MODULE_NAME: Final = "items_handler_browser"
TABLE_NAME: Final = "items-browser"
REGION: Final = "us-east-1"
_AWS_ENV: Final = {
    "AWS_DEFAULT_REGION": REGION,
    "AWS_REGION": REGION,
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "POWERTOOLS_TRACE_DISABLED": "true",
    "POWERTOOLS_METRICS_DISABLED": "true",
}
# A developer's own AWS setup must never leak into (or be reached by) the stand-in.
_UNSET_ENV: Final = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL")


def load_contract() -> ModuleType:
    """runtime/items/contract.py as ``contract``, the name the handler imports it by."""
    path = ITEMS_DIR / "contract.py"
    loaded = sys.modules.get("contract")
    if loaded is None:
        return load_module("contract", path)
    if Path(loaded.__file__ or "").resolve() != path:
        raise RuntimeError(f"another module named 'contract' is loaded, from {loaded.__file__}")
    return loaded


def json_reply(status: int, body: Any, headers: Mapping[str, str] | None = None) -> Reply:
    return Reply(status, {"Content-Type": "application/json", **(headers or {})}, json.dumps(body).encode())


def authorizer_claims(claims: Mapping[str, Any]) -> dict[str, str]:
    """The claims as the Cognito authorizer hands them on: every value a string, times as dates."""

    def text(name: str, value: Any) -> str:
        if name in ("exp", "iat", "auth_time"):
            return time.strftime("%a %b %d %H:%M:%S UTC %Y", time.gmtime(value))
        return json.dumps(value) if isinstance(value, bool) else str(value)

    return {name: text(name, value) for name, value in claims.items()}


class _LambdaContext:
    function_name = "items-handler"
    function_version = "$LATEST"
    memory_limit_in_mb = 256
    invoked_function_arn = f"arn:aws:lambda:{REGION}:123456789012:function:items-handler"
    log_group_name = "/aws/lambda/items-handler"
    log_stream_name = "local"

    def __init__(self) -> None:
        self.aws_request_id = str(uuid.uuid4())

    def get_remaining_time_in_millis(self) -> int:
        return 29_000


class ItemsApi:
    """``verify_id_token(token)`` returns the token's claims, or None to refuse it (401)."""

    def __init__(self, verify_id_token: Callable[[str], dict[str, Any] | None]) -> None:
        self.verify_id_token = verify_id_token
        self.contract = load_contract()
        # Powertools' resolver is one global per module, like one Lambda execution
        # environment: one request at a time.
        self._lock = threading.Lock()
        self._mock = mock_aws()
        self._saved_env: dict[str, str | None] = {}
        self.handler: ModuleType | None = None

    def start(self) -> None:
        env = {
            **_AWS_ENV,
            self.contract.ENV_TABLE_NAME: TABLE_NAME,
            self.contract.ENV_SERVICE_NAME: "items-browser",
            self.contract.ENV_METRICS_NAMESPACE: "ItemsBrowserTests",
            self.contract.ENV_LOG_LEVEL: "WARNING",
        }
        # Same origin behind CloudFront: the handler must send no CORS headers.
        unset = (*_UNSET_ENV, self.contract.ENV_CORS_ALLOW_ORIGINS)
        self._saved_env = {name: os.environ.get(name) for name in (*env, *unset)}
        for name in unset:
            os.environ.pop(name, None)
        os.environ.update(env)
        self._mock.start()
        # Powertools reads its settings at import: load the handler with the environment set.
        self.handler = load_module(HANDLER_MODULE_NAME, ITEMS_DIR / f"{self.contract.HANDLER.rsplit('.', 1)[0]}.py")

    def stop(self) -> None:
        self._mock.stop()
        sys.modules.pop(HANDLER_MODULE_NAME, None)
        for name, value in self._saved_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value

    def reset_table(self) -> None:
        assert self.handler is not None, "start() first"
        dynamodb = boto3.client("dynamodb", region_name=REGION)
        if TABLE_NAME in dynamodb.list_tables()["TableNames"]:
            dynamodb.delete_table(TableName=TABLE_NAME)
        dynamodb.create_table(
            TableName=TABLE_NAME,
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        self.handler.reset_table_cache()

    def _route(self, method: str, path: str) -> tuple[str, dict[str, str] | None] | None:
        """The resource template and path parameters of a method the API defines, else None."""
        parts = path.strip("/").split("/")
        for route in self.contract.ROUTES:
            template = route.path.strip("/").split("/")
            if route.method != method or len(template) != len(parts):
                continue
            pairs = list(zip(template, parts, strict=True))
            if all(t == p or (t.startswith("{") and p) for t, p in pairs):
                return route.path, {t[1:-1]: p for t, p in pairs if t.startswith("{")} or None
        return None

    def __call__(self, method: str, path: str, query: str, headers: Mapping[str, str], body: bytes) -> Reply:
        route = self._route(method, path)
        if route is None:
            return json_reply(403, {"message": "Missing Authentication Token"})
        # The token as it is, no "Bearer " prefix: what the page sends and the authorizer reads.
        claims = self.verify_id_token(headers.get("Authorization", ""))
        if claims is None:
            return json_reply(401, {"message": "Unauthorized"})
        resource, path_parameters = route
        multi_query = parse_qs(query, keep_blank_values=True)
        event = {
            "resource": resource,
            "path": path,
            "httpMethod": method,
            "headers": dict(headers),
            "multiValueHeaders": {name: [value] for name, value in headers.items()},
            "queryStringParameters": {k: v[-1] for k, v in multi_query.items()} or None,
            "multiValueQueryStringParameters": multi_query or None,
            "pathParameters": path_parameters,
            "stageVariables": None,
            "requestContext": {
                "accountId": "123456789012",
                "apiId": "local",
                "authorizer": {"claims": authorizer_claims(claims)},
                "httpMethod": method,
                "identity": {"sourceIp": "127.0.0.1", "userAgent": headers.get("User-Agent", "")},
                "path": f"/prod{path}",
                "protocol": "HTTP/1.1",
                "requestId": str(uuid.uuid4()),
                "requestTimeEpoch": int(time.time() * 1000),
                "resourcePath": resource,
                "stage": "prod",
            },
            "body": body.decode("utf-8") if body else None,
            "isBase64Encoded": False,
        }
        assert self.handler is not None, "start() first"
        with self._lock:
            result = self.handler.handler(event, _LambdaContext())
        reply_headers = {k: v[-1] for k, v in (result.get("multiValueHeaders") or {}).items()}
        reply_headers.update(result.get("headers") or {})
        return Reply(result["statusCode"], reply_headers, (result.get("body") or "").encode())
