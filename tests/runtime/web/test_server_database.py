"""The server with a database, in this process: the visits on the page, ``/api/visits``,
the 503 answers, and a health check that never touches the database.

The database is the real test cluster, its login in the stub Secrets Manager, read
with the stub metadata service's role credentials (the ``db_web`` fixture).
"""

from __future__ import annotations

import base64
import hashlib
import re

import pytest

from tests.runtime.web.conftest import (
    CONTRACT,
    IDENTITY,
    PAGE,
    SERVER,
    TIMEOUT,
    RunningServer,
    StubImds,
    fetch,
    start_server,
)
from tests.runtime.web.pg_cluster import APP_USER, Cluster
from tests.runtime.web.stub_secrets_manager import StubSecretsManager

API = CONTRACT.VISITS_API_PATH
HOME = CONTRACT.PAGE_PATH
SECRET_UNREADABLE = "the database secret could not be read (AccessDeniedException)"


def _visit_rows(html: str) -> list[list[str]]:
    return [re.findall(r"<td>(.*?)</td>", row) for row in re.findall(r"<tr><td>.*?</tr>", html)]


def test_each_get_records_a_visit_and_lists_the_latest(db_web: RunningServer) -> None:
    first = fetch(db_web.port, "GET", HOME)
    second = fetch(db_web.port, "GET", HOME)

    assert first.status == second.status == 200
    assert "1 visit recorded in the shared database" in first.text
    assert "2 visits recorded in the shared database" in second.text
    rows = _visit_rows(second.text)
    assert [row[1:] for row in rows] == [[IDENTITY["instanceId"], IDENTITY["availabilityZone"]]] * 2
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", rows[0][0])


def test_the_page_with_visits_loads_nothing_and_its_style_is_allowed_by_hash(db_web: RunningServer) -> None:
    reply = fetch(db_web.port, "GET", HOME)

    (style,) = re.findall(r"<style>(.*?)</style>", reply.text, flags=re.S)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert f"style-src 'sha256-{digest}'" in reply.headers["Content-Security-Policy"]
    assert reply.headers["Content-Security-Policy"] == PAGE.PAGE_CSP
    assert not re.search(r"<(script|link|img|iframe|object|embed|form)\b|https?:|src=|href=", reply.text, flags=re.I)


def test_head_reads_without_recording(db_web: RunningServer) -> None:
    fetch(db_web.port, "GET", HOME)

    head = fetch(db_web.port, "HEAD", HOME)

    assert (head.status, head.body) == (200, b"")
    assert fetch(db_web.port, "GET", API).json()["total"] == 1


def test_api_visits_is_json_and_records_nothing(db_web: RunningServer) -> None:
    fetch(db_web.port, "GET", HOME)
    fetch(db_web.port, "GET", HOME)

    first = fetch(db_web.port, "GET", API)
    second = fetch(db_web.port, "GET", f"{API}?limit=1")

    assert first.status == 200
    assert first.headers["Content-Type"] == "application/json"
    document = first.json()
    assert document["total"] == 2 and second.json()["total"] == 2
    assert [sorted(visit) for visit in document["recent"]] == [["availability_zone", "instance_id", "time"]] * 2
    assert document["recent"][0]["instance_id"] == IDENTITY["instanceId"]


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
def test_api_visits_takes_get_and_head_only(db_web: RunningServer, method: str) -> None:
    reply = fetch(db_web.port, method, API)
    assert (reply.status, reply.headers["Allow"]) == (405, "GET, HEAD")


