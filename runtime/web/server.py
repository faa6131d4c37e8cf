"""The web tier's application: a small HTTP server on Python's standard library alone.

``python3 server.py [--host 0.0.0.0] [--port 8080]`` (or ``python3 -m server`` from
this folder) serves, for ``GET`` and ``HEAD``:

- ``contract.HEALTH_PATH``: 200 and JSON with the instance's Availability Zone,
  instance id and region, read from the instance metadata service with IMDSv2 (``imds``).
  When the metadata service cannot be read, still 200, with those fields ``null`` and
  the reason in ``metadata_error``: the process serves requests, which is what the load
  balancer's health check asks. It never touches the database.
- ``contract.PAGE_PATH``: an HTML page (``page``) that says which instance and zone
  answered and, with a database configured, records the visit (``GET`` only) and lists
  the latest ones (``visits``); 503 with the reason when the database fails.
- ``contract.VISITS_API_PATH``: the visits as JSON, read only; 503 when the database
  fails, 404 when none is configured.

Any other path is 404, any other method on these paths 405, both with a JSON body.
Each request is logged as one JSON line on stdout (journald keeps it). On SIGTERM
(``systemctl stop``) the server stops accepting connections, finishes the requests
in flight (up to ``contract.DRAIN_SECONDS``) and exits 0. Under systemd it reports
readiness (``Type=notify``) once it listens: it contacts nothing before that.

It runs on the python3 of Amazon Linux 2023 (3.9): no syntax, typing construct or
standard-library API newer than 3.9 (tests/runtime/web/test_compat.py checks), and no
third-party package, so an instance without a route to PyPI installs it from the
asset alone. README.md beside this file explains the choices.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import socket
import socketserver
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Final, NamedTuple, TextIO
from urllib.parse import urlsplit

import contract
import page
import visits
from imds import IMDS_DEFAULT_ENDPOINT, Identity, ImdsClient, MetadataError
from page import JSON_CSP, PAGE_CSP, DatabaseView
from visits import DatabaseUnavailable, Summary, VisitStore

# ------------------------------------------------------------------------- logging


def _timestamp(now: float) -> str:
    millis = int(now % 1 * 1000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now)) + f".{millis:03d}Z"


class JsonLog:
    """One JSON object per line, written whole under a lock so threads never interleave.

    ``json.dumps`` escapes control characters, so nothing a client sends (a path, a
    header) can start a forged line.
    """

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._lock = threading.Lock()

    def emit(self, event: str, level: str = "info", **fields: Any) -> None:
        record = {"time": _timestamp(time.time()), "level": level, "event": event, **fields}
        line = json.dumps(record, separators=(",", ":"), default=str) + "\n"
        with self._lock:
            try:
                self._stream.write(line)
                self._stream.flush()
            except (OSError, ValueError):
                # A closed or broken stdout must not take the requests down with it.
                pass


# ------------------------------------------------------------- instance metadata

#: While the metadata service fails, how long to answer with the last error before
#: asking it again, so a slow or absent service never slows every health check down.
IMDS_RETRY_SECONDS: Final = 5.0


class Lookup(NamedTuple):
    """What the server knows about its instance: the identity, or why it has none."""

    identity: Identity | None
    error: str | None


class InstanceMetadata:
    """The instance's identity, read once and kept: it never changes while the process runs.

    Until a read succeeds, a failure is remembered for ``retry_seconds`` and returned
    without asking the metadata service again.
    """

    def __init__(
        self,
        client: ImdsClient | None,
        *,
        disabled_reason: str = "instance metadata is disabled",
        retry_seconds: float = IMDS_RETRY_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        log: JsonLog | None = None,
    ) -> None:
        self.client = client
        self._retry_seconds = retry_seconds
        self._clock = clock
        self._log = log
        self._lock = threading.Lock()
        self._known: Lookup | None = None if client is not None else Lookup(None, disabled_reason)
        self._failed: Lookup | None = None
        self._retry_at = 0.0

    @classmethod
    def from_environ(cls, environ: Mapping[str, str], log: JsonLog | None = None) -> InstanceMetadata:
        if environ.get(contract.ENV_IMDS_DISABLED, "").strip().lower() == "true":
            return cls(None, disabled_reason=f"instance metadata is disabled by {contract.ENV_IMDS_DISABLED}")
        endpoint = environ.get(contract.ENV_IMDS_ENDPOINT, "").strip() or IMDS_DEFAULT_ENDPOINT
        return cls(ImdsClient(endpoint), log=log)

    def lookup(self) -> Lookup:
        with self._lock:
            if self._known is not None:
                return self._known
            now = self._clock()
            if self._failed is not None and now < self._retry_at:
                return self._failed
            assert self.client is not None
            try:
                identity = self.client.identity()
            except MetadataError as error:
                self._failed = Lookup(None, str(error))
                self._retry_at = now + self._retry_seconds
                if self._log is not None:
                    self._log.emit("metadata_unavailable", level="warning", error=str(error))
                return self._failed
            self._known = Lookup(identity, None)
            return self._known


# ------------------------------------------------------------------------ content


class AppConfig(NamedTuple):
    app_name: str
    stage: str

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> AppConfig:
        def setting(name: str, default: str) -> str:
            return environ.get(name, "").strip()[: contract.SETTING_MAX_LENGTH] or default

        return cls(
            app_name=setting(contract.ENV_APP_NAME, contract.DEFAULT_APP_NAME),
            stage=setting(contract.ENV_STAGE, contract.DEFAULT_STAGE),
        )


def health_document(config: AppConfig, lookup: Lookup) -> dict[str, Any]:
    identity = lookup.identity
    return {
        "status": "ok",
        "availability_zone": identity.availability_zone if identity else None,
        "instance_id": identity.instance_id if identity else None,
        "region": identity.region if identity else None,
        "metadata_error": lookup.error,
        "app": config.app_name,
        "stage": config.stage,
    }


# ------------------------------------------------------------------------- server

JSON_TYPE: Final = "application/json"
HTML_TYPE: Final = "text/html; charset=utf-8"
ALLOWED_METHODS: Final = ("GET", "HEAD")
#: On every response. No HSTS: whoever terminates TLS (the load balancer's HTTPS
#: listener, CloudFront) sets it; this server speaks plain HTTP to the load balancer.
SECURITY_HEADERS: Final = (
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "no-referrer"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Cross-Origin-Resource-Policy", "same-origin"),
    ("Cache-Control", "no-store"),
)
#: Longest value of a request field that goes into a log line.
LOG_FIELD_MAX: Final = 512


class Response(NamedTuple):
    status: HTTPStatus
    content_type: str
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()


def json_response(status: HTTPStatus, document: Mapping[str, Any], *headers: tuple[str, str]) -> Response:
    body = json.dumps(document, separators=(",", ":")).encode("utf-8")
    return Response(status, JSON_TYPE, body, (("Content-Security-Policy", JSON_CSP), *headers))


def error_response(status: HTTPStatus, *headers: tuple[str, str], reason: str | None = None) -> Response:
    document: dict[str, Any] = {"error": status.phrase, "status": int(status)}
    if reason is not None:
        document["reason"] = reason
    return json_response(status, document, *headers)


def visits_document(summary: Summary) -> dict[str, Any]:
    recent = [visit._asdict() for visit in summary.recent]
    return {"total": summary.total, "recent": recent}


def _clip(value: object) -> str | None:
    return None if value is None else str(value)[:LOG_FIELD_MAX]


class RequestHandler(BaseHTTPRequestHandler):
    """Routes ``GET``/``HEAD`` on the two paths; every other answer is JSON too."""

    server: WebServer
    protocol_version = "HTTP/1.1"  # keep-alive, as the load balancer uses with targets
    server_version = contract.SERVICE_NAME
    timeout = contract.KEEP_ALIVE_SECONDS
    # Headers and body go out in two writes: without TCP_NODELAY, Nagle's algorithm
    # holds the body back until the client's delayed ACK (40 ms) on a kept-alive connection.
    disable_nagle_algorithm = True

    def version_string(self) -> str:
        # Not BaseHTTPRequestHandler's "BaseHTTP/0.6 Python/3.x.y": no versions to clients.
        return self.server_version

    def handle(self) -> None:
        # BaseHTTPRequestHandler.handle, plus: tell the server when the connection's
        # first request is done. Until then it counts as in flight for draining.
        self.close_connection = True
        try:
            self.handle_one_request()
        finally:
            self.server.served(self.request)
        while not self.close_connection:
            self.handle_one_request()

    # Every method comes here: do_GET, do_HEAD and any other do_<METHOD> that
    # BaseHTTPRequestHandler looks up (which would otherwise answer 501 in HTML).
    def do_GET(self) -> None:
        self._dispatch()

    def do_HEAD(self) -> None:
        self._dispatch()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("do_"):
            return self._dispatch
        raise AttributeError(name)

    def _dispatch(self) -> None:
        started = time.monotonic()
        with self.server.in_flight():
            self._respond(self._route(), started)

    def _route(self) -> Response:
        try:
            path = urlsplit(self.path).path
        except ValueError:
            return error_response(HTTPStatus.BAD_REQUEST)
        view = self._VIEWS.get(path)
        if view is None:
            return error_response(HTTPStatus.NOT_FOUND)
        if self.command not in ALLOWED_METHODS:
            return error_response(HTTPStatus.METHOD_NOT_ALLOWED, ("Allow", ", ".join(ALLOWED_METHODS)))
        return view(self)

    def _health(self) -> Response:
        # The process only: never the database. When the database fails, every instance
        # fails with it, and a health check that followed it would have the load
        # balancer take them all out of service (and the group replace them in a loop),
        # when they can still say what is wrong.
        document = health_document(self.server.config, self.server.metadata.lookup())
        return json_response(HTTPStatus.OK, document)

    def _page(self) -> Response:
        lookup = self.server.metadata.lookup()
        database = page.NO_DATABASE
        if self.server.visits is not None:
            read: Callable[[VisitStore], Summary] = VisitStore.summary  # HEAD (a monitor's probe): no visit
            if self.command == "GET":
                read = lambda store: store.record(lookup.identity)  # noqa: E731
            try:
                database = DatabaseView(True, summary=self._visits(read))
            except DatabaseUnavailable as error:
                database = DatabaseView(True, error=error.reason)
        body = page.render_page(
            app_name=self.server.config.app_name,
            stage=self.server.config.stage,
            identity=lookup.identity,
            metadata_error=lookup.error,
            database=database,
        )
        status = HTTPStatus.OK if database.error is None else HTTPStatus.SERVICE_UNAVAILABLE
        return Response(status, HTML_TYPE, body.encode("utf-8"), (("Content-Security-Policy", PAGE_CSP),))

    def _visits_api(self) -> Response:
        if self.server.visits is None:
            return error_response(HTTPStatus.NOT_FOUND, reason=page.NO_DATABASE_TEXT)
        try:
            summary = self._visits(VisitStore.summary)
        except DatabaseUnavailable as error:
            return error_response(HTTPStatus.SERVICE_UNAVAILABLE, reason=error.reason)
        return json_response(HTTPStatus.OK, visits_document(summary))

    def _visits(self, read: Callable[[VisitStore], Summary]) -> Summary:
        assert self.server.visits is not None
        try:
            return read(self.server.visits)
        except DatabaseUnavailable as error:
            self.server.log.emit(
                "database_unavailable", level="warning", path=_clip(self.path), reason=error.reason, error=str(error)
            )
            raise

    _VIEWS: Final[dict[str, Callable[[RequestHandler], Response]]] = {
        contract.HEALTH_PATH: _health,
        contract.PAGE_PATH: _page,
        contract.VISITS_API_PATH: _visits_api,
    }

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        # BaseHTTPRequestHandler calls this for requests it cannot parse (400, 414,
        # 431, 505): answer in JSON like everything else, and close the connection.
        # With a status line and headers even when the request line was too broken
        # to name a version (the base class would then send the bare body, HTTP/0.9).
        self.close_connection = True
        if self.request_version == "HTTP/0.9":
            self.request_version = self.protocol_version
        self._respond(error_response(HTTPStatus(code)), None)

    def _has_request_body(self) -> bool:
        headers = getattr(self, "headers", None)
        if headers is None:
            return False
        length = (headers.get("Content-Length") or "0").strip()
        return headers.get("Transfer-Encoding") is not None or length != "0"

    def _respond(self, response: Response, started: float | None) -> None:
        # No route reads a request body: after one, the connection cannot carry
        # another request, so close it. While draining, close it too.
        if self._has_request_body() or self.server.draining:
            self.close_connection = True
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        for name, value in SECURITY_HEADERS + response.headers:
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        sent = 0
        if self.command != "HEAD":
            self.wfile.write(response.body)
            sent = len(response.body)
        self._log_request(response.status, sent, started)

    def _log_request(self, status: int, sent: int, started: float | None) -> None:
        headers = getattr(self, "headers", None)

        def header(name: str) -> str | None:
            return _clip(headers.get(name)) if headers is not None else None

        self.server.log.emit(
            "request",
            method=_clip(self.command or None),
            path=_clip(getattr(self, "path", None)),
            status=int(status),
            bytes=sent,
            duration_ms=round((time.monotonic() - started) * 1000, 1) if started is not None else None,
            remote=self.client_address[0],
            forwarded_for=header("X-Forwarded-For"),
            user_agent=header("User-Agent"),
            trace_id=header("X-Amzn-Trace-Id"),
        )

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Not used: ``_respond`` logs each request once, with more fields."""

    def log_message(self, format: str, *args: Any) -> None:
        self.server.log.emit("http_error", level="warning", message=format % args, remote=self.client_address[0])


