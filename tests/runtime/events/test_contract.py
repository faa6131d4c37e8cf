"""The event consumers' contract (runtime/events/contract.py), and that the handlers keep to it.

The handlers (event_log.py, upload_statistics.py and the modules they import from their
folder: messages.py, settings.py, consumer.py) must read their configuration only through the
contract's variable names, emit only the contract's metrics, and spell none of the contract's
values a second time. The contract must stay loadable by file path with nothing but the
standard library, which is how the CDK stack loads it. The upload statistics read the upload
pipeline's events: what they expect must be what runtime/uploads/contract.py publishes.
"""

from __future__ import annotations

import ast
import re
import sys
from importlib.metadata import version
from pathlib import Path
from types import ModuleType

import pytest

from tests.runtime.contracts import imported_top_level_modules, load_module, load_standalone, string_constants
from tests.runtime.events.conftest import (
    CONTRACT,
    EVENT_LOG_MODULE,
    EVENTS_DIR,
    HANDLER_FUNCTION,
    HANDLER_SIBLINGS,
    STATISTICS_MODULE,
    sibling_name,
    upload_record,
)

CONTRACT_FILE = EVENTS_DIR / "contract.py"
HANDLER_FILES = [EVENTS_DIR / f"{module}.py" for module in (EVENT_LOG_MODULE, STATISTICS_MODULE)]
SIBLING_FILES = [EVENTS_DIR / f"{sibling}.py" for sibling in HANDLER_SIBLINGS]
CODE_FILES = [*HANDLER_FILES, *SIBLING_FILES]
CONSTANTS = sorted(name for name in dir(CONTRACT) if name.isupper() and not name.startswith("_"))
TYPED_DICTS = ("EventLogItem", "UploadMarker", "UploadStatistics", "UploadProcessed")
UPLOADS_CONTRACT = load_module("refarch_events_uploads_contract", EVENTS_DIR.parent / "uploads" / "contract.py")


def _trees() -> list[tuple[Path, ast.Module]]:
    return [(path, ast.parse(path.read_text(encoding="utf-8"))) for path in CODE_FILES]


def _nodes() -> list[ast.AST]:
    return [node for _, tree in _trees() for node in ast.walk(tree)]


# ----------------------------------------------------------------- the contract itself


def test_contract_imports_only_the_standard_library() -> None:
    imported = imported_top_level_modules(CONTRACT_FILE)
    assert imported <= sys.stdlib_module_names, imported


def test_contract_loads_by_file_path_without_site_packages() -> None:
    expression = (
        "[{n: getattr(module, n) for n in dir(module) if n.isupper() and not n.startswith('_')},"
        f" {{n: list(getattr(module, n).__annotations__) for n in {list(TYPED_DICTS)!r}}},"
        " module.check_stream('domain-events')]"
    )
    loaded = load_standalone(CONTRACT_FILE, "events_contract", expression)
    assert loaded == [
        {name: getattr(CONTRACT, name) for name in CONSTANTS},
        {name: list(getattr(CONTRACT, name).__annotations__) for name in TYPED_DICTS},
        "domain-events",
    ]


def test_names_and_values_are_well_formed() -> None:
    assert (CONTRACT.EVENT_LOG_HANDLER, CONTRACT.UPLOAD_STATISTICS_HANDLER) == (
        "event_log.handler",
        "upload_statistics.handler",
    )
    for name in CONSTANTS:
        if name.startswith("ENV_"):
            assert re.fullmatch(r"[A-Z][A-Z0-9_]*", getattr(CONTRACT, name)), name
        if name.startswith("METRIC_"):
            assert re.fullmatch(r"[A-Z][A-Za-z]+", getattr(CONTRACT, name)), name
    for prefix in ("ENV_", "METRIC_"):
        values = [getattr(CONTRACT, name) for name in CONSTANTS if name.startswith(prefix)]
        assert len(set(values)) == len(values), prefix
    attribute = CONTRACT.EVENT_TYPE_ATTRIBUTE  # SNS: letters, digits, _ - . and not AWS. or Amazon.
    assert re.fullmatch(r"[A-Za-z0-9_.-]{1,256}", attribute) and not attribute.startswith(("AWS.", "Amazon."))
    for days in (CONTRACT.DEFAULT_EVENT_RETENTION_DAYS, CONTRACT.DEFAULT_MARKER_RETENTION_DAYS):
        assert type(days) is int and days >= 1
    # Longer than the subscriber queue's retention (FanOut's default: 4 days): a redelivery
    # always finds the marker.
    assert CONTRACT.DEFAULT_MARKER_RETENTION_DAYS > 4


