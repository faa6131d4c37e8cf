"""`python -m deploy.cli`: what the make targets pass reaches synth as context."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from deploy import harness
from deploy.cli import parse
from deploy.harness import SandboxOptions


def test_application_and_extra_context_are_parsed() -> None:
    args = parse(["sandbox", "--application", "three-tier-web", "--context", "monthly_budget_usd=50"])
    assert (args.application, args.context) == ("three-tier-web", ["monthly_budget_usd=50"])


def test_context_must_be_key_equals_value(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        parse(["sandbox", "--context", "monthly_budget_usd"])
    assert "--context 'monthly_budget_usd' must be KEY=VALUE" in capsys.readouterr().err


def test_the_sandbox_synthesizes_the_selected_application_with_its_context(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    commands: list[list[str]] = []

    def run_cdk(command: list[str], *_: Any, **__: Any) -> None:
        commands.append(command)

    monkeypatch.setattr(harness, "run_cdk", run_cdk)
    options = SandboxOptions(
        state_dir=tmp_path, application="event-driven-pipeline", context=("monthly_budget_usd=50",)
    )
    harness._synth(options, {}, {})
    (command,) = commands
    context = [command[i + 1] for i, part in enumerate(command) if part == "-c"]
    assert context == ["stage=sandbox", "app=event-driven-pipeline", "monthly_budget_usd=50"]
