"""The upload contract (runtime/uploads/contract.py), and that the handler keeps to it.

The handler must read its configuration only through the contract's variable names, emit
only the contract's metrics, and spell none of the contract's values a second time. The
contract must stay loadable by file path with nothing but the standard library, which is
how the CDK stack and the smoke checks load it.
"""

from __future__ import annotations

import ast
import re
import sys
from importlib.metadata import version
from types import ModuleType

from tests.runtime.contracts import imported_top_level_modules, load_standalone
from tests.runtime.uploads.conftest import CONTRACT, HANDLER_FUNCTION, HANDLER_MODULE, UPLOADS_DIR

CONTRACT_FILE = UPLOADS_DIR / "contract.py"
HANDLER_FILE = UPLOADS_DIR / f"{HANDLER_MODULE}.py"
CONSTANTS = sorted(name for name in dir(CONTRACT) if name.isupper())


def _handler_tree() -> ast.Module:
    return ast.parse(HANDLER_FILE.read_text(encoding="utf-8"))


# ----------------------------------------------------------------- the contract itself


def test_contract_imports_only_the_standard_library() -> None:
    imported = imported_top_level_modules(CONTRACT_FILE)
    assert imported <= sys.stdlib_module_names, imported


def test_contract_loads_by_file_path_without_site_packages() -> None:
    loaded = load_standalone(
        CONTRACT_FILE,
        "uploads_contract",
        "[{n: getattr(module, n) for n in dir(module) if n.isupper()}, list(module.UploadRecord.__annotations__)]",
    )
    assert loaded == [
        {name: getattr(CONTRACT, name) for name in CONSTANTS},
        list(CONTRACT.UploadRecord.__annotations__),
    ]


def test_the_records_table_is_keyed_by_a_record_field() -> None:
    assert CONTRACT.RECORDS_PARTITION_KEY in CONTRACT.UploadRecord.__annotations__


def test_names_and_values_are_well_formed() -> None:
    assert CONTRACT.HANDLER == "handler.handler"
    for name in CONSTANTS:
        if name.startswith("ENV_"):
            assert re.fullmatch(r"[A-Z][A-Z0-9_]*", getattr(CONTRACT, name)), name
        if name.startswith("METRIC_"):
            assert re.fullmatch(r"[A-Z][A-Za-z]+", getattr(CONTRACT, name)), name
    metrics = [getattr(CONTRACT, name) for name in CONSTANTS if name.startswith("METRIC_")]
    assert len(set(metrics)) == len(metrics)
    # SNS message attribute names: letters, digits, _ - . only, and not starting with AWS. or Amazon.
    for attribute in (CONTRACT.EVENT_TYPE_ATTRIBUTE, CONTRACT.CONTENT_TYPE_ATTRIBUTE):
        assert re.fullmatch(r"[A-Za-z0-9_.-]{1,256}", attribute) and not attribute.startswith(("AWS.", "Amazon."))
    assert isinstance(CONTRACT.DEFAULT_IDEMPOTENCY_TTL_SECONDS, int) and CONTRACT.DEFAULT_IDEMPOTENCY_TTL_SECONDS > 0


# ------------------------------------------------------------ the handler keeps to it


def test_the_handler_imports_this_contract(uploads_handler: ModuleType) -> None:
    assert uploads_handler.UploadRecord is CONTRACT.UploadRecord
    assert HANDLER_FILE.is_file() and callable(getattr(uploads_handler, HANDLER_FUNCTION))


def test_the_handler_pins_the_layer_s_powertools_like_the_items_handler() -> None:
    def powertools(requirements: str) -> list[str]:
        lines = (UPLOADS_DIR.parent / requirements).read_text(encoding="utf-8").splitlines()
        return [line for line in lines if line.startswith("aws-lambda-powertools")]

    assert powertools("uploads/requirements.txt") == powertools("items/requirements.txt")
    assert powertools("uploads/requirements.txt") == [
        f"aws-lambda-powertools[tracer]=={version('aws-lambda-powertools')}"
    ]


def test_handler_reads_the_environment_only_through_contract_names() -> None:
    env_names = {name for name in CONSTANTS if name.startswith("ENV_")}
    reads: list[ast.expr] = []
    for node in ast.walk(_handler_tree()):
        if isinstance(node, ast.Call) and ast.unparse(node.func) in {"os.environ.get", "os.getenv"}:
            reads.append(node.args[0])
        elif isinstance(node, ast.Subscript) and ast.unparse(node.value) == "os.environ":
            reads.append(node.slice)
    assert reads, "the handler reads no environment variable at all?"
    for key in reads:
        assert isinstance(key, ast.Name) and key.id in env_names, ast.unparse(key)


def test_the_handler_emits_exactly_the_contract_s_metrics() -> None:
    emitted = set()
    for node in ast.walk(_handler_tree()):
        if isinstance(node, ast.Call) and ast.unparse(node.func).endswith(".add_metric"):
            [name] = [keyword.value for keyword in node.keywords if keyword.arg == "name"]
            assert isinstance(name, ast.Name), ast.unparse(node)
            emitted.add(name.id)
    assert emitted == {name for name in CONSTANTS if name.startswith("METRIC_")}


def _string_constants(tree: ast.Module) -> list[str]:
    """Every string literal in the code, docstrings excepted."""
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


def test_handler_spells_no_contract_value_a_second_time() -> None:
    # CONTENT_TYPE_ATTRIBUTE is left out: its value is also the name of the record's field.
    # IDEMPOTENCY_* are left out: "id" is also the name of the EventBridge event's field.
    prefixes = ("ENV_", "METRIC_", "S3_", "EVENT_TYPE", "RECORDS_", "HANDLER")
    spelled_once = {getattr(CONTRACT, name) for name in CONSTANTS if name.startswith(prefixes)}
    literals = set(_string_constants(_handler_tree()))

    repeated = sorted(spelled_once & literals)
    assert not repeated, f"handler.py spells these itself instead of importing them from contract.py: {repeated}"
