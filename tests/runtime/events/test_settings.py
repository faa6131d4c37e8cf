"""The event consumers' configuration: read at cold start, every problem named before any message is taken."""

from __future__ import annotations

import os
import re
import sys
from types import ModuleType

import pytest

from tests.runtime.events.conftest import (
    CONTRACT,
    EVENT_LOG_MODULE,
    EVENTS_DIR,
    HANDLER_SIBLINGS,
    STATISTICS_MODULE,
    cold_start,
    load_handler,
    sibling_name,
)

REQUIRED = {
    EVENT_LOG_MODULE: ("event log", [CONTRACT.ENV_EVENT_LOG_TABLE, CONTRACT.ENV_EVENT_STREAM]),
    STATISTICS_MODULE: ("upload statistics", [CONTRACT.ENV_STATISTICS_TABLE]),
}
CASES = [(module, name) for module, (_, names) in REQUIRED.items() for name in (*names, CONTRACT.ENV_METRICS_NAMESPACE)]


@pytest.mark.parametrize(("module", "name"), CASES)
@pytest.mark.parametrize("unset", [None, "  "], ids=["unset", "blank"])
def test_a_missing_variable_stops_the_cold_start(
    monkeypatch: pytest.MonkeyPatch, module: str, name: str, unset: str | None
) -> None:
    if unset is None:
        monkeypatch.delenv(name)
    else:
        monkeypatch.setenv(name, unset)
    handler = REQUIRED[module][0]

    message = f"the {handler} handler needs the environment variable(s) {name}: not set"
    with pytest.raises(RuntimeError, match=re.escape(message)), cold_start(module):
        pass


@pytest.mark.parametrize("module", REQUIRED)
def test_every_missing_variable_is_named_at_once(monkeypatch: pytest.MonkeyPatch, module: str) -> None:
    handler, names = REQUIRED[module]
    for name in (*names, CONTRACT.ENV_METRICS_NAMESPACE):
        monkeypatch.delenv(name)

    needed = ", ".join((*names, CONTRACT.ENV_METRICS_NAMESPACE))
    message = f"the {handler} handler needs the environment variable(s) {needed}: not set"
    with pytest.raises(RuntimeError, match=re.escape(message)), cold_start(module):
        pass


def test_the_statistics_do_not_need_the_event_log_s_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (CONTRACT.ENV_EVENT_LOG_TABLE, CONTRACT.ENV_EVENT_STREAM):
        monkeypatch.delenv(name)

    with cold_start(STATISTICS_MODULE) as handler:
        assert handler.SETTINGS.table == os.environ[CONTRACT.ENV_STATISTICS_TABLE]


@pytest.mark.parametrize("stream", ["Audit", "audit events", "audit#1", "a" * 65, "ünï"])
def test_a_malformed_stream_stops_the_cold_start(monkeypatch: pytest.MonkeyPatch, stream: str) -> None:
    monkeypatch.setenv(CONTRACT.ENV_EVENT_STREAM, stream)

    message = f"EVENT_STREAM ({stream!r}) must be 1 to 64 characters of a-z, 0-9 and '-'"
    with pytest.raises(RuntimeError, match=re.escape(message)), cold_start(EVENT_LOG_MODULE):
        pass


@pytest.mark.parametrize("stream", ["audit", "domain-events", "a" * 64, "0"])
def test_the_stream_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch, stream: str) -> None:
    monkeypatch.setenv(CONTRACT.ENV_EVENT_STREAM, f" {stream} ")

    with cold_start(EVENT_LOG_MODULE) as handler:
        assert handler.SETTINGS.stream == stream


@pytest.mark.parametrize(
    ("module", "name"),
    [(EVENT_LOG_MODULE, CONTRACT.ENV_EVENT_RETENTION_DAYS), (STATISTICS_MODULE, CONTRACT.ENV_MARKER_RETENTION_DAYS)],
)
@pytest.mark.parametrize("days", ["0", "-7", "1.5", "1e3", "a week", "٣", "36501", "9" * 5000])
def test_a_malformed_retention_stops_the_cold_start(
    monkeypatch: pytest.MonkeyPatch, module: str, name: str, days: str
) -> None:
    monkeypatch.setenv(name, days)

    message = f"{name} ({days!r}) must be a whole number of days from 1 to 36500"
    with pytest.raises(RuntimeError, match=re.escape(message)), cold_start(module):
        pass


def test_the_retentions_default_to_the_contract_s(event_log: ModuleType, upload_statistics: ModuleType) -> None:
    assert event_log.SETTINGS.retention_days == CONTRACT.DEFAULT_EVENT_RETENTION_DAYS == 90
    assert upload_statistics.SETTINGS.marker_retention_days == CONTRACT.DEFAULT_MARKER_RETENTION_DAYS == 7


@pytest.mark.parametrize(
    ("module", "name", "field"),
    [
        (EVENT_LOG_MODULE, CONTRACT.ENV_EVENT_RETENTION_DAYS, "retention_days"),
        (STATISTICS_MODULE, CONTRACT.ENV_MARKER_RETENTION_DAYS, "marker_retention_days"),
    ],
)
@pytest.mark.parametrize("days", ["1", "36500"])
def test_the_retentions_come_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, module: str, name: str, field: str, days: str
) -> None:
    monkeypatch.setenv(name, days)

    with cold_start(module) as handler:
        assert getattr(handler.SETTINGS, field) == int(days)


@pytest.mark.parametrize("module", REQUIRED)
def test_a_cold_start_loads_the_handler_s_own_modules_and_puts_sys_modules_back(
    monkeypatch: pytest.MonkeyPatch, module: str
) -> None:
    elsewhere = {alias: ModuleType(f"another_{alias}") for alias in ("contract", *HANDLER_SIBLINGS)}
    for alias, other in elsewhere.items():
        monkeypatch.setitem(sys.modules, alias, other)

    with cold_start(module) as handler:
        assert {alias: sys.modules[alias] for alias in elsewhere} == elsewhere
        for sibling in HANDLER_SIBLINGS:
            assert sibling_name(handler.__name__, sibling) in sys.modules
        assert handler.logger is sys.modules[sibling_name(handler.__name__, "consumer")].logger

    # contract.py is left out: the CDK app loads it too (stacks/contracts.py), outside these tests.
    assert sorted(path.name for path in EVENTS_DIR.rglob("*.pyc") if not path.name.startswith("contract.")) == []


@pytest.mark.parametrize("module", REQUIRED)
def test_a_failed_cold_start_leaves_none_of_its_modules_behind(monkeypatch: pytest.MonkeyPatch, module: str) -> None:
    for alias in ("contract", *HANDLER_SIBLINGS):
        monkeypatch.delitem(sys.modules, alias, raising=False)
    monkeypatch.delenv(CONTRACT.ENV_METRICS_NAMESPACE)

    name = f"refarch_events_{module}_failed_cold_start"

    with pytest.raises(RuntimeError):
        load_handler(name, module)

    assert [loaded for loaded in sys.modules if loaded.startswith(name)] == []
    assert not {"contract", *HANDLER_SIBLINGS} & set(sys.modules)
