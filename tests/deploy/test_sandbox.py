"""``make sandbox`` end to end: every stack of the app through the pinned CDK CLI into the
emulator, smoke-checked, destroyed; and the emulator stopped on Ctrl-C and on failure.

Each test runs ``python -m deploy.cli`` as ``make`` does, with its own state directory
(never the user's ``.sandbox/``), under a timeout that fails the test rather than hang
it; the emulator is stopped in the fixtures' teardown whatever happens.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from deploy.assembly import read_stacks
from deploy.isolation import ROOT
from deploy.report import TARGET_PERCENT
from deploy.smoke import FAILED, SKIPPED, module_name
from emulator.process import Emulator, pid_is_alive, port_is_open
from stacks.application_names import APPLICATION_NAMES as APPLICATIONS

pytestmark = pytest.mark.sandbox

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


ALARM_EMAIL = "alarms@example.com"


@dataclass
class Sandbox:
    state: Path
    up: Run
    report: dict[str, Any]


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    state = tmp_path_factory.mktemp("sandbox")
    try:
        # With an alarm e-mail, as production requires, so its subscription deploys too.
        args = ["sandbox", "--state-dir", str(state), "--alarm-email", ALARM_EMAIL]
        up = run_cli(args, state / "up.log", UP_TIMEOUT)
        report_path = state / "report.json"
        report = json.loads(report_path.read_text()) if report_path.exists() else {}
        print(f"\nmake sandbox took {up.seconds:.1f}s; timings {report.get('timings')}")
        yield Sandbox(state, up, report)
    finally:
        stop_leftover_emulator(state)


def test_every_stack_of_the_app_deploys(sandbox: Sandbox) -> None:
    assert sandbox.up.returncode == 0, sandbox.up.tail()
    app_stacks = [stack.id for stack in read_stacks(sandbox.state / "cdk.out")]
    deployed = {entry["stack_id"]: entry["status"] for entry in sandbox.report["stacks"]}
    assert sorted(deployed) == sorted(app_stacks)
    assert set(deployed.values()) == {"CREATE_COMPLETE"}, deployed


def test_the_emulator_creates_at_least_the_target_share_of_resources(sandbox: Sandbox) -> None:
    assert sandbox.report["overall_percent"] >= TARGET_PERCENT, sandbox.up.tail()
    for entry in sandbox.report["stacks"]:
        assert entry["not_created"] == 0, f"{entry['stack_id']}: {entry['resources']}"
        # Whatever the emulator skips or emulates comes with its reason.
        assert all(row["reason"] for row in entry["skipped_types"] + entry["emulated_types"]), entry
    assert f"{sandbox.report['overall_percent']:.1f}%" in sandbox.up.output


def test_smoke_checks_pass_and_skip_only_with_a_reason(sandbox: Sandbox) -> None:
    for entry in sandbox.report["stacks"]:
        results = entry["smoke"]["results"]
        failed = [f"{r['name']}: {r['detail']}" for r in results if r["outcome"] == FAILED]
        assert failed == [], f"{entry['stack_id']}: {failed}"
        assert all(r["detail"] for r in results if r["outcome"] == SKIPPED)


def test_every_pattern_ships_smoke_checks(sandbox: Sandbox) -> None:
    missing = {
        entry["stack_id"]: [f"deploy/smoke/{module_name(pattern)}.py" for pattern in entry["smoke"]["missing"]]
        for entry in sandbox.report["stacks"]
        if entry["smoke"]["missing"] or not entry["smoke"]["modules"]
    }
    assert missing == {}, f"patterns without smoke checks: {missing}"


def test_smoke_checks_are_found_by_the_pattern_tag(sandbox: Sandbox) -> None:
    found = {entry["stack_id"]: entry["smoke"]["modules"] for entry in sandbox.report["stacks"]}
    assert found == {
        "Account": ["deploy.smoke.account_baseline"],
        "StaticWebsite-Sandbox-Site": ["deploy.smoke.static_site"],
        "StaticWebsite-Sandbox-Monitoring": ["deploy.smoke.application_dashboard"],
        "ServerlessWebApp-Sandbox-Alarms": ["deploy.smoke.alarm_topic"],
        "ServerlessWebApp-Sandbox-Data": ["deploy.smoke.dynamo_table"],
        "ServerlessWebApp-Sandbox-Api": ["deploy.smoke.serverless_api"],
        "ServerlessWebApp-Sandbox-Site": ["deploy.smoke.static_site"],
        "ServerlessWebApp-Sandbox-Monitoring": ["deploy.smoke.application_dashboard"],
        "ThreeTierWeb-Sandbox-Alarms": ["deploy.smoke.alarm_topic"],
        "ThreeTierWeb-Sandbox-Network": ["deploy.smoke.network"],
        "ThreeTierWeb-Sandbox-Data": ["deploy.smoke.cache", "deploy.smoke.database"],
        "ThreeTierWeb-Sandbox-Web": ["deploy.smoke.web_tier"],
        "ThreeTierWeb-Sandbox-Monitoring": ["deploy.smoke.application_dashboard"],
        "ContainerMicroservice-Sandbox-Alarms": ["deploy.smoke.alarm_topic"],
        "ContainerMicroservice-Sandbox-Network": ["deploy.smoke.network"],
        "ContainerMicroservice-Sandbox-Data": ["deploy.smoke.cache", "deploy.smoke.database"],
        "ContainerMicroservice-Sandbox-Events": ["deploy.smoke.dynamo_table", "deploy.smoke.fan_out"],
        "ContainerMicroservice-Sandbox-Service": ["deploy.smoke.container_service"],
        "ContainerMicroservice-Sandbox-Worker": ["deploy.smoke.event_consumers"],
        "ContainerMicroservice-Sandbox-Monitoring": ["deploy.smoke.application_dashboard"],
        "EventDrivenPipeline-Sandbox-Alarms": ["deploy.smoke.alarm_topic"],
        "EventDrivenPipeline-Sandbox-Events": ["deploy.smoke.dynamo_table", "deploy.smoke.fan_out"],
        "EventDrivenPipeline-Sandbox-Pipeline": ["deploy.smoke.dynamo_table", "deploy.smoke.upload_pipeline"],
        "EventDrivenPipeline-Sandbox-Consumers": ["deploy.smoke.event_consumers"],
        "EventDrivenPipeline-Sandbox-Monitoring": ["deploy.smoke.application_dashboard"],
    }


def test_the_site_is_deployed_by_the_emulated_bucket_deployment(sandbox: Sandbox) -> None:
    [site] = [entry for entry in sandbox.report["stacks"] if entry["stack_id"] == "StaticWebsite-Sandbox-Site"]
    outcomes = {r["name"]: r["outcome"] for r in site["smoke"]["results"]}
    assert outcomes["static-site: check_site_files_are_deployed"] == "passed"
    assert outcomes["static-site: check_distribution_reads_the_bucket_through_its_oac"] == "passed"


def test_the_dashboards_deploy_and_pass_their_checks(sandbox: Sandbox) -> None:
    monitoring = [entry for entry in sandbox.report["stacks"] if entry["stack_id"].endswith("-Monitoring")]
    assert len(monitoring) == len(APPLICATIONS)  # one dashboard per application
    for entry in monitoring:
        outcomes = {r["name"]: r["outcome"] for r in entry["smoke"]["results"]}
        assert len(outcomes) == 4 and set(outcomes.values()) == {"passed"}, (entry["stack_id"], outcomes)


def test_the_emulator_keeps_running_for_inspection(sandbox: Sandbox) -> None:
    emulator = Emulator.find(sandbox.state)
    assert emulator is not None and emulator.answers()
    assert "export AWS_ENDPOINT_URL=http://localhost:" in sandbox.up.output
    assert (sandbox.state / "env.sh").read_text().count("export ") == 6


def test_sandbox_down_destroys_every_stack_and_empties_the_buckets(sandbox: Sandbox) -> None:
    emulator = Emulator.find(sandbox.state)
    assert emulator is not None
    down = run_cli(["sandbox-down", "--state-dir", str(sandbox.state)], sandbox.state / "down.log", DOWN_TIMEOUT)
    assert down.returncode == 0, down.tail()
    destroy = json.loads((sandbox.state / "report.json").read_text())["destroy"]
    assert destroy["ok"] and destroy["stacks_remaining"] == [] and destroy["buckets_remaining"] == []
    assert len(destroy["buckets_checked"]) >= 2  # the site's content and log buckets
    assert not pid_is_alive(emulator.pid) and not port_is_open(emulator.port)


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
