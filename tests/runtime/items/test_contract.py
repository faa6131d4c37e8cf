"""The items contract (runtime/items/contract.py), and that the handler keeps to it.

The handler must serve exactly the contract's routes, read its configuration only
through the contract's variable names, and spell no path, variable name or header a
second time. The contract must stay loadable by file path with nothing but the
standard library, which is how the CDK stack and the smoke checks load it.
"""

from __future__ import annotations

import ast
import json
import sys
from types import ModuleType
from typing import Any

import pytest
from jsonschema import Draft4Validator

from tests.runtime.contracts import imported_top_level_modules, load_standalone, string_constants
from tests.runtime.items.conftest import (
    CONTRACT,
    HANDLER_FUNCTION,
    HANDLER_MODULE,
    ITEMS_DIR,
    Invoke,
    create,
    scan_all,
)

# Read-only invocations legitimately publish no business metric; powertools
# warns about that on every such call.
pytestmark = pytest.mark.filterwarnings("ignore:No application metrics to publish:UserWarning")

CONTRACT_FILE = ITEMS_DIR / "contract.py"
HANDLER_FILE = ITEMS_DIR / f"{HANDLER_MODULE}.py"
# The methods the ServerlessApi construct can route, and the ones that carry a body.
HTTP_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
BODY_METHODS = ("POST", "PUT", "PATCH")
SOME_ID = "2f0b0c1e-8a5b-4c63-9f55-0d6a3b1f7e21"

DECLARED = {(route.method, route.path) for route in CONTRACT.ROUTES}
PATHS = sorted({route.path for route in CONTRACT.ROUTES})
UNDECLARED = [(method, path) for path in PATHS for method in HTTP_METHODS if (method, path) not in DECLARED]


def _concrete(path: str) -> str:
    """A request path for a contract path: every path parameter filled with an id."""
    return path.format_map({name: SOME_ID for name in CONTRACT.RouteSpec("GET", path).path_parameters})


def _route_not_found(method: str, path: str) -> dict[str, str]:
    return {"message": f"route not found: {method} {path}"}


# ----------------------------------------------------------------- the contract itself


def test_routes_are_unique_and_well_formed() -> None:
    assert len(DECLARED) == len(CONTRACT.ROUTES)
    for route in CONTRACT.ROUTES:
        assert route.method in HTTP_METHODS, route
        assert route.path.startswith("/"), route
        # API Gateway's template syntax, which the stack passes on to Route() unchanged.
        assert "<" not in route.path and ">" not in route.path, route
        assert set(route.path_parameters) <= {CONTRACT.ITEM_ID_PARAM}, route
        if route.body_schema is not None:
            assert route.method in BODY_METHODS, route


def test_routes_carry_the_request_schemas() -> None:
    assert CONTRACT.CREATE_ITEM.body_schema is CONTRACT.ITEM_CREATE_SCHEMA
    assert CONTRACT.UPDATE_ITEM.body_schema is CONTRACT.ITEM_UPDATE_SCHEMA
    with_body = {(r.method, r.path) for r in CONTRACT.ROUTES if r.body_schema is not None}
    assert with_body == {("POST", CONTRACT.ITEMS_PATH), ("PUT", CONTRACT.ITEM_PATH)}


def test_route_specs_compare_by_method_and_path() -> None:
    route = CONTRACT.RouteSpec("POST", CONTRACT.ITEMS_PATH, {"type": "object"})

    assert route == CONTRACT.CREATE_ITEM
    assert hash(route) == hash(CONTRACT.CREATE_ITEM)
    assert CONTRACT.GET_ITEM.path_parameters == (CONTRACT.ITEM_ID_PARAM,)
    assert CONTRACT.LIST_ITEMS.path_parameters == ()


def test_contract_imports_only_the_standard_library() -> None:
    imported = imported_top_level_modules(CONTRACT_FILE)
    assert imported <= sys.stdlib_module_names, imported


def test_contract_loads_by_file_path_without_site_packages() -> None:
    # How the CDK stack and the smoke checks load it: by path, under a name of their own.
    loaded = load_standalone(
        CONTRACT_FILE, "items_contract", "[[r.method, r.path, r.body_schema] for r in module.ROUTES]"
    )
    assert loaded == [[r.method, r.path, r.body_schema] for r in CONTRACT.ROUTES]


def test_handler_entry_point_is_the_contract_s(items_handler: ModuleType) -> None:
    assert HANDLER_FILE.is_file()
    assert callable(getattr(items_handler, HANDLER_FUNCTION))
    assert (HANDLER_MODULE, HANDLER_FUNCTION) == ("handler", "handler")


# ------------------------------------------------------------ the handler keeps to it


