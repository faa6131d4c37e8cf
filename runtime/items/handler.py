"""Items service: API Gateway (REST API, Lambda proxy integration) -> Lambda -> DynamoDB.

Routes, error model and configuration are described in README.md next to this file.
The Lambda entry point is ``handler.handler``. Everything the infrastructure must agree
on (environment variable names, CORS headers, routes and their body schemas) comes from
``contract.py``; nothing here spells any of it a second time.
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
import os
import re
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from decimal import Decimal, DecimalException
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, Final, NoReturn

import boto3
import fastjsonschema
from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, CORSConfig, Response, content_types
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from boto3.dynamodb.types import DYNAMODB_CONTEXT, TypeDeserializer
from botocore.exceptions import ClientError
from contract import (
    CORS_ALLOW_HEADERS,
    CORS_MAX_AGE_SECONDS,
    CORS_ORIGINS_SEPARATOR,
    CREATE_ITEM,
    DELETE_ITEM,
    ENV_CORS_ALLOW_ORIGINS,
    ENV_TABLE_NAME,
    GET_ITEM,
    ITEM_CREATE_SCHEMA,
    ITEM_ID_PARAM,
    ITEM_PATH,
    ITEM_UPDATE_SCHEMA,
    LIST_ITEMS,
    MAX_BODY_BYTES,
    MUTABLE_FIELDS,
    ROUTES,
    UPDATE_ITEM,
    Item,
    ItemPage,
    RouteSpec,
)

if TYPE_CHECKING:
    # Types only (boto3-stubs[dynamodb]); never imported at run time.
    from aws_lambda_powertools.utilities.typing import LambdaContext
    from mypy_boto3_dynamodb.service_resource import Table

__all__ = [
    "ITEM_CREATE_SCHEMA",
    "ITEM_UPDATE_SCHEMA",
    "app",
    "get_table",
    "handler",
    "reset_table_cache",
]

# Service name, metrics namespace and log level all come from the environment
# (the contract's ENV_SERVICE_NAME, ENV_METRICS_NAMESPACE and ENV_LOG_LEVEL, which
# Powertools reads itself), so the same artefact is configured per stage by the
# infrastructure, not by code.
logger = Logger()
tracer = Tracer()
metrics = Metrics()

# Sent on 201 Created, and exposed to browsers so that scripts can read it.
_LOCATION_HEADER: Final = "Location"


def cors_config(allowed: str | None) -> CORSConfig | None:
    """CORS for the origins in ``allowed`` (the value of ``ENV_CORS_ALLOW_ORIGINS``, the
    origins joined by ``CORS_ORIGINS_SEPARATOR``); ``None`` when no browser origin may
    call the API.

    API Gateway answers the preflight OPTIONS itself; with a proxy integration the
    actual responses must carry Access-Control-Allow-Origin, and Powertools sends it
    only when the request's Origin is on the list.
    """
    origins = [origin.strip() for origin in (allowed or "").split(CORS_ORIGINS_SEPARATOR) if origin.strip()]
    if not origins:
        return None
    return CORSConfig(
        allow_origin=origins[0],
        extra_origins=origins[1:],
        allow_headers=list(CORS_ALLOW_HEADERS),
        expose_headers=[_LOCATION_HEADER],
        max_age=CORS_MAX_AGE_SECONDS,
    )


app = APIGatewayRestResolver(cors=cors_config(os.environ.get(ENV_CORS_ALLOW_ORIGINS)))

DEFAULT_PAGE_SIZE: Final = 20
MAX_PAGE_SIZE: Final = 100

# Only the canonical 8-4-4-4-12 form: uuid.UUID() would also accept braces,
# "urn:uuid:" and unhyphenated forms, which can never match a stored id.
_UUID_RE: Final = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")
_LIMIT_RE: Final = re.compile(r"[0-9]{1,3}")
_CURSOR_RE: Final = re.compile(r"[A-Za-z0-9_-]{1,512}")

# fastjsonschema is the engine behind powertools' validation utility, used
# directly because that utility recompiles the schema on every call (~2 ms,
# about as much as the rest of a warm request); here each route's body schema
# (the one API Gateway also checks) is compiled once per execution environment.
_BODY_VALIDATORS: Final[dict[RouteSpec, Callable[[Any], Any]]] = {
    route: fastjsonschema.compile(dict(route.body_schema)) for route in ROUTES if route.body_schema is not None
}

_deserializer: Final = TypeDeserializer()


# --------------------------------------------------------------------------- errors


class ApiError(Exception):
    """An error whose message is safe to show to the client."""

    status: HTTPStatus = HTTPStatus.BAD_REQUEST

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadRequestError(ApiError):
    status = HTTPStatus.BAD_REQUEST


class ItemNotFoundError(ApiError):
    status = HTTPStatus.NOT_FOUND

    def __init__(self, item_id: str) -> None:
        super().__init__(f"item {item_id} not found")


class VersionConflictError(ApiError):
    status = HTTPStatus.CONFLICT

    def __init__(self, item_id: str, expected: int, current: int) -> None:
        super().__init__(
            f"version conflict: item {item_id} is at version {current}, the update was based on version {expected}"
        )
        self.current = current


# ----------------------------------------------------------------------- data access


@functools.cache
def get_table() -> Table:
    """The items table, built on first use and reused by warm invocations.

    Lazy rather than at import so that importing this module needs neither
    the table name nor AWS credentials, and so that tests can create the resource
    inside their moto context; cached so a warm Lambda keeps its HTTP
    connection pool. Tests call reset_table_cache() between cases.
    """
    table_name = os.environ.get(ENV_TABLE_NAME)
    if not table_name:
        raise RuntimeError(f"{ENV_TABLE_NAME} environment variable is not set")
    table: Table = boto3.resource("dynamodb").Table(table_name)
    return table


def reset_table_cache() -> None:
    get_table.cache_clear()


def _is_conditional_check_failure(error: ClientError) -> bool:
    code: str = error.response.get("Error", {}).get("Code", "")
    return code == "ConditionalCheckFailedException"


# capture_response=False everywhere: item payloads (and whole scan pages) would
# otherwise be copied into X-Ray metadata, which has a size cap and a wider
# audience than the table itself.


@tracer.capture_method(capture_response=False)
def db_put_new_item(item: Mapping[str, Any]) -> None:
    # The id is a fresh uuid4, so the condition only fires on a collision; it is
    # there so a create can never silently overwrite an existing item.
    get_table().put_item(
        Item=dict(item),
        ConditionExpression="attribute_not_exists(#id)",
        ExpressionAttributeNames={"#id": "id"},
    )


@tracer.capture_method(capture_response=False)
def db_get_item(item_id: str) -> dict[str, Any] | None:
    # Strongly consistent: clients read an item to learn the version they send
    # back on PUT, and a stale read would turn into a spurious 409.
    response = get_table().get_item(Key={"id": item_id}, ConsistentRead=True)
    return response.get("Item")


@tracer.capture_method(capture_response=False)
def db_scan_page(limit: int, start_key: dict[str, str] | None) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    # Ask for one item more than the page size: if it comes back we know there
    # is a next page and can point the cursor at the last item we return. With a
    # plain Limit=limit, DynamoDB hands out a LastEvaluatedKey whenever the page
    # happens to end exactly at the end of the table, and clients would fetch a
    # final, empty page.
    kwargs: dict[str, Any] = {"Limit": limit + 1}
    if start_key is not None:
        kwargs["ExclusiveStartKey"] = start_key
    response = get_table().scan(**kwargs)
    items = response.get("Items", [])
    if len(items) > limit:
        page = items[:limit]
        return page, {"id": page[-1]["id"]}
    # Fewer items than asked for but still a LastEvaluatedKey: DynamoDB stopped
    # at its 1 MB page limit, so there is more to read.
    return items, response.get("LastEvaluatedKey")


@tracer.capture_method(capture_response=False)
def db_update_item(item_id: str, changes: Mapping[str, Any], expected_version: int, now: str) -> dict[str, Any]:
    names = {"#id": "id", "#version": "version", "#updated_at": "updated_at"}
    values: dict[str, Any] = {
        ":expected": expected_version,
        ":next": expected_version + 1,
        ":now": now,
    }
    assignments = ["#version = :next", "#updated_at = :now"]
    for field, value in changes.items():
        # Placeholders for every attribute: "name" is a DynamoDB reserved word.
        names[f"#{field}"] = field
        values[f":{field}"] = value
        assignments.append(f"#{field} = :{field}")
    try:
        response = get_table().update_item(
            Key={"id": item_id},
            UpdateExpression="SET " + ", ".join(assignments),
            # attribute_exists stops UpdateItem from upserting a missing item.
            ConditionExpression="attribute_exists(#id) AND #version = :expected",
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=values,
            ReturnValues="ALL_NEW",
            # On failure DynamoDB returns the current item, if any, which tells
            # "no such item" (404) apart from "someone else updated it" (409)
            # without a second, racy read.
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )
    except ClientError as error:
        if not _is_conditional_check_failure(error):
            raise
        old = error.response.get("Item")
        if not old:
            raise ItemNotFoundError(item_id) from None
        current = int(_deserializer.deserialize(old["version"]))
        raise VersionConflictError(item_id, expected_version, current) from None
    attributes: dict[str, Any] = response["Attributes"]
    return attributes


@tracer.capture_method(capture_response=False)
def db_delete_item(item_id: str) -> None:
    try:
        get_table().delete_item(
            Key={"id": item_id},
            # Without the condition DeleteItem succeeds on a missing key and we
            # could not report 404.
            ConditionExpression="attribute_exists(#id)",
            ExpressionAttributeNames={"#id": "id"},
        )
    except ClientError as error:
        if _is_conditional_check_failure(error):
            raise ItemNotFoundError(item_id) from None
        raise


# -------------------------------------------------------------------- request input


def _utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _parse_item_id(path_parameters: Mapping[str, str]) -> str:
    raw = path_parameters[ITEM_ID_PARAM]
    if not _UUID_RE.fullmatch(raw):
        raise BadRequestError(f"invalid item id {raw!r}: must be a UUID")
    # Ids are generated lowercase; accept either case from clients.
    return raw.lower()


def _reject_json_constant(name: str) -> NoReturn:
    # Python's json accepts NaN/Infinity, which are not JSON and which DynamoDB
    # cannot store.
    raise ValueError(f"{name} is not a valid JSON number")


def _read_body_bytes() -> bytes:
    event = app.current_event
    raw = event.body
    if raw is None or raw == "":
        raise BadRequestError("request body is required")
    try:
        payload = base64.b64decode(raw, validate=True) if event.is_base64_encoded else raw.encode("utf-8")
    except (binascii.Error, ValueError):
        # ValueError covers lone surrogates, which cannot be encoded as UTF-8.
        raise BadRequestError("request body could not be decoded") from None
    # Checked on the raw bytes before parsing, so an oversized body costs us
    # nothing beyond its length.
    if len(payload) > MAX_BODY_BYTES:
        raise BadRequestError(f"request body is {len(payload)} bytes; the limit is {MAX_BODY_BYTES} bytes")
    return payload


def _parse_json(payload: bytes) -> Any:
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequestError("request body is not valid UTF-8") from None
    try:
        # Decimal, not float: DynamoDB stores decimals exactly (19.99 stays 19.99).
        return json.loads(text, parse_float=Decimal, parse_constant=_reject_json_constant)
    except json.JSONDecodeError as error:
        raise BadRequestError(
            f"request body is not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})"
        ) from None
    except (ValueError, RecursionError) as error:
        # ValueError: NaN/Infinity, or an integer too long to convert.
        # RecursionError: pathologically deep nesting.
        detail = str(error) if isinstance(error, ValueError) else "nested too deeply"
        raise BadRequestError(f"request body is not valid JSON: {detail}") from None


def _schema_error_message(error: fastjsonschema.JsonSchemaValueException, body: Any, schema: Mapping[str, Any]) -> str:
    # fastjsonschema names the failing value "data", "data.price", "data.tags[1]".
    field = (error.name or "data").removeprefix("data").lstrip(".")
    if not field:
        allowed = list(schema["properties"])
        if error.rule == "type":
            return "request body must be a JSON object"
        if error.rule == "additionalProperties":
            unknown = sorted(key for key in body if key not in schema["properties"])
            return f"unknown field(s): {', '.join(unknown)} (allowed: {', '.join(allowed)})"
        if error.rule == "required":
            missing = [key for key in schema["required"] if key not in body]
            return f"missing required field(s): {', '.join(missing)}"
        if error.rule == "anyOf":
            return f"at least one of {', '.join(MUTABLE_FIELDS)} must be provided"
        return f"invalid request body: {error.message}"
    detail = error.message.removeprefix(error.name or "").strip()
    return f"invalid field '{field}': {detail}"


def _check_storable_number(field: str, value: int | Decimal) -> None:
    # Valid per the schema but outside what DynamoDB can store (38 significant
    # digits, magnitude 1E-130..9.99E+125). boto3 would raise while serialising,
    # which must be the client's 400 and not our 500.
    try:
        DYNAMODB_CONTEXT.create_decimal(value)
    except DecimalException:
        raise BadRequestError(
            f"invalid field '{field}': not storable as a number "
            "(at most 38 significant digits, magnitude between 1E-130 and 9.99E+125)"
        ) from None


def _read_validated_body(route: RouteSpec) -> dict[str, Any]:
    """The request body, checked against ``route``'s schema from the contract."""
    schema = route.body_schema
    assert schema is not None, f"{route.method} {route.path} takes no body"
    body = _parse_json(_read_body_bytes())
    try:
        _BODY_VALIDATORS[route](body)
    except fastjsonschema.JsonSchemaValueException as error:
        raise BadRequestError(_schema_error_message(error, body, schema)) from None
    # The schema's "type": "object" has made this a dict.
    validated: dict[str, Any] = body
    for field in ("price", "version"):
        if field in validated:
            _check_storable_number(field, validated[field])
    return validated


