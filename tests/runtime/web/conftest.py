"""Fixtures for the web application (runtime/web): its modules, a stub metadata service, a server.

runtime/web/server.py does ``import contract``, and so does runtime/items/handler.py,
each for its own contract.py. So nothing here puts runtime/web on sys.path: the web
contract is loaded by file path as ``refarch_web_contract`` (as the CDK construct
loads it), and server.py as ``refarch_web_server`` while ``sys.modules["contract"]``
briefly points at that contract; whatever was there before is put back. No bytecode
is written into runtime/web, which is uploaded as the S3 asset.

Everything listens on 127.0.0.1 only, on ports the kernel picks.
"""

from __future__ import annotations

import http.client
import io
import json
import secrets
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from typing import Any, Final

import pytest

from tests.runtime.contracts import load_module
from tests.runtime.web import pg_cluster, stub_secrets_manager
from tests.runtime.web.pg_cluster import Cluster
from tests.runtime.web.stub_secrets_manager import StubSecretsManager

WEB_DIR: Final = Path(__file__).resolve().parents[3] / "runtime" / "web"
LOOPBACK: Final = "127.0.0.1"
#: Every socket operation in these tests gives up after this long.
TIMEOUT: Final = 5.0


#: runtime/web's modules, each after the ones it imports.
APP_MODULES: Final = (
    "contract",
    "imds",
    "sigv4",
    "secrets_manager",
    "scram",
    "pgwire",
    "postgres",
    "pool",
    "visits",
    "page",
    "server",
)


def _load_app() -> dict[str, ModuleType]:
    """Each module of runtime/web as ``refarch_web_<name>``; while they load, their bare
    names point at them (that is how they import each other), then whatever was there
    before is put back."""
    missing = object()
    previous = {name: sys.modules.get(name, missing) for name in APP_MODULES}
    loaded: dict[str, ModuleType] = {}
    try:
        for name in APP_MODULES:
            loaded[name] = sys.modules[name] = load_module(f"refarch_web_{name}", WEB_DIR / f"{name}.py")
    finally:
        for name, module in previous.items():
            if module is missing:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module  # type: ignore[assignment]
    return loaded


_APP: Final = _load_app()
#: runtime/web/contract.py, the very module the server below imports.
CONTRACT: Final[ModuleType] = _APP["contract"]
IMDS: Final[ModuleType] = _APP["imds"]
SIGV4: Final[ModuleType] = _APP["sigv4"]
SECRETS_MANAGER: Final[ModuleType] = _APP["secrets_manager"]
SCRAM: Final[ModuleType] = _APP["scram"]
PGWIRE: Final[ModuleType] = _APP["pgwire"]
POSTGRES: Final[ModuleType] = _APP["postgres"]
POOL: Final[ModuleType] = _APP["pool"]
VISITS: Final[ModuleType] = _APP["visits"]
PAGE: Final[ModuleType] = _APP["page"]
SERVER: Final[ModuleType] = _APP["server"]

# ------------------------------------------------------------ stub metadata service

IDENTITY: Final = {
    "accountId": "123456789012",
    "architecture": "arm64",
    "availabilityZone": "eu-west-1b",
    "imageId": "ami-0123456789abcdef0",
    "instanceId": "i-0123456789abcdef0",
    "instanceType": "t4g.micro",
    "privateIp": "10.0.1.23",
    "region": "eu-west-1",
}
#: The instance profile's role and the temporary credentials the stub hands out for it.
ROLE_NAME: Final = "refarch-web-instance"
ROLE_CREDENTIALS: Final = {
    "Code": "Success",
    "LastUpdated": "2026-11-23T12:00:00Z",
    "Type": "AWS-HMAC",
    "AccessKeyId": "ASIAIOSFODNN7EXAMPLE",
    "SecretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "Token": "IQoJb3JpZ2luX2VjEXAMPLETOKEN//////////wEaCXVzLWVhc3QtMSJH",
    "Expiration": "2026-11-23T18:00:00Z",
}