def test_what_comes_from_the_database_is_escaped(imds: StubImds, db_env: dict[str, str], pg: Cluster) -> None:
    imds.document = {**IDENTITY, "instanceId": "<script>alert('i')</script>", "availabilityZone": "a&b"}
    pg.sql("DROP TABLE IF EXISTS refarch_web_visits", database=pg.database)
    running = start_server(db_env, ca_bundle=pg.ca_file)
    try:
        page = fetch(running.port, "GET", HOME).text
        api = fetch(running.port, "GET", API).json()
    finally:
        running.server.shutdown()
        running.server.server_close()
        running.server.visits.close()

    assert "<script>" not in page
    assert _visit_rows(page)[0][1:] == ["&lt;script&gt;alert(&#x27;i&#x27;)&lt;/script&gt;", "a&amp;b"]
    assert api["recent"][0]["instance_id"] == "<script>alert('i')</script>"  # JSON: the value itself


# -------------------------------------------------------------------------- failures


def test_health_never_touches_the_database(
    db_web: RunningServer, secrets_manager: StubSecretsManager, pg: Cluster
) -> None:
    for _ in range(3):
        assert fetch(db_web.port, "GET", CONTRACT.HEALTH_PATH).status == 200

    assert secrets_manager.requests == []
    assert pg.sessions(APP_USER, settle=TIMEOUT) == 0  # none kept open by this server either


def test_when_the_database_fails_the_page_is_503_with_the_reason(
    db_web: RunningServer, secrets_manager: StubSecretsManager
) -> None:
    secrets_manager.fail = (400, "AccessDeniedException")

    page = fetch(db_web.port, "GET", HOME)
    api = fetch(db_web.port, "GET", API)
    health = fetch(db_web.port, "GET", CONTRACT.HEALTH_PATH)

    assert page.status == 503
    assert f"The database is unavailable: {SECRET_UNREADABLE}." in page.text
    assert f"served by instance {IDENTITY['instanceId']}" in page.text  # the rest of the page is there
    assert page.headers["Content-Security-Policy"] == PAGE.PAGE_CSP
    assert api.status == 503
    assert api.json() == {"error": "Service Unavailable", "status": 503, "reason": SECRET_UNREADABLE}
    assert health.status == 200
    db_web.requests(3)
    unavailable = [line for line in db_web.log_lines() if line["event"] == "database_unavailable"]
    assert [(line["level"], line["path"], line["reason"]) for line in unavailable] == [
        ("warning", HOME, SECRET_UNREADABLE),
        ("warning", API, SECRET_UNREADABLE),
    ]
    assert "HTTP 400 AccessDeniedException" in unavailable[0]["error"]


def test_without_a_database_the_page_says_so_and_the_api_is_404(web: RunningServer) -> None:
    page = fetch(web.port, "GET", HOME)
    api = fetch(web.port, "GET", API)

    assert page.status == 200
    assert "No database configured: visits are not recorded." in page.text
    assert "<table>" not in page.text
    assert (api.status, api.json()) == (
        404,
        {"error": "Not Found", "status": 404, "reason": "No database configured: visits are not recorded."},
    )


# --------------------------------------------------------------------------- startup


def test_some_database_settings_without_the_others_stop_the_start(db_env: dict[str, str]) -> None:
    partial = {k: v for k, v in db_env.items() if k not in (CONTRACT.ENV_DB_NAME, CONTRACT.ENV_AWS_REGION)}

    with pytest.raises(ValueError) as refused:
        start_server(partial)

    assert str(refused.value) == (
        f"the database settings go together: {CONTRACT.ENV_DB_NAME} {CONTRACT.ENV_AWS_REGION} missing"
    )


def test_a_database_needs_the_metadata_service(db_env: dict[str, str]) -> None:
    with pytest.raises(ValueError, match=f"{CONTRACT.ENV_IMDS_DISABLED} turns off"):
        start_server({**db_env, CONTRACT.ENV_IMDS_DISABLED: "true"})


def test_the_server_finds_the_ca_bundle_beside_itself() -> None:
    assert SERVER.CA_BUNDLE_PATH.name == CONTRACT.CA_BUNDLE
    assert SERVER.CA_BUNDLE_PATH.parent.name == "web"
    assert SERVER.CA_BUNDLE_PATH.is_file()
