"""Shared fixtures: the app is synthesized once per stage per test session."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from functools import cache
from pathlib import Path

# jsii starts Node when aws_cdk is first imported: make that the project's Node 22,
# even when pytest is run directly rather than through `make test`.
from deploy.isolation import NODE_BIN  # standard library only: imports no CDK

os.environ["PATH"] = f"{NODE_BIN}{os.pathsep}{os.environ.get('PATH', '')}"

import pytest  # noqa: E402

from stacks.composition import build_app  # noqa: E402
from stacks.stages import STAGES  # noqa: E402
from tests.synthesis import Synthesized, synthesize  # noqa: E402

_WORKDIR = Path(tempfile.mkdtemp(prefix="cdk-tests-"))
atexit.register(shutil.rmtree, _WORKDIR, ignore_errors=True)


#: Production is synthesized with an alarm e-mail, as `make deploy` requires; the
#: sandbox without, as a first `make sandbox` runs.
ALARM_EMAIL = {"production": "alarms@example.com"}


@cache
def synthesized_app(stage: str) -> Synthesized:
    """The whole app for ``stage``, built and synthesized once per session."""
    context = {"stage": stage, **({"alarm_email": ALARM_EMAIL[stage]} if stage in ALARM_EMAIL else {})}
    return synthesize(_WORKDIR / f"app-{stage}", build_app, **context)


@cache
def synthesized_variants() -> Synthesized:
    """Test-only stacks that exercise each construct option, synthesized once."""
    from tests.cdk_refarch.static_site.variants import build_variants

    return synthesize(_WORKDIR / "variants", build_variants)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrize ``app_stack`` with (stage, stack id) for every stack of every stage."""
    if "app_stack" in metafunc.fixturenames:
        cases = [(stage, stack_id) for stage in STAGES for stack_id in synthesized_app(stage).stacks]
        metafunc.parametrize("app_stack", cases, ids=[f"{stage}-{stack_id}" for stage, stack_id in cases])


@pytest.fixture(scope="session")
def sandbox() -> Synthesized:
    return synthesized_app("sandbox")


@pytest.fixture(scope="session")
def production() -> Synthesized:
    return synthesized_app("production")


@pytest.fixture(scope="session")
def variants() -> Synthesized:
    return synthesized_variants()


#: The files that take longest (each tens of seconds of one worker: deploys through the
#: CDK CLI, cfn-lint of every stack, the wheel, the browser), longest first. The workers
#: take files in collection order (pytest.ini's --no-loadscope-reorder), so these start
#: at once, one per worker, and the short files fill in after them: measured, both
#: workers then end within a second of each other, where before one idled for 30 s.
LONGEST_FIRST = (
    "tests/deploy/test_sandbox.py",
    "tests/quality/test_gates.py",
    "tests/packaging/test_wheel.py",
    "tests/deploy/test_sandbox_stops.py",
    "tests/browser/test_web_app.py",
    "tests/scripts/test_synth_summary.py",
    "tests/test_app.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        path = item.nodeid.split("::", 1)[0]
        return LONGEST_FIRST.index(path) if path in LONGEST_FIRST else len(LONGEST_FIRST)

    items.sort(key=rank)  # stable: every other file keeps its order