def test_handler_registers_exactly_the_contract_routes(items_handler: ModuleType) -> None:
    # Powertools keeps its routes in these two lists (aws-lambda-powertools is pinned
    # in runtime/items/requirements.txt): ``path`` is the rule as registered
    # ("/items/<id>"), ``openapi_path`` the same in API Gateway's syntax ("/items/{id}").
    resolver = items_handler.app
    routes = resolver._static_routes + resolver._dynamic_routes

    assert sorted((route.method, route.openapi_path) for route in routes) == sorted(DECLARED)
    assert {(route.method, route.path) for route in routes} == {
        (method, items_handler.resolver_rule(path)) for method, path in DECLARED
    }


@pytest.mark.parametrize(("method", "path"), sorted(DECLARED), ids=[f"{m} {p}" for m, p in sorted(DECLARED)])
def test_every_contract_route_is_served(table: Any, invoke: Invoke, method: str, path: str) -> None:
    request_path = _concrete(path)

    response = invoke(method, request_path, body="{}" if method in BODY_METHODS else None)

    # Served: the route's own answer (200, 400 for the empty body, 404 for the missing
    # item), never the resolver's "no such route".
    assert response.status in {200, 400, 404}, response.body
    assert response.json() != _route_not_found(method, request_path)


@pytest.mark.parametrize(("method", "path"), UNDECLARED, ids=[f"{m} {p}" for m, p in UNDECLARED])
def test_no_other_method_is_served_on_a_contract_path(table: Any, invoke: Invoke, method: str, path: str) -> None:
    request_path = _concrete(path)

    response = invoke(method, request_path, body="{}" if method in BODY_METHODS else None)

    assert response.status == 404
    assert response.json() == _route_not_found(method, request_path)
    assert scan_all(table) == []


@pytest.mark.parametrize("path", ["/", "/item", "/itemsx", f"/items/{SOME_ID}/tags"])
def test_no_path_outside_the_contract_is_served(table: Any, invoke: Invoke, path: str) -> None:
    for method in HTTP_METHODS:
        response = invoke(method, path)

        assert response.status == 404, (method, path)
        assert response.json() == _route_not_found(method, path)


def test_the_location_header_is_the_contract_item_path(table: Any, invoke: Invoke) -> None:
    response = invoke("POST", CONTRACT.ITEMS_PATH, json_body={"name": "located"})

    item_id = response.json()["id"]
    assert response.header("Location") == CONTRACT.ITEM_PATH.format_map({CONTRACT.ITEM_ID_PARAM: item_id})


def _handler_tree() -> ast.Module:
    return ast.parse(HANDLER_FILE.read_text(encoding="utf-8"))


def test_handler_reads_the_environment_only_through_contract_names() -> None:
    env_names = {name for name in dir(CONTRACT) if name.startswith("ENV_")}
    reads: list[ast.expr] = []
    for node in ast.walk(_handler_tree()):
        if isinstance(node, ast.Call) and ast.unparse(node.func) in {"os.environ.get", "os.getenv"}:
            reads.append(node.args[0])
        elif isinstance(node, ast.Subscript) and ast.unparse(node.value) == "os.environ":
            reads.append(node.slice)
    assert reads, "the handler reads no environment variable at all?"
    for key in reads:
        assert isinstance(key, ast.Name) and key.id in env_names, ast.unparse(key)


def test_handler_spells_no_path_variable_or_header_a_second_time() -> None:
    spelled_once = {
        *(route.path for route in CONTRACT.ROUTES),
        *(getattr(CONTRACT, name) for name in dir(CONTRACT) if name.startswith("ENV_")),
        *CONTRACT.CORS_ALLOW_HEADERS,
        CONTRACT.HANDLER,
    }
    literals = string_constants(_handler_tree())

    repeated = sorted({value for value in spelled_once for literal in literals if value in literal})
    assert not repeated, f"handler.py spells these itself instead of importing them from contract.py: {repeated}"
    assert not [literal for literal in literals if literal.startswith(CONTRACT.ITEMS_PATH)]


# --------------------------------------------------------------------------- schemas

DRAFT4_KEYWORDS = {
    "$schema", "id", "$ref", "title", "description", "default", "multipleOf", "maximum",
    "exclusiveMaximum", "minimum", "exclusiveMinimum", "maxLength", "minLength", "pattern",
    "additionalItems", "items", "maxItems", "minItems", "uniqueItems", "maxProperties",
    "minProperties", "required", "additionalProperties", "definitions", "properties",
    "patternProperties", "dependencies", "enum", "type", "format", "allOf", "anyOf", "oneOf", "not",
}  # fmt: skip


