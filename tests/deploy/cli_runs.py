"""Running ``python -m deploy.cli`` as ``make`` does, for the sandbox tests: each run with
its own state directory (never the user's ``.sandbox/``), in its own session, under a
timeout that fails the test rather than hang it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from deploy.isolation import ROOT
from emulator.process import Emulator

UP_TIMEOUT = 600  # seconds; a cold run takes well under a minute on 2 cores
DOWN_TIMEOUT = 300
FAILING_APP = f"{sys.executable} tests/deploy/apps/failing_app.py"


@dataclass
class Run:
    returncode: int
    output: str
    seconds: float

    def tail(self, lines: int = 60) -> str:
        return "\n".join(self.output.splitlines()[-lines:])


def start_cli(args: list[str], log: Path) -> subprocess.Popen[bytes]:
    # Its own session, like a terminal's foreground job: a signal can reach the whole group.
    return subprocess.Popen(
        [sys.executable, "-m", "deploy.cli", *args],
        cwd=ROOT,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def finish(process: subprocess.Popen[bytes], log: Path, timeout: float, started: float) -> Run:
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        pytest.fail(f"`deploy.cli` did not finish within {timeout}s:\n{log.read_text()[-4000:]}")
    return Run(process.returncode, log.read_text(errors="replace"), time.monotonic() - started)


def run_cli(args: list[str], log: Path, timeout: float) -> Run:
    started = time.monotonic()
    return finish(start_cli(args, log), log, timeout, started)


def stop_leftover_emulator(state: Path) -> None:
    emulator = Emulator.find(state)
    if emulator is not None:
        emulator.stop()