@dataclass
class StubImds:
    """IMDSv2 in its "tokens required" mode, as far as the server uses it.

    ``PUT /latest/api/token`` needs a TTL header of 1 to 21600 seconds (and no
    X-Forwarded-For, which the real service refuses); every ``GET`` needs a live token
    in its token header, or gets 401. ``violations`` lists every request that broke
    the protocol; ``log`` every request as (method, path).
    """

    document: Any = field(default_factory=lambda: dict(IDENTITY))
    #: The instance profile's role (``None``: the instance has none) and its credentials.
    role: str | None = ROLE_NAME
    credentials: Any = field(default_factory=lambda: dict(ROLE_CREDENTIALS))
    #: Answer every GET with this status instead (500, say).
    fail_status: int | None = None
    #: Hold each GET this long before answering (to make the client time out).
    delay: float = 0.0
    #: When set, each GET waits (bounded) until ``release`` is set.
    hold: bool = False
    release: threading.Event = field(default_factory=threading.Event)
    #: Set when a GET has arrived.
    got: threading.Event = field(default_factory=threading.Event)
    tokens: dict[str, float] = field(default_factory=dict)
    log: list[tuple[str, str]] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    endpoint: str = ""

    def count(self, method: str, path: str | None = None) -> int:
        return sum(1 for m, p in self.log if m == method and (path is None or p == path))

    def revoke_tokens(self) -> None:
        self.tokens.clear()


def _stub_handler(stub: StubImds) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _reply(self, status: int, body: bytes, content_type: str = "text/plain", **headers: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers.items():
                self.send_header(name.replace("_", "-"), value)
            self.end_headers()
            self.wfile.write(body)

        def do_PUT(self) -> None:
            stub.log.append(("PUT", self.path))
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            ttl = self.headers.get(IMDS.IMDS_TOKEN_TTL_HEADER, "")
            if self.path != IMDS.IMDS_TOKEN_PATH:
                stub.violations.append(f"PUT to {self.path}")
                return self._reply(404, b"")
            if self.headers.get("X-Forwarded-For") is not None:
                stub.violations.append("PUT with X-Forwarded-For")
                return self._reply(403, b"")
            if not ttl.isdigit() or not 1 <= int(ttl) <= 21600:
                stub.violations.append(f"PUT with TTL header {ttl!r}")
                return self._reply(400, b"")
            token = secrets.token_urlsafe(24)
            stub.tokens[token] = time.monotonic() + int(ttl)
            self._reply(200, token.encode(), **{"X-aws-ec2-metadata-token-ttl-seconds": ttl})

        def do_GET(self) -> None:
            stub.log.append(("GET", self.path))
            stub.got.set()
            if stub.hold:
                stub.release.wait(TIMEOUT)
            if stub.delay:
                time.sleep(stub.delay)
            token = self.headers.get(IMDS.IMDS_TOKEN_HEADER)
            if token is None:
                stub.violations.append(f"GET {self.path} without a token")
                return self._reply(401, b"")
            if stub.tokens.get(token, 0.0) < time.monotonic():
                return self._reply(401, b"")  # unknown, expired or revoked: not a violation
            if stub.fail_status is not None:
                return self._reply(stub.fail_status, b"")
            answers = {IMDS.IMDS_IDENTITY_PATH: stub.document}
            if stub.role is not None:
                answers[IMDS.IMDS_CREDENTIALS_PATH] = stub.role.encode()
                answers[IMDS.IMDS_CREDENTIALS_PATH + stub.role] = stub.credentials
            if self.path not in answers:
                return self._reply(404, b"")
            answer = answers[self.path]
            self._reply(200, answer if isinstance(answer, bytes) else json.dumps(answer).encode(), "text/plain")

    return Handler


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that timed out and hung up is what some tests want


@pytest.fixture
def imds() -> Iterator[StubImds]:
    stub = StubImds()
    server = _QuietServer((LOOPBACK, 0), _stub_handler(stub))
    stub.endpoint = f"http://{LOOPBACK}:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    yield stub
    stub.release.set()
    server.shutdown()
    server.server_close()
    thread.join(TIMEOUT)


# ------------------------------------------------------------------ in-process server


@dataclass
class RunningServer:
    server: Any
    stream: io.StringIO

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    def log_lines(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.stream.getvalue().splitlines()]

    def requests(self, count: int) -> list[dict[str, Any]]:
        """The request lines, once there are ``count`` of them (the server logs after it answers)."""
        deadline = time.monotonic() + TIMEOUT
        while True:
            lines = [line for line in self.log_lines() if line["event"] == "request"]
            if len(lines) >= count or time.monotonic() > deadline:
                return lines
            time.sleep(0.01)


@pytest.fixture
def app_env(imds: StubImds) -> dict[str, str]:
    return {
        CONTRACT.ENV_STAGE: "sandbox",
        CONTRACT.ENV_APP_NAME: "web-tier",
        CONTRACT.ENV_IMDS_ENDPOINT: imds.endpoint,
    }


def start_server(environ: Mapping[str, str], ca_bundle: Path | None = None) -> RunningServer:
    stream = io.StringIO()
    ca = {} if ca_bundle is None else {"ca_bundle": ca_bundle}
    server = SERVER.build_server(LOOPBACK, 0, environ, SERVER.JsonLog(stream), **ca)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True).start()
    return RunningServer(server, stream)


