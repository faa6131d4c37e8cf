"""A small PostgreSQL client: protocol version 3 over TLS, on the standard library.

https://www.postgresql.org/docs/current/protocol.html. What it does, and why:

- **TLS, always, verified like libpq's ``sslmode=verify-full``.** It sends
  ``SSLRequest`` and refuses a server that answers anything but ``S``; the handshake
  checks the certificate against the caller's context (the RDS CA bundle) and the host
  name. Nothing, not even the startup message, goes out in clear text.
- **SCRAM-SHA-256** (``scram``; RDS for PostgreSQL's default), **MD5** for older
  servers, and nothing else: a server that asks for the password in clear text is
  refused, as is a SCRAM server that does not prove it knows the password.
- **The extended query protocol**: ``Parse``/``Bind``/``Describe``/``Execute``/``Sync``
  in one write, with the parameters sent apart from the SQL (text format), so no value
  is ever formatted into a statement. Results come back as text (``None`` for NULL).
- **Errors**: ``ErrorResponse`` raises ``PostgresError`` (its SQLSTATE and message)
  once the server is ready again, so the connection stays usable. I/O failures,
  timeouts and protocol violations raise ``ConnectionFailure`` and break the connection
  (``broken``): nobody can know where in the stream it stopped.
- ``NoticeResponse`` is kept in ``notices`` (the last few), ``ParameterStatus`` in
  ``parameters``; ``close()`` sends ``Terminate``.

The messages themselves are built and parsed in ``pgwire``. A connection serves one
thread at a time (``pool`` hands it out).
"""

from __future__ import annotations

import select
import socket
import ssl
import struct
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from typing import Final, NamedTuple, TypeVar

import pgwire
import scram

#: PostgreSQL's own limit for a field is 1 GiB; this client's rows are small.
MAX_MESSAGE_BYTES: Final = 64 * 1024 * 1024
#: invalid_password, invalid_authorization_specification: the login was refused.
AUTH_FAILURE_SQLSTATES: Final = frozenset({"28P01", "28000"})
_FATAL: Final = ("FATAL", "PANIC")
_T = TypeVar("_T")


class DatabaseError(Exception):
    """``str()`` is the detail, for the log; ``reason`` is short and names no host,
    user or value, so anyone may see it."""

    reason: str = "the database failed"


class PostgresError(DatabaseError):
    """The server's ``ErrorResponse``: ``sqlstate``, ``message`` and every field (``fields``)."""

    def __init__(self, fields: Mapping[str, str]) -> None:
        self.fields = dict(fields)
        self.sqlstate = self.fields.get("C", "XX000")
        self.severity = self.fields.get("V") or self.fields.get("S") or "ERROR"
        self.message = self.fields.get("M", "")
        super().__init__(f"{self.severity} {self.sqlstate}: {self.message}")
        refused = "login" if self.is_auth_failure else "request"
        self.reason = f"the database refused the {refused} (SQLSTATE {self.sqlstate})"

    @property
    def is_auth_failure(self) -> bool:
        return self.sqlstate in AUTH_FAILURE_SQLSTATES


