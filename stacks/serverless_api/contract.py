"""The items handler's contract (``runtime/items/contract.py``), loaded by file path.

The file ships inside the Lambda asset, where the handler imports it as ``contract``;
here it is loaded under another name so that it never shadows anything, and once.
"""

from __future__ import annotations

import importlib.util
import sys
from functools import cache
from pathlib import Path
from types import ModuleType

ITEMS_CODE = str(Path(__file__).resolve().parents[2] / "runtime" / "items")
_MODULE = "items_contract"


@cache
def items_contract() -> ModuleType:
    spec = importlib.util.spec_from_file_location(_MODULE, Path(ITEMS_CODE) / "contract.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[_MODULE] = module
    spec.loader.exec_module(module)
    return module