def _parse_limit(raw: str | None) -> int:
    if raw is None:
        return DEFAULT_PAGE_SIZE
    if _LIMIT_RE.fullmatch(raw) and 1 <= int(raw) <= MAX_PAGE_SIZE:
        return int(raw)
    raise BadRequestError(f"limit must be an integer between 1 and {MAX_PAGE_SIZE}")


def encode_cursor(key: Mapping[str, Any]) -> str:
    raw = json.dumps(dict(key), separators=(",", ":"), sort_keys=True).encode("utf-8")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def decode_cursor(cursor: str) -> dict[str, str]:
    """Inverse of encode_cursor; anything that is not a key we could have issued is rejected.

    The cursor is opaque but not signed, so it is treated as untrusted input:
    it may only ever become an ExclusiveStartKey of the table's exact key shape.
    """
    invalid = BadRequestError("invalid cursor")
    if not _CURSOR_RE.fullmatch(cursor):
        raise invalid
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, RecursionError):
        # binascii.Error, UnicodeDecodeError and JSONDecodeError are all ValueErrors.
        raise invalid from None
    if not isinstance(key, dict) or set(key) != {"id"}:
        raise invalid
    item_id = key["id"]
    if not isinstance(item_id, str) or not _UUID_RE.fullmatch(item_id):
        raise invalid
    return {"id": item_id}


