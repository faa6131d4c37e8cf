"""The real server as its own process, on a loopback port, with the stub metadata service.

It starts as the systemd unit starts it (the unit's interpreter flags, the script from
runtime/web), with ``--host 127.0.0.1 --port 0``, and says which port it got in its
first log line. Then: requests over HTTP, SIGTERM, a clean exit. With a database: the
real test cluster, the stub Secrets Manager, and a copy of runtime/web whose CA bundle
is the test cluster's authority (the only file that differs from the release).
"""

from __future__ import annotations

import json
import os
import queue
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import pytest

from tests.runtime.web.conftest import CONTRACT, IDENTITY, LOOPBACK, TIMEOUT, WEB_DIR, StubImds, fetch
from tests.runtime.web.pg_cluster import APP_USER, Cluster
from tests.runtime.web.stub_secrets_manager import StubSecretsManager
from tests.runtime.web.test_postgres import _closed_port

UNIT_FILE = WEB_DIR / CONTRACT.UNIT_NAME


def unit_exec_start() -> list[str]:
    """The unit's ExecStart, as words."""
    for line in UNIT_FILE.read_text(encoding="utf-8").splitlines():
        if line.startswith("ExecStart="):
            return shlex.split(line.removeprefix("ExecStart="))
    raise AssertionError(f"{UNIT_FILE} has no ExecStart")


def server_command(*, as_module: bool = False, folder: Path = WEB_DIR) -> list[str]:
    """The unit's command with this interpreter and the script in ``folder``, on a free loopback port."""
    python, *flags, script = unit_exec_start()
    assert (python, script) == (CONTRACT.PYTHON, f"{CONTRACT.INSTALL_DIR}/{CONTRACT.ENTRY_POINT}")
    target = ["-m", Path(CONTRACT.ENTRY_POINT).stem] if as_module else [str(folder / CONTRACT.ENTRY_POINT)]
    return [sys.executable, *flags, *target, "--host", LOOPBACK, "--port", "0"]


@dataclass
class ServerProcess:
    process: subprocess.Popen[str]
    lines: queue.Queue[dict[str, Any]] = field(default_factory=queue.Queue)
    port: int = 0

    def next_line(self, event: str | None = None) -> dict[str, Any]:
        """The next log line (of ``event``, skipping others), within the timeout."""
        deadline = time.monotonic() + TIMEOUT
        while True:
            line = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
            if event is None or line["event"] == event:
                return line

    def stop(self, signum: int = signal.SIGTERM) -> int:
        self.process.send_signal(signum)
        return self.process.wait(timeout=TIMEOUT)


def _read_lines(stream: IO[str], lines: queue.Queue[dict[str, Any]]) -> None:
    for raw in stream:
        lines.put(json.loads(raw))  # every line on stdout is JSON, or the test fails here


