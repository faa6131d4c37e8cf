"""``make bench``: how long synth takes, and how long ``make test`` takes, in one run.

Each measurement is the wall time of the pinned ``cdk synth`` (``--quiet``, a fresh
output folder) the way ``make synth`` runs it: the floor is an app with one empty stack
(``scripts/empty_app.py``: Python, the jsii kernel and the CLI, nothing of ours), then
each application alone (``-c app=NAME``), then all of them. Each is the median of
``--runs`` runs. The ratios to the floor are checked against the targets: each
application within 2x, all of them within 4x. Each line also says where the app's own
time went inside Python (importing the CDK, which starts jsii; building the stacks;
synthesizing them with cdk-nag), from ``app.py``'s ``REFARCH_TIMINGS``; the rest is the
CLI's. Then ``make test`` once, against the 5-minute budget.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# The names only: importing the applications would start jsii in this process.
from stacks.application_names import APPLICATION_NAMES  # noqa: E402

#: Targets of the issue: one application within 2x the floor, all of them within 4x.
APP_TARGET, ALL_TARGET = 2.0, 4.0
#: The whole suite on 2 cores.
TEST_BUDGET_SECONDS = 300.0


@dataclass(frozen=True)
class Measurement:
    name: str
    seconds: float
    target: float | None = None
    phases: str = ""


#: The phases app.py reports, e.g. "timings: import 4.1s, build 2.0s, synth 3.2s".
_TIMINGS = re.compile(r"^timings: (.*)$", re.MULTILINE)
_last_phases: list[str] = []


def cdk_synth(context: list[str], app: str | None = None) -> float:
    """Seconds one ``cdk synth`` takes, into a throwaway folder."""
    env = {**os.environ, "PATH": f"{ROOT / 'node_modules' / '.bin'}{os.pathsep}{os.environ.get('PATH', '')}"}
    env["CDK_DISABLE_CLI_TELEMETRY"] = "true"
    env["REFARCH_TIMINGS"] = "1"
    with tempfile.TemporaryDirectory(prefix="bench-") as out:
        command = ["cdk", "synth", "--quiet", "--output", out, *context]
        if app:
            command += ["--app", app]
        started = time.monotonic()
        result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
        elapsed = time.monotonic() - started
    if result.returncode != 0:
        raise SystemExit(f"cdk synth {' '.join(context)} failed:\n{result.stderr[-3000:]}")
    _last_phases[:] = _TIMINGS.findall(result.stderr)
    return elapsed


def median_of(runs: int, measure: object, *args: object) -> float:
    return statistics.median(measure(*args) for _ in range(runs))  # type: ignore[operator]


def report(measurements: list[Measurement], floor: float) -> tuple[list[str], bool]:
    """Lines of the table, and whether every target holds."""
    lines = [f"{'synth':<28} {'seconds':>8} {'x floor':>8}  {'target':<14} inside app.py"]
    ok = True
    for item in measurements:
        ratio = item.seconds / floor
        verdict = ""
        if item.target is not None:
            met = ratio <= item.target
            ok = ok and met
            verdict = f"<= {item.target:g}x {'ok' if met else 'MISSED'}"
        lines.append(f"{item.name:<28} {item.seconds:>8.1f} {ratio:>8.2f}  {verdict:<14} {item.phases}")
    return lines, ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="synth runs per measurement; the median counts")
    parser.add_argument("--skip-tests", action="store_true", help="measure synth only, not make test")
    args = parser.parse_args()

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"date: {time.strftime('%Y-%m-%d %H:%M %Z')}; median of {args.runs} run(s) each\n", flush=True)
    floor = median_of(args.runs, cdk_synth, [], f"{sys.executable} scripts/empty_app.py")
    measurements = [Measurement("empty app (floor)", floor)]
    for name in APPLICATION_NAMES:
        seconds = median_of(args.runs, cdk_synth, ["-c", f"app={name}"])
        measurements.append(Measurement(name, seconds, APP_TARGET, "; ".join(_last_phases)))
    seconds = median_of(args.runs, cdk_synth, [])
    measurements.append(Measurement("all applications", seconds, ALL_TARGET, "; ".join(_last_phases)))
    lines, ok = report(measurements, floor)
    print("\n".join(lines), flush=True)

    if not args.skip_tests:
        started = time.monotonic()
        result = subprocess.run(["make", "test"], cwd=ROOT, capture_output=True, text=True, check=False)
        elapsed = time.monotonic() - started
        met = result.returncode == 0 and elapsed <= TEST_BUDGET_SECONDS
        ok = ok and met
        status = "passed" if result.returncode == 0 else f"FAILED (exit {result.returncode})"
        print(f"\nmake test: {elapsed:.0f} s, {status}; budget {TEST_BUDGET_SECONDS:.0f} s {'ok' if met else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