# ------------------------------------------------------------------- response output


def _to_json_value(value: Any) -> Any:
    # The resource API hands numbers back as Decimal; clients get plain JSON
    # numbers (integers stay integers, so "version": 2 not 2.0).
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, list):
        return [_to_json_value(element) for element in value]
    if isinstance(value, dict):
        return {key: _to_json_value(element) for key, element in value.items()}
    return value


def _to_item(stored: Mapping[str, Any]) -> Item:
    item: Item = _to_json_value(dict(stored))
    return item


def _json_response(status: HTTPStatus, body: Mapping[str, Any], headers: dict[str, str] | None = None) -> Response[Any]:
    return Response(
        status_code=status.value,
        content_type=content_types.APPLICATION_JSON,
        body=dict(body),
        headers=headers,
    )


# --------------------------------------------------------------------------- routes

RouteFunction = Callable[..., Response[Any]]


def resolver_rule(path: str) -> str:
    """A contract path in API Gateway's syntax (``/items/{id}``) as a Powertools rule (``/items/<id>``)."""
    return re.sub(r"\{(\w+)\}", r"<\1>", path)


def _serves(route: RouteSpec) -> Callable[[RouteFunction], RouteFunction]:
    """Registers the decorated function for one of the contract's routes.

    Powertools passes the path parameters as keyword arguments named as in the
    contract, so route functions take them as ``**path_parameters``.
    """
    return app.route(resolver_rule(route.path), route.method)


