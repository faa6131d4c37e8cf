"""CORS on the handler's responses, driven by CORS_ALLOW_ORIGINS as the construct sets it."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest

from tests.runtime.items.conftest import CONTRACT, HANDLER_FUNCTION, FakeLambdaContext, load_handler, make_event

# A GET publishes no business metric; Powertools warns about that, which is expected here.
pytestmark = pytest.mark.filterwarnings("ignore:No application metrics to publish")

ORIGINS = ("https://app.example.com", "http://localhost:5173")


def test_no_origins_means_no_cors(items_handler: ModuleType) -> None:
    assert items_handler.cors_config(None) is None
    assert items_handler.cors_config(" , ") is None


def test_cors_config_allows_exactly_the_contract_headers(items_handler: ModuleType) -> None:
    config = items_handler.cors_config(CONTRACT.CORS_ORIGINS_SEPARATOR.join(ORIGINS))

    # Powertools always adds its own defaults to allow_headers; equality proves the
    # handler allows neither more nor less than API Gateway's preflight.
    assert config.allow_headers == set(CONTRACT.CORS_ALLOW_HEADERS)
    assert config.max_age == CONTRACT.CORS_MAX_AGE_SECONDS


@pytest.fixture
def cors_handler(aws_env: None, table: object, monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    """The handler module loaded afresh with CORS_ALLOW_ORIGINS set, as Lambda would."""
    # A space after the comma, as a person might write it: origins are trimmed.
    monkeypatch.setenv(CONTRACT.ENV_CORS_ALLOW_ORIGINS, f"{ORIGINS[0]}{CONTRACT.CORS_ORIGINS_SEPARATOR} {ORIGINS[1]}")
    module = load_handler("items_handler_cors")
    module.reset_table_cache()
    yield module
    module.reset_table_cache()
    sys.modules.pop("items_handler_cors", None)


def _call(module: ModuleType, origin: str) -> dict[str, Any]:
    entry_point = getattr(module, HANDLER_FUNCTION)
    result: dict[str, Any] = entry_point(make_event("GET", "/items", headers={"Origin": origin}), FakeLambdaContext())
    return result


@pytest.mark.parametrize("origin", ORIGINS)
def test_allowed_origin_gets_the_header(cors_handler: ModuleType, origin: str) -> None:
    result = _call(cors_handler, origin)
    assert result["statusCode"] == 200
    assert result["multiValueHeaders"]["Access-Control-Allow-Origin"] == [origin]


def test_allowed_origin_may_send_exactly_the_contract_headers(cors_handler: ModuleType) -> None:
    result = _call(cors_handler, ORIGINS[0])
    headers: dict[str, list[str]] = result["multiValueHeaders"]

    (allowed,) = headers["Access-Control-Allow-Headers"]
    assert sorted(allowed.split(",")) == sorted(CONTRACT.CORS_ALLOW_HEADERS)
    assert headers["Access-Control-Max-Age"] == [str(CONTRACT.CORS_MAX_AGE_SECONDS)]
    assert headers["Access-Control-Expose-Headers"] == ["Location"]


def test_other_origin_gets_no_header(cors_handler: ModuleType) -> None:
    result = _call(cors_handler, "https://evil.example.net")
    assert result["statusCode"] == 200
    assert "Access-Control-Allow-Origin" not in (result.get("multiValueHeaders") or {})
