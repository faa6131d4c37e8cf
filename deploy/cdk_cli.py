"""Run the pinned CDK CLI (``node_modules/.bin/cdk``) with a given environment."""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
from collections.abc import Mapping

from deploy.isolation import NODE_BIN, ROOT

CDK = NODE_BIN / "cdk"


class CdkError(RuntimeError):
    pass


def run_cdk(args: list[str], env: Mapping[str, str], timeout: float) -> None:
    """Run ``cdk ARGS`` in the project, its output on ours; fail on error or timeout."""
    if not CDK.exists():
        raise CdkError(f"{CDK} is missing: run `make setup` first")
    print(f"$ cdk {shlex.join(args)}", flush=True)
    # The CLI and jsii need the project's Node 22 first on PATH.
    env = {**env, "PATH": f"{NODE_BIN}{os.pathsep}{env.get('PATH', '')}"}
    process = subprocess.Popen([str(CDK), *args], cwd=ROOT, env=env)
    try:
        code = process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        _stop(process)
        raise CdkError(f"`cdk {args[0]}` did not finish within {timeout:.0f}s and was stopped") from None
    except BaseException:
        # Ctrl-C reaches the CLI too (same process group); make sure it is gone.
        _stop(process)
        raise
    if code != 0:
        raise CdkError(f"`cdk {args[0]}` failed (exit {code}); its output is above")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
