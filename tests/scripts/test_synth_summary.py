"""`make synth`: scripts/synth_summary.py runs the pinned `cdk synth` and summarizes each stack."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from tests.synthesis import ROOT, Synthesized


def _synth(stage: str, outdir: Path) -> subprocess.CompletedProcess[str]:
    """What `make synth STAGE=...` runs: the pinned `cdk synth`, then the summary."""
    return subprocess.run(
        [sys.executable, "scripts/synth_summary.py", "--stage", stage, "--output", str(outdir)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_make_synth_summary_lists_every_stack(tmp_path: Path, sandbox: Synthesized) -> None:
    result = _synth("sandbox", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    for stack in sandbox.stacks:
        assert re.search(rf"^{stack}\s+\d+\s+[\d.]+ KiB$", result.stdout, re.MULTILINE), result.stdout
    count = len(sandbox.stacks)
    assert count >= 10
    assert re.search(rf"^synthesized {count} stack\(s\) for stage sandbox in [\d.]+s", result.stdout, re.MULTILINE)
    assert "feature flags" not in result.stdout + result.stderr
    assert "end-of-life" not in result.stdout + result.stderr


def test_make_synth_rejects_an_unknown_stage(tmp_path: Path) -> None:
    result = _synth("staging", tmp_path / "out")
    assert result.returncode != 0
    assert "error: stage ('staging') is not a known stage; valid stages: production, sandbox" in result.stderr
    assert "Traceback" not in result.stderr
