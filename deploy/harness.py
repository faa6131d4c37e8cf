"""``make sandbox`` and ``make sandbox-down``: deploy the app into the local emulator.

Generic over the app: the stacks come from the synthesized cloud assembly, the smoke
checks from ``deploy/smoke/<stack>.py``. A new stack needs no change here.

``sandbox_up`` synthesizes the app, starts the emulator, bootstraps every region the
stacks deploy to, deploys through the pinned CLI (``--method=direct``), takes each
stack's inventory, runs the smoke checks and prints the tables; the emulator keeps
running for inspection. Any failure or interruption stops it. ``sandbox_down``
destroys the stacks through the CLI, checks that nothing is left, and stops it.
Everything (pid, log, cloud assembly, report.json) lives in the state directory.
"""

from __future__ import annotations

import json
import shlex
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from deploy.assembly import StackArtifact, read_stacks, select
from deploy.cdk_cli import run_cdk
from deploy.inventory import StackInventory, take_inventory
from deploy.isolation import (
    SANDBOX_ACCESS_KEY_ID,
    SANDBOX_REGION,
    SANDBOX_SECRET_ACCESS_KEY,
    require_loopback,
)
from deploy.report import TARGET_PERCENT, overall_line, overall_percent, stack_table
from deploy.smoke import EMULATOR, SmokeContext, SmokeReport, run_checks
from emulator.process import Emulator

REPORT = "report.json"
ASSEMBLY = "cdk.out"
COMPLETE = ("CREATE_COMPLETE", "UPDATE_COMPLETE")


class SandboxFailure(RuntimeError):
    pass


@dataclass
class SandboxOptions:
    state_dir: Path
    stage: str = "sandbox"
    stacks: list[str] = field(default_factory=list)
    app: str | None = None
    timeout: float = 900.0
    alarm_email: str | None = None
    #: One reference application (context key ``app``); every one of them without it.
    application: str | None = None
    #: More context for synth, as KEY=VALUE (e.g. ``monthly_budget_usd=50``).
    context: tuple[str, ...] = ()


def emulator_client_factory(endpoint: str) -> Any:
    """boto3 clients for the emulator: its endpoint and the sandbox's dummy credentials."""
    require_loopback(endpoint)
    session = boto3.session.Session(
        aws_access_key_id=SANDBOX_ACCESS_KEY_ID,
        aws_secret_access_key=SANDBOX_SECRET_ACCESS_KEY,
        region_name=SANDBOX_REGION,
    )
    config = Config(retries={"max_attempts": 2, "mode": "standard"}, s3={"addressing_style": "path"})

    def client(service: str, region: str = SANDBOX_REGION) -> Any:
        return session.client(service, region_name=region, endpoint_url=endpoint, config=config)

    return client


def sandbox_up(options: SandboxOptions, env: Mapping[str, str], port: int, previous: Emulator | None = None) -> int:
    """Deploy into a fresh emulator on ``port``; 0 when every stack deployed and passed.

    ``previous``, the emulator of an earlier run, is stopped once the app synthesized and
    the stacks asked for exist, so that a typo in STACKS does not end a running sandbox.
    """
    state_dir = options.state_dir
    timings: dict[str, float] = {}
    started = time.monotonic()
    report: dict[str, Any] = {"stage": options.stage, "ok": False, "stacks": []}
    emulator: Emulator | None = None
    keep_running = False
    try:
        assembly = _synth(options, env, timings)
        stacks = select(read_stacks(assembly), options.stacks)

        if previous is not None:
            print(f"stopping the emulator of the previous run (pid {previous.pid}); each run starts from scratch")
            previous.stop()
        mark = time.monotonic()
        emulator = Emulator.start(state_dir, port=port)
        timings["emulator_start"] = time.monotonic() - mark
        report.update(endpoint=emulator.endpoint, pid=emulator.pid, assembly=str(assembly))
        print(f"emulator: {emulator.endpoint} (pid {emulator.pid}, log {emulator.log})", flush=True)
        client = emulator_client_factory(emulator.endpoint)

        account = client("sts").get_caller_identity()["Account"]
        # Every region of the app: the CLI also deploys what the selected stacks depend on.
        regions = sorted({stack.region_or(SANDBOX_REGION) for stack in read_stacks(assembly)})
        bootstrap = ["bootstrap", "--app", str(assembly), *[f"aws://{account}/{region}" for region in regions]]
        _timed(timings, "bootstrap", run_cdk, bootstrap, env, options.timeout)
        targets = [stack.id for stack in stacks] if options.stacks else ["--all"]
        deploy = ["deploy", "--app", str(assembly), "--method=direct", "--require-approval", "never", *targets]
        _timed(timings, "deploy", run_cdk, deploy, env, options.timeout)

        mark = time.monotonic()
        # The CLI also deploys the stacks the selected ones depend on: report all deployed.
        deployed = [stack for stack in read_stacks(assembly) if _exists(client, stack)]
        results = [_inventory_and_smoke(client, stack) for stack in deployed]
        timings["inventory_and_smoke"] = time.monotonic() - mark
        timings["total"] = time.monotonic() - started

        for inventory, smoke in results:
            print("\n" + stack_table(inventory, smoke, emulator=True))
        inventories = [inventory for inventory, _ in results]
        print("\n" + overall_line(inventories))
        report["stacks"] = [{**inventory.to_json(), "smoke": smoke.to_json()} for inventory, smoke in results]
        report["overall_percent"] = round(overall_percent(inventories), 1)
        report["timings"] = {key: round(value, 1) for key, value in timings.items()}
        problems = _problems(results)
        report["problems"] = problems
        report["ok"] = not problems
        if problems:
            raise SandboxFailure("; ".join(problems))
        _print_how_to_inspect(emulator, state_dir, timings)
        keep_running = True
        return 0
    except BaseException as error:
        report["error"] = f"{type(error).__name__}: {error}"
        raise
    finally:
        if emulator is not None:
            if not keep_running:
                emulator.stop()
                print(f"emulator stopped (pid {emulator.pid})", flush=True)
                report["stopped"] = True
            # Only a run that started an emulator replaces the report sandbox-down reads.
            (state_dir / REPORT).write_text(json.dumps(report, indent=2, default=str) + "\n")


