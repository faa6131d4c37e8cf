"""runtime/web runs on the python3 of Amazon Linux 2023 (3.9): nothing in it may need more.

The project's own interpreter is newer, so these checks read the source rather than
run it: the grammar of 3.9 (``ast.parse(feature_version=(3, 9))``: no ``match``, no
``except*``, ...), no ``X | Y`` union evaluated at run time, and none of the
standard library's names that came after 3.9. runtime/web/ruff.toml lints the folder
for 3.9 as well, so that pyupgrade never rewrites it to newer APIs.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

from tests.runtime.web.conftest import CONTRACT, WEB_DIR

SOURCES = sorted(WEB_DIR.glob("*.py"))
TARGET = CONTRACT.MIN_PYTHON

#: module -> names that it gained after 3.9.
NEWER_MODULE_NAMES: dict[str, set[str]] = {
    "typing": set(
        "Concatenate ParamSpec ParamSpecArgs ParamSpecKwargs TypeAlias TypeGuard is_typeddict "
        "LiteralString Never NotRequired Required Self TypeVarTuple Unpack assert_never assert_type "
        "clear_overloads dataclass_transform get_overloads reveal_type override TypeAliasType "
        "get_protocol_members is_protocol ReadOnly TypeIs".split()
    ),
    "datetime": {"UTC"},
    "itertools": {"pairwise", "batched"},
    "contextlib": {"aclosing", "chdir"},
    "enum": {"StrEnum", "ReprEnum", "verify", "EnumCheck", "FlagBoundary", "global_enum", "member", "nonmember"},
    "types": {"NoneType", "EllipsisType", "NotImplementedType", "UnionType"},
    "inspect": {"get_annotations", "markcoroutinefunction"},
    "http": {"HTTPMethod"},
    "hashlib": {"file_digest"},
    "asyncio": {"TaskGroup", "Runner", "timeout", "timeout_at", "Barrier"},
    "sys": {"orig_argv", "stdlib_module_names", "exception"},
    "os": {"EFD_CLOEXEC", "eventfd", "splice", "process_cpu_count"},
}
NEWER_MODULES = {"tomllib"}
NEWER_BUILTINS = {"aiter", "anext", "EncodingWarning", "ExceptionGroup", "BaseExceptionGroup"}
#: call -> keyword arguments it gained after 3.9.
NEWER_KEYWORDS = {
    "zip": {"strict"},
    "dataclass": {"kw_only", "slots", "match_args", "weakref_slot"},
    "field": {"kw_only"},
    "bisect": {"key"},
    "insort": {"key"},
    "bisect_left": {"key"},
    "bisect_right": {"key"},
}
BUILTIN_TYPES = {"int", "str", "float", "bytes", "bool", "list", "dict", "tuple", "set", "frozenset", "type", "object"}
#: Names that exist in 3.9 but mean something else there.
MISLEADING = {
    # socket.timeout became an alias of TimeoutError in 3.10: on 3.9, catching
    # TimeoutError misses socket timeouts. Catch OSError (or socket.timeout).
    "TimeoutError",
}

each_source = pytest.mark.parametrize("source", SOURCES, ids=[path.name for path in SOURCES])


def _tree(source: Path) -> ast.Module:
    return ast.parse(source.read_text(encoding="utf-8"), filename=str(source), feature_version=TARGET)


def _annotation_nodes(tree: ast.Module) -> set[int]:
    """ids of every node inside an annotation."""
    inside: set[int] = set()
    for node in ast.walk(tree):
        annotations: list[ast.expr | None] = []
        if isinstance(node, ast.AnnAssign):
            annotations.append(node.annotation)
        elif isinstance(node, ast.arg):
            annotations.append(node.annotation)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            annotations.append(node.returns)
        for annotation in annotations:
            if annotation is not None:
                inside.update(id(sub) for sub in ast.walk(annotation))
    return inside


def _has_future_annotations(tree: ast.Module) -> bool:
    future = [node for node in tree.body if isinstance(node, ast.ImportFrom) and node.module == "__future__"]
    return any(alias.name == "annotations" for node in future for alias in node.names)


def _looks_like_a_type(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant):
        return node.value is None
    if isinstance(node, ast.Name):
        return node.id in BUILTIN_TYPES or (node.id[:1].isupper() and not node.id.isupper())  # a class, not a FLAG
    return isinstance(node, ast.Subscript)


@each_source
def test_parses_with_the_grammar_of_python_3_9(source: Path) -> None:
    _tree(source)  # SyntaxError if not


@each_source
def test_no_union_operator_on_types_is_evaluated(source: Path) -> None:
    tree = _tree(source)
    in_annotation = _annotation_nodes(tree)
    lazy = _has_future_annotations(tree)
    for node in ast.walk(tree):
        if not (isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr)):
            continue
        if id(node) in in_annotation:
            # Annotations are evaluated at definition time unless postponed (PEP 563).
            assert lazy, f"{source.name}:{node.lineno}: 'X | Y' in an annotation needs postponed annotations"
            continue
        typeish = [side for side in (node.left, node.right) if _looks_like_a_type(side)]
        assert not typeish, f"{source.name}:{node.lineno}: 'X | Y' on types needs Python 3.10"


@each_source
def test_uses_no_standard_library_name_newer_than_3_9(source: Path) -> None:
    tree = _tree(source)
    imported_as: dict[str, str] = {}  # local name -> module
    problems: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in NEWER_MODULES:
                    problems.append(f"{node.lineno}: import {alias.name}")
                imported_as[alias.asname or alias.name] = alias.name
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module.split(".")[0] in NEWER_MODULES:
                problems.append(f"{node.lineno}: from {node.module}")
            newer = NEWER_MODULE_NAMES.get(node.module, set())
            problems.extend(f"{node.lineno}: {node.module}.{a.name}" for a in node.names if a.name in newer)
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            module = imported_as.get(node.value.id, "")
            if node.attr in NEWER_MODULE_NAMES.get(module, set()):
                problems.append(f"{node.lineno}: {module}.{node.attr}")
        elif isinstance(node, ast.Name) and node.id in NEWER_BUILTINS | MISLEADING:
            problems.append(f"{node.lineno}: {node.id}")
        elif isinstance(node, ast.Call):
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            newer_keywords = NEWER_KEYWORDS.get(name, set())
            problems.extend(f"{node.lineno}: {name}({k.arg}=)" for k in node.keywords if k.arg in newer_keywords)
        elif isinstance(node, ast.Attribute) and node.attr == "bit_count":
            problems.append(f"{node.lineno}: int.bit_count()")
    assert problems == [], f"{source.name} needs a Python newer than {TARGET}: {problems}"


def test_the_folder_holds_python_sources() -> None:
    # Every module is installed (and so checked here); the CA bundle is the one other file.
    assert {path.name for path in SOURCES} == {name for name in CONTRACT.APP_FILES if name.endswith(".py")}
    assert set(CONTRACT.APP_FILES) - {path.name for path in SOURCES} == {CONTRACT.CA_BUNDLE}


def test_ruff_lints_it_for_python_3_9() -> None:
    config = (WEB_DIR / "ruff.toml").read_text(encoding="utf-8")
    assert 'extend = "../../ruff.toml"' in config
    assert f'target-version = "py{TARGET[0]}{TARGET[1]}"' in config


def test_no_module_shadows_the_standard_library() -> None:
    # The server's folder comes first on sys.path: a module named like one of the
    # standard library's would replace it for every import, the library's own included.
    assert {path.stem for path in SOURCES} & sys.stdlib_module_names == set()
