"""What every runtime contract (``runtime/*/contract.py``) must allow: the infrastructure
loads it by file path, outside the runtime's folder and environment."""

from __future__ import annotations

import ast
import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any


def imported_top_level_modules(path: Path) -> set[str]:
    """The top-level modules ``path`` imports; a relative import fails the test."""
    imported: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path.name} must not import from its own folder"
            imported.add((node.module or "").split(".")[0])
    return imported - {"__future__"}


def load_standalone(path: Path, name: str, expression: str) -> Any:
    """``expression`` (over ``module``), evaluated in a Python that loads ``path`` by file
    path under ``name``: -I -S, no site-packages, current directory or PYTHON* variables;
    -B, no __pycache__ left beside the file (an asset folder is uploaded as it is)."""
    script = (
        "import importlib.util, json, sys\n"
        f"spec = importlib.util.spec_from_file_location({name!r}, sys.argv[1])\n"
        "module = importlib.util.module_from_spec(spec)\n"
        "spec.loader.exec_module(module)\n"
        f"print(json.dumps({expression}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-I", "-S", "-B", "-c", script, str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def string_constants(tree: ast.Module) -> list[str]:
    """Every string literal in the code, docstrings excepted: a handler that spells a
    contract value again would hold it here."""
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


def load_module(name: str, path: Path) -> ModuleType:
    """``path`` executed as module ``name``, as its runtime would load it from its folder,
    without putting the folder on sys.path and without writing bytecode into it (the
    folder is an asset, uploaded as it is); a module that fails to load is forgotten."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    writes_bytecode = sys.dont_write_bytecode
    sys.dont_write_bytecode = True
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    finally:
        sys.dont_write_bytecode = writes_bytecode
    return module


def sibling_name(handler_name: str, sibling: str) -> str:
    """The name runtime/<service>/<sibling>.py is loaded under for the handler loaded as ``handler_name``."""
    return f"{handler_name}_{sibling}"


def load_cold(name: str, path: Path, *, contract: ModuleType, siblings: tuple[str, ...]) -> ModuleType:
    """The handler module at ``path`` executed afresh as ``name``, with fresh copies of the
    modules it imports from its folder (``siblings``, in import order; the contract
    excepted): a cold start in the current environment. If the handler fails to load,
    none of them stays in sys.modules."""
    missing = object()
    aliases = ("contract", *siblings)
    previous = {alias: sys.modules.get(alias, missing) for alias in aliases}
    loaded: list[str] = []
    sys.modules["contract"] = contract
    try:
        for sibling in siblings:
            loaded.append(sibling_name(name, sibling))
            sys.modules[sibling] = load_module(loaded[-1], path.with_name(f"{sibling}.py"))
        return load_module(name, path)
    except BaseException:
        for module_name in loaded:
            sys.modules.pop(module_name, None)
        raise
    finally:
        for alias, previous_module in previous.items():
            if previous_module is missing:
                sys.modules.pop(alias, None)
            else:
                sys.modules[alias] = previous_module  # type: ignore[assignment]
