"""Behaviour of the items Lambda through its real entry point, against DynamoDB in moto."""

from __future__ import annotations

import base64
import json
import re
import uuid
from decimal import Decimal
from types import ModuleType
from typing import Any

import pytest

from tests.runtime.items.conftest import (
    CONTRACT,
    METRICS_NAMESPACE,
    SERVICE_NAME,
    Invoke,
    LogLines,
    create,
    scan_all,
)

# Read-only invocations legitimately publish no business metric; powertools
# warns about that on every such call.
pytestmark = pytest.mark.filterwarnings("ignore:No application metrics to publish:UserWarning")

ISO_UTC = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z")
MISSING_ID = "2f0b0c1e-8a5b-4c63-9f55-0d6a3b1f7e21"


# --------------------------------------------------------------------------- helpers


def stdout_json_lines(captured: str) -> list[dict[str, Any]]:
    lines = []
    for line in captured.splitlines():
        try:
            parsed = json.loads(line)
        except ValueError:
            continue
        if isinstance(parsed, dict):
            lines.append(parsed)
    return lines


def emitted_metrics(captured: str) -> dict[str, list[float]]:
    """Metric name -> values, from the Embedded Metric Format blobs on stdout."""
    found: dict[str, list[float]] = {}
    for blob in stdout_json_lines(captured):
        if "_aws" not in blob:
            continue
        for directive in blob["_aws"]["CloudWatchMetrics"]:
            assert directive["Namespace"] == METRICS_NAMESPACE
            for metric in directive["Metrics"]:
                found.setdefault(metric["Name"], []).extend(blob[metric["Name"]])
    return found


# ---------------------------------------------------------------------------- create


def test_create_returns_201_with_item_and_location(table: Any, invoke: Invoke) -> None:
    response = invoke(
        "POST",
        "/items",
        json_body={"name": "Lamp", "description": "A desk lamp", "price": 19.99, "tags": ["home", "light"]},
    )

    assert response.status == 201
    assert response.header("Content-Type") == "application/json"
    item = response.json()
    assert uuid.UUID(item["id"]).version == 4
    assert str(uuid.UUID(item["id"])) == item["id"]
    assert response.header("Location") == f"/items/{item['id']}"
    assert ISO_UTC.fullmatch(item["created_at"])
    assert item == {
        "id": item["id"],
        "name": "Lamp",
        "description": "A desk lamp",
        "price": 19.99,
        "tags": ["home", "light"],
        "version": 1,
        "created_at": item["created_at"],
        "updated_at": item["created_at"],
    }

    stored = scan_all(table)
    assert len(stored) == 1
    assert stored[0]["price"] == Decimal("19.99")  # stored exactly, not as a binary float
    assert stored[0]["version"] == 1
    assert stored[0]["name"] == "Lamp"


def test_create_with_only_a_name_omits_optional_fields(table: Any, invoke: Invoke) -> None:
    item = create(invoke, name="Bare")

    assert set(item) == {"id", "name", "version", "created_at", "updated_at"}
    assert item["name"] == "Bare"
    assert item["version"] == 1


def test_create_keeps_integer_prices_integral(table: Any, invoke: Invoke) -> None:
    response = invoke("POST", "/items", json_body={"name": "x", "price": 10})

    assert response.status == 201
    assert re.search(r'"price":10[,}]', response.body or "")  # an integer, not 10.0
    assert response.json()["price"] == 10


def test_create_accepts_base64_encoded_body(table: Any, invoke: Invoke) -> None:
    response = invoke("POST", "/items", body=json.dumps({"name": "binary-safe"}), base64_body=True)

    assert response.status == 201
    assert response.json()["name"] == "binary-safe"
    assert len(scan_all(table)) == 1


