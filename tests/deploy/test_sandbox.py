"""``make sandbox`` end to end: every stack of the app through the pinned CDK CLI into the
emulator, smoke-checked, destroyed (``test_sandbox_stops.py``: the emulator stopped on
Ctrl-C and on failure, in a file of its own so that a second test worker runs it meanwhile).

Each test runs ``python -m deploy.cli`` as ``make`` does, with its own state directory
(never the user's ``.sandbox/``), under a timeout that fails the test rather than hang
it; the emulator is stopped in the fixtures' teardown whatever happens.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from deploy.assembly import read_stacks
from deploy.report import TARGET_PERCENT
from deploy.smoke import FAILED, SKIPPED, module_name
from emulator.process import Emulator, pid_is_alive, port_is_open
from stacks.application_names import APPLICATION_NAMES as APPLICATIONS
from tests.deploy.cli_runs import DOWN_TIMEOUT, UP_TIMEOUT, Run, run_cli, stop_leftover_emulator

pytestmark = pytest.mark.sandbox

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