class WebServer(ThreadingHTTPServer):
    """A thread per connection; counts requests in flight so that a stop can wait for them."""

    daemon_threads = True
    block_on_close = False  # idle keep-alive connections must not hold up the exit
    request_queue_size = 128

    def __init__(
        self,
        address: tuple[str, int],
        config: AppConfig,
        metadata: InstanceMetadata,
        log: JsonLog,
        visits: VisitStore | None = None,
    ) -> None:
        self.config = config
        self.metadata = metadata
        self.log = log
        self.visits = visits
        self.draining = False
        self._state = threading.Condition()
        self._in_flight = 0
        self._unserved: set[socket.socket] = set()
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, RequestHandler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind also resolves the host's FQDN, a DNS lookup that
        # nothing here needs: bind only.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), int(port)

    def process_request(self, request: Any, client_address: Any) -> None:
        # A connection just accepted counts as busy until its first request is served,
        # so a stop that comes right after the accept still serves that request.
        with self._state:
            self._unserved.add(request)
        try:
            super().process_request(request, client_address)
        except BaseException:
            self.served(request)
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.served(request)

    def served(self, request: Any) -> None:
        with self._state:
            self._unserved.discard(request)
            self._state.notify_all()

    @contextmanager
    def in_flight(self) -> Iterator[None]:
        with self._state:
            self._in_flight += 1
        try:
            yield
        finally:
            with self._state:
                self._in_flight -= 1
                self._state.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        """Wait until no request is in flight; ``False`` if ``timeout`` passed first."""
        with self._state:
            return self._state.wait_for(lambda: self._in_flight == 0 and not self._unserved, timeout)

    def handle_error(self, request: Any, client_address: Any) -> None:
        error = sys.exc_info()[1]
        self.log.emit("connection_error", level="warning", remote=client_address[0], error=repr(error))