def _synth(options: SandboxOptions, env: Mapping[str, str], timings: dict[str, float]) -> Path:
    assembly = options.state_dir / ASSEMBLY
    command = ["synth", "--quiet", "--output", str(assembly), "-c", f"stage={options.stage}"]
    if options.alarm_email:
        command += ["-c", f"alarm_email={options.alarm_email}"]
    if options.application:
        command += ["-c", f"app={options.application}"]
    for pair in options.context:
        command += ["-c", pair]
    if options.app:
        command += ["--app", options.app]
    _timed(timings, "synth", run_cdk, command, env, options.timeout)
    return assembly


def _timed(timings: dict[str, float], name: str, function: Any, *args: Any) -> Any:
    mark = time.monotonic()
    try:
        return function(*args)
    finally:
        timings[name] = time.monotonic() - mark


def _exists(client: Any, stack: StackArtifact) -> bool:
    try:
        client("cloudformation", stack.region_or(SANDBOX_REGION)).describe_stacks(StackName=stack.stack_name)
    except ClientError as error:
        if "does not exist" in str(error):
            return False
        raise
    return True


def _inventory_and_smoke(client: Any, stack: StackArtifact) -> tuple[StackInventory, SmokeReport]:
    region = stack.region_or(SANDBOX_REGION)
    inventory = take_inventory(client("cloudformation", region), stack)
    context = SmokeContext.for_stack(inventory, EMULATOR, region, client)
    return inventory, run_checks(context)


def _problems(results: list[tuple[StackInventory, SmokeReport]]) -> list[str]:
    problems = []
    for inventory, smoke in results:
        if inventory.status not in COMPLETE:
            problems.append(f"{inventory.stack.id} is {inventory.status}")
        failed = [result.name for result in smoke.results if result.outcome == "failed"]
        if failed:
            problems.append(f"{inventory.stack.id}: smoke checks failed: {', '.join(failed)}")
    return problems


