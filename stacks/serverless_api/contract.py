"""The items handler's contract (``runtime/items/contract.py``)."""

from __future__ import annotations

from types import ModuleType

from stacks.contracts import RUNTIME, load_contract

ITEMS_CODE = str(RUNTIME / "items")


def items_contract() -> ModuleType:
    return load_contract("items")