def start_process(
    imds: StubImds,
    *,
    as_module: bool = False,
    folder: Path = WEB_DIR,
    environment: Mapping[str, str] | None = None,
) -> ServerProcess:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        CONTRACT.ENV_STAGE: "sandbox",
        CONTRACT.ENV_APP_NAME: "web-tier",
        CONTRACT.ENV_IMDS_ENDPOINT: imds.endpoint,
        **(environment or {}),
    }
    process = subprocess.Popen(
        server_command(as_module=as_module, folder=folder),
        cwd=WEB_DIR if as_module else None,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    server = ServerProcess(process)
    assert process.stdout is not None
    threading.Thread(target=_read_lines, args=(process.stdout, server.lines), daemon=True).start()
    try:
        listening = server.next_line("listening")
    except queue.Empty:
        process.kill()
        _, stderr = process.communicate(timeout=TIMEOUT)
        raise AssertionError(f"the server did not start: {stderr}") from None
    assert listening["host"] == LOOPBACK
    server.port = listening["port"]
    return server


@pytest.fixture
def server_process(imds: StubImds) -> Iterator[ServerProcess]:
    server = start_process(imds)
    yield server
    if server.process.poll() is None:
        server.process.kill()
        server.process.wait(timeout=TIMEOUT)
    for stream in (server.process.stdout, server.process.stderr):
        if stream is not None:
            stream.close()


def test_the_real_server_serves_health_page_head_and_404_then_stops_on_sigterm(
    server_process: ServerProcess, imds: StubImds
) -> None:
    health = fetch(server_process.port, "GET", CONTRACT.HEALTH_PATH)
    page = fetch(server_process.port, "GET", CONTRACT.PAGE_PATH)
    head = fetch(server_process.port, "HEAD", CONTRACT.PAGE_PATH)
    missing = fetch(server_process.port, "GET", "/missing")

    assert health.status == 200
    assert health.json()["availability_zone"] == IDENTITY["availabilityZone"]
    assert health.json()["instance_id"] == IDENTITY["instanceId"]
    assert page.status == 200
    assert f"Availability Zone {IDENTITY['availabilityZone']}" in page.text
    assert (head.status, head.body, head.headers["Content-Length"]) == (200, b"", str(len(page.body)))
    assert missing.status == 404
    assert missing.json() == {"error": "Not Found", "status": 404}
    assert imds.violations == []

    # Each answer is logged after it is sent, from its connection's thread: in any order.
    logged = [server_process.next_line("request") for _ in range(4)]
    assert sorted((line["method"], line["path"], line["status"]) for line in logged) == [
        ("GET", CONTRACT.PAGE_PATH, 200),
        ("GET", CONTRACT.HEALTH_PATH, 200),
        ("GET", "/missing", 404),
        ("HEAD", CONTRACT.PAGE_PATH, 200),
    ]

    started = time.monotonic()
    assert server_process.stop() == 0
    assert time.monotonic() - started < 3
    assert server_process.next_line("stopping")["signal"] == "SIGTERM"
    assert server_process.next_line("stopped")["drained"] is True
    assert server_process.process.stderr is not None
    assert server_process.process.stderr.read() == ""


def test_sigterm_lets_the_request_in_flight_finish(server_process: ServerProcess, imds: StubImds) -> None:
    imds.hold = True  # the health check waits inside the server, on the metadata service
    replies: list[Any] = []
    client = threading.Thread(target=lambda: replies.append(fetch(server_process.port, "GET", CONTRACT.HEALTH_PATH)))
    client.start()
    assert imds.got.wait(TIMEOUT)  # the request is in flight

    server_process.process.send_signal(signal.SIGTERM)
    assert server_process.next_line("stopping")["signal"] == "SIGTERM"
    imds.release.set()
    client.join(TIMEOUT)

    (reply,) = replies
    assert reply.status == 200
    assert reply.json()["availability_zone"] == IDENTITY["availabilityZone"]
    assert reply.headers["Connection"] == "close"
    assert server_process.process.wait(timeout=TIMEOUT) == 0
    assert server_process.next_line("request")["status"] == 200
    assert server_process.next_line("stopped")["drained"] is True


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_after_a_stop_signal_new_connections_are_refused(server_process: ServerProcess, signum: int) -> None:
    # Right after the "listening" line: a stop at any moment must not hang.
    assert server_process.stop(signum) == 0
    assert server_process.next_line("stopping")["signal"] == signal.Signals(signum).name

    with pytest.raises(ConnectionRefusedError):
        fetch(server_process.port, "GET", CONTRACT.HEALTH_PATH)


def test_it_also_runs_as_python_m_server(imds: StubImds) -> None:
    server = start_process(imds, as_module=True)
    try:
        assert fetch(server.port, "GET", CONTRACT.HEALTH_PATH).json()["region"] == IDENTITY["region"]
        assert server.stop() == 0
    finally:
        if server.process.poll() is None:
            server.process.kill()
        server.process.communicate(timeout=TIMEOUT)


def test_a_port_in_use_is_a_clear_failure(server_process: ServerProcess) -> None:
    command = [*server_command()[:-1], str(server_process.port)]

    result = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT * 2, check=False)

    assert result.returncode == 1
    (line,) = [json.loads(raw) for raw in result.stdout.splitlines()]
    assert line["event"] == "startup_failed"
    assert "Address already in use" in line["error"]


