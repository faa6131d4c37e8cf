"""The PostgreSQL client (runtime/web/postgres.py) against a real server, and a scripted one.

The real cluster (``pg``) checks what the client must get right with PostgreSQL itself:
TLS and its verification, SCRAM, MD5, the refusal of clear-text passwords, parameters,
errors, notices, timeouts. ``FakeServer`` plays what a real server never does: no TLS,
a SCRAM exchange without the server's proof, silence.
"""

from __future__ import annotations

import socket
import struct
import time
from pathlib import Path
from typing import Any

import pytest

from tests.runtime.web import fake_postgres
from tests.runtime.web.conftest import POSTGRES, TIMEOUT
from tests.runtime.web.fake_postgres import FakeServer
from tests.runtime.web.pg_cluster import (
    APP_PASSWORD,
    APP_USER,
    CLEAR_PASSWORD,
    CLEAR_USER,
    MD5_PASSWORD,
    MD5_USER,
    UNICODE_PASSWORD,
    UNICODE_USER,
    Cluster,
)


def connect(pg: Cluster, *, cafile: Path | None = None, **overrides: Any) -> Any:
    settings: dict[str, Any] = {
        "host": pg.host,
        "port": pg.port,
        "user": APP_USER,
        "password": APP_PASSWORD,
        "database": pg.database,
        "connect_timeout": TIMEOUT,
        "timeout": TIMEOUT,
        **overrides,
    }
    context = POSTGRES.tls_context(str(cafile or pg.ca_file))
    return POSTGRES.connect(settings.pop("host"), settings.pop("port"), ssl_context=context, **settings)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# ------------------------------------------------------------------------ TLS


