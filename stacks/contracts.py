"""Contracts of the app's runtime code (``runtime/*/contract.py``), loaded by file path.

Each contract ships beside its code (in a Lambda asset, on an instance), where the code
imports it as ``contract``; here each is loaded once under its own name, so that the
two never shadow each other or anything else.
"""

from __future__ import annotations

import importlib.util
import sys
from functools import cache
from pathlib import Path
from types import ModuleType

RUNTIME = Path(__file__).resolve().parents[1] / "runtime"


@cache
def load_contract(service: str) -> ModuleType:
    """``runtime/<service>/contract.py`` as module ``<service>_contract``."""
    name = f"{service}_contract"
    spec = importlib.util.spec_from_file_location(name, RUNTIME / service / "contract.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    # No __pycache__ beside the contract: its folder is a Lambda asset, uploaded as it is.
    writes_bytecode, sys.dont_write_bytecode = sys.dont_write_bytecode, True
    try:
        spec.loader.exec_module(module)
    finally:
        sys.dont_write_bytecode = writes_bytecode
    return module