def test_create_publishes_items_created_metric(table: Any, invoke: Invoke, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    create(invoke)

    metrics = emitted_metrics(capsys.readouterr().out)
    assert metrics["ItemsCreated"] == [1.0]


def test_logs_carry_the_api_gateway_request_id_as_correlation_id(
    table: Any, invoke: Invoke, log_lines: LogLines
) -> None:
    response = invoke("POST", "/items", json_body={"name": "traced"}, request_id="req-1234")

    assert response.status == 201
    logs = [line for line in log_lines() if line.get("message") == "item created"]
    assert len(logs) == 1
    assert logs[0]["correlation_id"] == "req-1234"
    assert logs[0]["service"] == SERVICE_NAME
    assert logs[0]["item_id"] == response.json()["id"]


BIG = 16 * 1024
# Under the limit in characters (~8.2 K), over it in UTF-8 bytes (~16.4 K).
MULTIBYTE_BODY = json.dumps({"name": "x", "description": "é" * 8200}, ensure_ascii=False)
assert len(MULTIBYTE_BODY) < BIG < len(MULTIBYTE_BODY.encode())


@pytest.mark.parametrize(
    ("body", "message"),
    [
        pytest.param(None, "request body is required", id="no-body"),
        pytest.param("", "request body is required", id="empty-body"),
        pytest.param(
            '{"name": ',
            "request body is not valid JSON: Expecting value (line 1, column 10)",
            id="malformed-json",
        ),
        pytest.param(
            '{"name": "x", "price": NaN}',
            "request body is not valid JSON: NaN is not a valid JSON number",
            id="nan",
        ),
        pytest.param('["name"]', "request body must be a JSON object", id="array-body"),
        pytest.param('"name"', "request body must be a JSON object", id="string-body"),
        pytest.param("null", "request body must be a JSON object", id="null-body"),
        pytest.param("{}", "missing required field(s): name", id="missing-name"),
        pytest.param(
            '{"description": "no name"}', "missing required field(s): name", id="missing-name-with-other-field"
        ),
        pytest.param('{"name": 123}', "invalid field 'name': must be string", id="name-wrong-type"),
        pytest.param('{"name": null}', "invalid field 'name': must be string", id="name-null"),
        pytest.param(
            '{"name": ""}', "invalid field 'name': must be longer than or equal to 1 characters", id="name-empty"
        ),
        pytest.param(
            json.dumps({"name": "x" * 201}),
            "invalid field 'name': must be shorter than or equal to 200 characters",
            id="name-too-long",
        ),
        pytest.param(
            json.dumps({"name": "x", "description": "d" * 2001}),
            "invalid field 'description': must be shorter than or equal to 2000 characters",
            id="description-too-long",
        ),
        pytest.param('{"name": "x", "price": "5"}', "invalid field 'price': must be number", id="price-string"),
        pytest.param('{"name": "x", "price": true}', "invalid field 'price': must be number", id="price-bool"),
        pytest.param(
            '{"name": "x", "price": -0.01}',
            "invalid field 'price': must be bigger than or equal to 0",
            id="price-negative",
        ),
        pytest.param(
            '{"name": "x", "price": 1e400}',
            "invalid field 'price': not storable as a number "
            "(at most 38 significant digits, magnitude between 1E-130 and 9.99E+125)",
            id="price-out-of-dynamodb-range",
        ),
        pytest.param('{"name": "x", "tags": "a"}', "invalid field 'tags': must be array", id="tags-not-array"),
        pytest.param(
            '{"name": "x", "tags": ["a", "a"]}', "invalid field 'tags': must contain unique items", id="tags-duplicate"
        ),
        pytest.param(
            json.dumps({"name": "x", "tags": [f"t{i}" for i in range(21)]}),
            "invalid field 'tags': must contain less than or equal to 20 items",
            id="tags-too-many",
        ),
        pytest.param(
            '{"name": "x", "tags": ["ok", ""]}',
            "invalid field 'tags[1]': must be longer than or equal to 1 characters",
            id="tag-empty",
        ),
        pytest.param(
            json.dumps({"name": "x", "tags": ["t" * 51]}),
            "invalid field 'tags[0]': must be shorter than or equal to 50 characters",
            id="tag-too-long",
        ),
        pytest.param('{"name": "x", "tags": [1]}', "invalid field 'tags[0]': must be string", id="tag-wrong-type"),
        pytest.param(
            '{"name": "x", "colour": "red"}',
            "unknown field(s): colour (allowed: name, description, price, tags)",
            id="unknown-field",
        ),
        pytest.param(
            '{"name": "x", "id": "mine", "version": 7}',
            "unknown field(s): id, version (allowed: name, description, price, tags)",
            id="server-managed-fields",
        ),
        pytest.param(
            json.dumps({"name": "x"}) + " " * BIG,
            f"request body is {BIG + len(json.dumps({'name': 'x'}))} bytes; the limit is {BIG} bytes",
            id="oversized-but-otherwise-valid",
        ),
        pytest.param(
            MULTIBYTE_BODY,
            f"request body is {len(MULTIBYTE_BODY.encode())} bytes; the limit is {BIG} bytes",
            id="oversized-in-bytes-not-characters",
        ),
        pytest.param("[" * BIG, "request body is not valid JSON: nested too deeply", id="deeply-nested"),
    ],
)
def test_create_rejects_bad_requests_without_writing(
    table: Any, invoke: Invoke, body: str | None, message: str
) -> None:
    response = invoke("POST", "/items", body=body)

    assert response.status == 400
    assert response.header("Content-Type") == "application/json"
    assert response.json() == {"message": message}
    assert scan_all(table) == []


def test_create_accepts_a_body_of_exactly_the_size_limit(table: Any, invoke: Invoke) -> None:
    compact = json.dumps({"name": "x"})
    body = compact + " " * (BIG - len(compact))
    assert len(body.encode()) == BIG

    response = invoke("POST", "/items", body=body)

    assert response.status == 201
    assert len(scan_all(table)) == 1


# ------------------------------------------------------------------------------- get


def test_get_returns_the_item(table: Any, invoke: Invoke) -> None:
    created = create(invoke, name="Chair", price=49, tags=["furniture"])

    response = invoke("GET", f"/items/{created['id']}")

    assert response.status == 200
    assert response.header("Content-Type") == "application/json"
    assert response.json() == created


def test_get_accepts_an_uppercase_id(table: Any, invoke: Invoke) -> None:
    created = create(invoke)

    response = invoke("GET", f"/items/{created['id'].upper()}")

    assert response.status == 200
    assert response.json()["id"] == created["id"]


def test_get_missing_item_is_404(table: Any, invoke: Invoke) -> None:
    response = invoke("GET", f"/items/{MISSING_ID}")

    assert response.status == 404
    assert response.json() == {"message": f"item {MISSING_ID} not found"}


@pytest.mark.parametrize(
    "bad_id",
    ["not-a-uuid", "12345", "2f0b0c1e8a5b4c639f550d6a3b1f7e21", "{2f0b0c1e-8a5b-4c63-9f55-0d6a3b1f7e21}"],
)
def test_get_rejects_a_non_uuid_id_before_touching_dynamodb(missing_table: None, invoke: Invoke, bad_id: str) -> None:
    # The table does not exist: any DynamoDB call would turn into a 500.
    response = invoke("GET", f"/items/{bad_id}")

    assert response.status == 400
    assert response.json() == {"message": f"invalid item id {bad_id!r}: must be a UUID"}


# ------------------------------------------------------------------------------ list


def test_list_on_an_empty_table(table: Any, invoke: Invoke) -> None:
    response = invoke("GET", "/items")

    assert response.status == 200
    assert response.json() == {"items": [], "next_cursor": None}


def test_list_paginates_over_every_item_exactly_once(table: Any, invoke: Invoke) -> None:
    created = {create(invoke, name=f"item-{i}")["id"] for i in range(8)}

    seen: list[str] = []
    page_sizes: list[int] = []
    cursor: str | None = None
    for _ in range(10):  # bounded: a cursor bug must fail, not hang
        query = {"limit": "3", **({"cursor": cursor} if cursor else {})}
        response = invoke("GET", "/items", query=query)
        assert response.status == 200
        page = response.json()
        page_sizes.append(len(page["items"]))
        seen.extend(entry["id"] for entry in page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break

    assert page_sizes == [3, 3, 2]
    assert len(seen) == len(set(seen)) == 8
    assert set(seen) == created


def test_list_last_full_page_has_no_cursor(table: Any, invoke: Invoke) -> None:
    # 6 items at 3 per page: the second page must say "no more" rather than
    # sending the client to fetch an empty third page.
    for i in range(6):
        create(invoke, name=f"item-{i}")

    first = invoke("GET", "/items", query={"limit": "3"}).json()
    second = invoke("GET", "/items", query={"limit": "3", "cursor": first["next_cursor"]}).json()

    assert len(first["items"]) == 3
    assert first["next_cursor"] is not None
    assert len(second["items"]) == 3
    assert second["next_cursor"] is None
    assert {i["id"] for i in first["items"]}.isdisjoint({i["id"] for i in second["items"]})


def test_list_defaults_to_20_per_page(table: Any, invoke: Invoke) -> None:
    for i in range(25):
        create(invoke, name=f"item-{i}")

    first = invoke("GET", "/items").json()
    second = invoke("GET", "/items", query={"cursor": first["next_cursor"]}).json()

    assert len(first["items"]) == 20
    assert len(second["items"]) == 5
    assert second["next_cursor"] is None


@pytest.mark.parametrize(("limit", "expected"), [("1", 1), ("100", 25)])
def test_list_accepts_limit_bounds(table: Any, invoke: Invoke, limit: str, expected: int) -> None:
    for i in range(25):
        create(invoke, name=f"item-{i}")

    page = invoke("GET", "/items", query={"limit": limit}).json()

    assert len(page["items"]) == expected
    assert (page["next_cursor"] is None) == (expected == 25)


def test_list_returns_items_in_api_shape(table: Any, invoke: Invoke) -> None:
    created = create(invoke, name="Priced", price=2.5, tags=["a"])

    page = invoke("GET", "/items").json()

    assert page == {"items": [created], "next_cursor": None}


@pytest.mark.parametrize("limit", ["0", "101", "abc", "", "-1", "1.5", " 5", "1000"])
def test_list_rejects_limit_out_of_range(table: Any, invoke: Invoke, limit: str) -> None:
    response = invoke("GET", "/items", query={"limit": limit})

    assert response.status == 400
    assert response.json() == {"message": "limit must be an integer between 1 and 100"}


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@pytest.mark.parametrize(
    "cursor",
    [
        pytest.param("not a cursor!", id="not-base64url"),
        pytest.param("", id="empty"),
        pytest.param("A", id="impossible-base64-length"),
        pytest.param(_b64url(b"\xff\xfe"), id="not-utf8"),
        pytest.param(_b64url(b"not json"), id="not-json"),
        pytest.param(_b64url(b'["2f0b0c1e-8a5b-4c63-9f55-0d6a3b1f7e21"]'), id="json-array"),
        pytest.param(_b64url(b'{"pk": "2f0b0c1e-8a5b-4c63-9f55-0d6a3b1f7e21"}'), id="wrong-key-name"),
        pytest.param(_b64url(b'{"id": 5}'), id="id-not-string"),
        pytest.param(_b64url(b'{"id": "nope"}'), id="id-not-uuid"),
        pytest.param(_b64url(b'{"id": "2f0b0c1e-8a5b-4c63-9f55-0d6a3b1f7e21", "extra": "x"}'), id="extra-key"),
        pytest.param("A" * 600, id="too-long"),
    ],
)
def test_list_rejects_invalid_cursor(table: Any, invoke: Invoke, cursor: str) -> None:
    create(invoke)

    response = invoke("GET", "/items", query={"cursor": cursor})

    assert response.status == 400
    assert response.json() == {"message": "invalid cursor"}


def test_cursor_is_base64url_json_of_the_key(table: Any, invoke: Invoke) -> None:
    for i in range(2):
        create(invoke, name=f"item-{i}")

    page = invoke("GET", "/items", query={"limit": "1"}).json()

    cursor = page["next_cursor"]
    assert re.fullmatch(r"[A-Za-z0-9_-]+", cursor)
    decoded = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    assert decoded == {"id": page["items"][0]["id"]}


# ---------------------------------------------------------------------------- update


def test_update_changes_fields_and_bumps_version(table: Any, invoke: Invoke) -> None:
    created = create(invoke, name="Old", description="keep me", price=5, tags=["a"])

    response = invoke("PUT", f"/items/{created['id']}", json_body={"name": "New", "price": 7.25, "version": 1})

    assert response.status == 200
    assert response.header("Content-Type") == "application/json"
    updated = response.json()
    assert updated == {
        **created,
        "name": "New",
        "price": 7.25,
        "version": 2,
        "updated_at": updated["updated_at"],
    }
    assert ISO_UTC.fullmatch(updated["updated_at"])
    assert updated["updated_at"] >= created["updated_at"]

    stored = table.get_item(Key={"id": created["id"]})["Item"]
    assert stored["name"] == "New"
    assert stored["price"] == Decimal("7.25")
    assert stored["description"] == "keep me"
    assert stored["version"] == 2
    assert len(scan_all(table)) == 1


def test_update_version_conflict_then_retry_with_new_version(
    table: Any, invoke: Invoke, capsys: pytest.CaptureFixture[str]
) -> None:
    item_id = create(invoke, name="v1")["id"]
    assert invoke("PUT", f"/items/{item_id}", json_body={"name": "v2", "version": 1}).status == 200
    capsys.readouterr()

    stale = invoke("PUT", f"/items/{item_id}", json_body={"name": "stale", "version": 1})

    assert stale.status == 409
    assert stale.json() == {
        "message": f"version conflict: item {item_id} is at version 2, the update was based on version 1"
    }
    assert emitted_metrics(capsys.readouterr().out).get("VersionConflicts") == [1.0]
    stored = table.get_item(Key={"id": item_id})["Item"]
    assert (stored["name"], stored["version"]) == ("v2", 2)

    retry = invoke("PUT", f"/items/{item_id}", json_body={"name": "v3", "version": 2})

    assert retry.status == 200
    assert retry.json()["name"] == "v3"
    assert retry.json()["version"] == 3


def test_update_with_a_future_version_is_a_conflict(table: Any, invoke: Invoke) -> None:
    item_id = create(invoke)["id"]

    response = invoke("PUT", f"/items/{item_id}", json_body={"name": "x", "version": 5})

    assert response.status == 409
    assert response.json()["message"].startswith("version conflict: ")


def test_update_missing_item_is_404_and_creates_nothing(table: Any, invoke: Invoke) -> None:
    response = invoke("PUT", f"/items/{MISSING_ID}", json_body={"name": "ghost", "version": 1})

    assert response.status == 404
    assert response.json() == {"message": f"item {MISSING_ID} not found"}
    assert scan_all(table) == []  # no upsert


UPDATE_FIELDS = "name, description, price, tags"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        pytest.param(None, "request body is required", id="no-body"),
        pytest.param(
            "{version: 1}",
            "request body is not valid JSON: Expecting property name enclosed in double quotes (line 1, column 2)",
            id="malformed-json",
        ),
        pytest.param('{"name": "x"}', "missing required field(s): version", id="missing-version"),
        pytest.param('{"version": 1}', f"at least one of {UPDATE_FIELDS} must be provided", id="no-changes"),
        pytest.param('{"name": "x", "version": "1"}', "invalid field 'version': must be integer", id="version-string"),
        pytest.param('{"name": "x", "version": 1.5}', "invalid field 'version': must be integer", id="version-float"),
        pytest.param('{"name": "x", "version": true}', "invalid field 'version': must be integer", id="version-bool"),
        pytest.param(
            '{"name": "x", "version": 0}', "invalid field 'version': must be bigger than or equal to 1", id="version-0"
        ),
        pytest.param(
            '{"name": "x", "version": ' + "9" * 40 + "}",
            "invalid field 'version': not storable as a number "
            "(at most 38 significant digits, magnitude between 1E-130 and 9.99E+125)",
            id="version-too-big",
        ),
        pytest.param('{"name": 5, "version": 1}', "invalid field 'name': must be string", id="name-wrong-type"),
        pytest.param(
            '{"price": -1, "version": 1}',
            "invalid field 'price': must be bigger than or equal to 0",
            id="price-negative",
        ),
        pytest.param(
            '{"name": "x", "version": 1, "id": "other"}',
            f"unknown field(s): id (allowed: {UPDATE_FIELDS}, version)",
            id="unknown-field",
        ),
        pytest.param(
            json.dumps({"name": "x", "version": 1}) + " " * BIG,
            f"request body is {BIG + len(json.dumps({'name': 'x', 'version': 1}))} bytes; the limit is {BIG} bytes",
            id="oversized",
        ),
    ],
)
def test_update_rejects_bad_requests_without_writing(
    table: Any, invoke: Invoke, body: str | None, message: str
) -> None:
    item_id = create(invoke, name="original")["id"]
    before = scan_all(table)

    response = invoke("PUT", f"/items/{item_id}", body=body)

    assert response.status == 400
    assert response.json() == {"message": message}
    assert scan_all(table) == before


