"""Stages: cross-cutting settings in stacks/stages.py, each stack's own block beside it."""

from __future__ import annotations

import ast
import dataclasses
import importlib
import re
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import App, RemovalPolicy

from cdk_refarch import PatternConfigError, WebAclOptions
from cdk_refarch.core.retention import log_retention
from stacks.composition import build_app
from stacks.stages import ALARM_EMAIL_CONTEXT, DEFAULT_STAGE, STAGES, StageSettings, for_stage, stage_from_context
from tests.synthesis import CDK_CONTEXT, ROOT

STACKS = ROOT / "stacks"
#: The pattern modules; stages.py must not import them (each stack's settings.py may).
PATTERN_MODULES = ("cdk_refarch.static_site", "cdk_refarch.serverless_api", "cdk_refarch.dynamo_table")


def _raises(message: str) -> Any:
    return pytest.raises(PatternConfigError, match=re.escape(message))


def _settings_modules() -> dict[str, Any]:
    return {
        path.parent.name: importlib.import_module(f"stacks.{path.parent.name}.settings")
        for path in sorted(STACKS.glob("*/settings.py"))
    }


# --- every stack has settings for every stage -------------------------------------------


def test_every_stack_settings_block_covers_every_stage() -> None:
    modules = _settings_modules()
    assert {"static_site", "serverless_api"} <= set(modules)
    for name, module in modules.items():
        assert set(module.SETTINGS) == set(STAGES), f"stacks/{name}/settings.py SETTINGS"


def test_every_stack_that_reads_a_settings_block_has_one() -> None:
    for stack_file in sorted(STACKS.glob("*/stack.py")):
        if "for_stage(" in stack_file.read_text():
            assert (stack_file.parent / "settings.py").is_file(), stack_file


@pytest.mark.parametrize("stage", sorted(STAGES))
def test_every_stage_resolves_every_stacks_settings(stage: str) -> None:
    for module in _settings_modules().values():
        assert for_stage(module.SETTINGS, STAGES[stage]) is module.SETTINGS[stage]


def test_for_stage_names_the_missing_stage_and_those_there_are() -> None:
    with _raises("no settings for stage 'production' (have: qa, sandbox)"):
        for_stage({"sandbox": 1, "qa": 2}, STAGES["production"])
    with _raises("no settings for stage 'sandbox' (have: )"):
        for_stage({}, STAGES["sandbox"])


# --- stages.py holds only what cuts across the stacks -----------------------------------


def _imported_modules(path: Path) -> list[str]:
    found: list[str] = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.append(node.module)
            found.extend(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def test_stages_imports_no_pattern_module() -> None:
    imported = _imported_modules(STACKS / "stages.py")
    assert [m for m in imported if m.startswith(PATTERN_MODULES)] == []
    # Nor the package root, which re-exports every pattern: only the shared core.
    assert [m for m in imported if m.startswith("cdk_refarch") and not m.startswith("cdk_refarch.core")] == []
    assert any(m.startswith("cdk_refarch.core") for m in imported)  # the check itself found the imports


def test_stage_settings_are_cross_cutting_only() -> None:
    fields = [field.name for field in dataclasses.fields(StageSettings)]
    assert fields == [
        "name",
        "removal_policy",
        "log_retention_days",
        "web_acl",
        "termination_protection",
        "alarm_email",
    ]


def test_stages_differ_where_they_should() -> None:
    sandbox, production = STAGES["sandbox"], STAGES["production"]
    assert (sandbox.removal_policy, production.removal_policy) == (RemovalPolicy.DESTROY, RemovalPolicy.RETAIN)
    assert (sandbox.log_retention_days, production.log_retention_days) == (7, 365)
    assert (sandbox.web_acl_options(), production.web_acl_options()) == (None, WebAclOptions())
    for name, stage in STAGES.items():
        assert stage.name == name
        assert stage.alarm_email is None  # only the context sets it
        log_retention("log_retention_days", stage.log_retention_days)


# --- the stage from the CDK context -----------------------------------------------------


def test_default_stage_is_the_sandbox() -> None:
    assert DEFAULT_STAGE == "sandbox"
    assert stage_from_context(App().node) == STAGES["sandbox"]


def test_unknown_stage_lists_the_valid_ones() -> None:
    with _raises("stage ('staging') is not a known stage; valid stages: production, sandbox"):
        stage_from_context(App(context={"stage": "staging"}).node)


def test_alarm_email_comes_from_the_context() -> None:
    stage = stage_from_context(App(context={"stage": "production", ALARM_EMAIL_CONTEXT: "ops@example.com"}).node)
    assert (stage.name, stage.alarm_email) == ("production", "ops@example.com")
    # `make synth ALARM_EMAIL=` passes an empty value: the same as none.
    assert stage_from_context(App(context={ALARM_EMAIL_CONTEXT: ""}).node).alarm_email is None


@pytest.mark.parametrize("email", ["nope", "ops@example", "ops @example.com", "ops@example.com\n"])
def test_a_bad_alarm_email_in_the_context_fails_clearly(email: str) -> None:
    message = f"alarm_email ({email!r}) must be an e-mail address such as 'ops@example.com'"
    with _raises(message):
        stage_from_context(App(context={ALARM_EMAIL_CONTEXT: email}).node)
    with _raises(message):
        build_app(App(context={**CDK_CONTEXT, "stage": "production", ALARM_EMAIL_CONTEXT: email}))
