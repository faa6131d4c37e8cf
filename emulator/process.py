"""The emulator process: start it on a free loopback port, find it again, stop it.

The server runs in its own session, so that it outlives ``make sandbox`` for the user
to inspect, and a Ctrl-C in the terminal reaches the harness, which stops it, rather
than killing it halfway through a request. Its pid, port and log live in the state
directory (``.sandbox/`` for ``make sandbox``).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path

from deploy.isolation import ROOT, emulator_process_environment, require_loopback

STATE_FILE = "emulator.json"
LOG_FILE = "emulator.log"
SERVER_MODULE = "emulator.server"


class EmulatorError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def endpoint_for(port: int) -> str:
    # "localhost", not 127.0.0.1: moto recognises S3 template URLs by that host name.
    return f"http://localhost:{port}"


def port_is_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def pid_is_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie (exited, not yet reaped by its parent) no longer serves anything.
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except OSError:
        return True


@dataclass
class Emulator:
    pid: int
    port: int
    state_dir: Path

    @property
    def endpoint(self) -> str:
        return endpoint_for(self.port)

    @property
    def log(self) -> Path:
        return self.state_dir / LOG_FILE

    @classmethod
    def start(cls, state_dir: Path, port: int | None = None, timeout: float = 30.0) -> Emulator:
        """Start ``python -m emulator.server`` and wait until it answers."""
        state_dir.mkdir(parents=True, exist_ok=True)
        port = port or free_port()
        require_loopback(endpoint_for(port))
        log = (state_dir / LOG_FILE).open("wb")  # one run, one log
        process = subprocess.Popen(
            [sys.executable, "-m", SERVER_MODULE, "--port", str(port)],
            cwd=ROOT,
            env={**emulator_process_environment(), "PYTHONPATH": str(ROOT)},
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        emulator = cls(pid=process.pid, port=port, state_dir=state_dir)
        emulator._save()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                emulator._forget()
                raise EmulatorError(f"the emulator exited at start (exit {process.returncode}):\n{emulator.log_tail()}")
            if emulator.answers():
                return emulator
            time.sleep(0.2)
        emulator.stop()
        raise EmulatorError(
            f"the emulator did not answer on {emulator.endpoint} within {timeout:.0f}s:\n{emulator.log_tail()}"
        )

    @classmethod
    def find(cls, state_dir: Path) -> Emulator | None:
        """The emulator a previous run left running in ``state_dir``, if it still runs."""
        path = state_dir / STATE_FILE
        if not path.exists():
            return None
        data = json.loads(path.read_text())
        emulator = cls(pid=int(data["pid"]), port=int(data["port"]), state_dir=state_dir)
        if not emulator.is_ours():
            emulator._forget()
            return None
        return emulator

    def is_ours(self) -> bool:
        """Whether the recorded pid is still our server (pids get reused)."""
        if not pid_is_alive(self.pid):
            return False
        try:
            command = Path(f"/proc/{self.pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            return True  # no /proc: trust the pid file
        return SERVER_MODULE.encode() in command and str(self.port).encode() in command

    def answers(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.endpoint}/moto-api/", timeout=2) as response:
                return bool(response.status == 200)
        except (urllib.error.URLError, OSError):
            return False

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the server (SIGTERM, then SIGKILL) and forget it."""
        if self.is_ours():
            os.kill(self.pid, signal.SIGTERM)
            deadline = time.monotonic() + timeout
            while pid_is_alive(self.pid) and time.monotonic() < deadline:
                time.sleep(0.1)
            if pid_is_alive(self.pid):
                os.kill(self.pid, signal.SIGKILL)
        self._forget()

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def _save(self) -> None:
        data = {**asdict(self), "state_dir": str(self.state_dir), "endpoint": self.endpoint}
        (self.state_dir / STATE_FILE).write_text(json.dumps(data, indent=2) + "\n")

    def _forget(self) -> None:
        (self.state_dir / STATE_FILE).unlink(missing_ok=True)