class ConnectionFailure(DatabaseError):
    """The connection could not be made, or can no longer be used."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


class Notice(NamedTuple):
    severity: str
    sqlstate: str
    message: str


class Result(NamedTuple):
    #: The column names; empty for a statement that returns no rows.
    columns: tuple[str, ...]
    rows: list[tuple[str | None, ...]]
    #: The command tag: ``SELECT 3``, ``INSERT 0 1``, ``CREATE TABLE``.
    command: str


class _Reply:
    def __init__(self) -> None:
        self.columns: tuple[str, ...] = ()
        self.rows: list[tuple[str | None, ...]] = []
        self.command = ""
        self.error: PostgresError | None = None


#: BackendKeyData; ParseComplete, BindComplete, NoData, EmptyQueryResponse.
_ACKNOWLEDGMENTS: Final = frozenset({b"K", b"1", b"2", b"n", b"I"})


def _io_failure(error: OSError, what: str) -> ConnectionFailure:
    if isinstance(error, ssl.SSLCertVerificationError):
        return ConnectionFailure(f"{what}: {error.verify_message}", "the database's TLS certificate was not accepted")
    timed_out = isinstance(error, socket.timeout) or "timed out" in str(error)
    reason = "the database did not answer in time" if timed_out else "the connection to the database failed"
    return ConnectionFailure(f"{what}: {type(error).__name__}: {error}", reason)


class Connection:
    """An open, authenticated session; made by ``connect``."""

    def __init__(self, sock: socket.socket, where: str) -> None:
        self._sock: socket.socket | None = sock
        self._buffer = bytearray()
        self.where = where
        self.broken = False
        #: ``I`` idle, ``T`` in a transaction, ``E`` in a failed transaction.
        self.transaction_status = "I"
        self.parameters: dict[str, str] = {}
        self.notices: deque[Notice] = deque(maxlen=16)

    # ------------------------------------------------------------------ raw I/O

    def _send(self, data: bytes) -> None:
        if self._sock is None:
            raise self._failure("the connection is closed", "the connection to the database failed")
        try:
            self._sock.sendall(data)
        except OSError as error:
            raise _io_failure(error, f"{self.where}: send") from None

    def _read_exact(self, size: int) -> bytes:
        while len(self._buffer) < size:
            try:
                chunk = self._sock.recv(max(65536, size - len(self._buffer))) if self._sock else b""
            except OSError as error:
                raise _io_failure(error, f"{self.where}: receive") from None
            if not chunk:
                raise self._failure("the server closed the connection", "the database closed the connection")
            self._buffer += chunk
        data = bytes(self._buffer[:size])
        del self._buffer[:size]
        return data

    def _read_message(self) -> tuple[bytes, bytes]:
        header = self._read_exact(5)
        (length,) = struct.unpack("!i", header[1:])
        if not 4 <= length <= MAX_MESSAGE_BYTES:
            raise self._protocol_error(f"a message of {length} bytes")
        return header[:1], self._read_exact(length - 4)

    def _failure(self, detail: str, reason: str) -> ConnectionFailure:
        return ConnectionFailure(f"{self.where}: {detail}", reason)

    def _protocol_error(self, what: str) -> ConnectionFailure:
        return self._failure(f"unexpected {what}", "the database sent an unexpected message")

    def _background(self, kind: bytes, body: bytes) -> bool:
        """Handles what the server may send at any time; ``False`` for anything else."""
        if kind == b"N":
            fields = pgwire.fields(body)
            self.notices.append(
                Notice(fields.get("V") or fields.get("S", ""), fields.get("C", ""), fields.get("M", ""))
            )
        elif kind == b"S":
            name, value = pgwire.parameter_status(body)
            self.parameters[name] = value
        elif kind != b"A":  # NotificationResponse: this client listens to no channel
            return False
        return True

    # ------------------------------------------------------------------ startup

    def _authenticate(self, user: str, password: str) -> None:
        exchange: scram.ScramClient | None = None
        proven = False
        while True:
            kind, body = self._read_message()
            if kind == b"E":
                raise PostgresError(pgwire.fields(body))
            if self._background(kind, body):
                continue
            if kind != b"R":
                raise self._protocol_error(f"message {kind!r} during authentication")
            (code,) = struct.unpack("!i", body[:4])
            if code == pgwire.AUTH_OK:
                if exchange is not None and not proven:
                    raise self._failure("SCRAM ended early", "the database did not prove its identity")
                return
            if code == pgwire.AUTH_MD5:
                self._send(pgwire.password(pgwire.md5_password(user, password, body[4:8])))
            elif code == pgwire.AUTH_SASL:
                mechanisms = [m.decode("ascii", "replace") for m in body[4:].split(b"\0") if m]
                if scram.MECHANISM not in mechanisms:
                    raise self._failure(f"SASL {mechanisms}", "the database offers no known SASL mechanism")
                exchange = scram.ScramClient(password)
                first = exchange.client_first()
                self._send(pgwire.sasl_initial(scram.MECHANISM, first))
            elif code == pgwire.AUTH_SASL_CONTINUE and exchange is not None:
                self._send(pgwire.password(exchange.client_final(body[4:])))
            elif code == pgwire.AUTH_SASL_FINAL and exchange is not None:
                exchange.verify_server_final(body[4:])
                proven = True
            elif code == pgwire.AUTH_CLEARTEXT:
                raise self._failure("clear-text password", "the database asked for a clear-text password")
            else:
                raise self._failure(f"authentication {code}", "the database asked for an unknown login")

    def _startup(self, packet: bytes, user: str, password: str) -> None:
        self._send(packet)
        try:
            self._authenticate(user, password)
        except scram.ScramError as error:
            raise self._failure(f"SCRAM: {error}", "the database's SCRAM login failed") from None
        reply = self._until_ready()
        if reply.error is not None:
            raise reply.error

    def _until_ready(self) -> _Reply:
        """Everything up to ``ReadyForQuery``: rows, command tag, the first error."""
        reply = _Reply()
        while True:
            kind, body = self._read_message()
            if kind == b"Z":
                self.transaction_status = body[:1].decode("ascii")
                return reply
            if kind == b"D":
                reply.rows.append(pgwire.data_row(body))
            elif kind == b"T":
                reply.columns = pgwire.column_names(body)
            elif kind == b"C":
                reply.command = body.rstrip(b"\0").decode("utf-8")
            elif kind == b"E":
                error = PostgresError(pgwire.fields(body))
                reply.error = reply.error or error
                if error.severity in _FATAL:
                    return reply  # the server ends the session: no ReadyForQuery follows
            elif kind not in _ACKNOWLEDGMENTS and not self._background(kind, body):
                raise self._protocol_error(f"message {kind!r}")

    # ------------------------------------------------------------------ queries

    def execute(self, sql: str, parameters: Sequence[object] = ()) -> Result:
        """Runs one statement with ``parameters`` bound to ``$1``, ``$2``, ...; its rows as text."""
        request = pgwire.extended_query(sql, parameters)  # TypeError, ValueError: nothing sent
        self._guarded(lambda: self._send(request))
        reply = self._guarded(self._until_ready)
        if reply.error is not None:
            if reply.error.severity in _FATAL:
                self.close()
            raise reply.error
        return Result(reply.columns, reply.rows, reply.command)

    def _guarded(self, action: Callable[[], _T]) -> _T:
        """``action()``; any failure of the stream breaks the connection."""
        if self.broken:
            raise self._failure("the connection is broken", "the connection to the database failed")
        try:
            return action()
        except ConnectionFailure:
            self.close()
            raise
        except (struct.error, IndexError, ValueError) as error:  # a malformed message
            self.close()
            raise self._protocol_error(f"message: {error}") from None

    def unprompted(self) -> bool:
        """Whether the server sent anything since the last answer was read. An idle
        session gets nothing unasked but the end of it: the server's ``FATAL`` error
        (shutdown, failover, an administrator) and its close."""
        if self._sock is None or self._buffer:
            return True
        pending = isinstance(self._sock, ssl.SSLSocket) and self._sock.pending() > 0
        return pending or bool(select.select([self._sock], [], [], 0)[0])

    def close(self) -> None:
        """Sends ``Terminate`` (when it can) and closes the socket. Idempotent."""
        sock, self._sock = self._sock, None
        self.broken = True
        if sock is None:
            return
        try:
            sock.settimeout(0.5)
            sock.sendall(pgwire.TERMINATE)
        except OSError:
            pass
        finally:
            sock.close()


def connect(
    host: str,
    port: int,
    *,
    user: str,
    password: str,
    database: str,
    ssl_context: ssl.SSLContext,
    connect_timeout: float,
    timeout: float,
    parameters: Mapping[str, str] | None = None,
) -> Connection:
    """An authenticated connection over verified TLS.

    ``connect_timeout`` bounds each step of the opening (TCP, TLS, each message of the
    login), ``timeout`` every read and write after it. ``parameters`` are run-time
    settings for the session (``application_name``, ``statement_timeout``, ...); the
    client always asks for UTF-8, ISO dates and UTC.
    """
    where = f"{host}:{port}"
    settings = {
        "user": user,
        "database": database,
        "client_encoding": "UTF8",
        "DateStyle": "ISO",
        "TimeZone": "UTC",
        **(parameters or {}),
    }
    startup_packet = pgwire.startup(settings)
    try:
        raw = socket.create_connection((host, port), timeout=connect_timeout)
    except OSError as error:
        raise _io_failure(error, f"{where}: connect") from None
    try:
        raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        raw.sendall(pgwire.SSL_REQUEST)
        # One byte, read before the handshake: anything the server sends after it
        # must come through TLS, or the handshake fails.
        answer = raw.recv(1)
        if answer != b"S":
            raise ConnectionFailure(
                f"{where}: the server answered {answer!r} to SSLRequest", "the database does not offer TLS"
            )
        sock = ssl_context.wrap_socket(raw, server_hostname=host)
    except OSError as error:
        raw.close()
        raise _io_failure(error, f"{where}: TLS") from None
    except ConnectionFailure:
        raw.close()
        raise
    connection = Connection(sock, where)
    try:
        connection._guarded(lambda: connection._startup(startup_packet, user, password))
    except BaseException:
        connection.close()
        raise
    sock.settimeout(timeout)
    return connection


def tls_context(cafile: str) -> ssl.SSLContext:
    """Verifies the server's certificate against ``cafile`` only, and its host name
    (libpq's ``verify-full``), over TLS 1.2 or later."""
    context = ssl.create_default_context(cafile=cafile)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    # What libpq 17 sends: PostgreSQL 17 and later check it on direct TLS, older servers ignore it.
    context.set_alpn_protocols(["postgresql"])
    return context