def test_update_rejects_a_non_uuid_id_before_touching_dynamodb(missing_table: None, invoke: Invoke) -> None:
    response = invoke("PUT", "/items/abc", json_body={"name": "x", "version": 1})

    assert response.status == 400
    assert response.json() == {"message": "invalid item id 'abc': must be a UUID"}


# ---------------------------------------------------------------------------- delete


def test_delete_returns_204_and_removes_the_item(table: Any, invoke: Invoke) -> None:
    keep = create(invoke, name="keep")
    gone = create(invoke, name="gone")

    response = invoke("DELETE", f"/items/{gone['id']}")

    assert response.status == 204
    assert response.body == ""
    assert response.header("Content-Type") is None
    assert [entry["id"] for entry in scan_all(table)] == [keep["id"]]
    assert invoke("GET", f"/items/{gone['id']}").status == 404


def test_delete_missing_item_is_404(table: Any, invoke: Invoke) -> None:
    keep = create(invoke)

    response = invoke("DELETE", f"/items/{MISSING_ID}")

    assert response.status == 404
    assert response.json() == {"message": f"item {MISSING_ID} not found"}
    assert [entry["id"] for entry in scan_all(table)] == [keep["id"]]


def test_delete_twice_is_404_the_second_time(table: Any, invoke: Invoke) -> None:
    item_id = create(invoke)["id"]

    assert invoke("DELETE", f"/items/{item_id}").status == 204
    second = invoke("DELETE", f"/items/{item_id}")

    assert second.status == 404
    assert second.json() == {"message": f"item {item_id} not found"}


