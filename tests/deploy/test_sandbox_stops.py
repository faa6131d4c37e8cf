"""``make sandbox`` stopped: on Ctrl-C during the deploy, and on a failed deploy, the
emulator is stopped and the CLI says why (``cli_runs`` runs the CLI as ``make`` does)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from emulator.process import Emulator, pid_is_alive, port_is_open
from tests.deploy.cli_runs import FAILING_APP, UP_TIMEOUT, finish, run_cli, start_cli, stop_leftover_emulator

pytestmark = pytest.mark.sandbox


def wait_for_bootstrap(cli: subprocess.Popen[bytes], state: Path, timeout: float = 120) -> None:
    """Wait until the emulator runs and the CLI is inside `cdk bootstrap`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and cli.poll() is None:
        emulator = Emulator.find(state)
        if emulator is not None and any(b"bootstrap" in command for command in descendants(cli.pid)):
            return
        time.sleep(0.05)
    pytest.fail(f"the CLI never reached `cdk bootstrap` (exit {cli.poll()})")


def descendants(pid: int) -> list[bytes]:
    """Command lines of the processes below ``pid`` (Linux /proc)."""
    parents: dict[int, int] = {}
    commands: dict[int, bytes] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                commands[int(entry.name)] = (entry / "cmdline").read_bytes()
            except (OSError, IndexError, ValueError):
                continue
    found, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        for child, its_parent in parents.items():
            if its_parent == parent:
                found.append(commands.get(child, b""))
                frontier.append(child)
    return found


def test_ctrl_c_during_the_deploy_stops_the_emulator(tmp_path: Path) -> None:
    log = tmp_path / "up.log"
    started = time.monotonic()
    cli = start_cli(["sandbox", "--state-dir", str(tmp_path), "--app", FAILING_APP], log)
    try:
        wait_for_bootstrap(cli, tmp_path)
        emulator = Emulator.find(tmp_path)
        assert emulator is not None
        os.killpg(cli.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
        run = finish(cli, log, 120, started)
        assert run.returncode == 130, run.tail()
        assert "interrupted; the emulator (if any) is stopped" in run.output
        assert not pid_is_alive(emulator.pid) and not port_is_open(emulator.port)
        assert Emulator.find(tmp_path) is None
    finally:
        if cli.poll() is None:
            os.killpg(cli.pid, signal.SIGKILL)
        stop_leftover_emulator(tmp_path)


def test_a_failed_deploy_stops_the_emulator_and_says_why(tmp_path: Path) -> None:
    try:
        run = run_cli(["sandbox", "--state-dir", str(tmp_path), "--app", FAILING_APP], tmp_path / "up.log", UP_TIMEOUT)
        assert run.returncode == 1, run.tail()
        assert "CREATE_FAILED" in run.output and "bucket does not exist" in run.output
        report = json.loads((tmp_path / "report.json").read_text())
        assert report["ok"] is False and report["stopped"] is True and "CdkError" in report["error"]
        assert not pid_is_alive(report["pid"]) and Emulator.find(tmp_path) is None
    finally:
        stop_leftover_emulator(tmp_path)