# ------------------------------------------------------------------------ process


def sd_notify(message: str, environ: Mapping[str, str] | None = None) -> bool:
    """Send ``message`` to systemd (``Type=notify``); ``False`` when not run by systemd."""
    address = (os.environ if environ is None else environ).get("NOTIFY_SOCKET", "")
    if not address:
        return False
    if address.startswith("@"):
        address = "\0" + address[1:]  # an abstract socket
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
            sock.settimeout(1.0)
            sock.connect(address)
            sock.sendall(message.encode("utf-8"))
    except OSError:
        return False
    return True


#: The RDS certificate authorities, installed beside this file.
CA_BUNDLE_PATH: Final = Path(__file__).resolve().with_name(contract.CA_BUNDLE)


def build_server(
    host: str, port: int, environ: Mapping[str, str], log: JsonLog, *, ca_bundle: Path = CA_BUNDLE_PATH
) -> WebServer:
    """The server, listening. It contacts nothing yet: neither the metadata service nor
    the database, which it first uses when a request needs it."""
    config = AppConfig.from_environ(environ)
    database = contract.DatabaseSettings.from_environ(environ)
    metadata = InstanceMetadata.from_environ(environ, log=log)
    store = None
    if database is not None:
        if metadata.client is None:
            raise ValueError(
                f"the database settings need the instance metadata service (the instance role's credentials), "
                f"which {contract.ENV_IMDS_DISABLED} turns off"
            )
        store = visits.open_store(database, environ, metadata.client, ca_bundle)
    return WebServer((host, port), config, metadata, log, store)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog=contract.SERVICE_NAME, description=__doc__.splitlines()[0])
    parser.add_argument("--host", default=contract.BIND_ADDRESS, help="address to listen on (%(default)s)")
    parser.add_argument("--port", type=int, default=contract.PORT, help="port to listen on, 0 for any (%(default)s)")
    return parser.parse_args(argv)