def test_delete_rejects_a_non_uuid_id(missing_table: None, invoke: Invoke) -> None:
    response = invoke("DELETE", "/items/123")

    assert response.status == 400
    assert response.json() == {"message": "invalid item id '123': must be a UUID"}


# ------------------------------------------------------------------ routing and 500s


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/nope"), ("PATCH", f"/items/{MISSING_ID}"), ("POST", f"/items/{MISSING_ID}"), ("DELETE", "/items")],
)
def test_unknown_route_is_404_json(table: Any, invoke: Invoke, method: str, path: str) -> None:
    response = invoke(method, path, body="{}" if method in {"POST", "PATCH"} else None)

    assert response.status == 404
    assert response.header("Content-Type") == "application/json"
    assert response.json() == {"message": f"route not found: {method} {path}"}
    assert scan_all(table) == []


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/items", '{"name": "x"}'),
        ("GET", f"/items/{MISSING_ID}", None),
        ("GET", "/items", None),
        ("PUT", f"/items/{MISSING_ID}", '{"name": "x", "version": 1}'),
        ("DELETE", f"/items/{MISSING_ID}", None),
    ],
)
def test_dynamodb_failure_is_an_opaque_500_and_is_logged(
    missing_table: None,
    invoke: Invoke,
    log_lines: LogLines,
    method: str,
    path: str,
    body: str | None,
) -> None:
    response = invoke(method, path, body=body, request_id="req-500")

    assert response.status == 500
    assert response.header("Content-Type") == "application/json"
    assert response.json() == {"message": "internal error"}
    assert "ResourceNotFound" not in (response.body or "")
    errors = [line for line in log_lines() if line.get("level") == "ERROR"]
    assert len(errors) == 1
    assert errors[0]["message"] == "unhandled error"
    assert errors[0]["exception_name"] == "ResourceNotFoundException"
    assert "ResourceNotFoundException" in errors[0]["exception"]
    assert errors[0]["correlation_id"] == "req-500"


def test_missing_table_name_is_a_500(
    table: Any, invoke: Invoke, monkeypatch: pytest.MonkeyPatch, items_handler: ModuleType, log_lines: LogLines
) -> None:
    monkeypatch.delenv(CONTRACT.ENV_TABLE_NAME)
    items_handler.reset_table_cache()

    response = invoke("GET", "/items")

    assert response.status == 500
    assert response.json() == {"message": "internal error"}
    errors = [line for line in log_lines() if line.get("level") == "ERROR"]
    assert len(errors) == 1
    assert errors[0]["exception_name"] == "RuntimeError"
    assert f"{CONTRACT.ENV_TABLE_NAME} environment variable is not set" in errors[0]["exception"]