def _assert_only_draft4_keywords(schema: Any, where: str = "#") -> None:
    assert isinstance(schema, dict), where
    unknown = set(schema) - DRAFT4_KEYWORDS
    assert not unknown, f"{where}: keywords newer than draft 4: {unknown}"
    for keyword in ("exclusiveMinimum", "exclusiveMaximum"):
        if keyword in schema:
            assert isinstance(schema[keyword], bool), f"{where}/{keyword} must be boolean in draft 4"
    for keyword in ("properties", "patternProperties", "definitions"):
        for name, sub in schema.get(keyword, {}).items():
            _assert_only_draft4_keywords(sub, f"{where}/{keyword}/{name}")
    for keyword in ("allOf", "anyOf", "oneOf"):
        for index, sub in enumerate(schema.get(keyword, [])):
            _assert_only_draft4_keywords(sub, f"{where}/{keyword}/{index}")
    for keyword in ("not", "additionalProperties", "additionalItems", "items"):
        if isinstance(schema.get(keyword), dict):
            _assert_only_draft4_keywords(schema[keyword], f"{where}/{keyword}")


@pytest.mark.parametrize("name", ["ITEM_CREATE_SCHEMA", "ITEM_UPDATE_SCHEMA"])
def test_exported_schemas_are_draft4(items_handler: ModuleType, contract: ModuleType, name: str) -> None:
    schema = getattr(contract, name)

    assert getattr(items_handler, name) is schema
    assert schema["$schema"] == "http://json-schema.org/draft-04/schema#"
    Draft4Validator.check_schema(schema)
    _assert_only_draft4_keywords(schema)
    json.dumps(schema)  # plain JSON, usable as an API Gateway model as-is


def test_exported_schemas_do_not_share_nested_objects(contract: ModuleType) -> None:
    create_props = contract.ITEM_CREATE_SCHEMA["properties"]
    update_props = contract.ITEM_UPDATE_SCHEMA["properties"]

    for field in ("name", "description", "price", "tags"):
        assert create_props[field] == update_props[field]
        assert create_props[field] is not update_props[field]


CREATE_CASES = [
    ({"name": "a"}, True),
    ({"name": "x" * 200, "description": "", "price": 0, "tags": []}, True),
    ({"name": "n", "description": "d" * 2000, "price": 12.5, "tags": [f"t{i}" for i in range(20)]}, True),
    ({"name": "n", "tags": ["t" * 50]}, True),
    ({}, False),
    ({"name": ""}, False),
    ({"name": "x" * 201}, False),
    ({"name": None}, False),
    ({"name": "n", "description": "d" * 2001}, False),
    ({"name": "n", "price": -0.01}, False),
    ({"name": "n", "price": "1"}, False),
    ({"name": "n", "price": True}, False),
    ({"name": "n", "tags": ["a", "a"]}, False),
    ({"name": "n", "tags": [""]}, False),
    ({"name": "n", "tags": ["t" * 51]}, False),
    ({"name": "n", "tags": [f"t{i}" for i in range(21)]}, False),
    ({"name": "n", "extra": 1}, False),
    ([{"name": "n"}], False),
]


@pytest.mark.parametrize(("body", "valid"), CREATE_CASES, ids=[f"case{i}" for i in range(len(CREATE_CASES))])
def test_create_schema_and_handler_agree(
    table: Any, invoke: Invoke, contract: ModuleType, body: Any, valid: bool
) -> None:
    assert Draft4Validator(contract.ITEM_CREATE_SCHEMA).is_valid(body) is valid

    response = invoke("POST", "/items", body=json.dumps(body))

    assert response.status == (201 if valid else 400), response.body
    assert len(scan_all(table)) == (1 if valid else 0)


UPDATE_CASES = [
    ({"name": "a", "version": 1}, True),
    ({"description": "", "version": 1}, True),
    ({"price": 0, "version": 1}, True),
    ({"tags": [], "version": 1}, True),
    ({"name": "a", "description": "b", "price": 1.5, "tags": ["x"], "version": 1}, True),
    ({"version": 1}, False),
    ({"name": "a"}, False),
    ({"name": "a", "version": 0}, False),
    ({"name": "a", "version": 1.5}, False),
    ({"name": "a", "version": "1"}, False),
    ({"name": "a", "version": 1, "created_at": "x"}, False),
    ({"tags": ["a", "a"], "version": 1}, False),
    ({}, False),
]


@pytest.mark.parametrize(("body", "valid"), UPDATE_CASES, ids=[f"case{i}" for i in range(len(UPDATE_CASES))])
def test_update_schema_and_handler_agree(
    table: Any, invoke: Invoke, contract: ModuleType, body: Any, valid: bool
) -> None:
    assert Draft4Validator(contract.ITEM_UPDATE_SCHEMA).is_valid(body) is valid
    item_id = create(invoke)["id"]

    response = invoke("PUT", f"/items/{item_id}", body=json.dumps(body))

    assert response.status == (200 if valid else 400), response.body
    assert table.get_item(Key={"id": item_id})["Item"]["version"] == (2 if valid else 1)