def test_a_bad_metadata_endpoint_is_a_clear_failure() -> None:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), CONTRACT.ENV_IMDS_ENDPOINT: "ftp://169.254.169.254"}

    result = subprocess.run(server_command(), env=env, capture_output=True, text=True, timeout=TIMEOUT * 2, check=False)

    assert result.returncode == 1
    (line,) = [json.loads(raw) for raw in result.stdout.splitlines()]
    assert line["event"] == "startup_failed"
    assert "the metadata endpoint must be an http(s) URL" in line["error"]


# ------------------------------------------------------------------------- the database


@pytest.fixture
def release_with_test_ca(tmp_path: Path, pg: Cluster) -> Path:
    """runtime/web's files, the CA bundle replaced by the test cluster's authority."""
    folder = tmp_path / "release"
    folder.mkdir()
    for name in CONTRACT.APP_FILES:
        shutil.copy(WEB_DIR / name, folder / name)
    shutil.copy(pg.ca_file, folder / CONTRACT.CA_BUNDLE)
    return folder


def _stop_and_read_stderr(server: ServerProcess) -> str:
    assert server.stop() == 0
    assert server.next_line("stopped")["drained"] is True
    assert server.process.stderr is not None
    return server.process.stderr.read()


def test_the_real_server_records_visits_in_the_real_database(
    imds: StubImds,
    db_env: dict[str, str],
    pg: Cluster,
    secrets_manager: StubSecretsManager,
    release_with_test_ca: Path,
    fresh_table: None,
) -> None:
    server = start_process(imds, folder=release_with_test_ca, environment=db_env)
    try:
        assert fetch(server.port, "GET", CONTRACT.HEALTH_PATH).status == 200
        first = fetch(server.port, "GET", CONTRACT.PAGE_PATH)
        second = fetch(server.port, "GET", CONTRACT.PAGE_PATH)
        api = fetch(server.port, "GET", CONTRACT.VISITS_API_PATH)

        assert (first.status, second.status, api.status) == (200, 200, 200)
        assert "2 visits recorded in the shared database" in second.text
        assert api.json()["total"] == 2
        assert {visit["instance_id"] for visit in api.json()["recent"]} == {IDENTITY["instanceId"]}
        assert secrets_manager.reads() == 1 and secrets_manager.violations == []
        assert _stop_and_read_stderr(server) == ""
        # No session of the app is left on the server (test_postgres checks the Terminate itself).
        assert pg.sessions(APP_USER, settle=TIMEOUT) == 0
    finally:
        if server.process.poll() is None:
            server.process.kill()
        server.process.communicate(timeout=TIMEOUT)


def test_it_starts_and_passes_its_health_check_while_the_database_is_unreachable(
    imds: StubImds, db_env: dict[str, str], release_with_test_ca: Path
) -> None:
    environment = {**db_env, CONTRACT.ENV_DB_PORT: str(_closed_port())}
    server = start_process(imds, folder=release_with_test_ca, environment=environment)
    try:
        health = fetch(server.port, "GET", CONTRACT.HEALTH_PATH)
        page = fetch(server.port, "GET", CONTRACT.PAGE_PATH)

        assert health.status == 200
        assert page.status == 503
        assert "The database is unavailable: the connection to the database failed." in page.text
        unavailable = server.next_line("database_unavailable")
        assert (unavailable["level"], unavailable["path"]) == ("warning", CONTRACT.PAGE_PATH)
        assert "Connection refused" in unavailable["error"] or "ConnectionRefusedError" in unavailable["error"]
        assert _stop_and_read_stderr(server) == ""
    finally:
        if server.process.poll() is None:
            server.process.kill()
        server.process.communicate(timeout=TIMEOUT)


def test_some_database_settings_without_the_others_are_a_clear_failure(db_env: dict[str, str]) -> None:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), CONTRACT.ENV_DB_HOST: db_env[CONTRACT.ENV_DB_HOST]}

    result = subprocess.run(server_command(), env=env, capture_output=True, text=True, timeout=TIMEOUT * 2, check=False)

    assert result.returncode == 1
    (line,) = [json.loads(raw) for raw in result.stdout.splitlines()]
    assert line["event"] == "startup_failed"
    assert line["error"].startswith("ValueError: the database settings go together: ")
    assert CONTRACT.ENV_DB_SECRET_ARN in line["error"] and CONTRACT.ENV_DB_HOST not in line["error"]
