"""`make synth`: scripts/synth_summary.py runs the pinned `cdk synth` and summarizes each stack."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from tests.synthesis import ROOT, Synthesized


def _synth(stage: str, outdir: Path, *options: str) -> subprocess.CompletedProcess[str]:
    """What `make synth STAGE=... [APP=...]` runs: the pinned `cdk synth`, then the summary."""
    return subprocess.run(
        [sys.executable, "scripts/synth_summary.py", "--stage", stage, "--output", str(outdir), *options],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_make_synth_summary_lists_every_stack_of_the_application(tmp_path: Path, sandbox: Synthesized) -> None:
    # One application (make synth APP=...) keeps this test's own synth short; the whole
    # app's stacks are synthesized once per session for every other test.
    result = _synth("sandbox", tmp_path / "out", "--app", "event-driven-pipeline")
    assert result.returncode == 0, result.stderr
    expected = ["Account", *(stack for stack in sandbox.stacks if stack.startswith("EventDrivenPipeline-"))]
    for stack in expected:
        assert re.search(rf"^{stack}\s+\d+\s+[\d.]+ KiB$", result.stdout, re.MULTILINE), result.stdout
    assert len(expected) >= 4
    pattern = rf"^synthesized {len(expected)} stack\(s\) for stage sandbox in [\d.]+s"
    assert re.search(pattern, result.stdout, re.MULTILINE), result.stdout
    assert "feature flags" not in result.stdout + result.stderr
    assert "end-of-life" not in result.stdout + result.stderr


def test_make_synth_rejects_an_unknown_stage(tmp_path: Path) -> None:
    result = _synth("staging", tmp_path / "out")
    assert result.returncode != 0
    assert "error: stage ('staging') is not a known stage; valid stages: production, sandbox" in result.stderr
    assert "Traceback" not in result.stderr