def test_the_items_hold_the_keys_and_expiry_the_tables_are_defined_with() -> None:
    log_item = CONTRACT.EventLogItem.__annotations__
    assert {CONTRACT.EVENT_LOG_PARTITION_KEY, CONTRACT.EVENT_LOG_SORT_KEY, CONTRACT.EXPIRY_ATTRIBUTE} <= set(log_item)
    assert CONTRACT.EVENT_TYPE_ATTRIBUTE in log_item
    keys = {CONTRACT.STATISTICS_PARTITION_KEY, CONTRACT.STATISTICS_SORT_KEY}
    assert keys | {CONTRACT.EXPIRY_ATTRIBUTE} <= set(CONTRACT.UploadMarker.__annotations__)
    counters = {CONTRACT.STATISTICS_UPLOADS, CONTRACT.STATISTICS_BYTES, CONTRACT.STATISTICS_LAST_UPLOAD_AT}
    assert set(CONTRACT.UploadStatistics.__annotations__) == keys | counters
    assert CONTRACT.KEY_ATTRIBUTE_TYPE == "S"
    # The total's item can never be a media type's: a media type has a slash.
    assert "/" not in CONTRACT.STATISTICS_ALL_CONTENT_TYPES + CONTRACT.STATISTICS_OTHER_CONTENT_TYPE


@pytest.mark.parametrize("stream", ["a", "audit", "images", "domain-events", "0-9", "a" * 64])
def test_check_stream_accepts_lower_case_names_up_to_64(stream: str) -> None:
    assert CONTRACT.check_stream(stream) == stream
    assert re.fullmatch(CONTRACT.STREAM_PATTERN, stream)


@pytest.mark.parametrize("stream", ["", "Audit", "audit#2", "audit events", "a" * 65, "ünï", None, 7, True])
def test_check_stream_refuses_anything_else_naming_the_property(stream: object) -> None:
    message = f"event_stream ({stream!r}) must be 1 to 64 characters of a-z, 0-9 and '-'"
    with pytest.raises(ValueError, match=re.escape(message)):
        CONTRACT.check_stream(stream, "event_stream")
    with pytest.raises(ValueError, match=re.escape(f"stream ({stream!r}) must be")):
        CONTRACT.check_stream(stream)


# ------------------------------------------------- the upload pipeline, the producer


def test_the_statistics_read_the_event_the_upload_pipeline_publishes() -> None:
    assert CONTRACT.UPLOAD_PROCESSED_EVENT_TYPE == UPLOADS_CONTRACT.EVENT_TYPE
    assert CONTRACT.EVENT_TYPE_ATTRIBUTE == UPLOADS_CONTRACT.EVENT_TYPE_ATTRIBUTE
    published = UPLOADS_CONTRACT.UploadRecord.__annotations__
    for name, annotation in CONTRACT.UploadProcessed.__annotations__.items():
        assert published.get(name) == annotation, name


def test_the_tests_upload_record_is_the_upload_pipeline_s() -> None:
    assert set(upload_record()) == set(UPLOADS_CONTRACT.UploadRecord.__annotations__)


# ------------------------------------------------------------ the handlers keep to it


@pytest.mark.parametrize("fixture", ["event_log", "upload_statistics"])
def test_the_handlers_import_this_contract(fixture: str, request: pytest.FixtureRequest) -> None:
    handler: ModuleType = request.getfixturevalue(fixture)
    contract_names = {name for name in dir(CONTRACT) if getattr(handler, name, None) is getattr(CONTRACT, name)}
    assert contract_names, "the handler uses nothing of the contract?"
    assert callable(getattr(handler, HANDLER_FUNCTION))
    for sibling in HANDLER_SIBLINGS:
        loaded = sys.modules[sibling_name(handler.__name__, sibling)]
        assert loaded.__file__ == str(EVENTS_DIR / f"{sibling}.py")


