"""What the make targets run: ``python -m deploy.cli COMMAND [--stage S] [--stacks A B]``.

Commands: ``sandbox`` and ``sandbox-down`` (the local emulator, ``deploy.harness``);
``deploy``, ``destroy``, ``diff``, ``smoke`` (your AWS account, ``deploy.real_account``).

Exit status: 0 done; 1 a deploy, destroy or smoke check failed; 2 refused before
changing anything (a guard, a bad argument); 130 interrupted (the emulator is stopped).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path
from types import FrameType

from deploy.isolation import ROOT, EndpointError, sandbox_environment

DEFAULT_STATE_DIR = ROOT / ".sandbox"


class Interrupted(BaseException):
    """SIGTERM or SIGHUP, handled like Ctrl-C so that clean-up runs."""


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise Interrupted(signal.Signals(signum).name)


def _use_sandbox_environment(endpoint: str, state_dir: Path) -> dict[str, str]:
    # This process talks to the emulator too (inventory, smoke checks): give it the same
    # clean environment, so that no profile or token of the caller reaches boto3.
    env = sandbox_environment(endpoint, state_dir)
    os.environ.clear()
    os.environ.update(env)
    return env


def _sandbox(args: argparse.Namespace) -> int:
    from deploy.harness import SandboxOptions, sandbox_up
    from emulator.process import Emulator, endpoint_for, free_port

    state_dir = args.state_dir.resolve()
    state_dir.mkdir(parents=True, exist_ok=True)
    previous = Emulator.find(state_dir)
    port = free_port()
    env = _use_sandbox_environment(endpoint_for(port), state_dir)
    options = SandboxOptions(
        state_dir=state_dir,
        stage=args.stage,
        stacks=args.stacks,
        app=args.app,
        timeout=args.timeout,
        alarm_email=args.alarm_email,
        application=args.application,
        context=tuple(args.context),
    )
    return sandbox_up(options, env, port, previous)


def _sandbox_down(args: argparse.Namespace) -> int:
    from deploy.harness import sandbox_down
    from emulator.process import Emulator

    state_dir = args.state_dir.resolve()
    emulator = Emulator.find(state_dir)
    if emulator is None:
        print(f"no sandbox emulator is running (state in {state_dir}); nothing to destroy")
        return 0
    env = _use_sandbox_environment(emulator.endpoint, state_dir)
    return sandbox_down(state_dir, env, emulator, timeout=args.timeout)


def _real(args: argparse.Namespace) -> int:
    from deploy import real_account

    selection = real_account.Selection(application=args.application, context=args.context)
    if args.command == "deploy":
        return real_account.deploy(
            args.stage, args.stacks, args.confirm, alarm_email=args.alarm_email, selection=selection
        )
    if args.command == "destroy":
        return real_account.destroy(args.stage, args.stacks, args.confirm, selection=selection)
    if args.command == "diff":
        return real_account.diff(args.stage, args.stacks, alarm_email=args.alarm_email, selection=selection)
    return real_account.smoke(args.stage, args.stacks, selection=selection)


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m deploy.cli", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("command", choices=["sandbox", "sandbox-down", "deploy", "destroy", "diff", "smoke"])
    parser.add_argument("--stage", default="sandbox")
    parser.add_argument("--stacks", nargs="*", default=[], help="stack ids (default: all stacks of the app)")
    parser.add_argument("--confirm", default=None, help="must be 'production' to change the production stage")
    parser.add_argument("--alarm-email", default=None, help="the address alarms notify (context key alarm_email)")
    parser.add_argument("--state-dir", type=Path, default=DEFAULT_STATE_DIR, help="sandbox state (default .sandbox)")
    parser.add_argument("--app", default=None, help="sandbox only: another CDK app command (tests use this)")
    parser.add_argument("--application", default=None, help="one reference application (context key app)")
    parser.add_argument(
        "--context",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="more synth context, e.g. monthly_budget_usd=50",
    )
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds each CDK CLI command may take")
    args = parser.parse_args(argv)
    # `make ... STACKS="A B"` passes one word with spaces.
    args.stacks = [name for value in args.stacks for name in value.split()]
    for pair in args.context:
        if "=" not in pair or not pair.split("=", 1)[0]:
            parser.error(f"--context {pair!r} must be KEY=VALUE")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _interrupt)
    from deploy.cdk_cli import CdkError
    from deploy.harness import SandboxFailure
    from deploy.real_account import Refusal
    from emulator.process import EmulatorError

    try:
        if args.command in ("sandbox", "sandbox-down"):
            return _sandbox(args) if args.command == "sandbox" else _sandbox_down(args)
        return _real(args)
    except (Refusal, EndpointError, ValueError, FileNotFoundError) as error:
        print(f"\nrefused: {error}", file=sys.stderr)
        return 2
    except (CdkError, EmulatorError, SandboxFailure) as error:
        print(f"\nfailed: {error}", file=sys.stderr)
        return 1
    except (KeyboardInterrupt, Interrupted):
        print("\ninterrupted; the emulator (if any) is stopped", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