def _item_location(item_id: str) -> str:
    return ITEM_PATH.format_map({ITEM_ID_PARAM: item_id})


@_serves(CREATE_ITEM)
def create_item() -> Response[Any]:
    body = _read_validated_body(CREATE_ITEM)
    now = _utc_now()
    item: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        **{field: body[field] for field in MUTABLE_FIELDS if field in body},
        "version": 1,
        "created_at": now,
        "updated_at": now,
    }
    logger.append_keys(item_id=item["id"])
    db_put_new_item(item)
    metrics.add_metric(name="ItemsCreated", unit=MetricUnit.Count, value=1)
    logger.info("item created")
    return _json_response(HTTPStatus.CREATED, _to_item(item), headers={_LOCATION_HEADER: _item_location(item["id"])})


@_serves(LIST_ITEMS)
def list_items() -> Response[Any]:
    event = app.current_event
    limit = _parse_limit(event.get_query_string_value("limit"))
    raw_cursor = event.get_query_string_value("cursor")
    start_key = decode_cursor(raw_cursor) if raw_cursor is not None else None
    stored, next_key = db_scan_page(limit, start_key)
    page: ItemPage = {
        "items": [_to_item(entry) for entry in stored],
        "next_cursor": encode_cursor(next_key) if next_key else None,
    }
    return _json_response(HTTPStatus.OK, page)