def test_messages_and_settings_import_only_the_standard_library_and_the_contract() -> None:
    for sibling in ("messages", "settings"):
        imported = imported_top_level_modules(EVENTS_DIR / f"{sibling}.py")
        assert imported <= sys.stdlib_module_names | {"contract"}, (sibling, imported)


def test_the_code_imports_exactly_the_shared_modules_from_its_folder() -> None:
    local = {path.stem for path in EVENTS_DIR.glob("*.py")}
    assert local == {"contract", *HANDLER_SIBLINGS, EVENT_LOG_MODULE, STATISTICS_MODULE}
    for path in HANDLER_FILES:
        assert imported_top_level_modules(path) & local == {"contract", *HANDLER_SIBLINGS}, path.name
    assert imported_top_level_modules(EVENTS_DIR / "consumer.py") & local == {"contract", "messages"}


def test_the_handlers_pin_the_layer_s_powertools_like_the_upload_handler() -> None:
    def powertools(folder: str) -> list[str]:
        lines = (EVENTS_DIR.parent / folder / "requirements.txt").read_text(encoding="utf-8").splitlines()
        return [line for line in lines if line and not line.startswith("#")]

    assert powertools("events") == powertools("uploads")
    assert powertools("events") == [f"aws-lambda-powertools[tracer]=={version('aws-lambda-powertools')}"]


def test_the_code_reads_the_environment_only_through_contract_names() -> None:
    env_names = {name for name in CONSTANTS if name.startswith("ENV_")}
    reads: list[ast.expr] = []
    for node in _nodes():
        if isinstance(node, ast.Call) and ast.unparse(node.func) in {"os.environ.get", "os.getenv"}:
            reads.append(node.args[0])
        elif isinstance(node, ast.Subscript) and ast.unparse(node.value) == "os.environ":
            reads.append(node.slice)
    assert reads, "the code reads no environment variable at all?"
    for key in reads:
        # settings.py reads through helpers whose parameter holds a contract name.
        assert isinstance(key, ast.Name) and (key.id in env_names or key.id == "name"), ast.unparse(key)
    settings = (EVENTS_DIR / "settings.py").read_text(encoding="utf-8")
    read_names = set(re.findall(r"\b(ENV_[A-Z_]+)\b", settings))
    assert read_names == env_names - {"ENV_SERVICE_NAME", "ENV_LOG_LEVEL"}  # those two: Powertools only


def test_the_code_emits_exactly_the_contract_s_metrics() -> None:
    emitted = set()
    for node in _nodes():
        if isinstance(node, ast.Call) and ast.unparse(node.func).endswith(".add_metric"):
            [name] = [keyword.value for keyword in node.keywords if keyword.arg == "name"]
            assert isinstance(name, ast.Name), ast.unparse(node)
            emitted.add(name.id)
    assert emitted == {name for name in CONSTANTS if name.startswith("METRIC_")}


def test_the_code_spells_no_contract_value_a_second_time() -> None:
    # EVENT_TYPE_ATTRIBUTE is left out: its value is also the name of the event log item's
    # attribute (EventLogItem.event_type), which a TypedDict spells as a literal.
    # Short shared words (KEY_SEPARATOR "#", KEY_ATTRIBUTE_TYPE "S", ...) are left out likewise.
    prefixes = ("ENV_", "METRIC_", "EVENT_LOG_", "STATISTICS_", "UPLOAD_", "EXPIRY_", "STREAM_")
    spelled_once = {getattr(CONTRACT, name) for name in CONSTANTS if name.startswith(prefixes)}
    for path, tree in _trees():
        repeated = sorted(spelled_once & set(string_constants(tree)))
        assert not repeated, f"{path.name} spells these itself instead of importing them from contract.py: {repeated}"
