"""The messages of PostgreSQL's protocol version 3 that this client sends and reads.

https://www.postgresql.org/docs/current/protocol-message-formats.html. Building and
parsing only, no I/O: ``postgres`` sends and receives them. A message is a type byte,
then its length (itself included) as a big-endian Int32, then its body; the startup
and SSL request messages have no type byte. Every parser raises ``ValueError`` (or
``struct.error``) on a body of the wrong shape, which the connection treats as a
broken stream.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Mapping, Sequence
from typing import Final

PROTOCOL_VERSION: Final = 3 << 16
#: "Speak TLS first": the client's first message on every connection.
SSL_REQUEST: Final = struct.pack("!ii", 8, 80877103)
TERMINATE: Final = b"X\0\0\0\x04"
#: The codes of AuthenticationRequest ('R') messages this client handles.
AUTH_OK, AUTH_CLEARTEXT, AUTH_MD5 = 0, 3, 5
AUTH_SASL, AUTH_SASL_CONTINUE, AUTH_SASL_FINAL = 10, 11, 12


def message(kind: bytes, body: bytes = b"") -> bytes:
    return kind + struct.pack("!i", len(body) + 4) + body


def cstring(text: str) -> bytes:
    if "\0" in text:
        raise ValueError("a NUL character cannot be sent in a statement or a setting")
    return text.encode("utf-8") + b"\0"


def startup(settings: Mapping[str, str]) -> bytes:
    """The StartupMessage: the protocol version, then each setting's name and value."""
    body = struct.pack("!i", PROTOCOL_VERSION) + b"".join(cstring(k) + cstring(v) for k, v in settings.items())
    return struct.pack("!i", len(body) + 5) + body + b"\0"


def password(data: bytes) -> bytes:
    """A PasswordMessage, which also carries the SASL messages."""
    return message(b"p", data)


def sasl_initial(mechanism: str, data: bytes) -> bytes:
    return message(b"p", cstring(mechanism) + struct.pack("!i", len(data)) + data)


def md5_password(user: str, secret: str, salt: bytes) -> bytes:
    """PostgreSQL's MD5 answer: ``md5`` + md5(md5(password + user) + salt), in hex."""
    inner = hashlib.md5((secret + user).encode("utf-8")).hexdigest().encode("ascii")
    return b"md5" + hashlib.md5(inner + salt).hexdigest().encode("ascii") + b"\0"


def parameter(value: object) -> bytes | None:
    """A value in text format; ``None`` is SQL NULL."""
    if value is None:
        return None
    if isinstance(value, bool):  # before int: True is an int
        return b"true" if value else b"false"
    if isinstance(value, (str, int, float)):
        return str(value).encode("utf-8")
    raise TypeError(f"a parameter must be str, int, float, bool or None, not {type(value).__name__}")


def extended_query(sql: str, parameters: Sequence[object]) -> bytes:
    """Parse, Bind, Describe, Execute and Sync for ``sql`` with ``parameters`` as
    ``$1``, ``$2``, ...: the unnamed statement and portal, types left to the server,
    every value and result in text format."""
    values = [parameter(value) for value in parameters]
    if len(values) > 65535:
        raise ValueError("at most 65535 parameters")
    bound = b"".join(b"\xff\xff\xff\xff" if v is None else struct.pack("!i", len(v)) + v for v in values)
    return (
        message(b"P", b"\0" + cstring(sql) + struct.pack("!H", 0))
        + message(b"B", b"\0\0" + struct.pack("!hH", 0, len(values)) + bound + struct.pack("!h", 0))
        + message(b"D", b"P\0")
        + message(b"E", b"\0" + struct.pack("!i", 0))
        + message(b"S")
    )


def fields(body: bytes) -> dict[str, str]:
    """The fields of an ErrorResponse or NoticeResponse: code letter -> text."""
    return {part[:1].decode("ascii"): part[1:].decode("utf-8", "replace") for part in body.split(b"\0") if part}


def data_row(body: bytes) -> tuple[str | None, ...]:
    (count,) = struct.unpack("!h", body[:2])
    row: list[str | None] = []
    offset = 2
    for _ in range(count):
        (size,) = struct.unpack("!i", body[offset : offset + 4])
        offset += 4
        row.append(None if size < 0 else body[offset : offset + size].decode("utf-8"))
        offset += max(size, 0)
    if offset != len(body):
        raise ValueError("a DataRow of the wrong length")
    return tuple(row)


def column_names(body: bytes) -> tuple[str, ...]:
    """The names in a RowDescription."""
    (count,) = struct.unpack("!h", body[:2])
    names: list[str] = []
    offset = 2
    for _ in range(count):
        end = body.index(b"\0", offset)
        names.append(body[offset:end].decode("utf-8"))
        offset = end + 1 + 18  # table oid, column number, type oid, size, modifier, format
    if offset != len(body):
        raise ValueError("a RowDescription of the wrong length")
    return tuple(names)


def parameter_status(body: bytes) -> tuple[str, str]:
    name, _, value = body.rstrip(b"\0").partition(b"\0")
    return name.decode("utf-8", "replace"), value.decode("utf-8", "replace")