def _print_how_to_inspect(emulator: Emulator, state_dir: Path, timings: dict[str, float]) -> None:
    env_file = state_dir / "env.sh"
    exports = {
        "AWS_ENDPOINT_URL": emulator.endpoint,
        "AWS_ACCESS_KEY_ID": SANDBOX_ACCESS_KEY_ID,
        "AWS_SECRET_ACCESS_KEY": SANDBOX_SECRET_ACCESS_KEY,
        "AWS_REGION": SANDBOX_REGION,
        "AWS_CONFIG_FILE": str((state_dir / "aws-config-empty").resolve()),
        "AWS_SHARED_CREDENTIALS_FILE": str((state_dir / "aws-config-empty").resolve()),
    }
    lines = [
        "# The sandbox emulator; `make deploy` refuses to run while AWS_ENDPOINT_URL points here.",
        "unset AWS_PROFILE AWS_SESSION_TOKEN AWS_DEFAULT_PROFILE",
    ]
    lines += [f"export {key}={shlex.quote(value)}" for key, value in exports.items()]
    env_file.write_text("\n".join(lines) + "\n")
    print(
        f"\nsandbox ready in {timings['total']:.0f}s; the emulator keeps running at {emulator.endpoint} "
        f"(pid {emulator.pid}, log {emulator.log}).\n"
        f"Inspect it with the AWS CLI or boto3 in a shell that has these variables (source {env_file}):\n"
        + "\n".join(f"  export {key}={shlex.quote(value)}" for key, value in exports.items())
        + "\n  e.g. aws s3 ls; python -c 'import boto3; print(boto3.client(\"cloudformation\").describe_stacks())'\n"
        "Destroy the stacks and stop it with: make sandbox-down",
        flush=True,
    )


def sandbox_down(state_dir: Path, env: Mapping[str, str], emulator: Emulator, timeout: float = 600.0) -> int:
    """Destroy what ``sandbox_up`` deployed, check it is gone, stop the emulator."""
    report_path = state_dir / REPORT
    report: dict[str, Any] = json.loads(report_path.read_text()) if report_path.exists() else {}
    destroy: dict[str, Any] = {}
    started = time.monotonic()
    try:
        assembly = Path(report.get("assembly") or state_dir / ASSEMBLY)
        deployed = [entry["stack_id"] for entry in report.get("stacks", [])]
        if not deployed:
            print("nothing recorded as deployed; stopping the emulator")
            return 0
        run_cdk(["destroy", "--app", str(assembly), "--force", *deployed], env, timeout)
        client = emulator_client_factory(emulator.endpoint)
        stacks = {stack.id: stack for stack in read_stacks(assembly)}
        destroy["stacks_remaining"] = [
            name for name in deployed if _exists(client, stacks[name]) and not _deleted(client, stacks[name])
        ]
        buckets, retained = [], []
        for entry in report["stacks"]:
            stack = stacks[entry["stack_id"]]
            for resource in entry["resources"]:
                if resource["type"] != "AWS::S3::Bucket" or not resource["physical_id"]:
                    continue
                found = (resource["physical_id"], stack.region_or(SANDBOX_REGION))
                # A bucket the template retains (the production stage) is meant to stay.
                policy = stack.template["Resources"][resource["logical_id"]].get("DeletionPolicy", "Delete")
                (retained if policy.startswith("Retain") else buckets).append(found)
        destroy["buckets_checked"] = [bucket for bucket, _ in buckets]
        destroy["buckets_retained"] = [bucket for bucket, _ in retained]
        destroy["buckets_remaining"] = [bucket for bucket, region in buckets if _bucket_exists(client, bucket, region)]
        destroy["ok"] = not destroy["stacks_remaining"] and not destroy["buckets_remaining"]
        if destroy["ok"]:
            emptied = f"{len(buckets)} bucket(s) emptied and deleted"
            kept = f"; {len(retained)} kept, as their DeletionPolicy says" if retained else ""
            print(f"\ndestroyed {len(deployed)} stack(s): {', '.join(deployed)}; {emptied}{kept}")
        else:
            remaining = f"stacks {destroy['stacks_remaining']}, buckets {destroy['buckets_remaining']}"
            print(f"\ndestroy left things behind: {remaining}")
        return 0 if destroy["ok"] else 1
    except BaseException as error:
        destroy["error"] = f"{type(error).__name__}: {error}"
        raise
    finally:
        emulator.stop()
        (state_dir / "env.sh").unlink(missing_ok=True)
        print(f"emulator stopped (pid {emulator.pid})", flush=True)
        destroy["seconds"] = round(time.monotonic() - started, 1)
        if report:
            report["destroy"] = destroy
            report_path.write_text(json.dumps(report, indent=2, default=str) + "\n")


def _deleted(client: Any, stack: StackArtifact) -> bool:
    described = client("cloudformation", stack.region_or(SANDBOX_REGION)).describe_stacks(StackName=stack.stack_name)
    return bool(described["Stacks"][0]["StackStatus"] == "DELETE_COMPLETE")


def _bucket_exists(client: Any, bucket: str, region: str) -> bool:
    try:
        client("s3", region).head_bucket(Bucket=bucket)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in ("404", "NoSuchBucket", "NotFound"):
            return False
        raise
    return True


__all__ = ["SandboxOptions", "SandboxFailure", "sandbox_up", "sandbox_down", "TARGET_PERCENT"]