@_serves(GET_ITEM)
def get_item(**path_parameters: str) -> Response[Any]:
    item_id = _parse_item_id(path_parameters)
    logger.append_keys(item_id=item_id)
    stored = db_get_item(item_id)
    if stored is None:
        raise ItemNotFoundError(item_id)
    return _json_response(HTTPStatus.OK, _to_item(stored))


@_serves(UPDATE_ITEM)
def update_item(**path_parameters: str) -> Response[Any]:
    item_id = _parse_item_id(path_parameters)
    logger.append_keys(item_id=item_id)
    body = _read_validated_body(UPDATE_ITEM)
    changes = {field: body[field] for field in MUTABLE_FIELDS if field in body}
    try:
        stored = db_update_item(item_id, changes, body["version"], _utc_now())
    except VersionConflictError:
        metrics.add_metric(name="VersionConflicts", unit=MetricUnit.Count, value=1)
        raise
    metrics.add_metric(name="ItemsUpdated", unit=MetricUnit.Count, value=1)
    logger.info("item updated", extra={"version": body["version"] + 1})
    return _json_response(HTTPStatus.OK, _to_item(stored))


@_serves(DELETE_ITEM)
def delete_item(**path_parameters: str) -> Response[Any]:
    item_id = _parse_item_id(path_parameters)
    logger.append_keys(item_id=item_id)
    db_delete_item(item_id)
    metrics.add_metric(name="ItemsDeleted", unit=MetricUnit.Count, value=1)
    logger.info("item deleted")
    # No Content-Type: a 204 has no body to describe.
    return Response(status_code=HTTPStatus.NO_CONTENT.value, content_type=None, body="")


# ------------------------------------------------------------------- error handling


@app.exception_handler(ApiError)
def _handle_api_error(error: ApiError) -> Response[Any]:
    # Client errors are expected traffic: info, not error, so they don't page anyone.
    logger.info("request rejected", extra={"status_code": error.status.value, "reason": error.message})
    return _json_response(error.status, {"message": error.message})


@app.not_found
def _handle_route_not_found(_: NotFoundError) -> Response[Any]:
    # Registered explicitly: otherwise the catch-all handler below would also
    # match NotFoundError (it subclasses Exception) and turn a 404 into a 500.
    event = app.current_event
    return _json_response(HTTPStatus.NOT_FOUND, {"message": f"route not found: {event.http_method} {event.path}"})


@app.exception_handler(Exception)
def _handle_unexpected_error(error: Exception) -> Response[Any]:
    # The exception text can name tables, ARNs or SDK internals: it goes to the
    # log (with the correlation id) and never to the client.
    logger.exception("unhandled error", exc_info=error)
    return _json_response(HTTPStatus.INTERNAL_SERVER_ERROR, {"message": "internal error"})


# ----------------------------------------------------------------------- entry point


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST, clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics(capture_cold_start_metric=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
