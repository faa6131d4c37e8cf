"""What the items service's infrastructure and its handler must agree on, defined once.

- ``HANDLER``: the Lambda entry point.
- ``ENV_*``: the environment variables the function reads.
- ``CORS_*``: what browsers may send and how long they may cache a preflight.
  API Gateway answers the preflight; the handler answers the actual requests.
- ``ROUTES``: each method and path the API exposes and the handler serves, with the
  JSON Schema that API Gateway checks the request body against.
- The request schemas, the item types and the limits behind them.

Both sides use this file. The handler imports it as the top-level module ``contract``,
because it ships in the same Lambda asset. The CDK stack and the smoke checks load it
by file path (``importlib.util.spec_from_file_location``). So it imports only the
standard library and nothing else from this folder, and synth never needs the
Lambda's runtime dependencies.

The schemas are JSON Schema draft 4, the only draft that API Gateway models accept.
Keep newer keywords (``const``, ``if``/``then``, numeric ``exclusiveMinimum``,
``propertyNames``, ...) out of them, or the deployment will reject the model.
"""

# No ``from __future__ import annotations``: with string annotations, @dataclass looks
# the module up in sys.modules, which fails when a loader runs this file by path without
# registering it there first.
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final, NotRequired, TypedDict

# ----------------------------------------------------------------------- entry point

#: ``module.function`` inside this folder: the ``Handler`` of the Lambda function.
HANDLER: Final = "handler.handler"

# ---------------------------------------------------------------------- environment

#: The DynamoDB table's name. Required: without it every request fails with 500.
ENV_TABLE_NAME: Final = "TABLE_NAME"
#: Browser origins allowed to call the API, joined by ``CORS_ORIGINS_SEPARATOR``.
#: Leave it unset when there are none.
ENV_CORS_ALLOW_ORIGINS: Final = "CORS_ALLOW_ORIGINS"
CORS_ORIGINS_SEPARATOR: Final = ","
#: Read by Powertools rather than by the handler's own code: the service name in logs,
#: traces and the metric dimension; the CloudWatch namespace of the metrics; the log level.
ENV_SERVICE_NAME: Final = "POWERTOOLS_SERVICE_NAME"
ENV_METRICS_NAMESPACE: Final = "POWERTOOLS_METRICS_NAMESPACE"
ENV_LOG_LEVEL: Final = "LOG_LEVEL"

# ----------------------------------------------------------------------------- CORS

#: The request headers a browser may send. API Gateway's preflight must allow exactly
#: these, and the handler's CORS responses allow the same list.
CORS_ALLOW_HEADERS: Final[tuple[str, ...]] = (
    "Authorization",
    "Content-Type",
    "X-Amz-Date",
    "X-Amz-Security-Token",
    "X-Api-Key",
)
#: How long a browser may cache a preflight answer (Access-Control-Max-Age).
CORS_MAX_AGE_SECONDS: Final = 3600

# ------------------------------------------------------------------- request bodies

# API Gateway caps payloads at 10 MB. An item is a few KiB at most, so anything bigger
# is a client bug or abuse, and the handler refuses it before spending time parsing it.
MAX_BODY_BYTES: Final = 16 * 1024

NAME_MAX_LENGTH: Final = 200
DESCRIPTION_MAX_LENGTH: Final = 2000
TAGS_MAX_ITEMS: Final = 20
TAG_MAX_LENGTH: Final = 50

# The attributes that clients may write, in the order that updates apply them. The
# server owns everything else on an item (id, version, timestamps).
MUTABLE_FIELDS: Final[tuple[str, ...]] = ("name", "description", "price", "tags")

JSON_SCHEMA_DRAFT_04: Final = "http://json-schema.org/draft-04/schema#"


def _field_schemas() -> dict[str, dict[str, Any]]:
    # A function, not a shared constant, so the create and update schemas never share
    # nested dicts. If a caller mutates one (CDK code that adds a title, say), the other
    # must not silently change too.
    return {
        "name": {"type": "string", "minLength": 1, "maxLength": NAME_MAX_LENGTH},
        "description": {"type": "string", "maxLength": DESCRIPTION_MAX_LENGTH},
        "price": {"type": "number", "minimum": 0},
        "tags": {
            "type": "array",
            "maxItems": TAGS_MAX_ITEMS,
            "uniqueItems": True,
            "items": {"type": "string", "minLength": 1, "maxLength": TAG_MAX_LENGTH},
        },
    }


ITEM_CREATE_SCHEMA: Final[dict[str, Any]] = {
    "$schema": JSON_SCHEMA_DRAFT_04,
    "title": "ItemCreate",
    "type": "object",
    "additionalProperties": False,
    "required": ["name"],
    "properties": _field_schemas(),
}

ITEM_UPDATE_SCHEMA: Final[dict[str, Any]] = {
    "$schema": JSON_SCHEMA_DRAFT_04,
    "title": "ItemUpdate",
    "type": "object",
    "additionalProperties": False,
    "required": ["version"],
    "properties": {
        **_field_schemas(),
        # The version that the client last read. The update applies only if the stored
        # item is still at that version (optimistic concurrency).
        "version": {"type": "integer", "minimum": 1},
    },
    # "At least one mutable field", written in draft 4 terms so that API Gateway
    # enforces the same rule as the handler.
    "anyOf": [{"required": [name]} for name in MUTABLE_FIELDS],
}

# --------------------------------------------------------------------------- routes

#: The path parameter that holds an item's id.
ITEM_ID_PARAM: Final = "id"
#: Paths use API Gateway's template syntax (``{name}`` for a path parameter).
ITEMS_PATH: Final = "/items"
ITEM_PATH: Final = f"{ITEMS_PATH}/{{{ITEM_ID_PARAM}}}"


@dataclass(frozen=True)
class RouteSpec:
    """One method on one path, and the JSON Schema of its request body (``None``: no body).

    A route is identified by its method and path. The schema takes no part in equality
    or hashing, so a ``RouteSpec`` can be a dict key or a set member.
    """

    method: str
    path: str
    body_schema: Mapping[str, Any] | None = field(default=None, compare=False)

    @property
    def path_parameters(self) -> tuple[str, ...]:
        return tuple(segment[1:-1] for segment in self.path.split("/") if segment.startswith("{"))


CREATE_ITEM: Final = RouteSpec("POST", ITEMS_PATH, ITEM_CREATE_SCHEMA)
LIST_ITEMS: Final = RouteSpec("GET", ITEMS_PATH)
GET_ITEM: Final = RouteSpec("GET", ITEM_PATH)
UPDATE_ITEM: Final = RouteSpec("PUT", ITEM_PATH, ITEM_UPDATE_SCHEMA)
DELETE_ITEM: Final = RouteSpec("DELETE", ITEM_PATH)

#: Every route of the API, and the only ones the handler serves.
ROUTES: Final[tuple[RouteSpec, ...]] = (CREATE_ITEM, LIST_ITEMS, GET_ITEM, UPDATE_ITEM, DELETE_ITEM)

# --------------------------------------------------------------------------- responses


class Item(TypedDict):
    """An item as clients receive it (its numbers already converted from Decimal)."""

    id: str
    name: str
    version: int
    created_at: str
    updated_at: str
    description: NotRequired[str]
    price: NotRequired[int | float]
    tags: NotRequired[list[str]]


class ItemPage(TypedDict):
    items: list[Item]
    next_cursor: str | None
