"""``make synth``: run ``cdk synth`` through the pinned CLI and summarize each stack.

Prints one line per stack (name, resource count, template size) and the synth time.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stage", default="sandbox")
    parser.add_argument("--output", default="cdk.out")
    parser.add_argument("--alarm-email", default=None, help="the address alarms notify (context key alarm_email)")
    parser.add_argument("--app", default=None, help="one application (context key app); all without it")
    parser.add_argument("--context", action="append", default=[], metavar="KEY=VALUE", help="more context for synth")
    args = parser.parse_args()

    command = ["cdk", "synth", "--quiet", "--output", args.output, "-c", f"stage={args.stage}"]
    if args.alarm_email:
        command += ["-c", f"alarm_email={args.alarm_email}"]
    if args.app:
        command += ["-c", f"app={args.app}"]
    for pair in args.context:
        command += ["-c", pair]
    # The pinned CLI, and Node 22 for it and for jsii, whatever PATH the caller has.
    env = {**os.environ, "PATH": f"{ROOT / 'node_modules' / '.bin'}{os.pathsep}{os.environ.get('PATH', '')}"}
    started = time.monotonic()
    result = subprocess.run(command, cwd=ROOT, env=env, check=False)
    elapsed = time.monotonic() - started
    if result.returncode != 0:
        print(f"cdk synth failed (exit {result.returncode}); see above", file=sys.stderr)
        return result.returncode

    out = ROOT / args.output
    manifest = json.loads((out / "manifest.json").read_text())
    stacks = [
        (name, artifact["properties"]["templateFile"])
        for name, artifact in manifest["artifacts"].items()
        if artifact["type"] == "aws:cloudformation:stack"
    ]
    width = max([len("stack"), *(len(name) for name, _ in stacks)])
    print(f"{'stack':<{width}} {'resources':>9} {'template':>10}")
    for name, template_file in sorted(stacks):
        path = out / template_file
        resources = len(json.loads(path.read_text()).get("Resources", {}))
        print(f"{name:<{width}} {resources:>9} {path.stat().st_size / 1024:>8.1f} KiB")
    print(f"synthesized {len(stacks)} stack(s) for stage {args.stage} in {elapsed:.1f}s -> {args.output}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
