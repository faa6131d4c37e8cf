"""A scripted stand-in for a PostgreSQL server, for what a real one will not do.

A real server never skips the proof of a SCRAM exchange, never forges a signature and
always answers; to see the client refuse or give up, a script plays the server's side
of one connection on a loopback port. ``FakeServer`` runs it in a thread and keeps what
went wrong there (``errors``) so the test can assert it is empty.
"""

from __future__ import annotations

import base64
import socket
import ssl
import struct
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Final

SSL_REQUEST: Final = struct.pack("!ii", 8, 80877103)


def message(kind: bytes, body: bytes = b"") -> bytes:
    return kind + struct.pack("!i", len(body) + 4) + body


def read_exact(sock: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise ConnectionError("the client closed the connection")
        data += chunk
    return data


def read_message(sock: socket.socket) -> tuple[bytes, bytes]:
    kind = read_exact(sock, 1)
    (length,) = struct.unpack("!i", read_exact(sock, 4))
    return kind, read_exact(sock, length - 4)


def read_startup(sock: socket.socket) -> bytes:
    (length,) = struct.unpack("!i", read_exact(sock, 4))
    return read_exact(sock, length - 4)


def auth(code: int, data: bytes = b"") -> bytes:
    return message(b"R", struct.pack("!i", code) + data)


def accept_tls(sock: socket.socket, certificate_folder: Path) -> ssl.SSLSocket:
    """Answers the SSLRequest with ``S`` and completes the handshake with the test server certificate."""
    assert read_exact(sock, 8) == SSL_REQUEST
    sock.sendall(b"S")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificate_folder / "server.pem", certificate_folder / "server.key")
    return context.wrap_socket(sock, server_side=True)


def scram_until_client_final(sock: socket.socket) -> None:
    """Asks for SCRAM-SHA-256 and plays it up to the client's final message."""
    sock.sendall(auth(10, b"SCRAM-SHA-256\0\0"))
    kind, body = read_message(sock)
    assert kind == b"p" and body.startswith(b"SCRAM-SHA-256\0")
    client_first = body[len(b"SCRAM-SHA-256\0") + 4 :].decode()
    nonce = client_first.split("r=", 1)[1]
    salt = base64.b64encode(b"0123456789abcdef").decode()
    sock.sendall(auth(11, f"r={nonce}server-nonce,s={salt},i=4096".encode()))
    kind, body = read_message(sock)
    assert kind == b"p" and body.startswith(b"c=biws,r=")


class FakeServer:
    """Listens on a loopback port and plays ``script`` against the first client."""

    def __init__(self, script: Callable[[socket.socket], None]) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self._listener.getsockname()[1])
        self.errors: list[BaseException] = []
        self.done = threading.Event()
        self._script = script
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        try:
            sock, _ = self._listener.accept()
            with sock:
                sock.settimeout(5)
                self._script(sock)
        except BaseException as error:  # reported to the test through errors
            self.errors.append(error)
        finally:
            self.done.set()

    def close(self) -> None:
        self._listener.close()
        self._thread.join(5)

    def __enter__(self) -> FakeServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
