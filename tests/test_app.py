"""The CDK entry point (app.py): errors and the alarm e-mail warning, as `cdk synth` shows them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from stacks.composition import alarm_email_warning
from stacks.stages import STAGES
from tests.synthesis import CDK_CONTEXT, ROOT


def _run_app(tmp_path: Path, **context: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CDK_OUTDIR": str(tmp_path), "CDK_CONTEXT_JSON": json.dumps({**CDK_CONTEXT, **context})}
    return subprocess.run(
        [sys.executable, "app.py"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False
    )


def test_synth_without_alarm_email_warns_and_names_the_context_key(tmp_path: Path) -> None:
    # The load-balanced applications, not all five: the warnings need no more.
    result = _run_app(tmp_path, stage="production", app="container-microservice")
    assert result.returncode == 0, result.stderr
    assert "warning: no alarm e-mail for stage production" in result.stderr
    assert "-c alarm_email=you@example.com" in result.stderr
    assert (
        "warning: without service_domain (container-microservice) the load balancers serve plain HTTP" in result.stderr
    )
    assert (tmp_path / "manifest.json").exists()


def test_bad_alarm_email_is_an_error_without_a_traceback(tmp_path: Path) -> None:
    result = _run_app(tmp_path, stage="sandbox", alarm_email="ops-at-example")
    assert result.returncode != 0
    assert "error: alarm_email ('ops-at-example') must be an e-mail address" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("stage", sorted(STAGES))
def test_no_warning_with_an_alarm_email(stage: str) -> None:
    from dataclasses import replace

    assert alarm_email_warning(replace(STAGES[stage], alarm_email="ops@example.com")) is None
    assert "alarm_email" in (alarm_email_warning(STAGES[stage]) or "")


def test_no_plain_http_warning_with_both_domains() -> None:
    from aws_cdk import App

    from stacks.composition import plain_http_warning

    context = {"web_domain": "www.example.com", "service_domain": "api.example.com"}
    assert plain_http_warning(App(context=context)) is None
    assert "service_domain" in (plain_http_warning(App(context={"web_domain": "www.example.com"})) or "")


def test_the_plain_http_warning_names_only_the_selected_applications() -> None:
    from aws_cdk import App

    from stacks.composition import plain_http_warning

    assert plain_http_warning(App(context={"app": "static-website"})) is None
    warning = plain_http_warning(App(context={"app": "three-tier-web"})) or ""
    assert "web_domain (three-tier-web)" in warning and "service_domain" not in warning
