"""The upload contract (runtime/uploads/contract.py), and that the handler keeps to it.

The handler (handler.py and the modules it imports from its folder, messages.py and
settings.py) must read its configuration only through the contract's variable names, emit
only the contract's metrics, and spell none of the contract's values a second time. The
contract must stay loadable by file path with nothing but the standard library, which is
how the CDK stack and the smoke checks load it; the handler's own modules may import the
contract besides.
"""

from __future__ import annotations

import ast
import re
import sys
from importlib.metadata import version
from types import ModuleType

from tests.runtime.contracts import imported_top_level_modules, load_standalone, string_constants
from tests.runtime.uploads.conftest import (
    CONTRACT,
    HANDLER_FUNCTION,
    HANDLER_MODULE,
    HANDLER_SIBLINGS,
    UPLOADS_DIR,
    sibling_name,
)

CONTRACT_FILE = UPLOADS_DIR / "contract.py"
HANDLER_FILE = UPLOADS_DIR / f"{HANDLER_MODULE}.py"
SIBLING_FILES = [UPLOADS_DIR / f"{sibling}.py" for sibling in HANDLER_SIBLINGS]
CONSTANTS = sorted(name for name in dir(CONTRACT) if name.isupper())


def _handler_trees() -> list[ast.Module]:
    """handler.py and the modules it imports from its folder, the contract excepted."""
    return [ast.parse(path.read_text(encoding="utf-8")) for path in (HANDLER_FILE, *SIBLING_FILES)]


def _handler_nodes() -> list[ast.AST]:
    return [node for tree in _handler_trees() for node in ast.walk(tree)]


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


def test_the_handler_s_own_modules_import_only_the_standard_library_and_the_contract() -> None:
    for path in SIBLING_FILES:
        imported = imported_top_level_modules(path)
        assert imported <= sys.stdlib_module_names | {"contract"}, (path.name, imported)


def test_the_handler_imports_exactly_its_own_modules_from_its_folder(uploads_handler: ModuleType) -> None:
    local = {path.stem for path in UPLOADS_DIR.glob("*.py")} - {HANDLER_MODULE}
    assert imported_top_level_modules(HANDLER_FILE) & local == {"contract", *HANDLER_SIBLINGS}
    for sibling in HANDLER_SIBLINGS:
        loaded = sys.modules[sibling_name(uploads_handler.__name__, sibling)]
        assert loaded.__file__ == str(UPLOADS_DIR / f"{sibling}.py")


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
    for node in _handler_nodes():
        if isinstance(node, ast.Call) and ast.unparse(node.func) in {"os.environ.get", "os.getenv"}:
            reads.append(node.args[0])
        elif isinstance(node, ast.Subscript) and ast.unparse(node.value) == "os.environ":
            reads.append(node.slice)
    assert reads, "the handler reads no environment variable at all?"
    for key in reads:
        assert isinstance(key, ast.Name) and key.id in env_names, ast.unparse(key)


def test_the_handler_emits_exactly_the_contract_s_metrics() -> None:
    emitted = set()
    for node in _handler_nodes():
        if isinstance(node, ast.Call) and ast.unparse(node.func).endswith(".add_metric"):
            [name] = [keyword.value for keyword in node.keywords if keyword.arg == "name"]
            assert isinstance(name, ast.Name), ast.unparse(node)
            emitted.add(name.id)
    assert emitted == {name for name in CONSTANTS if name.startswith("METRIC_")}


def test_handler_spells_no_contract_value_a_second_time() -> None:
    # CONTENT_TYPE_ATTRIBUTE is left out: its value is also the name of the record's field.
    # IDEMPOTENCY_* are left out: "id" is also the name of the EventBridge event's field.
    prefixes = ("ENV_", "METRIC_", "S3_", "EVENT_TYPE", "RECORDS_", "HANDLER")
    spelled_once = {getattr(CONTRACT, name) for name in CONSTANTS if name.startswith(prefixes)}
    for path, tree in zip((HANDLER_FILE, *SIBLING_FILES), _handler_trees(), strict=True):
        repeated = sorted(spelled_once & set(string_constants(tree)))
        assert not repeated, f"{path.name} spells these itself instead of importing them from contract.py: {repeated}"
