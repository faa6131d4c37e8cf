"""Request schemas and item types for the items service.

This module deliberately imports nothing outside the standard library: the CDK
construct loads it at synth time to publish the same schemas as API Gateway
request models, and synth must not need the Lambda's runtime dependencies.

The exported schemas are JSON Schema draft 4, the only draft API Gateway models
accept. Keep newer keywords (``const``, ``if``/``then``, numeric
``exclusiveMinimum``, ``propertyNames``, ...) out of them, or the deployment
will reject the model.
"""

from __future__ import annotations

from typing import Any, Final, NotRequired, TypedDict

JSON_SCHEMA_DRAFT_04: Final = "http://json-schema.org/draft-04/schema#"

# API Gateway caps payloads at 10 MB; an item is a few KiB at most, so anything
# bigger is a client bug or abuse and is refused before we spend time parsing it.
MAX_BODY_BYTES: Final = 16 * 1024

NAME_MAX_LENGTH: Final = 200
DESCRIPTION_MAX_LENGTH: Final = 2000
TAGS_MAX_ITEMS: Final = 20
TAG_MAX_LENGTH: Final = 50

# Client-writable attributes, in the order updates are applied. Everything else
# on an item (id, version, timestamps) is owned by the server.
MUTABLE_FIELDS: Final[tuple[str, ...]] = ("name", "description", "price", "tags")


class Item(TypedDict):
    """An item as returned to clients (numbers already converted from Decimal)."""

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


def _field_schemas() -> dict[str, dict[str, Any]]:
    # A function rather than a shared constant so the create and update schemas
    # never alias the same nested dicts: a caller mutating one (CDK code adding a
    # title, say) must not silently change the other.
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
        # The version the client last read; the update only applies if the
        # stored item is still at that version (optimistic concurrency).
        "version": {"type": "integer", "minimum": 1},
    },
    # "At least one mutable field" expressed in draft 4 terms, so API Gateway
    # enforces the same rule as the handler.
    "anyOf": [{"required": [field]} for field in MUTABLE_FIELDS],
}