#: The signals that stop the server: systemd's stop, and Ctrl-C when run by hand.
STOP_SIGNALS: Final = frozenset({signal.SIGTERM, signal.SIGINT})


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    log = JsonLog(sys.stdout)
    # No signal handler: one runs between any two bytecodes of the main thread, and
    # would deadlock on a lock that the interrupted code holds (the log's, say). The
    # stop signals are blocked in every thread (threads inherit the mask) and the main
    # thread takes them with sigwait(), in plain code.
    signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        server = build_server(args.host, args.port, os.environ, log)
    except (OSError, ValueError) as error:
        log.emit("startup_failed", level="error", error=f"{type(error).__name__}: {error}")
        return 1

    failed: list[BaseException] = []

    def serve() -> None:
        try:
            server.serve_forever(poll_interval=0.1)
        except BaseException as error:  # reported; then the main thread stops the process
            failed.append(error)
            log.emit("serve_failed", level="error", error=repr(error))
            os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=serve, name="serve", daemon=True).start()
    host, port = server.server_address[:2]
    log.emit(
        "listening",
        host=host,
        port=port,
        app=server.config.app_name,
        stage=server.config.stage,
        database=server.visits.settings.host if server.visits else None,
        python=platform.python_version(),
    )
    sd_notify(f"READY=1\nSTATUS=listening on {host}:{port}")

    signum = signal.sigwait(STOP_SIGNALS)
    server.draining = True  # answers from now on close their connections
    log.emit("stopping", signal=signal.Signals(signum).name)
    sd_notify("STOPPING=1")
    server.shutdown()  # the accept loop ends (within its poll interval) ...
    server.server_close()  # ... and new connections are refused at once
    drained = server.wait_idle(contract.DRAIN_SECONDS)
    if server.visits is not None:
        server.visits.close()  # Terminate to the database, rather than a dropped connection
    log.emit("stopped", level="info" if drained else "warning", drained=drained)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
