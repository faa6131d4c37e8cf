"""Request handling: the two routes, errors, headers, logging, keep-alive and draining.

The server runs in this process on 127.0.0.1 (the ``web`` fixture), against the stub
metadata service; test_e2e.py runs it as its own process.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import io
import json
import re
import socket
import threading
import time

import pytest

from tests.runtime.web.conftest import (
    CONTRACT,
    IDENTITY,
    IMDS,
    LOOPBACK,
    SERVER,
    TIMEOUT,
    RunningServer,
    StubImds,
    fetch,
    start_server,
)

HEALTH = CONTRACT.HEALTH_PATH
PAGE = CONTRACT.PAGE_PATH
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def _raw(port: int, data: bytes) -> bytes:
    """Send bytes as they are and read until the server closes the connection."""
    with socket.create_connection((LOOPBACK, port), timeout=TIMEOUT) as sock:
        sock.sendall(data)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


# ------------------------------------------------------------------------------ /health


def test_health_reports_the_instance_from_imdsv2(web: RunningServer, imds: StubImds) -> None:
    reply = fetch(web.port, "GET", HEALTH)

    assert reply.status == 200
    assert reply.headers["Content-Type"] == "application/json"
    assert reply.json() == {
        "status": "ok",
        "availability_zone": IDENTITY["availabilityZone"],
        "instance_id": IDENTITY["instanceId"],
        "region": IDENTITY["region"],
        "metadata_error": None,
        "app": "web-tier",
        "stage": "sandbox",
    }
    assert imds.violations == []


def test_health_reads_the_metadata_service_once(web: RunningServer, imds: StubImds) -> None:
    for _ in range(3):
        assert fetch(web.port, "GET", HEALTH).status == 200

    assert imds.count("PUT") == 1
    assert imds.count("GET") == 1


def test_health_is_200_with_null_fields_when_imds_fails(web: RunningServer, imds: StubImds) -> None:
    imds.fail_status = 500

    reply = fetch(web.port, "GET", HEALTH)

    assert reply.status == 200
    document = reply.json()
    assert document["status"] == "ok"
    assert document["availability_zone"] is document["instance_id"] is document["region"] is None
    assert document["metadata_error"] == f"GET {IMDS.IMDS_IDENTITY_PATH}: HTTP 500"


def test_health_answers_within_the_timeouts_when_imds_hangs(imds: StubImds, app_env: dict[str, str]) -> None:
    imds.hold = True  # every GET waits far longer than the client's timeout
    running = start_server(app_env)
    running.server.metadata.client._timeout = 0.2
    try:
        started = time.monotonic()
        first = fetch(running.port, "GET", HEALTH)
        first_took = time.monotonic() - started
        started = time.monotonic()
        second = fetch(running.port, "GET", HEALTH)
        second_took = time.monotonic() - started
    finally:
        imds.release.set()
        running.server.shutdown()
        running.server.server_close()

    assert first.status == second.status == 200
    assert "timed out" in first.json()["metadata_error"]
    assert first_took < 1.0
    assert second_took < 0.2  # the failure is kept: no second wait of 0.2 s
    assert imds.count("GET") == 1


def test_health_without_settings_shows_the_defaults(imds: StubImds) -> None:
    running = start_server({CONTRACT.ENV_IMDS_ENDPOINT: imds.endpoint, CONTRACT.ENV_STAGE: "  "})
    try:
        document = fetch(running.port, "GET", HEALTH).json()
    finally:
        running.server.shutdown()
        running.server.server_close()

    assert (document["app"], document["stage"]) == (CONTRACT.DEFAULT_APP_NAME, CONTRACT.DEFAULT_STAGE)


def test_a_query_string_does_not_change_the_route(web: RunningServer) -> None:
    assert fetch(web.port, "GET", f"{HEALTH}?probe=alb").json()["status"] == "ok"


# ------------------------------------------------------------------------------- page


def test_the_page_names_the_instance_and_zone(web: RunningServer) -> None:
    reply = fetch(web.port, "GET", PAGE)

    assert reply.status == 200
    assert reply.headers["Content-Type"] == "text/html; charset=utf-8"
    assert (
        f"served by instance {IDENTITY['instanceId']} in Availability Zone {IDENTITY['availabilityZone']}" in reply.text
    )
    assert "<title>web-tier</title>" in reply.text


def test_the_page_loads_nothing_and_its_policy_allows_only_its_own_style(web: RunningServer) -> None:
    reply = fetch(web.port, "GET", PAGE)
    policy = reply.headers["Content-Security-Policy"]

    styles = re.findall(r"<style>(.*?)</style>", reply.text, flags=re.S)
    assert len(styles) == 1
    digest = base64.b64encode(hashlib.sha256(styles[0].encode()).digest()).decode()
    assert policy == (
        f"default-src 'none'; style-src 'sha256-{digest}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
    # No external (or any) resources: no scripts, links, images, frames or URLs.
    assert not re.search(r"<(script|link|img|iframe|object|embed)\b|https?:|src=|href=", reply.text, flags=re.I)


def test_the_page_escapes_what_it_shows(imds: StubImds) -> None:
    imds.document = {**IDENTITY, "instanceId": '<script>alert("i")</script>', "availabilityZone": "a&b"}
    running = start_server(
        {CONTRACT.ENV_IMDS_ENDPOINT: imds.endpoint, CONTRACT.ENV_APP_NAME: "<b>app</b>", CONTRACT.ENV_STAGE: "'s'"}
    )
    try:
        page = fetch(running.port, "GET", PAGE).text
    finally:
        running.server.shutdown()
        running.server.server_close()

    assert "<script>" not in page and "<b>" not in page
    assert "&lt;script&gt;alert(&quot;i&quot;)&lt;/script&gt;" in page
    assert "a&amp;b" in page
    assert "&lt;b&gt;app&lt;/b&gt;" in page
    assert "&#x27;s&#x27;" in page


def test_the_page_says_unknown_and_why_when_imds_fails(web: RunningServer, imds: StubImds) -> None:
    imds.fail_status = 500

    page = fetch(web.port, "GET", PAGE).text

    assert "served by instance unknown in Availability Zone unknown" in page
    assert "HTTP 500" in page


# ------------------------------------------------------------------- HEAD, errors, headers


@pytest.mark.parametrize("path", [HEALTH, PAGE])
def test_head_has_the_get_headers_and_no_body(web: RunningServer, path: str) -> None:
    get = fetch(web.port, "GET", path)
    head = fetch(web.port, "HEAD", path)

    assert head.status == 200
    assert head.body == b""
    assert head.headers["Content-Length"] == str(len(get.body))
    assert head.headers["Content-Type"] == get.headers["Content-Type"]


@pytest.mark.parametrize("method", ["GET", "HEAD", "POST", "DELETE", "BREW"])
def test_an_unknown_path_is_404_in_json(web: RunningServer, method: str) -> None:
    reply = fetch(web.port, method, "/nope")

    assert reply.status == 404
    assert reply.headers["Content-Type"] == "application/json"
    if method != "HEAD":
        assert reply.json() == {"error": "Not Found", "status": 404}


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "BREW"])
@pytest.mark.parametrize("path", [HEALTH, PAGE])
def test_other_methods_are_405_in_json(web: RunningServer, method: str, path: str) -> None:
    reply = fetch(web.port, method, path)

    assert reply.status == 405
    assert reply.headers["Allow"] == "GET, HEAD"
    assert reply.json() == {"error": "Method Not Allowed", "status": 405}


def test_an_unparsable_request_is_400_in_json(web: RunningServer) -> None:
    raw = _raw(web.port, b"GET / HTTP/1.1 extra\r\n\r\n")

    head, _, body = raw.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 ")
    assert b"Connection: close" in head
    assert json.loads(body) == {"error": "Bad Request", "status": 400}


@pytest.mark.parametrize("path", [HEALTH, PAGE, "/nope"])
def test_every_answer_carries_the_security_headers(web: RunningServer, path: str) -> None:
    reply = fetch(web.port, "GET", path)

    for name, value in SECURITY_HEADERS.items():
        assert reply.headers[name] == value, name
    assert "frame-ancestors 'none'" in reply.headers["Content-Security-Policy"]
    assert reply.headers["Server"] == CONTRACT.SERVICE_NAME  # no Python version


# ----------------------------------------------------------------------------- logging


def test_each_request_is_one_json_line(web: RunningServer) -> None:
    headers = {"User-Agent": "ELB-HealthChecker/2.0", "X-Forwarded-For": "203.0.113.7", "X-Amzn-Trace-Id": "Root=1-a"}
    fetch(web.port, "GET", HEALTH, headers=headers)
    web.requests(1)  # logged after the answer is sent: wait, to keep the order
    fetch(web.port, "POST", "/nope")

    first, second = web.requests(2)
    assert first["level"] == "info"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", first["time"])
    assert {k: first[k] for k in ("method", "path", "status", "remote", "forwarded_for", "user_agent", "trace_id")} == {
        "method": "GET",
        "path": HEALTH,
        "status": 200,
        "remote": LOOPBACK,
        "forwarded_for": "203.0.113.7",
        "user_agent": "ELB-HealthChecker/2.0",
        "trace_id": "Root=1-a",
    }
    assert first["bytes"] > 0 and first["duration_ms"] >= 0
    assert (second["method"], second["path"], second["status"]) == ("POST", "/nope", 404)


def test_what_a_client_sends_cannot_forge_a_log_line(web: RunningServer) -> None:
    fetch(web.port, "GET", '/x"}\\u000a', headers={"User-Agent": 'a"\u00e9\\n{"event":"x"}'})

    (line,) = web.requests(1)
    assert len(web.stream.getvalue().splitlines()) == 1
    assert line["path"] == '/x"}\\u000a'
    assert line["user_agent"] == 'a"\u00e9\\n{"event":"x"}'


def test_an_unparsable_request_is_logged_too(web: RunningServer) -> None:
    _raw(web.port, b"\x16\x03\x01 garbage\r\n\r\n")

    (line,) = web.requests(1)
    assert line["status"] == 400
    assert line["duration_ms"] is None


def test_log_lines_are_whole_under_concurrent_requests(web: RunningServer) -> None:
    threads = [threading.Thread(target=fetch, args=(web.port, "GET", PAGE)) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)

    assert [line["status"] for line in web.requests(20)] == [200] * 20


def test_a_closed_stdout_does_not_break_requests() -> None:
    stream = io.StringIO()
    stream.close()
    SERVER.JsonLog(stream).emit("request")  # no exception


# ----------------------------------------------------------------------------- keep-alive


def test_a_connection_carries_several_requests(web: RunningServer) -> None:
    conn = http.client.HTTPConnection(LOOPBACK, web.port, timeout=TIMEOUT)
    try:
        replies = [fetch(web.port, "GET", path, connection=conn) for path in (HEALTH, PAGE, "/nope", HEALTH)]
    finally:
        conn.close()

    assert [reply.status for reply in replies] == [200, 200, 404, 200]
    assert all(reply.headers["Connection"] is None for reply in replies)
    # Headers and body are two writes: without TCP_NODELAY, each answer on a kept-alive
    # connection would wait 40 ms for the client's delayed ACK.
    assert SERVER.RequestHandler.disable_nagle_algorithm is True


def test_a_request_with_a_body_closes_the_connection(web: RunningServer) -> None:
    reply = fetch(web.port, "POST", HEALTH, body=b'{"a": 1}', headers={"Content-Type": "application/json"})

    assert reply.status == 405
    assert reply.headers["Connection"] == "close"


def test_while_draining_every_answer_closes_its_connection(web: RunningServer) -> None:
    web.server.draining = True

    reply = fetch(web.port, "GET", HEALTH)

    assert reply.status == 200
    assert reply.headers["Connection"] == "close"


# ------------------------------------------------------------------------------ draining


def test_wait_idle_waits_for_requests_in_flight(web: RunningServer) -> None:
    assert web.server.wait_idle(0.1) is True

    entered, leave = threading.Event(), threading.Event()

    def request() -> None:
        with web.server.in_flight():
            entered.set()
            leave.wait(TIMEOUT)

    worker = threading.Thread(target=request)
    worker.start()
    assert entered.wait(TIMEOUT)
    assert web.server.wait_idle(0.05) is False
    threading.Timer(0.1, leave.set).start()
    assert web.server.wait_idle(TIMEOUT) is True
    worker.join(TIMEOUT)


def test_a_connection_counts_as_busy_until_its_first_request_is_served(web: RunningServer) -> None:
    with socket.create_connection((LOOPBACK, web.port), timeout=TIMEOUT) as sock:
        deadline = time.monotonic() + TIMEOUT
        while web.server.wait_idle(0) and time.monotonic() < deadline:
            time.sleep(0.01)  # until the server has accepted the connection
        assert web.server.wait_idle(0.05) is False
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        assert sock.recv(65536).startswith(b"HTTP/1.1 200 ")
        # The connection stays open (keep-alive), idle: that no longer holds up a stop.
        assert web.server.wait_idle(1.0) is True


# ------------------------------------------------------------------------------ sd_notify


def test_sd_notify_sends_to_systemd_s_socket() -> None:
    name = f"@refarch-web-test-{time.monotonic_ns()}"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as listener:
        listener.bind("\0" + name[1:])
        listener.settimeout(TIMEOUT)

        assert SERVER.sd_notify("READY=1", {"NOTIFY_SOCKET": name}) is True
        assert listener.recv(1024) == b"READY=1"


def test_sd_notify_without_systemd_does_nothing() -> None:
    assert SERVER.sd_notify("READY=1", {}) is False
    assert SERVER.sd_notify("READY=1", {"NOTIFY_SOCKET": "/nonexistent/notify"}) is False