def test_it_logs_in_with_scram_over_tls_and_learns_the_session(pg: Cluster) -> None:
    connection = connect(pg, parameters={"application_name": "refarch-web-test"})
    try:
        result = connection.execute("SELECT current_user, ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
        assert result.rows[0][:2] == (APP_USER, "t")
        assert result.rows[0][2] in ("TLSv1.2", "TLSv1.3")
        assert result.columns == ("current_user", "ssl", "version")
        assert connection.parameters["client_encoding"] == "UTF8"
        assert connection.parameters["TimeZone"] == "UTC"
        assert connection.parameters["application_name"] == "refarch-web-test"
        assert connection.parameters["server_version"]
    finally:
        connection.close()


def test_a_certificate_from_another_authority_is_refused(pg: Cluster) -> None:
    with pytest.raises(POSTGRES.ConnectionFailure) as refused:
        connect(pg, cafile=pg.other_ca_file)

    assert refused.value.reason == "the database's TLS certificate was not accepted"
    assert "unable to get local issuer certificate" in str(refused.value)


def test_a_certificate_for_another_name_is_refused(pg: Cluster) -> None:
    # The server's certificate names localhost only: 127.0.0.1 reaches the same server.
    with pytest.raises(POSTGRES.ConnectionFailure) as refused:
        connect(pg, host="127.0.0.1")

    assert refused.value.reason == "the database's TLS certificate was not accepted"
    assert "mismatch" in str(refused.value)


def test_the_system_trust_store_alone_does_not_trust_it(pg: Cluster) -> None:
    # Why runtime/web ships the RDS CA bundle: a private authority is in no public store.
    import ssl

    with pytest.raises(POSTGRES.ConnectionFailure):
        POSTGRES.connect(
            pg.host,
            pg.port,
            user=APP_USER,
            password=APP_PASSWORD,
            database=pg.database,
            ssl_context=ssl.create_default_context(),
            connect_timeout=TIMEOUT,
            timeout=TIMEOUT,
        )


@pytest.mark.parametrize("answer", [b"N", b"E"], ids=["refuses TLS", "an old server's error"])
def test_a_server_without_tls_is_refused_before_anything_is_sent(pg: Cluster, answer: bytes) -> None:
    received: list[bytes] = []

    def no_tls(sock: socket.socket) -> None:
        received.append(fake_postgres.read_exact(sock, 8))
        sock.sendall(answer)
        received.append(sock.recv(1024))  # the client's next bytes: none, it hangs up

    with FakeServer(no_tls) as server:
        with pytest.raises(POSTGRES.ConnectionFailure) as refused:
            POSTGRES.connect(
                pg.host, server.port, user=APP_USER, password=APP_PASSWORD, database="x",
                ssl_context=POSTGRES.tls_context(str(pg.ca_file)), connect_timeout=TIMEOUT, timeout=TIMEOUT,
            )  # fmt: skip
        assert server.done.wait(TIMEOUT)

    assert refused.value.reason == "the database does not offer TLS"
    assert received == [fake_postgres.SSL_REQUEST, b""]  # no startup message, no password in clear
    assert server.errors == []


# ---------------------------------------------------------------- authentication


def test_a_password_that_saslprep_changes_logs_in(pg: Cluster) -> None:
    connection = connect(pg, user=UNICODE_USER, password=UNICODE_PASSWORD, database="postgres")
    connection.close()


def test_md5_logs_in_for_older_servers(pg: Cluster) -> None:
    # The role's password is stored as an MD5 hash and pg_hba asks for md5.
    assert pg.sql(f"SELECT rolpassword LIKE 'md5%' FROM pg_authid WHERE rolname = '{MD5_USER}'").strip() == "t"

    connection = connect(pg, user=MD5_USER, password=MD5_PASSWORD, database="postgres")
    try:
        assert connection.execute("SELECT current_user").rows == [(MD5_USER,)]
    finally:
        connection.close()


def test_a_server_that_asks_for_the_password_in_clear_text_is_refused(pg: Cluster) -> None:
    with pytest.raises(POSTGRES.ConnectionFailure) as refused:
        connect(pg, user=CLEAR_USER, password=CLEAR_PASSWORD, database="postgres")

    assert refused.value.reason == "the database asked for a clear-text password"


def test_a_wrong_password_is_sqlstate_28p01(pg: Cluster) -> None:
    with pytest.raises(POSTGRES.PostgresError) as refused:
        connect(pg, password="not-the-password")

    assert refused.value.sqlstate == "28P01"
    assert refused.value.is_auth_failure
    assert refused.value.reason == "the database refused the login (SQLSTATE 28P01)"
    assert "not-the-password" not in str(refused.value)


def test_an_unknown_database_is_a_postgres_error(pg: Cluster) -> None:
    with pytest.raises(POSTGRES.PostgresError) as refused:
        connect(pg, database="no_such_database")

    assert (refused.value.sqlstate, refused.value.severity) == ("3D000", "FATAL")
    assert not refused.value.is_auth_failure


@pytest.mark.parametrize(
    ("ending", "reason", "detail"),
    [
        ("no server proof", "the database did not prove its identity", "SCRAM ended early"),
        ("a forged server proof", "the database's SCRAM login failed", "does not know the password"),
    ],
)
def test_a_scram_server_that_does_not_prove_it_knows_the_password_is_refused(
    pg: Cluster, ending: str, reason: str, detail: str
) -> None:
    def impostor(sock: socket.socket) -> None:
        tls = fake_postgres.accept_tls(sock, pg.folder)
        fake_postgres.read_startup(tls)
        fake_postgres.scram_until_client_final(tls)
        if ending == "no server proof":
            tls.sendall(fake_postgres.auth(0) + fake_postgres.message(b"Z", b"I"))
        else:
            tls.sendall(fake_postgres.auth(12, b"v=" + b"A" * 43 + b"="))
        tls.recv(1024)

    with FakeServer(impostor) as server:
        with pytest.raises(POSTGRES.ConnectionFailure) as refused:
            connect(pg, port=server.port)
        assert server.done.wait(TIMEOUT)

    assert refused.value.reason == reason
    assert detail in str(refused.value)
    assert server.errors == []


def test_close_sends_terminate(pg: Cluster) -> None:
    last: list[tuple[bytes, bytes]] = []

    def trusting(sock: socket.socket) -> None:
        tls = fake_postgres.accept_tls(sock, pg.folder)
        fake_postgres.read_startup(tls)
        tls.sendall(fake_postgres.auth(0) + fake_postgres.message(b"Z", b"I"))
        last.append(fake_postgres.read_message(tls))

    with FakeServer(trusting) as server:
        connect(pg, port=server.port).close()
        assert server.done.wait(TIMEOUT)

    assert last == [(b"X", b"")]
    assert server.errors == []


# ----------------------------------------------------------------------- queries


def test_parameters_travel_apart_from_the_sql(pg: Cluster) -> None:
    hostile = "'); DROP TABLE pg_class; -- \\ \" $1"
    unicode = "Zürich 😀 東京"
    connection = connect(pg)
    try:
        result = connection.execute(
            "SELECT $1::text, $2::text, $3::text, $4::int, $5::bool, $6::float8, $7::text IS NULL",
            [hostile, unicode, None, -42, True, 1.5, None],
        )
        assert result.rows == [(hostile, unicode, None, "-42", "t", "1.5", "t")]
        assert result.command == "SELECT 1"
    finally:
        connection.close()


def test_an_error_keeps_the_connection_usable(pg: Cluster) -> None:
    connection = connect(pg)
    try:
        with pytest.raises(POSTGRES.PostgresError) as division:
            connection.execute("SELECT 1 / $1::int", [0])
        assert (division.value.sqlstate, division.value.message) == ("22012", "division by zero")
        with pytest.raises(POSTGRES.PostgresError) as syntax:
            connection.execute("SELEC 1")
        assert syntax.value.sqlstate == "42601"
        assert connection.execute("SELECT 2").rows == [("2",)]

        connection.execute("BEGIN")
        with pytest.raises(POSTGRES.PostgresError):
            connection.execute("SELECT 1 / 0")
        assert connection.transaction_status == "E"
        connection.execute("ROLLBACK")
        assert connection.transaction_status == "I"
        assert not connection.broken
    finally:
        connection.close()


def test_a_bad_parameter_or_a_nul_is_refused_before_anything_is_sent(pg: Cluster) -> None:
    connection = connect(pg)
    try:
        with pytest.raises(TypeError):
            connection.execute("SELECT $1", [b"bytes"])
        with pytest.raises(ValueError):
            connection.execute("SELECT 1\0")
        assert connection.execute("SELECT 3").rows == [("3",)]
    finally:
        connection.close()


def test_notices_and_parameter_changes_are_kept(pg: Cluster) -> None:
    connection = connect(pg)
    try:
        connection.execute("DO $$ BEGIN RAISE NOTICE 'hello %', 'there'; END $$")
        connection.execute("SET application_name = 'renamed'")
        assert connection.notices[-1] == POSTGRES.Notice("NOTICE", "00000", "hello there")
        assert connection.parameters["application_name"] == "renamed"
    finally:
        connection.close()


def test_rows_results_and_command_tags(pg: Cluster) -> None:
    connection = connect(pg)
    try:
        connection.execute("CREATE TEMPORARY TABLE t (a int, b text)")
        insert = connection.execute("INSERT INTO t VALUES (1, 'x'), (2, NULL)")
        select = connection.execute("SELECT a, b FROM t ORDER BY a")
        assert insert.command == "INSERT 0 2" and insert.rows == [] and insert.columns == ()
        assert (select.columns, select.rows, select.command) == (("a", "b"), [("1", "x"), ("2", None)], "SELECT 2")
    finally:
        connection.close()


# --------------------------------------------------------------- failures, timeouts


def test_a_slow_answer_times_out_and_breaks_the_connection(pg: Cluster) -> None:
    connection = connect(pg, timeout=0.3)
    try:
        started = time.monotonic()
        with pytest.raises(POSTGRES.ConnectionFailure) as slow:
            connection.execute("SELECT pg_sleep(1)")
        assert time.monotonic() - started < 0.9
        assert slow.value.reason == "the database did not answer in time"
        assert connection.broken
        with pytest.raises(POSTGRES.ConnectionFailure, match="broken"):
            connection.execute("SELECT 1")
    finally:
        connection.close()


def test_the_server_s_statement_timeout_keeps_the_connection(pg: Cluster) -> None:
    connection = connect(pg, parameters={"statement_timeout": "100"})
    try:
        with pytest.raises(POSTGRES.PostgresError) as cancelled:
            connection.execute("SELECT pg_sleep(2)")
        assert cancelled.value.sqlstate == "57014"  # query_canceled
        assert connection.execute("SELECT 4").rows == [("4",)]
    finally:
        connection.close()


def test_a_silent_server_times_out_at_connect(pg: Cluster) -> None:
    def silent(sock: socket.socket) -> None:
        fake_postgres.read_exact(sock, 8)
        sock.recv(1)  # until the client gives up and hangs up

    with FakeServer(silent) as server:
        started = time.monotonic()
        with pytest.raises(POSTGRES.ConnectionFailure) as silence:
            connect(pg, port=server.port, connect_timeout=0.2)
        assert time.monotonic() - started < 0.8

    assert silence.value.reason == "the database did not answer in time"


def test_a_closed_port_is_a_connection_failure(pg: Cluster) -> None:
    with pytest.raises(POSTGRES.ConnectionFailure) as refused:
        connect(pg, port=_closed_port())

    assert refused.value.reason == "the connection to the database failed"


def test_a_fatal_error_ends_the_connection(pg: Cluster) -> None:
    connection = connect(pg)
    try:
        with pytest.raises(POSTGRES.PostgresError) as ended:
            connection.execute("SELECT pg_terminate_backend(pg_backend_pid())")
        assert (ended.value.sqlstate, ended.value.severity) == ("57P01", "FATAL")
        assert connection.broken
    finally:
        connection.close()


def test_a_malformed_message_is_a_protocol_failure(pg: Cluster) -> None:
    def garbled(sock: socket.socket) -> None:
        tls = fake_postgres.accept_tls(sock, pg.folder)
        fake_postgres.read_startup(tls)
        tls.sendall(b"R" + struct.pack("!i", 2))  # a length shorter than the length field
        tls.recv(1024)

    with FakeServer(garbled) as server:
        with pytest.raises(POSTGRES.ConnectionFailure) as garbled_answer:
            connect(pg, port=server.port)
        assert server.done.wait(TIMEOUT)

    assert garbled_answer.value.reason == "the database sent an unexpected message"