@pytest.fixture
def web(app_env: dict[str, str]) -> Iterator[RunningServer]:
    """The application's server, in this process, with the stub metadata service."""
    running = start_server(app_env)
    yield running
    running.server.shutdown()
    running.server.server_close()


# -------------------------------------------------- the database and Secrets Manager


@pytest.fixture(scope="session")
def pg() -> Iterator[Cluster]:
    """A real PostgreSQL cluster on 127.0.0.1, over TLS (see pg_cluster)."""
    yield from pg_cluster.start_cluster()


@pytest.fixture
def fresh_table(pg: Cluster) -> None:
    """No visits table: the first use creates it."""
    pg.sql(f"DROP TABLE IF EXISTS {VISITS.TABLE}", database=pg.database)


@pytest.fixture
def secrets_manager() -> Iterator[StubSecretsManager]:
    """Secrets Manager holding the app user's login under ``SECRET_ARN``; it accepts
    only requests signed with the stub metadata service's role credentials."""
    stub = StubSecretsManager(
        ROLE_CREDENTIALS["AccessKeyId"], ROLE_CREDENTIALS["SecretAccessKey"], ROLE_CREDENTIALS["Token"]
    )
    stub.set_login(pg_cluster.APP_USER, pg_cluster.APP_PASSWORD)
    yield from stub_secrets_manager.serve(stub)


@pytest.fixture
def db_env(app_env: dict[str, str], pg: Cluster, secrets_manager: StubSecretsManager) -> dict[str, str]:
    """``app_env`` with the database settings for the test cluster and the stub secret."""
    settings = CONTRACT.DatabaseSettings(
        pg.host, str(pg.port), pg.database, stub_secrets_manager.SECRET_ARN, stub_secrets_manager.REGION
    )
    return {
        **app_env,
        **settings.environment(),
        CONTRACT.ENV_SECRETS_MANAGER_ENDPOINT: secrets_manager.endpoint,
    }


@pytest.fixture
def db_web(db_env: dict[str, str], pg: Cluster, fresh_table: None) -> Iterator[RunningServer]:
    """The server with a database: the test cluster, trusted through its own CA."""
    running = start_server(db_env, ca_bundle=pg.ca_file)
    yield running
    running.server.shutdown()
    running.server.server_close()
    if running.server.visits is not None:
        running.server.visits.close()


# --------------------------------------------------------------------------- clients


@dataclass(frozen=True)
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


def fetch(
    port: int,
    method: str,
    path: str,
    *,
    headers: Mapping[str, str] | None = None,
    body: bytes | None = None,
    connection: http.client.HTTPConnection | None = None,
) -> Reply:
    """One request to 127.0.0.1:port (on ``connection`` if given, to test keep-alive)."""
    conn = connection or http.client.HTTPConnection(LOOPBACK, port, timeout=TIMEOUT)
    try:
        conn.request(method, path, body=body, headers=dict(headers or {}))
        response = conn.getresponse()
        return Reply(response.status, response.headers, response.read())
    finally:
        if connection is None:
            conn.close()
