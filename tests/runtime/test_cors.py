"""CORS on the handler's responses, driven by CORS_ALLOW_ORIGINS as the construct sets it."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from types import ModuleType

import pytest

from tests.runtime.conftest import ITEMS_DIR, FakeLambdaContext, make_event

# A GET publishes no business metric; Powertools warns about that, which is expected here.
pytestmark = pytest.mark.filterwarnings("ignore:No application metrics to publish")


def test_no_origins_means_no_cors(items_app: ModuleType) -> None:
    assert items_app.cors_config(None) is None
    assert items_app.cors_config(" , ") is None


@pytest.fixture
def cors_app(aws_env: None, table: object, monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    """The handler module loaded afresh with CORS_ALLOW_ORIGINS set, as Lambda would."""
    # A space after the comma, as a person might write it: origins are trimmed.
    monkeypatch.setenv("CORS_ALLOW_ORIGINS", "https://app.example.com, http://localhost:5173")
    spec = importlib.util.spec_from_file_location("items_app_cors", ITEMS_DIR / "app.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["items_app_cors"] = module
    spec.loader.exec_module(module)
    module.reset_table_cache()
    yield module
    module.reset_table_cache()
    sys.modules.pop("items_app_cors", None)


@pytest.mark.parametrize("origin", ["https://app.example.com", "http://localhost:5173"])
def test_allowed_origin_gets_the_header(cors_app: ModuleType, origin: str) -> None:
    result = cors_app.handler(make_event("GET", "/items", headers={"Origin": origin}), FakeLambdaContext())
    assert result["statusCode"] == 200
    assert result["multiValueHeaders"]["Access-Control-Allow-Origin"] == [origin]


def test_other_origin_gets_no_header(cors_app: ModuleType) -> None:
    result = cors_app.handler(
        make_event("GET", "/items", headers={"Origin": "https://evil.example.net"}), FakeLambdaContext()
    )
    assert result["statusCode"] == 200
    assert "Access-Control-Allow-Origin" not in (result.get("multiValueHeaders") or {})
